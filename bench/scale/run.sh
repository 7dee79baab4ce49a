#!/bin/sh
# bench/scale/run.sh SIZE - the whole pipeline at one archive size, side by
# side with the tools a user would otherwise pick, on the same mail:
#
#   import  mailarc-dedupe + mailarc-index   vs  notmuch new, twice: with
#           notmuch's default new.tags (unread;inbox: like mailarc, which
#           tags each message space:KEY and account:NAME) and with none
#   render  mailarc-render --full (search)   vs  MHonArc (SIZE <= 100000)
#           and the floor: the site's files made again with nothing to
#           read or format (floor.c), the least any renderer writing
#           them can cost on this file system
#   fetch   mailarc-fetch over IMAPS, POP3S  vs  mbsync, mpop
#           (bench/fetch/run.sh, SIZE <= BENCH_FETCH_MAX)
#
# and then the same again for 10 more messages. The corpus comes from
# bench/render/gen.py (threads, attachments, HTML, several charsets and
# languages in names; deterministic). One table per size: wall time, CPU
# time (user + system), peak RSS (/usr/bin/time) and disk use per stage,
# and the ratio mailarc / peer (below 1: mailarc is faster or smaller).
#
# The import comparison runs BENCH_ROUNDS rounds (default 2), each on a
# fresh space and a fresh notmuch database, the order of the two tools
# alternating from round to round; the table shows each figure's median
# (the lower middle one for an even count). Other stages run once.
#
#   MAILARC_BUILD    build folder (default build/, "make all")
#   BENCH_DIR        work folder (default: a new one under /tmp, removed)
#   BENCH_STAGES     which stages (default "import render fetch")
#   BENCH_LIMIT      seconds any one timed command may take (default 7200)
#   BENCH_FETCH_MAX  largest SIZE the fetch stage runs at (default 10000)
#   BENCH_SETTLE     seconds to wait, after a sync, before each timed
#                    command (default 0). On ext4 without a journal, a
#                    new inode skips every inode of its group freed in the
#                    last 60 s (360 s while the freeing is not yet written
#                    back), one inode-table lookup each: right after a
#                    mass delete (a previous run's cleanup, another job's
#                    rm -rf) creating files costs several times more. 61
#                    after a sync takes that out of the figures, not the
#                    lookup every new inode costs there (about 70 us on
#                    this machine, docs/scaling.md): to compare as on a
#                    journalled file system, give BENCH_DIR on one.
#   BENCH_PEERS      "no": time mailarc alone, no notmuch new nor MHonArc
#                    (for 1,000,000, where the targets are mailarc's own:
#                    +10 messages and memory; default "yes")
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: bench/scale/run.sh SIZE" >&2; exit 64; }
n=$1
case $n in '' | *[!0-9]*)
	echo "bench/scale/run.sh: SIZE must be a number of messages" >&2
	exit 64 ;;
esac
build=${MAILARC_BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
stages=${BENCH_STAGES:-import render fetch}
rounds=${BENCH_ROUNDS:-2}
limit=${BENCH_LIMIT:-7200}
fetch_max=${BENCH_FETCH_MAX:-10000}
peers=${BENCH_PEERS:-yes}
settle=${BENCH_SETTLE:-0}
case $settle in '' | *[!0-9]*)
	echo "bench/scale/run.sh: BENCH_SETTLE must be a number of seconds" >&2
	exit 64 ;;
esac
for tool in notmuch python3 timeout; do
	command -v "$tool" >/dev/null || {
		echo "bench/scale/run.sh: $tool is missing (make deps-bench)" >&2
		exit 69
	}
done
[ -x /usr/bin/time ] ||
	{ echo "bench/scale/run.sh: /usr/bin/time is missing" >&2; exit 69; }
[ -x "$build/bin/mailarc-index" ] ||
	{ echo "bench/scale/run.sh: no build in $build (make all)" >&2; exit 69; }
PATH=$build/bin:$PATH
unset ASAN_OPTIONS LSAN_OPTIONS
work=${BENCH_DIR:-$(mktemp -d /tmp/mailarc-scale.XXXXXX)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
export HOME="$work"
res=$work/results
: >"$res"
has() { case " $stages " in *" $1 "*) return 0 ;; esac; return 1; }
mhonarc=no
if has render && [ "$n" -le 100000 ] && [ "$peers" != no ] &&
	command -v mhonarc >/dev/null; then
	mhonarc=yes
