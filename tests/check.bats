#!/usr/bin/env bats
# mailarc check: archive, index, tombstones and site agree; --repair mends
# what can be mended.

load helpers
load lib/store

setup() {
	store_space sales
	gen_messages "$BATS_TEST_TMPDIR/in" 6 chk
	mailarc import sales "$BATS_TEST_TMPDIR/in" >/dev/null
	# A Message-ID shared by two different messages: both archived, one
	# notmuch message with two files.
	mailarc import sales "$CORPUS/same-id-1.eml" "$CORPUS/same-id-2.eml" \
		>/dev/null 2>&1
}

# archived_of ID - the path of one archived file of message ID.
archived_of() {
	grep -l "^Message-ID: <$1>" "$S"/archive/new/* "$S"/archive/cur/* \
		2>/dev/null | head -n 1
}

@test "a healthy space passes" {
	run mailarc check sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"8 archived files, 7 indexed messages (8 files), 7 pages, 7 searchable, 0 tombstones: all agree"* ]]
}

@test "check --help and a missing space" {
	run mailarc check --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: mailarc check SPACE [--repair]"* ]]
	run mailarc check
	[ "$status" -eq 64 ]
	run mailarc check nosuch
	[ "$status" -ne 0 ]
	[ "$status" -ne 65 ]
}

@test "an indexed file removed from archive/ is reported; --repair forgets it" {
	f=$(archived_of chk-1@gen.example)
	mv "$f" "$BATS_TEST_TMPDIR/"
	run mailarc check sales
	[ "$status" -eq 65 ]
	[[ "$output" == *"indexed but not archived: archive/new/$(basename "$f") <chk-1@gen.example>"* ]]
	[[ "$output" == *": 1 differences"* ]]
	run mailarc check sales --repair
	[ "$status" -eq 0 ]
	[[ "$output" == *"repairing space sales"* ]]
	[[ "$output" == *"6 indexed messages"*"all agree"* ]]
	[ ! -e "$S/site/m/"*/"chk-1@gen.example.html" ]
	[ "$(nm "$S" count id:chk-1@gen.example)" -eq 0 ]
}

@test "a page removed from site/m is reported; --repair renders it again" {
	rm "$S/site/m/"*/"chk-2@gen.example.html"
	run mailarc check sales
	[ "$status" -eq 65 ]
	[[ "$output" == *"no page: $(mrel sales chk-2@gen.example) <chk-2@gen.example>"* ]]
	run mailarc check sales --repair
	[ "$status" -eq 0 ]
	[ -f "$S/site/m/"*/"chk-2@gen.example.html" ]
	run mailarc check sales
	[ "$status" -eq 0 ]
}

@test "the search index: a message left out, a document of nothing and one listed twice are reported; --repair writes it again" {
	# Edit the segment's documents (docs/format.md): chk-2 out, a
	# document of nothing in, chk-3 twice.
	d=$(ls -d "$S"/site/search/*.*/ | head -n 1)
	python3 - "$d/d0.json" <<'EOF2'
import json, sys
rows = json.load(open(sys.argv[1]))
out = [r for r in rows if "chk-2@" not in r[1]]
assert len(out) == len(rows) - 1
nothing = list(out[0]); nothing[1] = "00/nothing@example.com"
dup = [r for r in out if "chk-3@" in r[1]][0]
out += [nothing, dup]
open(sys.argv[1], "w").write(
    "[" + ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":"))
                     for r in out) + "]\n")
EOF2
	run mailarc check sales
	echo "$output"
	[ "$status" -eq 65 ]
	[[ "$output" == *"not in the search index: $(mrel sales chk-2@gen.example) <chk-2@gen.example>"* ]]
	[[ "$output" == *"stray in the search index: $(mrel sales nothing@example.com)"* ]]
	[[ "$output" == *"stray in the search index: $(mrel sales chk-3@gen.example) (twice)"* ]]
	[[ "$output" == *"8 searchable"*"3 differences"* ]]
	run mailarc check sales --repair
	[ "$status" -eq 0 ]
	[[ "$output" == *"7 searchable, 0 tombstones: all agree"* ]]
}

@test "a stray page is reported; --repair removes it" {
	p=$(mrel sales nothing@example.com)
	mkdir -p "$S/site/$(dirname "$p")"
	echo '<p>old</p>' >"$S/site/$p"
	run mailarc check sales
	[ "$status" -eq 65 ]
	[[ "$output" == *"stray page: $p"* ]]
	run mailarc check sales --repair
	[ "$status" -eq 0 ]
	[ ! -e "$S/site/$p" ]
}

@test "an archived file the index lost is reported; --repair indexes it" {
	f=$(archived_of chk-3@gen.example)
	# Break the index by hand: notmuch forgets the file while it is
	# away, then it comes back.
	mv "$f" "$BATS_TEST_TMPDIR/"
	nm "$S" new --quiet
	mv "$BATS_TEST_TMPDIR/$(basename "$f")" "$f"
	run mailarc check sales
	[ "$status" -eq 65 ]
	[[ "$output" == *"not indexed: archive/new/$(basename "$f")"* ]]
	run mailarc check sales --repair
	[ "$status" -eq 0 ]
	[ "$(nm "$S" count id:chk-3@gen.example)" -eq 1 ]
	[ "$(nm "$S" count tag:space:sales and id:chk-3@gen.example)" -eq 1 ]
	run mailarc search sales --output=messages id:chk-3@gen.example
	[ "$status" -eq 0 ]
	[ "$output" = "id:chk-3@gen.example" ]
}

@test "a space without its notmuch database: every file reported, --repair rebuilds" {
	rm -rf "$S/notmuch"
	run mailarc check sales
	[ "$status" -eq 65 ]
	[ "$(grep -c '^not indexed: archive/' <<<"$output")" -eq 8 ]
	run mailarc check sales --repair
	[ "$status" -eq 0 ]
	[[ "$output" == *"8 archived files, 7 indexed messages (8 files)"*"all agree"* ]]
}

@test "a deleted message's removed page is no stray; a tombstoned archived one is reported" {
	run mailarc delete sales chk-4@gen.example
	[ "$status" -eq 0 ]
	[ -f "$S/site/m/"*/"chk-4@gen.example.html" ]
	run mailarc check sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 tombstones: all agree"* ]]
	# A tombstone written by hand for a message that stays archived.
	printf '2026-11-22T18:00:00Z\tchk-5@gen.example\t-\t-\n' \
		>>"$S/tombstones"
	run mailarc check sales
	[ "$status" -eq 65 ]
	[[ "$output" == *"tombstoned but archived: chk-5@gen.example"* ]]
	# Not repairable: deleting is the administrator's decision.
	run mailarc check sales --repair
	[ "$status" -eq 65 ]
}

@test "many differences: 100 lines, then a count" {
	mkdir -p "$S/site/m/00"
	for i in $(seq 1 130); do
		: >"$S/site/m/00/stray-$i@example.com.html"
	done
	run mailarc check sales
	[ "$status" -eq 65 ]
	[ "$(grep -c '^stray page: ' <<<"$output")" -eq 100 ]
	[[ "$output" == *"... and 30 more differences"* ]]
	[[ "$output" == *": 130 differences"* ]]
}
