#!/usr/bin/env bats
# A --full run walks notmuch's threads in windows of dates (one query over
# the archive would hold every match for the whole walk). Whatever the
# window, every thread is rendered once, in the order of one query, and
# the site is the same: threads that span windows, replies older than
# their root, messages of one second, mail without a date or from before
# 1970 (notmuch dates both 0). MAILARC_RENDER_WINDOW sets the window in
# messages (lib/render/run.c).

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	gen_space win
	local m=$BATS_TEST_TMPDIR/m
	mkdir -p "$m"
	# Threads over years, with replies across many windows.
	python3 "$GEN" 80 "$BATS_TEST_TMPDIR/g"
	cp "$BATS_TEST_TMPDIR/g"/cur/* "$D/archive/cur/"
	# The order's odd cases (lib/render.bash).
	odd_dates "$m"
	archive_add win "$m"/*
	notmuch_index win
}

# full_with WINDOW - a --full run from nothing with that window; the
# files it wrote, relative to the root, into $BATS_TEST_TMPDIR/out.WINDOW,
# its site into $BATS_TEST_TMPDIR/site.WINDOW.
full_with() {
	rm -rf "$D/site" "$D/state"/render.state*
	MAILARC_RENDER_WINDOW=$1 MAILARC_RENDER_STATS=1 \
		mailarc-render win --full >"$BATS_TEST_TMPDIR/raw.$1" \
		2>"$BATS_TEST_TMPDIR/err.$1"
	sed "s#^$D/##" "$BATS_TEST_TMPDIR/raw.$1" >"$BATS_TEST_TMPDIR/out.$1"
	cp -a "$D/site" "$BATS_TEST_TMPDIR/site.$1"
}

@test "render windows: every thread once, in one query's order, the same site" {
	# One window: the whole archive in one query, as before.
	full_with 100000
	[ -s "$BATS_TEST_TMPDIR/out.100000" ]
	total=$(notmuch --config="$D/notmuch/config" count --output=threads '*')
	pages=$(grep -c '^site/t/.*\.html$' "$BATS_TEST_TMPDIR/out.100000")
	[ "$pages" -eq "$total" ]
	for w in 1 2 3 7; do
		full_with "$w"
		# No file written twice: no thread rendered twice.
		[ -z "$(sort "$BATS_TEST_TMPDIR/out.$w" | uniq -d)" ]
		# The same files in the same order: the same threads in the
		# same order.
		diff "$BATS_TEST_TMPDIR/out.100000" "$BATS_TEST_TMPDIR/out.$w"
		diff -r "$BATS_TEST_TMPDIR/site.100000" "$BATS_TEST_TMPDIR/site.$w"
	done
}
