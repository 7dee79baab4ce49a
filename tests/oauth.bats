#!/usr/bin/env bats
# mailarc-oauth-token against the test OAuth provider (issue 6): caching,
# refresh, rotation, revocation, locking, providers' form fields, the
# authorization code and device flows, and secrets kept out of sight.

bats_require_minimum_version 1.5.0
load helpers
load lib/oauth

setup() {
	new_root
	oauth_server_start --rotate --client-secret cs-Zq81 --user alice:pw-Kx93
	(umask 077 && printf 'cs-Zq81\n' >"$BATS_TEST_TMPDIR/client_secret")
}

teardown() {
	oauth_server_stop
}

cache() {
	cat "$MAILARC_ROOT/tokens/${1//\//.}.json"
}

json_get() {
	python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], ""))' "$1"
}

@test "--help, --version and usage errors" {
	run mailarc-oauth-token --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"mailarc-oauth-token authorize [--device]"* ]]
	run mailarc-oauth-token --version
	[ "$status" -eq 0 ]
	[[ "$output" == "mailarc-oauth-token "[0-9]* ]]
	run mailarc-oauth-token
	[ "$status" -eq 64 ]
	run mailarc-oauth-token --device s/a
	[ "$status" -eq 64 ]
	run mailarc-oauth-token authorize --port 70000 s/a
	[ "$status" -eq 64 ]
	run mailarc-oauth-token not-a-ref
	[ "$status" -eq 64 ]
}

@test "accounts that cannot have a token get a clear error" {
	mailarc space add s 2>/dev/null
	(umask 077 && echo pw >"$BATS_TEST_TMPDIR/pw")
	mailarc account add s/basic --protocol imaps --host 127.0.0.1 \
		--username u --password-file "$BATS_TEST_TMPDIR/pw" --no-test
	run --separate-stderr mailarc-oauth-token s/basic
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"does not use OAuth 2.0"* ]]
	mailarc account add s/app --protocol imaps --host 127.0.0.1 \
		--username u --auth oauth2 --oauth-provider microsoft \
		--oauth-method client_credentials --tenant-id t1 \
		--client-id c --client-secret-file "$BATS_TEST_TMPDIR/client_secret" \
		--token-url "$OAUTH_URL/t1/oauth2/v2.0/token" --no-test 2>/dev/null
	run --separate-stderr mailarc-oauth-token authorize s/app
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"authorize is for oauth_method refresh_token"* ]]
	oauth_account s/gen
	run --separate-stderr mailarc-oauth-token authorize s/gen
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"--auth-url"* ]]
	run --separate-stderr mailarc-oauth-token s/missing
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"'s/missing' does not exist"* ]]
	[ "$(oauth_count token)" -eq 0 ]
}

@test "first token is fetched, printed and cached 0600 in a 0700 folder" {
	oauth_account s/a
	oauth_seed s/a rt-first
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	[[ "$output" == at-* ]]
	[ "$(oauth_count token)" -eq 1 ]
	[ "$(stat -c %a "$MAILARC_ROOT/tokens")" = 700 ]
	[ "$(stat -c %a "$MAILARC_ROOT/tokens/s.a.json")" = 600 ]
	[ "$(cache s/a | json_get access_token)" = "$output" ]
}

@test "--info tells when the token expires and the refresh token was used" {
	oauth_account s/a
	oauth_seed s/a rt-first
	run --separate-stderr mailarc-oauth-token --info s/a
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'access_expires never\nrefresh_last_used never')" ]
	mailarc-oauth-token s/a >/dev/null 2>&1
	run --separate-stderr mailarc-oauth-token --info s/a
	[ "$status" -eq 0 ]
	exp=$(echo "$output" | sed -n 's/^access_expires //p')
	used=$(echo "$output" | sed -n 's/^refresh_last_used //p')
	now=$(date +%s)
	[ $(($(date -d "$exp" +%s) - now)) -gt 3500 ]
	[ $((now - $(date -d "$used" +%s))) -lt 60 ]
	[ "$(oauth_count token)" -eq 1 ]
}

