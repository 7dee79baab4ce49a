#!/bin/bash
# bench/fetch/run.sh [N] - mailarc-fetch side by side with mbsync (isync),
# fetchmail, getmail6 and mpop: one private Dovecot, one mailbox of N
# varied messages (default 10000), every tool fetching all of it into an
# empty Maildir over IMAPS and/or POP3S, keeping it on the server. All
# make each message durable before they record it as taken: mbsync with
# "FSync yes" (set below; also its default: an fsync per message and an
# fdatasync of its journal), mpop and getmail6 by default (mpop has no
# switch; strace -c counts 2,001 fsyncs for 2,000 messages), fetchmail
# through an MDA that runs sync(1) on the file, mailarc-fetch with one
# syncfs(2) per batch of up to 4,096 messages before it renames them into
# new/ and records them: equal durability. Each tool's delivered count is
# checked. The servers are named "localhost", the name the test
# certificate is for (mbsync and fetchmail do not match IP addresses).
# Prints seconds, messages/s, CPU seconds and peak RSS, and the
# ratios to mbsync (IMAPS) and to mpop (POP3S).
#   MAILARC_BUILD  the build folder (default build)
#   BENCH_TOOLS    which tools (default "mailarc mbsync fetchmail getmail mpop")
#   BENCH_LIMIT    seconds one tool may take (default 900)
#   BENCH_ROUNDS   rounds (default 3); the order of the tools rotates each
#                  round and each tool's median round is reported: on a
#                  shared machine the file system (ext4 inode allocation
#                  after other people's removals) dominates and varies.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-10000}
build=${MAILARC_BUILD:-$top/build}
tools=${BENCH_TOOLS:-mailarc mbsync fetchmail getmail mpop}
# Read by the sourced test helpers.
# shellcheck disable=SC2034
BATS_TEST_DIRNAME=$top/tests
work=$(mktemp -d /tmp/mailarc-bench-fetch.XXXXXX)
# shellcheck disable=SC2034
BATS_TEST_TMPDIR=$work
# shellcheck source=/dev/null
. "$top/tests/helpers.bash"
# shellcheck source=/dev/null
. "$top/tests/lib/dovecot.bash"
PATH=$build/bin:$PATH
unset ASAN_OPTIONS LSAN_OPTIONS

cleanup() {
	dovecot_stop
	rm -rf "$work"
}
trap cleanup EXIT

for t in mbsync fetchmail getmail mpop; do
	case " $tools " in *" $t "*) command -v $t >/dev/null || {
		echo "$t is not installed (make deps-bench)" >&2
		exit 1
	} ;; esac
done

echo "starting Dovecot, making $n messages ..." >&2
dovecot_start >/dev/null || exit 1
dovecot_add_user bench pw-bench
dovecot_add_messages bench "$n"
pw=$work/pw
printf 'pw-bench\n' >"$pw"
chmod 0600 "$pw"
ca=$DOVECOT_CA
# Let Dovecot index the folder once, so no tool pays for that.
dovecot_count bench >/dev/null

export MAILARC_ROOT=$work/root
mkdir -p "$MAILARC_ROOT"

count() {
	find "$1" -type f -path '*/new/*' -o -type f -path '*/cur/*' | wc -l
}

results=$work/results
: >"$results"

# run TOOL PROTO DEST CMD... - time a fetch into DEST; record the figures.
run() {
	local tool=$1 proto=$2 dest=$3 got
	shift 3
	sync
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" \
		timeout "${BENCH_LIMIT:-900}" "$@" >"$work/out" 2>"$work/err"
	local rc=$?
	got=$(count "$dest")
	if [ $rc -ne 0 ] || [ "$got" -ne "$n" ]; then
		echo "$tool over $proto: exit $rc, $got of $n messages" >&2
		cat "$work/err" "$work/out" | tail -n 8 >&2
		[ -n "${BENCH_KEEP:-}" ] && cp -r "$work" /tmp/bench-failed.$$
	fi
	read -r e u s m < <(tail -n 1 "$work/time")
	[ "$got" -eq "$n" ] || e=999999
	echo "$tool $proto $e $u $s $m $got" >>"$results"
	echo "  $tool $proto: ${e}s" >&2
}

