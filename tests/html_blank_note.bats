#!/usr/bin/env bats
# An HTML body that shows a reader nothing (a Klez-style <iframe> left
# open before the letter, a body of only a <noscript>) gives way to the
# text it hides or to its text/plain alternative (lib/mime_html.c). The
# page did not say so: a reader could not tell that the message's HTML
# part showed nothing, nor that the raw message holds it. Now a note
# says both (mime_msg.html_blank, lib/render/message.c body_noted()).

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space blank
	mkdir -p "$BATS_TEST_TMPDIR/in"
	printf 'From: k@blank.example\nSubject: klez\nMessage-ID: <b.1@blank.example>\nMIME-Version: 1.0\nContent-Type: text/html; charset=us-ascii\n\n<html><body><iframe src=cid:x.exe height=0 width=0>\n<p>Dear friend, the capybara minutes.</p></body></html>\n' \
		>"$BATS_TEST_TMPDIR/in/1.eml"
	printf 'From: k@blank.example\nSubject: alt\nMessage-ID: <b.2@blank.example>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nthe plain okapi words\n--b\nContent-Type: text/html\n\n<html><body><noscript>the html words</noscript></body></html>\n--b--\n' \
		>"$BATS_TEST_TMPDIR/in/2.eml"
	printf 'From: k@blank.example\nSubject: empty\nMessage-ID: <b.3@blank.example>\nMIME-Version: 1.0\nContent-Type: text/html\n\n<html><body><iframe src=cid:x></iframe></body></html>\n' \
		>"$BATS_TEST_TMPDIR/in/3.eml"
	printf 'From: k@blank.example\nSubject: shown\nMessage-ID: <b.4@blank.example>\nMIME-Version: 1.0\nContent-Type: text/html\n\n<p>a visible tapir</p>\n' \
		>"$BATS_TEST_TMPDIR/in/4.eml"
}

@test "a page says when the message's HTML part showed nothing" {
	mailarc import blank "$BATS_TEST_TMPDIR/in" >/dev/null
	note="This message's HTML part shows nothing in a browser"
	page=$S/site/$(mrel blank b.1@blank.example)
	grep -q 'Dear friend, the capybara minutes.' "$page"
	grep -q "$note: the text above is the message's plain-text part or the text the HTML hides; the raw message (.eml) has it as sent." "$page"
	page=$S/site/$(mrel blank b.2@blank.example)
	grep -q 'the plain okapi words' "$page"
	# No text at all: the page says that, and where the HTML is.
	page=$S/site/$(mrel blank b.3@blank.example)
	grep -q 'This message has no text.' "$page"
	grep -q "$note; the raw message (.eml) has it as sent." "$page"
	# An HTML body that shows text has no note.
	page=$S/site/$(mrel blank b.4@blank.example)
	grep -q 'a visible tapir' "$page"
	run ! grep -q "$note" "$page"
}
