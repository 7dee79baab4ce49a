#!/usr/bin/env bats
# A server that offers STARTTLS and then cannot finish it: a real Dovecot
# that lists STARTTLS (IMAP) and STLS (POP3) and accepts the command, but
# whose TLS allows only TLS 1.3 with a cipher suite that OpenSSL clients do
# not offer by default (TLS_AES_128_CCM_8_SHA256), so every handshake
# fails. The fetch stops at the tls step with a clear line (exit 69), and
# Dovecot sees no login: the password is only ever sent after TLS.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch
load lib/net

setup_file() {
	DOVECOT_EXTRA_CONF="ssl_min_protocol = TLSv1.3
ssl_cipher_suites = TLS_AES_128_CCM_8_SHA256" dovecot_start
	dovecot_add_users u1:pw-u1
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	fetch_user u1
}

@test "STARTTLS offered, accepted, then the handshake fails: one clear line, exit 69, no login" {
	local logged i
	# Only what Dovecot logs from here on: not dovecot_start's probes.
	logged=$(wc -c <"$DOVECOT_DIR/dovecot.log")
	for proto in imap pop; do
		fetch_account s/$proto $proto u1
		run mailarc-fetch s/$proto
		echo "$proto fetch: $output"
		[ "$status" -eq 69 ]
		[[ "$output" == *"tls failed: 127.0.0.1 accepted STARTTLS but the TLS handshake failed ("*"); no password or token was sent"* ]]
		[ "$(grep -c error <<<"$output")" -eq 1 ]
		run mailarc account test s/$proto
		echo "$proto test: $output"
		[ "$status" -eq 69 ]
		[[ "$output" == *"accepted STARTTLS but the TLS handshake failed"* ]]
	done
	# Dovecot was in the TLS handshake on each of the four connections
	# when it ended. Its login processes log a connection's end when they
	# notice it: on a busy machine a while after the client has gone, so
	# this waits up to 20 s. The log says why the handshake ended ("no
	# shared cipher", or the peer's close when the server's alert was
	# not read); what counts is that it was handshaking.
	for ((i = 0; i < 200; i++)); do
		[ "$(starttls_handshakes "$logged")" -lt 4 ] || break
		sleep 0.1
	done
	tail -c +$((logged + 1)) "$DOVECOT_DIR/dovecot.log"
	[ "$(starttls_handshakes "$logged")" -ge 4 ]
	# ... and saw no login.
	! net_login_seen u1
}

# starttls_handshakes OFFSET - how many connections Dovecot logged, after
# byte OFFSET of its log, as ended during the TLS handshake.
starttls_handshakes() {
	tail -c +$(($1 + 1)) "$DOVECOT_DIR/dovecot.log" |
		grep -c -- "-login: .*TLS handshaking" || true
}

@test "the same server on its TLS port: the handshake failure says so, exit 69" {
	fetch_account s/imaps imaps u1
	run mailarc-fetch s/imaps
	echo "$output"
	[ "$status" -eq 69 ]
	[[ "$output" == *"tls failed: the TLS handshake with 127.0.0.1 failed ("* ]]
	! net_login_seen u1
}

@test "STARTTLS offered then refused: says so (not 'not offered'), quotes the server, sends no login" {
	local proto port log b64
	b64=$(printf 'pw-u1' | base64)
	for proto in imap pop; do
		port=$(free_port)
		log=$BATS_TEST_TMPDIR/received-$proto
		: >"$log"
		python3 "$TESTS_DIR/lib/plain_server.py" $proto refuse "$port" \
			"$log" 20 &
		echo $! >"$BATS_TEST_TMPDIR/server.pid"
		wait_port "$port"
		mailarc space add s >/dev/null 2>&1 || true
		mailarc account add s/r$proto --protocol $proto --host 127.0.0.1 \
			--port "$port" --username u1 --no-test \
			--password-file "$BATS_TEST_TMPDIR/pw-u1" >/dev/null
		run mailarc-fetch --timeout 5 s/r$proto
		echo "$proto: $output"
		[ "$status" -eq 69 ]
		[[ "$output" == *"tls failed: 127.0.0.1 offers STARTTLS but refused it (it says: "*"); no password or token was sent"* ]]
		kill_pidfile "$BATS_TEST_TMPDIR/server.pid"
		# The pretend server recorded every byte: the STARTTLS request,
		# no login, no password.
		grep -a -q -i -e STARTTLS -e STLS "$log"
		! grep -a -q -i -e 'pw-u1' -e "$b64" -e ' LOGIN' -e '^USER' \
			-e '^PASS' -e 'AUTH' "$log"
	done
}

teardown() {
	kill_pidfile "$BATS_TEST_TMPDIR/server.pid"
}
