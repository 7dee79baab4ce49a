#!/usr/bin/env bats
# Privacy: export and erase a person, retention, legal hold, audit log
# (issue 15). The mail is real-shaped: folded lists, mixed case, display
# names, a body that only mentions the address, an attachment.

bats_require_minimum_version 1.5.0
load helpers
load lib/dovecot
load lib/fetch
load lib/ops

setup_file() {
	dovecot_start
	fetch_users 2
}

teardown_file() {
	dovecot_stop
}

teardown() {
	ops_teardown
}

setup() {
	new_root
	S="$MAILARC_ROOT/spaces/sales"
	mailarc -q space add sales
}

# corpus FILE - an mbox: alice in From, Cc only, a folded To list, mixed
# case, Sender, Reply-To, Bcc, Delivered-To; Bob's reply in her thread;
# Dave's message that only mentions her; Eve's with a display name that
# looks like her address.
corpus() {
	cat >"$1" <<'MBOX'
From x Sun Jul 16 15:06:25 2023
From: Alice <Alice@Example.COM>
To: team@example.org
Subject: alice secret plans
Date: Sun, 16 Jul 2023 15:06:25 +0000
Message-ID: <a1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

From the start, this is alice.
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="alice-only.bin"
Content-Transfer-Encoding: base64

YWxpY2Ugb25seSBhdHRhY2htZW50Cg==
--b--

From x Sun Jul 16 15:07:25 2023
From: Bob <bob@example.net>
To: team@example.org
Cc: "Alice A." <alice@example.com>
Subject: Re: cc only
Date: Sun, 16 Jul 2023 15:07:25 +0000
Message-ID: <b1@example.net>
In-Reply-To: <a1@example.com>
References: <a1@example.com>

bob here

From x Sun Jul 16 15:08:25 2023
From: Carol <carol@example.net>
To: team@example.org,
 dave@example.net,
   ALICE@example.com
Subject: folded
Date: Sun, 16 Jul 2023 15:08:25 +0000
Message-ID: <c1@example.net>

carol

From x Sun Jul 16 15:09:25 2023
From: Dave <dave@example.net>
To: team@example.org
Subject: mention only
Date: Sun, 16 Jul 2023 15:09:25 +0000
Message-ID: <d1@example.net>
In-Reply-To: <a1@example.com>
References: <a1@example.com>

write to alice@example.com please

From x Sun Jul 16 15:10:25 2023
From: "alice@example.com" <eve@example.net>
To: team@example.org
Subject: display name only
Date: Sun, 16 Jul 2023 15:10:25 +0000
Message-ID: <e1@example.net>

eve

From x Sun Jul 16 15:11:25 2023
From: list@example.org
Sender: alice@EXAMPLE.com
To: team@example.org
Subject: sender
Date: Sun, 16 Jul 2023 15:11:25 +0000
Message-ID: <f1@example.net>

f

From x Sun Jul 16 15:12:25 2023
From: frank@example.net
Reply-To: Alice <alice@example.com>
To: team@example.org
Subject: reply-to
Date: Sun, 16 Jul 2023 15:12:25 +0000
Message-ID: <g1@example.net>

g

From x Sun Jul 16 15:13:25 2023
Delivered-To: alice@example.com
From: frank@example.net
To: undisclosed-recipients:;
Bcc: zed@example.net
Subject: delivered-to
Date: Sun, 16 Jul 2023 15:13:25 +0000
Message-ID: <h1@example.net>

h

MBOX
}

# refute CMD... - fail when CMD succeeds (a bare "!" mid-test does not
# fail a bats test).
refute() {
	if "$@"; then
		echo "should have failed: $*"
		return 1
	fi
}

ALICE_IDS="a1@example.com b1@example.net c1@example.net f1@example.net g1@example.net h1@example.net"
OTHER_IDS="d1@example.net e1@example.net"

