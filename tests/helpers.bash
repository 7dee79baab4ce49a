# Shared by every bats suite: load it with "load helpers".
# The programs come from $MAILARC_BUILD/bin (tests/run.sh sets it).

: "${MAILARC_BUILD:=$BATS_TEST_DIRNAME/../build/san}"
PATH="$MAILARC_BUILD/bin:$PATH"
TESTS_DIR=$BATS_TEST_DIRNAME
# This file's folder, tests/, also for the suites in tests/torture/.
HELPERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:exitcode=99}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$TESTS_DIR/lsan.supp:print_suppressions=0}"

# The test scripts run Debian's python3 (make deps installs it), not a
# version manager's shim that may come first on PATH: pyenv's runs some
# eighty shell processes a call, 0.15 s of CPU where Debian's python3
# takes 0.02 s to start, over some 800 calls in make check.
if [ -x /usr/bin/python3 ] && [ -n "${BATS_RUN_TMPDIR:-}" ]; then
	[ -e "$BATS_RUN_TMPDIR/python/python3" ] || {
		mkdir -p "$BATS_RUN_TMPDIR/python" &&
			ln -sf /usr/bin/python3 "$BATS_RUN_TMPDIR/python/python3"
	}
	PATH="$BATS_RUN_TMPDIR/python:$PATH"
fi

# new_root - a fresh root folder for this test, exported as MAILARC_ROOT.
new_root() {
	export MAILARC_ROOT="$BATS_TEST_TMPDIR/root"
	mkdir -p "$MAILARC_ROOT"
}

# tree_digest DIR - one line per file and folder: path, mode, content hash.
# Two equal digests mean nothing on disk changed (lib/tree_digest.py).
tree_digest() {
	python3 "$HELPERS_DIR/lib/tree_digest.py" "$1"
}

# free_port - a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	free_ports 1
}

# free_ports N - N different such ports, one a line. Asked for one at a
# time, the kernel may hand out the same free port twice (a server then
# fails with "duplicate listener"); these are all bound at once.
free_ports() {
	python3 -c '
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
for s in held:
    print(s.getsockname()[1])
' "$1"
}

# wait_port PORT [SECONDS] - wait (bounded) until 127.0.0.1:PORT accepts.
wait_port() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "nothing listens on 127.0.0.1:$1 after ${2:-10}s" >&2
	return 1
}

# kill_pidfile FILE - stop the process whose PID is in FILE, bounded (15 s,
# then SIGKILL; a pid file left by a killed one is removed).
kill_pidfile() {
	local pid i
	[ -f "$1" ] || return 0
	pid=$(cat "$1")
	kill "$pid" 2>/dev/null || return 0
	# A loaded machine can take Dovecot's master past 5 s to stop (its
	# login processes wait 5 s on a stats handshake).
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	# Killed, but not reaped yet: a server that reads its pid file
	# (Dovecot) would take it for one still running.
	rm -f "$1"
}

# mrel KEY ID - the path of the page of Message-ID ID in space KEY under
# its site, m/HH/NAME.html, as "mailarc link" prints it: the tests never
# apply the permalink rule themselves (lib/permalink.c does).
mrel() {
	mailarc link "$1" "$2" 2>/dev/null | sed 's|.*/m/|m/|'
}

# trel KEY ID - the path of the thread page that holds ID, as
# "mailarc link --thread" prints it (t/HH/NAME.html).
trel() {
	mailarc link "$1" "$2" --thread 2>/dev/null | sed 's|.*/t/|t/|'
}
