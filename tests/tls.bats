#!/usr/bin/env bats
# Secrets and plain text: pop and imap must upgrade with STARTTLS unless the
# account says tls = none by name; a password or token never goes over an
# unencrypted connection otherwise. Against a Dovecot without TLS (ssl = no)
# and a pretend server that records every byte it is sent. Also: programs
# that hold a secret cannot dump core, and a failed "account add" says so
# once.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch

setup_file() {
	DOVECOT_SSL=no dovecot_start
	dovecot_add_users plain:pw-plain
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	fetch_user plain
	mailarc space add s >/dev/null
}

teardown() {
	kill_pidfile "$BATS_TEST_TMPDIR/server.pid"
	kill_pidfile "$BATS_TEST_TMPDIR/client.pid"
	if [ -f "$BATS_TEST_TMPDIR/shared" ]; then
		case $(cat "$BATS_TEST_TMPDIR/shared") in
		/tmp/mailarc-tls.*) rm -rf "$(cat "$BATS_TEST_TMPDIR/shared")" ;;
		esac
	fi
}

# plain_server PROTO MODE - start the pretend server; sets PORT and LOG.
plain_server() {
	PORT=$(free_port)
	LOG=$BATS_TEST_TMPDIR/received-$1-$2
	: >"$LOG"
	python3 "$TESTS_DIR/lib/plain_server.py" "$1" "$2" "$PORT" "$LOG" 30 &
	echo $! >"$BATS_TEST_TMPDIR/server.pid"
	wait_port "$PORT"
}

# secret_sent FILE - whether FILE holds the password "pw-plain" or a login
# command, as typed or base64 (SASL PLAIN and LOGIN encode it).
secret_sent() {
	local b64 plain64
	b64=$(printf 'pw-plain' | base64)
	plain64=$(printf '\0plain\0pw-plain' | base64)
	grep -a -q -i -e 'pw-plain' -e "$b64" -e "$plain64" \
		-e '^[^ ]* LOGIN' -e '^[^ ]* AUTHENTICATE' -e '^USER' \
		-e '^PASS' -e '^AUTH' "$1"
}

@test "the default refuses a server that offers no STARTTLS; Dovecot sees no login" {
	for proto in imap pop; do
		mailarc account add s/$proto --protocol $proto --host 127.0.0.1 \
			--port "$(fetch_port $proto)" --username plain \
			--password-file "$BATS_TEST_TMPDIR/pw-plain" --no-test \
			>/dev/null
		run mailarc-fetch s/$proto
		echo "$output"
		[ "$status" -eq 69 ]
		grep -q "does not offer STARTTLS and TLS is required" <<<"$output"
		grep -q "no password or token was sent" <<<"$output"
		run mailarc account test s/$proto
		[ "$status" -eq 69 ]
	done
	# Dovecot names the user of every login it is sent; it saw none.
	! grep -q 'user=<plain>' "$DOVECOT_DIR/dovecot.log"
	[ "$(spool_count s)" -eq 0 ]
}

@test "the old tls = auto is required now" {
	mailarc account add s/a --protocol imap --host 127.0.0.1 \
		--port "$DOVECOT_IMAP_PORT" --username plain --tls auto \
		--password-file "$BATS_TEST_TMPDIR/pw-plain" --no-test \
		2>"$BATS_TEST_TMPDIR/err"
	grep -q "tls = auto is deprecated" "$BATS_TEST_TMPDIR/err"
	run mailarc-fetch s/a
	[ "$status" -eq 69 ]
	! grep -q 'user=<plain>' "$DOVECOT_DIR/dovecot.log"
}