# links_resolve DIR - every relative href and src of the site's pages
# names a file that exists.
links_resolve() {
	python3 - "$1" <<'PY'
import os, re, sys
root = sys.argv[1]
bad = []
for d, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".html"):
            continue
        p = os.path.join(d, f)
        text = open(p, encoding="utf-8", errors="replace").read()
        for u in re.findall(r'(?:href|src)="([^"]*)"', text):
            if re.match(r"^[a-z]+:", u) or u.startswith("#") or u.startswith("/"):
                continue
            u = u.split("#")[0].split("?")[0]
            if u and not os.path.exists(os.path.join(d, u)):
                bad.append(f"{p}: {u}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}

@test "export: From, Cc only, folded To, mixed case, Sender, Reply-To, Delivered-To; not a body mention or a display name" {
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	run --separate-stderr mailarc export sales --address 'ALICE@example.com'
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2154 # set by run --separate-stderr
	[ "$stderr" = "6 messages" ]
	ids=$(grep -i '^Message-ID:' <<<"$output" | sed 's/.*<\(.*\)>.*/\1/' | sort | xargs)
	[ "$ids" = "$(xargs -n1 <<<"$ALICE_IDS" | sort | xargs)" ]
	# mboxrd: a body line "From ..." is quoted; six From_ lines.
	[ "$(grep -c '^From MAILER-DAEMON ' <<<"$output")" -eq 6 ]
	grep -q '^>From the start, this is alice.' <<<"$output"
	# Python's mailbox reads it back as six messages.
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.mbox"
	[ "$(python3 -c 'import mailbox,sys; print(len(mailbox.mbox(sys.argv[1])))' "$BATS_TEST_TMPDIR/out.mbox")" -eq 6 ]
	# --output: the same, into a file.
	run --separate-stderr mailarc export sales --address '<alice@example.com>' --output "$BATS_TEST_TMPDIR/o.mbox"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^From MAILER-DAEMON ' "$BATS_TEST_TMPDIR/o.mbox")" -eq 6 ]
	# Someone with no mail: an empty mbox, a count of 0.
	run --separate-stderr mailarc export sales --address nobody@example.com
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ "$stderr" = "0 messages" ]
	run mailarc export sales --address 'not an address'
	[ "$status" -eq 64 ]
	# The audit log names the hash, never the address.
	run mailarc audit sales
	[ "$status" -eq 0 ]
	h=sha256:$(printf %s alice@example.com | sha256sum | cut -d' ' -f1)
	[ "$(grep -c "	export	6	$h\$" <<<"$output")" -eq 2 ]
	refute grep -qi alice "$S/audit.log"
}

@test "erase end to end: archive, duplicates, index, site; a re-import brings nothing back; others untouched" {
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox" # duplicates/
	[ "$(find "$S/duplicates" -type f | wc -l)" -eq 8 ]
	[ -n "$(find "$S/site/a" -name '*' -type f)" ]
	run mailarc erase sales --address alice@example.com --dry-run
	[ "$status" -eq 0 ]
	[ "$(grep -c '^would erase ' <<<"$output")" -eq 12 ]
	[ ! -e "$S/state/erase.journal" ]
	# No terminal and no --yes: refused, nothing changes.
	before=$(tree_digest "$S")
	run mailarc erase sales --address alice@example.com </dev/null
	[ "$status" -eq 64 ]
	[ "$(tree_digest "$S")" = "$before" ]
	run mailarc erase sales --address alice@example.com --yes
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^erased ' <<<"$output")" -eq 12 ]
	# Nothing under the space holds her messages; the others are there.
	[ "$(find "$S/archive" "$S/duplicates" "$S/incoming" -type f | wc -l)" -eq 4 ]
	for id in $ALICE_IDS; do
		refute grep -rqF "Message-ID: <$id>" "$S/archive" "$S/duplicates" "$S/incoming"
		refute grep -rqF -- "$id" "$S/state" "$S/tombstones"
		[ ! -e "$S/site/m/"*/"$id.html" ] && [ ! -e "$S/site/m/"*/"$id.eml" ]
		[ "$(mailarc search sales --output=messages "id:$id" | wc -l)" -eq 0 ]
	done
	for id in $OTHER_IDS; do
		[ -f "$S/site/m/"*/"$id.html" ]
		[ "$(mailarc search sales --output=messages "id:$id" | wc -l)" -eq 1 ]
	done
	# An erasure leaves no "removed" page named after its hash either.
	[ -z "$(find "$S/site/m" -name 'sha256*')" ]
	# No page, feed entry, mbox download or attachment shows them.
	refute grep -rqE 'alice secret plans|cc only|From the start|>folded<|reply-to|delivered-to' "$S/site"
	refute grep -rq 'Subject: alice secret plans' "$S/site"
	[ -z "$(find "$S/site" -path '*/a/*' -type f)" ]
	for id in $ALICE_IDS; do
		refute grep -qF "mid:$id" "$S/site/feed.atom"
		refute grep -rqF --include='*.mbox' "Message-ID: <$id>" "$S/site"
	done
	grep -qF "mid:d1@example.net" "$S/site/feed.atom"
	grep -rqF --include='*.mbox' "Message-ID: <d1@example.net>" "$S/site"
	links_resolve "$S/site"
	# Tombstones: only hashes (and the thread); the audit: the hash.
	refute grep -qiE 'alice|example' "$S/tombstones"
	refute grep -qi alice "$S/audit.log"
	grep -q "	erase	12	sha256:" "$S/audit.log"
	# Import the same mbox again: nothing comes back, nothing set aside.
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	[ "$(find "$S/archive" "$S/duplicates" "$S/incoming" -type f | wc -l)" -eq 6 ]
	for id in $ALICE_IDS; do
		refute grep -rqF "Message-ID: <$id>" "$S/archive" "$S/duplicates" "$S/incoming"
	done
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 2 ]
	# What stays but mentions her is listed, not erased.
	run mailarc erase sales --address alice@example.com --yes --include-mentions
	[ "$status" -eq 0 ]
	[[ "$output" == *"mentioned in id:d1@example.net"* ]]
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 2 ]
}

