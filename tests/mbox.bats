#!/usr/bin/env bats
# mbox splitting (issue 12, class 5): mboxes as real tools write them,
# split by mailarc import and compared with Python's mailbox.mbox
# (tests/mbox_compare.py). Where Python is wrong the test says so.

load helpers
load lib/store

setup() {
	store_space sales
	M=$BATS_TEST_TMPDIR
}

# compare MBOX [--mboxo] - what mailarc archived (or set aside as a
# duplicate) against Python's split of MBOX; output in $output.
compare() {
	local o=()
	[ "${2:-}" = --mboxo ] && o=(--mboxo)
	run python3 "$TESTS_DIR/mbox_compare.py" "${o[@]}" "$1" \
		"$S/archive" "$S/duplicates"
	echo "$output"
}

@test "a From_ line without an empty line before it starts a message" {
	printf 'From a@x Sun Jul 16 15:06:25 2023\nFrom: a@x\nSubject: one\nMessage-ID: <mb1@x>\n\nbody one\nFrom b@x Sun Jul 16 15:06:25 2023\nFrom: b@x\nSubject: two\nMessage-ID: <mb2@x>\n\nbody two\n' \
		>"$M/t.mbox"
	run mailarc import sales "$M/t.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 2: 2 archived"* ]]
	[ "$(nm "$S" count id:mb1@x)" -eq 1 ]
	[ "$(nm "$S" count id:mb2@x)" -eq 1 ]
	compare "$M/t.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"same 2"* ]]
}

