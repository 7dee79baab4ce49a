#!/bin/sh
# Benchmark: ten new messages at the end of a busy month.
#
#   bench/render/month_add.sh N GAP BUILD [BUILD2]
#
# Generates N messages (bench/render/gen.py) GAP seconds apart on average
# (315: some 8,200 a month, a million messages in ten years; 60: 43,000),
# indexes them and renders the site with each build, then, ROUNDS times
# (BENCH_ROUNDS, default 3) and alternating the builds, puts the space
# back as that build left it, adds ten messages dated after the last and
# times that build's incremental mailarc-render: wall and CPU seconds,
# peak RSS, files written. Prints each build's medians (and, with two,
# the second's as a ratio of the first's), and what each build's first
# render of the space cost (one run each). At 40,000 messages the whole
# run takes some ten minutes: a minute to generate and index, a full
# render per build, and half a minute a round to copy the space back.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 3 ] || {
	echo "usage: month_add.sh N GAP BUILD [BUILD2]" >&2
	exit 2
}
n=$1 gap=$2
shift 2
rounds=${BENCH_ROUNDS:-3}
work=${BENCH_DIR:-$(mktemp -d /tmp/mailarc-month.XXXXXX)}
root=$work/root
# notmuch's config names the database by its path: each build's copy of
# the space is put back at that path before its round.
export MAILARC_ROOT=$root

echo "generating $n messages in $work" >&2
mkdir -p "$root"
python3 "$top/bench/render/gen.py" "$n" "$work/gen" --gap "$gap"
# Dated after the last (the generator names a file by its date, and
# message K is dated about 2018-01-01 + K * GAP), under Message-IDs of
# their own (another seed).
last=$(ls "$work/gen/cur" | sort -n | tail -n 1 | cut -d . -f 1)
python3 "$top/bench/render/gen.py" 10 "$work/add" --gap "$gap" --seed 2 \
	--start $(((last - 1514764800) / gap + 1))
PATH="$1/bin:$PATH" mailarc space add bench --name Bench >/dev/null 2>&1
arch=$root/spaces/bench/archive/cur
find "$work/gen/cur" -type f -exec mv -t "$arch" {} +
PATH="$1/bin:$PATH" mailarc-index --full bench >/dev/null
(cd "$work/add/cur" && ls) | sed "s|^|$arch/|" >"$work/add.list"
mv "$root" "$work/indexed"

k=0
for b in "$@"; do
	k=$((k + 1))
	echo "full render with $b" >&2
	cp -a "$work/indexed" "$root"
	sync
	/usr/bin/time -f "%e %U %S %M" -o "$work/full.$k" \
		env PATH="$b/bin:$PATH" mailarc-render bench >/dev/null
	mv "$root" "$work/site.$k"
done

: >"$work/times"
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	k=0
	for b in "$@"; do
		k=$((k + 1))
		cp -a "$work/site.$k" "$root"
		cp -t "$arch" "$work"/add/cur/*
		PATH="$b/bin:$PATH" mailarc-index bench - <"$work/add.list" >/dev/null
		sync
		/usr/bin/time -f "%e %U %S %M" -o "$work/time.out" \
			env PATH="$b/bin:$PATH" mailarc-render bench >"$work/out"
		awk -v k=$k -v f="$(wc -l <"$work/out")" \
			'{ print k, $1, $2, $3, $4, f, $2 + $3 }' \
			"$work/time.out" >>"$work/times"
		rm -rf "$root"
	done
done

# median K COLUMN - the median of a column of build K's rounds.
median() {
	awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$work/times" |
		sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

month=$(date -u -d "@$(ls "$work/add/cur" | sort -n | head -n 1 | cut -d . -f 1)" +%Y-%m)
echo "ten messages after $n, $gap s apart on average, into $month" \
	"($(grep -c "" "$work/add.list") files); medians of $rounds rounds"
k=0
for b in "$@"; do
	k=$((k + 1))
	awk -v b="$b" -v w="$(median $k 2)" -v c="$(median $k 7)" \
		-v m="$(median $k 5)" -v f="$(median $k 6)" \
		'BEGIN { printf "%s: wall %.2f s  CPU %.2f s  RSS %.1f MB  files %d\n",
			 b, w, c, m / 1024, f }'
done | tee "$work/medians"
echo "the first render of the space (one run each, not alternated):"
k=0
for b in "$@"; do
	k=$((k + 1))
	awk -v b="$b" '{ printf "%s: wall %.2f s  CPU %.2f s  RSS %.1f MB\n",
			 b, $1, $2 + $3, $4 / 1024 }' "$work/full.$k"
done
if [ $# -ge 2 ]; then
	awk 'NR == 1 { w = $3; c = $6; m = $9 }
	     NR == 2 { printf "second / first: wall %.2fx  CPU %.2fx  RSS %.2fx\n",
		       $3 / w, $6 / c, $9 / m }' "$work/medians"
fi
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
