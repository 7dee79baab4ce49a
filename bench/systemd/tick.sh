#!/bin/bash
# What automatic polling costs: one tick of mailarc-poll@.timer for an
# account that is not due (the common case: 5 of 6 ticks with the default
# 30min interval and 5min tick), one that is due but finds nothing new,
# against the peers polling the same mailbox with nothing new (fetchmail
# with "keep", mbsync). A private Dovecot on 127.0.0.1 serves one mailbox
# of N messages (default 2000) that every tool has already taken.
#
#   bench/systemd/tick.sh [N]    (make bench-systemd)
# Prints mean times and ratios to mailarc's due poll. Bounded: hyperfine
# runs each command 20 times after 3 warm-ups.
set -eu
N=${1:-2000}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MAILARC_BUILD:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
export PATH="$build/bin:$PATH"
for t in hyperfine fetchmail mbsync doveadm; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (make deps-bench)" >&2; exit 1; }
done

# The test harness starts Dovecot; it expects bats' variables.
# shellcheck disable=SC2034 # read by the sourced helpers
BATS_TEST_DIRNAME=$top/tests
BATS_TEST_TMPDIR=$(mktemp -d /tmp/mailarc-bench-systemd.XXXXXX)
chmod 0711 "$BATS_TEST_TMPDIR"
# shellcheck source=/dev/null
. "$top/tests/helpers.bash"
# shellcheck source=/dev/null
. "$top/tests/lib/dovecot.bash"
work=$BATS_TEST_TMPDIR
cleanup() {
	dovecot_stop
	rm -rf "$work"
}
trap cleanup EXIT

dovecot_start "$work/dovecot" >/dev/null
dovecot_add_user bench benchpw
dovecot_add_messages bench "$N"
echo benchpw >"$work/pw"
chmod 0600 "$work/pw"

export MAILARC_ROOT=$work/root
mailarc -q space add bench
mailarc -q account add bench/main --protocol imap --host 127.0.0.1 \
	--port "$DOVECOT_IMAP_PORT" --tls required --ca-file "$DOVECOT_CA" \
	--username bench --password-file "$work/pw" --no-test
mailarc -q fetch bench/main >/dev/null

# fetchmail: IMAP with STARTTLS, keep, into a file; already seen all.
cat >"$work/fetchmailrc" <<CONF
set no syslog
poll localhost service $DOVECOT_IMAP_PORT protocol IMAP
  user bench password benchpw sslproto tls1.2+ sslcertck sslcertfile $DOVECOT_CA
  keep mda "cat >/dev/null"
CONF
chmod 0600 "$work/fetchmailrc"
fm="fetchmail -s -f $work/fetchmailrc -i $work/fetchids --pidfile $work/fm.pid"
# Exit 1 is "no mail": success here. sh -c adds about a millisecond.
fm_ok="sh -c '$fm; [ \$? -le 1 ]'"
sh -c "$fm >$work/fm.log 2>&1; [ \$? -le 1 ]" ||
	{ cat "$work/fm.log" >&2; echo "bench: fetchmail failed" >&2; exit 1; }

# mbsync: pull INBOX into a local Maildir; already in sync.
mkdir -p "$work/mbsync/inbox"
cat >"$work/mbsyncrc" <<CONF
IMAPAccount bench
Host localhost
Port $DOVECOT_IMAP_PORT
User bench
Pass benchpw
SSLType STARTTLS
CertificateFile $DOVECOT_CA

IMAPStore remote
Account bench

MaildirStore local
Path $work/mbsync/
Inbox $work/mbsync/inbox

Channel bench
Far :remote:INBOX
Near :local:
Sync Pull
Create Near
SyncState *
CONF
mb="mbsync -q -c $work/mbsyncrc bench"
$mb || { echo "bench: mbsync could not sync" >&2; exit 1; }

unit=$(sed -n 's/^ExecStart=//p' "$top/systemd/mailarc-poll@.service.in" |
	sed -e "s|@bindir@|$build/bin|" -e "s|%I|bench/main|")
export MAILARC_FETCH_TIMEOUT=30
hyperfine -N --warmup 3 --runs 20 --export-json "$work/h.json" \
	-n 'tick, not due (mailarc fetch --due)' "$unit" \
	-n 'poll, nothing new (mailarc fetch)' "mailarc -q fetch bench/main" \
	-n 'fetchmail, nothing new' "$fm_ok" \
	-n 'mbsync, nothing new' "$mb" \
	-n "mailarc status --json" "mailarc status --json" >"$work/hf.log" 2>&1 ||
	{ cat "$work/hf.log" >&2; echo "bench: hyperfine failed" >&2; exit 1; }

echo "mailbox of $N messages, all taken before; mean of 20 runs"
python3 - "$work/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[1]["mean"]
for x in r:
    print("%-40s %8.2f ms  %6.2fx mailarc's poll" % (x["command"], x["mean"] * 1e3, x["mean"] / base))
PY
