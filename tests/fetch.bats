#!/usr/bin/env bats
# mailarc-fetch against a real Dovecot started on 127.0.0.1 by this suite:
# every protocol, keep and delete, byte-for-byte delivery, unseen mail
# stays unseen, crashes, a server lost mid-transfer, bad passwords and
# certificates, a 50 MB message, concurrent runs.

load helpers
load lib/dovecot
load lib/fetch

setup_file() {
	dovecot_start
	fetch_users 40
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	U=u$BATS_TEST_NUMBER
	fetch_user "$U"
}

# keep_roundtrip PROTO [options] - a few hundred varied messages arrive
# byte for byte; a second run fetches nothing; a later message is the only
# one fetched next.
keep_roundtrip() {
	local proto=$1 pop=
	shift
	case $proto in pop*) pop=--pop ;; esac
	dovecot_add_messages "$U" 200
	fetch_snapshot "$U" "$BATS_TEST_TMPDIR/orig"
	fetch_account s/a "$proto" "$U" "$@"
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 200 ]
	spool_compare "$BATS_TEST_TMPDIR/orig" s $pop
	# Each printed path is a delivered message.
	for p in "${lines[@]}"; do [ -f "$p" ]; done
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(spool_count s)" -eq 200 ]
	printf 'From: late@example.org\r\nSubject: late\r\n\r\nlate one\r\n' |
		dovecot_add_message "$U"
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	grep -q 'late one' "${lines[0]}"
	[ "$(dovecot_count "$U")" -eq 201 ]
}

@test "imap with STARTTLS (tls = auto): keep mode, byte for byte, only new mail next" {
	keep_roundtrip imap
	grep -q "user=<$U>.*TLS" "$DOVECOT_DIR/dovecot.log"
}

@test "imap with STARTTLS required" {
	keep_roundtrip imap --tls required
}

@test "imaps" {
	keep_roundtrip imaps
}

@test "pop3 with STARTTLS (tls = auto): keep mode, byte for byte, only new mail next" {
	keep_roundtrip pop
	grep -q "pop3-login.*user=<$U>.*TLS" "$DOVECOT_DIR/dovecot.log"
}

@test "pop3 with STARTTLS required" {
	keep_roundtrip pop --tls required
}

@test "pop3s" {
	keep_roundtrip pops
}

@test "imap keep mode leaves unseen mail unseen" {
	dovecot_add_messages "$U" 5
	fetch_account s/a imaps "$U"
	run dovecot_flags "$U"
	! grep -q Seen <<<"$output"
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	run dovecot_flags "$U"
	[ "${#lines[@]}" -eq 5 ]
	! grep -q Seen <<<"$output"
}

# delete_roundtrip PROTO [options] - delete mode: the server ends empty
# and the spool holds every message, byte for byte, once.
delete_roundtrip() {
	local proto=$1 pop=
	shift
	case $proto in pop*) pop=--pop ;; esac
	dovecot_add_messages "$U" 150
	fetch_snapshot "$U" "$BATS_TEST_TMPDIR/orig"
	fetch_account s/a "$proto" "$U" --on-server delete "$@"
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 150 ]
	[ "$(dovecot_count "$U")" -eq 0 ]
	spool_compare "$BATS_TEST_TMPDIR/orig" s $pop
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "imaps delete mode empties the server; the spool holds everything" {
	delete_roundtrip imaps
}

@test "imap (STARTTLS required) delete mode" {
	delete_roundtrip imap --tls required
}

@test "pop3s delete mode empties the server; the spool holds everything" {
	delete_roundtrip pops
}

@test "pop3 (STARTTLS) delete mode" {
	delete_roundtrip pop
}

