#!/usr/bin/env bats
# Links that last (issue 14): thread pages named by their first message's
# Message-ID, old thread addresses that lead on after a merge, a rebuilt
# database that gives the same site byte for byte, anchors per message,
# and the Reply link of message pages.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	MAIL=$BATS_TEST_TMPDIR/mail
	mkdir -p "$MAIL"
}

teardown() {
	if [ -n "${MOUNTED:-}" ]; then
		umount "$MOUNTED" 2>/dev/null || true
	fi
}

# mail NAME ID DATE [REFS] - a message file NAME.eml in $MAIL, replying
# to the Message-IDs REFS (space-separated, the last one is the parent).
mail() {
	local refs=${4:-} parent
	{
		echo "From: Rui Costa <rui@harbour.example>"
		echo "To: team@harbour.example"
		echo "Subject: thread of $2"
		echo "Date: $3"
		echo "Message-ID: <$2>"
		if [ -n "$refs" ]; then
			parent=${refs##* }
			echo "In-Reply-To: <$parent>"
			echo "References: $(for r in $refs; do printf '<%s> ' "$r"; done)"
		fi
		echo
		echo "Body of $2."
	} >"$MAIL/$1.eml"
}

# import KEY FILE... - archive, index and render through the pipeline.
import() {
	local key=$1
	shift
	mailarc import "$key" "$@" >/dev/null
}

site_of() {
	echo "$MAILARC_ROOT/spaces/$1/site"
}

linkcheck() {
	python3 "$TESTS_DIR/linkcheck.py" "$1"
}

# A corpus whose threads gain earlier roots and merge, in four batches.
merging_corpus() {
	mailarc space add gen --name Gen >/dev/null
	mail a1 a1@gen.example "Mon, 2 Mar 2026 10:00:00 +0000"
	mail a2 a2@gen.example "Mon, 2 Mar 2026 11:00:00 +0000" a1@gen.example
	mail b1 b1@gen.example "Tue, 3 Mar 2026 10:00:00 +0000"
	mail b2 b2@gen.example "Tue, 3 Mar 2026 12:00:00 +0000" b1@gen.example
	mail c1 c1@gen.example "Wed, 4 Mar 2026 10:00:00 +0000"
	import gen "$MAIL"/a*.eml "$MAIL"/b*.eml "$MAIL"/c*.eml
	# An earlier message that b1 answers arrives late: b's root moves.
	mail b0 b0@gen.example "Sun, 1 Mar 2026 09:00:00 +0000"
	mail b3 b3@gen.example "Tue, 3 Mar 2026 13:00:00 +0000" \
		"b0@gen.example b1@gen.example"
	import gen "$MAIL"/b0.eml "$MAIL"/b3.eml
	# A reply to both a and c merges them.
	mail m1 m1@gen.example "Thu, 5 Mar 2026 10:00:00 +0000" \
		"c1@gen.example a2@gen.example"
	import gen "$MAIL"/m1.eml
	# Then that merged thread gains a still earlier root through a1.
	mail z0 z0@gen.example "Sat, 28 Feb 2026 08:00:00 +0000"
	mail a3 a3@gen.example "Mon, 2 Mar 2026 15:00:00 +0000" \
		"z0@gen.example a1@gen.example"
	import gen "$MAIL"/z0.eml "$MAIL"/a3.eml
}

@test "links: thread pages are named by their first message; link --thread prints them" {
	mailarc space add demo --name Demo >/dev/null
	import demo "$TESTS_DIR"/sample/mail
	site=$(site_of demo)
	[ -z "$(find "$site/t" -name '0000*')" ]
	run mailarc link demo move-2@harbour.example --thread
	[ "$status" -eq 0 ]
	[ "$output" = "$site/t/"*/"move-1@harbour.example.html" ]
	[ -f "$output" ]
	t1=$output
	run mailarc link demo '<move-1@harbour.example>' --thread
	[ "$output" = "$site/t/"*/"move-1@harbour.example.html" ]
	run mailarc link demo nosuch@harbour.example --thread
	[ "$status" -eq 65 ]
	[[ "$output" == *"shows no message 'nosuch@harbour.example'"* ]]
	# A render that rewrites the site is part way (a full run in steps
	# saves its state a step at a time, with the publishing mark): a
	# message not there yet may be later.
	st=$MAILARC_ROOT/spaces/demo/state/render.state
	touch "$st.publishing"
	run mailarc link demo nosuch@harbour.example --thread
	[ "$status" -eq 75 ]
	[[ "$output" == *"is being rendered again and does not show 'nosuch@harbour.example' yet"* ]]
	run mailarc link demo move-2@harbour.example --thread
	[ "$status" -eq 0 ]
	rm "$st.publishing"
	mailarc space edit demo --set base_url=https://lists.example/demo/ >/dev/null
	run mailarc link demo move-2@harbour.example --thread
	[ "$output" = "https://lists.example/demo/${t1#"$site"/}" ]
	[[ "$output" == https://lists.example/demo/t/[0-9a-f][0-9a-f]/move-1@harbour.example.html ]]
	linkcheck "$site"
}

@test "links: anchors are m + 12 hex digits of the Message-ID's SHA-256; Whole conversation uses them" {
	mailarc space add demo --name Demo >/dev/null
	import demo "$TESTS_DIR"/sample/mail
	site=$(site_of demo)
	h=$(printf '%s' move-2@harbour.example | sha256sum | cut -c1-12)
	grep -q "id=\"m$h\"" "$site/t/"*/"move-1@harbour.example.html"
	t1=$(trel demo move-1@harbour.example)
	grep -q "href=\"../../$t1#m$h\">Whole conversation" \
		"$site/m/"*/"move-2@harbour.example.html"
	# Every fragment that points into a thread page names an anchor of it.
	python3 - "$site" <<'PY'
import os, re, sys
site = sys.argv[1]
ids = {}
bad = 0
for d, _, fs in os.walk(site):
    for f in fs:
        if not f.endswith(".html"):
            continue
        p = os.path.join(d, f)
        text = open(p, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r'href="([^"#:]*t/[^"#]*\.html)#([^"]+)"', text):
            t = os.path.normpath(os.path.join(d, m.group(1)))
            if t not in ids:
                ids[t] = set(re.findall(r'id="([^"]+)"', open(t).read()))
            if m.group(2) not in ids[t]:
                bad += 1
                print("missing anchor", p, m.group(0))
sys.exit(1 if bad else 0)
PY
}

@test "links: threads that gain an earlier root or merge keep their old addresses, as notices" {
	merging_corpus
	site=$(site_of gen)
	# b0 joined b: b's old page leads to b0's.
	b0=../$(trel gen b0@gen.example | cut -d/ -f2-)
	grep -q 'Conversation moved' "$site/t/"*/"b1@gen.example.html"
	grep -q "http-equiv=\"refresh\" content=\"0; url=$b0\"" \
		"$site/t/"*/"b1@gen.example.html"
	grep -q "href=\"$b0\"" "$site/t/"*/"b1@gen.example.html"
	[ ! -f "$site/t/"*/"b1@gen.example.mbox" ]
	grep -q 'b1@gen.example' "$site/t/"*/"b0@gen.example.html"
	# c merged into a, then a's root moved to z0: both old names lead
	# straight to the thread that holds them now.
	z0=../$(trel gen z0@gen.example | cut -d/ -f2-)
	for old in a1 c1; do
		grep -q "url=$z0\"" "$site/t/"*/"$old@gen.example.html"
	done
	grep -q 'c1@gen.example' "$site/t/"*/"z0@gen.example.html"
	[ "$(mailarc link gen c1@gen.example --thread)" = "$site/t/"*/"z0@gen.example.html" ]
	# Each in its shard (t/HH/), nothing right in t/.
	[ -z "$(find "$site/t" -maxdepth 1 -type f)" ]
	find "$site/t" -mindepth 2 -type f -printf '%f\n' | sort \
		>"$BATS_TEST_TMPDIR/names"
	printf '%s\n' a1@gen.example.html b0@gen.example.html \
		b0@gen.example.atom b0@gen.example.mbox b1@gen.example.html \
		c1@gen.example.html z0@gen.example.atom z0@gen.example.html \
		z0@gen.example.mbox | sort | diff - "$BATS_TEST_TMPDIR/names"
	linkcheck "$site"
	# The incremental site equals a full render, notices included.
	cp -a "$site" "$BATS_TEST_TMPDIR/inc"
	mailarc render gen --full >/dev/null
	diff -r "$BATS_TEST_TMPDIR/inc" "$site"
}

@test "links: rebuild makes a fresh database and the same site, byte for byte (demo)" {
	mailarc space add demo --name Demo >/dev/null
	import demo "$TESTS_DIR"/sample/mail
	d=$MAILARC_ROOT/spaces/demo
	cp -a "$(site_of demo)" "$BATS_TEST_TMPDIR/before"
	run mailarc rebuild demo
	[ "$status" -eq 0 ]
	[ "$output" = "$(site_of demo)/index.html" ]
	[ ! -e "$d/notmuch.old" ]
	diff -r "$BATS_TEST_TMPDIR/before" "$(site_of demo)"
	[ "$(notmuch --config="$d/notmuch/config" count '*')" -gt 20 ]
}

@test "links: rebuild of merging threads: the same site, old addresses included" {
	merging_corpus
	cp -a "$(site_of gen)" "$BATS_TEST_TMPDIR/before"
	mailarc rebuild gen >/dev/null
	diff -r "$BATS_TEST_TMPDIR/before" "$(site_of gen)"
	linkcheck "$(site_of gen)"
}

# deleted_corpus - conversations a (removed whole), b (a reply removed), c
# (a reply by erin, erased) and d (its root removed, a reply left), each
# imported in turn, so that notmuch numbers them in that order.
deleted_corpus() {
	mailarc space add gen --name Gen >/dev/null
	mail a0 a0@gen.example "Mon, 2 Mar 2026 10:00:00 +0000"
	mail a1 a1@gen.example "Mon, 2 Mar 2026 11:00:00 +0000" a0@gen.example
	mail b0 b0@gen.example "Tue, 3 Mar 2026 10:00:00 +0000"
	mail b1 b1@gen.example "Tue, 3 Mar 2026 11:00:00 +0000" b0@gen.example
	mail c0 c0@gen.example "Wed, 4 Mar 2026 10:00:00 +0000"
	mail c1 c1@gen.example "Wed, 4 Mar 2026 11:00:00 +0000" c0@gen.example
	sed -i 's/^From: .*/From: Erin Ash <erin@ash.example>/' "$MAIL/c1.eml"
	mail d0 d0@gen.example "Thu, 5 Mar 2026 10:00:00 +0000"
	mail d1 d1@gen.example "Thu, 5 Mar 2026 11:00:00 +0000" d0@gen.example
	for f in a0 a1 b0 b1 c0 c1 d0 d1; do
		import gen "$MAIL/$f.eml"
	done
	mailarc delete gen a0@gen.example a1@gen.example b1@gen.example \
		d0@gen.example >/dev/null
	mailarc erase gen --address erin@ash.example --yes >/dev/null
}

@test "links: rebuild over deleted mail: each removal note stays in its conversation" {
	deleted_corpus
	site=$(site_of gen)
	grep -q 'Conversation removed' "$site"/t/*/a0@gen.example.html
	cp -a "$site" "$BATS_TEST_TMPDIR/before"
	# notmuch numbers the threads anew: conversation a's number now
	# goes to b, b's to c, and so on.
	mailarc rebuild gen >/dev/null
	diff -r "$BATS_TEST_TMPDIR/before" "$site"
	# A second rebuild, with a removal made on the first rebuilt
	# database: every tombstone's conversation is found again.
	mailarc delete gen c0@gen.example >/dev/null
	mailarc render gen --full >/dev/null
	cp -a "$site" "$BATS_TEST_TMPDIR/second"
	mailarc rebuild gen >/dev/null
	diff -r "$BATS_TEST_TMPDIR/second" "$site"
	linkcheck "$site"
	mailarc check gen >/dev/null
}

@test "links: a removal between a new database and its first render is the new database's" {
	deleted_corpus
	site=$(site_of gen)
	d=$MAILARC_ROOT/spaces/gen
	# As mailarc rebuild does, up to its render; then a removal whose
	# own render finds the render busy: its tombstone names conversation
	# c by the new database's number, which was b's in the old one.
	mv "$d/notmuch" "$d/notmuch.old"
	mailarc-index -q --full gen
	rm -rf "$d/notmuch.old"
	exec 9>"$d/state/render.lock"
	flock 9
	run mailarc delete gen c0@gen.example
	exec 9>&-
	[ "$status" -eq 75 ]
	mailarc render gen >/dev/null
	# b keeps b1's note and gets none of c's; c is removed whole.
	[ "$(grep -o 'class="msg d0 removed"' "$site"/t/*/b0@gen.example.html |
		wc -l)" -eq 1 ]
	grep -q 'Conversation removed' "$site"/t/*/c0@gen.example.html
	grep -q 'Conversation removed' "$site"/t/*/a0@gen.example.html
	cp -a "$site" "$BATS_TEST_TMPDIR/before"
	mailarc rebuild gen >/dev/null
	diff -r "$BATS_TEST_TMPDIR/before" "$site"
}

@test "links: a full disk where the render notes the tombstones' conversations again: nothing saved, the next run does it" {
	deleted_corpus
	site=$(site_of gen)
	d=$MAILARC_ROOT/spaces/gen
	cp -a "$site" "$BATS_TEST_TMPDIR/before"
	mv "$d/notmuch" "$d/notmuch.old"
	mailarc-index -q --full gen
	rm -rf "$d/notmuch.old"
	# state/ on a file system it fills.
	cp -a "$d/state" "$BATS_TEST_TMPDIR/state"
	kb=$(du -sk "$d/state" | cut -f1)
	mount -t tmpfs -o size=$((kb + 256))k lkstate "$d/state"
	MOUNTED=$d/state
	cp -a "$BATS_TEST_TMPDIR/state/." "$d/state/"
	dd if=/dev/zero of="$d/state/filler" bs=4k 2>/dev/null || true
	run mailarc-render gen
	[ "$status" -eq 75 ]
	[[ "$output" == *"$d/state/render.state.tombs"*"No space left on device"* ]]
	# No file of it, whole or part.
	[ -z "$(find "$d/state" -maxdepth 1 -name '*tombs*')" ]
	diff -r "$BATS_TEST_TMPDIR/before" "$site"
	rm "$d/state/filler"
	mailarc-render -q gen
	diff -r "$BATS_TEST_TMPDIR/before" "$site"
	[ -e "$d/state/render.state.tombs" ]
}

@test "links: a rebuild whose indexing fails puts the old database back" {
	mailarc space add demo --name Demo >/dev/null
	import demo "$TESTS_DIR"/sample/mail
	d=$MAILARC_ROOT/spaces/demo
	n=$(notmuch --config="$d/notmuch/config" count '*')
	# An archive folder that is not a Maildir: indexing fails.
	mv "$d/archive" "$d/archive.x"
	echo 'not a folder' >"$d/archive"
	run mailarc rebuild demo
	rm "$d/archive"
	mv "$d/archive.x" "$d/archive"
	[ "$status" -ne 0 ]
	[ ! -e "$d/notmuch.old" ]
	[ "$(notmuch --config="$d/notmuch/config" count '*')" -eq "$n" ]
	mkdir "$d/notmuch.old"
	run mailarc rebuild demo
	[ "$status" -eq 75 ]
	[[ "$output" == *"an earlier rebuild did not finish"* ]]
}

# reply_space - a space "rs" whose account archives team@harbour.example,
# holding one message with a hostile subject, a Reply-To and References.
reply_space() {
	mailarc space add rs --name Replies >/dev/null
	echo pw >"$BATS_TEST_TMPDIR/pw"
	mailarc account add rs/main --protocol imaps --host mail.example.org \
		--username team --address team@harbour.example \
		--password-file "$BATS_TEST_TMPDIR/pw" --no-test 2>/dev/null
	printf '%s\n' \
		'From: =?UTF-8?Q?Jo=C3=A3o_P=C3=A9?= <joao+x@harbour.example>' \
		'Reply-To: "Ops & Co" <ops&co@harbour.example>' \
		'To: team@harbour.example' \
		'Subject: =?UTF-8?Q?Caf=C3=A9_&_bolos?= ? #1 100% "ok" it'"'"'s' \
		' folded=yes +plus' \
		'Date: Mon, 2 Mar 2026 10:00:00 +0000' \
		'Message-ID: <r1+a=b&c@harbour.example>' \
		'References: <r0@harbour.example>' \
		'' 'text' >"$MAIL/r1.eml"
	mailarc import rs "$MAIL/r1.eml" >/dev/null
	PAGE=$(site_of rs)/$(mrel rs 'r1+a=b&c@harbour.example')
	[[ "$PAGE" == */m/[0-9a-f][0-9a-f]/r1+a=3Db=26c@harbour.example.html ]]
	[ -f "$PAGE" ]
}

# mailto_of PAGE - the href of the page's Reply link, HTML-unescaped.
mailto_of() {
	python3 - "$1" <<'PY'
import html, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<a href="(mailto:[^"]*)">Reply by email</a>', t)
print(html.unescape(m.group(1)))
PY
}

