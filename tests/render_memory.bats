#!/usr/bin/env bats
# What the renderer holds in memory follows what it is writing, not the
# archive: the listing fields of the entries (subject, sender, file) are
# kept for one conversation or one month at a time, and a --full run over
# an existing state does not hold the state's entries next to its own.
# MAILARC_RENDER_STATS=1 makes mailarc-render print one line with these
# figures (lib/render/run.c).

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	gen_space mem
	# Five runs of 150 messages, months apart (gen.py dates a message
	# by its number): 750 messages, no month over 150.
	for k in 0 1 2 3 4; do
		python3 "$GEN" 150 "$BATS_TEST_TMPDIR/g$k" --start $((k * 2000))
		cp "$BATS_TEST_TMPDIR/g$k"/cur/* "$D/archive/cur/"
	done
	notmuch_index mem
}

render_stats() {
	MAILARC_RENDER_STATS=1 mailarc-render mem "$@" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
}

@test "render memory: listing fields are held for a thread or a month, not the archive" {
	render_stats --full
	[ "$(render_stat entries)" -eq 750 ]
	peak=$(render_stat filled-peak)
	# A month holds at most 150, a thread 30 (and its neighbours).
	# Before, every entry kept its fields to the end of the run.
	[ "$peak" -gt 0 ]
	[ "$peak" -le 200 ]
	# An incremental run that adds one message fills a few.
	python3 "$GEN" 1 "$BATS_TEST_TMPDIR/add" --start 9000
	cp "$BATS_TEST_TMPDIR/add"/cur/* "$D/archive/cur/"
	notmuch_index mem
	render_stats
	# It reads the months it touches, not the archive.
	[ "$(render_stat entries)" -lt 751 ]
	grep -q '751 messages in' "$D/site/index.html"
	[ "$(render_stat filled-peak)" -le 200 ]
}

@test "render memory: a --full run over a state holds its entries once" {
	mailarc-render mem >/dev/null
	render_stats --full
	[ "$(render_stat entries)" -eq 750 ]
	# The state's 750 entries are not loaded: the run makes its own.
	[ "$(render_stat made)" -eq 750 ]
}
