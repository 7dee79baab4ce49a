#!/bin/sh
# Run every test: the cmocka unit tests of lib/, then the bats suites that
# drive the real programs (against Dovecot and Chromium started by the
# tests). MAILARC_BUILD names the build folder (build/san for make check).
# TESTS="a.bats b.bats" runs only those suites.
#
# The suites run MAILARC_TEST_JOBS at a time (default 3; 1 runs them one
# after the other): on 2 cores, three keep both busy while a suite waits
# on a server or a timer (two left a quarter of the CPU idle). They are
# independent: each starts its own servers on free ports and works in its
# own temporary folders. The exceptions: the
# OAuth suites (oauth*.bats, net_oauth*.bats) share one lane (they look
# for their tokens in every process's command line, ps -e, which another
# OAuth suite's helpers could show), and what "make install" generates
# into the build folder is made once before any suite runs. Each suite's
# output is printed whole when it ends, with its time; the exit status
# counts every lane.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${MAILARC_BUILD:-build/san}
case $build in /*) ;; *) build=$top/$build ;; esac
export MAILARC_BUILD="$build"
export PATH="$build/bin:$PATH"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
unset MAILARC_ROOT

# run.sh --unit WORK TEST - (internal) one cmocka unit test in a folder of
# its own; its line (and its log when it fails) printed whole under
# WORK/print.lock, its result left in WORK/NAME.unit ("1 0" or "0 1").
if [ "${1:-}" = --unit ]; then
	work=$2
	t=$3
	name=$(basename "$t")
	dir=$(mktemp -d)
	# Bounded: a hung test fails instead of hanging CI.
	if (cd "$dir" && timeout 300 "$t") >"$dir.log" 2>&1 </dev/null; then
		echo "1 0" >"$work/$name.unit"
		flock "$work/print.lock" echo "ok   unit $name"
	else
		echo "0 1" >"$work/$name.unit"
		{
			echo "FAIL unit $name"
			sed 's/^/    /' "$dir.log"
		} >"$dir.out"
		flock "$work/print.lock" cat "$dir.out"
	fi
	rm -rf "$dir" "$dir.log" "$dir.out"
	exit 0
fi

# run.sh --lane WORK SUITE... - (internal) run the suites one after the
# other; each one's output is printed whole under WORK/print.lock and its
# counts are left in WORK/NAME.count ("passed failed").
if [ "${1:-}" = --lane ]; then
	work=$2
	shift 2
	for s in "$@"; do
		name=$(basename "$s")
		log=$work/$name.log
		t0=$(date +%s)
		# --tap keeps the output readable in CI logs; each suite
		# bounds its own servers and loops. Nothing to read on stdin:
		# the lanes share the terminal.
		if bats --tap "$top/tests/$name" >"$log" 2>&1 </dev/null; then
			status=0
		else
			status=1
		fi
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^not ok ' "$log")
		{
			if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
				f=1
				echo "FAIL suite $name (bats exited $status)"
			fi
			sed 's/^/  /' "$log"
			echo "  # $name: $(($(date +%s) - t0)) s"
		} >"$log.out"
		echo "$p $f" >"$work/$name.count"
		flock "$work/print.lock" cat "$log.out"
		rm -f "$log" "$log.out"
	done
	exit 0
fi

passed=0
failed=0

# The tests' temporary folders (TMPDIR: bats makes each test's folder
# there, the unit tests theirs) are in memory, in a fresh folder of
# /dev/shm, when that is a tmpfs with 4 GiB free. The suites create,
# rename and remove a great many small files, and on a virtual machine's
# disk each of those calls can cost three times what it costs in a tmpfs:
# on a 2-core virtual machine, the suites took 939 s on the disk and
# 673 s in a tmpfs, two at a time. The programs do the same on either (a
# suite that needs the disk's behaviour, dedupe_compact.bats, keeps its
# root on the disk); MAILARC_TEST_TMPDIR=/tmp runs every test on the
# disk, as make torture's kill loops always do.
tmp_root=${MAILARC_TEST_TMPDIR:-}
if [ -z "$tmp_root" ] &&
	[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	avail=$(df -k --output=avail /dev/shm 2>/dev/null | tail -n 1)
	case $avail in
	'' | *[!0-9]*) ;;
	*) [ "$avail" -gt 4194304 ] && tmp_root=/dev/shm ;;
	esac
fi
made_tmp=
if [ -n "$tmp_root" ]; then
	made_tmp=$(mktemp -d "$tmp_root/mailarc-test.XXXXXX") || exit 1
	# Others may pass through, as through /tmp: the suites' Dovecot
	# runs unprivileged processes that reach sockets in a test's folder.
	chmod 0711 "$made_tmp"
	export TMPDIR="$made_tmp"
	# Gone however the run ends (it holds memory until removed).
	trap 'rm -rf "$made_tmp"' EXIT
	trap 'exit 130' INT TERM HUP
fi

jobs=${MAILARC_TEST_JOBS:-3}
case $jobs in '' | *[!0-9]* | 0) jobs=1 ;; esac
work=$(mktemp -d)

# The unit tests, MAILARC_TEST_JOBS at a time too (each in a folder of
# its own).
for t in "$build"/tests/*_test; do
	[ -x "$t" ] && echo "$t"
done | xargs -r -P "$jobs" -I {} sh "$top/tests/run.sh" --unit "$work" {}
for t in "$build"/tests/*_test; do
	[ -x "$t" ] || continue
	c=$work/$(basename "$t").unit
	# A unit that left no result (its job died) is a failure.
	if [ ! -f "$c" ]; then
		echo "FAIL unit $(basename "$t") (no result)"
		failed=$((failed + 1))
		continue
	fi
	read -r p f <"$c"
	passed=$((passed + p))
	failed=$((failed + f))
	rm -f "$c"
done

suites=${TESTS:-$(cd "$top/tests" && ls ./*.bats 2>/dev/null)}
t0=$(date +%s)

# The man pages and units that "make install" and "make man" generate
# into the build folder, made once before the suites that run those
# (man, systemd, watch) can run at the same time and race for them.
make -C "$top" --no-print-directory -s -o all O="$build" PREFIX=/usr \
	DESTDIR="$work/stage" install >"$work/stage.log" 2>&1 || true
rm -rf "$work/stage"

# Lanes: the slowest suites first (as measured), so that the lanes end
# together; the OAuth suites in one lane (see above), started early too.
# The rest in the order given.
slow="render_delete_partial.bats watch.bats search.bats fetch.bats oauth spacelock.bats render_log.bats"
oauth=
: >"$work/rest"
for s in $suites; do
	name=$(basename "$s")
	if [ ! -f "$top/tests/$name" ]; then
		echo "FAIL suite $name (no such suite)"
		failed=$((failed + 1))
		continue
	fi
	case " $slow " in
	*" $name "*) echo "$name" >"$work/$name.slow" ;;
	*) case $name in
		oauth*.bats | *_oauth*.bats) oauth="$oauth $name" ;;
		*) echo "$name" >>"$work/rest" ;;
		esac ;;
	esac
done
for name in $slow; do
	if [ "$name" = oauth ]; then
		[ -n "$oauth" ] && echo "$oauth"
	elif [ -f "$work/$name.slow" ]; then
		echo "$name"
	fi
done >"$work/lanes"
cat "$work/rest" >>"$work/lanes"
# Each line of lanes is one job: a suite, or suites run one after the
# other.
xargs -P "$jobs" -L 1 sh "$top/tests/run.sh" --lane "$work" <"$work/lanes"

for c in "$work"/*.count; do
	[ -f "$c" ] || continue
	read -r p f <"$c"
	passed=$((passed + p))
	failed=$((failed + f))
done
# A suite that left no count (its lane died) is a failure.
# shellcheck disable=SC2013 # words: a lane's line names several suites
for s in $(cat "$work/lanes"); do
	[ -f "$work/$s.count" ] || {
		echo "FAIL suite $s (no result)"
		failed=$((failed + 1))
	}
done
rm -rf "$work"

echo
echo "# suites: $(($(date +%s) - t0)) s, $jobs at a time, in ${tmp_root:-${TMPDIR:-/tmp}}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
