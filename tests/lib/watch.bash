# Helpers of the push suites (watch.bats, watch_folders.bats): a watcher
# started in the background with its log in $BATS_TEST_TMPDIR/watch.log
# and its PID in watch.pid, mail delivered through Dovecot, and bounded
# waits for the watcher's log and for a message's page.

# watch_teardown - stop the watcher by its PID; a test that stopped the
# shared server and failed before starting it again must not take the
# next tests down with it.
watch_teardown() {
	kill_pidfile "$BATS_TEST_TMPDIR/watch.pid"
	if [ -n "${DOVECOT_STOPPED:-}" ] &&
		! kill -0 "$(cat "$DOVECOT_DIR/run/master.pid" 2>/dev/null)" 2>/dev/null; then
		dovecot_restart
	fi
}

# save_mail USER ID [FOLDER] - deliver a message with Message-ID <ID>
# into FOLDER (INBOX) through Dovecot (doveadm save), as an MTA's LDA or
# a Sieve fileinto would: the server tells its IDLE clients at once.
save_mail() {
	printf 'From: Ann <ann@example.org>\r\nTo: team@example.org\r\nSubject: push %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n\r\nbody of %s\r\n' \
		"$2" "$(date -R)" "$2" "$2" |
		doveadm -c "$DOVECOT_DIR/dovecot.conf" save -u "$1" -m "${3:-INBOX}"
}

# watch_start REF [N] - "mailarc watch REF" (flags: $WATCH_FLAGS, -v by
# default) in the background; returns once it watches N folders (1)
# (bounded: 20 s).
watch_start() {
	mailarc "${WATCH_FLAGS:--v}" watch "$1" >"$BATS_TEST_TMPDIR/watch.out" \
		2>"$BATS_TEST_TMPDIR/watch.log" &
	echo $! >"$BATS_TEST_TMPDIR/watch.pid"
	watch_wait_log 'watching folder' "${2:-1}" 20
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

# page_within ID SECONDS - the message's page exists on the site of space
# s within SECONDS; prints how long it took (tenths of a second).
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

# push_account [OPTION...] - account s/a of user $U over IMAP, push on.
push_account() {
	fetch_account s/a imap "$U" "$@"
	mailarc account edit s/a --push yes --no-test >/dev/null
}