@test "erase from a fetched account: the server still has the mail, the next fetch brings none of it back" {
	fetch_user u1
	fetch_account sales/main imap u1
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	# Split at the corpus's dated From_ lines only (a body line of
	# Alice's starts with "From ").
	python3 - "$BATS_TEST_TMPDIR/a.mbox" "$BATS_TEST_TMPDIR/split" <<'PY'
import os, re, sys
os.makedirs(sys.argv[2])
parts = re.split(r"^From x .*\n", open(sys.argv[1]).read(), flags=re.M)
for i, m in enumerate(p for p in parts if p.strip()):
    open(os.path.join(sys.argv[2], "%02d.eml" % i), "w").write(m)
PY
	for f in "$BATS_TEST_TMPDIR"/split/*.eml; do
		dovecot_add_message u1 <"$f"
	done
	mailarc -q fetch sales
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 8 ]
	mailarc -q erase sales --address alice@example.com --yes
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 2 ]
	# The state forgets the UIDs: the next fetch takes all eight again.
	rm -f "$S"/state/main.state
	mailarc -q fetch sales
	[ "$(dovecot_count u1)" -eq 8 ]
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 2 ]
	for id in $ALICE_IDS; do
		refute grep -rqF "Message-ID: <$id>" "$S/archive" "$S/duplicates" "$S/incoming"
	done
}

@test "erase killed with SIGKILL at any point, then run again: it completes" {
	# Four people with 20 messages each and Bob with 40: each round
	# erases one person, killed after a longer while each time.
	python3 - "$BATS_TEST_TMPDIR/big.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(120):
        who = "alice%d@example.com" % (i % 4) if i % 3 else "bob@example.net"
        f.write("From x Sun Jul 16 15:06:25 2023\n"
                f"From: {who}\nTo: team@example.org\nSubject: m{i}\n"
                f"Date: Sun, 16 Jul 2023 15:{i % 60:02d}:25 +0000\n"
                f"Message-ID: <k{i}@example.com>\n\nbody {i}\n\n")
PY
	mailarc -q import sales "$BATS_TEST_TMPDIR/big.mbox"
	total=120
	r=0
	for delay in 0.05 0.3 0.6 1.0; do
		who=alice$r@example.com
		n=$(grep -c "^From: $who" "$BATS_TEST_TMPDIR/big.mbox")
		mailarc -q erase sales --address "$who" --yes >/dev/null &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		# Whatever was half done, nothing of it is visible as half:
		# the rerun finishes it.
		mailarc -q erase sales --address "$who" --yes >/dev/null
		[ ! -e "$S/state/erase.journal" ]
		[ "$(grep -rl "^From: $who" "$S/archive" "$S/incoming" "$S/duplicates" | wc -l)" -eq 0 ]
		total=$((total - n))
		[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq "$total" ]
		[ "$(find "$S/site/m" -name 'k*.html' | wc -l)" -eq "$total" ]
		refute grep -rqF "$who" "$S/site" "$S/state" "$S/tombstones"
		links_resolve "$S/site"
		r=$((r + 1))
	done
	# And none of it comes back.
	mailarc -q import sales "$BATS_TEST_TMPDIR/big.mbox"
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 40 ]
}

@test "retention with a fixed clock: old mail goes, recent stays, no Date or a future one uses arrival time" {
	mkdir "$BATS_TEST_TMPDIR/in"
	msg() { # msg NAME [DATE]
		{
			printf 'From: x@example.com\nTo: team@example.org\nSubject: %s\n' "$1"
			[ -z "$2" ] || printf 'Date: %s\n' "$2"
			printf 'Message-ID: <%s@x>\n\n%s\n' "$1" "$1"
		} >"$BATS_TEST_TMPDIR/in/$1.eml"
	}
	msg old 'Mon, 01 Jan 2024 10:00:00 +0000'
	msg recent 'Sat, 01 Jun 2024 10:00:00 +0000'
	msg nodate-old
	msg nodate-new
	msg future-old 'Mon, 01 Jan 2099 10:00:00 +0000'
	# A Message-ID notmuch keeps shortened: its page is named by the
	# real one, and retention must replace that page too.
	long=$(printf 'l%.0s' $(seq 1 250))@x
	printf 'From: x@example.com\nSubject: longid\nDate: %s\nMessage-ID: <%s>\n\nl\n' \
		'Mon, 01 Jan 2024 10:00:00 +0000' "$long" >"$BATS_TEST_TMPDIR/in/longid.eml"
	lpage=$(python3 -c 'import hashlib,sys; i=sys.argv[1]; print(i[:120]+"=="+hashlib.sha256(i.encode()).hexdigest()[:32])' "$long")
	export MAILARC_NOW=2024-06-10
	mailarc -q import sales "$BATS_TEST_TMPDIR/in"
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 6 ]
	[ -f "$S/site/m/"*/"$lpage.html" ]
	! grep -q 'Message removed' "$S/site/m/"*/"$lpage.html"
	# Arrival times: the archive files' times.
	for f in "$S"/archive/*/*; do
		case $(grep -m1 '^Subject:' "$f") in
		*nodate-old* | *future-old*) touch -d 2023-01-01 "$f" ;;
		*) touch -d 2024-06-09 "$f" ;;
		esac
	done
	mailarc -q space edit sales --set retain=90d
	msg trigger 'Sun, 09 Jun 2024 10:00:00 +0000'
	rm "$BATS_TEST_TMPDIR"/in/[!t]*.eml
	run mailarc import sales "$BATS_TEST_TMPDIR/in"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"retention (90d) removed 4 messages"* ]]
	left=$(mailarc search sales --output=messages '*' | sort | xargs)
	[ "$left" = "id:nodate-new@x id:recent@x id:trigger@x" ]
	[ ! -e "$S/site/m/"*/"old@x.html" ] || grep -q 'Message removed' "$S/site/m/"*/"old@x.html"
	grep -q 'Message removed' "$S/site/m/"*/"$lpage.html"
	run mailarc status sales
	[[ "$output" == *"retain 90d, last run 2024-06-10T00:00:00Z removed 4"* ]]
	grep -q "	retention	4	90d\$" "$S/audit.log"
	# A bad period is refused when set.
	run mailarc space edit sales --set retain=soon
	[ "$status" -eq 78 ]
}

