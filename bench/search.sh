#!/bin/sh
# Benchmark: the site's search index (site/search/), side by side with
# Pagefind where it can run.
#
#   bench/search.sh [N] [--no-pagefind]
#
# Generates N messages (default 10000) with bench/render/gen.py into a
# fresh space (indexing not timed), then measures:
#   - a full render: wall time, peak memory, and the index's share of it
#     (mailarc-render -v logs the time spent on the index);
#   - the index's size on disk against the mail's;
#   - adding 10 messages: the incremental render, the index files it
#     rewrote, and its index time against the full run's;
#   - a two-word query's first page in headless Chromium over a local
#     HTTP server on 127.0.0.1: requests and bytes of the index, and the
#     time the client took (from the page's own measure);
#   - Pagefind (npm package, installed under build/bench-pagefind; the
#     step is skipped when npm or its registry cannot be reached) on the
#     same message pages: build time, peak memory, requests and bytes for
#     the same query.
# Uses build/ (make all). Prints a table; leaves its files in a temporary
# folder (named at the end).
# 'set -- $(...)' below splits on purpose.
# shellcheck disable=SC2046
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
pf=yes
[ "${2:-}" = "--no-pagefind" ] && pf=no
build=${MAILARC_BUILD:-$top/build}
export PATH="$build/bin:$PATH"
work=${BENCH_DIR:-$(mktemp -d /tmp/mailarc-search-bench.XXXXXX)}
export MAILARC_ROOT="$work/root"
mkdir -p "$MAILARC_ROOT"
TIME=/usr/bin/time
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
QUERY=${QUERY:-budget meeting}
httpd=

cleanup() {
	[ -n "$httpd" ] && kill "$httpd" 2>/dev/null
	return 0
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# serve DIR LOG - a static server on 127.0.0.1 logging each request.
serve() {
	port=$(free_port)
	python3 -m http.server "$port" --bind 127.0.0.1 --directory "$1" \
		>"$2" 2>&1 &
	httpd=$!
	i=0
	while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "server did not start" >&2; exit 1; }
		sleep 0.1
	done
	base=http://127.0.0.1:$port
}

stop() {
	kill "$httpd" 2>/dev/null || true
	wait "$httpd" 2>/dev/null || true
	httpd=
}

# dom URL - the page after its script ran (bounded).
dom() {
	profile=$(mktemp -d "$work/chromium.XXXXXX")
	timeout -k 5 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" --virtual-time-budget=30000 \
		--dump-dom "$1" 2>/dev/null
	rm -rf "$profile"
}

# requests LOG SITE PATTERN - "count bytes" of the GETs matching PATTERN.
requests() {
	grep -o '"GET [^ ]*' "$1" | cut -c6- | sed 's/?.*//' | grep -E "$3" |
		while read -r p; do stat -c %s "$2$p"; done |
		awk '{ n++; b += $1 } END { printf "%d %d\n", n, b }'
}

measure() { # LABEL CMD... -> "LABEL seconds peak_kb"; stderr kept
	label=$1
	shift
	$TIME -f "%e %M" -o "$work/time.out" "$@" >"$work/out.$label" \
		2>"$work/err.$label" || { cat "$work/err.$label" >&2; exit 1; }
	echo "$label $(cat "$work/time.out")" >>"$work/results"
}

echo "generating $n messages in $work" >&2
python3 "$top/bench/render/gen.py" "$n" "$work/gen"
python3 "$top/bench/render/gen.py" 10 "$work/add" --start "$n"
mailarc space add bench --name "Benchmark" >/dev/null 2>&1
arch=$MAILARC_ROOT/spaces/bench/archive/cur
find "$work/gen/cur" -type f -exec mv -t "$arch" {} +
echo "indexing (not timed)" >&2
mailarc-index --full bench >/dev/null
site=$MAILARC_ROOT/spaces/bench/site
: >"$work/results"

echo "full render" >&2
measure full mailarc-render -v bench --full
full_ix=$(sed -n 's/.*search index: \([0-9.]*\) s.*/\1/p' "$work/err.full")
ix_bytes=$(du -sb --exclude=search.js --exclude=search.css "$site/search" | cut -f1)
mail_bytes=$(du -sb "$arch" | cut -f1)
ix_files=$(find "$site/search" -type f | wc -l)
segs=$(find "$site/search" -mindepth 1 -maxdepth 1 -type d | wc -l)

