#!/usr/bin/env bats
# mailarc-dedupe: one copy of every message in archive/, the rest set
# aside in duplicates/ with a reason.

load helpers
load lib/store

setup() {
	store_space sales
}

@test "a bcc copy and a forwarded copy of one message are archived once" {
	deliver "$S" "$CORPUS/bcc-copy.eml" main
	deliver "$S" "$CORPUS/forwarded-copy.eml" other
	run mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "$S/archive/new/"* ]]
	[ "$(files_in "$S/archive")" -eq 1 ]
	[ "$(files_in "$S/duplicates")" -eq 1 ]
	[ "$(files_in "$S/incoming")" -eq 0 ]
	run mailarc-dedupe --report sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"duplicate of archive"*"20261117091402.4242@mail.example.org"* ]]
}

@test "every set-aside copy gets a log line naming the archived one" {
	deliver "$S" "$CORPUS/bcc-copy.eml"
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	archived=$(basename "${lines[0]}")
	deliver "$S" "$CORPUS/forwarded-copy.eml"
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"set aside"*"duplicate of archived '$archived'"* ]]
}

@test "the same Message-ID with another body is kept twice and logged" {
	deliver "$S" "$CORPUS/same-id-1.eml"
	deliver "$S" "$CORPUS/same-id-2.eml"
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 2 ]
	[[ "$output" == *"<reused@example.com>"*"another body: keeping both"* ]]
}

@test "messages without Message-ID get a stable synthetic identity" {
	deliver "$S" "$CORPUS/no-message-id.eml"
	deliver "$S" "$CORPUS/no-message-id-again.eml"
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 1 ]
	grep -q "synthetic-[0-9a-f]\{32\}@mailarc.invalid" "$S"/state/dedupe/*
}

@test "X-No-Archive: yes is set aside unless the space says otherwise" {
	deliver "$S" "$CORPUS/x-no-archive.eml"
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 0 ]
	run mailarc-dedupe --report sales
	[[ "$output" == *"noarch-1@example.com> says X-No-Archive: yes"* ]]
	mailarc space edit sales --set archive_no_archive=yes
	deliver "$S" "$CORPUS/x-no-archive.eml"
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 1 ]
}

@test "a file that is not a message is set aside, not lost" {
	deliver "$S" "$CORPUS/not-a-message.txt"
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/duplicates")" -eq 1 ]
	run mailarc-dedupe --report sales
	[[ "$output" == *"not a message"* ]]
}

@test "paths on stdin, newline and NUL separated; others are refused" {
	deliver "$S" "$CORPUS/attachment.eml"
	deliver "$S" "$CORPUS/8bit-headers.eml"
	f1=$(ls "$S"/incoming/new/* | head -1)
	f2=$(ls "$S"/incoming/new/* | tail -1)
	run mailarc-dedupe sales - <<<"$f1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run bash -c "printf '%s\0' '$f2' | mailarc-dedupe -0 sales - | tr '\0' '\n'"
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 2 ]
	run mailarc-dedupe sales - <<<"$CORPUS/bcc-copy.eml"
	[ "$status" -eq 64 ]
	[[ "$output" == *"is not in"* ]]
	[ -f "$CORPUS/bcc-copy.eml" ]
}

@test "a second run while one holds the lock fails with EX_TEMPFAIL" {
	deliver "$S" "$CORPUS/bcc-copy.eml"
	exec 9>"$S/state/dedupe.lock"
	flock 9
	run mailarc-dedupe sales
	exec 9>&-
	[ "$status" -eq 75 ]
	[[ "$output" == *"busy"* ]]
	[ "$(files_in "$S/incoming")" -eq 1 ]
}

@test "a missing space is a clear error" {
	run mailarc-dedupe nosuch
	[ "$status" -ne 0 ]
	[[ "$output" == *"space 'nosuch' does not exist"* ]]
	run mailarc-dedupe
	[ "$status" -eq 64 ]
}

@test "cost: a run lists no archive folder and reads one bucket a message" {
	gen_messages "$BATS_TEST_TMPDIR/m" 300
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do deliver "$S" "$f"; done
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 300 ]
	deliver "$S" "$CORPUS/attachment.eml"
	deliver "$S" "$BATS_TEST_TMPDIR/m/gen-5.eml"
	# LeakSanitizer cannot run under ptrace.
	ASAN_OPTIONS=detect_leaks=0 strace -f -y -o "$BATS_TEST_TMPDIR/trace" \
		-e trace=getdents64,openat mailarc-dedupe sales
	[ "$(files_in "$S/archive")" -eq 301 ]
	[ "$(files_in "$S/duplicates")" -eq 1 ]
	! grep "getdents64(.*</[^>]*/archive" "$BATS_TEST_TMPDIR/trace"
	! grep "getdents64(.*</[^>]*/state/dedupe>" "$BATS_TEST_TMPDIR/trace"
	buckets=$(grep -c 'openat(.*/state/dedupe/[0-9a-f]\{3\}"' "$BATS_TEST_TMPDIR/trace")
	[ "$buckets" -le 6 ]
}

@test "kill -9 at random points, then a rerun: each message exactly once" {
	gen_messages "$BATS_TEST_TMPDIR/m" 400
	# Every message twice (two accounts), so duplicates are decided too.
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do
		deliver "$S" "$f" main
		deliver "$S" "$f" other
	done
	for i in $(seq 1 12); do
		mailarc-dedupe -q sales >/dev/null 2>&1 &
		pid=$!
		sleep "0.$((RANDOM % 40))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	run mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	# Nothing lost: all 800 files are somewhere; nothing twice.
	total=$(($(files_in "$S/archive") + $(files_in "$S/duplicates")))
	[ "$total" -eq 800 ]
	[ "$(files_in "$S/incoming/.main") $(files_in "$S/incoming/.other")" = "0 0" ]
	[ "$(files_in "$S/archive")" -eq 400 ]
	[ "$(ids_in "$S/archive" | uniq | wc -l)" -eq 400 ]
	[ -z "$(ids_in "$S/archive" | uniq -d)" ]
	[ ! -e "$S/state/dedupe.pending" ]
	[ "$(cut -f1 "$S/state/index.queue" | sort -u | wc -l)" -eq 400 ]
}
