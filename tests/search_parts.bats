#!/usr/bin/env bats
# A busy month's search index is in parts (search.c): with parts of 25
# (MAILARC_SEARCH_PART), a month of 230 messages is nine segments, newest
# first, in date order: eight of 25 and the rest, 30, since a rest under
# a quarter of a part (5) stays with the part before. New mail after the
# month's last rewrites its last part and adds the next, reading the
# others' terms from their caches, not from the mail; a message dated
# into the middle, or one deleted, rewrites the parts from its own on.
# Each run must give the index a --full run gives, byte for byte. A site
# whose month was one segment (an index made before parts), or whose
# parts were cut by another size, is cut again from its cache.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

export MAILARC_SEARCH_PART=25

setup() {
	new_root
	gen_space sp
	T=$BATS_TEST_TMPDIR
}

# segs - January 2018's segments in index.json, newest first: a line
# "n hash" each; checks that they follow the date order.
segs() {
	python3 - "$D/site/search/index.json" <<'EOF'
import json, sys
ix = json.load(open(sys.argv[1]))
segs = [s for s in ix["segments"] if s["m"] == "2018-01"]
for newer, older in zip(segs, segs[1:]):
    assert older["lo"] <= older["hi"] <= newer["lo"] <= newer["hi"], (older, newer)
assert sum(s["n"] for s in ix["segments"]) == ix["messages"], ix["messages"]
for s in segs:
    print(s["n"], s["h"])
EOF
}

# full_equals - the index as the incremental runs left it equals the one
# a --full run makes of the same mail (which it then is), and the cache
# holds a file a part.
full_equals() {
	tree_digest "$D/site/search" >"$T/inc"
	mailarc-render sp --full >/dev/null
	tree_digest "$D/site/search" >"$T/full"
	diff "$T/inc" "$T/full"
	[ "$(find "$D/state/search" -type f | wc -l)" -eq "$(segs | wc -l)" ]
}

