#!/usr/bin/env bats
# What a page shows beyond a message's parts is found by "mailarc search"
# too (lib/mime_extra.c, lib/mime_hooks.c): a digest's preamble, and the
# text inside a winmail.dat (Outlook's TNEF) of a message with no text
# part. libnotmuch indexes parts only, so neither was found before.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space ext
	mkdir -p "$BATS_TEST_TMPDIR/in"
	python3 - "$BATS_TEST_TMPDIR/in" "$TESTS_DIR/gen" <<'PY'
import base64, sys
out, gen = sys.argv[1:3]
sys.path.insert(0, gen)
import hostile_mail
head = ("From: list@ext.example\nTo: b@ext.example\nDate: Mon, 2 Mar 2026 "
        "10:00:00 +0000\nMIME-Version: 1.0\nSubject: %s\n"
        "Message-ID: <%s@ext.example>\n")
open(out + "/digest.eml", "w").write(
    head % ("digest", "digest") +
    "Content-Type: multipart/digest; boundary=d\n\n"
    "Topics today: the quokka census\n\n--d\n\nFrom: a@ext.example\n"
    "Subject: one\n\nfirst wombat text\n--d--\n")
tnef = hostile_mail.tnef_stream(
    [(b"plan.txt", b"the plan\n")],
    "Meeting moved, bring the axolotl report\r\n".encode("cp1252"), 1252)
open(out + "/tnef.eml", "w").write(
    head % ("tnef", "tnef") +
    "Content-Type: multipart/mixed; boundary=m\n\n--m\n"
    "Content-Type: application/ms-tnef; name=winmail.dat\n"
    "Content-Transfer-Encoding: base64\n\n" +
    base64.encodebytes(tnef).decode() + "--m--\n")
PY
}

@test "a digest's preamble and a winmail.dat's text are found and shown once" {
	mailarc import ext "$BATS_TEST_TMPDIR/in" >/dev/null
	mailarc check ext
	for w in quokka wombat axolotl; do
		run mailarc search ext --output=messages -- "body:$w"
		echo "$w: $output"
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	page=$S/site/$(mrel ext digest@ext.example)
	[ "$(grep -o 'the quokka census' "$page" | wc -l)" -eq 1 ]
	grep -q 'first wombat text' "$page"
	page=$S/site/$(mrel ext tnef@ext.example)
	[ "$(grep -o 'bring the axolotl report' "$page" | wc -l)" -eq 1 ]
	grep -q 'download="plan.txt"' "$page"
	grep -q 'download="winmail.dat"' "$page"
}
