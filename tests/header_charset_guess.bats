#!/usr/bin/env bats
# Raw 8-bit headers read in the right charset, on the page and in the
# index alike: over an HTML body whose charset only a <meta> tag names
# (lib/mime_hooks.c), and in Big5 over an ISO-8859-1 body
# (lib/charset_cjk.c). Both were read as windows-1252.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space cs
	mkdir -p "$BATS_TEST_TMPDIR/in"
	# Subject "Привет мир" in KOI8-R; the HTML names koi8-r in a <meta>.
	printf 'From: a@cs.example\nSubject: \360\322\311\327\305\324 \315\311\322 meta\nMessage-ID: <meta.1@cs.example>\nMIME-Version: 1.0\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<html><head><meta charset=3D"koi8-r"></head><body>=F0=D2=C9</body></html>\n' \
		>"$BATS_TEST_TMPDIR/in/1.eml"
	# Subject "中文報告" in Big5 over a Latin-1 body.
	printf 'From: b@cs.example\nSubject: \244\244\244\345\263\370\247i big5\nMessage-ID: <big5.1@cs.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n\nGr\374\337e\n' \
		>"$BATS_TEST_TMPDIR/in/2.eml"
}

@test "raw 8-bit subjects read in the body's meta charset and as Big5" {
	mailarc import cs "$BATS_TEST_TMPDIR/in" >/dev/null
	run mailarc search cs --output=summary -- subject:meta
	[ "$status" -eq 0 ]
	[[ "$output" == *"Привет мир meta"* ]]
	run mailarc search cs --output=summary -- subject:big5
	[ "$status" -eq 0 ]
	[[ "$output" == *"中文報告 big5"* ]]
	run mailarc search cs --output=messages -- 'subject:Привет'
	[ "$output" = "id:meta.1@cs.example" ]
	grep -q '<title>Привет мир meta' "$S/site/$(mrel cs meta.1@cs.example)"
	grep -q '<title>中文報告 big5' "$S/site/$(mrel cs big5.1@cs.example)"
}
