#!/usr/bin/env bats
# Push (issue 17 item 4): "mailarc watch SPACE/ACCOUNT" keeps an IMAP IDLE
# connection to a private Dovecot started by this suite on 127.0.0.1, and
# a message saved on the server gets its page on the site within 10 s,
# also after the server restarted. Every watcher is started in the
# background with its PID in a file and stopped by that PID.

load helpers
load lib/dovecot
load lib/fetch
load lib/ops
load lib/watch

setup_file() {
	dovecot_start
	fetch_users 20
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	U=u$BATS_TEST_NUMBER
	fetch_user "$U"
}

teardown() {
	watch_teardown
	if [ -n "${SECOND_DOVECOT:-}" ]; then
		dovecot_stop
	fi
}

@test "a message saved on the server has its page on the site within 10 s" {
	save_mail "$U" "old-1@push.test"
	push_account
	watch_start s/a
	# The mail that was there before the watch began is fetched at once.
	page_within old-1@push.test 10
	for n in 1 2 3; do
		save_mail "$U" "new-$n@push.test"
		page_within "new-$n@push.test" 10
	done
	# Nothing twice.
	[ "$(space_mail_count s)" -eq 4 ]
	kill -0 "$(cat "$BATS_TEST_TMPDIR/watch.pid")"
}

@test "a stopped watcher delivers nothing (so the timing check can fail)" {
	fetch_account s/a imap "$U"
	mailarc account edit s/a --push yes --no-test >/dev/null
	watch_start s/a
	# A watcher that is stopped (SIGSTOP) misses the push.
	kill -STOP "$(cat "$BATS_TEST_TMPDIR/watch.pid")"
	save_mail "$U" "late@push.test"
	if page_within late@push.test 3 3>/dev/null 2>/dev/null; then
		echo "a stopped watcher delivered" >&2
		return 1
	fi
	kill -CONT "$(cat "$BATS_TEST_TMPDIR/watch.pid")"
	page_within late@push.test 10
}

@test "re-IDLE at the interval keeps the watch working" {
	push_account
	MAILARC_WATCH_REIDLE=1 WATCH_FLAGS=-vv watch_start s/a
	watch_wait_log 're-IDLE' 3 15
	save_mail "$U" "after-reidle@push.test"
	page_within after-reidle@push.test 10
}

@test "on_server = delete: each message once, the server emptied, no fetch loop" {
	push_account --on-server delete
	watch_start s/a
	for n in 1 2 3; do
		save_mail "$U" "del-$n@push.test"
		page_within "del-$n@push.test" 10
	done
	[ "$(dovecot_count "$U")" -eq 0 ]
	[ "$(space_mail_count s)" -eq 3 ]
	# The EXPUNGEs the fetch causes are no new mail: quiet afterwards.
	sleep 2
	n1=$(grep -c 'new mail in' "$BATS_TEST_TMPDIR/watch.log" || true)
	sleep 3
	n2=$(grep -c 'new mail in' "$BATS_TEST_TMPDIR/watch.log" || true)
	[ "$n1" -eq "$n2" ]
	[ "$n1" -le 6 ]
}

@test "the watcher survives a server restart and still delivers within the bound" {
	push_account
	watch_start s/a
	save_mail "$U" "before@push.test"
	page_within before@push.test 10
	DOVECOT_STOPPED=1
	dovecot_kill
	watch_wait_log 'trying again in' 1 30
	# Down for a while: the pauses between attempts grow (a second
	# attempt failed and doubled the pause; polled, not slept).
	watch_wait_log 'trying again in 2 s' 1 15
	dovecot_restart
	watch_wait_log 'watching folder' 2 40
	save_mail "$U" "after@push.test"
	page_within after@push.test 10
	[ "$(space_mail_count s)" -eq 2 ]
}

@test "mail that came while the server was down and up again is fetched on reconnect" {
	push_account
	watch_start s/a
	DOVECOT_STOPPED=1
	dovecot_kill
	watch_wait_log 'trying again in' 1 30
	dovecot_restart
	save_mail "$U" "between@push.test"
	page_within between@push.test 15
}

