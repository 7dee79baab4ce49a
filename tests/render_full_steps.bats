#!/usr/bin/env bats
# A full run over a site that published thread NAMEs (a changed setting,
# --full) goes in steps too: the NAMEs wait in STATE.names while the
# steps name the live threads as a first render does, and the last step
# settles the others as one full run would (lib/render/store_carry.c,
# names.c). The site's history makes every kind: a NAME whose thread an
# earlier message joined, a chain of two such moves, a root deleted (its
# thread lives on, numbered anew by the rebuilt database), a conversation
# deleted whole, a root erased (its NAME retired), a root whose file went
# without a tombstone. Whatever the
# step, the site and the render state are those of one full run, and a
# run killed part way is followed by one that ends with the same.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	gen_space fs
	local m=$BATS_TEST_TMPDIR/m
	mkdir -p "$m"
	python3 "$GEN" 60 "$BATS_TEST_TMPDIR/g"
	cp "$BATS_TEST_TMPDIR/g"/cur/* "$D/archive/cur/"
	odd_dates "$m"
	# Forty conversations of later months: the last step reads the newest
	# months only, not the history's.
	local i mon=(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
	for ((i = 0; i < 40; i++)); do
		dated_mail "$m/z$i" "01 ${mon[i % 12]} $((2019 + i / 12)) 12:00:00 +0000" "z$i"
	done
	# Months between the history's and the rest (before 1970 too): the
	# history's is no neighbour of a month the last step touches.
	dated_mail "$m/s1" "Mon, 15 Jan 1990 12:00:00 +0000" s1
	dated_mail "$m/s2" "Fri, 15 Jan 2010 12:00:00 +0000" s2
	dated_mail "$m/h2" "Fri, 10 Jun 2005 12:00:00 +0000" h2 h1
	dated_mail "$m/k3" "Fri, 10 Jun 2005 13:00:00 +0000" k3 k2
	dated_mail "$m/m1" "Sat, 11 Jun 2005 12:00:00 +0000" m1
	dated_mail "$m/m2" "Sun, 12 Jun 2005 12:00:00 +0000" m2 m1
	dated_mail "$m/n1" "Sat, 11 Jun 2005 14:00:00 +0000" n1
	dated_mail "$m/r1" "Sat, 11 Jun 2005 14:30:00 +0000" r1
	dated_mail "$m/r2" "Sun, 12 Jun 2005 14:30:00 +0000" r2 r1
	dated_mail "$m/q1" "Sat, 11 Jun 2005 15:00:00 +0000" q1
	dated_mail "$m/q2" "Sun, 12 Jun 2005 15:00:00 +0000" q2 q1
	{
		echo "From: Pia Erased <pia@example.net>"
		echo "To: team@example.org"
		echo "Subject: Erase me"
		echo "Date: Sat, 11 Jun 2005 16:00:00 +0000"
		echo "Message-ID: <p1@example.org>"
		echo
		echo "Pia's words."
	} >"$m/p1"
	dated_mail "$m/p2" "Sun, 12 Jun 2005 16:00:00 +0000" p2 p1
	archive_add fs "$m"/*
	notmuch_index fs
	mailarc-render -q fs
	# h1 joins h2's thread before it, k2 then k1 before k3.
	dated_mail "$m/h1" "Thu, 09 Jun 2005 12:00:00 +0000" h1
	dated_mail "$m/k2" "Thu, 09 Jun 2005 13:00:00 +0000" k2 k1
	archive_add fs "$m/h1" "$m/k2"
	notmuch_index fs
	mailarc-render -q fs
	dated_mail "$m/k1" "Wed, 08 Jun 2005 13:00:00 +0000" k1
	archive_add fs "$m/k1"
	notmuch_index fs
	mailarc-render -q fs
	mailarc -q delete fs "<n1@example.org>" "<r1@example.org>" >/dev/null
	mailarc -q erase fs --address pia@example.net --yes >/dev/null
	# m1 gone with a tombstone that names no thread: its NAME leads where
	# it led, to m2's thread.
	rm "$D"/archive/cur/m1.*
	printf '2026-11-20T10:00:00Z\tm1@example.org\t-\t-\n' >>"$D/tombstones"
	rm "$D"/archive/cur/q1.*
	notmuch_index fs
	mailarc-render -q fs
	# A rebuilt database (new thread ids) and a changed setting: every
	# page changes.
	rm -rf "$D/notmuch/xapian"
	notmuch_index fs
	mailarc -q space edit fs --name "Renamed team" >/dev/null
	cp -a "$D/site" "$BATS_TEST_TMPDIR/site.before"
	cp -a "$D/state" "$BATS_TEST_TMPDIR/state.before"
}

# before - the site and state as the setup left them.
before() {
	rm -rf "$D/site" "$D/state"
	cp -a "$BATS_TEST_TMPDIR/site.before" "$D/site"
	cp -a "$BATS_TEST_TMPDIR/state.before" "$D/state"
}

# full_with STEP - a full run (the database was rebuilt, the name
# changed) over the site as the setup left it, in steps of STEP ("0": one
# run); its site into $BATS_TEST_TMPDIR/site.STEP, its state as
# state_kept() gives it into state.STEP, its stderr into err.STEP.
full_with() {
	before
	MAILARC_RENDER_STEP=$1 MAILARC_RENDER_STATS=1 mailarc-render -v fs \
		>"$BATS_TEST_TMPDIR/out.$1" 2>"$BATS_TEST_TMPDIR/err.$1"
	keep_result "$1"
}

# keep_result STEP - what full_with() keeps of the site and state.
keep_result() {
	rm -rf "$BATS_TEST_TMPDIR/site.$1"
	cp -a "$D/site" "$BATS_TEST_TMPDIR/site.$1"
	state_kept "$BATS_TEST_TMPDIR/state.$1"
	[ ! -e "$STATE.publishing" ]
	[ ! -e "$STATE.names" ]
}

# stat_of STEP NAME - a figure of the render-stats line of that run.
stat_of() {
	grep '^render-stats: ' "$BATS_TEST_TMPDIR/err.$1" | tail -n 1 |
		tr ' ' '\n' | sed -n "/^$2\$/{n;p;}"
}

# names_of STEP KIND - the NAMEs of the state's name lines that lead
# elsewhere ("moved"), to "-" ("removed"), or to themselves ("live").
names_of() {
	cat "$BATS_TEST_TMPDIR/state.$1"/n-* | awk -F '\t' -v k="$2" '
		k == "live" && $1 == $3 { print $1 }
		k == "removed" && $3 == "-" { print $1 }
		k == "moved" && $1 != $3 && $3 != "-" { print $1 }'
}

@test "render full steps: any step gives the site and state of one full run over published NAMEs" {
	full_with 0
	run ! grep -q 'in steps of' "$BATS_TEST_TMPDIR/err.0"
	# The history made each kind of NAME.
	names_of 0 moved | grep -qx 'h2@example.org'
	names_of 0 moved | grep -qx 'k3@example.org'
	names_of 0 moved | grep -qx 'k2@example.org'
	names_of 0 moved | grep -qx 'm1@example.org'
	# n1's conversation is gone, though its tombstone names a thread id
	# that the rebuilt database gives another conversation; r1's lives
	# on in r2, under another thread id (lib/render/tomb_map.c).
	names_of 0 removed | grep -qx 'n1@example.org'
	names_of 0 moved | grep -qx 'r1@example.org'
	run ! grep -q 'p1@example.org' "$BATS_TEST_TMPDIR/state.0"/n-*
	run ! grep -rq 'q1@example.org' "$BATS_TEST_TMPDIR/state.0"/n-*
	grep -q 'Renamed team' "$D/site/t/"*/k3@example.org.html
	for s in 1 2 5 13 40; do
		full_with "$s"
		grep -q "in steps of $s" "$BATS_TEST_TMPDIR/err.$s"
		grep -q 'addresses of conversations that moved or went' \
			"$BATS_TEST_TMPDIR/err.$s"
		diff -r "$BATS_TEST_TMPDIR/site.0" "$BATS_TEST_TMPDIR/site.$s"
		diff -r "$BATS_TEST_TMPDIR/state.0" "$BATS_TEST_TMPDIR/state.$s"
		# What it published, each file once: a page written by
		# several steps is published once, as one run publishes it.
		diff <(LC_ALL=C sort "$BATS_TEST_TMPDIR/out.0") \
			<(LC_ALL=C sort "$BATS_TEST_TMPDIR/out.$s")
	done
	# Over a site it left as it is, a full run in steps publishes
	# nothing: a step's version that comes out as the published file
	# is not published again.
	run mailarc-render -v --full fs
	[ "$status" -eq 0 ]
	MAILARC_RENDER_STEP=5 mailarc-render -v --full fs \
		>"$BATS_TEST_TMPDIR/again" 2>/dev/null
	[ ! -s "$BATS_TEST_TMPDIR/again" ]
	# A step over the published site holds what the same step of a
	# first render holds: what earlier steps staged counts as written
	# (a search segment waiting in the staging folder is not missing).
	before
	MAILARC_RENDER_STEP=13 MAILARC_RENDER_STATS=1 mailarc-render fs \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	over=$(render_stat entries)
	rm -rf "$D/site" "$D/state"/render.state* "$D/state/search"
	MAILARC_RENDER_STEP=13 MAILARC_RENDER_STATS=1 mailarc-render fs \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	[ "$over" -eq "$(render_stat entries)" ]
	[ "$over" -lt "$(stat_of 0 entries)" ]
	# The next run is an incremental one that changes nothing.
	run mailarc-render -v fs
	[ "$status" -eq 0 ]
	[[ "$output" == *"up to date"* ]]
}

