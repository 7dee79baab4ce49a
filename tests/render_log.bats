#!/usr/bin/env bats
# The render state on disk (version 4, lib/render/store.c): a manifest at
# SPACE/state/render.state and, beside it in render.state.d/, a file per
# month, per bucket of Message-IDs, of threads and of thread names, each
# under a generation. A run writes only the files whose bytes changed,
# then the manifest, then removes what the manifest no longer names; a
# state of version 3 (one file, with its log) is read once and
# converted; the site stays what --full makes.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

# The space of 300 messages, indexed and rendered once for the file
# (under the sanitizers that is most of a test's time); each test works
# on its own copy, its notmuch config pointed at the copy.
setup_file() {
	export MAILARC_ROOT="$BATS_FILE_TMPDIR/root"
	mkdir -p "$MAILARC_ROOT"
	gen_space logged
	python3 "$GEN" 300 "$D/archive"
	notmuch_index logged
	mailarc-render logged >/dev/null
}

setup() {
	local tpl=$BATS_FILE_TMPDIR/root
	new_root
	cp -a "$tpl/." "$MAILARC_ROOT/"
	notmuch_setup logged
	gen_space_vars logged
}

# add_one N: one more generated message (the Nth), indexed and rendered;
# the run's render-stats line in $BATS_TEST_TMPDIR/err.
add_one() {
	python3 "$GEN" 1 "$BATS_TEST_TMPDIR/add$1" --start "$1"
	cp "$BATS_TEST_TMPDIR/add$1"/cur/* "$D/archive/cur/"
	notmuch_index logged
	MAILARC_RENDER_STATS=1 mailarc-render logged \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
}

# named: the files the manifest names, as they are on disk, sorted.
named() {
	sed '1,/^$/d' "$STATE" | awk '{print $1 "." $2}' | sort
}

# The folder holds exactly what the manifest names.
only_named() {
	named >"$BATS_TEST_TMPDIR/named"
	ls "$STATE.d" | sort >"$BATS_TEST_TMPDIR/there"
	diff "$BATS_TEST_TMPDIR/named" "$BATS_TEST_TMPDIR/there"
}

# The site of the incremental runs equals a --full run's.
same_as_full() {
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render logged --full >/dev/null
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
	only_named
}

@test "render state: a manifest, and files per month and bucket" {
	head -1 "$STATE" | grep -qx 'mailarc-render-state 4'
	grep -qx 'messages 300' "$STATE"
	[ "$(named | grep -c '^m-')" -ge 1 ]
	[ "$(named | grep -c '^i-')" -ge 100 ]
	[ "$(named | grep -c '^t-')" -ge 10 ]
	[ "$(named | grep -c '^n-')" -ge 10 ]
	only_named
}

@test "render state: small runs write a few files each; the site equals --full" {
	for i in 1 2 3 4; do
		add_one $((300 + i))
		# Its month, buckets and names, not the whole state.
		[ "$(render_stat state-files)" -ge 1 ]
		[ "$(render_stat state-files)" -le 12 ]
		only_named
	done
	grep -qx 'messages 304' "$STATE"
	same_as_full
}

@test "render state: what a killed run left is ignored, then removed" {
	gen=$(sed -n 's/^generation //p' "$STATE")
	# A run killed before its manifest: files of the next generation.
	echo 'bogus@example	0123	1	-	-' >"$STATE.d/m-2030-01.$((gen + 1))"
	echo 'bogus@example	1' >"$STATE.d/i-00.$((gen + 1))"
	add_one 301
	run ! grep -rq 'bogus@example' "$D/state"
	only_named
	same_as_full
}

@test "render state: a missing or damaged file makes a full run" {
	# The newest month: a run that adds mail reads it.
	f=$(named | grep '^m-' | tail -1)
	echo 'x' >>"$STATE.d/$f"
	add_one 301
	grep -q 'does not match its manifest' "$BATS_TEST_TMPDIR/err"
	only_named
	rm "$STATE.d"/i-*
	add_one 302
	grep -q 'is missing' "$BATS_TEST_TMPDIR/err"
	only_named
	same_as_full
}

@test "render state: a state of version 3 is read, its thread names kept" {
	# The version 3 file this state stands for: the header, the
	# thread names as "thread" lines, a blank line, the entries.
	{
		echo 'mailarc-render-state 3'
		sed -n '2,/^$/p' "$STATE" | grep -v '^$' |
			grep -v '^\(generation\|messages\|threads\) '
		named | grep '^n-' | while read -r f; do
			sed 's/^/thread /' "$STATE.d/$f"
		done
		echo
		named | grep '^m-' | while read -r f; do
			cut -f1-4 "$STATE.d/$f"
		done
		# A log, its last record cut short by a kill.
		echo '@log'
		printf 'c\t1\t0\n'
		printf 'e\tbogus@example\t0123456789abcdef\t12'
	} >"$BATS_TEST_TMPDIR/v3"
	named | grep '^n-' | while read -r f; do
		cat "$STATE.d/$f"
	done | sort >"$BATS_TEST_TMPDIR/names"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/names")" -gt 20 ]
	rm -rf "$STATE.d"
	mv "$BATS_TEST_TMPDIR/v3" "$STATE"
	add_one 301
	# An incremental run: what came is rendered, nothing else read
	# again from notmuch.
	[ "$(render_stat entries)" -eq 301 ]
	head -1 "$STATE" | grep -qx 'mailarc-render-state 4'
	run ! grep -rq 'bogus@example' "$D/state"
	# Every name the version 3 state had is still there.
	cat "$STATE.d"/n-* | sort >"$BATS_TEST_TMPDIR/now"
	[ -z "$(comm -23 "$BATS_TEST_TMPDIR/names" "$BATS_TEST_TMPDIR/now")" ]
	same_as_full
}

@test "render state: link finds a thread through the buckets" {
	add_one 301
	f=$(named | grep '^m-' | tail -1)
	id=$(tail -1 "$STATE.d/$f" | cut -f1)
	run mailarc link logged "<$id>" --thread
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/t/"* ]]
}