@test "mailarc status shows the token's expiry and the refresh token's last use" {
	oauth_account s/a
	oauth_seed s/a rt-first
	run mailarc status s
	[ "$status" -eq 0 ]
	[[ "$output" == *"OAuth 2.0 access token not cached yet"* ]]
	mailarc-oauth-token s/a >/dev/null 2>&1
	run mailarc status s
	[ "$status" -eq 0 ]
	[[ "$output" == *"OAuth 2.0 access token expires "* ]]
	run --separate-stderr mailarc status s --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys, time
def find(o):
    if isinstance(o, dict):
        if isinstance(o.get("oauth"), dict):
            return o["oauth"]
        o = list(o.values())
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r:
                return r
t = find(json.load(sys.stdin))
assert t and t["access_expires"] and t["refresh_last_used"], t'
}

@test "a cached token is reused: one request to the endpoint" {
	oauth_account s/a
	oauth_seed s/a rt-first
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	first=$output
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	[ "$output" = "$first" ]
	[ "$(oauth_count token)" -eq 1 ]
}

@test "a token within a minute of expiry is refreshed" {
	oauth_ctl config expires_in=45
	oauth_account s/a
	oauth_seed s/a rt-first
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	first=$output
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	[[ "$output" == at-* ]]
	[ "$output" != "$first" ]
	[ "$(oauth_count token)" -eq 2 ]
}

@test "--force refreshes a token the mail server rejected" {
	oauth_account s/a
	oauth_seed s/a rt-first
	first=$(mailarc-oauth-token s/a 2>/dev/null)
	oauth_ctl expire
	run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	[ "$output" != "$first" ]
	[ "$(oauth_count token)" -eq 2 ]
}

@test "a rotated refresh token is saved in the cache and used next time" {
	oauth_ctl config rotate_strict=1
	oauth_account s/a
	oauth_seed s/a rt-first
	mailarc-oauth-token s/a >/dev/null 2>&1
	rotated=$(cache s/a | json_get refresh_token)
	[[ "$rotated" == rt-* ]]
	[ "$rotated" != rt-first ]
	# The provider knows only the new one now; the file is untouched.
	curl -sS "$OAUTH_URL/control/refresh_tokens" | grep -q "\"$rotated\""
	! curl -sS "$OAUTH_URL/control/refresh_tokens" | grep -q rt-first
	[ "$(cat "$BATS_TEST_TMPDIR/s.a.refresh")" = rt-first ]
	run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	oauth_requests | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r[1]["form"]["refresh_token"] == sys.argv[1], r[1]["form"]
' "$rotated"
	[ "$(cache s/a | json_get refresh_token)" != "$rotated" ]
}

@test "a new refresh token file wins over the cached rotated chain" {
	oauth_account s/a
	oauth_seed s/a rt-first
	mailarc-oauth-token s/a >/dev/null 2>&1
	oauth_seed s/a rt-again
	run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 0 ]
	oauth_requests | python3 -c '
import json, sys
assert json.load(sys.stdin)[1]["form"]["refresh_token"] == "rt-again"'
}

@test "a revoked refresh token says to run authorize and exits EX_NOPERM" {
	oauth_account s/a
	oauth_seed s/a rt-first
	mailarc-oauth-token s/a >/dev/null 2>&1
	oauth_ctl revoke all=1
	run --separate-stderr mailarc-oauth-token --force s/a
	[ "$status" -eq 77 ]
	[ -z "$output" ]
	[[ "$stderr" == *"refresh token was revoked or has expired"* ]]
	[[ "$stderr" == *"mailarc-oauth-token authorize s/a"* ]]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
}

