#!/usr/bin/env bats
# Push for every folder (issue 17 item 4): IMAP IDLE watches the one
# folder its connection selected, so "mailarc watch" keeps one connection
# per folder the account fetches (at most 8) and a message delivered into
# any of them is fetched within seconds, not at the next timer run. Against
# a private Dovecot on 127.0.0.1 started by this suite; every watcher is
# stopped by its PID.

load helpers
load lib/dovecot
load lib/fetch
load lib/watch

setup_file() {
	dovecot_start
	fetch_users 12
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
}

doveadm_u() {
	doveadm -c "$DOVECOT_DIR/dovecot.conf" "$@"
}

# folders USER NAME... - create the folders on the server.
folders() {
	local u=$1 f
	shift
	for f in "$@"; do
		doveadm_u mailbox create -u "$u" "$f"
	done
}

@test "mail delivered into the second and third folder is fetched within 10 s" {
	folders "$U" Sent Team
	push_account --folder INBOX,Sent,Team
	watch_start s/a 1
	# (A watcher of the first folder alone fails below, on the delivery.)
	watch_wait_log 'watching folder' 3 10 || true
	save_mail "$U" "sent-1@push.test" Sent
	page_within sent-1@push.test 10
	save_mail "$U" "team-1@push.test" Team
	page_within team-1@push.test 10
	save_mail "$U" "inbox-1@push.test" INBOX
	page_within inbox-1@push.test 10
	grep -q "new mail in 'Sent'" "$BATS_TEST_TMPDIR/watch.log"
	grep -q "new mail in 'Team'" "$BATS_TEST_TMPDIR/watch.log"
	[ "$(space_mail_count s)" -eq 3 ]
	# Three connections, one per folder, each idling.
	for f in INBOX Sent Team; do
		grep -q "watching folder '$f'" "$BATS_TEST_TMPDIR/watch.log"
	done
	kill -0 "$(cat "$BATS_TEST_TMPDIR/watch.pid")"
}

@test "folder = *: every folder is watched, a German name included" {
	folders "$U" Projekte "Entwürfe"
	push_account --folder '*'
	watch_start s/a 3
	grep -q "watching folder 'Entwürfe'" "$BATS_TEST_TMPDIR/watch.log"
	save_mail "$U" "draft-1@push.test" "Entwürfe"
	page_within draft-1@push.test 10
	save_mail "$U" "proj-1@push.test" Projekte
	page_within proj-1@push.test 10
	[ "$(space_mail_count s)" -eq 2 ]
}

@test "each connection comes back after a server restart; the second folder still pushes" {
	folders "$U" Sent
	push_account --folder INBOX,Sent
	watch_start s/a 2
	DOVECOT_STOPPED=1
	dovecot_kill
	watch_wait_log "folder 'Sent' not connected; trying again in" 1 30
	watch_wait_log "folder 'INBOX' not connected; trying again in" 1 30
	sleep 2
	dovecot_restart
	# Both folders watched again (4 'watching folder' lines in all).
	watch_wait_log 'watching folder' 4 40
	save_mail "$U" "after@push.test" Sent
	page_within after@push.test 10
	[ "$(space_mail_count s)" -eq 1 ]
}

@test "a folder that does not exist is left out; the others are watched" {
	folders "$U" Sent
	push_account --folder INBOX,Nosuch,Sent
	watch_start s/a 2
	watch_wait_log "folder 'Nosuch' is not watched" 1 10
	save_mail "$U" "sent-2@push.test" Sent
	page_within sent-2@push.test 10
	kill -0 "$(cat "$BATS_TEST_TMPDIR/watch.pid")"
}

@test "more folders than the limit: 8 connections, a warning, the rest fetched with them" {
	local f list=INBOX
	for f in F1 F2 F3 F4 F5 F6 F7 F8 F9; do
		folders "$U" "$f"
		list=$list,$f
	done
	push_account --folder "$list"
	watch_start s/a 8
	grep -q "10 folders; watching the first 8" "$BATS_TEST_TMPDIR/watch.log"
	sleep 1
	[ "$(grep -c 'watching folder' "$BATS_TEST_TMPDIR/watch.log")" -eq 8 ]
	# F8 and F9 are not watched: their mail waits for an event elsewhere.
	save_mail "$U" "f9@push.test" F9
	save_mail "$U" "f1@push.test" F1
	page_within f1@push.test 10
	page_within f9@push.test 10
}

@test "SIGTERM with several folders: exit 0, each connection logs out" {
	folders "$U" Sent Team
	push_account --folder INBOX,Sent,Team
	watch_start s/a 3
	sleep 2
	before=$(grep -c "imap($U).*Logged out" "$DOVECOT_DIR/dovecot.log" || true)
	pid=$(cat "$BATS_TEST_TMPDIR/watch.pid")
	start=$(date +%s%N)
	kill -TERM "$pid"
	code=0
	wait "$pid" || code=$?
	end=$(date +%s%N)
	[ "$code" -eq 0 ]
	[ $(((end - start) / 1000000)) -lt 3000 ]
	for ((i = 0; i < 20; i++)); do
		after=$(grep -c "imap($U).*Logged out" "$DOVECOT_DIR/dovecot.log" || true)
		[ "$after" -ge $((before + 3)) ] && break
		sleep 0.1
	done
	[ "$after" -eq $((before + 3)) ]
}