fi

# run LABEL CMD... - time CMD (bounded by BENCH_LIMIT); appends
# "LABEL wall cpu peak_kB" to the results.
run() {
	label=$1
	shift
	if [ "$settle" -gt 0 ]; then
		sync
		sleep "$settle"
	fi
	/usr/bin/time -f "%e %U %S %M" -o "$work/t" \
		timeout "$limit" "$@" >/dev/null 2>"$work/err" || {
		echo "bench/scale/run.sh: '$label' failed or took over" \
			"${limit}s:" >&2
		tail -n 5 "$work/err" >&2
		exit 70
	}
	read -r wall user sys rss <"$work/t"
	echo "$label $wall $(echo "$user $sys" | awk '{print $1 + $2}') $rss" \
		>>"$res"
	echo "  $label: ${wall}s" >&2
}

# sum LABEL A B - a line adding two (wall, cpu; the larger peak).
sum() {
	awk -v l="$1" -v a="$2" -v b="$3" '
		$1 == a || $1 == b { w += $2; c += $3; if ($4 > m) m = $4 }
		END { printf "%s %.2f %.2f %d\n", l, w, c, m }' "$res" >"$work/s"
	cat "$work/s" >>"$res"
}

# disk LABEL DIR... - kB used, as "disk LABEL kB".
disk() {
	label=$1
	shift
	echo "disk $label $(du -skc "$@" | tail -n 1 | cut -f1)" >>"$res"
}

# links DIR DEST - hard links to DIR's messages in DEST (no copy: every
# tool reads the same files).
links() {
	find "$1" -type f -exec cp -l -t "$2" {} +
}

echo "generating $n messages in $work ..." >&2
mbox=
[ $mhonarc = no ] || mbox=$work/all.mbox
python3 "$top/bench/render/gen.py" "$n" "$work/gen" $mbox
python3 "$top/bench/render/gen.py" 10 "$work/add" "$work/add.mbox" \
	--start "$n"
disk mail "$work/gen"

# import_mailarc R - mailarc's import of round R (its space is ready).
import_mailarc() {
	sync
	run "dedupe-$1" mailarc-dedupe -q bench
	run "index-$1" mailarc-index -q bench
	sum "mailarc-$1" "dedupe-$1" "index-$1"
	[ "$(notmuch --config="$sp/notmuch/config" count '*')" -eq "$n" ]
}

# import R FIRST - one round of the full import, mailarc and notmuch new in
# the order FIRST (m or n) then the other, each on fresh folders.
import_round() {
	r=$1
	export MAILARC_ROOT="$work/r$r"
	mailarc space add bench >/dev/null 2>&1
	sp=$MAILARC_ROOT/spaces/bench
	links "$work/gen/cur" "$sp/incoming/new"
	[ "$peers" != no ] || { import_mailarc "$r"; return; }
	mkdir -p "$work/nm$r/db" "$work/nm$r/mail/cur" "$work/nm$r/mail/new" \
		"$work/nm$r/mail/tmp"
	links "$work/gen/cur" "$work/nm$r/mail/cur"
	mkdir -p "$work/nt$r/db"
	cp -al "$work/nm$r/mail" "$work/nt$r/mail"
	for d in nm nt; do
		[ $d = nm ] && tags= || tags='unread;inbox;'
		printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=%s\n[maildir]\nsynchronize_flags=false\n' \
			"$work/$d$r/db" "$work/$d$r/mail" "$tags" \
			>"$work/$d$r/config"
	done
	for who in $2; do
		sync
		case $who in
		m) import_mailarc "$r" ;;
		n)
			run "notmuch-$r" notmuch --config="$work/nm$r/config" \
				new --quiet
			sync
			run "notmucht-$r" notmuch \
				--config="$work/nt$r/config" new --quiet ;;
		esac
	done
	[ "$(notmuch --config="$work/nm$r/config" count '*')" -eq "$n" ]
}

