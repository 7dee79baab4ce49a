#!/usr/bin/env bats
# The site's search (site/search/ and search.html) in headless Chromium,
# served over HTTP on 127.0.0.1 by a server each test starts and stops:
# what it finds equals what notmuch (mailarc search) finds, or differs by
# a rule docs/format.md states; deleted mail is gone in the same run;
# hostile text never runs; the index is the same after incremental runs
# as after a full one, and a run rewrites only the months it touches.

bats_require_minimum_version 1.5.0
load helpers
load lib/render
load lib/chromium

SHOTS=$BATS_TEST_DIRNAME/../build/screenshots
GEN=$BATS_TEST_DIRNAME/../bench/render/gen.py
# notmuch (Xapian) indexes and parses Chinese, Japanese and Korean by
# n-grams only when asked: then its results can be compared with ours.
export XAPIAN_CJK_NGRAM=1
# Dates in notmuch queries are read in the local zone; the site's in UTC.
export TZ=UTC

setup() {
	new_root
	[ -x "$CHROMIUM" ] || {
		echo "chromium is missing: $CHROMIUM" >&2
		return 1
	}
}

teardown() {
	kill_pidfile "$BATS_TEST_TMPDIR/httpd.pid"
	kill_pidfile "$BATS_TEST_TMPDIR/proxy.pid"
}

# serve DIR - serve DIR over HTTP on a free port; sets $BASE and $SITE.
serve() {
	SITE=$1
	local port
	port=$(free_port)
	python3 -m http.server "$port" --bind 127.0.0.1 --directory "$1" \
		>"$BATS_TEST_TMPDIR/httpd.log" 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/httpd.pid"
	wait_port "$port" 10
	BASE=http://127.0.0.1:$port
}

# proxy - a logging HTTP server that Chromium uses for every host but
# loopback: a request for another host shows in proxy.log. Sets $PROXY.
proxy() {
	local port
	port=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/void"
	python3 -m http.server "$port" --bind 127.0.0.1 \
		--directory "$BATS_TEST_TMPDIR/void" \
		>"$BATS_TEST_TMPDIR/proxy.log" 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/proxy.pid"
	wait_port "$port" 10
	PROXY=http://127.0.0.1:$port
}

# find_q QUERY-STRING - the search page's DOM for search.html?QUERY-STRING.
find_q() {
	chromium_run --virtual-time-budget=10000 \
		${PROXY:+--proxy-server=$PROXY} --dump-dom \
		"$BASE/search.html?$1"
}

# find_all DIR QUERY-STRING... - the search page's DOM for each
# search.html?QUERY-STRING in DIR/1.html, DIR/2.html..., each page in a
# fresh frame of one Chromium run (lib/chromium_frames.py), through
# $PROXY if set.
find_all() {
	local dir=$1 q urls=()
	shift
	for q in "$@"; do
		urls+=("search.html?$q")
	done
	python3 "$TESTS_DIR/lib/chromium_frames.py" "$SITE" "$BASE" "$dir" \
		"${urls[@]}" -- ${PROXY:+--proxy-server=$PROXY}
}

# hits DOM-FILE - the permalink names the page lists, in its order.
hits() {
	grep -o 'data-m="[^"]*"' "$1" | cut -d'"' -f2
}

# gen_space KEY N - a space of N generated messages, indexed: four
# batches some months apart (--start 0, 5000, 10000, 15000).
gen_space() {
	local b
	mailarc space add "$1" --name "Generated" >/dev/null
	notmuch_setup "$1"
	for b in 0 5000 10000 15000; do
		python3 "$GEN" $(($2 / 4)) "$(space_dir "$1")/archive" \
			--seed 7 --start $b
	done
	notmuch_index "$1"
}

@test "search: the demo's queries find what notmuch finds" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	serve "$(space_dir harbour)/site"
	python3 "$TESTS_DIR/lib/search_compare.py" harbour \
		"$(space_dir harbour)/site" "$BASE" \
		"$TESTS_DIR/search/harbour.queries"
}

