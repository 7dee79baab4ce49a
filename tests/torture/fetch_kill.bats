#!/usr/bin/env bats
# make torture-fetch: the long kill -9 loops over mailarc-fetch (the normal
# suite runs a few rounds). FETCH_TORTURE_ROUNDS sets the rounds of each
# case (default 60): bounded in count, each round well under a second.

load ../helpers
load ../lib/dovecot
load ../lib/fetch
TESTS_DIR=$BATS_TEST_DIRNAME/..

setup_file() {
	dovecot_start
	fetch_users 8
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	U=u$BATS_TEST_NUMBER
	fetch_user "$U"
}

@test "torture: imap, delete mode" {
	fetch_kill_loop imap "${FETCH_TORTURE_ROUNDS:-60}" delete 1000
}

@test "torture: imaps, keep mode" {
	fetch_kill_loop imaps "${FETCH_TORTURE_ROUNDS:-60}" keep 1000
}

@test "torture: pop3, delete mode" {
	fetch_kill_loop pop "${FETCH_TORTURE_ROUNDS:-60}" delete 1000
}

@test "torture: pop3s, keep mode" {
	fetch_kill_loop pops "${FETCH_TORTURE_ROUNDS:-60}" keep 1000
}