@test "two concurrent refreshes make one request" {
	oauth_ctl config delay=1.5
	oauth_account s/a
	oauth_seed s/a rt-first
	mailarc-oauth-token s/a >"$BATS_TEST_TMPDIR/t1" 2>/dev/null &
	p1=$!
	mailarc-oauth-token s/a >"$BATS_TEST_TMPDIR/t2" 2>/dev/null &
	p2=$!
	wait "$p1"
	wait "$p2"
	[ "$(oauth_count token)" -eq 1 ]
	[[ "$(cat "$BATS_TEST_TMPDIR/t1")" == at-* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/t1")" = "$(cat "$BATS_TEST_TMPDIR/t2")" ]
}

@test "a proxy in the environment does not take loopback requests" {
	oauth_account s/a
	oauth_seed s/a rt-first
	dead=$(free_port)
	http_proxy=http://127.0.0.1:$dead ALL_PROXY=http://127.0.0.1:$dead \
		run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	[ "$(oauth_count token)" -eq 1 ]
}

@test "an unreachable provider exits EX_TEMPFAIL" {
	oauth_account s/a
	oauth_seed s/a rt-first
	oauth_server_stop
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"cannot reach"* ]]
}

@test "invalid_client names the client settings and exits EX_CONFIG" {
	oauth_account s/a --client-id wrong-client
	oauth_seed s/a rt-first
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"invalid_client"* ]]
	[[ "$stderr" == *"client_id 'wrong-client'"* ]]
}

@test "a token_url over plain http to a remote host is refused" {
	# account add refuses it already; an account file edited by hand must
	# be refused all the same when a token is needed.
	run oauth_account s/b --token-url http://192.0.2.1/token
	[ "$status" -eq 78 ]
	oauth_account s/a
	f=$MAILARC_ROOT/spaces/s/accounts/a.conf
	sed -i 's|^token_url = .*|token_url = http://192.0.2.1/token|' "$f"
	oauth_seed s/a rt-first
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"must be https://"* ]]
	[ "$(oauth_count token)" -eq 0 ]
}

@test "microsoft client credentials: the right form fields, no refresh token" {
	mailarc space add s 2>/dev/null
	mailarc account add s/app --protocol imaps --host 127.0.0.1 \
		--username shared@example.org --auth oauth2 \
		--oauth-provider microsoft --oauth-method client_credentials \
		--tenant-id contoso.onmicrosoft.com --client-id mailarc-test \
		--client-secret-file "$BATS_TEST_TMPDIR/client_secret" \
		--token-url "$OAUTH_URL/contoso.onmicrosoft.com/oauth2/v2.0/token" \
		--no-test 2>/dev/null
	run --separate-stderr mailarc-oauth-token s/app
	[ "$status" -eq 0 ]
	[[ "$output" == at-* ]]
	oauth_requests | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r) == 1, r
assert r[0]["path"] == "/contoso.onmicrosoft.com/oauth2/v2.0/token"
assert r[0]["form"] == {
    "grant_type": "client_credentials",
    "client_id": "mailarc-test",
    "client_secret": "cs-Zq81",
    "scope": "https://outlook.office365.com/.default",
}, r[0]["form"]'
}

