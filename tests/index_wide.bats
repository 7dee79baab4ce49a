#!/usr/bin/env bats
# Text in UTF-16 and UTF-32 (Outlook and some web mailers send HTML so)
# is found by "mailarc search" by the words of its body: the indexing
# process turns NUL bytes into spaces so that notmuch sees the text after
# a stray NUL, but in wide text the NULs are halves of characters
# (lib/mime_hooks.c wide_text()); and stray NULs in 8-bit text still do
# not hide what follows them.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space wide
	mkdir -p "$BATS_TEST_TMPDIR/in"
	python3 - "$BATS_TEST_TMPDIR/in" <<'PY'
import base64, sys
d = sys.argv[1]
head = ("From: a@wide.example\nTo: b@wide.example\nDate: Mon, 2 Mar 2026 "
        "10:00:00 +0000\nSubject: %s\nMessage-ID: <%s@wide.example>\n"
        "MIME-Version: 1.0\nContent-Type: text/%s; charset=%s\n"
        "Content-Transfer-Encoding: base64\n\n")
for i, (codec, label, kind, word) in enumerate([
        ("utf-16", "utf-16", "plain", "zanzibar"),
        ("utf-16-le", "utf-16le", "html", "quokka"),
        ("utf-16-be", "UTF-16BE", "plain", "marzipan"),
        ("utf-32", "utf-32", "html", "tarragon"),
        ("utf-16-le", "utf-16le", "plain", "\u4f1a\u8b70 gooseberry"),
        ("utf-16-be", "utf-16be", "html", "\u30ab\u30bf wombat")]):
    # No byte order mark but in utf-16 and utf-32; CJK text among the
    # Latin, whose UTF-16 has no NUL bytes, and an emoji, whose second
    # half (U+DE00) has one.
    text = ("A note about %s and more. \u8b70\u4e8b\u9332 \U0001f600\n"
            % word)
    with open("%s/%d.eml" % (d, i), "w") as f:
        f.write(head % ("note %d" % i, "n%d" % i, kind, label) +
                base64.encodebytes(text.encode(codec)).decode())
with open(d + "/nul.eml", "wb") as f:
    f.write(b"From: a@wide.example\nSubject: nul\nMessage-ID: "
            b"<nul@wide.example>\n\nbefore\0the nul comes pelican\n")
PY
}

@test "UTF-16 and UTF-32 bodies are found by their words" {
	mailarc import wide "$BATS_TEST_TMPDIR/in" >/dev/null
	for w in zanzibar quokka marzipan tarragon gooseberry wombat pelican; do
		run mailarc search wide --output=messages -- "$w"
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 1 ] || {
			echo "'$w' found ${#lines[@]} times" >&2
			return 1
		}
	done
}
