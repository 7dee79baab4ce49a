#!/usr/bin/env bats
# Erasure and the site (issue 15): a thread keeps a notice where an
# erased or deleted message stood, naming neither sender nor subject;
# the render that follows an erase is incremental and its site equals a
# full render's; the static search finds nothing of the erased person
# and still finds the others of her threads; a kill -9 during that
# render, then a rerun, leaves nothing half removed.

bats_require_minimum_version 1.5.0
load helpers
load lib/chromium

setup() {
	new_root
	S="$MAILARC_ROOT/spaces/sales"
	mailarc -q space add sales
}

teardown() {
	kill_pidfile "$BATS_TEST_TMPDIR/httpd.pid"
}

# corpus FILE - Carol's thread: Alice replies to her (x1), Bob to Alice
# (r2), Dave to Bob (r3), and Alice again to Carol (x2, no reply).
# Alice's own thread (x3, with an attachment) with Eve's reply (r4), and
# Carol alone (r5). Words only Alice wrote: zanzibar (a subject),
# quetzalcoatl, xylophone, wombatfund (bodies), her name Zimmer.
corpus() {
	cat >"$1" <<'MBOX'
From x Mon Jul 17 09:00:00 2023
From: Carol <carol@example.net>
To: team@example.org
Subject: budget review
Date: Mon, 17 Jul 2023 09:00:00 +0000
Message-ID: <r1@example.net>

carol opens the budget review with marmalade

From x Mon Jul 17 10:00:00 2023
From: Alice Zimmer <alice@example.com>
To: team@example.org
Subject: Re: budget review zanzibar
Date: Mon, 17 Jul 2023 10:00:00 +0000
Message-ID: <x1@example.com>
In-Reply-To: <r1@example.net>
References: <r1@example.net>

alice writes about quetzalcoatl funding

From x Mon Jul 17 11:00:00 2023
From: Bob <bob@example.net>
To: team@example.org
Subject: Re: budget review
Date: Mon, 17 Jul 2023 11:00:00 +0000
Message-ID: <r2@example.net>
In-Reply-To: <x1@example.com>
References: <r1@example.net> <x1@example.com>

bob answers with marmalade

From x Mon Jul 17 12:00:00 2023
From: Dave <dave@example.net>
To: team@example.org
Subject: Re: budget review
Date: Mon, 17 Jul 2023 12:00:00 +0000
Message-ID: <r3@example.net>
In-Reply-To: <r2@example.net>
References: <r1@example.net> <x1@example.com> <r2@example.net>

dave agrees about marmalade

From x Mon Jul 17 13:00:00 2023
From: Alice Zimmer <alice@example.com>
To: team@example.org
Subject: Re: budget review
Date: Mon, 17 Jul 2023 13:00:00 +0000
Message-ID: <x2@example.com>
In-Reply-To: <r1@example.net>
References: <r1@example.net>

alice leaf note about xylophone

From x Tue Aug 15 09:00:00 2023
From: Alice Zimmer <alice@example.com>
To: team@example.org
Subject: pelican itinerary
Date: Tue, 15 Aug 2023 09:00:00 +0000
Message-ID: <x3@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

the wombatfund plan
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="alice.bin"
Content-Transfer-Encoding: base64

YWxpY2Ugb25seSBhdHRhY2htZW50Cg==
--b--

From x Tue Aug 15 10:00:00 2023
From: Eve <eve@example.net>
To: team@example.org
Subject: Re: pelican itinerary
Date: Tue, 15 Aug 2023 10:00:00 +0000
Message-ID: <r4@example.net>
In-Reply-To: <x3@example.com>
References: <x3@example.com>

eve replies with heron

From x Wed Aug 16 09:00:00 2023
From: Carol <carol@example.net>
To: team@example.org
Subject: standalone
Date: Wed, 16 Aug 2023 09:00:00 +0000
Message-ID: <r5@example.net>

carol alone with heron

MBOX
}

# Words and addresses of Alice's that no page may show after her erasure.
# (Her messages' Message-IDs stay where others' References quote them.)
ALICE_RE='zimmer|alice|zanzibar|quetzalcoatl|xylophone|wombatfund'

# anchor ID - the anchor a message has in its thread page.
anchor() {
	printf 'm%s' "$(printf %s "$1" | sha256sum | cut -c1-12)"
}

# same_as_full - the site equals what "mailarc-render --full" makes of a
# copy of the root, file for file (diff -r).
same_as_full() {
	local copy="$BATS_TEST_TMPDIR/full-root"
	rm -rf "$copy"
	cp -a "$MAILARC_ROOT" "$copy"
	MAILARC_ROOT="$copy" mailarc-render sales --full >/dev/null
	diff -r "$S/site" "$copy/spaces/sales/site"
	rm -rf "$copy"
}