# fresh DIR - an empty Maildir. Nothing is removed during the run: ext4
# scans for recently deleted inodes when it allocates new ones, which would
# slow down whichever tool came after a removal.
fresh() {
	mkdir -p "$1"/{tmp,new,cur}
}

bench_mailarc() {
	local proto=$1 acct=a$1 sp=b$1$round
	mailarc space add "$sp" >/dev/null 2>&1
	mailarc account add "$sp/$acct" --protocol "$proto" --host localhost \
		--port "$([ "$proto" = imaps ] && echo "$DOVECOT_IMAPS_PORT" || echo "$DOVECOT_POP3S_PORT")" \
		--username bench --password-file "$pw" --ca-file "$ca" --no-test \
		>/dev/null 2>&1
	run mailarc "$proto" "$MAILARC_ROOT/spaces/$sp/incoming" mailarc-fetch -q "$sp/$acct"
}

bench_mbsync() {
	local d=$work/mbsync$round
	mkdir -p "$d"
	cat >"$work/mbsyncrc" <<RC
FSync yes

IMAPAccount bench
Host localhost
Port $DOVECOT_IMAPS_PORT
User bench
PassCmd "cat $pw"
SSLType IMAPS
CertificateFile $ca

IMAPStore remote
Account bench

MaildirStore local
Path $d/
Inbox $d/inbox

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Sync Pull
Create Near
Expunge None
SyncState *
RC
	run mbsync imaps "$d" mbsync -q -c "$work/mbsyncrc" bench
}

bench_fetchmail() {
	local proto=$1 d=$work/fetchmail-$1$round
	fresh "$d"
	cat >"$work/mda" <<'MDA'
#!/bin/sh
# Maildir delivery as an MDA does it: tmp, fsync, rename.
f=$(date +%s.%N).$$
cat >"$DEST/tmp/$f" && sync "$DEST/tmp/$f" && mv "$DEST/tmp/$f" "$DEST/new/$f"
MDA
	chmod +x "$work/mda"
	cat >"$work/fetchmailrc" <<RC
set no syslog
poll localhost with proto $([ "$proto" = imaps ] && echo IMAP || echo POP3) port $([ "$proto" = imaps ] && echo "$DOVECOT_IMAPS_PORT" || echo "$DOVECOT_POP3S_PORT")
  user "bench" there with password "pw-bench" is root here
  ssl sslcertfile "$ca" sslcertck
  keep fetchall
  mda "$work/mda"
RC
	chmod 0600 "$work/fetchmailrc"
	mkdir -p "$work/fetchmailhome-$proto$round"
	DEST=$d FETCHMAILHOME=$work/fetchmailhome-$proto$round \
		run fetchmail "$proto" "$d" fetchmail -s -f "$work/fetchmailrc" \
		--pidfile "$work/fetchmail.pid"
}

bench_getmail() {
	local proto=$1 d=$work/getmail-$1$round
	fresh "$d"
	mkdir -p "$work/getmaildir-$proto$round"
	# getmail6 will not deliver as root: as root it runs as nobody (its
	# own "user =" forks a child per message, which would be unfair).
	local as=()
	if [ "$(id -u)" = 0 ]; then
		chmod 0711 "$work"
		chown -R nobody "$d" "$work/getmaildir-$proto$round"
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	if [ "$proto" = imaps ]; then
		cat >"$work/getmailrc" <<RC
[retriever]
type = SimpleIMAPSSLRetriever
server = localhost
port = $DOVECOT_IMAPS_PORT
username = bench
password = pw-bench
mailboxes = ("INBOX",)
ca_certs = $ca
RC
	else
		cat >"$work/getmailrc" <<RC
[retriever]
type = SimplePOP3SSLRetriever
server = localhost
port = $DOVECOT_POP3S_PORT
username = bench
password = pw-bench
ca_certs = $ca
RC
	fi
	cat >>"$work/getmailrc" <<RC

[destination]
type = Maildir
path = $d/

[options]
read_all = true
delete = false
verbose = 0
RC
	chmod 0644 "$work/getmailrc"
	run getmail "$proto" "$d" "${as[@]}" getmail --rcfile "$work/getmailrc" \
		--getmaildir "$work/getmaildir-$proto$round"
}

