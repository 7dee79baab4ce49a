#!/usr/bin/env bats
# The shard level of the site's addresses (issue 14, item 5): pages under
# m/HH/ and t/HH/, the addresses of sites rendered before it kept, and
# threads whose root has a very long Message-ID named as its page is.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	MAIL=$BATS_TEST_TMPDIR/mail
	mkdir -p "$MAIL"
	# A Message-ID over 189 bytes: notmuch stores it as notmuch-sha1-.
	LONG=$(python3 -c 'print("long-" + "x" * 240 + "@harbour.example")')
}

linkcheck() {
	python3 "$TESTS_DIR/linkcheck.py" "$1"
}

# long_thread DIR - a thread rooted at the long Message-ID, with a reply.
long_thread() {
	printf '%s\n' 'From: Ana Lima <ana@harbour.example>' \
		'To: team@harbour.example' 'Subject: a long id' \
		'Date: Mon, 2 Mar 2026 10:00:00 +0000' "Message-ID: <$LONG>" '' \
		'root' >"$1/long-root.eml"
	printf '%s\n' 'From: Rui Costa <rui@harbour.example>' \
		'To: team@harbour.example' 'Subject: Re: a long id' \
		'Date: Mon, 2 Mar 2026 11:00:00 +0000' \
		'Message-ID: <long-reply@harbour.example>' \
		"In-Reply-To: <$LONG>" "References: <$LONG>" '' 'reply' \
		>"$1/long-reply.eml"
}

# flatten SITE STATE - turn a site into what the renderer before the
# shard level left: every file of m/HH/ and t/HH/ right in m/ and t/,
# and a render state whose settings do not name the layout.
flatten() {
	local f
	for f in "$1"/m/*/* "$1"/t/*/*; do
		mv "$f" "$(dirname "$(dirname "$f")")/"
	done
	find "$1/m" "$1/t" -mindepth 1 -type d -empty -delete
	grep -q '|m/HH' "$2"
	sed -i 's/|m\/HH//' "$2"
}

