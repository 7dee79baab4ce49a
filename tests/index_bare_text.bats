#!/usr/bin/env bats
# A part whose Content-Type is the bare "text; charset=koi8-r" some
# mailers write is text/plain in that charset (RFC 2045 5.2): the page
# shows its Cyrillic, and search finds its words, which it did not while
# gmime dropped the charset (lib/mime_part.c mime_invalid_type()).

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space bare
	mkdir -p "$BATS_TEST_TMPDIR/in"
	python3 - "$BATS_TEST_TMPDIR/in" <<'PY'
import sys
d = sys.argv[1]
for i, ct in enumerate(["text; charset=koi8-r",
                        "text ;format=flowed; charset=\"KOI8-R\""]):
    with open("%s/%d.eml" % (d, i), "wb") as f:
        f.write(("From: a@bare.example\nTo: b@bare.example\nSubject: "
                 "bare %d\nMessage-ID: <bare.%d@bare.example>\nMIME-Version:"
                 " 1.0\nContent-Type: %s\n\n" % (i, i, ct)).encode()
                + "Привет, мир ocelot\n".encode("koi8-r"))
PY
}

@test "a bare text part is read in the charset it names, on the page and in search" {
	mailarc import bare "$BATS_TEST_TMPDIR/in" >/dev/null
	run mailarc search bare --output=messages -- 'Привет'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	for i in 0 1; do
		grep -q 'Привет, мир ocelot' "$S/site/$(mrel bare bare.$i@bare.example)"
	done
}