@test "SIGTERM ends the watch promptly with exit 0" {
	push_account
	watch_start s/a
	pid=$(cat "$BATS_TEST_TMPDIR/watch.pid")
	# Let the catch-up fetch finish: then only the watch is connected.
	sleep 2
	before=$(grep -c "imap($U).*Logged out" "$DOVECOT_DIR/dovecot.log" || true)
	start=$(date +%s%N)
	kill -TERM "$pid"
	code=0
	wait "$pid" || code=$?
	end=$(date +%s%N)
	echo "stopped in $(((end - start) / 1000000)) ms" >&3
	[ "$code" -eq 0 ]
	[ $(((end - start) / 1000000)) -lt 3000 ]
	grep -q 'stopped watching (signal)' "$BATS_TEST_TMPDIR/watch.log"
	# It said goodbye to the server (LOGOUT, not a dropped connection).
	for ((i = 0; i < 20; i++)); do
		after=$(grep -c "imap($U).*Logged out" "$DOVECOT_DIR/dovecot.log" || true)
		[ "$after" -gt "$before" ] && break
		sleep 0.1
	done
	[ "$after" -eq $((before + 1)) ]
}

@test "SIGTERM while the server is down (between attempts) also exits 0" {
	push_account
	watch_start s/a
	DOVECOT_STOPPED=1
	dovecot_kill
	watch_wait_log 'trying again in' 1 30
	pid=$(cat "$BATS_TEST_TMPDIR/watch.pid")
	kill -TERM "$pid"
	code=0
	wait "$pid" || code=$?
	dovecot_restart
	[ "$code" -eq 0 ]
}

@test "a POP3 account is refused with a clear message (EX_CONFIG)" {
	fetch_account s/p pops "$U"
	mailarc account edit s/p --push yes --no-test >/dev/null
	run mailarc watch s/p
	[ "$status" -eq 78 ]
	[[ "$output" == *"account 's/p' uses pops: only IMAP can push (IDLE)"* ]]
}

@test "push = no, a disabled account and bad arguments are refused" {
	fetch_account s/a imap "$U"
	run mailarc watch s/a
	[ "$status" -eq 78 ]
	[[ "$output" == *"has push = no; turn it on with 'mailarc account edit s/a --push yes"* ]]
	mailarc account edit s/a --push yes --no-test >/dev/null
	mailarc account disable s/a >/dev/null 2>&1
	run mailarc watch s/a
	[ "$status" -eq 78 ]
	[[ "$output" == *"is disabled"* ]]
	run mailarc watch s
	[ "$status" -eq 64 ]
	run mailarc watch s/nosuch
	[ "$status" -ne 0 ]
	run mailarc account edit s/a --push maybe --no-test
	[ "$status" -eq 78 ]
}

@test "push = yes is shown by account show; the default says no" {
	fetch_account s/a imap "$U"
	run mailarc account show s/a
	[ "$status" -eq 0 ]
	grep -q '^push  *no (default)$' <<<"$output"
	mailarc account edit s/a --push yes --no-test >/dev/null
	run mailarc account show s/a
	grep -qx 'push  *yes' <<<"$output"
	grep -qx 'push = yes' "$MAILARC_ROOT/spaces/s/accounts/a.conf"
}

@test "a server without IDLE: a clear message and EX_UNAVAILABLE" {
	SECOND_DOVECOT=1
	DOVECOT_EXTRA_CONF="imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE NAMESPACE UIDPLUS" \
		dovecot_start "$BATS_TEST_TMPDIR/dovecot-noidle"
	dovecot_add_users "$U:pw-$U"
	push_account
	run timeout 30 mailarc watch s/a
	echo "$output"
	[ "$status" -eq 69 ]
	[[ "$output" == *"does not offer IDLE (RFC 2177), so it cannot push"* ]]
	# The same account fetches by polling.
	save_mail "$U" "polled@push.test"
	run mailarc fetch s/a
	[ "$status" -eq 0 ]
}

@test "a refused login stops the watch (EX_NOPERM) instead of retrying forever" {
	push_account
	printf 'wrong\n' >"$BATS_TEST_TMPDIR/pw-$U"
	run timeout 30 mailarc watch s/a
	[ "$status" -eq 77 ]
}

