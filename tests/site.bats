#!/usr/bin/env bats
# The rendered site in headless Chromium (Debian's), served over HTTP on
# 127.0.0.1 by a server each test starts: pages load, links resolve,
# hostile mail never runs, Japanese reads right, and screenshots at
# desktop and phone widths are left in build/screenshots/ for people to
# look at.

bats_require_minimum_version 1.5.0
load helpers
load lib/render
load lib/chromium

SHOTS=$BATS_TEST_DIRNAME/../build/screenshots

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

# proxy - a logging HTTP server that Chromium uses as its proxy for
# everything but loopback: any request for another host shows in
# $BATS_TEST_TMPDIR/proxy.log. Sets $PROXY.
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

# serve DIR - serve DIR over HTTP on a free port; sets $BASE and $SITE.
serve() {
	local port
	SITE=$1
	port=$(free_port)
	python3 -m http.server "$port" --bind 127.0.0.1 --directory "$1" \
		>"$BATS_TEST_TMPDIR/httpd.log" 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/httpd.pid"
	wait_port "$port" 10
	BASE=http://127.0.0.1:$port
}

# dom URL - the DOM after load, with a virtual time budget for timers.
dom() {
	chromium_run --virtual-time-budget=3000 ${PROXY:+--proxy-server=$PROXY} \
		--dump-dom "$1"
}

# doms DIR PATH... - as dom, for each PATH under $BASE, into DIR/1.html,
# DIR/2.html...: each page in a fresh frame of one Chromium run
# (lib/chromium_frames.py), given the same 3 s of its time.
doms() {
	local dir=$1
	shift
	python3 "$TESTS_DIR/lib/chromium_frames.py" --settle 3000 "$SITE" \
		"$BASE" "$dir" "$@" -- ${PROXY:+--proxy-server=$PROXY}
}

title_of() {
	python3 "$TESTS_DIR/lib/chromium_site.py" title "$1"
}

@test "site: pages load in Chromium and every local link resolves" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	site=$(space_dir harbour)/site
	python3 "$TESTS_DIR/lib/chromium_site.py" links "$site"
	serve "$site"
	run dom "$BASE/index.html"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<h1>Harbour team</h1>"* ]]
	[[ "$output" == *"41 messages in 14 conversations."* ]]
	run dom "$BASE/$(mrel harbour move-3@harbour.example)"
	[[ "$output" == *'id="subject">Re: Office move on 3 October</h1>'* ]]
	[[ "$output" == *"In reply to: Re: Office move on 3 October"* ]]
}

@test "site: hostile HTML mail never runs anything" {
	sample_space evil "$TESTS_DIR"/sample/hostile/*.eml
	mailarc space edit evil --set body_preference=html >/dev/null
	mailarc-render evil >/dev/null
	site=$(space_dir evil)/site
	serve "$site"
	proxy
	rels=()
	for page in "$site"/m/*/hostile-*.html "$site"/t/*/*.html "$site"/index.html; do
		rels+=("${page#"$site"/}")
	done
	# The sanitiser alone, without the sandbox and the CSP: each body
	# as a page of its own must still run nothing.
	mkdir -p "$site/naked"
	naked=()
	for page in "$site"/m/*/hostile-*.html; do
		name=$(basename "$page")
		python3 "$TESTS_DIR/lib/chromium_site.py" naked "$page" \
			"$site/naked/$name" || continue
		# Put it where its relative URLs resolve as in the frame.
		shard=$(basename "$(dirname "$page")")
		mv "$site/naked/$name" "$site/m/$shard/naked-$name"
		naked+=("m/$shard/naked-$name")
	done
	doms "$BATS_TEST_TMPDIR/doms" "${rels[@]}" "${naked[@]}"
	n=0
	for rel in "${rels[@]}"; do
		n=$((n + 1))
		d=$BATS_TEST_TMPDIR/doms/$n.html
		want=$(title_of "$site/$rel")
		got=$(title_of "$d")
		echo "$rel: '$want' -> '$got'"
		# Not navigated away, title untouched, nothing injected.
		grep -q '<main id="main">' "$d"
		[ "$got" = "$want" ]
	done
	[ "$n" -ge 11 ]
	for rel in "${naked[@]}"; do
		n=$((n + 1))
		d=$BATS_TEST_TMPDIR/doms/$n.html
		got=$(title_of "$d")
		echo "naked $(basename "$rel"): '$got'"
		[ "$got" = "naked" ]
		grep -q 'class="mail"' "$d"
	done
	# Nothing was fetched from the mail's hosts: the proxy saw no
	# request for them (Chromium's own calls home are not ours).
	run ! grep -q 'evil\.example' "$BATS_TEST_TMPDIR/proxy.log"
	# ... and it would have: with remote images allowed, the tracker
	# pixel is requested through it.
	mailarc space edit evil --set remote_images=allow >/dev/null
	mailarc-render evil --full >/dev/null
	dom "$BASE/$(mrel evil hostile-images@evil.example)" >/dev/null
	grep -q 'tracker.evil.example' "$BATS_TEST_TMPDIR/proxy.log"
}