@test "microsoft delegated: IMAP scope with offline_access, secret optional" {
	mailarc space add s 2>/dev/null
	mailarc account add s/m --protocol imaps --host 127.0.0.1 \
		--username alice --auth oauth2 --oauth-provider microsoft \
		--client-id mailarc-test \
		--refresh-token-file "$BATS_TEST_TMPDIR/s.m.refresh" \
		--token-url "$OAUTH_URL/common/oauth2/v2.0/token" --no-test 2>/dev/null
	oauth_seed s/m rt-ms
	run --separate-stderr mailarc-oauth-token s/m
	[ "$status" -eq 0 ]
	oauth_requests | python3 -c '
import json, sys
f = json.load(sys.stdin)[0]["form"]
assert f == {"grant_type": "refresh_token", "refresh_token": "rt-ms",
             "client_id": "mailarc-test",
             "scope": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"}, f'
}

@test "microsoft password grant sends the mailbox's login" {
	mailarc space add s 2>/dev/null
	(umask 077 && printf 'pw-Kx93\n' >"$BATS_TEST_TMPDIR/pw")
	mailarc account add s/p --protocol pops --host 127.0.0.1 \
		--username alice --password-file "$BATS_TEST_TMPDIR/pw" \
		--auth oauth2 --oauth-provider microsoft --oauth-method password \
		--tenant-id contoso.onmicrosoft.com --client-id mailarc-test \
		--token-url "$OAUTH_URL/contoso.onmicrosoft.com/oauth2/v2.0/token" \
		--no-test 2>/dev/null
	run --separate-stderr mailarc-oauth-token s/p
	[ "$status" -eq 0 ]
	oauth_requests | python3 -c '
import json, sys
f = json.load(sys.stdin)[0]["form"]
assert f == {"grant_type": "password", "username": "alice",
             "password": "pw-Kx93", "client_id": "mailarc-test",
             "scope": "https://outlook.office.com/POP.AccessAsUser.All offline_access"}, f'
}

@test "google refresh sends the client secret and no scope" {
	mailarc space add s 2>/dev/null
	mailarc account add s/g --protocol imaps --host 127.0.0.1 \
		--username alice@example.org --auth oauth2 --oauth-provider google \
		--client-id mailarc-test \
		--client-secret-file "$BATS_TEST_TMPDIR/client_secret" \
		--refresh-token-file "$BATS_TEST_TMPDIR/s.g.refresh" \
		--token-url "$OAUTH_URL/token" --no-test 2>/dev/null
	oauth_seed s/g rt-google
	run --separate-stderr mailarc-oauth-token s/g
	[ "$status" -eq 0 ]
	oauth_requests | python3 -c '
import json, sys
f = json.load(sys.stdin)[0]["form"]
assert f == {"grant_type": "refresh_token", "refresh_token": "rt-google",
             "client_id": "mailarc-test", "client_secret": "cs-Zq81"}, f'
}

@test "a cached token for other settings is not used" {
	oauth_account s/a
	oauth_seed s/a rt-first
	first=$(mailarc-oauth-token s/a 2>/dev/null)
	mailarc account edit s/a --scope "mail other" --no-test 2>/dev/null
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	[ "$output" != "$first" ]
	[ "$(oauth_count token)" -eq 2 ]
}

@test "authorize: PKCE code flow through the loopback listener" {
	oauth_account s/a
	mailarc-oauth-token authorize --auth-url "$OAUTH_URL/authorize" \
		--timeout 30 s/a >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^http' "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	url=$(head -1 "$BATS_TEST_TMPDIR/out")
	[[ "$url" == "$OAUTH_URL/authorize?"*code_challenge_method=S256* ]]
	# A forged redirect (wrong state, RFC 6749 10.12) and stray requests
	# are turned away; the listener keeps waiting for the real one.
	port=$(python3 -c 'import sys, urllib.parse as u
q = u.parse_qs(u.urlsplit(sys.argv[1]).query)
print(u.urlsplit(q["redirect_uri"][0]).port)' "$url")
	run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/?code=code-forged&state=forged"
	[ "$output" = 400 ]
	run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/favicon.ico"
	[ "$output" = 404 ]
	# Play the browser: the provider redirects to the listener.
	run curl -sS -L --max-time 20 "$url"
	[ "$status" -eq 0 ]
	[[ "$output" == *"authorization received"* ]]
	wait "$pid"
	f=$BATS_TEST_TMPDIR/s.a.refresh
	[ "$(stat -c %a "$f")" = 600 ]
	rt=$(cat "$f")
	[[ "$rt" == rt-* ]]
	curl -sS "$OAUTH_URL/control/refresh_tokens" | grep -q "\"$rt\": \"alice\""
	! grep -q "$rt" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
	# The first access token is cached: no further request.
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	[ "$(oauth_count token)" -eq 1 ]
}

@test "authorize: a refusal in the browser exits EX_NOPERM, nothing saved" {
	oauth_account s/a
	oauth_ctl config deny_next=1
	mailarc-oauth-token authorize --auth-url "$OAUTH_URL/authorize" \
		--timeout 30 s/a >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '^http' "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	curl -sS -L --max-time 20 "$(head -1 "$BATS_TEST_TMPDIR/out")" >/dev/null
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 77 ]
	grep -q access_denied "$BATS_TEST_TMPDIR/err"
	[ ! -e "$BATS_TEST_TMPDIR/s.a.refresh" ]
}

@test "authorize --device: the user enters the code, the token is saved" {
	oauth_account s/a
	device_start s/a
	sleep 1.5 # let it poll while pending at least once
	curl -sS --max-time 10 "$OAUTH_URL/device/verify?user_code=$DEVICE_CODE&user=alice" >/dev/null
	wait "$DEVICE_PID"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/s.a.refresh")" = 600 ]
	[ "$(oauth_count grant:urn:ietf:params:oauth:grant-type:device_code)" -ge 2 ]
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
}

