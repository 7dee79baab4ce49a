#!/usr/bin/env bats
# A first render (no state with a thread NAME to keep) of more messages
# than a step goes in steps: a full run with no entries, then incremental
# runs that each add the next messages in the site's order, so that its
# memory follows a step, not the archive (lib/render/steps.c). Whatever
# the step, the site and the render state are those of one full run:
# threads across steps, replies older than their root, one second's
# messages, mail without a date or from before 1970, a message a
# tombstone removed and one whose removal is pending. A run killed part
# way is followed by a full run that ends with the same site.
# MAILARC_RENDER_STEP sets the step in messages ("0": one full run).

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	gen_space st
	local m=$BATS_TEST_TMPDIR/m th
	mkdir -p "$m"
	python3 "$GEN" 60 "$BATS_TEST_TMPDIR/g"
	cp "$BATS_TEST_TMPDIR/g"/cur/* "$D/archive/cur/"
	odd_dates "$m"
	dated_mail "$m/f1" "Tue, 02 Jun 2020 12:00:00 +0000" f1
	dated_mail "$m/f2" "Wed, 03 Jun 2020 12:00:00 +0000" f2 f1
	archive_add st "$m"/*
	notmuch_index st
	th=$(notmuch --config="$D/notmuch/config" search --output=threads \
		id:f1@example.org | sed 's/thread://')
	# f2 removed (its file gone, a tombstone); e3's removal pending (a
	# tombstone, its file still indexed: a full run shows it).
	rm "$D"/archive/cur/f2.*
	notmuch_index st
	printf '2026-11-20T10:00:00Z\tf2@example.org\t%s\t-\n' "$th" \
		>>"$D/tombstones"
	printf '2026-11-20T10:00:01Z\te3@example.org\t-\t-\n' \
		>>"$D/tombstones"
}

teardown() {
	if [ -n "${MOUNTED:-}" ]; then
		umount "$MOUNTED" 2>/dev/null || true
	fi
}

# first_with STEP - a first render (no site, no state) with that step;
# its site into $BATS_TEST_TMPDIR/site.STEP, the paths it printed into
# out.STEP, its state files (generation
# dropped from their names, lines sorted: a merge appends where a full
# save writes in order) into state.STEP, its stderr into err.STEP.
first_with() {
	rm -rf "$D/site" "$D/state"/render.state* "$D/state/search"
	MAILARC_RENDER_STEP=$1 MAILARC_RENDER_STATS=1 \
		mailarc-render -v st >"$BATS_TEST_TMPDIR/out.$1" \
		2>"$BATS_TEST_TMPDIR/err.$1"
	cp -a "$D/site" "$BATS_TEST_TMPDIR/site.$1"
	state_kept "$BATS_TEST_TMPDIR/state.$1"
	[ ! -e "$STATE.publishing" ]
	[ ! -e "$D/site/.render-first" ]
}

# summary_of STEP - the run's summary line, its time stamp dropped.
summary_of() {
	grep -o "space 'st': .*" "$BATS_TEST_TMPDIR/err.$1"
}

# stat_of STEP NAME - a figure of the render-stats line of that run.
stat_of() {
	grep '^render-stats: ' "$BATS_TEST_TMPDIR/err.$1" | tail -n 1 |
		tr ' ' '\n' | sed -n "/^$2\$/{n;p;}"
}

@test "render steps: any step gives the site and state of one full run" {
	first_with 0
	run ! grep -q 'in steps of' "$BATS_TEST_TMPDIR/err.0"
	total=$(stat_of 0 entries)
	[ "$total" -gt 60 ]
	grep -q 'Message removed' "$D/site/m/"*/f2@example.org.html
	run ! grep -q 'Message removed' "$D/site/m/"*/e3@example.org.html
	for s in 1 2 5 13 40; do
		first_with "$s"
		grep -q "in steps of $s" "$BATS_TEST_TMPDIR/err.$s"
		diff -r "$BATS_TEST_TMPDIR/site.0" "$BATS_TEST_TMPDIR/site.$s"
		diff -r "$BATS_TEST_TMPDIR/state.0" "$BATS_TEST_TMPDIR/state.$s"
		# Each page written once in the list, index.html last, and
		# the summary of one full run.
		diff <(LC_ALL=C sort "$BATS_TEST_TMPDIR/out.0") \
			<(LC_ALL=C sort "$BATS_TEST_TMPDIR/out.$s")
		[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out.$s")" = "$D/site/index.html" ]
		diff <(summary_of 0) <(summary_of "$s")
	done
	# The next run, with one message more, is an incremental one
	# that gives what a full run gives.
	dated_mail "$BATS_TEST_TMPDIR/g1" "Thu, 04 Jun 2020 12:00:00 +0000" g1 f1
	archive_add st "$BATS_TEST_TMPDIR/g1"
	notmuch_index st
	MAILARC_RENDER_STATS=1 mailarc-render st >/dev/null 2>"$BATS_TEST_TMPDIR/err"
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render st --full >/dev/null
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}

