#!/usr/bin/env bats
# The account's proxy setting: none (the default) never uses a proxy, even
# when the environment names one (libcurl would read ALL_PROXY and
# imap_proxy by itself); env uses the environment's; a URL uses that
# proxy. Proven with a real SOCKS5 proxy (microsocks) on 127.0.0.1 that
# logs every connection it makes, in front of the test Dovecot.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch
load lib/net

setup_file() {
	dovecot_start
	dovecot_add_users u1:pw-u1
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	fetch_user u1
	net_socks_start
	unset ALL_PROXY all_proxy https_proxy HTTPS_PROXY imaps_proxy \
		pop3_proxy no_proxy NO_PROXY
}

teardown() {
	net_socks_stop
}

# fetch_ok REF - a fetch of REF that works.
fetch_ok() {
	run mailarc-fetch "$1"
	echo "$1: $output"
	[ "$status" -eq 0 ]
}

@test "proxy = URL: IMAPS and POP3+STARTTLS go through the SOCKS5 proxy" {
	fetch_account s/imaps imaps u1 --proxy "socks5h://127.0.0.1:$SOCKS_PORT"
	fetch_account s/pop pop u1 --proxy "socks5://127.0.0.1:$SOCKS_PORT"
	dovecot_add_messages u1 3
	fetch_ok s/imaps
	fetch_ok s/pop
	[ "$(spool_count s)" -eq $((2 * $(dovecot_count u1))) ]
	cat "$SOCKS_LOG"
	net_socks_used "$DOVECOT_IMAPS_PORT"
	net_socks_used "$DOVECOT_POP3_PORT"
	# The test connection takes the same way.
	: >"$SOCKS_LOG"
	run mailarc account test s/imaps
	[ "$status" -eq 0 ]
	net_socks_used "$DOVECOT_IMAPS_PORT"
}

@test "proxy = none (the default) ignores ALL_PROXY and imaps_proxy in the environment" {
	fetch_account s/a imaps u1
	fetch_account s/b pop u1 --proxy none
	dovecot_add_messages u1 2
	export ALL_PROXY="socks5h://127.0.0.1:$SOCKS_PORT"
	export imaps_proxy=$ALL_PROXY pop3_proxy=$ALL_PROXY
	fetch_ok s/a
	fetch_ok s/b
	[ "$(spool_count s)" -eq $((2 * $(dovecot_count u1))) ]
	# Not one connection went through the proxy.
	[ ! -s "$SOCKS_LOG" ]
	# A proxy that is down in the environment changes nothing either.
	export ALL_PROXY="socks5h://127.0.0.1:$(free_port)"
	export imaps_proxy=$ALL_PROXY pop3_proxy=$ALL_PROXY
	fetch_ok s/a
	run mailarc account test s/b
	[ "$status" -eq 0 ]
}

@test "proxy = env uses ALL_PROXY (or https_proxy), and no proxy without one" {
	fetch_account s/a imaps u1 --proxy env
	dovecot_add_messages u1 2
	# No proxy in the environment: straight to the server.
	fetch_ok s/a
	[ ! -s "$SOCKS_LOG" ]
	dovecot_add_messages u1 1
	ALL_PROXY="socks5h://127.0.0.1:$SOCKS_PORT" fetch_ok s/a
	net_socks_used "$DOVECOT_IMAPS_PORT"
	: >"$SOCKS_LOG"
	dovecot_add_messages u1 1
	https_proxy="socks5h://127.0.0.1:$SOCKS_PORT" fetch_ok s/a
	net_socks_used "$DOVECOT_IMAPS_PORT"
	[ "$(spool_count s)" -eq "$(dovecot_count u1)" ]
}

@test "a proxy that is down: connect step, exit 75, names the proxy but not its password" {
	local dead
	dead=$(free_port)
	fetch_account s/a imaps u1 --proxy "socks5h://joe:s3cret@127.0.0.1:$dead"
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 75 ]
	[[ "$output" == *"connect failed: 127.0.0.1:$DOVECOT_IMAPS_PORT through the proxy socks5h://127.0.0.1:$dead"* ]]
	[[ "$output" != *s3cret* ]]
	[[ "$(mailarc status s 2>&1)" != *s3cret* ]]
	run mailarc account show s/a
	[[ "$output" != *s3cret* ]]
	[[ "$output" == *"socks5h://joe:********@127.0.0.1:$dead"* ]]
	# proxy = env with a dead proxy in the environment: the same.
	mailarc account edit s/a --proxy env --no-test >/dev/null
	ALL_PROXY="socks5h://127.0.0.1:$dead" run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 75 ]
	[[ "$output" == *"through the proxy socks5h://127.0.0.1:$dead"* ]]
}

@test "a bad proxy setting is refused with a clear line, exit 78" {
	mailarc space add s >/dev/null
	for bad in "ftp://127.0.0.1:1" "socks5h://" "yes" "http://a b"; do
		run mailarc account add s/a --protocol imaps --host 127.0.0.1 \
			--username u1 --password-file "$BATS_TEST_TMPDIR/pw-u1" \
			--proxy "$bad" --no-test
		echo "$bad: $output"
		[ "$status" -eq 78 ]
		[[ "$output" == *"proxy "* ]]
		[ ! -e "$MAILARC_ROOT/spaces/s/accounts/a.conf" ]
	done
}

@test "socks5h: the proxy resolves the server's name; Test Connection does not ask this machine" {
	mailarc space add s >/dev/null
	mailarc account add s/far --protocol imaps --host mail.example.invalid \
		--username u1 --password-file "$BATS_TEST_TMPDIR/pw-u1" \
		--proxy "socks5h://127.0.0.1:$SOCKS_PORT" --no-test >/dev/null
	run mailarc account test s/far
	echo "$output"
	[[ "$output" == *"mail.example.invalid: left to the socks5h proxy"* ]]
	# The proxy could not resolve it either: a connect failure through
	# the proxy (75), not "host not found" here (68).
	[ "$status" -eq 75 ]
	[[ "$output" == *"through the proxy socks5h://127.0.0.1:$SOCKS_PORT"* ]]
	run mailarc-fetch s/far
	echo "$output"
	[ "$status" -eq 75 ]
}