@test "authorize --device: a refusal exits EX_NOPERM, nothing saved" {
	oauth_account s/a
	device_start s/a
	curl -sS --max-time 10 "$OAUTH_URL/device/verify?user_code=$DEVICE_CODE&user=alice&deny=1" >/dev/null
	rc=0
	wait "$DEVICE_PID" || rc=$?
	[ "$rc" -eq 77 ]
	grep -q access_denied "$BATS_TEST_TMPDIR/err"
	[ ! -e "$BATS_TEST_TMPDIR/s.a.refresh" ]
}

@test "a damaged cache file is replaced, not trusted" {
	oauth_account s/a
	oauth_seed s/a rt-first
	mkdir -p -m 0700 "$MAILARC_ROOT/tokens"
	printf '{"access_token": "at-forged", "expires_at": 99999999' \
		>"$MAILARC_ROOT/tokens/s.a.json"
	run --separate-stderr mailarc-oauth-token s/a
	[ "$status" -eq 0 ]
	[[ "$output" == at-* ]]
	[ "$output" != at-forged ]
	[[ "$stderr" == *"is not valid JSON"* ]]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
	[ "$(cache s/a | json_get access_token)" = "$output" ]
}

@test "tokens and secrets appear in no log line, no ps output, no environment" {
	oauth_ctl config delay=1
	mailarc space add s 2>/dev/null
	mailarc account add s/g --protocol imaps --host 127.0.0.1 \
		--username alice@example.org --auth oauth2 --oauth-provider google \
		--client-id mailarc-test \
		--client-secret-file "$BATS_TEST_TMPDIR/client_secret" \
		--refresh-token-file "$BATS_TEST_TMPDIR/s.g.refresh" \
		--token-url "$OAUTH_URL/token" --no-test 2>/dev/null
	oauth_seed s/g rt-sekrit-1
	mailarc-oauth-token -v -v s/g >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 0.5
	ps -eo args >"$BATS_TEST_TMPDIR/ps"
	cat /proc/$pid/environ >"$BATS_TEST_TMPDIR/env" 2>/dev/null || true
	wait "$pid"
	at=$(cat "$BATS_TEST_TMPDIR/out")
	[[ "$at" == at-* ]]
	rotated=$(cache s/g | json_get refresh_token)
	mailarc-oauth-token -v -v --force s/g >/dev/null 2>>"$BATS_TEST_TMPDIR/err"
	grep -q 'access token refreshed' "$BATS_TEST_TMPDIR/err"
	for secret in rt-sekrit-1 cs-Zq81 "$at" "$rotated"; do
		! grep -qF -- "$secret" "$BATS_TEST_TMPDIR/err" "$BATS_TEST_TMPDIR/ps" \
			"$BATS_TEST_TMPDIR/env" "$BATS_TEST_TMPDIR/oauth/server.log"
	done
	# Only the owner can read anything under tokens/.
	[ -z "$(find "$MAILARC_ROOT/tokens" -perm /077 ! -type d)" ]
}
