#!/usr/bin/env bats
# Mailboxes as people have them (issue 17), against a real Dovecot started
# on 127.0.0.1 by this suite: non-ASCII folder names (modified UTF-7 on
# the wire: Dovecot 2.3 has no UTF8=ACCEPT and refuses 8-bit names), the
# special-use flags of "account folders", and folder = *.

load helpers
load lib/dovecot
load lib/fetch

# German and Japanese names, as people type them (UTF-8).
DRAFTS=$'Entw\xc3\xbcrfe'
SENT=$'\xe9\x80\x81\xe4\xbf\xa1\xe6\xb8\x88\xe3\x81\xbf'
TRASH=$'Gel\xc3\xb6scht'
JUNK=$'Unerw\xc3\xbcnscht'

# A namespace whose special-use folders carry those names (RFC 6154).
provider_conf() {
	cat <<CONF
namespace inbox {
  inbox = yes
  mailbox "$DRAFTS" {
    special_use = \\Drafts
    auto = create
  }
  mailbox "$SENT" {
    special_use = \\Sent
    auto = create
  }
  mailbox "$TRASH" {
    special_use = \\Trash
    auto = create
  }
  mailbox "$JUNK" {
    special_use = \\Junk
    auto = create
  }
  ${1:-}
}
CONF
}

setup_file() {
	DOVECOT_EXTRA_CONF=$(provider_conf) dovecot_start
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
	kill_pidfile "$BATS_TEST_TMPDIR/busy.pid"
	if [ -n "${SECOND_DOVECOT:-}" ]; then
		dovecot_stop
	fi
}

# save_message USER FOLDER TEXT - a small message in FOLDER (UTF-8 name),
# through Dovecot itself so that it files it under the right Maildir.
save_message() {
	printf 'From: a@example.org\r\nSubject: %s\r\nMessage-ID: <%s@t>\r\n\r\n%s\r\n' \
		"$3" "$RANDOM$RANDOM" "$3" |
		doveadm -c "$DOVECOT_DIR/dovecot.conf" save -u "$1" -m "$2"
}

# folder_create USER FOLDER - make a folder (UTF-8 name) on the server.
folder_create() {
	doveadm -c "$DOVECOT_DIR/dovecot.conf" mailbox create -u "$1" "$2"
}

# spool_has TEXT - how many spool messages hold TEXT.
spool_has() {
	grep -rlF -- "$1" "$MAILARC_ROOT/spaces/s/incoming" | wc -l
}

@test "account folders: German and Japanese names in UTF-8 with their special-use flags" {
	folder_create "$U" "Projekte.Br$(printf '\xc3\xbc')cke & Co"
	fetch_account s/a imap "$U"
	run mailarc account folders s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "FETCH"*"SPECIAL-USE"*"FOLDER" ]]
	grep -qx 'yes *- *INBOX' <<<"$output"
	grep -qx "no  *\\\\Drafts  *$DRAFTS" <<<"$output"
	grep -qx "no  *\\\\Sent  *$SENT" <<<"$output"
	grep -qx "no  *\\\\Trash  *$TRASH" <<<"$output"
	grep -qx "no  *\\\\Junk  *$JUNK" <<<"$output"
	# "&" is "&-" on the wire and the hierarchy is kept.
	grep -qF "Projekte.Br$(printf '\xc3\xbc')cke & Co" <<<"$output"
}

@test "account folders of a POP3 account is a clear usage error" {
	fetch_account s/a pop "$U"
	run mailarc account folders s/a
	[ "$status" -eq 64 ]
	[[ "$output" == *"POP3, which has only INBOX"* ]]
}

