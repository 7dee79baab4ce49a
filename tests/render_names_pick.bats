#!/usr/bin/env bats
# An incremental run reads the thread names of the threads it renders,
# not every name of their names' buckets (a bucket holds a 256th of
# every name the site ever published: 1,300 at a million messages), and
# writes each bucket back with its other names as they were: the same
# bytes a full run writes.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

# One space for the file (4,500 messages take half a minute to index and
# render under the sanitizers); each test adds its own messages and
# counts what the index holds, so either can run alone.
setup_file() {
	export MAILARC_ROOT="$BATS_FILE_TMPDIR/root"
	mkdir -p "$MAILARC_ROOT"
	gen_space big
	export D STATE GEN
	for k in 0 1 2; do
		python3 "$GEN" 1500 "$BATS_FILE_TMPDIR/g$k" --start $((k * 4000))
		cp "$BATS_FILE_TMPDIR/g$k"/cur/* "$D/archive/cur/"
	done
	notmuch_index big
	mailarc-render big >/dev/null
}

# count: the messages the index holds.
count() {
	notmuch --config="$D/notmuch/config" count '*'
}

# names_files: the name buckets' lines, each after its bucket's key.
names_files() {
	local f
	for f in "$STATE".d/n-*; do
		sed "s|^|${f##*/}: |; s|^\(n-..\)\.[0-9]*:|\1:|" "$f"
	done | LC_ALL=C sort
}

@test "render names: an incremental run holds the names it renders" {
	before=$(count)
	python3 "$GEN" 12 "$BATS_TEST_TMPDIR/add" --start 12000
	cp "$BATS_TEST_TMPDIR/add"/cur/* "$D/archive/cur/"
	notmuch_index big
	MAILARC_RENDER_STATS=1 mailarc-render big >/dev/null \
		2>"$BATS_TEST_TMPDIR/err"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$(count)" -eq $((before + 12)) ]
	grep -q "$(count) messages in" "$D/site/index.html"
	# Read part of the state, so it picked names.
	[ "$(render_stat entries)" -lt 4000 ]
	threads=$(ls "$D"/site/t/*/*.html | wc -l)
	[ "$threads" -gt 1000 ]
	# A dozen messages render a dozen threads or fewer: their names,
	# not the 5 or so more of each bucket.
	echo "names held: $(render_stat names)"
	[ "$(render_stat names)" -le 12 ]
	names_files >"$BATS_TEST_TMPDIR/inc"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/inc")" -gt 1000 ]
	mailarc-render --full big >/dev/null
	names_files >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}

@test "render names: a damaged name bucket makes the run render everything" {
	before=$(count)
	python3 "$GEN" 3 "$BATS_TEST_TMPDIR/add" --start 12100
	cp "$BATS_TEST_TMPDIR/add"/cur/* "$D/archive/cur/"
	notmuch_index big
	for f in "$STATE".d/n-*; do
		printf 'x\n' >>"$f"
	done
	MAILARC_RENDER_STATS=1 mailarc-render big >/dev/null \
		2>"$BATS_TEST_TMPDIR/err"
	cat "$BATS_TEST_TMPDIR/err"
	grep -q 'does not match its manifest' "$BATS_TEST_TMPDIR/err"
	[ "$(count)" -eq $((before + 3)) ]
	grep -q "$(count) messages in" "$D/site/index.html"
	[ "$(render_stat entries)" -eq "$(count)" ]
	! names_files | grep -q ': x$'
}
