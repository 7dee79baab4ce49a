#!/usr/bin/env bats
# A deletion renders what it touches, as an addition does: the render
# that applies a fresh tombstone reads the months of the message it
# removes and of the threads it renders, not every month of the state
# (MAILARC_RENDER_STATS: "entries", what the run held, stays well under
# the archive's size; a build that reads everything holds them all), and
# knows from the attachment counts in the state whether another message
# still uses an attachment. Each site it leaves must be byte for byte
# what mailarc-render --full makes from the same archive and state, in a
# copy whose site was removed first (same_as_full: nothing excluded).

bats_require_minimum_version 1.5.0
load helpers
load lib/publish
load lib/render

# The archive's size: 36 months of 16 messages (bulk()) and the nine
# messages below.
TOTAL=585

# The archive, imported and rendered once for the suite; each test starts
# from a copy of it at the same path (the notmuch config names the path).
setup_file() {
	pub_space part "$BATS_FILE_TMPDIR"
	bulk "$BATS_FILE_TMPDIR/bulk"
	EXTRA=$BATS_FILE_TMPDIR/extra extra_mail
	"$NR/mailarc" import -q --no-progress part "$BATS_FILE_TMPDIR/bulk" \
		"$BATS_FILE_TMPDIR/extra" >/dev/null
	mailarc-render -q part >/dev/null
	[ "$(grep -c . <(cat "$S"/state/render.state.d/i-*))" -eq "$TOTAL" ]
	cp -a "$MAILARC_ROOT" "$BATS_FILE_TMPDIR/first"
}

setup() {
	pub_space_copy part "$BATS_FILE_TMPDIR" "$BATS_FILE_TMPDIR/first"
}

