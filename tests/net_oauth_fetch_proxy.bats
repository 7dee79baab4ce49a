#!/usr/bin/env bats
# End to end: an OAuth account behind a proxy. mailarc-fetch gets its token
# from the test provider and logs in to a real Dovecot (whose oauth2
# passdb checks the token at the provider) with XOAUTH2; with proxy = URL
# both the token request and the IMAPS connection go through the SOCKS5
# proxy (microsocks, which logs each connection), with proxy = none
# neither does, whatever the environment says.

bats_require_minimum_version 1.5.0
load helpers
load lib/oauth
load lib/dovecot_oauth
load lib/net

setup() {
	new_root
	oauth_server_start
	dovecot_oauth_start
	net_socks_start
	unset ALL_PROXY all_proxy https_proxy HTTPS_PROXY http_proxy \
		imaps_proxy no_proxy NO_PROXY
	for i in 1 2; do
		printf 'From: a@example.org\r\nSubject: m%s\r\nMessage-ID: <m%s@example.org>\r\n\r\nbody %s\r\n' \
			"$i" "$i" "$i" | dovecot_oauth_add_message alice
	done
}

teardown() {
	net_socks_stop
	dovecot_oauth_stop
	oauth_server_stop
}

@test "proxy = URL: the token request and the mail connection both go through the proxy" {
	oauth_account s/a --protocol imaps --port "$DOVO_IMAPS_PORT" \
		--ca-file "$DOVO_CA" --proxy "socks5h://127.0.0.1:$SOCKS_PORT"
	oauth_seed s/a rt-first
	run --separate-stderr mailarc-fetch s/a
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 2 ]
	cat "$SOCKS_LOG"
	net_socks_used "$OAUTH_PORT"
	net_socks_used "$DOVO_IMAPS_PORT"
	[ "$(oauth_count token)" -eq 1 ]
}

@test "proxy = none: neither the token request nor the mail connection takes the environment's proxy" {
	oauth_account s/a --protocol imaps --port "$DOVO_IMAPS_PORT" \
		--ca-file "$DOVO_CA"
	oauth_seed s/a rt-first
	p="socks5h://127.0.0.1:$SOCKS_PORT"
	ALL_PROXY=$p all_proxy=$p http_proxy=$p https_proxy=$p imaps_proxy=$p \
		run --separate-stderr mailarc-fetch s/a
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "/incoming/\.[^/]*/new/")" -eq 2 ]
	[ ! -s "$SOCKS_LOG" ]
	[ "$(oauth_count token)" -eq 1 ]
}
