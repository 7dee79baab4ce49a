#!/usr/bin/env bats
# A text part whose bytes are not all valid in its charset (a UTF-8 body
# with stray bytes, a Shift_JIS body with a code outside the table) is
# found by "mailarc search" by the words on both sides of a bad byte: the
# page shows U+FFFD there, and the indexing process gives notmuch the
# same instead of dropping the byte and joining the words
# (lib/mime_hooks.c charset_filter()).

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space broken
	mkdir -p "$BATS_TEST_TMPDIR/in"
	python3 - "$BATS_TEST_TMPDIR/in" <<'PY'
import base64, quopri, sys
d = sys.argv[1]
head = ("From: a@broken.example\nTo: b@broken.example\nDate: Mon, 2 Mar "
        "2026 10:00:00 +0000\nSubject: note %d\nMessage-ID: "
        "<n%d@broken.example>\nMIME-Version: 1.0\nContent-Type: "
        "text/plain; charset=%s\nContent-Transfer-Encoding: %s\n\n")
bodies = [
    ("utf-8", b"Ticket T802-179\xff\xfeabalone follows\n"),
    ("utf-8", b"before\xc3(capybara and then narwhal\xe2\x82"),
    ("shift_jis", b"okapi\x85\x40pangolin \x82\xa0\n"),
]
for i, (cs, body) in enumerate(bodies):
    for cte, enc in (("base64", base64.encodebytes),
                     ("quoted-printable", quopri.encodestring)):
        n = i * 2 + (cte == "base64")
        with open("%s/%d.eml" % (d, n), "wb") as f:
            f.write((head % (n, n, cs, cte)).encode() + enc(body))
PY
}

found() {
	run mailarc search broken --output=messages -- "$1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$2" ] || {
		echo "'$1' found ${#lines[@]} times, not $2" >&2
		return 1
	}
}

@test "words beside a byte invalid in the part's charset are found" {
	mailarc import broken "$BATS_TEST_TMPDIR/in" >/dev/null
	found '"T802-179"' 2
	for w in abalone capybara narwhal okapi pangolin before; do
		found "$w" 2
	done
}
