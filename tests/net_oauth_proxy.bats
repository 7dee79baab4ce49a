#!/usr/bin/env bats
# The account's proxy setting covers its OAuth requests too, not only its
# mail connections: a token refresh, the device authorization and its
# polls go through proxy = URL, never through a proxy with proxy = none
# (whatever the environment names), and through the environment's with
# proxy = env (no_proxy applying). Proven with the real SOCKS5 proxy of
# tests/net_proxy.bats (microsocks, which logs every connection it makes)
# in front of the test OAuth provider, both on 127.0.0.1.

bats_require_minimum_version 1.5.0

load helpers
load lib/oauth
load lib/net

setup() {
	new_root
	oauth_server_start
	net_socks_start
	unset ALL_PROXY all_proxy https_proxy HTTPS_PROXY http_proxy \
		HTTP_PROXY no_proxy NO_PROXY
}

teardown() {
	net_socks_stop
	oauth_server_stop
}

# token REF - run mailarc-oauth-token REF (stdout: the token; stderr apart).
token() {
	run --separate-stderr mailarc-oauth-token -v "$1"
	echo "$1: exit $status: $stderr"
}

@test "proxy = URL: the token request goes through the proxy" {
	oauth_account s/a --proxy "socks5h://127.0.0.1:$SOCKS_PORT"
	oauth_seed s/a rt-url
	token s/a
	[ "$status" -eq 0 ]
	[[ "$output" == at-* ]]
	[ "$(oauth_count token)" -eq 1 ]
	cat "$SOCKS_LOG"
	net_socks_used "$OAUTH_PORT"
	[[ "$stderr" == *"token endpoint: connecting through the proxy socks5h://127.0.0.1:$SOCKS_PORT"* ]]
	# An HTTP-style URL in the environment changes nothing: the account's
	# own proxy is for every host, no_proxy included.
	: >"$SOCKS_LOG"
	mailarc account edit s/a --proxy "socks5://127.0.0.1:$SOCKS_PORT" \
		--no-test >/dev/null
	no_proxy='*' NO_PROXY='*' run --separate-stderr \
		mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	[ "$(oauth_count token)" -eq 2 ]
	net_socks_used "$OAUTH_PORT"
}

@test "proxy = none (the default) never uses a proxy from the environment" {
	oauth_account s/a
	oauth_account s/b --proxy none
	oauth_seed s/a rt-none-a
	oauth_seed s/b rt-none-b
	# (Exported for mailarc only: the test's own curl calls to the
	# provider would go through the proxy too.)
	p="socks5h://127.0.0.1:$SOCKS_PORT"
	with_env() {
		ALL_PROXY=$p all_proxy=$p http_proxy=$p https_proxy=$p "$@"
	}
	with_env token s/a
	[ "$status" -eq 0 ]
	with_env token s/b
	[ "$status" -eq 0 ]
	[ ! -s "$SOCKS_LOG" ]
	[ "$(oauth_count token)" -eq 2 ]
	# A proxy in the environment that is down changes nothing either.
	p="socks5h://127.0.0.1:$(free_port)"
	with_env run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	[ "$(oauth_count token)" -eq 3 ]
}

@test "proxy = env: the environment's proxy for the endpoint, no_proxy applying" {
	oauth_account s/a --proxy env
	oauth_seed s/a rt-env
	# None in the environment: straight to the provider.
	token s/a
	[ "$status" -eq 0 ]
	[ ! -s "$SOCKS_LOG" ]
	# http_proxy for an http:// endpoint (the test provider's).
	http_proxy="socks5h://127.0.0.1:$SOCKS_PORT" \
		run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	net_socks_used "$OAUTH_PORT"
	# ALL_PROXY for any scheme.
	: >"$SOCKS_LOG"
	ALL_PROXY="socks5h://127.0.0.1:$SOCKS_PORT" \
		run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	net_socks_used "$OAUTH_PORT"
	# HTTP_PROXY in upper case is not read (as libcurl does not).
	: >"$SOCKS_LOG"
	HTTP_PROXY="socks5h://127.0.0.1:$SOCKS_PORT" \
		run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	[ ! -s "$SOCKS_LOG" ]
	# no_proxy naming the provider's host: straight there.
	ALL_PROXY="socks5h://127.0.0.1:$SOCKS_PORT" no_proxy=127.0.0.1 \
		run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	[ ! -s "$SOCKS_LOG" ]
	[ "$(oauth_count token)" -eq 5 ]
}

@test "a proxy that is down: exit 75, the message names the proxy but not its password" {
	local dead
	dead=$(free_port)
	oauth_account s/a --proxy "socks5h://joe:s3cret@127.0.0.1:$dead"
	oauth_seed s/a rt-dead
	token s/a
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"cannot reach '$OAUTH_URL/token' through the proxy socks5h://127.0.0.1:$dead"* ]]
	[[ "$stderr" != *s3cret* ]]
	[ "$(oauth_count token)" -eq 0 ]
}

@test "authorize --device: the device request and its polls go through the proxy" {
	oauth_account s/a --proxy "socks5h://127.0.0.1:$SOCKS_PORT"
	device_start s/a
	# The device authorization request went through the proxy.
	[ "$(grep -c "connected to .*:$OAUTH_PORT\$" "$SOCKS_LOG")" -ge 1 ]
	curl -sS --max-time 10 "$OAUTH_URL/device/verify?user_code=$DEVICE_CODE&user=alice" >/dev/null
	wait "$DEVICE_PID"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/s.a.refresh")" = 600 ]
	# And so did the token polls: one connection per request.
	n=$(grep -c "connected to .*:$OAUTH_PORT\$" "$SOCKS_LOG")
	echo "$n requests through the proxy"
	[ "$n" -ge 1 ]
	[ "$n" -eq $((1 + $(oauth_count grant:urn:ietf:params:oauth:grant-type:device_code))) ]
}
