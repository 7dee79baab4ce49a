#!/usr/bin/env bats
# mailarc-dedupe gives an incoming folder that a large fetch or import
# emptied a fresh directory (a file system never shrinks one: a million
# messages through incoming/.SOURCE/new leave some 60 MB that every later
# scan reads), and loses no message doing it, killed or not.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

# A disk's file system keeps a directory's size once grown; a tmpfs's
# shrinks with it, so the root is on the disk (/var/tmp) even when
# make check keeps the tests' folders in a tmpfs.
setup() {
	DISK_DIR=$(mktemp -d /var/tmp/mailarc-compact.XXXXXX)
	export MAILARC_ROOT=$DISK_DIR/root
	mkdir -p "$MAILARC_ROOT"
	mailarc space add sales >/dev/null
	S=$MAILARC_ROOT/spaces/sales
}

teardown() {
	rm -rf "$DISK_DIR"
}

# grow DIR - DIR's directory grown past 1 MiB by 4,600 long names (as
# many Maildir names of 60 bytes would take some 20,000), all removed
# again.
grow() {
	python3 - "$1" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
names = ["1764000000.M%06dP%07d.%s" % (i, i, "h" * 220) for i in range(4600)]
for n in names:
    os.close(os.open(os.path.join(d, n), os.O_CREAT | os.O_WRONLY, 0o600))
for n in names:
    os.unlink(os.path.join(d, n))
PY
	[ "$(stat -c %s "$1")" -gt 1048576 ]
}

# dsize DIR - the size of DIR's directory file.
dsize() {
	stat -c %s "$1"
}

@test "dedupe compact: an emptied large folder of an account is made anew" {
	grow "$S/incoming/.main/new"
	mkdir -p "$S/incoming/.main/tmp" "$S/incoming/.main/cur"
	deliver "$S" "$CORPUS/bcc-copy.eml" main
	deliver "$S" "$CORPUS/same-id-1.eml" main
	run mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 2 ]
	[ "$(dsize "$S/incoming/.main/new")" -le 4096 ]
	[ "$(stat -c %a "$S/incoming/.main/new")" = \
		"$(stat -c %a "$S/incoming/.main/tmp")" ]
	# Nothing else is left in the Maildir.
	[ "$(ls -A "$S/incoming/.main" | tr '\n' ' ')" = "cur new tmp " ]
}

@test "dedupe compact: incoming/ itself and import's folder, and a small folder is left alone" {
	grow "$S/incoming/new"
	mkdir -p "$S/incoming/tmp" "$S/incoming/cur"
	grow "$S/incoming/.import/cur"
	mkdir -p "$S/incoming/.import/tmp" "$S/incoming/.import/new"
	deliver "$S" "$CORPUS/bcc-copy.eml"
	deliver "$S" "$CORPUS/same-id-1.eml" import
	ino=$(stat -c %i "$S/incoming/.import/new")
	run mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 2 ]
	[ "$(dsize "$S/incoming/new")" -le 4096 ]
	[ "$(dsize "$S/incoming/.import/cur")" -le 4096 ]
	# new/ was small: the same directory.
	[ "$(stat -c %i "$S/incoming/.import/new")" = "$ino" ]
}

@test "dedupe compact: not while a fetch of the account holds its lock" {
	grow "$S/incoming/.main/new"
	mkdir -p "$S/incoming/.main/tmp" "$S/incoming/.main/cur"
	deliver "$S" "$CORPUS/bcc-copy.eml" main
	# A fetch delivers through a descriptor of new/ it holds: the
	# folder stays while the account's lock is taken.
	run flock "$S/state/main.lock" mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 1 ]
	[ "$(dsize "$S/incoming/.main/new")" -gt 1048576 ]
	run mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	[ "$(dsize "$S/incoming/.main/new")" -le 4096 ]
}

@test "dedupe compact: what a killed compaction left aside is archived by the next run" {
	# Killed after the exchange, with a message that reached the old
	# folder: it is in new.compact.
	mkdir -p "$S/incoming/.main/tmp" "$S/incoming/.main/new" \
		"$S/incoming/.main/cur" "$S/incoming/.main/new.compact"
	cp "$CORPUS/bcc-copy.eml" "$S/incoming/.main/new.compact/1764000000.M1P1.test"
	run mailarc-dedupe -q sales
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 1 ]
	[ ! -e "$S/incoming/.main/new.compact" ]
}

@test "dedupe compact: a kill at each step loses nothing and the rerun finishes it" {
	local n calls spare=$S/incoming/.main/new.compact
	for calls in mkdir renameat2 rmdir; do
		# The n-th such call on the spare folder killed, for each n
		# until the run goes through.
		for ((n = 1; n <= 4; n++)); do
			rm -rf "$S/incoming" "$S/archive"/new/* "$S"/state/dedupe
			grow "$S/incoming/.main/new"
			mkdir -p "$S/incoming/.main/tmp" "$S/incoming/.main/cur"
			deliver "$S" "$CORPUS/bcc-copy.eml" main
			ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" run strace -f \
				-qq -o /dev/null -P "$spare" -e trace="$calls" \
				-e inject="$calls:signal=SIGKILL:when=$n" \
				mailarc-dedupe -q sales
			echo "$calls $n: $status"
			[ "$status" -eq 0 ] || [ "$status" -eq 137 ]
			# The message is in incoming (or the spare) or
			# archived, never gone.
			[ "$(($(files_in "$S/archive") +
				$(find "$S/incoming" -type f | wc -l)))" -eq 1 ]
			[ "$status" -eq 0 ] && break
			run mailarc-dedupe -q sales
			[ "$status" -eq 0 ]
			[ "$(files_in "$S/archive")" -eq 1 ]
			[ -z "$(find "$S/incoming" -type f)" ]
			[ "$(dsize "$S/incoming/.main/new")" -le 4096 ]
			[ ! -e "$S/incoming/.main/new.compact" ]
		done
		[ "$status" -eq 0 ]
	done
}
