# Helpers of the fetch suites (load after helpers and lib/dovecot).

# fetch_users N - Dovecot users u1 ... uN, each with the password "pw-uI"
# (made before any login: see dovecot_add_user).
fetch_users() {
	local i users=()
	for ((i = 1; i <= $1; i++)); do
		users+=("u$i:pw-u$i")
	done
	dovecot_add_users "${users[@]}"
}

# fetch_user USER - a 0600 password file for USER at $BATS_TEST_TMPDIR/pw-USER.
fetch_user() {
	printf 'pw-%s\n' "$1" >"$BATS_TEST_TMPDIR/pw-$1"
	chmod 0600 "$BATS_TEST_TMPDIR/pw-$1"
}

# fetch_port PROTO - the test Dovecot's port for pop, pops, imap, imaps.
fetch_port() {
	case $1 in
	imap) echo "$DOVECOT_IMAP_PORT" ;;
	imaps) echo "$DOVECOT_IMAPS_PORT" ;;
	pop) echo "$DOVECOT_POP3_PORT" ;;
	pops) echo "$DOVECOT_POP3S_PORT" ;;
	esac
}

# fetch_account SPACE/ACCOUNT PROTO USER [account add options...] - add an
# account for USER on the test Dovecot (the space is made if missing),
# trusting the test CA, without the connection test.
fetch_account() {
	local ref=$1 proto=$2 user=$3
	shift 3
	[ -d "$MAILARC_ROOT/spaces/${ref%%/*}" ] ||
		mailarc space add "${ref%%/*}" >/dev/null 2>&1
	mailarc account add "$ref" --protocol "$proto" --host 127.0.0.1 \
		--port "$(fetch_port "$proto")" --username "$user" \
		--password-file "$BATS_TEST_TMPDIR/pw-$user" \
		--ca-file "$DOVECOT_CA" --no-test "$@" >/dev/null
}

# fetch_snapshot USER DIR [FOLDER] - copy the messages the server holds now
# into the Maildir DIR (what the spool must end up holding).
fetch_snapshot() {
	local md
	md=$(dovecot_maildir "$1" "${3:-INBOX}")
	mkdir -p "$2/new" "$2/cur" "$2/tmp"
	find "$md/new" "$md/cur" -maxdepth 1 -type f -exec cp -t "$2/new/" {} +
}

# spool_count SPACE - messages in SPACE/incoming (each account delivers
# into its own Maildir++ sub-folder, incoming/.ACCOUNT/).
spool_count() {
	find "$MAILARC_ROOT/spaces/$1/incoming" -type f \
		-regex '.*/incoming/\(\.[^/]*/\)?\(new\|cur\)/[^/]*' | wc -l
}

# space_mail_count SPACE - messages anywhere in the space's Maildirs
# (incoming, archive, duplicates): what fetch delivered, wherever the later
# stages put it.
space_mail_count() {
	local d=$MAILARC_ROOT/spaces/$1
	find "$d/incoming" "$d/archive" "$d/duplicates" -type f -regex \
		'.*/\(incoming\|archive\|duplicates\)/\(\.[^/]*/\)?\(new\|cur\)/[^/]*' |
		wc -l
}

# spool_compare SRC SPACE [--pop] - the spool holds SRC's messages, each
# once, byte for byte as the server sends them.
spool_compare() {
	python3 "$TESTS_DIR/lib/genmail.py" --compare "$1" -- \
		"$MAILARC_ROOT/spaces/$2/incoming" ${3:-}
}

# fetch_kill_loop PROTO ROUNDS keep|delete N - N messages; kill -9 a fetch
# at a random instant, ROUNDS times; after each kill every message is on
# the server or in the spool (and no temp file is mistaken for mail); a
# last run completes the work: delete mode leaves the server empty, and
# the spool holds every message.
fetch_kill_loop() {
	local proto=$1 rounds=$2 mode=$3 n=$4 i pid
	dovecot_add_messages "$U" "$n"
	fetch_snapshot "$U" "$BATS_TEST_TMPDIR/orig"
	fetch_account s/a "$proto" "$U" --on-server "$mode"
	for ((i = 0; i < rounds; i++)); do
		mailarc-fetch s/a >/dev/null 2>&1 &
		pid=$!
		sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		python3 "$TESTS_DIR/lib/genmail.py" --cover "$BATS_TEST_TMPDIR/orig" -- \
			"$MAILARC_ROOT/spaces/s/incoming" "$(dovecot_maildir "$U")" >/dev/null || {
			echo "round $i lost mail" >&2
			return 1
		}
	done
	mailarc-fetch s/a >/dev/null || return 1
	if [ "$mode" = delete ]; then
		[ "$(dovecot_count "$U")" -eq 0 ] || return 1
	fi
	python3 "$TESTS_DIR/lib/genmail.py" --cover "$BATS_TEST_TMPDIR/orig" -- \
		"$MAILARC_ROOT/spaces/s/incoming"
}
