#!/bin/sh
# bench/dedupe/run.sh N... - dedupe + index of N generated messages with
# mailarc, side by side with "notmuch new" and public-inbox-index on the
# same messages, then the cost of adding 10 more to each. Prints wall
# time, CPU time and peak memory (max RSS of the biggest process) and the
# ratios peer / mailarc (above 1: mailarc is faster or smaller).
#
# MAILARC_BUILD names the build (default build/); BENCH_DIR the work
# folder (default a fresh one under /tmp, removed afterwards).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MAILARC_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
PATH="$build/bin:$PATH"
[ $# -gt 0 ] || set -- 10000
for tool in notmuch public-inbox-init public-inbox-index git python3; do
	command -v "$tool" >/dev/null || {
		echo "bench/dedupe/run.sh: $tool is missing (make deps-bench)" >&2
		exit 69
	}
done
[ -x /usr/bin/time ] || { echo "bench/dedupe/run.sh: /usr/bin/time is missing" >&2; exit 69; }
work=${BENCH_DIR:-$(mktemp -d /tmp/mailarc-bench.XXXXXX)}
trap 'rm -rf "$work"' EXIT
export HOME="$work" PI_CONFIG="$work/pi-config"

# gen DIR FIRST COUNT - COUNT messages (threads of 5, 1-6 kB bodies) as
# Maildir files DIR/new/*, numbered from FIRST.
gen() {
	python3 - "$@" <<'PY'
import os, random, sys
d, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(d + "/new", exist_ok=True)
os.makedirs(d + "/cur", exist_ok=True)
os.makedirs(d + "/tmp", exist_ok=True)
words = ("archive mailbox quarterly invoice meeting notes report budget "
         "server release customer support ticket deadline review draft "
         "schedule travel contract renewal team project update").split()
for i in range(first, first + count):
    r = random.Random(i)
    root = i - i % 5
    body = "\n".join(" ".join(r.choice(words) for _ in range(12))
                     for _ in range(r.randint(10, 60)))
    hdr = ("Return-Path: <user%d@bench.example>\n"
           "Received: from mx.bench.example by imap.bench.example; "
           "Sun, 22 Nov 2026 10:00:00 +0000\n"
           "From: User %d <user%d@bench.example>\nTo: team@bench.example\n"
           "Subject: %s%s %d\nDate: Sun, 22 Nov 2026 %02d:%02d:%02d +0000\n"
           "Message-ID: <bench-%d@bench.example>\n"
           % (i % 97, i % 97, i % 97, "Re: " if i != root else "",
              r.choice(words), root, (i // 3600) % 24, (i // 60) % 60,
              i % 60, i))
    if i != root:
        hdr += ("In-Reply-To: <bench-%d@bench.example>\n"
                "References: <bench-%d@bench.example>\n" % (i - 1, root))
    with open("%s/new/%d.M%dP1.bench" % (d, 1700000000 + i, i), "w") as f:
        f.write(hdr + "\n" + body + "\n")
PY
}

# pi_import INBOX MAILDIR - commit each message to a public-inbox v1
# inbox (one blob per message, path = sha1 of its Message-ID), as
# public-inbox's own importer lays them out.
pi_import() {
	python3 - "$2" <<'PY' | git -C "$1" fast-import --quiet
import hashlib, os, re, sys
d = sys.argv[1]
names = sorted(os.listdir(d + "/new"))
out = sys.stdout.buffer
head = os.environ.get("PI_HEAD", "")
for n, name in enumerate(names):
    data = open(os.path.join(d, "new", name), "rb").read()
    mid = re.search(rb"^Message-ID: <([^>]*)>", data, re.M | re.I).group(1)
    h = hashlib.sha1(mid).hexdigest()
    msg = b"bench"
    out.write(b"commit refs/heads/master\ncommitter b <b@bench.example> %d +0000\n"
              % (1700000000 + n))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if n == 0 and head:
        out.write(b"from %s\n" % head.encode())
    out.write(b"M 100644 inline %s/%s\ndata %d\n" % (h[:2].encode(), h[2:].encode(), len(data)))
    out.write(data + b"\n")
PY
}

# run LABEL CMD... - time CMD; appends "LABEL wall cpu maxrss_kB".
run() {
	label=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
		echo "bench/dedupe/run.sh: '$label' failed:" >&2
		cat "$work/err" >&2
		exit 70
	}
	read -r wall user sys rss <"$work/t"
	cpu=$(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}')
	echo "$label $wall $cpu $rss" >>"$work/results"
}

# add A B LABEL - sum two result lines (wall, cpu; rss is the max).
add() {
	awk -v a="$1" -v b="$2" -v l="$3" '
		$1 == a { w += $2; c += $3; if ($4 > m) m = $4 }
		$1 == b { w += $2; c += $3; if ($4 > m) m = $4 }
		END { printf "%s %.2f %.2f %d\n", l, w, c, m }' "$work/results" \
		>"$work/sum"
	cat "$work/sum" >>"$work/results"
}

report() {
	n=$1
	awk -v n="$n" '
		{ w[$1] = $2; c[$1] = $3; m[$1] = $4 }
		function row(title, k) {
			printf "  %-30s %8.2f s %8.2f s %9d kB\n", title, w[k], c[k], m[k]
		}
		function ratio(title, k, base) {
			printf "  %-30s %8.2fx  %8.2fx  %9.2fx\n", title,
				w[k] / (w[base] > 0 ? w[base] : 0.01),
				c[k] / (c[base] > 0 ? c[base] : 0.01),
				m[k] / (m[base] > 0 ? m[base] : 1)
		}
		END {
			printf "\n%d messages (Maildir of %s)\n", n, ENVIRON["SIZE"]
			printf "  %-30s %10s %10s %12s\n", "", "wall", "cpu", "peak RSS"
			row("mailarc-dedupe", "dedupe-" n)
			row("mailarc-index", "index-" n)
			row("mailarc dedupe+index", "mailarc-" n)
			row("notmuch new", "notmuch-" n)
			row("public-inbox-index (v1)", "pi-" n)
			printf "  ratio to mailarc dedupe+index:\n"
			ratio("notmuch new", "notmuch-" n, "mailarc-" n)
			ratio("public-inbox-index", "pi-" n, "mailarc-" n)
			printf "\n  adding 10 messages to the %d-message archive:\n", n
			row("mailarc dedupe+index", "mailarc-add-" n)
			row("notmuch new", "notmuch-add-" n)
			row("public-inbox-index", "pi-add-" n)
			ratio("notmuch new / mailarc", "notmuch-add-" n, "mailarc-add-" n)
			ratio("public-inbox / mailarc", "pi-add-" n, "mailarc-add-" n)
		}' "$work/results"
}

for n in "$@"; do
	rm -rf "$work/r" "$work/mail" "$work/add" "$work/nm" "$work/inbox" \
		"$work/results" "$PI_CONFIG"
	: >"$work/results"
	gen "$work/mail" 0 "$n"
	gen "$work/add" "$n" 10
	export SIZE
	SIZE=$(du -sh "$work/mail" | cut -f1)

	# mailarc: the messages arrive in incoming/ (hard links: the same
	# files notmuch and public-inbox read).
	export MAILARC_ROOT="$work/r"
	mailarc space add bench >/dev/null 2>&1
	sp=$MAILARC_ROOT/spaces/bench
	# (find: 100,000 names do not fit on one command line)
	find "$work/mail/new" -type f -exec cp -l -t "$sp/incoming/new/" {} +
	sync
	run "dedupe-$n" mailarc-dedupe -q bench
	run "index-$n" mailarc-index -q bench
	add "dedupe-$n" "index-$n" "mailarc-$n"
	[ "$(notmuch --config="$sp/notmuch/config" count '*')" -eq "$n" ]

	# notmuch new over the same Maildir.
	mkdir -p "$work/nm"
	printf '[database]\npath=%s/nm\nmail_root=%s/mail\n[new]\ntags=\n[maildir]\nsynchronize_flags=false\n' \
		"$work" "$work" >"$work/nm/config"
	run "notmuch-$n" notmuch --config="$work/nm/config" new --quiet
	[ "$(notmuch --config="$work/nm/config" count '*')" -eq "$n" ]

	# public-inbox: the same messages committed to a v1 inbox, then
	# indexed (Xapian + SQLite over the git history).
	public-inbox-init -V1 bench "$work/inbox" http://bench.example/ \
		bench@bench.example >/dev/null 2>&1
	pi_import "$work/inbox" "$work/mail"
	run "pi-$n" public-inbox-index "$work/inbox"

	# Ten more messages.
	find "$work/add/new" -type f -exec cp -l -t "$sp/incoming/new/" {} +
	run "dedupe-add-$n" mailarc-dedupe -q bench
	run "index-add-$n" mailarc-index -q bench
	add "dedupe-add-$n" "index-add-$n" "mailarc-add-$n"
	[ "$(notmuch --config="$sp/notmuch/config" count '*')" -eq $((n + 10)) ]
	find "$work/add/new" -type f -exec cp -l -t "$work/mail/new/" {} +
	run "notmuch-add-$n" notmuch --config="$work/nm/config" new --quiet
	PI_HEAD=$(git -C "$work/inbox" rev-parse master)
	export PI_HEAD
	pi_import "$work/inbox" "$work/add"
	unset PI_HEAD
	run "pi-add-$n" public-inbox-index "$work/inbox"
	report "$n"
done
