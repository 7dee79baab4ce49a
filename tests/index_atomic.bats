#!/usr/bin/env bats
# mailarc-index writes a message and its tags in one atomic section: no
# commit may hold a message without its space: and account: tags (the
# renderer would never show it).

load helpers
load lib/store

setup() {
	store_space sales
}

# XAPIAN_FLUSH_THRESHOLD=1 makes libnotmuch commit at the end of every
# outermost atomic section and Xapian at every change made outside one:
# a document written without its tags would be committed on its own.
@test "kill -9 mid-batch with a commit per change: nothing half-tagged" {
	gen_messages "$BATS_TEST_TMPDIR/m" 400
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do deliver "$S" "$f" main; done
	mailarc-dedupe -q sales >/dev/null
	# A first run makes the database (its creation is not what is tested).
	head -n 1 "$S/state/index.queue" >"$BATS_TEST_TMPDIR/q1"
	mv "$S/state/index.queue" "$BATS_TEST_TMPDIR/q"
	cp "$BATS_TEST_TMPDIR/q1" "$S/state/index.queue"
	mailarc-index -q sales >/dev/null
	mv "$BATS_TEST_TMPDIR/q" "$S/state/index.queue"
	# Each run first redoes what the last one left uncommitted: a kill
	# proves something only past that point, so wait for new messages.
	prev=$(nm "$S" count '*')
	mid=0
	for i in $(seq 1 8); do
		XAPIAN_FLUSH_THRESHOLD=1 mailarc-index -q sales >/dev/null 2>&1 &
		pid=$!
		for t in $(seq 1 300); do
			n=$(nm "$S" count '*' 2>/dev/null) || n=0
			[ "$n" -gt $((prev + 2)) ] && break
			sleep 0.05
		done
		sleep "0.0$((RANDOM % 5))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		all=$(nm "$S" count '*')
		[ "$all" -eq "$(nm "$S" count 'tag:space:sales and tag:account:main')" ]
		[ "$all" -lt 400 ] && mid=$((mid + 1))
		prev=$all
		[ "$all" -lt 400 ] || break
	done
	# Kills landed mid-run (else the test proved nothing): on a fast
	# machine the run may finish before the last ones, not before all.
	[ "$mid" -ge 1 ]
	run mailarc-index -q sales
	[ "$status" -eq 0 ]
	[ "$(nm "$S" count '*')" -eq 400 ]
	[ "$(nm "$S" count 'tag:space:sales and tag:account:main')" -eq 400 ]
	[ "$(wc -c <"$S/state/index.queue")" -eq "$(cat "$S/state/index.offset")" ]
}