# bulk DIR - 36 months (2024 to 2026) of 16 messages each, in threads of
# four within a month, one in eight with an attachment of its own.
bulk() {
	python3 - "$1" <<'PY'
import base64, os, random, sys
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
rng = random.Random(5)
for m in range(36):
    y, mo = 2024 + m // 12, m % 12 + 1
    for i in range(16):
        mid = "b-%d-%d@bulk.example" % (m, i)
        hdr = ["From: P%d <p%d@bulk.example>" % (i % 5, i % 5),
               "To: team@pub.example",
               "Subject: %s %d-%d" % ("Re: bulk" if i % 4 else "Bulk", m, i),
               "Date: %02d %s %d 08:%02d:00 +0000" % (
                   1 + i, "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[mo - 1],
                   y, i),
               "Message-ID: <%s>" % mid]
        if i % 4:
            p = "b-%d-%d@bulk.example" % (m, i - 1)
            hdr += ["In-Reply-To: <%s>" % p, "References: <%s>" % p]
        body = "Bulk %d %d.\n" % (m, i)
        if rng.random() < 0.125:
            blob = base64.encodebytes(bytes(rng.randrange(256) for _ in range(500))).decode()
            hdr += ["MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"']
            body = ("--b\nContent-Type: text/plain\n\n%s\n--b\nContent-Type: "
                    "application/octet-stream\nContent-Disposition: attachment; "
                    "filename=\"b.bin\"\nContent-Transfer-Encoding: base64\n\n"
                    "%s\n--b--\n" % (body, blob))
        with open(os.path.join(d, "b-%d-%d.eml" % (m, i)), "w") as f:
            f.write("\n".join(hdr) + "\n\n" + body)
PY
}

# att NAME SEED - a base64 attachment part whose bytes come from SEED.
att() {
	printf -- '--b\nContent-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="%s"\n' "$1"
	printf 'Content-Transfer-Encoding: base64\n\n'
	python3 -c 'import base64,random,sys
r = random.Random(int(sys.argv[1]))
print(base64.encodebytes(bytes(r.randrange(256) for _ in range(900))).decode())' "$2"
}

# msg ID DATE FROM SUBJECT PARENT [ATT-SEED] - one message into $EXTRA
# (the test's extra/ unless set).
msg() {
	local d=${EXTRA:-$BATS_TEST_TMPDIR/extra}
	local f=$d/$1.eml
	mkdir -p "$d"
	{
		echo "From: $3"
		echo "To: team@pub.example"
		echo "Subject: $4"
		echo "Date: $2"
		echo "Message-ID: <$1@del.example>"
		if [ "$5" != - ]; then
			echo "In-Reply-To: <$5@del.example>"
			echo "References: <$5@del.example>"
		fi
		if [ -n "${6:-}" ]; then
			echo "MIME-Version: 1.0"
			echo 'Content-Type: multipart/mixed; boundary="b"'
			echo
			printf -- '--b\nContent-Type: text/plain\n\nText of %s.\n' "$1"
			att "$1.bin" "$6"
			echo "--b--"
		else
			echo
			echo "Text of $1."
		fi
	} >"$f"
}

# Nine messages in three threads, months apart, next to pubgen's.
extra_mail() {
	# A thread whose root goes: its NAME must lead to the new root.
	msg root '02 Feb 2025 10:00:00 +0000' 'Ann <ann@del.example>' \
		'Plan' -
	msg r1 '10 Mar 2025 10:00:00 +0000' 'Bob <bob@del.example>' \
		'Re: Plan' root
	msg r2 '15 Apr 2025 10:00:00 +0000' 'Cy <cy@del.example>' \
		'Re: Plan' r1
	# A middle message, and two sharing an attachment.
	msg s0 '05 Feb 2025 09:00:00 +0000' 'Ann <ann@del.example>' \
		'Shared' - 7
	msg s1 '06 Feb 2025 09:00:00 +0000' 'Bob <bob@del.example>' \
		'Re: Shared' s0 7
	msg s2 '07 Mar 2025 09:00:00 +0000' 'Cy <cy@del.example>' \
		'Re: Shared' s1
	# One with an attachment of its own, and one erased on request.
	msg u0 '08 Feb 2025 09:00:00 +0000' 'Ann <ann@del.example>' \
		'Unique' -
	msg u1 '09 Feb 2025 09:00:00 +0000' 'Dee <dee@del.example>' \
		'Re: Unique' u0 11
	msg u2 '10 Feb 2025 09:00:00 +0000' 'Eve <eve@erase.example>' \
		'Re: Unique' u1
}

# partial_render - the incremental render, its figures in err; it held
# well under the archive.
partial_render() {
	MAILARC_RENDER_STATS=1 mailarc-render -q part >/dev/null \
		2>"$BATS_TEST_TMPDIR/err"
	cat "$BATS_TEST_TMPDIR/err"
	n=$(render_stat entries)
	echo "entries held: $n of $TOTAL"
	[ "$n" -lt $((TOTAL / 2)) ]
	state_agrees
}

# removed ID... - the messages deleted, the partial render, and its site
# against --full.
removed() {
	"$NR/mailarc" delete -q part "$@" >/dev/null
	partial_render
	same_as_full
}

# state_agrees - each Message-ID, thread and token once in its buckets,
# as many as the manifest counts.
state_agrees() {
	local d=$S/state/render.state.d k
	for k in i t a; do
		[ -z "$(cut -f1 "$d/$k"-* | sort | uniq -d)" ]
	done
	[ "$(cat "$d"/i-* | wc -l)" -eq \
		"$(sed -n 's/^messages //p' "$S/state/render.state")" ]
	[ "$(cat "$d"/t-* | wc -l)" -eq \
		"$(sed -n 's/^threads //p' "$S/state/render.state")" ]
	# Each token's users, as the month files list them.
	cat "$d"/m-* | awk -F'\t' '$4 != "-" { n = split($4, t, " ")
		for (i = 1; i <= n; i++) c[t[i]]++ }
		END { for (k in c) print k "\t" c[k] }' | sort >"$BATS_TEST_TMPDIR/users"
	sort "$d"/a-* | diff "$BATS_TEST_TMPDIR/users" -
}

