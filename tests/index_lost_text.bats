#!/usr/bin/env bats
# A message whose header has no blank line after it ("Subject: x" then a
# line of text, as Python's email tests have it): gmime dropped the text,
# so the page said the message had no text and search found none of its
# words. The page now shows the text as its body, and search finds it
# (lib/mime_lost.c); a stray line among header fields is part of the
# field above it (lib/mime_fold.c), and a From whose words no address
# takes is shown as written (mime_addrs_cover()).

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space lost
	mkdir -p "$BATS_TEST_TMPDIR/in"
	printf 'From: a@lost.example\nTo: b@lost.example\nSubject: no gap\nMessage-ID: <gap.1@lost.example>\ncounter to the rules, ocelot here\nand wombat too\n' \
		>"$BATS_TEST_TMPDIR/in/1.eml"
	printf 'From: a@lost.example\r\nSubject: no gap crlf\r\nMessage-ID: <gap.2@lost.example>\r\nmarmoset line\r\n\r\nquokka after\r\n' \
		>"$BATS_TEST_TMPDIR/in/2.eml"
	printf 'From: a@lost.example\nstray line of tapir\nSubject: kept\nMessage-ID: <gap.3@lost.example>\n\nbody of gazelle\n' \
		>"$BATS_TEST_TMPDIR/in/3.eml"
}

found() {
	run mailarc search lost --output=messages -- "$1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$2" ] || {
		echo "'$1' found ${#lines[@]} times, not $2" >&2
		return 1
	}
}

@test "text after a header with no blank line is shown and found" {
	mailarc import lost "$BATS_TEST_TMPDIR/in" >/dev/null
	for w in ocelot wombat marmoset quokka gazelle; do
		found "body:$w" 1
	done
	found 'subject:"no gap"' 2
	found 'subject:kept' 1
	page=$S/site/$(mrel lost gap.1@lost.example)
	grep -q 'counter to the rules, ocelot here' "$page"
	grep -q 'and wombat too' "$page"
	! grep -q 'This message has no text' "$page"
	page=$S/site/$(mrel lost gap.2@lost.example)
	grep -q 'marmoset line' "$page"
	grep -q 'quokka after' "$page"
	page=$S/site/$(mrel lost gap.3@lost.example)
	grep -q 'body of gazelle' "$page"
	# The stray line is the From field's (shown as written, since no
	# address takes its words), never the body's.
	grep -q '<dt>From</dt><dd>a@lost.example stray line of tapir</dd>' "$page"
	[ "$(grep -o tapir "$page" | wc -l)" -eq 1 ]
}
