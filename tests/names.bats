#!/usr/bin/env bats
# Names made of message data: mailarc link and mailarc-render name every
# message's page the same way whatever notmuch does to its Message-ID
# (long ids shortened to notmuch-sha1-..., blanks removed, bytes that are
# not UTF-8 decoded); logs show a capped Message-ID; Atom feeds stay XML
# whatever a subject holds.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space names
}

# ids_file FILE - the Message-IDs the suite tries, one a line, as the
# bytes of their field (without the angle brackets).
ids_file() {
	python3 - "$1" <<'PY'
import sys
ids = []
for n in (1, 2, 150, 188, 189, 190, 191, 200, 201, 250, 1000):
    ids.append(b"l" * (n - 2) + b"@x" if n > 2 else b"q" * n)
ids += [
    b"in ner@x", b"two  blanks@x", b"tab\there@x", b" lead-trail@x ",
    b"bad\xff\xfeutf@x", b"lat\xe9in@x", b"sur\xed\xa0\x80rogate@x",
    b"=2F/slash+eq=@x", b"\xc3\xa9" * 95 + b"@x", b"sp " * 70 + b"@x",
    b"ctl\x01byte@x",
]
with open(sys.argv[1], "wb") as f:
    for i in ids:
        f.write(i + b"\n")
PY
}

# messages DIR IDS - one message file per line of IDS.
messages() {
	python3 - "$1" "$2" <<'PY'
import os, sys
d, ids = sys.argv[1], open(sys.argv[2], "rb").read().split(b"\n")[:-1]
os.makedirs(d, exist_ok=True)
for k, i in enumerate(ids):
    with open(os.path.join(d, "m%02d.eml" % k), "wb") as f:
        f.write(b"From: A <a@names.example>\nTo: b@names.example\n"
                b"Subject: name %d\nDate: Mon, 2 Nov 2026 10:%02d:00 +0000\n"
                b"Message-ID: <" % (k, k) + i + b">\n\nbody %d\n" % k)
PY
}

@test "names: link and the site agree for every Message-ID notmuch changes" {
	ids_file "$BATS_TEST_TMPDIR/ids"
	messages "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/ids"
	run mailarc import names "$BATS_TEST_TMPDIR"/in/*.eml
	[ "$status" -eq 0 ]
	site=$S/site
	[ -f "$site/index.html" ]
	n=0
	: >"$BATS_TEST_TMPDIR/linked"
	while IFS= read -r id; do
		run --separate-stderr mailarc link names "<$id>"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ] || { echo "link <$id>: $stderr"; false; }
		[ -f "$output" ] || { echo "no page '$output'"; false; }
		grep -q '<article class="msg"' "$output"
		echo "$output" >>"$BATS_TEST_TMPDIR/linked"
		# Without angle brackets, the same page.
		run --separate-stderr mailarc link names "$id"
		[ "$status" -eq 0 ]
		[ "$output" = "$(tail -1 "$BATS_TEST_TMPDIR/linked")" ]
		n=$((n + 1))
	done <"$BATS_TEST_TMPDIR/ids"
	[ "$n" -eq 22 ]
	# And the other way: every message page is one that link names.
	sort -u "$BATS_TEST_TMPDIR/linked" >"$BATS_TEST_TMPDIR/a"
	printf '%s\n' "$site"/m/*/*.html | sort -u >"$BATS_TEST_TMPDIR/b"
	diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/b")" -eq 22 ]
	# No page is named after notmuch's shortened ids.
	[ -z "$(find "$site/m" -name 'notmuch-sha1-*')" ]
	# Every link of every page leads to a page of the site.
	python3 "$TESTS_DIR/lib/chromium_site.py" links "$site"
}

