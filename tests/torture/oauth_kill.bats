#!/usr/bin/env bats
# make torture-oauth: mailarc-oauth-token killed with SIGKILL at random
# points of a refresh, against a provider that rotates refresh tokens the
# way Microsoft's does (the old one stays valid). After every kill the next
# run must get a token: the account is never stranded, the cache is whole,
# and no temp file with a token in it stays behind. Bounded: 40 rounds.

bats_require_minimum_version 1.5.0
load ../helpers
TESTS_DIR=$BATS_TEST_DIRNAME/..
load ../lib/oauth

setup() {
	new_root
	oauth_server_start --rotate --delay 0.2
	oauth_account s/a
	oauth_seed s/a rt-first
}

teardown() {
	oauth_server_stop
}

@test "killed refreshes never strand the account" {
	for ((k = 0; k < 40; k++)); do
		mailarc-oauth-token --force s/a >/dev/null 2>&1 &
		pid=$!
		sleep "0.$((RANDOM % 40))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		run --separate-stderr mailarc-oauth-token --force s/a
		[ "$status" -eq 0 ] || { echo "round $k: $stderr"; false; }
		[[ "$output" == at-* ]]
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
			"$MAILARC_ROOT/tokens/s.a.json"
		[ -z "$(find "$MAILARC_ROOT/tokens" -name '*.tmp.*')" ]
		[ -z "$(find "$MAILARC_ROOT/tokens" -perm /077 ! -type d)" ]
	done
}

@test "eight concurrent runs on an expired cache make one request" {
	for ((round = 0; round < 5; round++)); do
		oauth_ctl reset
		rm -f "$MAILARC_ROOT/tokens/s.a.json"
		pids=()
		for ((i = 0; i < 8; i++)); do
			mailarc-oauth-token s/a >"$BATS_TEST_TMPDIR/t$i" 2>/dev/null &
			pids+=($!)
		done
		for p in "${pids[@]}"; do
			wait "$p"
		done
		[ "$(oauth_count token)" -eq 1 ]
		[ "$(sort -u "$BATS_TEST_TMPDIR"/t? | wc -l)" -eq 1 ]
	done
}