@test "render full steps: killed part way, the next run ends with the site of one full run" {
	full_with 0
	ref=$BATS_TEST_TMPDIR/site.0
	before
	t0=$(date +%s%N)
	MAILARC_RENDER_STEP=3 mailarc-render -q fs >/dev/null
	ms=$((($(date +%s%N) - t0) / 1000000 + 1))
	for ((k = 0; k < 8; k++)); do
		before
		kill_within "$ms" env MAILARC_RENDER_STEP=3 mailarc-render -q fs
		# Killed once more at its start, now and then.
		if ((k % 3 == 2)); then
			kill_within 100 env MAILARC_RENDER_STEP=3 \
				mailarc-render -q fs
		fi
		MAILARC_RENDER_STEP=$((k % 2 == 0 ? 3 : 0)) \
			mailarc-render -q fs >/dev/null
		keep_result "k$k"
		diff -r "$ref" "$D/site"
		diff -r "$BATS_TEST_TMPDIR/state.0" "$BATS_TEST_TMPDIR/state.k$k"
	done
}

@test "render full steps: a file of carried NAMEs that no run of steps left is removed, not used" {
	full_with 0
	before
	# As if a run of steps had saved its last state and died before
	# removing the file: the state holds every NAME again.
	printf 'zz@example.org\tzz@example.org\tzz@example.org\n' \
		>"$STATE.names"
	# And a run killed while it wrote the file left its temp file.
	printf 'zz@example.org\tzz' >"$STATE.names.tmp"
	MAILARC_RENDER_STEP=5 mailarc-render -v fs >/dev/null \
		2>"$BATS_TEST_TMPDIR/err"
	grep -q "removed '$STATE.names', left by an earlier run" \
		"$BATS_TEST_TMPDIR/err"
	[ ! -e "$STATE.names" ]
	[ ! -e "$STATE.names.tmp" ]
	keep_result stale
	diff -r "$BATS_TEST_TMPDIR/state.0" "$BATS_TEST_TMPDIR/state.stale"
	diff -r "$BATS_TEST_TMPDIR/site.0" "$D/site"
}
