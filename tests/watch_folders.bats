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
	kill_pidfile "$BATS_TEST_TMPDIR/watch.pid"
	if [ -n "${DOVECOT_STOPPED:-}" ] &&
		! kill -0 "$(cat "$DOVECOT_DIR/run/master.pid" 2>/dev/null)" 2>/dev/null; then
		dovecot_restart
	fi
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

# save_mail USER FOLDER ID - deliver a message <ID> into FOLDER, as an
# MTA's LDA (or a Sieve fileinto) would: Dovecot tells its IDLE clients.
save_mail() {
	printf 'From: Ann <ann@example.org>\r\nTo: team@example.org\r\nSubject: push %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n\r\nbody of %s\r\n' \
		"$3" "$(date -R)" "$3" "$3" |
		doveadm_u save -u "$1" -m "$2"
}

# watch_wait_log TEXT N SECONDS - wait until the log holds TEXT N times.
watch_wait_log() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(grep -c -- "$1" "$BATS_TEST_TMPDIR/watch.log")" -ge "$2" ] &&
			return 0
		kill -0 "$(cat "$BATS_TEST_TMPDIR/watch.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "no '$1' ($2 times) in the watch log after $3 s:" >&2
	cat "$BATS_TEST_TMPDIR/watch.log" >&2
	return 1
}

# watch_start REF N - "mailarc watch REF" in the background; returns once
# it watches N folders (bounded: 20 s).
watch_start() {
	mailarc -v watch "$1" >"$BATS_TEST_TMPDIR/watch.out" \
		2>"$BATS_TEST_TMPDIR/watch.log" &
	echo $! >"$BATS_TEST_TMPDIR/watch.pid"
	watch_wait_log 'watching folder' "$2" 20
}

# page_within ID SECONDS - the message's page is on the site in time.
page_within() {
	local i p
	for ((i = 0; i < $2 * 10; i++)); do
		if p=$(mailarc link s "$1" 2>/dev/null) && [ -f "$p" ]; then
			echo "page of $1 after $i/10 s" >&3
			return 0
		fi
		sleep 0.1
	done
	echo "no page for $1 after $2 s; watch log:" >&2
	cat "$BATS_TEST_TMPDIR/watch.log" >&2
	return 1
}

push_account() {
	fetch_account s/a imap "$U" "$@"
	mailarc account edit s/a --push yes --no-test >/dev/null
}

@test "mail delivered into the second and third folder is fetched within 10 s" {
	folders "$U" Sent Team
	push_account --folder INBOX,Sent,Team
	watch_start s/a 1
	# (A watcher of the first folder alone fails below, on the delivery.)
	watch_wait_log 'watching folder' 3 10 || true
	save_mail "$U" Sent "sent-1@push.test"
	page_within sent-1@push.test 10
	save_mail "$U" Team "team-1@push.test"
	page_within team-1@push.test 10
	save_mail "$U" INBOX "inbox-1@push.test"
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
	save_mail "$U" "Entwürfe" "draft-1@push.test"
	page_within draft-1@push.test 10
	save_mail "$U" Projekte "proj-1@push.test"
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
	save_mail "$U" Sent "after@push.test"
	page_within after@push.test 10
	[ "$(space_mail_count s)" -eq 1 ]
}

@test "a folder that does not exist is left out; the others are watched" {
	folders "$U" Sent
	push_account --folder INBOX,Nosuch,Sent
	watch_start s/a 2
	watch_wait_log "folder 'Nosuch' is not watched" 1 10
	save_mail "$U" Sent "sent-2@push.test"
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
	save_mail "$U" F9 "f9@push.test"
	save_mail "$U" F1 "f1@push.test"
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