@test "links: the Reply mailto: URL decodes back to the exact headers" {
	reply_space
	url=$(mailto_of "$PAGE")
	# Nothing but unreserved bytes and percent escapes in the values.
	[[ "$url" =~ ^mailto:[A-Za-z0-9%@._~-]*\?[A-Za-z0-9%._~=\&-]*$ ]]
	python3 - "$url" <<'PY'
import sys, urllib.parse
url = sys.argv[1]
assert url.startswith("mailto:")
to, _, query = url[len("mailto:"):].partition("?")
h = {}
for part in query.split("&"):
    k, _, v = part.partition("=")
    h[k.lower()] = urllib.parse.unquote(v, encoding="utf-8", errors="strict")
to = [urllib.parse.unquote(a) for a in to.split(",")]
want = {
    "cc": "team@harbour.example",
    "in-reply-to": "<r1+a=b&c@harbour.example>",
    "references": "<r0@harbour.example> <r1+a=b&c@harbour.example>",
    "subject": "Re: Caf\u00e9 & bolos ? #1 100% \"ok\" it's folded=yes +plus",
}
assert to == ["ops&co@harbour.example"], to
assert h == want, (h, want)
PY
	# The same headers, for clients that ignore them, in a closed block.
	grep -q '<details class="reply"><summary>' "$PAGE"
	grep -q 'In-Reply-To: &lt;r1+a=b&amp;c@harbour.example&gt;' "$PAGE"
	# No script: the CSP stays as strict.
	grep -q "script-src 'none'" "$PAGE"
	run ! grep -q '<script' "$PAGE"
}