@test "--folder takes UTF-8: German and Japanese folders fetched, shown, status names a missing one" {
	save_message "$U" "$DRAFTS" "draft-one"
	save_message "$U" "$DRAFTS" "draft-two"
	save_message "$U" "$SENT" "sent-one"
	save_message "$U" INBOX "inbox-one"
	fetch_account s/a imap "$U" --folder "INBOX,$DRAFTS,$SENT"
	run mailarc account show s/a
	grep -qx "folder  *INBOX,$DRAFTS,$SENT" <<<"$output"
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	for t in draft-one draft-two sent-one inbox-one; do
		[ "$(spool_has "$t")" -eq 1 ]
	done
	# The state keeps the names in UTF-8, and a second run takes nothing.
	grep -qx "folder [0-9]* $SENT" "$MAILARC_ROOT/spaces/s/state/a.state"
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run mailarc account folders s/a
	grep -qx "yes  *\\\\Sent  *$SENT" <<<"$output"
	# A folder that is not there is named, in UTF-8, by fetch and status.
	mailarc account edit s/a --folder "$SENT,Gel$(printf '\xc3\xa4')nde" --no-test
	run mailarc-fetch s/a
	[ "$status" -eq 66 ]
	[[ "$output" == *"cannot open folder 'Gel$(printf '\xc3\xa4')nde'"* ]]
	run mailarc status s
	echo "$output"
	[[ "$output" == *"'Gel$(printf '\xc3\xa4')nde'"* ]]
}

@test "a folder name that is not UTF-8 is refused when the account is saved" {
	mailarc space add s >/dev/null
	run mailarc account add s/a --protocol imap --host 127.0.0.1 \
		--username "$U" --password-file "$BATS_TEST_TMPDIR/pw-$U" \
		--folder $'Entw\xfcrfe' --no-test
	[ "$status" -eq 78 ]
	[[ "$output" == *"not valid UTF-8"* ]]
	run mailarc account add s/b --protocol imap --host 127.0.0.1 \
		--username "$U" --password-file "$BATS_TEST_TMPDIR/pw-$U" \
		--folder 'INBOX,*' --no-test
	[ "$status" -eq 78 ]
	[[ "$output" == *"stands alone"* ]]
}

@test "folder = *: every folder but Junk and Trash" {
	folder_create "$U" Projekte
	save_message "$U" INBOX "m-inbox"
	save_message "$U" "$DRAFTS" "m-drafts"
	save_message "$U" "$SENT" "m-sent"
	save_message "$U" Projekte "m-projekte"
	save_message "$U" "$TRASH" "m-trash"
	save_message "$U" "$JUNK" "m-junk"
	fetch_account s/a imap "$U" --folder '*'
	run mailarc account folders s/a
	echo "$output"
	grep -qx "no  *\\\\Junk  *$JUNK" <<<"$output"
	grep -qx "no  *\\\\Trash  *$TRASH" <<<"$output"
	grep -qx "yes  *\\\\Sent  *$SENT" <<<"$output"
	grep -qx "yes  *- *Projekte" <<<"$output"
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	for t in m-inbox m-drafts m-sent m-projekte; do
		[ "$(spool_has "$t")" -eq 1 ]
	done
	[ "$(spool_has m-trash)" -eq 0 ]
	[ "$(spool_has m-junk)" -eq 0 ]
	run mailarc account test s/a
	[ "$status" -eq 0 ]
	[[ "$output" == *"*: 4 of the server's 6 folders"* ]]
}

@test "folder = * with an \\All folder takes that folder alone" {
	# A second instance whose namespace has an \All folder, as Gmail's
	# [Gmail]/All Mail; the suite's instance runs on (teardown stops
	# this one).
	SECOND_DOVECOT=1
	DOVECOT_EXTRA_CONF=$(provider_conf 'mailbox "Alle Nachrichten" {
    special_use = \All
    auto = create
  }') dovecot_start "$BATS_TEST_TMPDIR/dovecot-all"
	dovecot_add_user "$U" "pw-$U"
	save_message "$U" INBOX "m-inbox"
	save_message "$U" "Alle Nachrichten" "m-all-1"
	save_message "$U" "Alle Nachrichten" "m-all-2"
	save_message "$U" "$SENT" "m-sent"
	fetch_account s/a imap "$U" --folder '*'
	run mailarc account folders s/a
	echo "$output"
	grep -qx 'yes  *\\All  *Alle Nachrichten' <<<"$output"
	grep -qx 'no  *- *INBOX' <<<"$output"
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(spool_has m-all-1)" -eq 1 ]
	[ "$(spool_has m-inbox)" -eq 0 ]
}

