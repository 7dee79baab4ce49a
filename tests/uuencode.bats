#!/usr/bin/env bats
# Files uuencoded into the text of a message (uuencode(1) piped into
# mail(1), old mailers) are offered as attachments, byte for byte, and
# the text says where they went; a block that does not decode cleanly
# stays text (lib/mime_uu.c).

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space uu
	mkdir -p "$BATS_TEST_TMPDIR/in"
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import binascii, sys
d = sys.argv[1]
data = bytes(range(256)) * 3 + b"the end\n"
open(d + "/data.bin", "wb").write(data)
def uu(name, data, strip=False):
    out = ["begin 644 " + name]
    for i in range(0, len(data), 45):
        line = binascii.b2a_uu(data[i:i + 45], backtick=not strip)
        out.append(line.decode().rstrip("\n"))
    out.append("" if strip else "`")
    out.append("end")
    return "\n".join(out) + "\n"
head = ("From: cron@uu.example\nTo: ops@uu.example\nDate: Mon, 2 Mar 2026 "
        "10:00:00 +0000\nSubject: %s\nMessage-ID: <%s@uu.example>\n\n")
open(d + "/in/a.eml", "w").write(
    head % ("nightly dump", "dump") + "Here is the dump.\n\n" +
    uu("data.bin", data) + "\nbye\n")
# Spaces for zero, stripped at line ends as some mailers do.
open(d + "/in/b.eml", "w").write(
    head % ("stripped", "stripped") + uu("zeros.bin", bytes(90), True))
bad = uu("broken.bin", data).replace("\nM", "\nM\x7f", 1)
open(d + "/in/c.eml", "w").write(head % ("broken", "broken") + bad)
PY
}

@test "uuencoded files in the text become attachments, byte for byte" {
	mailarc import uu "$BATS_TEST_TMPDIR/in" >/dev/null
	mailarc check uu
	page=$S/site/$(mrel uu dump@uu.example)
	grep -q 'Here is the dump.' "$page"
	grep -q '\[file data.bin: attached\]' "$page"
	grep -q 'bye' "$page"
	run ! grep -q 'begin 644' "$page"
	href=$(grep -o 'href="../../a/[^"]*" download="data.bin"' "$page" |
		sed 's/^href="..\/..\/\([^"]*\)".*/\1/')
	[ -n "$href" ]
	cmp "$S/site/$href" "$BATS_TEST_TMPDIR/data.bin"
	page=$S/site/$(mrel uu stripped@uu.example)
	grep -q 'download="zeros.bin"' "$page"
	# Not clean: left as text, no attachment.
	page=$S/site/$(mrel uu broken@uu.example)
	grep -q 'begin 644 broken.bin' "$page"
	run ! grep -q 'download="broken.bin"' "$page"
}