# links_resolve DIR - every relative href and src of the site's pages
# names a file that exists.
links_resolve() {
	python3 "$TESTS_DIR/linkcheck.py" "$1"
}

@test "erase: the thread keeps a notice in each removed message's place; the render is incremental and equals --full" {
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	t=$S/site/$(trel sales r1@example.net)
	m2=$(mrel sales r2@example.net)
	grep -q "id=\"$(anchor x1@example.com)\"" "$t"
	run mailarc -v erase sales --address alice@example.com --yes
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"an incremental run wrote"*"3 removed"* ]]
	[ -z "$(find "$S/site" -name 'x[123]@*')" ]
	[ ! -e "$S/site/a" ] || [ -z "$(find "$S/site/a" -type f)" ]
	run ! grep -rqiE "$ALICE_RE" "$S/site" "$S/state"
	# Carol's thread: Bob's reply nests under a notice where Alice's
	# stood, Dave's under Bob's; Alice's unanswered one comes last.
	tree=$(grep -o '<li class="[^"]*"><a href="#[^"]*">[^<]*' "$t" |
		sed 's/<li class="\([^"]*\)"><a href="#\([^"]*\)">\(.*\)/\1 \2 \3/')
	echo "$tree"
	[ "$tree" = "d0 $(anchor r1@example.net) Carol
d1 removed $(anchor x1@example.com) Message removed
d2 $(anchor r2@example.net) Bob
d3 $(anchor r3@example.net) Dave
d0 removed $(anchor x2@example.com) Message removed" ]
	[ "$(grep -c '<article class="msg d[0-9] removed"' "$t")" -eq 2 ]
	grep -q "<a href=\"#$(anchor x1@example.com)\">.* In reply to a removed message</a>" "$t"
	# An erased message has no removal page to link to.
	run ! grep -q 'About its removal' "$t"
	# Her own thread lives on under Eve's reply, with a notice on top.
	t4=$S/site/$(trel sales r4@example.net)
	[ "${t4##*/}" = r4@example.net.html ]
	grep -q "id=\"$(anchor x3@example.com)\"" "$t4"
	grep -q 'eve replies with heron' "$t4"
	[ -z "$(find "$S/site/t" -name 'x3@example.com.*')" ]
	links_resolve "$S/site"
	same_as_full
	# "mailarc delete" leaves the same notice, linked to its page.
	run mailarc -v delete sales r2@example.net
	[ "$status" -eq 0 ]
	[[ "$output" == *"an incremental run wrote"* ]]
	grep -q "<article class=\"msg d2 removed\" id=\"$(anchor r2@example.net)\".*<a href=\"../../$m2\">About its removal</a>" "$t"
	grep -q 'Message removed' "$S/site/$m2"
	grep -q "<li class=\"d3\"><a href=\"#$(anchor r3@example.net)\">Dave" "$t"
	run ! grep -q 'bob answers' "$t"
	links_resolve "$S/site"
	same_as_full
}

@test "erase: an incremental render after it, then a full one into a copy: diff -r finds nothing" {
	# The renderer run by hand after an erasure whose own render was
	# lost: what a timer's run does.
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	cp "$S/state/render.state" "$BATS_TEST_TMPDIR/render.state"
	cp -a "$S/state/render.state.d" "$BATS_TEST_TMPDIR/render.state.d"
	cp -a "$S/site" "$BATS_TEST_TMPDIR/site"
	mailarc -q erase sales --address alice@example.com --yes >/dev/null
	# The site and state as they were before the erasure's render.
	rm -rf "$S/site"
	cp -a "$BATS_TEST_TMPDIR/site" "$S/site"
	cp "$BATS_TEST_TMPDIR/render.state" "$S/state/render.state"
	rm -rf "$S/state/render.state.d"
	cp -a "$BATS_TEST_TMPDIR/render.state.d" "$S/state/render.state.d"
	run mailarc-render -v sales
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"an incremental run"* ]]
	run ! grep -rqiE "$ALICE_RE" "$S/site" "$S/state"
	same_as_full
}

# serve DIR - serve DIR over HTTP on 127.0.0.1; sets $BASE and $SITE.
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

