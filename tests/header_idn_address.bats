#!/usr/bin/env bats
# An address whose domain the sender wrote in Unicode (RFC 6532:
# "jörg@bücher.example") came back from gmime in its ASCII form
# ("jörg@xn--bcher-kva.example"): a carried message's From line on the
# page, and the From that the listing and search read, showed a domain the
# sender never wrote. Now the Unicode form is kept (mime_hooks.c
# unicode_hosts()), and a domain written as "xn--" stays so.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space idn
	mkdir -p "$BATS_TEST_TMPDIR/in"
	printf 'From: j\303\266rg@b\303\274cher.example\nTo: a@idn.example\nSubject: idn plain\nMessage-ID: <i.1@idn.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nbody of capybara\n' \
		>"$BATS_TEST_TMPDIR/in/1.eml"
	printf 'From: a@idn.example\nSubject: idn fwd\nMessage-ID: <i.2@idn.example>\nMIME-Version: 1.0\nContent-Type: message/global\n\nFrom: J\303\266rg <j\303\266rg@b\303\274cher.example>\nSubject: carried okapi\nContent-Type: text/plain; charset=utf-8\n\nHallo aus K\303\266ln\n' \
		>"$BATS_TEST_TMPDIR/in/2.eml"
	printf 'From: =?utf-8?q?Ren=C3=A9e?= <renee@xn--bcher-kva.example>\nSubject: idn ascii\nMessage-ID: <i.3@idn.example>\n\nbody of tapir\n' \
		>"$BATS_TEST_TMPDIR/in/3.eml"
}

@test "a domain written in Unicode is shown and found as written" {
	mailarc import idn "$BATS_TEST_TMPDIR/in" >/dev/null
	page=$S/site/$(mrel idn i.1@idn.example)
	grep -q 'j&ouml;rg@b&uuml;cher.example\|jörg@bücher.example' "$page"
	run ! grep -q 'xn--' "$page"
	page=$S/site/$(mrel idn i.2@idn.example)
	grep -q 'From: Jörg &lt;jörg@bücher.example&gt;' "$page"
	run ! grep -q 'xn--' "$page"
	# Nor in the listings and thread pages.
	run ! grep -rq 'j\(ö\|&ouml;\)rg@xn--' "$S/site/" --include='*.html'
	run mailarc search idn --output=messages -- 'from:bücher.example'
	[ "$status" -eq 0 ]
	# (The third, its domain the same in ASCII form, is found too.)
	[[ "$output" == *id:i.1@idn.example* ]]
	# Written in ASCII form by its sender: kept so.
	page=$S/site/$(mrel idn i.3@idn.example)
	grep -q 'renee@xn--bcher-kva.example' "$page"
}
