#!/usr/bin/env bats
# A base64 part whose padding is missing (2 or 3 characters after its last
# full quantum) and a quoted-printable part that ends in "=X": gmime
# dropped what it held at the end, so the page lost the text's last
# letters, search the last word, and the attachment download its last
# bytes (lib/mime_decode_end.c).

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space dend
	mkdir -p "$BATS_TEST_TMPDIR/in"
	# "the last word is zebra" and bytes 0..10, both without padding;
	# "priced at 5=3" in quoted-printable.
	printf 'From: a@dend.example\nTo: b@dend.example\nSubject: unpadded\nMessage-ID: <u.1@dend.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\ndGhlIGxhc3Qgd29yZCBpcyB6ZWJyYQ\n--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=tail.bin\nContent-Transfer-Encoding: base64\n\nAAECAwQFBgcICQo\n--b--\n' \
		>"$BATS_TEST_TMPDIR/in/1.eml"
	printf 'From: a@dend.example\nSubject: qp end\nMessage-ID: <u.2@dend.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nthe ibex priced at 5=3' \
		>"$BATS_TEST_TMPDIR/in/2.eml"
}

@test "the end of an unpadded base64 part is shown, found and downloaded" {
	mailarc import dend "$BATS_TEST_TMPDIR/in" >/dev/null
	run mailarc search dend --output=messages -- body:zebra
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	page=$S/site/$(mrel dend u.1@dend.example)
	grep -q 'the last word is zebra' "$page"
	# The attachment's file holds all 11 bytes.
	want=$(printf '\000\001\002\003\004\005\006\007\010\011\012' |
		sha256sum | cut -c1-64)
	[ -f "$S/site/a/$(echo "$want" | cut -c1-2)/$want.bin" ]
	grep -q 'tail.bin</a><span class="meta">application/octet-stream, 11 bytes' "$page"
	page=$S/site/$(mrel dend u.2@dend.example)
	grep -q 'the ibex priced at 5=3' "$page"
}