# token ID - the attachment token the state lists for message ID.
token() {
	cat "$S"/state/render.state.d/m-* | awk -F'\t' -v id="$1@del.example" \
		'$1 == id { print $4 }'
}

@test "render delete partial: a thread's root, its NAME leads to the new root" {
	old=$(grep -l 'Plan' "$SITE"/t/*/*.html | head -n 1)
	[ -n "$old" ]
	removed '<root@del.example>'
	# The old NAME's page now leads on to the conversation's new one.
	grep -q 'Conversation moved' "$old"
}

@test "render delete partial: a middle message" {
	removed '<r1@del.example>'
	grep -q 'Message removed' "$SITE"/m/*/r1@del.example.html
}

@test "render delete partial: an attachment another message shares stays" {
	tok=$(token s0)
	[ -n "$tok" ] && [ "$tok" = "$(token s1)" ]
	[ -f "$SITE/a/${tok:0:2}/$tok" ]
	removed '<s0@del.example>'
	[ -f "$SITE/a/${tok:0:2}/$tok" ]
	# Its last user goes: so does the file.
	removed '<s1@del.example>'
	[ ! -e "$SITE/a/${tok:0:2}/$tok" ]
}

@test "render delete partial: an attachment of its own goes, and an erased message" {
	tok=$(token u1)
	[ -f "$SITE/a/${tok:0:2}/$tok" ]
	removed '<u1@del.example>'
	[ ! -e "$SITE/a/${tok:0:2}/$tok" ]
	"$NR/mailarc" erase -q part --address eve@erase.example --yes >/dev/null
	partial_render
	same_as_full
	run ! grep -rq 'u2@del.example' "$SITE"
}

@test "render delete partial: a whole thread, one message at a time and together" {
	removed '<u2@del.example>' '<u1@del.example>'
	removed '<u0@del.example>'
	grep -rq 'Conversation removed' "$SITE/t"
}

@test "render delete partial: a state without attachment counts is read whole once" {
	# What an older build wrote: no counts, no marker.
	sed -i '/^attachments counted$/d' "$S/state/render.state"
	"$NR/mailarc" delete -q part '<r2@del.example>' >/dev/null
	MAILARC_RENDER_STATS=1 mailarc-render -q part >/dev/null \
		2>"$BATS_TEST_TMPDIR/err"
	[ "$(render_stat entries)" -eq $((TOTAL - 1)) ]
	grep -qx 'attachments counted' "$S/state/render.state"
	same_as_full
	removed '<s2@del.example>'
}

@test "render delete partial: the root of two merged threads, and an erased root" {
	# m1 joins two threads: b0's NAME then leads to a0's. With a0
	# deleted, b0 is the root again and its NAME its own.
	msg a0 '03 Jun 2025 10:00:00 +0000' 'Ann <ann@del.example>' 'A' -
	msg b0 '04 Jun 2025 10:00:00 +0000' 'Bo <bo@del.example>' 'B' -
	msg b1 '05 Jun 2025 10:00:00 +0000' 'Cy <cy@del.example>' 'Re: B' b0
	"$NR/mailarc" import -q --no-progress part "$BATS_TEST_TMPDIR/extra"/[ab]*.eml \
		>/dev/null
	mailarc-render -q part >/dev/null
	msg m1 '06 Jun 2025 10:00:00 +0000' 'Dee <dee@del.example>' 'Re: A' a0
	sed -i 's/^References: .*/References: <a0@del.example> <b0@del.example>/' \
		"$BATS_TEST_TMPDIR/extra/m1.eml"
	"$NR/mailarc" import -q --no-progress part "$BATS_TEST_TMPDIR/extra/m1.eml" \
		>/dev/null
	mailarc-render -q part >/dev/null
	same_as_full
	grep -q 'Conversation moved' "$SITE"/t/*/b0@del.example.html
	removed '<a0@del.example>'
	run ! grep -q 'Conversation moved' "$SITE"/t/*/b0@del.example.html
	grep -q 'Conversation moved' "$SITE"/t/*/a0@del.example.html
	# An erased root: nothing may name it. Its NAME and the NAMEs
	# that led to it are read from the name buckets, as for a deleted
	# root, and its line goes from its bucket.
	"$NR/mailarc" erase -q part --address bo@del.example --yes >/dev/null
	partial_render
	same_as_full
	[ ! -e "$(echo "$SITE"/m/*/b0@del.example.html)" ]
	run ! grep -rq "b0@del.example" "$S"/state/render.state.d
	[ -z "$(find "$SITE" -name "*b0@del.example*")" ]
}