@test "render steps: killed part way, the next run ends with the site of one full run" {
	first_with 0
	ref=$BATS_TEST_TMPDIR/site.0
	# How long a run of steps of 3 takes, to spread the kills over it.
	rm -rf "$D/site" "$D/state"/render.state* "$D/state/search"
	t0=$(date +%s%N)
	MAILARC_RENDER_STEP=3 mailarc-render -q st >/dev/null
	ms=$((($(date +%s%N) - t0) / 1000000 + 1))
	early=0
	for ((k = 0; k < 8; k++)); do
		rm -rf "$D/site" "$D/state"/render.state* "$D/state/search"
		kill_within "$ms" env MAILARC_RENDER_STEP=3 mailarc-render -q st
		if [ ! -e "$D/site/index.html" ]; then
			early=$((early + 1))
		else
			# index.html comes last: the site is whole.
			diff -r -x .render-first "$ref" "$D/site"
		fi
		# A kill between two steps leaves the mark: the next run
		# renders everything (in steps again, the NAMEs carried).
		MAILARC_RENDER_STEP=3 mailarc-render -q st >/dev/null
		diff -r "$ref" "$D/site"
		[ ! -e "$STATE.publishing" ]
	done
	echo "# $early of 8 kills came before index.html" >&3
}

@test "render steps: a run of steps holds a step's part of the archive, not all of it" {
	rm -rf "$D/site" "$D/state"/render.state* "$D/state/search" \
		"$D"/archive/cur/*
	# Ten bursts of mail 55 days apart, over a year and a half.
	for k in 0 1 2 3 4 5 6 7 8 9; do
		python3 "$GEN" 200 "$BATS_TEST_TMPDIR/big" --start $((k * 2000))
	done
	cp "$BATS_TEST_TMPDIR/big"/cur/* "$D/archive/cur/"
	notmuch_index st
	MAILARC_RENDER_STEP=250 MAILARC_RENDER_STATS=1 mailarc-render -v st \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	grep -q 'in steps of 250' "$BATS_TEST_TMPDIR/err"
	echo "# $(render_stat entries) of 2000 entries held at the end, $(render_stat made) made" >&3
	[ "$(render_stat entries)" -lt 1500 ]
	[ "$(render_stat made)" -lt 1500 ]
	python3 "$TESTS_DIR/linkcheck.py" "$D/site"
}

@test "render steps: a full disk part way leaves an unpublished site, says so, and the next run finishes it" {
	first_with 0
	ref=$BATS_TEST_TMPDIR/site.0
	rm -rf "$D/site" "$D/state"/render.state* "$D/state/search"
	# A site with room for about half of it: the disk fills in a
	# step after the first.
	kb=$(du -sk "$ref" | cut -f1)
	mkdir -p "$D/site"
	mount -t tmpfs -o size=$((kb / 2))k stsite "$D/site"
	MOUNTED=$D/site
	run env MAILARC_RENDER_STEP=5 mailarc-render st
	echo "$output"
	[ "$status" -eq 75 ]
	# The file the disk had no room for, by its whole name.
	[[ "$output" == *"cannot write '$D/site/"*"No space left on device"* ]]
	[[ "$output" == *"was not published"*"the next run finishes it"* ||
		"$output" == *"stopped before it was published"*"the next run finishes it"* ]]
	[ ! -e "$D/site/index.html" ]
	[ -e "$STATE.publishing" ]
	# Room again: the next run ends with the site of one full run.
	mount -o remount,size=$((kb * 4))k "$D/site"
	MAILARC_RENDER_STEP=5 mailarc-render -q st >/dev/null
	diff -r "$ref" "$D/site"
	[ ! -e "$STATE.publishing" ]
}
