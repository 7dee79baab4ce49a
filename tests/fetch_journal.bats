#!/usr/bin/env bats
# The POP3 fetch state at scale (#16): a maildrop of a few thousand
# messages in the test Dovecot, fetched whole once and only once; a batch
# is recorded by an append to the state's journal, not by a rewrite of the
# whole state file; an older state file (no journal) still loads; and a
# fetch killed at any instant leaves a state that skips nothing.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch

setup_file() {
	dovecot_start
	fetch_users 4
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
}

# state_of ACCOUNT - the state file of s/ACCOUNT.
state_of() {
	echo "$MAILARC_ROOT/spaces/s/state/$1.state"
}

@test "POP3S, 3,000 messages: each fetched once, every UIDL in the state, sorted; nothing the second time" {
	fetch_user u1
	dovecot_add_messages u1 3000
	fetch_snapshot u1 "$BATS_TEST_TMPDIR/orig"
	fetch_account s/a pops u1
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3000 ]
	spool_compare "$BATS_TEST_TMPDIR/orig" s --pop
	st=$(state_of a)
	[ "$(grep -c '^uidl ' "$st")" -eq 3000 ]
	grep '^uidl ' "$st" | LC_ALL=C sort -c
	[ "$(grep '^uidl ' "$st" | sort -u | wc -l)" -eq 3000 ]
	grep -q '^journal [0-9a-f-]*$' "$st"
	# The end of the run folded the journal in.
	[ ! -e "$st.journal" ]
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
	[ "$(spool_count s)" -eq 3000 ]
}

@test "a batch is appended to the journal and synced; the state file is written whole once, at the end" {
	command -v strace >/dev/null || skip "strace is not installed"
	fetch_user u2
	dovecot_add_messages u2 2000
	fetch_account s/b pop u2
	mailarc-fetch -q s/b >/dev/null
	dovecot_add_messages u2 700
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq \
		-e trace=openat,rename,fdatasync,fsync,write \
		-o "$BATS_TEST_TMPDIR/trace" mailarc-fetch -q s/b >/dev/null
	[ "$(spool_count s)" -eq 2700 ]
	python3 - "$BATS_TEST_TMPDIR/trace" <<'PY'
import re, sys
journal_fd = None
appended = synced = False
renames = 0
for line in open(sys.argv[1]):
    m = re.search(r'openat\(.*/state/b\.state\.journal", ([A-Z_|]+).*= (\d+)$', line)
    if m:
        # The fold reads it back (sorted on disk, #16); writes append.
        if 'O_RDONLY' in m.group(1):
            continue
        assert 'O_WRONLY' in m.group(1), line
        journal_fd = m.group(2)
        continue
    if journal_fd and re.search(r'write\(%s, "mailarc-fetch-journal 1 ' % journal_fd, line):
        appended = True
    if journal_fd and appended and re.search(r'fdatasync\(%s\)' % journal_fd, line):
        synced = True
    if re.search(r'rename\(".*/state/b\.state\.tmp\.\d+", ".*/state/b\.state"\)', line):
        # Only the fold at the end of the run, after the batch's append.
        assert synced, "state written whole before the journal: " + line
        renames += 1
print("renames of the state:", renames)
assert appended and synced
assert renames == 1, renames
PY
	# Every UIDL, each once, after the fold.
	[ "$(grep -c '^uidl ' "$(state_of b)")" -eq 2700 ]
	[ ! -e "$(state_of b).journal" ]
}

@test "a state file of the older format (no journal line) loads: nothing is fetched again" {
	fetch_user u3
	dovecot_add_messages u3 500
	fetch_account s/c pop u3
	mailarc-fetch -q s/c >/dev/null
	st=$(state_of c)
	sed -i '/^journal /d' "$st"
	# ... and a journal beside it is not its own: it is never applied.
	printf 'mailarc-fetch-journal 1 1-2-3\nuidl not-taken\n' >"$st.journal"
	dovecot_add_messages u3 20
	run --separate-stderr mailarc-fetch s/c
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
	grep -q '^journal ' "$st"
	! grep -q 'not-taken' "$st"
	[ ! -e "$st.journal" ]
	[ "$(grep -c '^uidl ' "$st")" -eq 520 ]
}

@test "kill -9 during POP3 fetches: the state always loads and never skips a message" {
	fetch_user u4
	dovecot_add_messages u4 2000
	fetch_account s/d pop u4
	st=$(state_of d)
	# A whole first run leaves a main file for later runs to append to;
	# then each run, killed at a random instant, finds 400 new messages
	# (one batch: an append to the journal, then a fold at the end).
	mailarc-fetch -q s/d >/dev/null
	for ((i = 0; i < 6; i++)); do
		dovecot_add_messages u4 400
		mailarc-fetch -q s/d >/dev/null 2>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 $pid 2>/dev/null || true
		rc=0
		wait $pid 2>/dev/null || rc=$?
		# Killed (137) or done (0); never a state it cannot read (a
		# torn journal line is ignored, not guessed at).
		echo "round $i: exit $rc" >&2
		[ $rc -eq 0 ] || [ $rc -eq 137 ] || {
			cat "$BATS_TEST_TMPDIR/err" >&2
			false
		}
	done
	fetch_snapshot u4 "$BATS_TEST_TMPDIR/orig"
	run --separate-stderr mailarc-fetch s/d
	[ "$status" -eq 0 ]
	# Every message on the server is in the spool: nothing recorded was
	# not durable, nothing was skipped. (A message durable but not yet
	# recorded when a kill came may be there twice: dedupe drops it.)
	python3 "$TESTS_DIR/lib/genmail.py" --cover "$BATS_TEST_TMPDIR/orig" -- \
		"$MAILARC_ROOT/spaces/s/incoming"
	[ "$(grep -c '^uidl ' "$st")" -eq 4400 ]
	[ ! -e "$st.journal" ]
	run --separate-stderr mailarc-fetch s/d
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
}

# scripted_pop MODE SPACE - the scripted POP3 server of
# tests/lib/busy_server.py (three messages; MODE in its first session
# only) as account SPACE/e.
scripted_pop() {
	local port
	port=$(free_port)
	fetch_user busy
	python3 "$TESTS_DIR/lib/busy_server.py" pop "$1" "$port" 60 &
	echo $! >"$BATS_TEST_TMPDIR/busy.pid"
	wait_port "$port" 10
	mailarc space add "$2" >/dev/null 2>&1
	mailarc account add "$2/e" --protocol pop --host 127.0.0.1 --port "$port" \
		--username busy --password-file "$BATS_TEST_TMPDIR/pw-busy" \
		--tls none --no-test >/dev/null 2>&1
}

@test "UIDL and LIST must list the same messages: a message without a UIDL is an error, never skipped" {
	for mode in uidl-gap uidl-extra; do
		scripted_pop $mode "${mode#uidl-}"
		run mailarc-fetch "${mode#uidl-}/e"
		echo "$mode: $output"
		[ "$status" -eq 76 ]
		case $mode in
		uidl-gap) [[ "$output" == *"UIDL misses message 2"* ]] ;;
		uidl-extra) [[ "$output" == *"UIDL lists 4 messages, LIST 3"* ]] ;;
		esac
		[ "$(spool_count "${mode#uidl-}")" -eq 0 ]
		# The next session lists all three alike: all are taken.
		run --separate-stderr mailarc-fetch "${mode#uidl-}/e"
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 3 ]
		kill_pidfile "$BATS_TEST_TMPDIR/busy.pid"
	done
}
