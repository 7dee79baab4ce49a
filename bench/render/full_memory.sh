#!/bin/sh
# bench/render/full_memory.sh BUILD [N1 N2] - is a first render's memory
# flat in the archive? (issue #16: under 64 MB at a million messages and
# within 10% from 100,000 to 1,000,000.) Two spaces of N1 and N2
# generated messages (default 2000 and 20000), each imported, then its
# site and render state removed and rendered again from nothing by BUILD
# with small steps (MAILARC_RENDER_STEP, default 500: lib/render/steps.c)
# and windows (MAILARC_RENDER_WINDOW, default 256), and
# MAILARC_RENDER_STATS=1; prints each run's heap-peak, peak RSS and
# times, and the ratios N2 / N1. Exits 1 when the heap-peak at N2 is
# over 1.10 times the one at N1 plus 1 MB (what a run holds beside the
# archive: a thread's pages, a step), 0 when it is flat. A build without
# steps (before 2026-12-01) holds about 110 bytes a message
# (docs/scaling.md, "The full render's memory, a fifth time"): it fails.
#
#   FULL_MEMORY_DIR  work folder (default: a new one under /tmp, kept)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || {
	echo "usage: bench/render/full_memory.sh BUILD [N1 N2]" >&2
	exit 64
}
build=$(cd "$1" && pwd)
n1=${2:-2000}
n2=${3:-20000}
work=${FULL_MEMORY_DIR:-$(mktemp -d /tmp/full-memory.XXXXXX)}
window=${MAILARC_RENDER_WINDOW:-256}
step=${MAILARC_RENDER_STEP:-500}
mkdir -p "$work"
for n in "$n1" "$n2"; do
	root=$work/root-$n
	if [ ! -d "$root" ]; then
		python3 "$top/bench/render/gen.py" "$n" "$work/mail-$n" \
			--seed 3 >/dev/null
		"$build/bin/mailarc" --root "$root" -q space add sp --name sp \
			>/dev/null
		"$build/bin/mailarc" --root "$root" import sp "$work/mail-$n" \
			>/dev/null 2>&1
	fi
	sp=$root/spaces/sp
	rm -rf "$sp/site" "$sp/state/render.state" "$sp/state/render.state.d" \
		"$sp/state/search"
	/usr/bin/time -f "%e %U %S %M" -o "$work/time-$n" \
		env MAILARC_RENDER_WINDOW="$window" MAILARC_RENDER_STEP="$step" \
		MAILARC_RENDER_STATS=1 \
		"$build/bin/mailarc-render" --root "$root" -q sp --full \
		>/dev/null 2>"$work/err-$n"
	heap=$(grep -o 'heap-peak [0-9]*' "$work/err-$n" | cut -d' ' -f2)
	read -r wall user sys rss <"$work/time-$n"
	echo "$n messages: heap-peak $heap B, peak RSS $rss kB," \
		"$wall s wall, $user s user, $sys s sys"
	if [ "$n" = "$n1" ]; then
		h1=$heap r1=$rss
	else
		h2=$heap r2=$rss
	fi
done
awk -v h1="$h1" -v h2="$h2" -v r1="$r1" -v r2="$r2" -v a="$n1" -v b="$n2" \
	'BEGIN { printf "%s / %s: heap-peak %.2fx, peak RSS %.2fx\n",
		b, a, h2 / h1, r2 / r1 }'
if [ "$h2" -gt $((h1 + h1 / 10 + 1048576)) ]; then
	echo "not flat: the heap-peak grows with the archive"
	exit 1
fi
echo "flat"
