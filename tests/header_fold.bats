#!/usr/bin/env bats
# Broken folds (lib/mime_fold.c): a line among the header fields that is
# no field and starts without a blank, as a client that splits a long
# Subject or To writes it. gmime dropped the line: its words were on no
# page and search found none. It is read as a continuation of the field
# above, on the page and in the index alike.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space fold
	mkdir -p "$BATS_TEST_TMPDIR/in"
	printf 'From: a@fold.example\nTo: b@fold.example,\nc@fold.example\nSubject: Minutes of the meeting about the\nbudget for the aardvark project\nMessage-ID: <fold.1@fold.example>\n\nbody text\n' \
		>"$BATS_TEST_TMPDIR/in/1.eml"
	printf 'From: a@fold.example\r\nSubject: second\r\nhalf of the pangolin year\r\nDate: Mon, 2 Jan 2023 10:00:00 +0000\r\nMessage-ID: <fold.2@fold.example>\r\n\r\nbody\r\n' \
		>"$BATS_TEST_TMPDIR/in/2.eml"
}

found() {
	run mailarc search fold --output=messages -- "$1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$2" ] || {
		echo "'$1' found ${#lines[@]} times, not $2" >&2
		return 1
	}
}

@test "a line split off a header field is shown with it and found" {
	mailarc import fold "$BATS_TEST_TMPDIR/in" >/dev/null
	found 'subject:aardvark' 1
	found 'subject:"budget for the aardvark project"' 1
	found 'subject:pangolin' 1
	found 'to:c@fold.example' 1
	page=$S/site/$(mrel fold fold.1@fold.example)
	grep -q '<title>Minutes of the meeting about the budget for the aardvark project' "$page"
	grep -q 'c@fold.example' "$page"
	page=$S/site/$(mrel fold fold.2@fold.example)
	grep -q '<title>second half of the pangolin year' "$page"
	# The month listing shows the whole subject too.
	grep -rq 'Minutes of the meeting about the budget for the aardvark project' \
		"$S/site/index.html" "$S/site"/20*/ 2>/dev/null
	# The raw download is the file as it was.
	cmp "$BATS_TEST_TMPDIR/in/1.eml" "$S/site/$(mrel fold fold.1@fold.example | sed 's/\.html$/.eml/')"
}
