#!/usr/bin/env bats
# A multipart without a boundary parameter (RFC 2046 requires one) is
# found by "mailarc search" by the words of its body, as its page shows
# them (lib/mime_unbounded.c, lib/mime_hooks.c): with the boundary its
# first "--" line gives, or as plain text.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space nob
	mkdir -p "$BATS_TEST_TMPDIR/in"
	head='From: a@nob.example
To: b@nob.example
Date: Mon, 2 Mar 2026 10:00:00 +0000
MIME-Version: 1.0'
	printf '%s\nSubject: guessed\nMessage-ID: <g@nob.example>\nContent-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nabout the zanzibar budget\n--x\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--x--\n' \
		"$head" >"$BATS_TEST_TMPDIR/in/a.eml"
	printf '%s\nSubject: plain\nMessage-ID: <p@nob.example>\nContent-Type: multipart/alternative\n\nonly the quokka words\n' \
		"$head" >"$BATS_TEST_TMPDIR/in/b.eml"
}

@test "a multipart without a boundary is searched and shown by its text" {
	mailarc import nob "$BATS_TEST_TMPDIR/in" >/dev/null
	mailarc check nob
	for w in zanzibar quokka; do
		run mailarc search nob --output=messages -- "$w"
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	page=$S/site/$(mrel nob g@nob.example)
	grep -q 'about the zanzibar budget' "$page"
	grep -q 'download="a.pdf"' "$page"
	run ! grep -q 'no text' "$page"
	page=$S/site/$(mrel nob p@nob.example)
	grep -q 'only the quokka words' "$page"
}