@test "hold: delete, erase, retention and space remove refuse and change nothing" {
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q hold on sales --reason 'case 2026-114'
	run mailarc status sales
	[[ "$output" == *"legal hold since "*": case 2026-114"* ]]
	before=$(tree_digest "$MAILARC_ROOT")
	for cmd in "delete sales d1@example.net" "delete sales --query from:bob@example.net" \
		"erase sales --address alice@example.com --yes" \
		"space remove sales" "space remove sales --force"; do
		# shellcheck disable=SC2086
		run mailarc $cmd
		echo "$cmd: $status $output"
		[ "$status" -eq 77 ]
		[[ "$output" == *"space 'sales' is on legal hold since "*"(case 2026-114)"*"refused"* ]]
	done
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
	# Retention: the pipeline goes on, nothing old is removed.
	mailarc -q space edit sales --set retain=30d
	run mailarc import sales "$BATS_TEST_TMPDIR/a.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"retention refused"* ]]
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 8 ]
	# Dry runs and exports still work, and change nothing.
	before=$(tree_digest "$S")
	run mailarc erase sales --address alice@example.com --dry-run
	[ "$status" -eq 0 ]
	[ "$(grep -c '^would erase ' <<<"$output")" -eq 12 ]
	mailarc export sales --address alice@example.com >/dev/null 2>&1
	[ "$(tree_digest "$S" | grep -v audit.log)" = "$(grep -v audit.log <<<"$before")" ]
	mailarc -q hold off sales
	run mailarc status sales
	[[ "$output" != *"legal hold"* ]]
	mailarc -q delete sales d1@example.net
	mailarc -q delete sales --query from:bob@example.net
	run mailarc audit sales
	[ "$(cut -f3 <<<"$output" | xargs)" = "hold-on export hold-off delete delete" ]
	[ "$(cut -f4 <<<"$output" | xargs)" = "0 6 0 1 1" ]
	[ "$(sed -n 1p <<<"$output" | cut -f5)" = "case 2026-114" ]
	[ "$(sed -n 3p <<<"$output" | cut -f5)" = "case 2026-114" ]
	[ "$(sed -n 4p <<<"$output" | cut -f5)" = "by Message-ID" ]
	# A query naming an address is kept by its hash.
	[[ "$(sed -n 5p <<<"$output" | cut -f5)" == "query sha256:"* ]]
	refute grep -q '@' "$S/audit.log"
}