@test "links: a reply's subject gets no second Re:; reply_links = no turns the link off" {
	reply_space
	mail re1 re1@harbour.example "Mon, 2 Mar 2026 11:00:00 +0000" r0@harbour.example
	sed -i 's/^Subject: .*/Subject: RE: thread/' "$MAIL/re1.eml"
	mailarc import rs "$MAIL/re1.eml" >/dev/null
	url=$(mailto_of "$(site_of rs)/m/"*/"re1@harbour.example.html")
	[[ "$url" == *"&Subject=RE%3A%20thread" ]]
	[[ "$url" == "mailto:rui@harbour.example?Cc=team%40harbour.example&"* ]]
	mailarc space edit rs --set reply_links=no >/dev/null
	mailarc render rs >/dev/null
	run ! grep -q 'mailto:' "$PAGE"
	run ! grep -q 'Reply by email' "$(site_of rs)/m/"*/"re1@harbour.example.html"
	mailarc space edit rs --set address_display=name --set reply_links=yes >/dev/null
	mailarc render rs >/dev/null
	# The sender's address is not shown: the reply goes to the archive.
	url=$(mailto_of "$PAGE")
	[[ "$url" == "mailto:?Cc=team%40harbour.example&"* ]]
	linkcheck "$(site_of rs)"
}