# search_all QUERY... - for each QUERY, the permalink names
# search.html?q=QUERY lists, sorted, on one line of
# $BATS_TEST_TMPDIR/hits/1, 2...: each search page in a fresh frame of one
# Chromium run (lib/chromium_frames.py), waited for until it is done (a
# page that is not done fails).
search_all() {
	local d=$BATS_TEST_TMPDIR/hits q urls=() i
	rm -rf "$d" "$d.dom"
	for q in "$@"; do
		urls+=("search.html?q=$q")
	done
	python3 "$TESTS_DIR/lib/chromium_frames.py" "$SITE" "$BASE" "$d.dom" \
		"${urls[@]}" || return 1
	mkdir -p "$d"
	for ((i = 1; i <= $#; i++)); do
		grep -q 'data-search="done"' "$d.dom/$i.html" || return 1
		grep -o 'data-m="[^"]*"' "$d.dom/$i.html" | cut -d'"' -f2 |
			sort | xargs >"$d/$i"
	done
}

@test "erase: the site's search finds nothing of hers, and still finds the rest of her threads" {
	[ -x "$CHROMIUM" ]
	corpus "$BATS_TEST_TMPDIR/a.mbox"
	mailarc -q import sales "$BATS_TEST_TMPDIR/a.mbox"
	serve "$S/site"
	h=$BATS_TEST_TMPDIR/hits
	# Before: her words find her messages.
	search_all zanzibar zimmer xylophone
	[ "$(cat "$h/1")" = "x1@example.com" ]
	[ "$(cat "$h/2")" = "x1@example.com x2@example.com x3@example.com" ]
	[ "$(cat "$h/3")" = "x2@example.com" ]
	mailarc -q erase sales --address alice@example.com --yes >/dev/null
	gone=(zanzibar quetzalcoatl xylophone wombatfund zimmer alice
		alice%40example.com 'alice+zimmer')
	search_all "${gone[@]}" marmalade heron 'budget+review' pelican
	for i in "${!gone[@]}"; do
		[ -z "$(cat "$h/$((i + 1))")" ] || {
			echo "search for ${gone[i]} still finds: $(cat "$h/$((i + 1))")"
			return 1
		}
	done
	# The others of her threads, and words they share with her.
	[ "$(cat "$h/9")" = "r1@example.net r2@example.net r3@example.net" ]
	[ "$(cat "$h/10")" = "r4@example.net r5@example.net" ]
	[ "$(cat "$h/11")" = "r1@example.net r2@example.net r3@example.net" ]
	[ "$(cat "$h/12")" = "r4@example.net" ]
	# Nothing of hers in the index's files or its cache.
	run ! grep -rqiE "$ALICE_RE" "$S/site/search" "$S/state"
}

@test "erase: kill -9 during the render that follows it, then a rerun: nothing half removed" {
	# Bob writes every third message, four others the rest, two threads
	# of replies across them; each round erases one of them and kills
	# the render after a longer while.
	python3 - "$BATS_TEST_TMPDIR/big.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(160):
        who = "bob@example.net" if i % 3 == 0 else "p%d@example.com" % (i % 5)
        ref = "" if i < 2 else ("In-Reply-To: <k%d@example.com>\n"
                                "References: <k%d@example.com>\n") % (i - 2, i - 2)
        f.write("From x Sun Jul 16 15:06:25 2023\n"
                f"From: {who}\nTo: team@example.org\nSubject: topic {i % 2}\n"
                f"Date: Sun, {1 + i // 60:02d} Jul 2023 15:{i % 60:02d}:25 +0000\n"
                f"Message-ID: <k{i}@example.com>\n{ref}\n"
                f"body {i} word{i} of {who}\n\n")
PY
	mailarc -q import sales "$BATS_TEST_TMPDIR/big.mbox"
	r=0
	killed=0
	for delay in 0 0.02 0.05 0.1 0.2; do
		who=p$r@example.com
		mailarc -q erase sales --address "$who" --yes >/dev/null 2>&1 &
		pid=$!
		# The erase's render: a child of that process, killed after
		# delay (or not found when everything was over already).
		render=
		for ((i = 0; i < 2000; i++)); do
			render=$(pgrep -P "$pid" -x mailarc-render || true)
			[ -z "$render" ] || break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.005
		done
		sleep "$delay"
		if [ -n "$render" ] && kill -9 "$render" 2>/dev/null; then
			killed=$((killed + 1))
		fi
		wait "$pid" || true
		echo "round $r: render ${render:-not seen}"
		# Whatever was published is whole: every link resolves.
		links_resolve "$S/site"
		# The rerun: the erase's journal says it is not done.
		mailarc -q erase sales --address "$who" --yes >/dev/null
		[ ! -e "$S/state/erase.journal" ]
		[ ! -e "$S/site/.render-next" ]
		run ! grep -rqF "$who" "$S/site" "$S/state" "$S/tombstones"
		links_resolve "$S/site"
		same_as_full
		r=$((r + 1))
	done
	# The kills hit renders (the first ones at least: the later, longer
	# delays may come after a render's end).
	echo "$killed renders killed"
	[ "$killed" -ge 2 ]
	[ "$(find "$S/site/m" -name 'k*.html' | wc -l)" -eq "$(mailarc search sales --output=messages '*' | wc -l)" ]
}