@test "search: a generated corpus's queries find what notmuch finds" {
	gen_space gen 500
	mailarc-render gen >/dev/null
	serve "$(space_dir gen)/site"
	python3 "$TESTS_DIR/lib/search_compare.py" gen "$(space_dir gen)/site" \
		"$BASE" \
		"$TESTS_DIR/search/gen.queries"
}

@test "search: the index's words are the client's words (text rules)" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	site=$(space_dir harbour)/site
	# A page of ours that runs the client's tokeniser over the table
	# the C unit test checks too (tests/search/terms.tsv).
	python3 - "$TESTS_DIR/search/terms.tsv" "$site/terms-test.html" <<'EOF'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")
        if l.strip() and not l.startswith("#")]
page = """<!DOCTYPE html><meta charset="utf-8"><title>terms</title>
<div id="results"></div><form id="search"><input name="q"><select name="sort">
<option value=""></option></select></form>
<script src="search/search.js"></script>
<script>
var rows = %s, out = [];
rows.forEach(function (r) {
  var got = mailarcSearch.terms(r[0], "", []).join(" ");
  out.push((got === r[1] ? "ok" : "FAIL") + " [" + r[0] + "] -> [" + got + "] want [" + r[1] + "]");
});
document.title = out.every(function (l) { return l.startsWith("ok"); }) ? "all-ok" : "failed";
var pre = document.createElement("pre"); pre.id = "out";
pre.textContent = out.join("\\n"); document.body.appendChild(pre);
</script>""" % json.dumps(rows, ensure_ascii=False).replace("</", "<\\/")
open(sys.argv[2], "w", encoding="utf-8").write(page)
EOF
	serve "$site"
	run chromium_run --virtual-time-budget=3000 --dump-dom \
		"$BASE/terms-test.html"
	echo "$output" | sed -n '/<pre id="out">/,/<\/pre>/p'
	[[ "$output" == *"<title>all-ok</title>"* ]]
}

@test "search: a deleted message is not found after the same run" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	site=$(space_dir harbour)/site
	serve "$site"
	# 忘年会 (the year-end party): two messages.
	q='q=%E5%BF%98%E5%B9%B4%E4%BC%9A'
	find_q "$q" >"$BATS_TEST_TMPDIR/before"
	[ "$(hits "$BATS_TEST_TMPDIR/before" | sort | tr '\n' ' ')" = \
		"enc-4@harbour.example enc-5@harbour.example " ]
	mailarc delete harbour enc-4@harbour.example >/dev/null
	find_all "$BATS_TEST_TMPDIR/doms" "$q" 'q=weihnachtsfeier'
	grep -q 'data-search="done"' "$BATS_TEST_TMPDIR/doms/1.html"
	[ "$(hits "$BATS_TEST_TMPDIR/doms/1.html")" = "enc-5@harbour.example" ]
	# Nowhere in the index any more, nor in its cache.
	run ! grep -rl 'enc-4@harbour' "$site/search" \
		"$(space_dir harbour)/state/search"
	# The others are still found.
	[ "$(hits "$BATS_TEST_TMPDIR/doms/2.html")" = "enc-2@harbour.example" ]
}