@test "imap: several folders; a new UIDVALIDITY refetches the folder" {
	dovecot_add_messages "$U" 4
	dovecot_add_messages "$U" 3 Archive
	printf 'Archive\n' >>"$(dovecot_maildir "$U")/subscriptions"
	fetch_account s/a imap "$U" --folder INBOX,Archive
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 7 ]
	# Dovecot picks a new UIDVALIDITY when its UID list is gone.
	rm "$(dovecot_maildir "$U" Archive)/dovecot-uidlist"
	sleep 1
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "a missing folder is reported; the other folders are fetched" {
	dovecot_add_messages "$U" 2
	fetch_account s/a imap "$U" --folder INBOX,Nowhere
	run mailarc-fetch s/a
	[ "$status" -eq 66 ]
	grep -q "folder 'Nowhere'" <<<"$output"
	[ "$(spool_count s)" -eq 2 ]
}

@test "-0 separates paths with NUL" {
	dovecot_add_messages "$U" 3
	fetch_account s/a imap "$U"
	mailarc-fetch -0 s/a >"$BATS_TEST_TMPDIR/out"
	[ "$(tr -cd '\0' <"$BATS_TEST_TMPDIR/out" | wc -c)" -eq 3 ]
	[ "$(tr -cd '\n' <"$BATS_TEST_TMPDIR/out" | wc -c)" -eq 0 ]
}

@test "wrong password: EX_NOPERM and a clear message, recorded in the state" {
	dovecot_add_messages "$U" 1
	fetch_account s/a imaps "$U"
	echo wrong >"$BATS_TEST_TMPDIR/pw-$U"
	run mailarc-fetch s/a
	[ "$status" -eq 77 ]
	grep -q "account s/a: login failed: the server refused the login of '$U'" <<<"$output"
	! grep -q wrong <<<"$output"
	run mailarc account show s/a
	grep -q "last error .*login failed" <<<"$output"
	run mailarc-fetch s/a
	[ "$status" -eq 77 ]
}

@test "pop3: wrong password is EX_NOPERM" {
	fetch_account s/a pop "$U"
	echo wrong >"$BATS_TEST_TMPDIR/pw-$U"
	run mailarc-fetch s/a
	[ "$status" -eq 77 ]
	grep -q "login failed" <<<"$output"
}

@test "an untrusted certificate is refused; tls_verify = no is a loud choice" {
	dovecot_add_messages "$U" 1
	mailarc space add s >/dev/null
	for proto in imaps imap pops pop; do
		mailarc account add "s/$proto" --protocol $proto --host 127.0.0.1 \
			--port "$(fetch_port $proto)" --username "$U" \
			--password-file "$BATS_TEST_TMPDIR/pw-$U" --no-test >/dev/null
		run mailarc-fetch "s/$proto"
		[ "$status" -eq 69 ]
		grep -q "not trusted" <<<"$output"
	done
	[ "$(spool_count s)" -eq 0 ]
	mailarc account edit s/imaps --tls-verify no --no-test >/dev/null
	run mailarc-fetch s/imaps
	[ "$status" -eq 0 ]
	grep -q "verification is off" <<<"$output"
	[ "$(spool_count s)" -eq 1 ]
}

@test "server down: EX_TEMPFAIL naming the failure" {
	mailarc space add s >/dev/null
	mailarc account add s/a --protocol imap --host 127.0.0.1 \
		--port "$(free_port)" --username "$U" \
		--password-file "$BATS_TEST_TMPDIR/pw-$U" --no-test >/dev/null
	run mailarc-fetch s/a
	[ "$status" -eq 75 ]
	grep -q "connect failed" <<<"$output"
}

@test "a server that never answers times out" {
	port=$(free_port)
	python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5); time.sleep(30)' "$port" &
	echo $! >"$BATS_TEST_TMPDIR/silent.pid"
	wait_port "$port"
	mailarc space add s >/dev/null
	mailarc account add s/a --protocol imap --host 127.0.0.1 --port "$port" \
		--username "$U" --password-file "$BATS_TEST_TMPDIR/pw-$U" \
		--no-test >/dev/null
	SECONDS=0
	run mailarc-fetch --timeout 2 s/a
	kill_pidfile "$BATS_TEST_TMPDIR/silent.pid"
	[ "$status" -eq 75 ]
	grep -q "timed out" <<<"$output"
	[ "$SECONDS" -lt 10 ]
}

