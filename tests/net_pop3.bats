#!/usr/bin/env bats
# POP3 without PIPELINING, against a real server: popa3d (Debian's), which
# answers CAPA with -ERR, so it offers no PIPELINING (nor STLS: these
# accounts say tls = none, on 127.0.0.1 only). Dovecot always lists
# PIPELINING and has no setting to drop it, so it cannot serve here. The
# fetch then sends one command at a time; every message arrives once, keep
# mode remembers UIDLs, delete mode empties the maildrop.

bats_require_minimum_version 1.5.0

load helpers
load lib/fetch
load lib/net

setup_file() {
	net_popa3d_start
}

teardown_file() {
	net_popa3d_stop
}

setup() {
	new_root
	printf 'pw-popuser\n' >"$BATS_TEST_TMPDIR/pw"
	chmod 0600 "$BATS_TEST_TMPDIR/pw"
	mailarc space add s >/dev/null
	: >"$POPA3D_MBOX"
}

# add_pop REF [options] - an account for popuser on popa3d.
add_pop() {
	local ref=$1
	shift
	mailarc account add "$ref" --protocol pop --host 127.0.0.1 \
		--port "$POPA3D_PORT" --username popuser --tls none \
		--password-file "$BATS_TEST_TMPDIR/pw" --no-test "$@" \
		>/dev/null 2>&1
}

# ids - the Message-IDs in the space's incoming mail, sorted.
ids() {
	find "$MAILARC_ROOT/spaces/s/incoming" -type f -path '*/new/*' \
		-exec grep -h '^Message-ID:' {} + | tr -d '\r' | sort
}

@test "the server really has no PIPELINING: CAPA is refused" {
	run python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
f = s.makefile("rwb")
f.readline()
f.write(b"CAPA\r\n"); f.flush()
print(f.readline().decode().strip())
f.write(b"QUIT\r\n"); f.flush()' "$POPA3D_PORT"
	echo "$output"
	[[ "$output" == "-ERR"* ]]
}

@test "keep mode: every message once, one command at a time; a rerun takes only new mail" {
	net_popa3d_add 40 1
	add_pop s/p
	run mailarc-fetch s/p
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(spool_count s)" -eq 40 ]
	[ "$(ids | uniq | wc -l)" -eq 40 ]
	diff <(ids) <(for i in $(seq 1 40); do echo "Message-ID: <pop$i@net.test>"; done | sort)
	# Nothing new: nothing fetched. Then two more arrive.
	run mailarc-fetch s/p
	[ "$status" -eq 0 ]
	[ "$(spool_count s)" -eq 40 ]
	net_popa3d_add 2 41
	run mailarc-fetch s/p
	[ "$status" -eq 0 ]
	[ "$(spool_count s)" -eq 42 ]
	[ "$(ids | uniq | wc -l)" -eq 42 ]
	# Kept on the server.
	[ "$(grep -c '^From sender' "$POPA3D_MBOX")" -eq 42 ]
	# Test Connection shows what the server said about CAPA.
	run mailarc account test s/p
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"42 messages"* ]]
}

@test "delete mode: every message once, then the maildrop is empty" {
	net_popa3d_add 25 100
	add_pop s/d --on-server delete
	run mailarc-fetch s/d
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(spool_count s)" -eq 25 ]
	[ "$(ids | uniq | wc -l)" -eq 25 ]
	[ "$(grep -c '^From sender' "$POPA3D_MBOX" || true)" -eq 0 ]
}
