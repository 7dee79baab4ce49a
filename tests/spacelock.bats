#!/usr/bin/env bats
# mailarc rebuild and mailarc check --repair hold the space's index lock
# around what they change: an index run going on makes them stop (or wait
# with --wait), and the stages they run themselves share the lock instead
# of waiting for their own parent.

load helpers
load lib/store

setup() {
	store_space sales
	gen_messages "$BATS_TEST_TMPDIR/in" 4 lock
	mailarc import sales "$BATS_TEST_TMPDIR/in" >/dev/null
	LOCK=$S/state/index.lock
}

teardown() {
	[ -n "${HOLDER:-}" ] && kill "$HOLDER" 2>/dev/null
	wait 2>/dev/null || true
}

# hold_index SECONDS - another process holds the index lock (as a running
# mailarc-index does) for SECONDS; returns once it holds it.
hold_index() {
	rm -f "$BATS_TEST_TMPDIR/held"
	# -o: the lock stays with flock itself, so killing it releases it;
	# its shell then ends too (it watches flock, its parent), and holds
	# none of bats' descriptors: bats does not wait 30 s for a sleep
	# left behind at the end of the file.
	flock -o "$LOCK" -c "touch '$BATS_TEST_TMPDIR/held'
		for i in \$(seq $(($1 * 10))); do
			kill -0 \$PPID 2>/dev/null || exit 0
			sleep 0.1
		done" >/dev/null 2>&1 3>&- &
	HOLDER=$!
	for _ in $(seq 100); do
		[ -e "$BATS_TEST_TMPDIR/held" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "rebuild: an index run going on refuses it clearly; nothing is moved" {
	hold_index 30
	run timeout 60 mailarc rebuild sales
	[ "$status" -eq 75 ]
	[[ "$output" == *"index of the space is busy"* ]]
	[ -d "$S/notmuch" ]
	[ ! -e "$S/notmuch.old" ]
}

@test "rebuild --wait waits for the index run, then rebuilds (its own index run does not wait for it)" {
	hold_index 2
	start=$(date +%s)
	run timeout 60 mailarc --wait rebuild sales
	[ "$status" -eq 0 ]
	[ $(($(date +%s) - start)) -ge 1 ]
	[ ! -e "$S/notmuch.old" ]
	run mailarc check sales
	[ "$status" -eq 0 ]
}

@test "the lock is handed down only as that lock: another descriptor named does not pass" {
	hold_index 30
	# A descriptor of another file in the environment is not the lock.
	MAILARC_LOCK_FD=0 run timeout 60 mailarc check --repair sales
	[ "$status" -eq 75 ]
	[[ "$output" == *"index of the space is busy"* ]]
	MAILARC_LOCK_FD=0 run timeout 60 mailarc-index sales
	[ "$status" -eq 75 ]
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	HOLDER=
	# After a rebuild the lock is free again: not left with a stage.
	run timeout 60 mailarc rebuild sales
	[ "$status" -eq 0 ]
	run timeout 10 flock -n "$LOCK" true
	[ "$status" -eq 0 ]
}

@test "rebuild: its mailarc-index runs with the lock held for it, the database moved aside" {
	# The programs beside a copy of mailarc, with a mailarc-index that
	# first notes whether the index lock is free to another process.
	bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	cp "$MAILARC_BUILD"/bin/* "$bin"/
	mv "$bin/mailarc-index" "$bin/mailarc-index.real"
	cat >"$bin/mailarc-index" <<-EOS
		#!/bin/sh
		if flock -n "$LOCK" true; then echo free; else echo held; fi \
			>"$BATS_TEST_TMPDIR/seen"
		[ -e "$S/notmuch.old" ] && echo aside >>"$BATS_TEST_TMPDIR/seen"
		exec "$bin/mailarc-index.real" "\$@"
	EOS
	chmod +x "$bin/mailarc-index"
	run timeout 60 "$bin/mailarc" rebuild sales
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/seen")" = "held
aside" ]
	[ ! -e "$S/notmuch.old" ]
	run timeout 10 flock -n "$LOCK" true
	[ "$status" -eq 0 ]
}

@test "check --repair: an index run going on refuses it; plain check does not lock" {
	hold_index 30
	run timeout 60 mailarc check --repair sales
	[ "$status" -eq 75 ]
	[[ "$output" == *"index of the space is busy"* ]]
	run timeout 60 mailarc check sales
	[ "$status" -eq 0 ]
}

@test "check --repair --wait waits, then repairs under the lock it shares with its stages" {
	f=$(ls "$S"/archive/new/* "$S"/archive/cur/* 2>/dev/null | head -n 1)
	[ -n "$f" ]
	# The index loses nothing but the check must find a difference:
	# remove the database so every file is unindexed.
	rm -rf "$S/notmuch"
	hold_index 2
	run timeout 120 mailarc --wait check --repair sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"repairing space sales"* ]]
	run mailarc check sales
	[ "$status" -eq 0 ]
}