@test "shard: every page and raw file is in m/HH/ or t/HH/, as mailarc link prints it" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	site=$(space_dir harbour)/site
	# Nothing right in m/ or t/; shards are two lower-case hex digits.
	[ -z "$(find "$site/m" "$site/t" -maxdepth 1 -type f)" ]
	[ -z "$(find "$site/m" "$site/t" -mindepth 1 -maxdepth 1 -type d |
		grep -v '/[0-9a-f][0-9a-f]$')" ]
	[ -z "$(find "$site/m" "$site/t" -mindepth 3)" ]
	n=0
	for f in "$SAMPLE_DIR"/*.eml; do
		id=$(sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' "$f" | head -1)
		[ -n "$id" ] || continue
		p=$(mrel harbour "$id")
		[ -f "$site/$p" ] || continue
		[ -f "$site/${p%.html}.eml" ]
		t=$(trel harbour "$id")
		[ -f "$site/$t" ]
		n=$((n + 1))
	done
	[ "$n" -gt 30 ]
	linkcheck "$site"
}

@test "shard: a site of the flat layout keeps every address after the upgrade" {
	sample_space harbour
	d=$(space_dir harbour)
	site=$d/site
	mailarc-render harbour >/dev/null
	flatten "$site" "$d/state/render.state"
	(cd "$site" && find m t -type f | sort) >"$BATS_TEST_TMPDIR/old"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/old")" -gt 90 ]
	cp -a "$site" "$BATS_TEST_TMPDIR/flat"
	# An ordinary run: the layout changed, so it renders everything.
	run mailarc-render harbour
	[ "$status" -eq 0 ]
	[[ "$output" == *"rendering everything"* ]]
	# Every old address is still there ...
	while read -r f; do
		[ -f "$site/$f" ] || { echo "gone: $f"; false; }
	done <"$BATS_TEST_TMPDIR/old"
	# ... a page as a notice that leads to its shard, a raw message, a
	# feed and an mbox as the very bytes of the new address.
	n=0
	while read -r f; do
		dir=${f%%/*} base=${f#*/}
		case $base in
		*.html)
			to=$(sed -n 's/.*http-equiv="refresh" content="0; url=\([^"]*\)".*/\1/p' \
				"$site/$f")
			[[ "$to" == [0-9a-f][0-9a-f]/"$base" ]]
			[ -f "$site/$dir/$to" ]
			grep -q "href=\"$to\"" "$site/$f"
			grep -q 'Page moved' "$site/$f"
			n=$((n + 1))
			;;
		*.atom)
			# The same entries, its links made for t/.
			new=$(ls "$site/$dir"/*/"$base")
			diff <(grep '<id>' "$site/$f") <(grep '<id>' "$new")
			if grep -q '\.\./\.\./' "$site/$f"; then false; fi
			;;
		*)
			new=$(ls "$site/$dir"/*/"$base")
			cmp "$site/$f" "$new"
			;;
		esac
	done <"$BATS_TEST_TMPDIR/old"
	[ "$n" -gt 40 ]
	# Nothing new is flat: the flat files are the old ones only.
	(cd "$site" && find m t -maxdepth 1 -type f | sort) |
		diff - "$BATS_TEST_TMPDIR/old"
	linkcheck "$site"
	# A full run changes nothing; neither does a rebuild.
	cp -a "$site" "$BATS_TEST_TMPDIR/upgraded"
	mailarc-render harbour --full >/dev/null
	diff -r "$BATS_TEST_TMPDIR/upgraded" "$site"
	# The old raw files were never rewritten: the same bytes.
	for f in "$BATS_TEST_TMPDIR"/flat/m/*.eml; do
		cmp "$f" "$site/m/$(basename "$f")"
	done
}

@test "shard: after the upgrade, flat feeds follow their thread and flat files go with their message" {
	sample_space harbour
	d=$(space_dir harbour)
	site=$d/site
	mailarc-render harbour >/dev/null
	flatten "$site" "$d/state/render.state"
	mailarc-render harbour >/dev/null
	t=$(trel harbour move-1@harbour.example)
	flat=t/$(basename "$t" .html)
	[ -f "$site/$flat.mbox" ]
	before=$(grep -c '^From MAILER-DAEMON' "$site/$flat.mbox")
	# A reply joins the thread in an incremental run: both mboxes and
	# feeds have it.
	printf '%s\n' 'From: Ana Lima <ana@harbour.example>' \
		'To: team@harbour.example' 'Subject: Re: the move' \
		'Date: Tue, 17 Nov 2026 09:00:00 +0000' \
		'Message-ID: <late-1@harbour.example>' \
		'In-Reply-To: <move-1@harbour.example>' \
		'References: <move-1@harbour.example>' '' 'Late.' \
		>"$MAIL/late.eml"
	archive_add harbour "$MAIL/late.eml"
	notmuch_index harbour
	run mailarc-render harbour
	[ "$status" -eq 0 ]
	[[ "$output" != *"rendering everything"* ]]
	[ "$(grep -c '^From MAILER-DAEMON' "$site/$flat.mbox")" -eq $((before + 1)) ]
	cmp "$site/$flat.mbox" "$site/${t%.html}.mbox"
	diff <(grep '<id>' "$site/$flat.atom") \
		<(grep '<id>' "$site/${t%.html}.atom")
	grep -q 'late-1' "$site/$flat.atom"
	[ ! -e "$site/m/late-1@harbour.example.html" ]
	# A message deleted: its flat raw file goes, its flat page leads to
	# the removal notice.
	m=$(mrel harbour move-4@harbour.example)
	[ -f "$site/m/move-4@harbour.example.eml" ]
	th=$(notmuch --config="$d/notmuch/config" search --output=threads \
		id:move-4@harbour.example | sed 's/thread://')
	rm "$d"/archive/cur/move-4.*
	printf '2026-11-20T10:00:00Z\tmove-4@harbour.example\t%s\t-\n' "$th" \
		>>"$d/tombstones"
	notmuch_index harbour
	mailarc-render harbour >/dev/null
	[ ! -e "$site/m/move-4@harbour.example.eml" ]
	[ ! -e "$site/${m%.html}.eml" ]
	grep -q 'Message removed' "$site/$m"
	grep -q 'Page moved' "$site/m/move-4@harbour.example.html"
	linkcheck "$site"
	# The incremental site is the full one.
	site_digest "$site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render harbour --full >/dev/null
	site_digest "$site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}

@test "shard: an erased message leaves no flat address" {
	sample_space harbour
	d=$(space_dir harbour)
	site=$d/site
	mailarc-render harbour >/dev/null
	flatten "$site" "$d/state/render.state"
	mailarc-render harbour >/dev/null
	[ -f "$site/m/move-4@harbour.example.eml" ]
	th=$(notmuch --config="$d/notmuch/config" search --output=threads \
		id:move-4@harbour.example | sed 's/thread://')
	rm "$d"/archive/cur/move-4.*
	# An erasure's tombstone holds a hash, not the Message-ID.
	printf '2026-11-20T10:00:00Z\tsha256:%s\t%s\t-\n' \
		"$(printf %s move-4@harbour.example | sha256sum | cut -c1-64)" \
		"$th" >>"$d/tombstones"
	notmuch_index harbour
	mailarc-render harbour --full >/dev/null
	[ -z "$(find "$site" -name 'move-4@*')" ]
	linkcheck "$site"
}

@test "shard: a thread rooted at a Message-ID over 189 bytes is named as its page" {
	mailarc space add lg --name Long >/dev/null
	long_thread "$MAIL"
	mailarc import lg "$MAIL"/long-root.eml "$MAIL"/long-reply.eml >/dev/null
	site=$MAILARC_ROOT/spaces/lg/site
	m=$(mrel lg "$LONG")
	t=$(trel lg long-reply@harbour.example)
	[[ "$m" == m/[0-9a-f][0-9a-f]/long-x*"=="* ]]
	# The same shard and NAME as the root's page, not notmuch's id.
	[ "${t#t/}" = "${m#m/}" ]
	[ -f "$site/$t" ]
	[ -z "$(find "$site" -name 'notmuch-sha1-*')" ]
	[ "$(trel lg "$LONG")" = "$t" ]
	linkcheck "$site"
}

@test "shard: a thread page a previous version named notmuch-sha1- leads to the new name" {
	mailarc space add lg --name Long >/dev/null
	long_thread "$MAIL"
	mailarc import lg "$MAIL"/long-root.eml "$MAIL"/long-reply.eml >/dev/null
	d=$MAILARC_ROOT/spaces/lg
	site=$d/site
	t=$(trel lg "$LONG")
	key=$(notmuch --config="$d/notmuch/config" search --output=messages \
		from:ana@harbour.example | sed 's/^id://')
	[[ "$key" == notmuch-sha1-* ]]
	# What the version before left: the thread at t/KEY.*, and the
	# name in the state's header.
	flatten "$site" "$d/state/render.state"
	for ext in html atom mbox; do
		mv "$site/t/$(basename "$t" .html).$ext" "$site/t/$key.$ext"
	done
	sed -i "/^thread /d; 2i thread $key\t$key\t$key" "$d/state/render.state"
	run mailarc-render lg
	[ "$status" -eq 0 ]
	# The old address: a notice to its shard, whose notice leads to the
	# thread's page now.
	to=$(sed -n 's/.*content="0; url=\([^"]*\)".*/\1/p' "$site/t/$key.html")
	[ -f "$site/t/$to" ]
	grep -q 'Conversation moved' "$site/t/$to"
	grep -q "url=../${t#t/}\"" "$site/t/$to"
	linkcheck "$site"
}
