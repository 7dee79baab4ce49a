#!/usr/bin/env bats
# mailarc status shows, for push accounts (push = yes), the watch unit
# (mailarc-watch@.service) beside the polling timer (issue 17, item 4).
# systemd cannot run here: with_systemd (lib/ops) fakes sd_booted(3) and
# systemctl, as the polling and status tests of ops.bats do.

bats_require_minimum_version 1.5.0
load helpers
load lib/ops

setup() {
	new_root
	export SYSTEMCTL_LOG="$BATS_TEST_TMPDIR/systemctl.log"
	export SYSTEMCTL_SHOW="$BATS_TEST_TMPDIR/show"
	mailarc -q space add sales --name "Sales team"
	echo secret >"$BATS_TEST_TMPDIR/pw"
	for a in main push-box; do
		mailarc -q account add "sales/$a" --protocol imap \
			--host 127.0.0.1 --username u \
			--password-file "$BATS_TEST_TMPDIR/pw" --no-test
	done
	mailarc -q account edit sales/push-box --push yes --no-test
	# "systemctl show" prints one block per unit; the stand-in prints
	# them all for every "show": each query keeps the Ids it asked.
	cat >"$SYSTEMCTL_SHOW" <<-'OUT'
		Id=mailarc-poll@sales-main.timer
		ActiveState=active
		UnitFileState=enabled
		NextElapseUSecRealtime=@1795372000

		Id=mailarc-poll@sales-push\x2dbox.timer
		ActiveState=active
		UnitFileState=enabled
		NextElapseUSecRealtime=@1795372000

		Id=mailarc-watch@sales-push\x2dbox.service
		ActiveState=active
		UnitFileState=enabled
		NextElapseUSecRealtime=
	OUT
}

teardown() {
	ops_teardown
}

@test "status --json: the watch unit of a push account and its state, next to the timer" {
	run --separate-stderr with_systemd mailarc status --json sales
	[ "$status" -eq 0 ]
	# The timers as before, then the watch units of push accounts only.
	grep -qxF 'show --timestamp=unix --property=Id,UnitFileState,ActiveState,NextElapseUSecRealtime -- mailarc-poll@sales-main.timer mailarc-poll@sales-push\x2dbox.timer' "$SYSTEMCTL_LOG"
	[ "$(tail -1 "$SYSTEMCTL_LOG")" = 'show --timestamp=unix --property=Id,UnitFileState,ActiveState,NextElapseUSecRealtime -- mailarc-watch@sales-push\x2dbox.service' ]
	p=$(jq -c '.spaces[0].accounts[] | select(.key == "push-box")' <<<"$output")
	[ "$(jq -r .push <<<"$p")" = true ]
	[ "$(jq -r .watch <<<"$p")" = 'mailarc-watch@sales-push\x2dbox.service' ]
	[ "$(jq -c .watch_state <<<"$p")" = '{"unit_file_state":"enabled","active_state":"active"}' ]
	[ "$(jq -r .timer_state.unit_file_state <<<"$p")" = enabled ]
	m=$(jq -c '.spaces[0].accounts[] | select(.key == "main")' <<<"$output")
	[ "$(jq -r .push <<<"$m")" = false ]
	[ "$(jq -r .watch <<<"$m")" = null ]
	[ "$(jq -r .watch_state <<<"$m")" = null ]
}

@test "status: text shows the watch unit, and says when it is off or not running" {
	run with_systemd mailarc status sales
	[ "$status" -eq 0 ]
	[[ "$output" == *'push: its watch unit mailarc-watch@sales-push\x2dbox.service is enabled and active'* ]]
	[ "$(grep -c 'watch unit' <<<"$output")" -eq 1 ]
	sed -i 's/^ActiveState=active$/ActiveState=failed/' "$SYSTEMCTL_SHOW"
	run with_systemd mailarc status sales
	[[ "$output" == *'is enabled and failed'* ]]
	[[ "$output" == *"the watcher is not running: see 'journalctl -u mailarc-watch@sales-push\\x2dbox.service'"* ]]
	sed -i 's/^UnitFileState=enabled$/UnitFileState=disabled/' "$SYSTEMCTL_SHOW"
	run with_systemd mailarc status sales
	[[ "$output" == *'is disabled and failed'* ]]
	[[ "$output" == *"no push until 'mailarc polling on sales/push-box' (as root)"* ]]
}

@test "status without systemd: a push account names its watcher; no systemctl is asked" {
	run --separate-stderr mailarc status --json sales
	[ "$status" -eq 0 ]
	[ ! -e "$SYSTEMCTL_LOG" ]
	p=$(jq -c '.spaces[0].accounts[] | select(.key == "push-box")' <<<"$output")
	[ "$(jq -r .watch <<<"$p")" = 'mailarc-watch@sales-push\x2dbox.service' ]
	[ "$(jq -r .watch_state <<<"$p")" = null ]
	run mailarc status sales
	[[ "$output" == *"push = yes: 'mailarc watch sales/push-box' delivers as mail arrives"* ]]
}

@test "status: no systemctl answer for the watch units still reports the rest" {
	SYSTEMCTL_EXIT=1 run --separate-stderr with_systemd mailarc status --json sales
	[ "$status" -eq 0 ]
	[ "$(jq -r '.spaces[0].accounts | length' <<<"$output")" = 2 ]
	[ "$(jq -r '.spaces[0].accounts[1].watch_state' <<<"$output")" = null ]
}
