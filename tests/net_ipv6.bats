#!/usr/bin/env bats
# An IPv6-only server: the test Dovecot listening on ::1 alone. An account
# whose host is the literal ::1 (bare or in brackets) fetches over every
# protocol, with the certificate checked against its IP address; so does a
# host name that resolves to ::1 only, where the machine has one. Skipped,
# saying why, on a machine without an IPv6 loopback.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch
load lib/net

setup_file() {
	if ! net_have_ipv6; then
		skip "this machine has no IPv6 loopback (::1)"
	fi
	dovecot_start
	dovecot_add_users u1:pw-u1
	net_dovecot_ipv6_only
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	fetch_user u1
	mailarc space add s >/dev/null
}

# add6 REF PROTO HOST - an account for u1 on the IPv6-only Dovecot.
add6() {
	mailarc account add "$1" --protocol "$2" --host "$3" \
		--port "$(fetch_port "$2")" --username u1 \
		--password-file "$BATS_TEST_TMPDIR/pw-u1" \
		--ca-file "$DOVECOT_CA" --no-test >/dev/null
}

@test "nothing listens on 127.0.0.1 any more (the IPv4 address fails)" {
	add6 s/v4 imaps 127.0.0.1
	run mailarc-fetch s/v4
	echo "$output"
	[ "$status" -eq 75 ]
	[[ "$output" == *"connect failed: 127.0.0.1:"* ]]
}

@test "host = ::1 and [::1]: every protocol fetches, the certificate checked for ::1" {
	dovecot_add_messages u1 3
	for proto in imaps imap pops pop; do
		add6 s/a$proto $proto ::1
		run mailarc-fetch s/a$proto
		echo "$proto: $output"
		[ "$status" -eq 0 ]
	done
	add6 s/bracket imaps '[::1]'
	run mailarc-fetch s/bracket
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(spool_count s)" -eq $((5 * $(dovecot_count u1))) ]
	run mailarc account test s/aimap
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"::1 -> ::1"* ]]
	grep -q "rip=::1" "$DOVECOT_DIR/dovecot.log"
}

@test "a host name that resolves to ::1 only fetches" {
	local name hosts=$BATS_TEST_TMPDIR/hosts
	dovecot_add_messages u1 2
	if name=$(net_v6_only_name); then
		add6 s/n imaps "$name"
		run mailarc-fetch s/n
	else
		# No such name here: make one, in a mount namespace whose
		# /etc/hosts has mail6.test on ::1 alone.
		printf '127.0.0.1 localhost\n::1 mail6.test\n' >"$hosts"
		if ! net_with_hosts "$hosts" getent ahosts mail6.test >/dev/null 2>&1; then
			skip "no host name resolves to ::1 alone here, and no mount namespace can be made to give one"
		fi
		# What a resolver asking for any family gets: ::1 alone.
		run net_with_hosts "$hosts" getent ahosts mail6.test
		[[ "$output" == "::1 "* ]]
		! grep -q '^[0-9]*\.' <<<"$output"
		add6 s/n imaps mail6.test
		run net_with_hosts "$hosts" mailarc-fetch s/n
	fi
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(spool_count s)" -eq "$(dovecot_count u1)" ]
}