strace_render() {
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -qq -o /dev/null \
		-e trace="$2" -e inject="$2:$3:when=$1" mailarc-render part
}

@test "render delete partial: killed before a rename or removal, the rerun gives the same site and state" {
	"$NR/mailarc" delete -q part '<root@del.example>' '<u1@del.example>' \
		>/dev/null
	rm -rf "$BATS_TEST_TMPDIR/snap"
	cp -a "$MAILARC_ROOT" "$BATS_TEST_TMPDIR/snap"
	partial_render
	same_as_full
	tree_digest "$SITE" >"$BATS_TEST_TMPDIR/want"
	# The state's lines (a rerun that renders everything writes
	# them in another order).
	sort "$S"/state/render.state.d/[aimnt]-* >"$BATS_TEST_TMPDIR/want.state"
	# Every KILL_STEP-th call from a random one of the first
	# KILL_STEP (KILL_FIRST sets it; KILL_STEP=1: each call, some 20
	# minutes on 2 cores: make torture-kill), until the run goes
	# through: each run tries other calls.
	step=${KILL_STEP:-36}
	first=${KILL_FIRST:-$((RANDOM % step + 1))}
	echo "# KILL_STEP=$step KILL_FIRST=$first" >&3
	for calls in rename,renameat,renameat2 unlink,unlinkat; do
		for ((n = first; n <= 400; n += step)); do
			rm -rf "$MAILARC_ROOT"
			cp -a "$BATS_TEST_TMPDIR/snap" "$MAILARC_ROOT"
			run strace_render "$n" "$calls" signal=SIGKILL
			[ "$status" -eq 0 ] && break
			[ "$status" -eq 137 ]
			mailarc-render -q part >/dev/null
			tree_digest "$SITE" | diff "$BATS_TEST_TMPDIR/want" -
			sort "$S"/state/render.state.d/[aimnt]-* |
				diff "$BATS_TEST_TMPDIR/want.state" -
		done
		echo "$calls: $n calls"
		[ "$status" -eq 0 ]
	done
}

@test "render delete partial: a root whose NAME an earlier deleted root's NAME leads to" {
	# pre, dated before the thread's root, joins it: the thread is
	# named after pre, and root's NAME leads there.
	msg pre '01 Jan 2025 10:00:00 +0000' 'Dee <dee@del.example>' \
		'Re: Plan' root
	"$NR/mailarc" import -q --no-progress part \
		"$BATS_TEST_TMPDIR/extra/pre.eml" >/dev/null
	mailarc-render -q part >/dev/null
	same_as_full
	grep -q 'Conversation moved' "$SITE"/t/*/root@del.example.html
	# root goes (a message in the middle now), then pre (the root):
	# root's NAME leads on to the thread's next root.
	removed '<root@del.example>'
	removed '<pre@del.example>'
	grep -q 'Conversation moved' "$SITE"/t/*/root@del.example.html
	grep -q 'Conversation moved' "$SITE"/t/*/pre@del.example.html
}
