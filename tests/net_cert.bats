#!/usr/bin/env bats
# Certificates that fail the check, against the test Dovecot serving a
# certificate made for the case (signed by the trusted test CA, so only
# the name or the dates are wrong): a certificate for another name names
# both names, an expired one says when it expired; each is refused at the
# tls step (exit 69, EX_UNAVAILABLE, as "Test Connection" documents) before
# any login.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch
load lib/net

setup_file() {
	dovecot_start
	dovecot_add_users u1:pw-u1
	cp "$DOVECOT_DIR/tls/server.crt" "$DOVECOT_DIR/tls/good.crt"
	cp "$DOVECOT_DIR/tls/server.key" "$DOVECOT_DIR/tls/good.key"
	net_cert other "DNS:mail.example.net,DNS:imap.example.net"
	net_cert expired "DNS:localhost,IP:127.0.0.1" \
		20200101000000Z 20200102000000Z
	net_cert future "DNS:localhost,IP:127.0.0.1" \
		20990101000000Z 20990102000000Z
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	fetch_user u1
	dovecot_add_message u1 <<'MSG'
From: a@example.org
To: u1@example.org
Subject: net test
Message-ID: <net-cert-1@example.org>

body
MSG
}

# refused_everywhere TEXT - every protocol's fetch and test fail at the tls
# step with TEXT in the one error line, and nothing is fetched.
refused_everywhere() {
	local proto
	for proto in imaps imap pops pop; do
		fetch_account s/$proto $proto u1
		run mailarc-fetch s/$proto
		echo "$proto fetch: $output"
		[ "$status" -eq 69 ]
		[[ "$output" == *"$1"* ]]
		[ "$(grep -c error <<<"$output")" -eq 1 ]
		run mailarc account test s/$proto
		echo "$proto test: $output"
		[ "$status" -eq 69 ]
		[[ "$output" == *"$1"* ]]
	done
	[ "$(spool_count s)" -eq 0 ]
	! net_login_seen u1
}

@test "a certificate for another name: both names in one line, exit 69, no login" {
	net_use_cert other
	refused_everywhere "name mismatch: the account asks for '127.0.0.1' but the certificate is for 'mail.example.net, imap.example.net'"
	# account add tests the connection first and says the same.
	run mailarc account add s/new --protocol imaps --host 127.0.0.1 \
		--port "$DOVECOT_IMAPS_PORT" --username u1 \
		--password-file "$BATS_TEST_TMPDIR/pw-u1" --ca-file "$DOVECOT_CA"
	echo "$output"
	[ "$status" -eq 69 ]
	[[ "$output" == *"name mismatch: the account asks for '127.0.0.1'"* ]]
	[ ! -e "$MAILARC_ROOT/spaces/s/accounts/new.conf" ]
	! net_login_seen u1
}

@test "an expired certificate: says it expired and when, exit 69, no login" {
	net_use_cert expired
	refused_everywhere "the certificate of 127.0.0.1 has expired: it was valid until 2020-01-02 00:00:00 UTC"
}

@test "a certificate not valid yet: says from when, exit 69" {
	net_use_cert future
	refused_everywhere "is not valid yet: it is valid from 2099-01-01 00:00:00 UTC"
}

@test "control: the right certificate fetches, so the refusals above are the certificate's" {
	net_use_cert good
	for proto in imaps pop; do
		fetch_account s/$proto $proto u1
		run mailarc-fetch s/$proto
		echo "$output"
		[ "$status" -eq 0 ]
	done
	[ "$(spool_count s)" -eq $((2 * $(dovecot_count u1))) ]
	net_login_seen u1
}
