#!/usr/bin/env bats
# Polling against a real Dovecot: what the systemd units run (their
# ExecStart line, %I expanded) honours "mailarc polling on|off", and
# "mailarc status --json" reports what the fetch just did.

load helpers
load lib/ops
load lib/dovecot

setup_file() {
	local i
	dovecot_start
	# Every user up front: Dovecot may miss a change of its passwd-file
	# made within the second of its last read.
	for ((i = 1; i <= 8; i++)); do
		dovecot_add_user "ops$i" "pw-$i"
	done
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	USER_NAME="ops$BATS_TEST_NUMBER"
	echo "pw-$BATS_TEST_NUMBER" >"$BATS_TEST_TMPDIR/pw"
	mailarc -q space add sales
	mailarc -q account add sales/main --protocol imap --host 127.0.0.1 \
		--port "$DOVECOT_IMAP_PORT" --tls required --ca-file "$DOVECOT_CA" \
		--username "$USER_NAME" --password-file "$BATS_TEST_TMPDIR/pw" \
		--no-test
}

# run_unit ACCOUNT - run what mailarc-poll@ACCOUNT.service runs.
run_unit() {
	local cmd
	cmd=$(unit_exec_start "$1")
	# shellcheck disable=SC2086 # the line is split as systemd splits it
	run $cmd
}

# in_space - messages delivered into the space, wherever the later
# stages (when built) have moved them.
in_space() {
	find "$MAILARC_ROOT/spaces/sales/incoming" "$MAILARC_ROOT/spaces/sales/archive" \
		-path '*/new/*' -o -path '*/cur/*' -type f | grep -c . || true
}

@test "the unit's ExecStart fetches; status --json reports what it did" {
	dovecot_add_messages "$USER_NAME" 5
	t0=$(date +%s)
	run_unit sales/main
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(in_space)" -eq 5 ]
	run mailarc status --json sales
	[ "$status" -eq 0 ]
	a=$(jq '.spaces[0].accounts[0]' <<<"$output")
	[ "$(jq -r .last_count <<<"$a")" = 5 ]
	[ "$(jq -r .last_error <<<"$a")" = null ]
	last=$(date -d "$(jq -r .last_run <<<"$a")" +%s)
	[ "$last" -ge $((t0 - 1)) ] && [ "$last" -le $(($(date +%s) + 1)) ]
	[ "$(jq -r .last_success <<<"$a")" = "$(jq -r .last_run <<<"$a")" ]
	# Next run: one poll_interval (30 minutes) after the last.
	[ "$(date -d "$(jq -r .next_run <<<"$a")" +%s)" -eq $((last + 1800)) ]
	# Not due again: the next tick fetches nothing, even with new mail.
	dovecot_add_messages "$USER_NAME" 2
	run_unit sales/main
	[ "$status" -eq 0 ]
	[ "$(in_space)" -eq 5 ]
	run mailarc status --json sales
	[ "$(jq -r '.spaces[0].accounts[0].last_count' <<<"$output")" = 5 ]
}

@test "polling off, then the unit fetches nothing for that account; on brings it back" {
	dovecot_add_messages "$USER_NAME" 3
	mailarc -q polling off sales/main
	run_unit sales/main
	[ "$status" -eq 0 ]
	[ "$(in_space)" -eq 0 ]
	[ "$(dovecot_count "$USER_NAME")" -eq 3 ]
	run mailarc status --json sales
	[ "$(jq -r '.spaces[0].accounts[0].polling' <<<"$output")" = false ]
	[ "$(jq -r '.spaces[0].accounts[0].last_run' <<<"$output")" = null ]
	[ "$(jq -r '.spaces[0].accounts[0].next_run' <<<"$output")" = null ]
	# "mailarc fetch" by hand still fetches: polling is about automation.
	mailarc -q polling on sales/main
	run_unit sales/main
	[ "$status" -eq 0 ]
	[ "$(in_space)" -eq 3 ]
	run mailarc status --json sales
	[ "$(jq -r '.spaces[0].accounts[0].last_count' <<<"$output")" = 3 ]
}

@test "polling off for the space stops its accounts under fetch --due (the cron line)" {
	dovecot_add_messages "$USER_NAME" 2
	mailarc -q polling off sales
	run mailarc -v fetch --due
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[ "$(in_space)" -eq 0 ]
	mailarc -q polling on sales
	run mailarc fetch --due
	echo "status $status: $output"
	[ "$status" -eq 0 ]
	[ "$(in_space)" -eq 2 ]
}

@test "status --json reports the error of a failed fetch" {
	echo wrong >"$BATS_TEST_TMPDIR/pw"
	run_unit sales/main
	[ "$status" -eq 77 ]
	run mailarc status --json sales
	[ "$status" -eq 0 ]
	err=$(jq -r '.spaces[0].accounts[0].last_error' <<<"$output")
	echo "$err"
	[ "$err" != null ] && [ -n "$err" ]
	[ "$(jq -r '.spaces[0].accounts[0].last_success' <<<"$output")" = null ]
	run mailarc status sales
	[[ "$output" == *"$err"* ]]
}
