#!/usr/bin/env bats
# mailarc-index: a run killed while notmuch creates the database.

load helpers
load lib/store

setup() {
	store_space sales
}

# What a kill -9 in notmuch_database_create leaves: the mark, and a Xapian
# folder notmuch cannot open (before the fix every later run exited 74).
@test "a database left half made by a killed run is made again" {
	gen_messages "$BATS_TEST_TMPDIR/m" 20
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do deliver "$S" "$f"; done
	mailarc-dedupe -q sales >/dev/null
	mkdir -p "$S/notmuch/xapian"
	printf 'not a database' >"$S/notmuch/xapian/iamglass"
	: >"$S/notmuch/xapian.creating"
	run mailarc-index sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"half made"* ]]
	[ ! -e "$S/notmuch/xapian.creating" ]
	[ "$(nm "$S" count '*')" -eq 20 ]
}

@test "kill -9 early in the first run, many times: a rerun indexes all" {
	gen_messages "$BATS_TEST_TMPDIR/m" 200
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do deliver "$S" "$f"; done
	mailarc-dedupe -q sales >/dev/null
	cp -a "$S" "$BATS_TEST_TMPDIR/base"
	for d in 01 02 03 04 05 06 07 08 10 12 15 20; do
		rm -rf "$S"
		cp -a "$BATS_TEST_TMPDIR/base" "$S"
		mailarc-index -q sales >/dev/null 2>&1 &
		pid=$!
		sleep "0.$d"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		run mailarc-index -q sales
		echo "delay 0.$d: status $status: $output"
		[ "$status" -eq 0 ]
		[ "$(nm "$S" count '*')" -eq 200 ]
	done
}