@test "a 50 MB message arrives intact with bounded memory" {
	python3 "$TESTS_DIR/lib/genmail.py" --big "$BATS_TEST_TMPDIR/big" 50
	dovecot_add_message "$U" <"$BATS_TEST_TMPDIR/big"
	fetch_account s/a imaps "$U"
	fetch_account s/p pops "$U"
	for acct in a p; do
		ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=1 \
			/usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss" mailarc-fetch s/$acct \
			>"$BATS_TEST_TMPDIR/path" 2>"$BATS_TEST_TMPDIR/err"
		# No progress drawn when stderr is not a terminal.
		! grep -q 'MB/s' "$BATS_TEST_TMPDIR/err"
		cmp "$BATS_TEST_TMPDIR/big" "$(cat "$BATS_TEST_TMPDIR/path")"
		rss=$(tail -1 "$BATS_TEST_TMPDIR/rss")
		echo "peak RSS ${rss} kB" >&2
		# Less than the message itself, even under AddressSanitizer
		# (its quarantine of freed memory is what the limit below
		# turns down: OpenSSL frees a buffer per TLS record).
		[ "$rss" -lt 40000 ]
	done
}

@test "a long fetch shows progress on a terminal" {
	python3 "$TESTS_DIR/lib/genmail.py" --big "$BATS_TEST_TMPDIR/big" 20
	dovecot_add_messages "$U" 5
	dovecot_add_message "$U" <"$BATS_TEST_TMPDIR/big"
	fetch_account s/a imap "$U"
	# script(1) gives mailarc-fetch a terminal. MAILARC_PROGRESS_AFTER=0
	# draws from the first message rather than after a second, so the
	# test does not depend on how fast this machine fetches (holding the
	# server mid-transfer did not: a batch's finished files wait in tmp/).
	MAILARC_PROGRESS_AFTER=0 script -qefc "mailarc-fetch s/a" \
		"$BATS_TEST_TMPDIR/typescript" >/dev/null 2>&1
	grep -q 'account s/a: [0-9]*/6 messages, [0-9.]*/20.0 MB, [0-9.]* MB/s' \
		"$BATS_TEST_TMPDIR/typescript"
	[ "$(spool_count s)" -eq 6 ]
}

@test "a server that hangs mid-transfer times out; the next run completes" {
	python3 "$TESTS_DIR/lib/genmail.py" --big "$BATS_TEST_TMPDIR/big" 20
	dovecot_add_messages "$U" 5
	dovecot_add_message "$U" <"$BATS_TEST_TMPDIR/big"
	fetch_snapshot "$U" "$BATS_TEST_TMPDIR/orig"
	fetch_account s/a pop "$U" --on-server delete
	mailarc-fetch --timeout 2 s/a >/dev/null 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for ((i = 0; i < 400; i++)); do
		[ -n "$(find "$MAILARC_ROOT/spaces/s/incoming" -regex '.*/incoming/\(\.[^/]*/\)?tmp/[^/]*' -type f -size +1M)" ] && break
		sleep 0.02
	done
	pop=$(pgrep -P "$(cat "$DOVECOT_DIR/run/master.pid")" -x pop3 || true)
	[ -n "$pop" ]
	kill -STOP $pop
	SECONDS=0
	status=0
	wait $pid || status=$?
	kill -CONT $pop
	[ "$status" -eq 75 ]
	[ "$SECONDS" -lt 10 ]
	grep -q "account s/a: the server sent nothing for 2 s (.*MAILARC_TIMEOUT" "$BATS_TEST_TMPDIR/err"
	[ "$(dovecot_count "$U")" -eq 6 ]
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(dovecot_count "$U")" -eq 0 ]
	spool_compare "$BATS_TEST_TMPDIR/orig" s --pop
}

