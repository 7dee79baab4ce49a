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
# Parts not marked attachments, which notmuch indexes as text: binary
# data sent inline (a word in it, between NUL bytes), text labelled as
# octets, and binary bytes labelled text/plain.
rnd = bytes((i * 7919 + i // 13 * 31) % 256 for i in range(65536))
word = b"\0 xylophonequartz \0"
for name, ctype, data in [
        ("inline", "application/octet-stream",
         rnd[:30000] + word + rnd[30000:]),
        ("octets", "application/octet-stream",
         b"A text sent as octets mentions kumquat.\n"),
        ("garbled", "text/plain", rnd[:30000] + b" pomegranate " + rnd)]:
    with open("%s/%s.eml" % (d, name), "w") as f:
        f.write("From: a@wide.example\nSubject: %s\nMessage-ID: <%s@wide."
                "example>\nMIME-Version: 1.0\nContent-Type: multipart/"
                "mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
                "The %s harpsichord.\n--b\nContent-Type: %s; name=x.bin\n"
                "Content-Transfer-Encoding: base64\n\n%s--b--\n"
                % (name, name, name, ctype,
                   base64.encodebytes(data).decode()))
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

@test "binary data in a part that is not text is not indexed as words; text in any part is" {
	mailarc import wide "$BATS_TEST_TMPDIR/in" >/dev/null
	for w in kumquat pomegranate; do
		run mailarc search wide --output=messages -- "$w"
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	run mailarc search wide --output=messages -- harpsichord
	[ "${#lines[@]}" -eq 3 ]
	# Its NULs made spaces, the binary part was indexed whole, as
	# thousands of garbage words; the word in it among them.
	run mailarc search wide --output=messages -- xylophonequartz
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
}