# Throttling answers. A real Dovecot cannot be made to send them, so these
# tests use tests/lib/busy_server.py, a scripted server on 127.0.0.1 that
# answers its first connection with the throttling reply and serves later
# ones normally (three fixed messages, "busy message 1" ... "3").


# busy_start PROTO MODE - start the scripted server; sets BUSY_PORT.
busy_start() {
	BUSY_PORT=$(free_port)
	python3 "$TESTS_DIR/lib/busy_server.py" "$1" "$2" "$BUSY_PORT" 60 &
	echo $! >"$BATS_TEST_TMPDIR/busy.pid"
	wait_port "$BUSY_PORT" 10
	mailarc space add s >/dev/null 2>&1
	mailarc account add s/a --protocol "$1" --host 127.0.0.1 \
		--port "$BUSY_PORT" --username busy \
		--password-file "$BATS_TEST_TMPDIR/pw-$U" --tls none \
		--no-test >/dev/null 2>&1
}

# busy_backoff_then_resume FIRST_COUNT MESSAGE - the first run backs off
# with EX_TEMPFAIL and MESSAGE, keeping FIRST_COUNT messages durable and
# recorded; the status says why; the next run takes the rest; each of the
# three messages is in the spool exactly once.
busy_backoff_then_resume() {
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 75 ]
	[[ "$output" == *"$2"* ]]
	[ "$(spool_count s)" -eq "$1" ]
	run mailarc status s
	echo "$output"
	[[ "$output" == *"$2"* ]]
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c /incoming/ <<<"$output")" -eq $((3 - $1)) ]
	for i in 1 2 3; do
		[ "$(spool_has "busy message $i")" -eq 1 ]
	done
}

@test "imap NO [THROTTLED]: EX_TEMPFAIL, what was fetched is kept, the next run goes on" {
	busy_start imap throttled
	busy_backoff_then_resume 2 "limiting this account (it says: NO [THROTTLED]"
}

@test "imap NO [LIMIT]: EX_TEMPFAIL, the next run goes on" {
	busy_start imap limit
	busy_backoff_then_resume 2 "NO [LIMIT] Daily download limit reached"
}

@test "imap: Microsoft 365's 'Request is throttled' is a back-off too" {
	busy_start imap ms365
	busy_backoff_then_resume 2 "Suggested Backoff Time: 92000 milliseconds"
}

@test "imap BYE with a retry hint mid-fetch: EX_TEMPFAIL, the next run goes on" {
	busy_start imap bye
	busy_backoff_then_resume 1 "ended the session (it says: BYE [UNAVAILABLE] Server busy, try again in 10 minutes)"
}

@test "imap LOGIN NO [UNAVAILABLE] is EX_TEMPFAIL, not a refused login" {
	busy_start imap login
	busy_backoff_then_resume 0 "server is busy or limits this account (it says:"
}

@test "pop3 -ERR [IN-USE] at login is EX_TEMPFAIL, not a refused login" {
	busy_start pop in-use
	busy_backoff_then_resume 0 "-ERR [IN-USE] Maildrop is locked"
}

@test "pop3 -ERR [SYS/TEMP] mid-fetch: EX_TEMPFAIL, the next run goes on" {
	busy_start pop sys-temp
	busy_backoff_then_resume 1 "-ERR [SYS/TEMP] System busy"
}

