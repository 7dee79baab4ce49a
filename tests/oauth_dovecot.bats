#!/usr/bin/env bats
# Tokens from mailarc-oauth-token accepted by a real Dovecot whose oauth2
# passdb checks them at the test provider (issue 6): IMAPS, POP3S and
# STARTTLS with SASL XOAUTH2 and OAUTHBEARER, through libcurl.

bats_require_minimum_version 1.5.0
load helpers
load lib/oauth
load lib/dovecot_oauth

setup() {
	new_root
	oauth_server_start --rotate
	dovecot_oauth_start
	printf 'From: a@example.org\r\nSubject: hello\r\nMessage-ID: <m1@example.org>\r\n\r\nbody\r\n' |
		dovecot_oauth_add_message alice
	oauth_account s/a
	oauth_seed s/a rt-first
}

teardown() {
	dovecot_oauth_stop --no-wait
	oauth_server_stop
}

@test "dovecot accepts a token from mailarc-oauth-token over IMAPS" {
	tok=$(mailarc-oauth-token s/a)
	run dovecot_oauth_curl "imaps://127.0.0.1:$DOVO_IMAPS_PORT/INBOX;UID=1" "$tok"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Subject: hello"* ]]
	[ "$(oauth_count introspect)" -ge 1 ]
}

@test "dovecot accepts a token over POP3S and over STARTTLS" {
	tok=$(mailarc-oauth-token s/a)
	run dovecot_oauth_curl "pop3s://127.0.0.1:$DOVO_POP3S_PORT/1" "$tok"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Subject: hello"* ]]
	run dovecot_oauth_curl "imap://127.0.0.1:$DOVO_IMAP_PORT/INBOX;UID=1" "$tok" --ssl-reqd
	[ "$status" -eq 0 ]
	[[ "$output" == *"Subject: hello"* ]]
	run dovecot_oauth_curl "pop3://127.0.0.1:$DOVO_POP3_PORT/1" "$tok" --ssl-reqd
	[ "$status" -eq 0 ]
	[[ "$output" == *"Subject: hello"* ]]
}

@test "dovecot rejects an expired token; a forced refresh logs in again" {
	tok=$(mailarc-oauth-token s/a)
	oauth_ctl expire
	run dovecot_oauth_curl "imaps://127.0.0.1:$DOVO_IMAPS_PORT/INBOX;UID=1" "$tok"
	[ "$status" -eq 67 ] # CURLE_LOGIN_DENIED
	tok=$(mailarc-oauth-token --force s/a)
	run dovecot_oauth_curl "imaps://127.0.0.1:$DOVO_IMAPS_PORT/INBOX;UID=1" "$tok"
	[ "$status" -eq 0 ]
}

@test "dovecot rejects alice's token for another mailbox" {
	tok=$(mailarc-oauth-token s/a)
	OAUTH_USER=bob run dovecot_oauth_curl "imaps://127.0.0.1:$DOVO_IMAPS_PORT/INBOX;UID=1" "$tok"
	[ "$status" -eq 67 ]
}
