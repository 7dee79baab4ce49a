#!/usr/bin/env bats
# mailarc-dedupe's system calls per message, counted (not timed): each
# message file is opened and read once, each dedupe index bucket file
# opened once a run to be written (and once more to be read, when a run
# must look into it), and the whole run stays under a bound per message.

load helpers
load lib/store

setup() {
	store_space sales
}

# trace OUT - run mailarc-dedupe -q sales under strace -f into OUT.
trace() {
	# LeakSanitizer cannot run under ptrace.
	ASAN_OPTIONS=detect_leaks=0 strace -f -o "$1" \
		mailarc-dedupe -q sales >/dev/null
}

# most_opens TRACE - the most times one bucket file was opened.
most_opens() {
	grep -o 'openat([^"]*"[^"]*/state/dedupe/[0-9a-f]\{3\}"' "$1" |
		sort | uniq -c | sort -n | tail -n 1 | awk '{print $1 + 0}'
}

@test "cost: one open and one read a message, one open a bucket file" {
	gen_messages "$S/incoming/new" 400
	trace "$BATS_TEST_TMPDIR/t1"
	[ "$(files_in "$S/archive")" -eq 400 ]
	# Each message file: opened once, read in one read(2) (and the
	# read(2) that finds its end is not needed: it is read by size).
	opens=$(grep -c 'openat(.*/incoming/new/gen-[0-9]*\.eml"' \
		"$BATS_TEST_TMPDIR/t1")
	[ "$opens" -eq 400 ]
	# 400 messages in 4096 buckets: a dozen buckets get two or more.
	# A new space: no bucket is read, each is written once.
	[ "$(most_opens "$BATS_TEST_TMPDIR/t1")" -eq 1 ]
	# The file system calls, start-up included: under 12 a message
	# (about 20 when each message was opened twice, read through two
	# buffers and each index line appended on its own).
	calls=$(grep -c -E '^[0-9]+ +(openat|open|read|pread64|write|close|lseek|fstat|newfstatat|rename)\(' \
		"$BATS_TEST_TMPDIR/t1")
	echo "# file system calls: $calls for 400 messages" >&3
	[ "$calls" -lt $((400 * 12)) ]
}

@test "cost: a later run reads and writes each bucket file once at most" {
	gen_messages "$BATS_TEST_TMPDIR/a" 300 first
	gen_messages "$S/incoming/new" 300 first
	mailarc-dedupe -q sales >/dev/null
	gen_messages "$S/incoming/new" 400 second
	trace "$BATS_TEST_TMPDIR/t2"
	[ "$(files_in "$S/archive")" -eq 700 ]
	# Looked into once (a bucket holding one of the first 300), then
	# written once with every new line it gets.
	[ "$(most_opens "$BATS_TEST_TMPDIR/t2")" -le 2 ]
	opens=$(grep -c 'openat(.*/incoming/new/second-[0-9]*\.eml"' \
		"$BATS_TEST_TMPDIR/t2")
	[ "$opens" -eq 400 ]
	# The entries are all there: the same messages again are duplicates.
	for f in "$BATS_TEST_TMPDIR"/a/first-1*.eml; do
		cp "$f" "$S/incoming/new/again-${f##*/}"
	done
	run mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 700 ]
	[ "$(files_in "$S/duplicates")" -eq "$(ls "$BATS_TEST_TMPDIR"/a/first-1*.eml | wc -l)" ]
}