bench_mpop() {
	local d=$work/mpop$round
	fresh "$d"
	cat >"$work/mpoprc" <<RC
account bench
host localhost
port $DOVECOT_POP3S_PORT
user bench
passwordeval cat $pw
tls on
tls_starttls off
tls_trust_file $ca
delivery maildir $d
keep on
uidls_file $work/mpop-uidls$round
RC
	chmod 0600 "$work/mpoprc"
	run mpop pops "$d" mpop -q -C "$work/mpoprc" bench
}

rounds=${BENCH_ROUNDS:-3}
read -r -a order <<<"$tools"
for ((round = 1; round <= rounds; round++)); do
	echo "round $round of $rounds ..." >&2
	for t in "${order[@]}"; do
		case $t in
		mailarc) bench_mailarc imaps; bench_mailarc pops ;;
		mbsync) bench_mbsync ;;
		fetchmail) bench_fetchmail imaps; bench_fetchmail pops ;;
		getmail) bench_getmail imaps; bench_getmail pops ;;
		mpop) bench_mpop ;;
		esac
	done
	order=("${order[@]:1}" "${order[0]}")
done
# Each tool's median round (the lower middle one of an even count), in
# the order of BENCH_TOOLS.
for t in $tools; do
	for p in imaps pops; do
		awk -v t="$t" -v p="$p" '$1 == t && $2 == p' "$results" |
			sort -k3,3g >"$results.one"
		k=$(wc -l <"$results.one")
		[ "$k" -gt 0 ] && sed -n "$(((k + 1) / 2))p" "$results.one"
	done
done >"$results.median"
echo "every round (tool proto seconds user sys rssKB msgs):" >&2
cat "$results" >&2
results=$results.median

echo
echo "$n messages, median of $rounds rounds, $(du -sh "$(dovecot_maildir bench)" | cut -f1) on the server, $(nproc) cores"
awk -v n="$n" '
	{ tool[NR] = $1; proto[NR] = $2; e[NR] = $3; cpu[NR] = $4 + $5
	  rss[NR] = $6 / 1024; got[NR] = $7
	  if ($1 == "mbsync") ref = NR
	  if ($1 == "mpop") pref = NR }
	END {
	  printf "%-10s %-6s %8s %9s %8s %8s %7s | %-21s | %s\n", "tool",
	    "proto", "seconds", "msgs/s", "CPU s", "RSS MB", "msgs",
	    "vs mbsync: speed cpu mem", "vs mpop: speed cpu mem"
	  for (i = 1; i <= NR; i++) {
	    r1 = r2 = ""
	    if (ref)
	      r1 = sprintf("%5.2fx %5.2fx %5.2fx", e[ref] / e[i],
		cpu[i] / (cpu[ref] ? cpu[ref] : 0.01), rss[i] / rss[ref])
	    if (pref && proto[i] == "pops")
	      r2 = sprintf("%5.2fx %5.2fx %5.2fx", e[pref] / e[i],
		cpu[i] / (cpu[pref] ? cpu[pref] : 0.01), rss[i] / rss[pref])
	    printf "%-10s %-6s %8.2f %9.0f %8.2f %8.1f %7d | %-21s | %s\n",
	      tool[i], proto[i], e[i], n / (e[i] ? e[i] : 0.01), cpu[i],
	      rss[i], got[i], r1, r2
	  }
	  print "speed: > 1 is faster than the reference; cpu, mem: < 1 is less"
	}' "$results"
