#!/usr/bin/env bats
# Fetch in batches (#16): POP3 with and without PIPELINING, against a
# pretend maildrop that counts the commands in flight; and the order that
# makes a batch safe, seen with strace against the test Dovecot: the
# messages' bytes are synced before they are renamed into new/, new/ is
# synced before the state records them, and the syncs are per batch, not
# per message.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch

setup_file() {
	dovecot_start
	dovecot_add_users batch:pw-batch
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	fetch_user batch
	fetch_user drop
	mailarc space add s >/dev/null
}

teardown() {
	kill_pidfile "$BATS_TEST_TMPDIR/server.pid"
}

# drop_server N yes|no - the pretend maildrop with N messages, PIPELINING
# offered or not; sets PORT, LOG and ORIG (the messages it serves).
drop_server() {
	PORT=$(free_port)
	LOG=$BATS_TEST_TMPDIR/drop.log
	ORIG=$BATS_TEST_TMPDIR/orig
	: >"$LOG"
	python3 "$TESTS_DIR/lib/pop3_drop.py" "$PORT" "$1" "$2" "$ORIG" \
		"$LOG" 60 &
	echo $! >"$BATS_TEST_TMPDIR/server.pid"
	wait_port "$PORT"
	mailarc account add s/a --protocol pop --host 127.0.0.1 --port "$PORT" \
		--username drop --password-file "$BATS_TEST_TMPDIR/pw-drop" \
		--tls none --no-test >/dev/null 2>&1
}

# most_in_flight - the most commands one session had in flight (wait_port's
# probe is a session too, with none).
most_in_flight() {
	sed -n 's/^in flight: //p' "$LOG" | sort -n | tail -n 1
}

# digests DIR... - the sorted SHA-256 of every file under DIR...
digests() {
	find "$@" -type f -exec sha256sum {} + | cut -d' ' -f1 | sort
}

@test "POP3 without PIPELINING: one command at a time, every message whole" {
	drop_server 300 no
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 300 ]
	grep -qx "retr: 300" "$LOG"
	[ "$(most_in_flight)" -eq 1 ]
	! grep -q violation "$LOG"
	[ "$(digests "$ORIG")" = "$(digests "$MAILARC_ROOT/spaces/s/incoming/.a/new")" ]
	# The UIDLs were recorded: nothing new the second time.
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
	[ "$(tail -n 1 "$LOG")" = "retr: 0" ]
}

@test "POP3 with PIPELINING keeps many RETRs in flight, every message whole" {
	drop_server 1500 yes
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1500 ]
	grep -qx "retr: 1500" "$LOG"
	# Far more than one at a time (it was 16 before #16).
	most=$(most_in_flight)
	echo "most in flight: $most"
	[ "$most" -ge 100 ]
	[ "$(digests "$ORIG")" = "$(digests "$MAILARC_ROOT/spaces/s/incoming/.a/new")" ]
}

@test "a batch is synced before it is in new/, and new/ before the state" {
	command -v strace >/dev/null || skip "strace is not installed"
	dovecot_add_messages batch 1500
	fetch_account s/b imap batch
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq \
		-e trace=openat,syncfs,fsync,fdatasync,rename,renameat,renameat2 \
		-o "$BATS_TEST_TMPDIR/trace" mailarc-fetch -q s/b >/dev/null
	[ "$(spool_count s)" -eq 1500 ]
	python3 - "$BATS_TEST_TMPDIR/trace" <<'PY'
import re, sys
created = {}     # name in tmp/ -> event number of its creation
synced = -1      # event number of the last syncfs
moved = []       # event numbers of renames into new/ since the new/ sync
syncs = 0
dir_synced = -1
for n, line in enumerate(open(sys.argv[1])):
    m = re.search(r'openat\(\d+, "([^"/]+)", O_WRONLY\|O_CREAT', line)
    if m:
        created[m.group(1)] = n
        continue
    if 'syncfs(' in line or 'fsync(' in line or 'fdatasync(' in line:
        syncs += 1
    if 'syncfs(' in line:
        synced = n
        continue
    m = re.search(r'renameat2?\(\d+, "([^"/]+)", \d+, "([^"/]+)"', line)
    if m:
        name = m.group(1)
        assert name in created, line
        assert created[name] < synced, "renamed before a sync: " + line
        moved.append(n)
        continue
    if 'fsync(' in line and moved:
        dir_synced = n
        moved = []
        continue
    if re.search(r'rename\(".*/state/[^"]*", ".*/state/', line):
        assert not moved, "state saved before new/ was synced: " + line
print("syncs:", syncs)
assert len(created) == 1500, len(created)
# A few per batch (up to 4,096 messages), not one per message.
assert syncs <= 20, syncs
PY
}