@test "a CRLF webmail export without empty lines splits as Python does" {
	for i in 1 2 3; do
		printf 'From user@example.com Mon Jan  2 03:04:05 +0000 2023\r\n'
		printf 'From: w%s@example.com\r\nSubject: web %s\r\n' "$i" "$i"
		printf 'Message-ID: <web%s@x>\r\n\r\nline\r\n' "$i"
	done >"$M/web.mbox"
	run mailarc import sales "$M/web.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 3: 3 archived"* ]]
	run grep -c $'\r' "$S"/archive/new/*
	[ "$status" -eq 1 ]
	compare "$M/web.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"same 3"* ]]
}

@test "a Netscape mbox: From - lines, unquoted From in bodies (Python splits there, wrongly)" {
	{
		printf 'From - Mon Jul 17 08:00:00 1997\r\nX-Mozilla-Status: 0001\r\n'
		printf 'From: a@x\r\nSubject: ns one\r\nMessage-ID: <ns1@x>\r\n\r\n'
		printf 'Dear all,\r\n\r\nFrom now on the list moves.\r\n'
		printf 'From - Mon Jul 17 08:01:00 1997\r\nX-Mozilla-Status: 0001\r\n'
		printf 'From: b@x\r\nSubject: ns two\r\nMessage-ID: <ns2@x>\r\n\r\nbye\r\n'
	} >"$M/ns.mbox"
	run mailarc import sales "$M/ns.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 2: 2 archived"* ]]
	f=$(grep -l "^Message-ID: <ns1@x>" "$S"/archive/new/*)
	grep -qx "From now on the list moves." "$f"
	compare "$M/ns.mbox"
	# Python cuts <ns1@x> at "From now on", taken for a From_ line, and
	# makes an empty message of what follows it. mailarc keeps it whole.
	[ "$status" -eq 1 ]
	[[ "$output" == *"python 2"*"python-empty 1"*"mailarc 2"*"same 1"* ]]
	[[ "$output" == *"only-python <ns1@x>"*"only-mailarc <ns1@x>"* ]]
}

@test "body lines starting with From that are not From_ lines stay in the body" {
	{
		printf 'From a@x Sun Jul 16 15:06:25 2023\nSubject: b1\nMessage-ID: <b1@x>\n\n'
		printf 'From here on we use the new server.\n\n'
		printf 'From the desk of Bob Sun Jul 16 15:06:25 2023\n'
		printf 'From:\nFrom a@x\n\n'
		printf 'From b@x Sun Jul 16 15:06:26 2023\nSubject: b2\nMessage-ID: <b2@x>\n\nend\n'
	} >"$M/body.mbox"
	run mailarc import sales "$M/body.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 2: 2 archived"* ]]
	f=$(grep -l "^Message-ID: <b1@x>" "$S"/archive/new/*)
	[ "$(grep -c '^From ' "$f")" -eq 3 ]
	compare "$M/body.mbox"
	# Python takes each of the three "From " lines for a message start:
	# <b1@x> cut short, a message "From:" and two empty ones.
	[ "$status" -eq 1 ]
	[[ "$output" == *"python 3"*"python-empty 2"*"mailarc 2"*"same 1"* ]]
	[[ "$output" == *"only-python <b1@x>"*"only-mailarc <b1@x>"* ]]
	[ "$(grep -c '^only-python #' <<<"$output")" -eq 1 ]
}

@test "mboxrd and mboxo quoting is undone as Python's writer meant it" {
	{
		printf 'From a@x Sun Jul 16 15:06:25 2023\nSubject: q1\nMessage-ID: <q1@x>\n\n'
		printf '>From a quoted line\n>>From twice\n>From b@x Sun Jul 16 15:06:25 2023\n\n'
		printf 'From b@x Sun Jul 16 15:06:26 2023\nSubject: q2\nMessage-ID: <q2@x>\n\n>>>From x\n'
	} >"$M/q.mbox"
	run mailarc import sales "$M/q.mbox"
	[ "$status" -eq 0 ]
	f=$(grep -l "^Message-ID: <q1@x>" "$S"/archive/new/*)
	grep -qx "From a quoted line" "$f"
	grep -qx ">From twice" "$f"
	grep -qx "From b@x Sun Jul 16 15:06:25 2023" "$f"
	compare "$M/q.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"same 2"* ]]
}

@test "a consistent Content-Length keeps a forwarded mbox inside the body (Python splits it)" {
	python3 - "$M/cl.mbox" <<'PY'
import sys
body = (b"A forwarded mbox:\n"
        b"From inner@x Sun Jul 16 15:06:25 2023\n"
        b"Subject: inner\n\nFrom here.\n")
stale = b"short body\nFrom c@x Sun Jul 16 15:06:27 2023\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"From a@x Sun Jul 16 15:06:25 2023\nSubject: cl1\n"
            b"Message-ID: <cl1@x>\nContent-Length: %d\n\n" % len(body))
    f.write(body + b"\n")
    # A stale Content-Length (too long) is ignored.
    f.write(b"From b@x Sun Jul 16 15:06:26 2023\nSubject: cl2\n"
            b"Message-ID: <cl2@x>\nContent-Length: 9999\n\nshort body\n")
    f.write(b"From c@x Sun Jul 16 15:06:27 2023\nSubject: cl3\n"
            b"Message-ID: <cl3@x>\n\nlast\n")
PY
	run mailarc import sales "$M/cl.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 3: 3 archived"* ]]
	f=$(grep -l "^Message-ID: <cl1@x>" "$S"/archive/new/*)
	grep -qx "Subject: inner" "$f"
	compare "$M/cl.mbox"
	# Python ignores Content-Length: it cuts <cl1@x> at the inner From_.
	[ "$status" -eq 1 ]
	[[ "$output" == *"python 4"* && "$output" == *"mailarc 3"* ]]
	[[ "$output" == *"same 2"* ]]
	[[ "$output" == *"only-mailarc <cl1@x>"* ]]
}

@test "a byte-order mark before the first From_ line (Python loses that message)" {
	{
		printf '\xef\xbb\xbfFrom a@x Sun Jul 16 15:06:25 2023\nSubject: bom1\nMessage-ID: <bom1@x>\n\nx\n\n'
		printf 'From b@x Sun Jul 16 15:06:26 2023\nSubject: bom2\nMessage-ID: <bom2@x>\n\ny\n'
	} >"$M/bom.mbox"
	run mailarc import sales "$M/bom.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 2: 2 archived"* ]]
	compare "$M/bom.mbox"
	[ "$status" -eq 1 ]
	[[ "$output" == *"python 1"*"mailarc 2"*"same 1"* ]]
	[[ "$output" == *"only-mailarc <bom1@x>"* ]]
	[[ "$output" != *only-python* ]]
}

@test "empty lines before the first From_ line are skipped" {
	{
		printf '\r\n \n\n'
		printf 'From a@x Sun Jul 16 15:06:25 2023\nSubject: e1\nMessage-ID: <e1@x>\n\nx\n\n'
		printf 'From b@x Sun Jul 16 15:06:26 2023\nSubject: e2\nMessage-ID: <e2@x>\n\ny\n'
	} >"$M/lead.mbox"
	run mailarc import sales "$M/lead.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 2: 2 archived"* ]]
	compare "$M/lead.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"same 2"* ]]
}

@test "a gzip mbox without empty lines splits the same" {
	printf 'From a@x Sun Jul 16 15:06:25 2023\nSubject: g1\nMessage-ID: <g1@x>\n\nx\nFrom b@x Sun Jul 16 15:06 2023\nSubject: g2\nMessage-ID: <g2@x>\n\ny\n' |
		gzip >"$M/g.mbox.gz"
	run mailarc import sales "$M/g.mbox.gz"
	[ "$status" -eq 0 ]
	compare "$M/g.mbox.gz"
	[ "$status" -eq 0 ]
	[[ "$output" == *"same 2"* ]]
}

@test "300 random messages, any mix of separators and line ends, split as Python does" {
	python3 - "$M/r.mbox" <<'PY'
import random, sys
rnd = random.Random(12)
days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
mons = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
        "Oct", "Nov", "Dec"]
senders = ["a@x", "-", "MAILER-DAEMON", "???@???", "1771@xxx"]
with open(sys.argv[1], "wb") as f:
    for i in range(300):
        nl = b"\r\n" if rnd.random() < 0.3 else b"\n"
        date = "%s %s %2d %02d:%02d%s" % (
            rnd.choice(days), rnd.choice(mons), rnd.randint(1, 28),
            rnd.randint(0, 23), rnd.randint(0, 59),
            rnd.choice([":%02d" % rnd.randint(0, 59), ""]))
        date += rnd.choice([" 2023", " +0000 2023", " EST 1999",
                            " 2001 remote from uunet"])
        lines = ["From %s %s" % (rnd.choice(senders), date),
                 "From: s%d@x" % i, "Subject: random %d" % i,
                 "Message-ID: <r%d@x>" % i, ""]
        for j in range(rnd.randint(0, 8)):
            lines.append(rnd.choice(["text %d" % j, "", ">From q",
                                     ">>From qq", "From: not a start",
                                     "Fromage"]))
        f.write(nl.join(l.encode() for l in lines) + nl)
        if rnd.random() < 0.5:
            f.write(nl)
PY
	run mailarc import --no-progress sales "$M/r.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 300: 300 archived"* ]]
	compare "$M/r.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"same 300"* ]]
}

@test "the sample mail and 300 generated messages, written to an mbox by Python, come back the same" {
	mkdir -p "$M/gen/tmp" "$M/gen/new" "$M/gen/cur"
	python3 "$TESTS_DIR/lib/genmail.py" "$M/gen" 300 1 >/dev/null
	python3 - "$M/sample.mbox" "$TESTS_DIR"/sample/mail/*.eml \
		"$TESTS_DIR"/sample/hostile/*.eml "$M"/gen/new/* <<'PY'
import mailbox, sys
box = mailbox.mbox(sys.argv[1])
for p in sys.argv[2:]:
    with open(p, "rb") as f:
        box.add(f.read())
box.close()
PY
	n=$(($(find "$TESTS_DIR/sample" -name '*.eml' | wc -l) + 300))
	# Python's writer quotes "From " only: mboxo.
	run mailarc import --no-progress sales --mboxo "$M/sample.mbox"
	compare "$M/sample.mbox" --mboxo
	[ "$status" -eq 0 ]
	[[ "$output" == *"python $n"* ]]
}

@test "the corpus mboxes split as Python splits them" {
	local i=0
	for f in crlf.mbox mboxrd.mbox mboxrd.mbox.gz nul-byte.mbox; do
		store_space "s$((++i))"
		mailarc import --no-progress "s$i" "$CORPUS/$f" >/dev/null 2>&1
		compare "$CORPUS/$f"
		[ "$status" -eq 0 ]
	done
	# The damaged gzip: Python reads the message cut by the damage,
	# mailarc reports the damage and does not deliver it.
	store_space cut
	run mailarc import --no-progress cut "$CORPUS/truncated.mbox.gz"
	[ "$status" -eq 65 ]
	compare "$CORPUS/truncated.mbox.gz"
	[[ "$output" == *"python 4"*"mailarc 3"*"same 3"* ]]
	[[ "$output" == *"only-python <cut@example.com>"* ]]
}