@test "site: ISO-2022-JP and Shift_JIS mail show correct Japanese" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	site=$(space_dir harbour)/site
	serve "$site"
	d=$BATS_TEST_TMPDIR/doms
	doms "$d" "$(mrel harbour jp-1@harbour.example)" \
		"$(mrel harbour rel-4@harbour.example)" \
		"$(mrel harbour enc-4@harbour.example)" \
		"$(mrel harbour enc-5@harbour.example)"
	output=$(cat "$d/1.html")
	[[ "$output" == *"<title>見積書の送付（大阪支店） — Harbour team</title>"* ]]
	[[ "$output" == *"大阪支店より見積書を受け取りましたので、添付いたします。"* ]]
	[[ "$output" == *">見積書.txt</a>"* ]]
	output=$(cat "$d/2.html")
	[[ "$output" == *"Re: Release 2.3 planning (翻訳について)"* ]]
	[[ "$output" == *"新しい画面の文言を早めに共有していただけると助かります。"* ]]
	[[ "$output" == *"田中 千恵"* ]]
	output=$(cat "$d/3.html")
	[[ "$output" == *"今年の忘年会は 12 月 18 日（金）19 時から"* ]]
	output=$(cat "$d/4.html")
	[[ "$output" == *"参加します！"* ]]
}

@test "site: screenshots at desktop and phone widths" {
	sample_space harbour
	mailarc space edit harbour --set body_preference=html >/dev/null
	mailarc-render harbour >/dev/null
	site=$(space_dir harbour)/site
	serve "$site"
	coffee=$(grep -l 'Coffee machine' "$site"/t/*/*.html | head -1)
	coffee=${coffee#"$site"/}
	mkdir -p "$SHOTS"
	for shot in "index index.html" "month 2026/10/threads.html" \
		"thread $coffee" "message $(mrel harbour news-1@harbour.example)" \
		"japanese $(mrel harbour jp-1@harbour.example)" \
		"removed $(mrel harbour none@harbour.example)"; do
		set -- $shot
		if [ "$1" = removed ]; then
			# A removed message's notice, as a tombstone leaves it.
			printf '2026-11-20T10:00:00Z\tnone@harbour.example\t-\t-\n' \
				>>"$(space_dir harbour)/tombstones"
			mailarc-render harbour >/dev/null
		fi
		chromium_run --virtual-time-budget=2000 --window-size=1280,1000 \
			--screenshot="$SHOTS/$1-desktop.png" "$BASE/$2" >/dev/null
		chromium_run --virtual-time-budget=2000 --window-size=390,844 \
			--screenshot="$SHOTS/$1-phone.png" "$BASE/$2" >/dev/null
		# Dark mode (prefers-color-scheme) for the conversation.
		if [ "$1" = thread ]; then
			chromium_run --virtual-time-budget=2000 --force-dark-mode \
				--window-size=1280,1000 \
				--screenshot="$SHOTS/$1-dark.png" "$BASE/$2" >/dev/null
			[ "$(stat -c %s "$SHOTS/$1-dark.png")" -gt 5000 ]
		fi
		for f in "$SHOTS/$1-desktop.png" "$SHOTS/$1-phone.png"; do
			[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
			[ "$(stat -c %s "$f")" -gt 5000 ]
		done
	done
}
