#!/bin/sh
# bench/shapes/run.sh - odd shapes of real mail (bench/shapes/gen.py: a
# 1 MB PDF sent inline, 7 MB of text, 10,000 parts, 1,000 levels of
# nesting, 50,000 recipients, 500 versions of one Message-ID, a
# conversation of 5,000 messages, ...), each into a space of its own, each
# stage timed: mailarc-dedupe, mailarc-index, mailarc-render; and
# `notmuch new` (default tags) on the same files, the peer of the index
# stage. A shape of several messages holds its last one back and imports
# it afterwards ("+1": dedupe, index and render of one more message into
# the shape's space). Prints one line a shape: CPU seconds (user +
# system) and peak RSS of each, and index / notmuch by CPU and by RSS.
# What it looks for is a stage that costs far more than the mail's size
# or than notmuch (docs/scaling.md, "Odd shapes of mail").
#
#   MAILARC_BUILD  build folder (default build/, "make all")
#   BENCH_DIR      work folder (default: a new one under /tmp, removed)
#   BENCH_LIMIT    seconds any one command may take (default 600)
#   BENCH_SHAPES   which shapes (default: all gen.py makes)
#
# About 4 minutes on a 2-core machine.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MAILARC_BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
export PATH="$build/bin:$PATH"
limit=${BENCH_LIMIT:-600}
work=${BENCH_DIR:-}
if [ -z "$work" ]; then
	work=$(mktemp -d /tmp/mailarc-shapes.XXXXXX)
	trap 'rm -rf "$work"' EXIT
fi
for t in notmuch python3 /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "run.sh: $t is needed (make deps-bench)" >&2
		exit 2
	}
done
python3 "$top/bench/shapes/gen.py" "$work/in"
shapes=${BENCH_SHAPES:-$(ls "$work/in")}

# timed OUT CMD... - CMD under /usr/bin/time, bounded; OUT gets
# "cpu_seconds peak_kb" (or "fail" and the command's error).
timed() {
	out=$1
	shift
	if timeout "$limit" /usr/bin/time -f "%U %S %M" -o "$work/t" "$@" \
		>/dev/null 2>"$work/err"; then
		awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$work/t" >"$out"
	else
		echo "fail" >"$out"
		sed 's/^/    /' "$work/err" | tail -n 3 >&2
	fi
}

show() { # FILE -> "cpu/MB"
	awk '$1 == "fail" || $1 == "-" { print $1; next }
	     { printf "%s/%.0f", $1, $2 / 1024 }' "$1"
}

printf '%-13s %5s %6s  %-11s %-11s %-11s %-11s %-11s  %s\n' shape msgs MB \
	dedupe index render "+1 import" "notmuch" "index/notmuch cpu, rss"
for s in $shapes; do
	in=$work/in/$s
	n=$(ls "$in" | wc -l)
	mb=$(du -sm "$in" | cut -f1)
	rm -rf "$work/root" "$work/nm" "$work/hold"
	export MAILARC_ROOT=$work/root
	mailarc space add shape >/dev/null 2>&1
	sp=$work/root/spaces/shape
	mkdir -p "$sp/incoming/.import/new" "$work/hold"
	last=$(ls "$in" | tail -n 1)
	# Maildir names, as fetch and import deliver (their seconds are a
	# delivery time: a message dated after it would not be believed),
	# in the order of the files (a reply indexed before the message it
	# answers makes notmuch merge threads).
	now=$(date +%s)
	k=0
	for f in $(ls "$in"); do
		k=$((k + 1))
		if [ "$n" -gt 1 ] && [ "$f" = "$last" ]; then
			cp "$in/$f" "$work/hold/"
		else
			name=$(printf '%s.M%06dP%s.shapes:2,' "$now" "$k" $$)
			cp "$in/$f" "$sp/incoming/.import/new/$name"
		fi
	done
	sync
	timed "$work/d" mailarc-dedupe -q shape
	timed "$work/i" mailarc-index -q shape
	timed "$work/r" mailarc-render -q shape
	echo "-" >"$work/a"
	if [ "$n" -gt 1 ]; then
		timed "$work/a" mailarc import -q --no-progress shape "$work/hold"
	fi
	mkdir -p "$work/nm/mail/cur" "$work/nm/mail/new" "$work/nm/mail/tmp"
	printf '[database]\npath=%s/nm/mail\n[new]\ntags=unread;inbox\n' \
		"$work" >"$work/nm/config"
	cp "$in"/* "$work/nm/mail/cur/"
	sync
	timed "$work/p" notmuch --config="$work/nm/config" new --quiet
	ratio=$(awk 'NR == FNR { c = $1; m = $2; next }
		$1 == "fail" || c == "fail" || $1 == 0 { print "-"; exit }
		{ printf "%.2fx, %.2fx", c / $1, m / $2 }' "$work/i" "$work/p")
	printf '%-13s %5s %6s  %-11s %-11s %-11s %-11s %-11s  %s\n' "$s" "$n" \
		"$mb" "$(show "$work/d")" "$(show "$work/i")" \
		"$(show "$work/r")" "$(show "$work/a")" "$(show "$work/p")" \
		"$ratio"
done
echo "(CPU seconds / peak RSS MB; +1: one more message of the shape, imported)"
