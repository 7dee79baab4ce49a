#!/usr/bin/env bats
# End to end (issue 6): mailarc-fetch logs in with SASL XOAUTH2/OAUTHBEARER
# to a real Dovecot whose oauth2 passdb checks every token at the test
# provider; tokens come from the library code of mailarc-oauth-token.

bats_require_minimum_version 1.5.0
load helpers
load lib/oauth
load lib/dovecot_oauth

setup() {
	new_root
	oauth_server_start --rotate
	dovecot_oauth_start
	for i in 1 2 3; do
		printf 'From: a@example.org\r\nSubject: m%s\r\nMessage-ID: <m%s@example.org>\r\n\r\nbody %s\r\n' \
			"$i" "$i" "$i" | dovecot_oauth_add_message alice
	done
}

teardown() {
	dovecot_oauth_stop --no-wait
	oauth_server_stop
}

# account PROTO PORT [options…] - s/a for alice at the private Dovecot.
account() {
	local proto=$1 port=$2
	shift 2
	oauth_account s/a --protocol "$proto" --port "$port" \
		--ca-file "$DOVO_CA" "$@"
	oauth_seed s/a rt-first
}

@test "mailarc-fetch over IMAPS with XOAUTH2: first token, then the cached one" {
	account imaps "$DOVO_IMAPS_PORT"
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 3 ]
	[ "$(oauth_count token)" -eq 1 ]
	printf 'Subject: m4\r\nMessage-ID: <m4@example.org>\r\n\r\nfour\r\n' |
		dovecot_oauth_add_message alice
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 1 ]
	[ "$(oauth_count token)" -eq 1 ]
	[ "$(oauth_count introspect)" -ge 2 ]
}

@test "mailarc-fetch over POP3S: OAUTHBEARER when offered" {
	account pops "$DOVO_POP3S_PORT"
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 3 ]
	grep -q 'pop3-login: Info: Login: user=<alice>, method=OAUTHBEARER' "$DOVO_DIR/dovecot.log"
}

@test "mailarc-fetch over IMAPS and POP3S with XOAUTH2 only" {
	dovecot_oauth_stop
	DOVO_MECHS=xoauth2 dovecot_oauth_start
	account imaps "$DOVO_IMAPS_PORT"
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 3 ]
	grep -q 'imap-login: Info: Login: user=<alice>, method=XOAUTH2' "$DOVO_DIR/dovecot.log"
	mailarc account edit s/a --protocol pops --port "$DOVO_POP3S_PORT" --no-test 2>/dev/null
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 3 ]
	grep -q 'pop3-login: Info: Login: user=<alice>, method=XOAUTH2' "$DOVO_DIR/dovecot.log"
}

@test "mailarc-fetch over IMAP and POP3 with STARTTLS" {
	account imap "$DOVO_IMAP_PORT"
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 3 ]
	mailarc account edit s/a --protocol pop --port "$DOVO_POP3_PORT" --no-test 2>/dev/null
	rm -rf "$MAILARC_ROOT/spaces/s/state"/*
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 3 ]
}

@test "no token is sent to a server without TLS (no STARTTLS offered)" {
	dovecot_oauth_stop
	DOVO_SSL=no dovecot_oauth_start
	for proto in imap pop; do
		if [ $proto = imap ]; then port=$DOVO_IMAP_PORT; else port=$DOVO_POP3_PORT; fi
		mailarc account remove s/a 2>/dev/null || true
		account $proto "$port" --tls auto
		run --separate-stderr mailarc-fetch s/a
		[ "$status" -ne 0 ]
		[ "$status" -ne 77 ]
	done
	# The server never saw a login attempt, so never a token.
	[ "$(oauth_count introspect)" -eq 0 ]
	! grep -q 'Login:\|auth failed\|method=' "$DOVO_DIR/dovecot.log"
	[ -z "$(find "$MAILARC_ROOT/spaces/s/incoming" -regex '.*/incoming/\.[^/]*/new/[^/]*' -type f)" ]
	# Control: this server would have taken the token in plain text.
	tok=$(mailarc-oauth-token s/a)
	run dovecot_oauth_curl "imap://127.0.0.1:$DOVO_IMAP_PORT/INBOX;UID=1" "$tok"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Subject: m"* ]]
}

@test "mailarc account test logs in with the account's token" {
	account imaps "$DOVO_IMAPS_PORT"
	run mailarc account test s/a
	[ "$status" -eq 0 ]
	grep -q 'Login: user=<alice>, method=OAUTHBEARER' "$DOVO_DIR/dovecot.log"
	oauth_ctl revoke all=1
	rm -f "$MAILARC_ROOT/tokens/s.a.json"
	run mailarc account test s/a
	[ "$status" -eq 77 ]
	[[ "$output" == *"mailarc-oauth-token authorize s/a"* ]]
}

@test "a token the server rejects is refreshed once and the fetch goes on" {
	account imaps "$DOVO_IMAPS_PORT"
	mailarc-oauth-token s/a >/dev/null 2>&1
	# Still fresh in the cache, but the provider no longer honours it.
	oauth_ctl expire
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 3 ]
	[ "$(oauth_count token)" -eq 2 ]
	[[ "$stderr" == *"refused the cached access token"* ]]
}

@test "a token the server keeps rejecting is refreshed once, then reported" {
	# The provider issues tokens for alice; the account logs in as bob.
	OAUTH_USER=bob account imaps "$DOVO_IMAPS_PORT"
	oauth_seed s/a rt-first alice
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 77 ]
	[ "$(oauth_count token)" -eq 2 ]
	[ "$(oauth_count introspect)" -eq 2 ]
	[ -z "$(find "$MAILARC_ROOT/spaces/s/incoming" -regex '.*/incoming/\.[^/]*/new/[^/]*' -type f)" ]
}

@test "a revoked refresh token fails the fetch with EX_NOPERM and says authorize" {
	account imaps "$DOVO_IMAPS_PORT"
	oauth_ctl revoke all=1
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"mailarc-oauth-token authorize s/a"* ]]
	[ -z "$(find "$MAILARC_ROOT/spaces/s/incoming" -regex '.*/incoming/\.[^/]*/new/[^/]*' -type f)" ]
}

@test "the provider down fails the fetch with EX_TEMPFAIL" {
	account imaps "$DOVO_IMAPS_PORT"
	oauth_server_stop
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 75 ]
}

@test "no token in fetch's log, ps output or environment; cache 0600" {
	oauth_ctl config delay=1
	account imaps "$DOVO_IMAPS_PORT"
	mailarc-fetch -v -v s/a >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 0.5
	ps -eo args >"$BATS_TEST_TMPDIR/ps"
	cat /proc/$pid/environ >"$BATS_TEST_TMPDIR/env" 2>/dev/null || true
	wait "$pid"
	at=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' \
		"$MAILARC_ROOT/tokens/s.a.json")
	rt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["refresh_token"])' \
		"$MAILARC_ROOT/tokens/s.a.json")
	[[ "$at" == at-* ]]
	[[ "$rt" == rt-* ]]
	for secret in rt-first "$at" "$rt"; do
		! grep -qF -- "$secret" "$BATS_TEST_TMPDIR/err" "$BATS_TEST_TMPDIR/out" \
			"$BATS_TEST_TMPDIR/ps" "$BATS_TEST_TMPDIR/env" \
			"$DOVO_DIR/dovecot.log"
	done
	[ "$(stat -c %a "$MAILARC_ROOT/tokens/s.a.json")" = 600 ]
	[ "$(stat -c %a "$MAILARC_ROOT/tokens")" = 700 ]
}
