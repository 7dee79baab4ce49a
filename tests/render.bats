#!/usr/bin/env bats
# mailarc-render against real notmuch databases built from the bundled
# sample and generated mail: pages, permalinks, incremental runs equal to
# full ones, deletions, kill -9, the lock.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	GEN=$TESTS_DIR/../bench/render/gen.py
}

site_of() {
	echo "$(space_dir "$1")/site"
}

@test "render --help and --version" {
	run mailarc-render --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: mailarc-render"* ]]
	run mailarc-render --version
	[ "$status" -eq 0 ]
	[[ "$output" == "mailarc-render "* ]]
}

@test "render: a missing space or database is a clear error" {
	run mailarc-render nosuch
	[ "$status" -eq 66 ]
	[[ "$output" == *"space 'nosuch' does not exist"* ]]
	mailarc space add empty >/dev/null
	run mailarc-render empty
	[ "$status" -eq 78 ]
	[[ "$output" == *"no notmuch database"* ]]
}

@test "render: the sample gets every page, each message its permalink" {
	sample_space harbour
	run mailarc-render harbour
	[ "$status" -eq 0 ]
	site=$(site_of harbour)
	[ -f "$site/index.html" ]
	[ -f "$site/style.css" ]
	[ -f "$site/feed.atom" ]
	# stdout lists the files written, all of which exist.
	while read -r f; do [ -f "$f" ]; done <<<"$output"
	n=0
	for id in $(notmuch --config="$(space_dir harbour)/notmuch/config" \
		search --output=messages '*' | sed 's/^id://'); do
		page=$(mailarc link harbour "<$id>")
		[ -f "$page" ]
		[ -f "${page%.html}.eml" ]
		n=$((n + 1))
	done
	[ "$n" -eq 41 ]
	# Months by date and by thread, and their mboxes.
	[ -f "$site/2026/09/index.html" ]
	[ -f "$site/2026/10/threads.html" ]
	[ "$(grep -c '^From ' "$site/2026/10/2026-10.mbox")" -eq \
		"$(notmuch --config="$(space_dir harbour)/notmuch/config" count \
			date:2026-10-01..2026-10-31)" ]
	# The thread of twelve has its page, feed and mbox.
	t=$(grep -l 'Coffee machine' "$site"/t/*/*.html | head -1)
	[ "$(grep -c '<article class="msg' "$t")" -eq 12 ]
	[ "$(grep -c '^From ' "${t%.html}.mbox")" -eq 12 ]
	grep -q '<entry>' "${t%.html}.atom"
	python3 "$TESTS_DIR/lib/chromium_site.py" links "$site"
}

@test "render: charsets, attachments and HTML mail" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	site=$(site_of harbour)
	grep -q '見積書の送付（大阪支店）' "$site/m/"*/"jp-1@harbour.example.html"
	grep -q '金額は税込みで ¥1,280,000 です' "$site/m/"*/"jp-1@harbour.example.html"
	grep -q '日本語訳は 10 月 25 日までに' "$site/m/"*/"rel-4@harbour.example.html"
	grep -q '忘年会は 12 月 18 日' "$site/m/"*/"enc-4@harbour.example.html"
	grep -q 'Grüße aus dem Büro' "$site/m/"*/"move-4@harbour.example.html"
	grep -q 'Я подготовлю тестовый стенд' "$site/m/"*/"rel-6@harbour.example.html"
	grep -q 'Καλή εβδομάδα' "$site/m/"*/"rel-3@harbour.example.html"
	grep -q '« Mystère »' "$site/m/"*/"move-5@harbour.example.html"
	# RFC 2231 name shown and offered, content stored once by hash.
	grep -q 'download="見積書.txt"' "$site/m/"*/"jp-1@harbour.example.html"
	sum=$(grep -o 'a/[0-9a-f][0-9a-f]/[0-9a-f]*\.png' \
		"$site/m/"*/"move-4@harbour.example.html" | head -1)
	[ -f "$site/$sum" ]
	[ "$(basename "$sum" .png)" = "$(sha256sum <"$site/$sum" | cut -d' ' -f1)" ]
	# The two PDFs differ; the same content is written once.
	[ "$(find "$site/a" -name '*.pdf' | wc -l)" -eq 1 ]
	# format=flowed joined into one paragraph line.
	grep -q 'We freeze features on 20 October, then two weeks' \
		"$site/m/"*/"rel-1@harbour.example.html"
	# Text is preferred; the HTML-only mail is sandboxed, no scripts.
	run ! grep -q '<iframe' "$site/m/"*/"news-1@harbour.example.html"
	grep -q '<iframe class="html" title="HTML message" sandbox="allow-popups allow-popups-to-escape-sandbox"' \
		"$site/m/"*/"html-only@harbour.example.html"
	grep -q "Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'" \
		"$site/index.html"
	# body_preference = html: the HTML part, with its cid: image.
	mailarc space edit harbour --set body_preference=html >/dev/null
	mailarc-render harbour --full >/dev/null
	grep -q 'srcdoc=.*src=&quot;../../a/' "$site/m/"*/"news-1@harbour.example.html"
	grep -q '1 remote image was not loaded' "$site/m/"*/"news-1@harbour.example.html"
}

@test "render: address display full, name, obfuscated" {
	sample_space harbour
	site=$(site_of harbour)
	mailarc-render harbour >/dev/null
	grep -q 'Ana Lima &lt;ana@harbour.example&gt;' "$site/m/"*/"move-1@harbour.example.html"
	mailarc space edit harbour --set address_display=name >/dev/null
	# A changed setting makes the next run a full one by itself.
	run mailarc-render -v harbour
	[[ "$output" == *"settings of space 'harbour' changed"* ]]
	run ! grep -rq 'ana@harbour.example' "$site" --include='*.html'
	grep -q '<dd>Ana Lima</dd>' "$site/m/"*/"move-1@harbour.example.html"
	mailarc space edit harbour --set address_display=obfuscated >/dev/null
	mailarc-render harbour --full >/dev/null
	run ! grep -rq 'ana@harbour.example' "$site" --include='*.html'
	grep -q 'Ana Lima &lt;a…@harbour.example&gt;' "$site/m/"*/"move-1@harbour.example.html"
}

@test "render: incremental output equals --full, byte for byte" {
	mailarc space add inc >/dev/null
	notmuch_setup inc
	d=$(space_dir inc)
	python3 "$GEN" 200 "$BATS_TEST_TMPDIR/gen"
	ls "$BATS_TEST_TMPDIR/gen/cur" | head -160 | while read -r f; do
		cp "$BATS_TEST_TMPDIR/gen/cur/$f" "$d/archive/cur/"; done
	archive_add inc "$SAMPLE_DIR"/move-*.eml
	notmuch_index inc
	mailarc-render inc >/dev/null
	ls "$BATS_TEST_TMPDIR/gen/cur" | tail -40 | while read -r f; do
		cp "$BATS_TEST_TMPDIR/gen/cur/$f" "$d/archive/cur/"; done
	archive_add inc "$SAMPLE_DIR"/rel-*.eml
	notmuch_index inc
	run mailarc-render inc
	[ "$status" -eq 0 ]
	site_digest "$d/site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render inc --full >/dev/null
	site_digest "$d/site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
	# The search index is part of what is compared.
	[ "$(grep -c '^\./search/20[0-9-]*\.[0-9a-f]*/t0\.json ' \
		"$BATS_TEST_TMPDIR/full")" -ge 2 ]
	# A run with nothing new writes nothing.
	run mailarc-render inc
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "render: adding one message renders only what it touches" {
	mailarc space add inc >/dev/null
	notmuch_setup inc
	d=$(space_dir inc)
	python3 "$GEN" 200 "$d/archive"
	notmuch_index inc
	run mailarc-render inc
	total=${#lines[@]}
	python3 "$GEN" 1 "$BATS_TEST_TMPDIR/one" --start 200
	cp "$BATS_TEST_TMPDIR"/one/cur/* "$d/archive/cur/"
	notmuch_index inc
	run mailarc-render inc
	[ "$status" -eq 0 ]
	echo "full: $total files, incremental: ${#lines[@]}"
	[ "${#lines[@]}" -lt $((total / 10)) ]
	[[ "$output" == *"/index.html"* ]]
	[[ "$output" == *"/feed.atom"* ]]
}

@test "render: a deleted message keeps its permalink as a removal notice" {
	sample_space harbour
	d=$(space_dir harbour)
	site=$d/site
	mailarc-render harbour >/dev/null
	att=$(grep -o 'a/[0-9a-f][0-9a-f]/[0-9a-f]*\.png' \
		"$site/m/"*/"move-4@harbour.example.html" | head -1)
	[ -f "$site/$att" ]
	th=$(notmuch --config="$d/notmuch/config" search --output=threads \
		id:move-4@harbour.example | sed 's/thread://')
	rm "$d"/archive/cur/move-4.*
	printf '2026-11-20T10:00:00Z\tmove-4@harbour.example\t%s\t-\n' "$th" \
		>>"$d/tombstones"
	notmuch_index harbour
	run mailarc-render harbour
	[ "$status" -eq 0 ]
	grep -q 'Message removed' "$site/m/"*/"move-4@harbour.example.html"
	grep -q '2026-11-20T10:00:00Z' "$site/m/"*/"move-4@harbour.example.html"
	[ ! -f "$site/m/"*/"move-4@harbour.example.eml" ]
	[ ! -f "$site/$att" ]
	run ! grep -q 'move-4@' "$site/t/"*/"$th.html"
	run ! grep -q 'move-4@' "$site/2026/09/index.html"
	# Neighbours by date no longer point at it.
	run ! grep -rqE 'href="../../m/[0-9a-f]{2}/move-4@harbour.example.html"' \
		"$site/m"
	site_digest "$site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render harbour --full >/dev/null
	site_digest "$site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}

@test "render: a whole thread deleted leaves a notice at its address" {
	sample_space harbour
	d=$(space_dir harbour)
	site=$d/site
	mailarc-render harbour >/dev/null
	th=$(notmuch --config="$d/notmuch/config" search --output=threads \
		id:pdf-1@harbour.example | sed 's/thread://')
	for m in pdf-1 pdf-2; do
		rm "$d"/archive/cur/$m.*
		printf '2026-11-21T08:00:00Z\t<%s@harbour.example>\t%s\tsha256:x\n' \
			"$m" "$th" >>"$d/tombstones"
	done
	notmuch_index harbour
	mailarc-render harbour >/dev/null
	# The thread page is named after its first message (names.c).
	grep -q 'Conversation removed' "$site/t/"*/"pdf-1@harbour.example.html"
	[ ! -f "$site/t/"*/"pdf-1@harbour.example.mbox" ]
	[ -z "$(find "$site/a" -name '*.pdf')" ]
	site_digest "$site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render harbour --full >/dev/null
	site_digest "$site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}

@test "render: kill -9 mid-run leaves a whole site; the rerun completes it" {
	mailarc space add k >/dev/null
	notmuch_setup k
	d=$(space_dir k)
	python3 "$GEN" 300 "$d/archive"
	notmuch_index k
	mailarc-render k >/dev/null
	python3 "$GEN" 150 "$BATS_TEST_TMPDIR/more" --start 300
	cp "$BATS_TEST_TMPDIR"/more/cur/* "$d/archive/cur/"
	notmuch_index k
	for delay in 0.05 0.2 0.4 0.8; do
		mailarc-render k --full >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# Whatever the instant: no partial page, no temp file shown.
		python3 "$TESTS_DIR/lib/chromium_site.py" complete "$d/site"
	done
	run mailarc-render k
	[ "$status" -eq 0 ]
	site_digest "$d/site" >"$BATS_TEST_TMPDIR/after"
	mailarc-render k --full >/dev/null
	site_digest "$d/site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/after" "$BATS_TEST_TMPDIR/full"
	[ "$(grep -c 'm/[0-9a-f][0-9a-f]/bench-.*\.html ' "$BATS_TEST_TMPDIR/full")" -eq 450 ]
}

@test "render: a second run at once fails with EX_TEMPFAIL; --wait waits" {
	sample_space harbour
	d=$(space_dir harbour)
	flock "$d/state/render.lock" sleep 3 &
	sleep 0.5
	run mailarc-render harbour
	[ "$status" -eq 75 ]
	[[ "$output" == *"busy"* ]]
	run mailarc-render --wait harbour
	[ "$status" -eq 0 ]
	wait
}

@test "render: reads paths on stdin with '-'" {
	sample_space harbour
	run bash -c "ls '$(space_dir harbour)'/archive/cur/* | mailarc-render harbour -"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/index.html"* ]]
}

@test "link: the documented rule, base_url and file paths" {
	sample_space harbour
	mailarc-render harbour >/dev/null
	run mailarc link harbour '<move-1@harbour.example>'
	[ "$status" -eq 0 ]
	[ "$output" = "$(space_dir harbour)/site/m/"*/"move-1@harbour.example.html" ]
	mailarc space edit harbour --set base_url=https://lists.example/harbour/ >/dev/null
	run mailarc link harbour 'a/b=c d@x'
	[ "$status" -eq 0 ]
	# notmuch removes the blank, and so does the link.
	# The shard: the first two hex digits of the SHA-256 of the id.
	hh=$(printf %s 'a/b=cd@x' | sha256sum | cut -c1-2)
	[ "${lines[-1]}" = "https://lists.example/harbour/m/$hh/a=2Fb=3Dcd@x.html" ]
	# The documented example (mailarc-render(1)).
	run mailarc link harbour '<CAF+x=1@mail.example.com>'
	[ "${lines[-1]}" = "https://lists.example/harbour/m/8d/CAF+x=3D1@mail.example.com.html" ]
	[[ "$output" == *"no page for"* ]]
	# "<>" is an id notmuch keeps whole (tests/odd_ids.bats).
	run mailarc link harbour '<>'
	[ "${lines[-1]}" = "https://lists.example/harbour/m/$(printf '<>' | sha256sum | cut -c1-2)/=3C=3E.html" ]
	run mailarc link harbour ' '
	[ "$status" -eq 65 ]
}

@test "mailarc render runs the renderer and prints the index path" {
	sample_space harbour
	run mailarc render harbour
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "$(space_dir harbour)/site/index.html" ]
	run mailarc render harbour --full
	[ "$status" -eq 0 ]
	[ -f "$(space_dir harbour)/site/index.html" ]
}

@test "render: a site removed by hand is rebuilt; a site_dir's own files stay" {
	sample_space harbour
	www=$BATS_TEST_TMPDIR/www
	mkdir -p "$www/assets"
	echo keep >"$www/robots.txt"
	echo keep >"$www/assets/logo.svg"
	mailarc space edit harbour --site-dir "$www" >/dev/null
	mailarc-render harbour >/dev/null
	[ -f "$www/index.html" ]
	rm -rf "$www/index.html" "$www/m"
	run mailarc-render harbour
	[ "$status" -eq 0 ]
	[ -f "$www/index.html" ]
	[ -f "$www/m/"*/"move-1@harbour.example.html" ]
	mkdir -p "$www/m/00"
	echo stale >"$www/m/00/stale.html"
	mailarc-render harbour --full >/dev/null
	[ ! -f "$www/m/00/stale.html" ]
	[ "$(cat "$www/robots.txt")" = keep ]
	[ "$(cat "$www/assets/logo.svg")" = keep ]
}

@test "render: a reply that joins two threads: the later one's page leads to the merged thread, as in --full" {
	sample_space harbour
	d=$(space_dir harbour)
	site=$d/site
	mailarc-render harbour >/dev/null
	cfg=$d/notmuch/config
	old=$(mailarc link harbour jp-1@harbour.example --thread)
	keep=$(mailarc link harbour move-1@harbour.example --thread)
	[ "$old" != "$keep" ]
	[ -f "$old" ]
	cat >"$d/archive/cur/join.1:2,S" <<'MAIL'
From: Ana Lima <ana@harbour.example>
To: team@harbour.example
Subject: Re: the move and the quote
Date: Mon, 16 Nov 2026 09:00:00 +0000
Message-ID: <join-1@harbour.example>
In-Reply-To: <move-1@harbour.example>
References: <move-1@harbour.example> <jp-1@harbour.example>

Both are done.
MAIL
	notmuch_index harbour
	now=$(notmuch --config="$cfg" search --output=threads id:jp-1@harbour.example | sed 's/thread://')
	[ "$now" = "$(notmuch --config="$cfg" search --output=threads id:join-1@harbour.example | sed 's/thread://')" ]
	mailarc-render harbour >/dev/null
	# Thread pages are named by their first message: the merged one
	# keeps the earlier name, the other address leads to it.
	merged=$(mailarc link harbour join-1@harbour.example --thread)
	[ "$merged" = "$(mailarc link harbour jp-1@harbour.example --thread)" ]
	[ "$merged" = "$(mailarc link harbour move-1@harbour.example --thread)" ]
	moved=$old
	[ "$merged" = "$old" ] && moved=$keep
	grep -q 'Conversation moved' "$moved"
	to="../$(basename "$(dirname "$merged")")/$(basename "$merged")"
	grep -q "http-equiv=\"refresh\" content=\"0; url=$to\"" "$moved"
	[ ! -f "${moved%.html}.mbox" ]
	grep -q 'join-1@harbour.example' "$merged"
	grep -q 'jp-1@harbour.example' "$merged"
	site_digest "$site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render harbour --full >/dev/null
	site_digest "$site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}

@test "render: -0 writes NUL-separated paths; a damaged state means a full run" {
	sample_space harbour
	d=$(space_dir harbour)
	mailarc-render -0 harbour >"$BATS_TEST_TMPDIR/out"
	n=$(tr -cd '\0' <"$BATS_TEST_TMPDIR/out" | wc -c)
	[ "$n" -gt 60 ]
	[ "$(tr -cd '\n' <"$BATS_TEST_TMPDIR/out" | wc -c)" -eq 0 ]
	site_digest "$d/site" >"$BATS_TEST_TMPDIR/before"
	printf 'garbage\n\x00\x01\n' >"$d/state/render.state"
	run mailarc-render harbour
	[ "$status" -eq 0 ]
	[[ "$output" == *"not a render state"* ]]
	site_digest "$d/site" >"$BATS_TEST_TMPDIR/after"
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	head -1 "$d/state/render.state" | grep -q '^mailarc-render-state 4$'
}