@test "search: hostile subjects, senders and bodies are text, never run" {
	sample_space evil "$TESTS_DIR"/sample/hostile/*.eml
	mailarc space edit evil --set body_preference=html >/dev/null
	mailarc-render evil >/dev/null
	serve "$(space_dir evil)/site"
	proxy
	qs=(pwned script onerror javascript hostile mallory evil.example \
		'from:img' 'subject:script' 'title')
	args=()
	for q in "${qs[@]}"; do
		args+=("q=$q&per=100")
	done
	find_all "$BATS_TEST_TMPDIR/doms" "${args[@]}" 'q=pwned'
	n=0
	for i in "${!qs[@]}"; do
		dom=$BATS_TEST_TMPDIR/doms/$((i + 1)).html
		echo "${qs[i]}: $(hits "$dom" | wc -l) hits"
		grep -q 'data-search="done"' "$dom"
		# Not navigated, title untouched, nothing injected in the list.
		grep -q '<title>Search — Harbour team</title>' "$dom"
		python3 -c 'import re,sys; print(re.search(r"<ol id=\"results\".*?</ol>", open(sys.argv[1]).read(), re.S).group(0))' \
			"$dom" >"$BATS_TEST_TMPDIR/list"
		run ! grep -Eiq '<(script|img|iframe|svg|math|object|embed|meta)' \
			"$BATS_TEST_TMPDIR/list"
		run ! grep -Eiq '<[^>]* on[a-z]+=|href="javascript' \
			"$BATS_TEST_TMPDIR/list"
		n=$((n + $(hits "$dom" | wc -l)))
	done
	[ "$n" -ge 10 ]
	# The hostile subject is there, as text.
	grep -q "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" \
		"$BATS_TEST_TMPDIR/doms/11.html"
	run ! grep -q 'evil\.example' "$BATS_TEST_TMPDIR/proxy.log"
}

@test "search: the query in the URL gives the same results; pages; order" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	serve "$(space_dir harbour)/site"
	find_all "$BATS_TEST_TMPDIR/doms" 'q=coffee&per=100' \
		'q=coffee&per=100' 'q=coffee&per=5&p=2' \
		'q=machine&sort=best&per=100'
	mv "$BATS_TEST_TMPDIR/doms/1.html" "$BATS_TEST_TMPDIR/all"
	mv "$BATS_TEST_TMPDIR/doms/2.html" "$BATS_TEST_TMPDIR/again"
	mv "$BATS_TEST_TMPDIR/doms/3.html" "$BATS_TEST_TMPDIR/p2"
	mv "$BATS_TEST_TMPDIR/doms/4.html" "$BATS_TEST_TMPDIR/best"
	hits "$BATS_TEST_TMPDIR/all" >"$BATS_TEST_TMPDIR/all.ids"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/all.ids")" -eq 12 ]
	hits "$BATS_TEST_TMPDIR/again" | diff - "$BATS_TEST_TMPDIR/all.ids"
	# Page 2 of 5 a page is the 6th to 10th, with links both ways.
	hits "$BATS_TEST_TMPDIR/p2" |
		diff - <(sed -n 6,10p "$BATS_TEST_TMPDIR/all.ids")
	grep -q 'href="search.html?q=coffee&amp;per=5&amp;p=1">← Previous' \
		"$BATS_TEST_TMPDIR/p2"
	grep -q 'href="search.html?q=coffee&amp;per=5&amp;p=3">Next →' \
		"$BATS_TEST_TMPDIR/p2"
	# Newest first: the dates in the list go down.
	grep -o 'datetime="[^"]*"' "$BATS_TEST_TMPDIR/all" >"$BATS_TEST_TMPDIR/d"
	sort -r "$BATS_TEST_TMPDIR/d" | diff - "$BATS_TEST_TMPDIR/d"
	# Best match: messages with the word in their subject first.
	[ "$(hits "$BATS_TEST_TMPDIR/best" | head -1 | cut -c1-6)" = coffee ]
	grep -q 'best match first' "$BATS_TEST_TMPDIR/best"
	# The form shows the query it answered.
	grep -q 'name="q" autocomplete="off"' "$BATS_TEST_TMPDIR/best"
}

@test "search: every page has the form; only the search page may run script" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	site=$(space_dir harbour)/site
	n=0
	while read -r f; do
		grep -q '<form class="find" role="search" action="[./]*search.html"' "$f"
		if [ "$f" = "$site/search.html" ]; then
			grep -q "script-src 'self'; connect-src 'self';" "$f"
		else
			grep -q "script-src 'none';" "$f"
			run ! grep -q '<script' "$f"
		fi
		n=$((n + 1))
	done < <(find "$site" -name '*.html')
	[ "$n" -gt 50 ]
	# Without script the page says so, and how to search on the server.
	grep -q '<noscript>.*mailarc search harbour' "$site/search.html"
	# The client is small.
	[ "$(stat -c %s "$site/search/search.js")" -lt 15360 ]
}

@test "search: incremental runs give the full run's index; few files each" {
	gen_space inc 400
	d=$(space_dir inc)
	mailarc-render inc >/dev/null
	nfiles=$(find "$d/site/search" -type f | wc -l)
	# Ten new messages, later than all others.
	python3 "$GEN" 10 "$BATS_TEST_TMPDIR/more" --seed 7 --start 15100
	cp "$BATS_TEST_TMPDIR"/more/cur/* "$d/archive/cur/"
	notmuch_index inc
	mailarc-render inc >"$BATS_TEST_TMPDIR/written"
	written=$(grep -c '/search/' "$BATS_TEST_TMPDIR/written")
	echo "index: $nfiles files; the run wrote $written of them"
	[ "$written" -le 8 ]
	# A deletion in an old month, and a run with nothing new.
	mailarc delete inc bench-7-3@bench.example >/dev/null
	run mailarc-render inc
	[ -z "$output" ]
	tree_digest "$d/site/search" >"$BATS_TEST_TMPDIR/inc"
	# From nothing: no site, no cache.
	rm -rf "$d/site" "$d/state/search"
	mailarc-render inc --full >/dev/null
	tree_digest "$d/site/search" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
	# A segment removed by hand is written again by the next run.
	rm -rf "$d"/site/search/2018-0[1-5].*
	python3 "$GEN" 1 "$BATS_TEST_TMPDIR/nov" --seed 7 --start 12000
	cp "$BATS_TEST_TMPDIR"/nov/cur/* "$d/archive/cur/"
	notmuch_index inc
	mailarc-render inc >/dev/null
	# Every segment the list names of those months is there again (two
	# months; more segments with MAILARC_SEARCH_PART).
	segs=$(grep -o '"m":"2018-0[1-5]"' "$d/site/search/index.json" | wc -l)
	[ "$segs" -ge 2 ]
	[ "$(find "$d"/site/search -maxdepth 1 -name '2018-0[1-5].*' | wc -l)" -eq "$segs" ]
	# An incremental run rebuilds what a lost cache held, the same.
	rm -f "$d"/state/search/*
	python3 "$GEN" 1 "$BATS_TEST_TMPDIR/one" --seed 7 --start 7000
	cp "$BATS_TEST_TMPDIR"/one/cur/* "$d/archive/cur/"
	notmuch_index inc
	mailarc-render inc >/dev/null
	tree_digest "$d/site/search" >"$BATS_TEST_TMPDIR/inc2"
	[ "$(find "$d/state/search" -type f | wc -l)" -ge 4 ]
	rm -rf "$d/site" "$d/state/search"
	mailarc-render inc --full >/dev/null
	tree_digest "$d/site/search" >"$BATS_TEST_TMPDIR/full2"
	diff "$BATS_TEST_TMPDIR/inc2" "$BATS_TEST_TMPDIR/full2"
	run ! diff -q "$BATS_TEST_TMPDIR/full" "$BATS_TEST_TMPDIR/full2"
}

@test "search: screenshots at desktop and phone widths, light and dark" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	serve "$(space_dir harbour)/site"
	mkdir -p "$SHOTS"
	url="$BASE/search.html?q=office+move&per=5"
	for mode in light dark; do
		dark=
		[ "$mode" = dark ] && dark=--force-dark-mode
		chromium_run --virtual-time-budget=5000 $dark \
			--window-size=1280,1000 \
			--screenshot="$SHOTS/search-desktop-$mode.png" "$url" >/dev/null
		chromium_run --virtual-time-budget=5000 $dark \
			--window-size=390,844 \
			--screenshot="$SHOTS/search-phone-$mode.png" "$url" >/dev/null
	done
	for f in "$SHOTS"/search-*.png; do
		[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
		[ "$(stat -c %s "$f")" -gt 5000 ]
	done
	[ "$(find "$SHOTS" -name 'search-*.png' | wc -l)" -eq 4 ]
}