@test "no login bytes reach a server that strips or refuses STARTTLS" {
	for proto in imap pop; do
		for mode in nostarttls refuse; do
			plain_server $proto $mode
			mailarc account remove s/a >/dev/null 2>&1 || true
			mailarc account add s/a --protocol $proto \
				--host 127.0.0.1 --port "$PORT" \
				--username plain --no-test \
				--password-file "$BATS_TEST_TMPDIR/pw-plain" \
				>/dev/null
			run mailarc-fetch --timeout 5 s/a
			echo "$proto $mode: $output"
			[ "$status" -eq 69 ]
			run mailarc account test s/a
			[ "$status" -eq 69 ]
			# The client did talk (greeting, capabilities) ...
			[ -s "$LOG" ]
			# ... but never a login or the password.
			cat -A "$LOG"
			! secret_sent "$LOG"
			kill_pidfile "$BATS_TEST_TMPDIR/server.pid"
		done
	done
}

@test "control: with tls = none the pretend server does get the password" {
	# Shows that the recording above would have caught a login.
	for proto in imap pop; do
		plain_server $proto nostarttls
		mailarc account remove s/a >/dev/null 2>&1 || true
		mailarc account add s/a --protocol $proto --host 127.0.0.1 \
			--port "$PORT" --username plain --tls none --no-test \
			--password-file "$BATS_TEST_TMPDIR/pw-plain" 2>/dev/null
		run mailarc account test s/a
		echo "$output"
		secret_sent "$LOG"
		kill_pidfile "$BATS_TEST_TMPDIR/server.pid"
	done
}

@test "tls = none works, and add, fetch and status say it is plain text" {
	printf 'From: a@example.org\r\nSubject: plain\r\n\r\nplain\r\n' |
		dovecot_add_message plain
	for proto in imap pop; do
		run --separate-stderr mailarc account add s/$proto \
			--protocol $proto --host 127.0.0.1 \
			--port "$(fetch_port $proto)" --username plain \
			--password-file "$BATS_TEST_TMPDIR/pw-plain" --tls none
		echo "$output"
		echo "$stderr"
		[ "$status" -eq 0 ]
		grep -q "connection test passed" <<<"$output"
		grep -q '^tls .*none (plain text: tls = none)' <<<"$output"
		grep -q "warning: .*tls = none: the password will be sent to 127.0.0.1 in plain text" <<<"$stderr"
		run mailarc-fetch s/$proto
		[ "$status" -eq 0 ]
		grep -q "warning: .*tls = none" <<<"$output"
	done
	[ "$(spool_count s)" -eq 2 ]
	run mailarc status s
	[ "$status" -eq 0 ]
	[ "$(grep -c 'warning: tls = none: the password goes to 127.0.0.1 in plain text' <<<"$output")" -eq 2 ]
	run mailarc status --json s
	[ "$(grep -c '"tls": "none"' <<<"$output")" -eq 2 ]
}

@test "tls = none is refused where it makes no sense (pops, imaps, OAuth)" {
	run mailarc account add s/a --protocol imaps --host 127.0.0.1 \
		--username plain --password-file "$BATS_TEST_TMPDIR/pw-plain" \
		--tls none --no-test
	[ "$status" -eq 78 ]
	grep -q "tls = none is only for pop and imap" <<<"$output"
	run mailarc account add s/a --protocol imap --host 127.0.0.1 \
		--username plain --auth oauth2 --oauth-provider generic \
		--token-url https://127.0.0.1/token --scope x --tls none --no-test
	[ "$status" -eq 78 ]
	grep -q "tls = none cannot be used with auth oauth2" <<<"$output"
	[ ! -e "$MAILARC_ROOT/spaces/s/accounts/a.conf" ]
}

# The core limit of a running process, hard and soft: "0 0" when off.
core_limit() {
	awk '/^Max core file size/ { print $5, $6 }' "/proc/$1/limits"
}

# wait_client - wait (bounded) until the client under test has connected
# to the stalling server: the second connection it logged, since the first
# is wait_port's probe. By then the client is past its start-up.
wait_client() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c connected "$LOG")" -ge 2 ] && return 0
		sleep 0.1
	done
	echo "the client did not connect" >&2
	return 1
}

