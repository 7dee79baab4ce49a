#!/usr/bin/env bats
# The render state's log: an incremental run appends its changes to
# SPACE/state/render.state (after a line "@log") instead of writing the
# whole file again; the next runs read it back, a record cut short is
# ignored and cut off, and the site stays what --full makes.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	GEN=$TESTS_DIR/../bench/render/gen.py
	mailarc space add logged >/dev/null
	notmuch_setup logged
	D=$(space_dir logged)
	STATE=$D/state/render.state
	python3 "$GEN" 300 "$D/archive"
	notmuch_index logged
	mailarc-render logged >/dev/null
}

# add_one N: one more generated message (the Nth), indexed and rendered.
add_one() {
	python3 "$GEN" 1 "$BATS_TEST_TMPDIR/add$1" --start "$1"
	cp "$BATS_TEST_TMPDIR/add$1"/cur/* "$D/archive/cur/"
	notmuch_index logged
	mailarc-render logged >/dev/null
}

# The site of the incremental runs equals a --full run's, and the full
# run writes the state without a log.
same_as_full() {
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render logged --full >/dev/null
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
	run ! grep -qx '@log' "$STATE"
}

@test "render state: small runs append a record each; the site equals --full" {
	size=$(wc -c <"$STATE")
	run ! grep -qx '@log' "$STATE"
	for i in 1 2 3 4; do
		add_one $((300 + i))
		[ "$(grep -c "^c	" "$STATE")" -eq "$i" ]
	done
	grep -qx '@log' "$STATE"
	# What the first part holds did not move.
	[ "$(wc -c <"$STATE")" -gt "$size" ]
	same_as_full
}

@test "render state: a record cut short by a kill is ignored, then cut off" {
	add_one 301
	# A run killed while it appended: no "c" line ends its record.
	printf 'e\tbogus@example\t0123456789abcdef\t12' >>"$STATE"
	run mailarc-render logged
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	add_one 302
	run ! grep -q 'bogus@example' "$STATE"
	[ "$(grep -c "^c	" "$STATE")" -eq 2 ]
	same_as_full
}

@test "render state: the log is folded into the file when it grows" {
	python3 "$GEN" 150 "$BATS_TEST_TMPDIR/many" --start 300
	cp "$BATS_TEST_TMPDIR"/many/cur/* "$D/archive/cur/"
	# 150 messages into 300: a record bigger than a quarter of the file.
	notmuch_index logged
	mailarc-render logged >/dev/null
	run ! grep -qx '@log' "$STATE"
	add_one 451
	grep -qx '@log' "$STATE"
	same_as_full
}

@test "render state: link finds a thread that only the log holds" {
	add_one 301
	id=$(grep '^e	' "$STATE" | head -1 | cut -f2)
	run mailarc link logged "<$id>" --thread
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/t/"* ]]
}
