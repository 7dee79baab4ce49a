#!/usr/bin/env bats
# A full run keeps the paths it writes in files beside the state
# (STATE.spill/, site_spill() in lib/site.c) instead of in memory, and
# site_gc() reads them a 256th at a time. Nothing of it outlives the run:
# the folder goes at the end, a killed run's is removed by the next run,
# and the site is what a full run makes.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	gen_space sp
	python3 "$GEN" 300 "$BATS_TEST_TMPDIR/g"
	cp "$BATS_TEST_TMPDIR/g"/cur/* "$D/archive/cur/"
	notmuch_index sp
	SPILL=$STATE.spill
}

@test "render spill: a full run removes what it did not write, and its spill files" {
	mailarc-render sp --full >/dev/null
	[ ! -e "$SPILL" ]
	fresh=$BATS_TEST_TMPDIR/fresh
	cp -a "$D/site" "$fresh"
	for f in m/00/stale.html m/ff/gone@x.eml t/00/old.html a/00/0000.bin \
		2019/01/stale.html; do
		mkdir -p "$D/site/$(dirname "$f")"
		echo stale >"$D/site/$f"
	done
	MAILARC_RENDER_STATS=1 mailarc-render sp --full >/dev/null \
		2>"$BATS_TEST_TMPDIR/err"
	diff -r "$fresh" "$D/site"
	[ ! -e "$SPILL" ]
	# Only the stale files changed.
	[ "$(render_stat entries)" -eq 300 ]
}

@test "render spill: what a killed run left is removed by the next run" {
	mailarc-render sp --full >/dev/null
	fresh=$BATS_TEST_TMPDIR/fresh
	cp -a "$D/site" "$fresh"
	# As a run killed during its walk leaves it.
	mkdir -p "$SPILL"
	printf 'x' >"$SPILL/w-00"
	printf '0 m/00/x.html\n' >"$SPILL/g-3f"
	mailarc-render sp >/dev/null
	[ ! -e "$SPILL" ]
	mkdir -p "$SPILL"
	printf 'x' >"$SPILL/w-7f"
	mailarc-render sp --full >/dev/null
	[ ! -e "$SPILL" ]
	diff -r "$fresh" "$D/site"
}

@test "render spill: a full run killed part way, then run again, ends whole" {
	mailarc-render sp --full >/dev/null
	fresh=$BATS_TEST_TMPDIR/fresh
	cp -a "$D/site" "$fresh"
	mkdir -p "$D/site/m/00"
	echo stale >"$D/site/m/00/stale.html"
	# Windows of one message make the walk long enough to stop in.
	MAILARC_RENDER_WINDOW=1 mailarc-render sp --full >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 1 200); do
		[ -e "$SPILL" ] && break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# Killed while its spill files were there: they stay behind.
	[ -e "$SPILL" ]
	mailarc-render sp --full >/dev/null
	[ ! -e "$SPILL" ]
	[ ! -e "$D/site/m/00/stale.html" ]
	diff -r "$fresh" "$D/site"
}
