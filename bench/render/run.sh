#!/bin/sh
# Benchmark: mailarc-render against MHonArc on the same generated messages.
#
#   bench/render/run.sh [N] [--no-mhonarc]
#
# Generates N messages (default 10000) with bench/render/gen.py, archives
# them in a fresh space (mailarc-index builds the notmuch database; not
# timed), then times, on the same messages:
#   - mailarc-render --full   vs  mhonarc (one mbox, default settings)
#   - adding 10 messages: mailarc-render (incremental) vs mhonarc -add
# and prints wall time, CPU time (user + system), peak memory and the
# ratios, by wall time and by CPU time: on a shared machine the wall
# time follows the other load, the CPU time much less. Uses build/
# (make all).
#
#   BENCH_SETTLE  seconds to wait, after a sync, before each timed
#                 command (default 0): on ext4 without a journal, creating
#                 files right after another job deleted many costs several
#                 times more (docs/scaling.md); 61 takes that out, not
#                 the inode-table lookup every new inode costs there
#                 (BENCH_DIR on a journalled file system has none).
#   BENCH_SPLIT   "yes": also print each run's user and system seconds
#                 (to stderr)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-10000}
mh=yes
[ "${2:-}" = "--no-mhonarc" ] && mh=no
build=${MAILARC_BUILD:-$top/build}
export PATH="$build/bin:$PATH"
work=${BENCH_DIR:-$(mktemp -d /tmp/mailarc-bench.XXXXXX)}
export MAILARC_ROOT="$work/root"
mkdir -p "$MAILARC_ROOT"
TIME=/usr/bin/time

settle=${BENCH_SETTLE:-0}
case $settle in
'' | *[!0-9]*)
	echo "run.sh: BENCH_SETTLE must be a number of seconds" >&2
	exit 2
	;;
esac

measure() { # LABEL CMD... -> "LABEL seconds peak_kb cpu_seconds"
	label=$1
	shift
	if [ "$settle" -gt 0 ]; then
		sync
		sleep "$settle"
	fi
	$TIME -f "%e %M %U %S" -o "$work/time.out" "$@" >/dev/null \
		2>"$work/err.out" ||
		{ cat "$work/err.out" >&2; exit 1; }
	awk -v l="$label" '{ print l, $1, $2, $3 + $4 }' "$work/time.out"
	if [ "${BENCH_SPLIT:-no}" = yes ]; then
		awk -v l="$label" '{ print l ": user " $3 " s, system " $4 " s" }' \
			"$work/time.out" >&2
	fi
}

echo "generating $n messages in $work" >&2
python3 "$top/bench/render/gen.py" "$n" "$work/gen" "$work/all.mbox"
python3 "$top/bench/render/gen.py" 10 "$work/add" "$work/add.mbox" --start "$n"
mailarc space add bench --name "Benchmark" >/dev/null 2>&1
find "$work/gen/cur" -type f -exec mv -t "$MAILARC_ROOT/spaces/bench/archive/cur" {} +
echo "indexing (not timed)" >&2
mailarc-index --full bench >/dev/null

{
	measure mailarc-full mailarc-render bench --full
	if [ $mh = yes ]; then
		mkdir -p "$work/mhonarc"
		measure mhonarc-full mhonarc -quiet -outdir "$work/mhonarc" \
			-add "$work/all.mbox"
	fi
	arch=$MAILARC_ROOT/spaces/bench/archive/cur
	(cd "$work/add/cur" && ls) | sed "s|^|$arch/|" >"$work/add.list"
	mv -t "$arch" "$work"/add/cur/*
	mailarc-index bench - <"$work/add.list" >/dev/null
	measure mailarc-add10 mailarc-render bench
	if [ $mh = yes ]; then
		measure mhonarc-add10 mhonarc -quiet -outdir "$work/mhonarc" \
			-add "$work/add.mbox"
	fi
} >"$work/results"

awk -v n="$n" '
	{ t[$1] = $2; m[$1] = $3; c[$1] = $4 }
	END {
		printf "messages: %d\n", n
		printf "%-16s %10s %10s %12s\n", "run", "seconds", "cpu s", "peak MB"
		for (k in t) printf "%-16s %10.2f %10.2f %12.1f\n", k, t[k], c[k], m[k] / 1024
		if ("mhonarc-full" in t && t["mailarc-full"] > 0)
			printf "full render: mailarc is %.1fx faster than MHonArc\n", t["mhonarc-full"] / t["mailarc-full"]
		if ("mhonarc-full" in c && c["mailarc-full"] > 0)
			printf "full render, CPU time: mailarc is %.1fx faster\n", c["mhonarc-full"] / c["mailarc-full"]
		if ("mhonarc-add10" in t && t["mailarc-add10"] > 0)
			printf "adding 10:   mailarc is %.1fx faster than MHonArc\n", t["mhonarc-add10"] / t["mailarc-add10"]
		printf "adding 10 costs %.2f%% of a full render\n", 100 * t["mailarc-add10"] / t["mailarc-full"]
	}' "$work/results"
echo "site: $MAILARC_ROOT/spaces/bench/site (remove $work when done)" >&2