@test "links: with base_url, mbox downloads carry Archived-At; .eml stays as archived" {
	mailarc space add demo --name Demo --description x >/dev/null
	mailarc space edit demo --set base_url=https://lists.example/demo/ >/dev/null
	import demo "$TESTS_DIR"/sample/mail
	site=$(site_of demo)
	t=$site/$(trel demo move-1@harbour.example | sed 's/\.html$/.mbox/')
	[ -f "$t" ]
	[ "$(grep -c '^From MAILER-DAEMON' "$t")" -eq "$(grep -c '^Archived-At: ' "$t")" ]
	grep -A1 '^From MAILER-DAEMON' "$t" | grep -qx \
		"Archived-At: <https://lists.example/demo/$(mrel demo move-2@harbour.example)>"
	[[ "$(mrel demo move-2@harbour.example)" == m/[0-9a-f][0-9a-f]/move-2@harbour.example.html ]]
	for mb in "$site"/*/*/*.mbox; do
		[ "$(grep -c '^From MAILER-DAEMON' "$mb")" -eq "$(grep -c '^Archived-At: ' "$mb")" ]
	done
	# The raw downloads are the archived files, byte for byte.
	n=0
	for f in "$MAILARC_ROOT"/spaces/demo/archive/*/*; do
		id=$(sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' "$f" | head -1)
		e=$site/$(mailarc link demo "$id" | sed 's|.*/m/|m/|; s|\.html$|.eml|')
		if [ -f "$e" ] && cmp -s "$f" "$e"; then n=$((n + 1)); fi
		run ! grep -q '^Archived-At' "$e"
	done
	[ "$n" -gt 20 ]
	# Without base_url, no header.
	mailarc space edit demo --unset base_url >/dev/null 2>&1 ||
		sed -i '/^base_url/d' "$MAILARC_ROOT/spaces/demo/space.conf"
	mailarc render demo >/dev/null
	run ! grep -q '^Archived-At' "$t"
}