@test "a fetch started by a timer and the watch never overlap: the watch waits for the lock" {
	push_account
	save_mail "$U" "locked@push.test"
	# Hold the account's lock, as a running fetch would, until told to
	# let go (at most 30 s), in its own process: the watcher must not
	# inherit it.
	mkdir -p "$MAILARC_ROOT/spaces/s/state"
	lock=$MAILARC_ROOT/spaces/s/state/a.lock
	rel=$BATS_TEST_TMPDIR/release
	flock "$lock" sh -c "for i in \$(seq 300); do [ -e '$rel' ] && exit 0; sleep 0.1; done" &
	echo $! >"$BATS_TEST_TMPDIR/holder.pid"
	for ((i = 0; i < 50; i++)); do
		flock -n "$lock" true || break
		sleep 0.1
	done
	watch_start s/a
	sleep 2
	# The watcher waits: nothing fetched while the lock is held.
	[ "$(space_mail_count s)" -eq 0 ]
	touch "$rel"
	page_within locked@push.test 10
	kill_pidfile "$BATS_TEST_TMPDIR/holder.pid"
}

@test "under systemd, polling on enables the push unit beside the timer of push accounts only" {
	export SYSTEMCTL_LOG="$BATS_TEST_TMPDIR/systemctl.log"
	fetch_account s/a imap "$U"
	fetch_account s/b imap "$U"
	fetch_account s/p pops "$U"
	mailarc account edit s/a --push yes --no-test >/dev/null
	run with_systemd mailarc polling on s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$SYSTEMCTL_LOG")" = 'enable --now --quiet mailarc-poll@s-a.timer mailarc-watch@s-a.service' ]
	: >"$SYSTEMCTL_LOG"
	run with_systemd mailarc -v polling on s
	[ "$(cat "$SYSTEMCTL_LOG")" = 'enable --now --quiet mailarc-poll@s-a.timer mailarc-watch@s-a.service mailarc-poll@s-b.timer mailarc-poll@s-p.timer' ]
	grep -qF 'enabling push unit mailarc-watch@s-a.service' <<<"$output"
	: >"$SYSTEMCTL_LOG"
	run with_systemd mailarc polling off s
	[ "$(cat "$SYSTEMCTL_LOG")" = 'disable --now --quiet mailarc-poll@s-a.timer mailarc-watch@s-a.service mailarc-poll@s-b.timer mailarc-poll@s-p.timer' ]
	: >"$SYSTEMCTL_LOG"
	run with_systemd mailarc polling off s/b
	[ "$(cat "$SYSTEMCTL_LOG")" = 'disable --now --quiet mailarc-poll@s-b.timer' ]
}

@test "the push unit verifies, rates 'OK' or better, and runs the command tested here" {
	stage="$BATS_TEST_TMPDIR/stage"
	install_stage "$stage"
	mkdir -p "$stage/usr/lib/systemd/system"
	cp -an /lib/systemd/system/. "$stage/usr/lib/systemd/system/"
	unit="$stage/usr/lib/systemd/system/mailarc-watch@.service"
	[ -f "$unit" ]
	grep -qx 'ExecStart=/usr/bin/mailarc watch %I' "$unit"
	grep -qx 'WantedBy=multi-user.target' "$unit"
	grep -qx 'LimitCORE=0' "$unit"
	grep -qx 'RestartPreventExitStatus=64 69 78' "$unit"
	cd "$stage"
	inst=$(systemd-escape 'sales/main-box')
	run env MANPATH="$stage/usr/share/man" systemd-analyze verify \
		--root="$stage" "mailarc-watch@$inst.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run systemd-analyze security --offline=true --root="$stage" \
		mailarc-watch@sales-main.service
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	score=$(echo "$output" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	[ -n "$score" ]
	echo "exposure $score" >&3
	awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
	# The hardening is the polling unit's, setting for setting.
	diff <(sed -n '/^NoNewPrivileges=/,/^SystemCallErrorNumber=/p' \
		"$stage/usr/lib/systemd/system/mailarc-poll@.service" | grep -v '^#') \
		<(sed -n '/^NoNewPrivileges=/,/^SystemCallErrorNumber=/p' "$unit" |
			grep -v '^#')
}
