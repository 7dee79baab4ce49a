#!/usr/bin/env bats
# A render killed after its pages were published and before the state
# that records them was saved: whatever happens to the mail before the
# next run, the next run ends with the site a --full render makes. The
# run marks that window with state/render.state.publishing.

bats_require_minimum_version 1.5.0
load helpers
load lib/publish

setup() {
	pub_space pub
	MARK=$S/state/render.state.publishing
}

@test "publish: the mark is set before the commit's first rename and goes after the state's" {
	pub_batch 0 12
	mailarc-render -q pub >/dev/null
	pub_batch 1 6
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -qq \
		-o "$BATS_TEST_TMPDIR/calls" \
		-e trace=rename,renameat,renameat2,unlink,unlinkat \
		mailarc-render -q pub >/dev/null
	mark=$(grep -n 'render\.state\.publishing") = 0$' \
		"$BATS_TEST_TMPDIR/calls" | head -n 1 | cut -d: -f1)
	journal=$(grep -n '\.render-next/\.journal") = 0$' \
		"$BATS_TEST_TMPDIR/calls" | head -n 1 | cut -d: -f1)
	state=$(grep -n 'render\.state") = 0$' "$BATS_TEST_TMPDIR/calls" |
		tail -n 1 | cut -d: -f1)
	gone=$(grep -n 'unlink.*render\.state\.publishing"' \
		"$BATS_TEST_TMPDIR/calls" | tail -n 1 | cut -d: -f1)
	echo "mark $mark, journal $journal, state $state, mark gone $gone"
	[ -n "$mark" ] && [ -n "$journal" ] && [ -n "$state" ] && [ -n "$gone" ]
	[ "$mark" -lt "$journal" ]
	[ "$journal" -lt "$state" ]
	[ "$state" -lt "$gone" ]
	[ ! -e "$MARK" ]
}

@test "publish: killed between the commit and the state, the new mail then deleted: the rerun equals --full" {
	pub_batch 0 12
	mailarc-render -q pub >/dev/null
	pub_batch 1 6
	# What a kill between the commit and the state's manifest leaves:
	# the new pages out, the state of the run before, the mark.
	rm -rf "$BATS_TEST_TMPDIR/old"
	mkdir "$BATS_TEST_TMPDIR/old"
	cp -a "$S/state/render.state" "$S/state/render.state.d" \
		"$BATS_TEST_TMPDIR/old/"
	mailarc-render -q pub >/dev/null
	rm -rf "$S/state/render.state.d"
	cp -a "$BATS_TEST_TMPDIR/old/render.state" \
		"$BATS_TEST_TMPDIR/old/render.state.d" "$S/state/"
	echo "a run is publishing" >"$MARK"
	mapfile -t ids < <(grep -rhi '^message-id:' "$BATS_TEST_TMPDIR/batch1" |
		sed 's/^[^<]*<//; s/>.*//')
	[ "${#ids[@]}" -eq 6 ]
	for id in "${ids[@]}"; do
		[ -e "$("$NR/mailarc" link pub "$id")" ]
	done
	# The new mail goes before the next run.
	"$NR/mailarc" delete -q pub "${ids[@]}" >/dev/null
	run mailarc-render pub
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"stopped after publishing pages and before recording them"* ]]
	linkcheck
	same_as_full
	[ ! -e "$MARK" ]
	# The next run is incremental again.
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[[ "$output" != *"rendering everything"* ]]
}
