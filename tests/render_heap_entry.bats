#!/usr/bin/env bats
# What a full render holds for each message, after the entry lost its
# thread NAME pointer (the NAME is kept once per thread with the thread
# id: 48 bytes an entry, not 56) and the thread NAMEs went into a table
# of their own (name_table.c; tests/unit/name_table_test.c bounds it).
# "entry-bytes" (MAILARC_RENDER_STATS) is what the entries, their index
# by Message-ID and the site's order hold per message: 69 before, 61
# now at this size (74 and 66 at 100,000). The pages stay what a run
# with the NAME in each entry made: the incremental runs of
# render_state_read.bats, names.bats and render_names_pick.bats compare
# them with --full.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
}

@test "render heap: the entries, their index and the order hold under 66 bytes a message" {
	gen_space big
	python3 "$GEN" 1500 "$BATS_TEST_TMPDIR/big"
	cp "$BATS_TEST_TMPDIR/big"/cur/* "$D/archive/cur/"
	notmuch_index big
	MAILARC_RENDER_STATS=1 mailarc-render big --full \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	[ "$(render_stat entries)" -eq 1500 ]
	per=$(render_stat entry-bytes)
	echo "entry-bytes $per"
	[ "$per" -ge 48 ]
	[ "$per" -lt 66 ]
	# A second full run over its own site and state writes no state
	# file: the NAMEs each message's month line records are the same.
	MAILARC_RENDER_STATS=1 mailarc-render big --full \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	[ "$(render_stat state-files)" -eq 0 ]
}
