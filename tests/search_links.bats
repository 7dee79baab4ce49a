#!/usr/bin/env bats
# The links of the site's search results lead somewhere: each result's
# message page exists, and its "Conversation" link names the thread's page
# (t/HH/NAME.html, named after the thread's root) with the message's
# anchor in it, in the documents and in the page Chromium shows. When a
# thread's root changes (an earlier message comes, the root is deleted)
# an incremental run moves the links of every message of that thread, and
# its index stays the full run's.

bats_require_minimum_version 1.5.0
load helpers
load lib/render
load lib/chromium

CHECK=$BATS_TEST_DIRNAME/search_links.py
export TZ=UTC

setup() {
	new_root
}

teardown() {
	kill_pidfile "$BATS_TEST_TMPDIR/httpd.pid"
}

# mail FILE ID DATE [PARENT] - a small message, a reply when PARENT is set.
mail() {
	{
		printf 'From: Ann Archer <ann@example.org>\n'
		printf 'To: list@example.org\nSubject: Harbour lights\n'
		printf 'Date: %s\nMessage-ID: <%s>\n' "$3" "$2"
		[ -z "${4:-}" ] || printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$4" "$4"
		printf 'Content-Type: text/plain\n\nLights on pier %s.\n' "$2"
	} >"$1"
}

# same_as_full KEY - the space's search index equals a full run's.
same_as_full() {
	local d
	d=$(space_dir "$1")
	tree_digest "$d/site/search" >"$BATS_TEST_TMPDIR/inc"
	cp -a "$d" "$BATS_TEST_TMPDIR/copy"
	rm -rf "$d/site" "$d/state/search"
	mailarc-render "$1" --full >/dev/null
	tree_digest "$d/site/search" >"$BATS_TEST_TMPDIR/full"
	rm -rf "$d"
	mv "$BATS_TEST_TMPDIR/copy" "$d"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}

@test "search links: every document's links lead to a page and anchor" {
	sample_space links
	mailarc-render links >/dev/null
	run python3 "$CHECK" "$(space_dir links)/site"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "search links: the links search.html shows resolve (Chromium)" {
	[ -x "$CHROMIUM" ] || skip "chromium is missing: $CHROMIUM"
	sample_space links
	mailarc-render links >/dev/null
	site=$(space_dir links)/site
	port=$(free_port)
	python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" \
		>"$BATS_TEST_TMPDIR/httpd.log" 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/httpd.pid"
	wait_port "$port" 10
	chromium_run --virtual-time-budget=10000 --dump-dom \
		"http://127.0.0.1:$port/search.html?q=after:1990&per=1000" \
		>"$BATS_TEST_TMPDIR/dom"
	grep -q 'data-search="done"' "$BATS_TEST_TMPDIR/dom"
	# Every message is listed, each with its conversation.
	n=$(grep -o 'class="thread"' "$BATS_TEST_TMPDIR/dom" | wc -l)
	echo "$n conversation links"
	[ "$n" -eq "$(ls "$SAMPLE_DIR" | wc -l)" ]
	run python3 "$CHECK" "$site" "$BATS_TEST_TMPDIR/dom"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "search links: a thread's new root moves its links; incremental is full" {
	m=$BATS_TEST_TMPDIR/mail
	mkdir -p "$m"
	mail "$m/b.eml" reply.b@example.org 'Tue, 12 Mar 2024 10:00:00 +0000' \
		first.a@example.org
	mail "$m/c.eml" reply.c@example.org 'Fri, 10 May 2024 10:00:00 +0000' \
		reply.b@example.org
	mail "$m/a.eml" first.a@example.org 'Fri, 05 Jan 2024 10:00:00 +0000'
	sample_space root "$m/b.eml" "$m/c.eml"
	d=$(space_dir root)
	mailarc-render root >/dev/null
	python3 "$CHECK" "$d/site"
	grep -q '"[0-9a-f][0-9a-f]/reply.b@example.org#m' "$d"/site/search/2024-05.*/d0.json
	# An earlier message: the thread is named after it now, in months
	# (March, May) the new message is not in.
	archive_add root "$m/a.eml"
	notmuch_index root
	mailarc-render root >/dev/null
	python3 "$CHECK" "$d/site"
	grep -q '"[0-9a-f][0-9a-f]/first.a@example.org#m' "$d"/site/search/2024-05.*/d0.json
	same_as_full root
	# The root deleted: the thread is named after its next message again.
	mailarc delete root first.a@example.org >/dev/null
	mailarc-render root >/dev/null
	python3 "$CHECK" "$d/site"
	grep -q '"[0-9a-f][0-9a-f]/reply.b@example.org#m' "$d"/site/search/2024-05.*/d0.json
	same_as_full root
}

@test "search links: a site indexed by an older mailarc gets its links fixed" {
	sample_space old
	d=$(space_dir old)
	mailarc-render old >/dev/null
	# What an older mailarc left: segments and caches (tag 1) that name
	# notmuch's thread ids.
	python3 - "$d" <<'PY'
import glob, json, os, sys
d = sys.argv[1]
ix = json.load(open(d + "/site/search/index.json"))
old = {}
for sg in ix["segments"]:
    s = "%s/site/search/%s." % (d, sg["m"])
    old[sg["h"]] = sg["h"][::-1]  # content changed: so did the hash
    os.rename(s + sg["h"], s + old[sg["h"]])
    sg["h"] = old[sg["h"]]
open(d + "/site/search/index.json", "w").write(json.dumps(ix))
for p in glob.glob(d + "/site/search/*/d*.json"):
    rows = json.load(open(p))
    for r in rows:
        r[2] = "0000000000000001"
    open(p, "w").write(json.dumps(rows))
for p in glob.glob(d + "/state/search/[0-9]*"):
    lines = open(p).read().split("\n")
    lines[0] = lines[0].replace("cache 2", "cache 1")
    for h in old:
        lines[0] = lines[0].replace(h, old[h])
    for i in range(1, len(lines)):
        f = lines[i].split("\t")
        if len(f) == 7:
            f[2] = "0000000000000001"
            lines[i] = "\t".join(f)
    open(p, "w").write("\n".join(lines))
PY
	run ! python3 "$CHECK" "$d/site"
	# The next run with anything to do rewrites every month, from its
	# cache (a run with nothing new does nothing: --full would do it).
	mail "$BATS_TEST_TMPDIR/new.eml" new.one@example.org \
		'Mon, 01 Jul 2024 10:00:00 +0000'
	archive_add old "$BATS_TEST_TMPDIR/new.eml"
	notmuch_index old
	mailarc-render old >/dev/null
	python3 "$CHECK" "$d/site"
	same_as_full old
}
