#!/usr/bin/env bats
# What a full render holds for each message, after the entry lost its
# pointer to its attachment tokens (they follow the Message-ID in the
# run's strings, for the messages that have any: 40 bytes an entry, not
# 48) and a thread NAME's record its three pointers (a flags byte and
# the bytes; tests/unit/name_table_test.c bounds it). "entry-bytes"
# (MAILARC_RENDER_STATS) is what the entries, their index by
# Message-ID and the site's order hold per message: 62 before, 54 now
# at this size (63 and 55 at 100,000). An incremental run reads the
# tokens back from the state and sets them again: it must leave what a
# full run leaves.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
}

# heap_of N KEY - a space KEY of N generated messages, rendered in full
# and then in full again over its own site and state; the second run's
# render-stats in $BATS_TEST_TMPDIR/err.
heap_of() {
	gen_space "$2"
	python3 "$GEN" "$1" "$BATS_TEST_TMPDIR/$2"
	cp "$BATS_TEST_TMPDIR/$2"/cur/* "$D/archive/cur/"
	notmuch_index "$2"
	mailarc-render "$2" --full >/dev/null 2>&1
	MAILARC_RENDER_STATS=1 mailarc-render "$2" --full \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	[ "$(render_stat entries)" -eq "$1" ]
}

@test "render heap: an entry holds no pointer to its attachments (entry-bytes under 58)" {
	heap_of 1500 big
	per=$(render_stat entry-bytes)
	echo "entry-bytes $per"
	[ "$per" -ge 40 ]
	[ "$per" -lt 58 ]
	# The second full run wrote no state file: every month line,
	# attachments included, is what the first wrote.
	[ "$(render_stat state-files)" -eq 0 ]
	# The messages with attachments still list them, and their pages
	# link them.
	n=$(cat "$STATE".d/m-* | awk -F'\t' '$4 != "-"' | wc -l)
	echo "lines with attachments: $n"
	[ "$n" -gt 0 ]
	tok=$(cat "$STATE".d/m-* | awk -F'\t' '$4 != "-" { print $4; exit }' |
		cut -d' ' -f1)
	[ -f "$D/site/a/${tok:0:2}/$tok" ]
	grep -rlF "a/${tok:0:2}/$tok" "$D/site/m" | grep -q .
}

@test "render heap: attachments kept across an incremental run equal a full run's" {
	heap_of 600 grow
	python3 "$GEN" 300 "$BATS_TEST_TMPDIR/more" --start 600
	cp "$BATS_TEST_TMPDIR/more"/cur/* "$D/archive/cur/"
	notmuch_index grow
	mailarc-render grow >/dev/null 2>&1
	cat "$STATE".d/m-* >"$BATS_TEST_TMPDIR/inc"
	n=$(awk -F'\t' '$4 != "-"' "$BATS_TEST_TMPDIR/inc" | wc -l)
	echo "lines with attachments: $n"
	[ "$n" -gt 0 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/inc")" -eq 900 ]
	cp -a "$D/site" "$BATS_TEST_TMPDIR/site.inc"
	mailarc-render grow --full >/dev/null 2>&1
	cat "$STATE".d/m-* >"$BATS_TEST_TMPDIR/full"
	cmp "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
	diff -r "$BATS_TEST_TMPDIR/site.inc" "$D/site"
}