# budget_roundtrip PROTO - 24 messages of about 100 kB and a budget of
# 1 MiB a day: each run takes the oldest that fit, status says what is left
# and when it resumes, a run in a spent window does not even connect, and
# once the day is over (the window's start moved back a day in the state
# file) the next run goes on. In the end every message on the server is
# in the spool once, byte for byte, fetched in arrival order.
budget_roundtrip() {
	local proto=$1 pop= i run n last=0 nums state
	case $proto in pop*) pop=--pop ;; esac
	for ((i = 1; i <= 24; i++)); do
		{
			printf 'From: a@example.org\r\nSubject: budget %d\r\n' "$i"
			printf 'Message-ID: <budget-%d@t>\r\n\r\n' "$i"
			head -c 75000 /dev/urandom | base64 -w 76 | sed 's/$/\r/'
		} | doveadm -c "$DOVECOT_DIR/dovecot.conf" save -u "$U" -m INBOX
	done
	fetch_snapshot "$U" "$BATS_TEST_TMPDIR/orig"
	fetch_account s/a "$proto" "$U" --fetch-budget 1MiB/day
	state=$MAILARC_ROOT/spaces/s/state/a.state
	for ((run = 1; run <= 6; run++)); do
		run mailarc-fetch s/a
		echo "$output"
		[ "$status" -eq 0 ]
		# The messages of this run, in order, all newer than before.
		nums=$(grep /incoming/ <<<"$output" | xargs -r grep -h '^Subject: budget' |
			sed 's/^Subject: budget \([0-9]*\).*/\1/')
		for n in $nums; do
			[ "$n" -eq $((last + 1)) ]
			last=$n
		done
		[ "$last" -eq 24 ] && break
		[[ "$output" == *"fetch budget of 1.0 MiB a day spent"* ]]
		[[ "$output" == *"wait for a run after"* ]]
		run mailarc status s
		echo "$output"
		[[ "$output" == *"fetch budget 1.0 MiB a day: "*" left until "*"; $((24 - last)) messages ("*") wait, fetched oldest first after "* ]]
		# Within the same day: nothing, and no connection.
		local logins
		logins=$(grep -c "user=<$U>" "$DOVECOT_DIR/dovecot.log")
		run mailarc-fetch s/a
		[ "$status" -eq 0 ]
		[ "$(grep -c /incoming/ <<<"$output")" -eq 0 ]
		[ "$(grep -c "user=<$U>" "$DOVECOT_DIR/dovecot.log")" -eq "$logins" ]
		# A day later.
		sed -i "s/^budget \([0-9]*\) /budget $(($(date +%s) - 86401)) /" "$state"
	done
	[ "$last" -eq 24 ]
	[ "$run" -ge 3 ]
	spool_compare "$BATS_TEST_TMPDIR/orig" s $pop
	[ "$(spool_count s)" -eq 24 ]
	run mailarc status s
	[[ "$output" != *"wait, fetched oldest first"* ]]
}

@test "imap fetch_budget: spent mid-run, resumed the next day, oldest first, none twice, none missed" {
	budget_roundtrip imap
}

@test "pop3 fetch_budget: spent mid-run, resumed the next day, oldest first, none twice, none missed" {
	budget_roundtrip pop
}

@test "fetch_budget: bad values refused; google and microsoft default to 2 GB a day" {
	mailarc space add s >/dev/null
	for v in 2GB 2XB/day 0GB/day 100KB/day -1GB/day; do
		run mailarc account add s/a --protocol imap --host 127.0.0.1 \
			--username "$U" --password-file "$BATS_TEST_TMPDIR/pw-$U" \
			--fetch-budget "$v" --no-test
		[ "$status" -eq 78 ]
		[[ "$output" == *"fetch_budget '$v' is not a size a day"* ]]
	done
	mailarc account add s/g --protocol imaps --host imap.gmail.com \
		--username a@example.org --auth oauth2 --oauth-provider google \
		--client-id x --client-secret-file "$BATS_TEST_TMPDIR/pw-$U" \
		--refresh-token-file "$BATS_TEST_TMPDIR/pw-$U" --no-test
	run mailarc status --json s
	python3 -c 'import json,sys; d=json.load(sys.stdin); a=[a for a in d["spaces"][0]["accounts"] if a["key"]=="g"][0]; assert a["fetch_budget"]["bytes_per_day"]==2000000000, a' <<<"$output"
	mailarc account edit s/g --fetch-budget off --no-test
	run mailarc status --json s
	python3 -c 'import json,sys; d=json.load(sys.stdin); a=[a for a in d["spaces"][0]["accounts"] if a["key"]=="g"][0]; assert a["fetch_budget"] is None, a' <<<"$output"
}