# add10 R - ten more messages into round R's space and notmuch database.
add10() {
	r=$1
	export MAILARC_ROOT="$work/r$r"
	sp=$MAILARC_ROOT/spaces/bench
	links "$work/add/cur" "$sp/incoming/new"
	sync
	run add-dedupe mailarc-dedupe -q bench
	run add-index mailarc-index -q bench
	sum add-mailarc add-dedupe add-index
	if [ "$peers" != no ]; then
		links "$work/add/cur" "$work/nm$r/mail/cur"
		links "$work/add/cur" "$work/nt$r/mail/cur"
		sync
		run add-notmuch notmuch --config="$work/nm$r/config" new \
			--quiet
		run add-notmucht notmuch --config="$work/nt$r/config" new \
			--quiet
	fi
	[ "$(notmuch --config="$sp/notmuch/config" count '*')" -eq $((n + 10)) ]
}

if has import || has render; then
	echo "import, $rounds round(s) ..." >&2
	r=1
	while [ $r -le "$rounds" ]; do
		if [ $((r % 2)) -eq 1 ]; then
			import_round $r "m n"
		else
			import_round $r "n m"
		fi
		r=$((r + 1))
	done
	sp=$work/r1/spaces/bench
	disk archive "$sp/archive"
	disk dedupe-db "$sp/state"
	disk notmuch-db "$sp/notmuch"
	[ "$peers" = no ] || disk notmuch-peer "$work/nm1/db"
fi

if has render; then
	echo "render ..." >&2
	export MAILARC_ROOT="$work/r1"
	sync
	run render-full mailarc-render bench --full
	disk site "$sp/site"
	# The .eml downloads are hard links of the archived files: counted
	# once with the archive, the site's own share is what it adds.
	disk archive-site "$sp/archive" "$sp/site"
	disk archive-only "$sp/archive"
	# The floor (floor.c): the site's files created again, of the same
	# sizes, with nothing to read or format: what any renderer of this
	# site pays the kernel on this file system. Left in the work folder
	# until the end, since removing it would slow the files made next.
	echo "files $(find "$sp/site" -type f | wc -l)" >>"$res"
	cc -O2 -o "$work/floor" "$top/bench/scale/floor.c"
	sync
	run render-floor "$work/floor" "$sp/site" "$work/floor-site"
	if [ $mhonarc = yes ]; then
		mkdir -p "$work/mhonarc"
		sync
		run mhonarc-full mhonarc -quiet -outdir "$work/mhonarc" \
			-add "$work/all.mbox"
		disk mhonarc "$work/mhonarc"
	fi
fi

if has import || has render; then
	echo "ten more ..." >&2
	add10 1
fi

if has render; then
	export MAILARC_ROOT="$work/r1"
	run render-add mailarc-render bench
	# The issue's +10 figure: from the import to the pages on disk.
	sum add-total add-mailarc render-add
	if [ $mhonarc = yes ]; then
		run mhonarc-add mhonarc -quiet -outdir "$work/mhonarc" \
			-add "$work/add.mbox"
	fi
fi

fetch_out=
if has fetch && [ "$n" -le "$fetch_max" ]; then
	echo "fetch (bench/fetch/run.sh) ..." >&2
	fetch_out=$work/fetch.out
	BENCH_TOOLS="mailarc mbsync mpop" BENCH_ROUNDS=$rounds \
		BENCH_LIMIT=$limit MAILARC_BUILD=$build \
		bash "$top/bench/fetch/run.sh" "$n" >"$fetch_out" || {
		echo "bench/scale/run.sh: the fetch stage failed" >&2
		fetch_out=
	}
fi

