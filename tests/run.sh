#!/bin/sh
# Run every test: the cmocka unit tests of lib/, then the bats suites that
# drive the real programs (against Dovecot and Chromium started by the
# tests). MAILARC_BUILD names the build folder (build/san for make check).
# TESTS="a.bats b.bats" runs only those suites.
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
passed=0
failed=0

for t in "$build"/tests/*_test; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	dir=$(mktemp -d)
	# Bounded: a hung test fails instead of hanging CI.
	if (cd "$dir" && timeout 300 "$t") >"$dir.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   unit $name"
	else
		failed=$((failed + 1))
		echo "FAIL unit $name"
		sed 's/^/    /' "$dir.log"
	fi
	rm -rf "$dir" "$dir.log"
done

suites=${TESTS:-$(cd "$top/tests" && ls ./*.bats 2>/dev/null)}
for s in $suites; do
	s=$top/tests/$(basename "$s")
	log=$(mktemp)
	t0=$(date +%s)
	# --tap keeps the output readable in CI logs; each suite bounds its
	# own servers and loops.
	if bats --tap "$s" >"$log" 2>&1; then
		status=0
	else
		status=1
	fi
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1))
		echo "FAIL suite $(basename "$s") (bats exited $status)"
	fi
	sed 's/^/  /' "$log"
	echo "  # $(basename "$s"): $(($(date +%s) - t0)) s"
	rm -f "$log"
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