@test "imap without UIDPLUS, CONDSTORE, LITERAL+, LIST-EXTENDED: keep, delete and folder = * still work" {
	# A second instance that offers only IMAP4rev1 basics after login
	# (Dovecot's imap_capability replaces the list it announces).
	SECOND_DOVECOT=1
	DOVECOT_EXTRA_CONF="$(provider_conf)
imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE" \
		dovecot_start "$BATS_TEST_TMPDIR/dovecot-bare"
	dovecot_add_users "$U:pw-$U" "$U-d:pw-$U"
	printf 'pw-%s\n' "$U" >"$BATS_TEST_TMPDIR/pw-$U-d"
	chmod 0600 "$BATS_TEST_TMPDIR/pw-$U-d"
	fetch_account s/a imap "$U"
	run mailarc account test s/a
	echo "$output"
	[[ "$output" == *"IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE"* ]]
	[[ "$output" != *UIDPLUS* && "$output" != *CONDSTORE* && "$output" != *LITERAL+* ]]
	# Keep mode, byte for byte.
	dovecot_add_messages "$U" 30
	fetch_snapshot "$U" "$BATS_TEST_TMPDIR/orig"
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(grep -c /incoming/ <<<"$output")" -eq 30 ]
	spool_compare "$BATS_TEST_TMPDIR/orig" s
	# Delete mode expunges with plain EXPUNGE.
	dovecot_add_messages "$U-d" 12
	fetch_account s/d imap "$U-d" --on-server delete
	run mailarc-fetch s/d
	[ "$status" -eq 0 ]
	[ "$(grep -c /incoming/ <<<"$output")" -eq 12 ]
	[ "$(dovecot_count "$U-d")" -eq 0 ]
	# folder = * with a plain LIST: the special-use flags still come.
	save_message "$U" "$SENT" "m-sent"
	save_message "$U" "$JUNK" "m-junk"
	mailarc account edit s/a --folder '*' --no-test
	run mailarc account folders s/a
	echo "$output"
	grep -qx "no  *\\\\Junk  *$JUNK" <<<"$output"
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(spool_has m-sent)" -eq 1 ]
	[ "$(spool_has m-junk)" -eq 0 ]
}

@test "pop3 without UIDL: keep mode is refused with a clear message; delete mode works" {
	# Dovecot always offers UIDL, so this uses the scripted server.
	busy_start pop nouidl
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 78 ]
	[[ "$output" == *"does not support UIDL, which on_server = keep needs"*"use on_server = delete"* ]]
	[ "$(spool_count s)" -eq 0 ]
	mailarc account edit s/a --on-server delete --no-test
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c /incoming/ <<<"$output")" -eq 3 ]
}

@test "UTF8=ACCEPT (RFC 6855): enabled when offered, folder names go both ways as UTF-8" {
	# Dovecot 2.3 does not offer UTF8=ACCEPT, so this uses the scripted
	# server, which refuses a modified UTF-7 name once UTF-8 is enabled.
	busy_start imap utf8
	mailarc account edit s/a --folder "$DRAFTS" --no-test
	run mailarc account folders s/a
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx "yes  *\\\\Drafts  *$DRAFTS" <<<"$output"
	run mailarc-fetch s/a
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c /incoming/ <<<"$output")" -eq 3 ]
	grep -qx "folder 7 $DRAFTS" "$MAILARC_ROOT/spaces/s/state/a.state"
}