# append_from_cache ID N [FIRST] - N messages after the FIRST (230),
# rendered while the file of message ID is away: its line in the cache
# comes through the run as it was, and the run read no message again
# (search-read).
append_from_cache() {
	cached "$1" >"$T/line"
	[ -s "$T/line" ]
	AWAY=$(grep -l "^Message-ID: <$1@" "$D"/archive/cur/*)
	rm -rf "$T/more"
	python3 "$GEN" "$2" "$T/more" --seed 5 --gap 600 --start "${3:-230}"
	render_away sp "$T"/more/cur/*
	AWAY=
	cached "$1" | diff "$T/line" -
	[ "$(render_stat search-read)" = 0 ]
}

# cached ID - the cache's line of message ID (its terms...).
cached() {
	cat "$D"/state/search/2018-01* | awk -F'\t' -v id="$1@" \
		'index($1, id) == 1'
}

@test "search parts: a month of 230 is nine parts; new mail rewrites the last and adds one, from the cache" {
	python3 "$GEN" 230 "$D/archive" --seed 5 --gap 600
	notmuch_index sp
	MAILARC_RENDER_STATS=1 mailarc-render sp >/dev/null 2>"$T/err"
	# Each part's terms from the messages its pages parsed, none read
	# again (a part's fresh file: search_add()).
	[ "$(render_stat search-read)" = 0 ]
	segs >"$T/before"
	[ "$(cut -d' ' -f1 "$T/before" | tr '\n' ' ')" = \
		"30 25 25 25 25 25 25 25 25 " ]
	[ "$(ls "$D/state/search" | tr '\n' ' ')" = \
		"2018-01 2018-01.1 2018-01.2 2018-01.3 2018-01.4 2018-01.5 2018-01.6 2018-01.7 2018-01.8 " ]
	ls -i "$D"/state/search/2018-01 "$D"/state/search/2018-01.[1-7] \
		>"$T/inodes"
	# The last part's first message, its file away: the run that adds
	# to its part must take its terms from the cache. 250: ten parts.
	append_from_cache bench-5-200 20
	segs >"$T/after"
	[ "$(cut -d' ' -f1 "$T/after" | tr '\n' ' ')" = \
		"25 25 25 25 25 25 25 25 25 25 " ]
	# Parts 0 to 7 kept, their caches untouched; the run wrote two
	# segments and the list.
	diff <(tail -n 8 "$T/before") <(tail -n 8 "$T/after")
	ls -i "$D"/state/search/2018-01 "$D"/state/search/2018-01.[1-7] |
		diff "$T/inodes" -
	grep '/search/' "$T/out" | sed 's,/[^/]*$,,' | sort -u >"$T/dirs"
	[ "$(wc -l <"$T/dirs")" -eq 3 ]
	grep -q "search/2018-01.$(sed -n 1p "$T/after" | cut -d' ' -f2)\$" \
		"$T/dirs"
	grep -q "search/2018-01.$(sed -n 2p "$T/after" | cut -d' ' -f2)\$" \
		"$T/dirs"
	full_equals
	# Five more stay with the last part; a sixth (a quarter of 25) is
	# a part of its own. The nine full parts are kept each time.
	append_from_cache bench-5-225 5 250
	[ "$(segs | cut -d' ' -f1 | tr '\n' ' ')" = \
		"30 25 25 25 25 25 25 25 25 25 " ]
	diff <(tail -n 9 "$T/after") <(segs | tail -n 9)
	append_from_cache bench-5-225 1 255
	[ "$(segs | cut -d' ' -f1 | tr '\n' ' ')" = \
		"6 25 25 25 25 25 25 25 25 25 25 " ]
	diff <(tail -n 9 "$T/after") <(segs | tail -n 9)
	full_equals
}

@test "search parts: a message into the middle, and a deletion, rewrite the parts from theirs on" {
	python3 "$GEN" 230 "$D/archive" --seed 5 --gap 600
	notmuch_index sp
	mailarc-render sp >/dev/null
	segs >"$T/before"
	ls -i "$D"/state/search/2018-01 "$D"/state/search/2018-01.[1-3] \
		>"$T/inodes"
	# Dated as bench-5-110, the 111th, so after it: into part 4.
	date=$(python3 - "$D/site/search/index.json" "$D/site/search" <<'EOF'
import json, sys, email.utils
ix = json.load(open(sys.argv[1]))
segs = [s for s in ix["segments"] if s["m"] == "2018-01"][::-1]
p4 = segs[4]
docs = json.load(open("%s/%s.%s/d0.json" % (sys.argv[2], p4["m"], p4["h"])))
assert docs[10][1].endswith("bench-5-110@bench.example"), docs[10]
print(email.utils.formatdate(docs[10][0]))
EOF
)
	dated_mail "$T/mid" "$date" zz-mid
	render_away sp "$T/mid"
	[ "$(render_stat search-read)" = 0 ]
	segs >"$T/after"
	[ "$(cut -d' ' -f1 "$T/after" | tr '\n' ' ')" = \
		"6 25 25 25 25 25 25 25 25 25 " ]
	diff <(tail -n 4 "$T/before") <(tail -n 4 "$T/after")
	run ! diff <(tail -n 5 "$T/before") <(tail -n 5 "$T/after")
	ls -i "$D"/state/search/2018-01 "$D"/state/search/2018-01.[1-3] |
		diff "$T/inodes" -
	full_equals
	# A deletion in part 2: parts 0 and 1 kept, the last part's
	# message count back to 30.
	segs >"$T/before"
	ls -i "$D"/state/search/2018-01 "$D"/state/search/2018-01.1 \
		>"$T/inodes"
	mailarc delete sp bench-5-60@bench.example >/dev/null
	segs >"$T/after"
	[ "$(cut -d' ' -f1 "$T/after" | tr '\n' ' ')" = \
		"30 25 25 25 25 25 25 25 25 " ]
	diff <(tail -n 2 "$T/before") <(tail -n 2 "$T/after")
	run ! diff <(tail -n 3 "$T/before") <(tail -n 3 "$T/after")
	ls -i "$D"/state/search/2018-01 "$D"/state/search/2018-01.1 |
		diff "$T/inodes" -
	full_equals
	# Down to 201: the ninth part and its cache go, and the one left
	# over stays with the eighth.
	ls -i "$D"/state/search/2018-01.[1-6] >"$T/inodes"
	mailarc delete sp $(seq -f 'bench-5-%g@bench.example' 200 228) \
		>/dev/null
	[ "$(segs | cut -d' ' -f1 | tr '\n' ' ')" = \
		"26 25 25 25 25 25 25 25 " ]
	ls -i "$D"/state/search/2018-01.[1-6] | diff "$T/inodes" -
	full_equals
}

@test "search parts: a month that was one segment, or in parts of another size, is cut again from its cache" {
	python3 "$GEN" 230 "$D/archive" --seed 5 --gap 600
	notmuch_index sp
	MAILARC_SEARCH_PART=8192 mailarc-render sp >/dev/null
	[ "$(segs | cut -d' ' -f1)" = 230 ]
	[ "$(ls "$D/state/search")" = 2018-01 ]
	append_from_cache bench-5-3 1
	[ "$(segs | cut -d' ' -f1 | tr '\n' ' ')" = \
		"6 25 25 25 25 25 25 25 25 25 " ]
	full_equals
	# Parts of 23: every part's bounds move (232 is ten parts, the
	# last holding the rest of 2).
	MAILARC_SEARCH_PART=23 append_from_cache bench-5-100 1 231
	[ "$(segs | cut -d' ' -f1 | tr '\n' ' ')" = \
		"25 23 23 23 23 23 23 23 23 23 " ]
	MAILARC_SEARCH_PART=23 full_equals
}