@test "the privacy commands: usage, bad space, help" {
	run mailarc export sales
	[ "$status" -eq 64 ]
	run mailarc erase nosuch --address a@b --yes
	[ "$status" -eq 66 ]
	run mailarc hold maybe sales
	[ "$status" -eq 64 ]
	run mailarc hold on sales --reason "$(printf 'two\nlines')"
	[ "$status" -eq 64 ]
	[ ! -e "$S/hold" ]
	run mailarc audit sales
	[ "$status" -eq 0 ] && [ -z "$output" ]
	for c in export erase hold audit; do
		mailarc "$c" --help | grep -q "^usage: mailarc $c"
	done
}

@test "through sudo, only an administrator of the space may export, erase, hold or read the audit" {
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q space edit sales --admins alice
	shared_tmp
	cp -a "$MAILARC_ROOT" "$OPS_SHARED/root"
	export MAILARC_ROOT="$OPS_SHARED/root"
	S="$MAILARC_ROOT/spaces/sales"
	chown -R nobody: "$MAILARC_ROOT"
	as() { # as SUDO_USER ARGS... - mailarc as the service user for SUDO_USER
		local who=$1
		shift
		as_user nobody MAILARC_ROOT="$MAILARC_ROOT" SUDO_USER="$who" -- mailarc "$@"
	}
	before=$(tree_digest "$MAILARC_ROOT")
	for cmd in "export sales --address alice@example.com" \
		"erase sales --address alice@example.com --yes" \
		"hold on sales" "audit sales"; do
		# shellcheck disable=SC2086
		run as carol $cmd
		echo "$cmd: $status $output"
		[ "$status" -eq 77 ]
		[[ "$output" == *"carol is not an administrator of space sales"* ]]
	done
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
	run as alice hold on sales --reason r
	[ "$status" -eq 0 ]
	run as alice audit sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"	alice	hold-on	0	r" ]]
}
