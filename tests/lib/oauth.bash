# The test OAuth provider (tests/lib/oauth_server.py) and accounts that use
# it. Load after helpers: "load lib/oauth".
#
#   oauth_server_start [ARGS…]   sets OAUTH_PORT and OAUTH_URL
#   oauth_server_stop
#   oauth_ctl WHAT [K=V…]        POST /control/WHAT with form fields
#   oauth_count KEY              a request counter ("token", "grant:…")
#   oauth_requests               the token requests' forms, as JSON
#   oauth_account SPACE/ACCOUNT [mailarc account add options…]
#                                a generic-provider imaps account for it

oauth_server_start() {
	local dir=$BATS_TEST_TMPDIR/oauth
	mkdir -p "$dir"
	OAUTH_PORT=$(free_port)
	OAUTH_URL=http://127.0.0.1:$OAUTH_PORT
	rm -f "$dir/pid"
	python3 "$TESTS_DIR/lib/oauth_server.py" --port "$OAUTH_PORT" \
		--pidfile "$dir/pid" --log "$dir/server.log" "$@" \
		>"$dir/stderr" 2>&1 3>&- &
	wait_port "$OAUTH_PORT" 10 || {
		cat "$dir/stderr" >&2
		return 1
	}
	export OAUTH_PORT OAUTH_URL
}

oauth_server_stop() {
	kill_pidfile "$BATS_TEST_TMPDIR/oauth/pid"
}

oauth_ctl() {
	local what=$1 args=() kv
	shift
	for kv in "$@"; do
		args+=(--data-urlencode "$kv")
	done
	curl -sS --max-time 10 -X POST "${args[@]}" "$OAUTH_URL/control/$what" \
		>/dev/null
}

oauth_count() {
	curl -sS --max-time 10 "$OAUTH_URL/control/stats" |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"
}

oauth_requests() {
	curl -sS --max-time 10 "$OAUTH_URL/control/requests"
}

# oauth_account SPACE/ACCOUNT [OPTIONS…] - space (if missing) and account
# with provider generic, token_url at the test server, client mailarc-test,
# refresh token file $BATS_TEST_TMPDIR/REF.refresh (not created).
oauth_account() {
	local ref=$1 space=${1%%/*}
	shift
	[ -d "$MAILARC_ROOT/spaces/$space" ] || mailarc space add "$space" 2>/dev/null
	mailarc account add "$ref" --protocol imaps --host 127.0.0.1 \
		--username "${OAUTH_USER:-alice}" --auth oauth2 \
		--oauth-provider generic --token-url "$OAUTH_URL/token" \
		--scope "mail" --client-id mailarc-test \
		--refresh-token-file "$BATS_TEST_TMPDIR/${ref//\//.}.refresh" \
		--no-test "$@" 2>/dev/null
}

# oauth_seed SPACE/ACCOUNT TOKEN [USER] - a refresh token the server knows,
# written where the account reads it (0600).
oauth_seed() {
	local f="$BATS_TEST_TMPDIR/${1//\//.}.refresh"
	oauth_ctl seed "refresh_token=$2" "username=${3:-${OAUTH_USER:-alice}}"
	(umask 077 && printf '%s\n' "$2" >"$f")
}

# device_start ACCOUNT - "mailarc-oauth-token authorize --device" for
# ACCOUNT in the background, its PID in DEVICE_PID, its output in
# $BATS_TEST_TMPDIR/out and err; returns once it shows the user code
# (bounded: 10 s), which it leaves in DEVICE_CODE.
device_start() {
	local i
	mailarc-oauth-token authorize --device --device-url "$OAUTH_URL/device" \
		--timeout 30 "$1" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	DEVICE_PID=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'enter the code' "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	DEVICE_CODE=$(sed -n 's/.*enter the code \(.*\)$/\1/p' "$BATS_TEST_TMPDIR/out")
	[ -n "$DEVICE_CODE" ]
}