@test "mailarc-fetch and account test run without core dumps" {
	plain_server imap stall
	mailarc account add s/a --protocol imap --host 127.0.0.1 \
		--port "$PORT" --username plain --no-test \
		--password-file "$BATS_TEST_TMPDIR/pw-plain" >/dev/null
	for cmd in "mailarc-fetch --timeout 10 s/a" "mailarc account test s/a"; do
		echo "# connected (probe)" >"$LOG"
		MAILARC_TIMEOUT=10 $cmd >/dev/null 2>&1 &
		pid=$!
		echo $pid >"$BATS_TEST_TMPDIR/client.pid"
		wait_client
		limit=$(core_limit $pid)
		kill $pid
		wait $pid || true
		echo "$cmd: core limit '$limit'"
		[ "$limit" = "0 0" ]
	done
}

@test "mailarc-fetch run by an ordinary user is not dumpable (no ptrace, no /proc/PID/mem)" {
	# /proc/PID/* belong to root instead of the process's user exactly
	# when the process is not dumpable (proc(5)); as root every process
	# would look the same, so this one runs as nobody.
	plain_server imap stall
	shared=$(mktemp -d /tmp/mailarc-tls.XXXXXX)
	chmod 0755 "$shared"
	echo "$shared" >"$BATS_TEST_TMPDIR/shared"
	export MAILARC_ROOT=$shared/root
	mkdir "$MAILARC_ROOT"
	mailarc space add s >/dev/null
	cp "$BATS_TEST_TMPDIR/pw-plain" "$shared/pw"
	mailarc account add s/a --protocol imap --host 127.0.0.1 \
		--port "$PORT" --username plain --no-test \
		--password-file "$shared/pw" >/dev/null
	chown -R nobody:nogroup "$shared"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		mailarc-fetch --timeout 10 s/a >/dev/null 2>&1 &
	pid=$!
	echo $pid >"$BATS_TEST_TMPDIR/client.pid"
	wait_client
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
	owner=$(stat -c %u "/proc/$pid/status")
	kill $pid
	wait $pid || true
	rm -rf "$shared"
	echo "process uid $uid, /proc/$pid/status owner $owner"
	[ "$uid" = 65534 ]
	[ "$owner" = 0 ]
}

@test "a failed account add prints one error and one 'not saved' line, nothing else" {
	for proto in imap pop; do
		run --separate-stderr mailarc account add s/$proto \
			--protocol $proto --host 127.0.0.1 \
			--port "$(fetch_port $proto)" --username plain \
			--password-file "$BATS_TEST_TMPDIR/pw-plain"
		echo "$stderr"
		[ "$status" -eq 69 ]
		[ "$(wc -l <<<"$stderr")" -eq 2 ]
		grep -q "does not offer STARTTLS" <<<"${stderr_lines[0]}"
		grep -q "'s/$proto' was not saved" <<<"${stderr_lines[1]}"
		! grep -q "does not exist" <<<"$stderr"
		[ ! -e "$MAILARC_ROOT/spaces/s/accounts/$proto.conf" ]
	done
}

@test "a failed OAuth account add says to save it first, and that advice works" {
	run --separate-stderr mailarc account add s/o --protocol imaps \
		--host 127.0.0.1 --port "$(free_port)" --username plain \
		--auth oauth2 --oauth-provider generic --scope mail \
		--token-url http://127.0.0.1:9/token
	echo "$stderr"
	[ "$status" -eq 77 ]
	[ "$(wc -l <<<"$stderr")" -eq 2 ]
	grep -q "no refresh token" <<<"${stderr_lines[0]}"
	grep -q "'s/o' was not saved: save it with --no-test, then run 'mailarc-oauth-token authorize s/o'" \
		<<<"${stderr_lines[1]}"
	# Following the advice: the account exists for mailarc-oauth-token.
	mailarc account add s/o --protocol imaps --host 127.0.0.1 \
		--username plain --auth oauth2 --oauth-provider generic \
		--scope mail --token-url http://127.0.0.1:9/token --no-test \
		2>/dev/null
	run mailarc-oauth-token --info s/o
	echo "$output"
	! grep -q "does not exist" <<<"$output"
}
