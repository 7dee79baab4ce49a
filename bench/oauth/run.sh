#!/bin/bash
# shellcheck disable=SC2034 # m_* and p_* are read through ${!m} and ${!p}
# make bench-oauth: mailarc-oauth-token against getmail6's
# getmail-gmail-xoauth-tokens (the peer that does the same job: print an
# access token from a cache, refreshing it at the token endpoint), on the
# same local test provider (tests/lib/oauth_server.py), N runs each:
#   cached   a valid token in the cache, no request
#   refresh  a refresh-token grant every run (mailarc --force; the peer
#            with its expires_at reset to 0 before each run)
# Prints mean wall-clock milliseconds per run and the ratio peer/mailarc.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MAILARC_BUILD:-$top/build}
N=${N:-100}
PATH="$build/bin:$PATH"
peer=$(command -v getmail-gmail-xoauth-tokens) || {
	echo "getmail-gmail-xoauth-tokens not found (Debian package getmail6)" >&2
	exit 1
}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url=http://127.0.0.1:$port
cleanup() {
	[ -s "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
python3 "$top/tests/lib/oauth_server.py" --port "$port" --pidfile "$work/pid" \
	--client-secret bench-secret >/dev/null 2>&1 &
for ((t = 0; t < 100; t++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
curl -sS -X POST -d refresh_token=rt-bench -d username=alice "$url/control/seed" >/dev/null

export MAILARC_ROOT=$work/root
mkdir -p "$MAILARC_ROOT"
(umask 077 && echo bench-secret >"$work/secret" && echo rt-bench >"$work/refresh")
mailarc space add b 2>/dev/null
mailarc account add b/a --protocol imaps --host 127.0.0.1 --username alice \
	--auth oauth2 --oauth-provider google --client-id mailarc-test \
	--client-secret-file "$work/secret" --refresh-token-file "$work/refresh" \
	--token-url "$url/token" --no-test 2>/dev/null
cat >"$work/peer.json" <<JSON
{"client_id": "mailarc-test", "client_secret": "bench-secret",
 "refresh_token": "rt-bench", "token_uri": "$url/token",
 "auth_uri": "$url/authorize", "scope": "https://mail.google.com/",
 "user": "alice", "access_token": "", "expires_at": 0}
JSON
reset_peer() {
	python3 - "$work/peer.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["expires_at"] = 0
json.dump(d, open(sys.argv[1], "w"))
PY
}

# ms CMD… - mean milliseconds of N runs of CMD (before_each runs untimed).
before_each=:
ms() {
	local total=0 t0 t1 r
	for ((r = 0; r < N; r++)); do
		$before_each
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		total=$((total + t1 - t0))
	done
	python3 -c "print('%.2f' % ($total / $N / 1e6))"
}

mailarc-oauth-token b/a >/dev/null 2>&1
"$peer" "$work/peer.json" >/dev/null
m_cached=$(ms mailarc-oauth-token b/a)
p_cached=$(ms "$peer" "$work/peer.json")
m_refresh=$(ms mailarc-oauth-token --force b/a)
before_each=reset_peer
p_refresh=$(ms "$peer" "$work/peer.json")
before_each=:

printf '%-10s %12s %22s %8s\n' case mailarc-ms getmail-xoauth-ms ratio
for c in cached refresh; do
	m=m_$c p=p_$c
	printf '%-10s %12s %22s %7.2fx\n' "$c" "${!m}" "${!p}" \
		"$(python3 -c "print(${!p} / ${!m})")"
done
echo "(N=$N runs each; ratio = getmail time / mailarc time; same provider on 127.0.0.1)"
