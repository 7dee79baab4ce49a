#!/usr/bin/env bats
# make torture-dedupe: the kill -9 loops of dedupe.bats and index.bats, run
# longer (STORE_TORTURE_ROUNDS, default 60), plus kills during import and
# delete. Not part of make check (minutes on a shared machine): it lives
# outside tests/*.bats, so tests/run.sh does not pick it up.

load ../helpers
load ../lib/store
CORPUS=$BATS_TEST_DIRNAME/../corpus

ROUNDS=${STORE_TORTURE_ROUNDS:-60}

setup() {
	store_space sales
}

# killer ROUNDS MAXDELAY_CS CMD... - start CMD, kill -9 it after a random
# delay of at most MAXDELAY_CS hundredths of a second, ROUNDS times.
killer() {
	local rounds=$1 max=$2 i pid
	shift 2
	for ((i = 0; i < rounds; i++)); do
		"$@" >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '0.%02d' $((RANDOM % max)))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

@test "torture: dedupe and index killed together, every message once" {
	gen_messages "$BATS_TEST_TMPDIR/m" 3000
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do
		deliver "$S" "$f" a
		deliver "$S" "$f" b
	done
	for ((r = 0; r < ROUNDS; r++)); do
		mailarc-dedupe -q sales >/dev/null 2>&1 &
		d=$!
		mailarc-index -q sales >/dev/null 2>&1 &
		x=$!
		sleep "$(printf '0.%02d' $((RANDOM % 99)))"
		kill -9 "$d" "$x" 2>/dev/null || true
		wait "$d" "$x" 2>/dev/null || true
	done
	mailarc-dedupe -q sales
	mailarc-index -q sales
	[ "$(files_in "$S/archive")" -eq 3000 ]
	[ "$(($(files_in "$S/archive") + $(files_in "$S/duplicates")))" -eq 6000 ]
	[ -z "$(ids_in "$S/archive" | uniq -d)" ]
	[ "$(nm "$S" count '*')" -eq 3000 ]
	[ "$(nm "$S" count --output=files '*')" -eq 3000 ]
}

@test "torture: import killed at random points, then rerun to the end" {
	python3 - "$BATS_TEST_TMPDIR/big.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(4000):
        f.write("From x Sun Nov 22 10:00:00 2026\nFrom: t%d@example.com\n"
                "Message-ID: <t-%d@example.com>\nSubject: torture %d\n\n"
                ">From the body\nline %d\n\n" % (i % 13, i, i, i))
PY
	killer "$ROUNDS" 99 mailarc import --no-progress sales "$BATS_TEST_TMPDIR/big.mbox"
	mailarc import --no-progress sales "$BATS_TEST_TMPDIR/big.mbox"
	[ "$(files_in "$S/archive")" -eq 4000 ]
	[ -z "$(ids_in "$S/archive" | uniq -d)" ]
	[ "$(nm "$S" count '*')" -eq 4000 ]
	[ "$(nm "$S" count --output=files '*')" -eq 4000 ]
}

@test "torture: delete killed at random points never resurrects or loses" {
	gen_messages "$BATS_TEST_TMPDIR/m" 400
	mailarc import --no-progress sales "$BATS_TEST_TMPDIR/m" >/dev/null
	killer $((ROUNDS / 4 + 1)) 30 mailarc delete sales --query 'subject:generated'
	mailarc delete sales --query 'subject:generated' >/dev/null
	[ "$(nm "$S" count '*')" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 0 ]
	[ "$(cut -f2 "$S/tombstones" | sort -u | wc -l)" -eq 400 ]
	mailarc import --no-progress sales "$BATS_TEST_TMPDIR/m" >/dev/null
	[ "$(files_in "$S/archive")" -eq 0 ]
}