echo "adding 10 messages" >&2
(cd "$work/add/cur" && ls) | sed "s|^|$arch/|" >"$work/add.list"
mv -t "$arch" "$work"/add/cur/*
mailarc-index bench - <"$work/add.list" >/dev/null
measure add10 mailarc-render -v bench
add_ix=$(sed -n 's/.*search index: \([0-9.]*\) s.*/\1/p' "$work/err.add10")
add_files=$(grep -c '/search/' "$work/out.add10" || true)
add_bytes=$(grep '/search/' "$work/out.add10" | xargs -r stat -c %s |
	awk '{ b += $1 } END { print b + 0 }')

echo "query '$QUERY' in Chromium" >&2
serve "$site" "$work/httpd.log"
q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$QUERY")
dom "$base/search.html?q=$q" >"$work/query.dom"
stop
ms=$(sed -n 's/.*data-ms="\([0-9]*\)".*/\1/p' "$work/query.dom" | head -1)
hits=$(grep -o 'data-m="' "$work/query.dom" | wc -l)
set -- $(requests "$work/httpd.log" "$site" '^/search/(index\.json|[0-9]{4}-)')
q_req=$1 q_bytes=$2
set -- $(requests "$work/httpd.log" "$site" '^/search')
all_req=$1 all_bytes=$2

pf_line="pagefind: not run (--no-pagefind)"
if [ $pf = yes ]; then
	pfdir=$top/build/bench-pagefind
	mkdir -p "$pfdir"
	if [ -x "$pfdir/node_modules/.bin/pagefind" ] ||
		timeout 300 npm install --prefix "$pfdir" --no-audit --no-fund \
			pagefind >"$work/npm.log" 2>&1; then
		echo "pagefind over the message pages" >&2
		measure pagefind "$pfdir/node_modules/.bin/pagefind" \
			--site "$site" --glob 'm/*/*.html'
		cat >"$site/pf.html" <<EOF
<!DOCTYPE html><meta charset="utf-8"><title>pagefind</title>
<script type="module">
const t0 = performance.now();
const pf = await import("./pagefind/pagefind.js");
const r = await pf.search("$QUERY");
const d = await Promise.all(r.results.slice(0, 20).map((x) => x.data()));
document.body.setAttribute("data-done",
	d.length + " " + r.results.length + " " + Math.round(performance.now() - t0));
</script>
EOF
		serve "$site" "$work/pf.log"
		dom "$base/pf.html" >"$work/pf.dom"
		stop
		set -- $(sed -n 's/.*data-done="\([0-9 ]*\)".*/\1/p' "$work/pf.dom")
		pf_ms=${3:-?} pf_hits=${2:-?}
		set -- $(requests "$work/pf.log" "$site" '^/pagefind/')
		pf_size=$(du -sb "$site/pagefind" | cut -f1)
		set -- $(awk '$1 == "pagefind" { print $2, $3 }' "$work/results") "$@"
		pf_line=$(printf 'pagefind: build %.2f s, peak %.0f MB, index %.1f MB; query: %s requests, %.1f KB, %s ms, %s results' \
			"$1" "$(($2 / 1024))" "$(echo "$pf_size" | awk '{ print $1 / 1048576 }')" \
			"$3" "$(echo "$4" | awk '{ print $1 / 1024 }')" "$pf_ms" "$pf_hits")
	else
		pf_line="pagefind: skipped (npm install failed: $(tail -1 "$work/npm.log"))"
	fi
fi

awk -v n="$n" -v fix="$full_ix" -v aix="$add_ix" -v ixb="$ix_bytes" \
	-v mb="$mail_bytes" -v ixf="$ix_files" -v segs="$segs" \
	-v af="$add_files" -v ab="$add_bytes" -v qr="$q_req" -v qb="$q_bytes" \
	-v ar="$all_req" -v abytes="$all_bytes" -v ms="$ms" -v hits="$hits" \
	-v q="$QUERY" '
	{ t[$1] = $2; m[$1] = $3 }
	END {
		printf "messages: %d (%d segments, %d index files)\n", n, segs, ixf
		printf "full render: %.2f s, peak %.0f MB; index %.2f s = %.1f%% of it\n",
			t["full"], m["full"] / 1024, fix, 100 * fix / t["full"]
		printf "index size: %.1f MB for %.1f MB of mail (%.0f%%)\n",
			ixb / 1048576, mb / 1048576, 100 * ixb / mb
		printf "adding 10: render %.2f s (%.2f%% of full), index %.3f s (%.2f%% of its full build); %d index files, %.1f KB rewritten\n",
			t["add10"], 100 * t["add10"] / t["full"], aix, 100 * aix / fix, af, ab / 1024
		printf "query \"%s\": %d index requests, %.1f KB (with page assets: %d, %.1f KB); %s ms; %d results on page 1\n",
			q, qr, qb / 1024, ar, abytes / 1024, ms, hits
	}' "$work/results"
echo "$pf_line"
echo "files: $work (remove when done)" >&2