# The table: medians over rounds for the import, single runs otherwise.
awk -v n="$n" -v rounds="$rounds" -v cores="$(nproc)" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
	function med(k, f,    i, j, c, v, t) {
		c = 0
		for (i = 1; i <= rounds; i++)
			if ((k "-" i) in W) {
				v[++c] = f == 1 ? W[k "-" i] : f == 2 ? C[k "-" i] \
				    : M[k "-" i]
			}
		for (i = 1; i <= c; i++)
			for (j = i + 1; j <= c; j++)
				if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return c ? v[int((c + 1) / 2)] : 0
	}
	function put(k, w, c, m) { W[k] = w; C[k] = c; M[k] = m; have[k] = 1 }
	$1 == "disk" { D[$2] = $3; next }
	$1 == "files" { F = $2; next }
	{ put($1, $2, $3, $4) }
	function row(stage, tool, k, dk) {
		if (!(k in have)) return
		printf "%-13s %-22s %9.2f %9.2f %9.1f %9s\n", stage, tool, W[k],
		    C[k], M[k] / 1024, dk in D ? sprintf("%.1f", D[dk] / 1024) : "-"
	}
	function ratio(title, a, b) {
		if (!(a in have) || !(b in have)) return
		printf "%-36s %9.2fx %8.2fx %8.2fx\n", "  " title,
		    W[a] / (W[b] > 0 ? W[b] : 0.01), C[a] / (C[b] > 0 ? C[b] : 0.01),
		    M[a] / (M[b] > 0 ? M[b] : 1)
	}
	END {
		for (k in have) base[k] = 1
		split("dedupe index mailarc notmuch notmucht", ks, " ")
		for (i in ks)
			if ((ks[i] "-1") in have)
				put("med-" ks[i], med(ks[i], 1), med(ks[i], 2),
				    med(ks[i], 3))
		printf "\n%d messages (%.0f MB of mail), %d cores, load %s; " \
		    "import: median of %d round(s)\n", n, D["mail"] / 1024, cores,
		    load, rounds
		printf "%-13s %-22s %9s %9s %9s %9s\n", "stage", "tool",
		    "wall s", "CPU s", "RSS MB", "disk MB"
		row("import", "mailarc-dedupe", "med-dedupe", "dedupe-db")
		row("", "mailarc-index", "med-index", "notmuch-db")
		row("", "mailarc (both)", "med-mailarc", "archive")
		row("", "notmuch new (tags)", "med-notmucht", "")
		row("", "notmuch new (no tags)", "med-notmuch", "notmuch-peer")
		row("import +10", "mailarc (both)", "add-mailarc", "")
		row("", "notmuch new (tags)", "add-notmucht", "")
		row("", "notmuch new (no tags)", "add-notmuch", "")
		row("render", "mailarc-render --full", "render-full", "site")
		row("", "floor: the files alone", "render-floor", "")
		row("", "mhonarc", "mhonarc-full", "mhonarc")
		row("render +10", "mailarc-render", "render-add", "")
		row("", "mhonarc -add", "mhonarc-add", "")
		row("+10 in all", "import + render", "add-total", "")
		printf "%-36s %10s %9s %9s\n", "mailarc / peer (< 1: better)",
		    "wall", "CPU", "RSS"
		ratio("import / notmuch new (tags)", "med-mailarc",
		    "med-notmucht")
		ratio("import / notmuch new (no tags)", "med-mailarc",
		    "med-notmuch")
		ratio("index / notmuch new (tags)", "med-index", "med-notmucht")
		ratio("index / notmuch new (no tags)", "med-index", "med-notmuch")
		ratio("import +10 / notmuch (tags)", "add-mailarc",
		    "add-notmucht")
		ratio("import +10 / notmuch (no tags)", "add-mailarc",
		    "add-notmuch")
		ratio("render / mhonarc", "render-full", "mhonarc-full")
		ratio("render +10 / mhonarc -add", "render-add", "mhonarc-add")
		if (("render-floor" in have) && ("mhonarc-full" in have))
			printf "%-36s %9.2fx %8.2fx %9s\n", "  floor / mhonarc",
			    W["render-floor"] / W["mhonarc-full"],
			    C["render-floor"] / C["mhonarc-full"], "-"
		if (F > 0 && ("render-floor" in have))
			printf "  site files and links: %d (%.2f a message), " \
			    "%.0f us of CPU each to create\n", F, F / n,
			    C["render-floor"] * 1e6 / F
		if ("site" in D)
			printf "  site bytes / mail bytes: %.2fx (du of the site " \
			    "alone)\n", D["site"] / D["mail"]
		if ("archive-site" in D)
			printf "  site bytes beyond the archive / mail bytes: " \
			    "%.2fx (hard links counted once)\n",
			    (D["archive-site"] - D["archive-only"]) / D["mail"]
		if ("mhonarc" in D)
			printf "  mhonarc bytes / mail bytes: %.2fx\n",
			    D["mhonarc"] / D["mail"]
	}' "$res"
if [ -n "$fetch_out" ]; then
	echo "fetch (bench/fetch/run.sh, its own $n messages in Dovecot):"
	tail -n +2 "$fetch_out"
fi
