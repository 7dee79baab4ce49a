#!/usr/bin/env bats
# A conversation of thousands: the render holds what its walk found of
# each message (and notmuch's thread), not each message's text. Once a
# message's own page is written its parse goes; its fragment for the
# thread page and its raw copy for the mbox are held up to
# MAILARC_RENDER_THREAD_KEEP bytes for the whole thread (2 MB), past that
# the fragment waits in an unnamed file of the state folder and the raw
# copy is read again, and a thread page past it is streamed. Whichever of
# these a run takes, the site is the same.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

LONG=$TESTS_DIR/gen/long_thread.py

setup() {
	new_root
}

# long_space KEY N - space KEY of one conversation of N messages
# (tests/gen/long_thread.py), indexed.
long_space() {
	gen_space "$1"
	python3 "$LONG" "$2" "$BATS_TEST_TMPDIR/$1"
	archive_add "$1" "$BATS_TEST_TMPDIR/$1"/*.eml
	notmuch_index "$1"
}

# thread_heap KEY - what the thread added to the heap by its page, in a
# full run of KEY with a budget of 64 KB.
thread_heap() {
	MAILARC_RENDER_THREAD_KEEP=65536 MAILARC_RENDER_STATS=1 \
		mailarc-render "$1" --full >/dev/null 2>"$BATS_TEST_TMPDIR/err"
	render_stat thread-heap
}

@test "long thread: a message adds its walk to the heap, not its text" {
	long_space small 300
	small=$(thread_heap small)
	long_space big 1200
	big=$(thread_heap big)
	per=$(((big - small) / 900))
	echo "thread-heap $small at 300, $big at 1200: $per bytes a message"
	[ "$small" -gt 0 ]
	# What the walk keeps of a message (its record, its listing
	# fields, notmuch's strings for them): about 1,300 to 1,500 bytes.
	# Its parse held too came to 2,300, its fragment 2,200, its
	# fragment and raw copy 2,800 (and notmuch's thread, made before
	# this figure starts, about 4,000 more).
	[ "$per" -lt 2000 ]
	# The thread's page and mbox hold all of it.
	page=$(find "$D/site/t" -name '*.html' | head -n 1)
	[ "$(grep -c '<article class="msg' "$page")" -eq 1200 ]
	mbox=$(find "$D/site/t" -name '*.mbox' | head -n 1)
	# Versions follow their message in the mbox: 12 of them.
	[ "$(grep -c '^From ' "$mbox")" -eq 1212 ]
}

@test "long thread: fragments on disk, raw copies read again and a streamed page make the same site" {
	long_space sp 400
	# A message years after it: the neighbour of the one added last.
	dated_mail "$BATS_TEST_TMPDIR/v.eml" "Wed, 01 Jan 2025 10:00:00 +0000" v
	archive_add sp "$BATS_TEST_TMPDIR/v.eml"
	notmuch_index sp
	mailarc-render sp --full >/dev/null
	kept=$BATS_TEST_TMPDIR/kept
	cp -a "$D/site" "$kept"
	# Every fragment to the spill, every raw copy dropped, the page
	# streamed from its first bytes.
	MAILARC_RENDER_THREAD_KEEP=1 mailarc-render sp --full >/dev/null
	diff -r "$kept" "$D/site"
	# The spill has no name: nothing of it is left in the state folder.
	[ -z "$(find "$D/state" -name '.temp.*')" ]
	# A new reply, both ways.
	python3 - "$BATS_TEST_TMPDIR/r.eml" <<'EOF'
import sys
open(sys.argv[1], "w").write(
    "From: New <new@example.org>\nTo: team@example.org\n"
    "Date: Tue, 01 Jun 2021 10:00:00 +0000\n"
    "Message-ID: <late@example.org>\nSubject: Re: The long one\n"
    "In-Reply-To: <lt7@example.org>\n"
    "References: <lt0@example.org> <lt7@example.org>\n\nLate word.\n")
EOF
	archive_add sp "$BATS_TEST_TMPDIR/r.eml"
	notmuch_index sp
	cp -a "$MAILARC_ROOT" "$BATS_TEST_TMPDIR/root2"
	mailarc-render sp >/dev/null
	MAILARC_ROOT=$BATS_TEST_TMPDIR/root2 MAILARC_RENDER_THREAD_KEEP=1 \
		mailarc-render sp >/dev/null
	diff -r "$D/site" "$BATS_TEST_TMPDIR/root2/spaces/sp/site"
	grep -q 'Late word' "$D"/site/t/*/*.html
	grep -q 'Late word' "$D"/site/t/*/*.mbox
	# The home page lists it as its walk found it (run.known): notmuch's
	# count, the subject of its oldest message.
	grep -q '">The long one</a><time datetime="2021-06-01' "$D/site/index.html"
	grep -q '>401 messages · latest from New<' "$D/site/index.html"
	# Where the run did not render it, notmuch's thread gives the same.
	line=$(grep 'The long one' "$D/site/index.html")
	dated_mail "$BATS_TEST_TMPDIR/u.eml" "Sat, 01 Feb 2025 10:00:00 +0000" u
	archive_add sp "$BATS_TEST_TMPDIR/u.eml"
	notmuch_index sp
	mailarc-render sp >/dev/null
	grep -q 'Order test u' "$D/site/index.html"
	[ "$(grep 'The long one' "$D/site/index.html")" = "$line" ]
}
