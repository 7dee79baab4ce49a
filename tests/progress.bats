#!/usr/bin/env bats
# Long mailarc-index and mailarc-render runs show their progress on a
# terminal (issue 16, item 3), counted in messages, and nothing when
# stderr is not one.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	# Draw from the first message: a fast run must still show it.
	export MAILARC_PROGRESS_AFTER=0
	new_root
	GEN=$TESTS_DIR/../bench/render/gen.py
	command -v script >/dev/null || skip "script(1) is not installed"
}

# gen_archive KEY N - a space whose archive holds N generated messages,
# not indexed.
gen_archive() {
	mailarc space add "$1" >/dev/null
	python3 "$GEN" "$2" "$(space_dir "$1")/archive" >/dev/null
}

# gen_queued KEY N - N generated messages archived by mailarc-dedupe (so
# queued for the index), not indexed.
gen_queued() {
	local d
	mailarc space add "$1" >/dev/null
	d=$(space_dir "$1")
	python3 "$GEN" "$2" "$BATS_TEST_TMPDIR/gen" >/dev/null
	mv "$BATS_TEST_TMPDIR"/gen/cur/* "$d/incoming/new/"
	mailarc-dedupe -q "$1" >/dev/null
}

@test "index progress: --full shows how far it is on a terminal" {
	gen_archive big 1500
	# Over a second of work under any build: the line is drawn.
	run script -qec "mailarc-index big --full >/dev/null" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"big: "*"/1500 messages"* ]]
	[[ "$output" == *"big: 1500/1500 messages"* ]]
}

@test "index progress: the queue mailarc-dedupe filled, on a terminal" {
	gen_queued big 1500
	run script -qec "mailarc-index big >/dev/null" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"big: 1500/1500 messages"* ]]
}

@test "index progress: nothing when stderr is not a terminal" {
	gen_archive big 1500
	run --separate-stderr mailarc-index big --full
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"messages"* ]]
	[ -z "$stderr" ]
}

# gen_space KEY N - a space of N generated messages, indexed.
gen_space() {
	local d
	mailarc space add "$1" >/dev/null
	notmuch_setup "$1"
	d=$(space_dir "$1")
	python3 "$GEN" "$2" "$d/archive" >/dev/null
	notmuch_index "$1"
}

@test "render progress: shown on a terminal, counted in messages" {
	gen_space big 1500
	# Over a second of work under any build: the line is drawn.
	run script -qec "mailarc-render big --full >/dev/null" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"big: "*"/1500 messages"* ]]
	[[ "$output" == *"big: 1500/1500 messages"* ]]
}

@test "render progress: nothing when stderr is not a terminal" {
	gen_space big 1500
	run --separate-stderr mailarc-render big --full
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"messages"* ]]
	[ -z "$stderr" ]
}