@test "links: a site rendered with notmuch thread ids keeps those addresses as notices" {
	mailarc space add demo --name Demo >/dev/null
	import demo "$TESTS_DIR"/sample/mail
	d=$MAILARC_ROOT/spaces/demo
	id=$(notmuch --config="$d/notmuch/config" search --output=threads \
		id:move-2@harbour.example | sed 's/thread://')
	# The state as the version before wrote it: no thread names, the
	# entries in the one file.
	st=$d/state/render.state
	{
		echo 'mailarc-render-state 2'
		sed -n '2,/^$/p' "$st" | grep -v '^$'
		echo
		sed '1,/^$/d' "$st" | awk '/^m-/ {print $1 "." $2}' |
			while read -r f; do cut -f1-4 "$st.d/$f"; done
	} >"$BATS_TEST_TMPDIR/v2"
	rm -rf "$st.d"
	mv "$BATS_TEST_TMPDIR/v2" "$st"
	echo old >"$d/site/t/$id.html"
	run mailarc-render demo
	[ "$status" -eq 0 ]
	[[ "$output" == *"another version of mailarc-render"* ]]
	# The flat address leads to its shard, whose notice leads on.
	grep -q "url=[0-9a-f][0-9a-f]/$id.html\"" "$d/site/t/$id.html"
	m1=../$(trel demo move-1@harbour.example | cut -d/ -f2-)
	grep -q "url=$m1\"" "$d"/site/t/*/"$id.html"
	head -1 "$d/state/render.state" | grep -qx 'mailarc-render-state 4'
	grep -rqx "$id	move-1@harbour.example	move-1@harbour.example" \
		"$d/state/render.state.d"
	linkcheck "$d/site"
}
