#!/usr/bin/env bats
# Files that look like an mbox by their first word but give no message,
# and an mbox whose lines end in CR alone: nothing is dropped without a
# word (lib/import.c, lib/mbox.c).

load helpers
load lib/store

@test "a file starting with 'From ' that holds no message is set aside, not dropped" {
	printf 'From the desk of Ana Lima, about the budget.\n' \
		>"$BATS_TEST_TMPDIR/note.txt"
	run mailarc import "$(basename "$S")" "$BATS_TEST_TMPDIR/note.txt"
	echo "$output"
	[ "$status" -eq 65 ]
	[[ "$output" == *"1 not mail"* ]]
	[ "$(find "$S/duplicates" -type f | grep -c .)" -eq 1 ]
	mailarc check "$(basename "$S")"
}

@test "an mbox with CR line ends gives its messages" {
	printf 'From a@b Sun Nov 22 10:00:00 2026\rFrom: a@cr.example\rSubject: one\rMessage-ID: <one@cr.example>\r\rfirst\r\rFrom a@b Sun Nov 22 10:01:00 2026\rFrom: a@cr.example\rSubject: two\rMessage-ID: <two@cr.example>\r\rsecond\r' \
		>"$BATS_TEST_TMPDIR/mac.mbox"
	run mailarc import "$(basename "$S")" "$BATS_TEST_TMPDIR/mac.mbox"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 archived"* ]]
	grep -q 'second' "$S/site/$(mrel "$(basename "$S")" two@cr.example)"
}

setup() {
	store_space om
}