@test "two concurrent runs of one account deliver each message once" {
	local t=$BATS_TEST_TMPDIR s1=0 s2=0
	dovecot_add_messages "$U" 400
	fetch_account s/a imap "$U"
	# Without --wait the one that finds the lock taken says so at once.
	mailarc-fetch s/a >"$t/o1" 2>"$t/e1" &
	p1=$!
	mailarc-fetch s/a >"$t/o2" 2>"$t/e2" &
	p2=$!
	wait $p1 || s1=$?
	wait $p2 || s2=$?
	[ "$s1" -eq 0 ] || { [ "$s1" -eq 75 ] && grep -q "is busy" "$t/e1"; }
	[ "$s2" -eq 0 ] || { [ "$s2" -eq 75 ] && grep -q "is busy" "$t/e2"; }
	[ "$s1" -eq 0 ] || [ "$s2" -eq 0 ]
	# With --wait both run, one after the other.
	dovecot_add_messages "$U" 100
	mailarc-fetch --wait s/a >"$t/o3" &
	p1=$!
	mailarc-fetch --wait s/a >"$t/o4" &
	p2=$!
	wait $p1
	wait $p2
	[ "$(spool_count s)" -eq 500 ]
	[ "$(cat "$t"/o[1-4] | wc -l)" -eq 500 ]
	[ "$(cat "$t"/o[1-4] | sort -u | wc -l)" -eq 500 ]
}

@test "the lock: a held account lock gives EX_TEMPFAIL, --wait waits" {
	dovecot_add_messages "$U" 2
	fetch_account s/a imap "$U"
	flock "$MAILARC_ROOT/spaces/s/state/a.lock" sleep 2 &
	sleep 0.5
	run mailarc-fetch s/a
	[ "$status" -eq 75 ]
	grep -q "account s/a is busy" <<<"$output"
	run mailarc-fetch --wait s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	wait
}

@test "kill -9 at random points (imap, delete mode) loses nothing" {
	fetch_kill_loop imap 6 delete 300
}

@test "kill -9 at random points (pop3, delete mode) loses nothing" {
	fetch_kill_loop pop 6 delete 300
}

@test "kill -9 at random points (imaps, keep mode) loses nothing" {
	fetch_kill_loop imaps 4 keep 300
}

@test "server stopped mid-transfer: a clear error, the next run completes" {
	python3 "$TESTS_DIR/lib/genmail.py" --big "$BATS_TEST_TMPDIR/big" 40
	dovecot_add_messages "$U" 20
	dovecot_add_message "$U" <"$BATS_TEST_TMPDIR/big"
	sed 's/^Subject: big/Subject: big two/' "$BATS_TEST_TMPDIR/big" |
		dovecot_add_message "$U"
	dovecot_add_messages "$U" 20
	fetch_snapshot "$U" "$BATS_TEST_TMPDIR/orig"
	fetch_account s/a imap "$U" --on-server delete
	mailarc-fetch s/a >/dev/null 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	# While a big message is being written, freeze the server's IMAP
	# process (a child of this instance's master) so the transfer is
	# surely under way, then stop the server and that process.
	for ((i = 0; i < 400; i++)); do
		[ -n "$(find "$MAILARC_ROOT/spaces/s/incoming" -regex '.*/incoming/\(\.[^/]*/\)?tmp/[^/]*' -type f -size +1M)" ] && break
		sleep 0.02
	done
	imap=$(pgrep -P "$(cat "$DOVECOT_DIR/run/master.pid")" -x imap || true)
	[ -n "$imap" ]
	kill -STOP $imap
	dovecot_kill
	kill -9 $imap 2>/dev/null || true
	status=0
	wait $pid || status=$?
	dovecot_restart
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$status" -eq 75 ]
	grep -q "account s/a: \(the server closed the connection\|cannot read from the server\)" \
		"$BATS_TEST_TMPDIR/err"
	[ -z "$(find "$MAILARC_ROOT/spaces/s/incoming" -regex '.*/incoming/\(\.[^/]*/\)?tmp/[^/]*' -type f)" ]
	[ "$(dovecot_count "$U")" -eq 42 ]
	run mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "$(dovecot_count "$U")" -eq 0 ]
	# What arrived before the break was recorded: nothing twice.
	spool_compare "$BATS_TEST_TMPDIR/orig" s
}