@test "names: a full render names the pages as the incremental one" {
	ids_file "$BATS_TEST_TMPDIR/ids"
	messages "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/ids"
	mailarc import names "$BATS_TEST_TMPDIR"/in/*.eml >/dev/null
	(cd "$S/site/m" && find . -type f | sort) >"$BATS_TEST_TMPDIR/before"
	mailarc render names --full >/dev/null
	(cd "$S/site/m" && find . -type f | sort) >"$BATS_TEST_TMPDIR/after"
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "names: link warns of a Message-ID the space does not hold, in one short line" {
	mailarc import names "$CORPUS"/*.eml >/dev/null 2>&1 || true
	long=$(python3 -c 'print("z" * 5000 + "@x")')
	run --separate-stderr mailarc link names "<$long>"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"no page for"* ]]
	[[ "$stderr" == *"holds no such message"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -le 1 ]
	[ "${#stderr}" -lt 300 ]
	[[ "$stderr" == *"zzz..."* ]]
	# The rule's name for it, all the same: shortened with its hash.
	[[ "$output" == "$S/site/m/"*/"zzzz"*"=="????????????????????????????????".html" ]]
	# Its shard: the first two digits of that hash (the same digest).
	h=${output##*==}
	[[ "$output" == "$S/site/m/${h:0:2}/zzzz"* ]]
	# "<>" is an id notmuch keeps (tests/odd_ids.bats); blanks are not.
	run mailarc link names '   '
	[ "$status" -eq 65 ]
}

@test "names: a space never indexed gets the rule's link and a warning" {
	run --separate-stderr mailarc link names '<never@x>'
	[ "$status" -eq 0 ]
	[[ "$output" == "$S/site/m/"[0-9a-f][0-9a-f]/"never@x.html" ]]
	[[ "$stderr" == *"no page for"* ]]
}

@test "names: Atom feeds are XML whatever a subject holds" {
	python3 - "$BATS_TEST_TMPDIR/in" <<'PY'
import base64, os, sys
d = sys.argv[1]
os.makedirs(d)
bad = ["\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff",
       "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\x85"]
raw = [b"\xed\xa0\x80", b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"\xff",
       b"\xc0\xaf", b"\x1b[31m", b"\x00"]
n = 0
def write(subject_bytes, ref=None):
    global n
    n += 1
    hdr = (b"From: X <x@feed.example>\nTo: y@feed.example\n"
           b"Subject: " + subject_bytes + b"\n"
           b"Date: Tue, 3 Nov 2026 09:%02d:00 +0000\n" % n +
           b"Message-ID: <feed-%d@feed.example>\n" % n)
    if ref:
        hdr += b"In-Reply-To: <" + ref + b">\n"
    with open(os.path.join(d, "f%02d.eml" % n), "wb") as f:
        f.write(hdr + b"\nbody\n")
for c in bad:
    s = ("x" + c + "y").encode("utf-8")
    write(s)
    write(b"=?utf-8?b?" + base64.b64encode(s) + b"?=", b"feed-1@feed.example")
for r in raw:
    write(b"x" + r + b"y")
PY
	run mailarc import names "$BATS_TEST_TMPDIR"/in/*.eml
	[ "$status" -eq 0 ]
	ls "$S"/site/feed.atom "$S"/site/t/*/*.atom >"$BATS_TEST_TMPDIR/feeds"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/feeds")" -ge 2 ]
	python3 - "$BATS_TEST_TMPDIR/feeds" <<'PY'
import sys
import xml.dom.minidom
import xml.etree.ElementTree as ET
for p in open(sys.argv[1]).read().split():
    xml.dom.minidom.parse(p)
    ET.parse(p)
PY
}

@test "names: deleting a message with a long Message-ID replaces its page" {
	ids_file "$BATS_TEST_TMPDIR/ids"
	messages "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/ids"
	mailarc import names "$BATS_TEST_TMPDIR"/in/*.eml >/dev/null
	for n in 250 1000; do
		id=$(python3 -c "print('l' * ($n - 2) + '@x')")
		page=$(mailarc link names "<$id>")
		grep -q '<article class="msg"' "$page"
		run mailarc delete names "<$id>"
		[ "$status" -eq 0 ]
		# The notice replaces the page link names, and the raw
		# message is gone; nothing is named after notmuch's hash.
		[ "$(mailarc link names "<$id>" 2>/dev/null)" = "$page" ]
		grep -q 'Message removed' "$page"
		if grep -q '<article class="msg"' "$page"; then false; fi
		[ ! -e "${page%.html}.eml" ]
		[ -z "$(find "$S/site/m" -name 'notmuch-sha1-*')" ]
		grep -qF "$id" "$S/tombstones"
	done
	# A full render keeps the notices where they are.
	mailarc render names --full >/dev/null
	grep -q 'Message removed' "$page"
}
