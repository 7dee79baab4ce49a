#!/usr/bin/env bats
# Publishing a render (issue 10, defect 3): a kill -9 or a full disk at any
# point leaves every local link of the site valid, the log says what became
# of the site, and the next run ends with the site a --full render makes.
# make torture runs the long version (tests/torture/render_kill.bats).

bats_require_minimum_version 1.5.0
load helpers
load lib/publish

setup() {
	pub_space pub
}

teardown() {
	if [ -n "${MOUNTED:-}" ]; then
		umount "$MOUNTED" 2>/dev/null || true
	fi
}

# strace_render WHEN SYSCALLS ACTION [ARG...] - mailarc-render pub ARG...,
# with ACTION (signal=SIGKILL, error=ENOSPC) injected into the WHEN-th
# call of the SYSCALLS. LeakSanitizer cannot run under ptrace.
strace_render() {
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -qq -o /dev/null \
		-e trace="$2" -e inject="$2:$3:when=$1" mailarc-render pub "${@:4}"
}

RENAMES=rename,renameat,renameat2

# journal_rename [ARG...] - which rename of "mailarc-render pub ARG..." puts
# the commit's journal in place (other files, the search index's cache
# among them, may be renamed before it), found by a run on a copy of the
# root, so that a kill can be aimed at the step after it.
journal_rename() {
	local copy="$BATS_TEST_TMPDIR/probe-root"
	rm -rf "$copy"
	cp -a "$MAILARC_ROOT" "$copy"
	MAILARC_ROOT="$copy" ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
		strace -qq -o "$BATS_TEST_TMPDIR/renames" -e trace="$RENAMES" \
		mailarc-render pub "$@" >/dev/null 2>&1
	rm -rf "$copy"
	grep -n '\.render-next/\.journal"' "$BATS_TEST_TMPDIR/renames" |
		head -n 1 | cut -d: -f1
}

@test "publish: killed at random points, every link stays valid; the rerun equals --full" {
	pub_batch 0 40
	timed_render
	linkcheck
	for ((k = 0; k < 8; k++)); do
		if ((k % 3 == 2)); then
			pub_delete 3
		else
			pub_batch $((k + 1)) 30
		fi
		kill_render_after "$(random_delay "$RENDER_MS")"
		linkcheck
	done
	run mailarc-render pub
	[ "$status" -eq 0 ]
	linkcheck
	[ ! -e "$SITE/.render-next" ]
	same_as_full
}

@test "publish: a kill before each rename of the commit leaves every link valid" {
	pub_batch 0 12
	mailarc-render -q pub >/dev/null
	pub_batch 1 5
	pub_delete 2
	rm -rf "$BATS_TEST_TMPDIR/snap"
	cp -a "$MAILARC_ROOT" "$BATS_TEST_TMPDIR/snap"
	mailarc-render -q pub >/dev/null
	tree_digest "$SITE" >"$BATS_TEST_TMPDIR/want"
	stubs_seen=0
	# Every KILL_STEP-th rename from a random one of the first
	# KILL_STEP (KILL_FIRST sets it; KILL_STEP=1: every rename), until
	# a run is not killed: each run tries other renames.
	step=${KILL_STEP:-4}
	first=${KILL_FIRST:-$((RANDOM % step + 1))}
	echo "# KILL_STEP=$step KILL_FIRST=$first" >&3
	for ((n = first; n <= 150; n += step)); do
		rm -rf "$MAILARC_ROOT"
		cp -a "$BATS_TEST_TMPDIR/snap" "$MAILARC_ROOT"
		run strace_render "$n" "$RENAMES" signal=SIGKILL
		[ "$status" -eq 0 ] && break
		[ "$status" -eq 137 ]
		run linkcheck
		echo "kill at rename $n: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *", 0 stubs" ]] || stubs_seen=$((stubs_seen + 1))
		mailarc-render -q pub >/dev/null
		tree_digest "$SITE" | diff "$BATS_TEST_TMPDIR/want" -
	done
	echo "$n renames; stubs seen after $stubs_seen of the kills"
	# The loop ended because a run was not killed: the last point
	# was passed.
	[ "$status" -eq 0 ]
	[ "$n" -gt 20 ]
	[ "$stubs_seen" -gt 0 ]
}

@test "publish: a full disk part way through the commit: links valid, the log says so, the next run finishes" {
	pub_batch 0 12
	mailarc-render -q pub >/dev/null
	pub_batch 1 8
	# The first rename is the journal's; the failure hits the commit.
	run strace_render 12 "$RENAMES" error=ENOSPC
	[ "$status" -eq 75 ]
	[[ "$output" == *"stopped part way"*"every link in it is valid"* ]]
	[[ "$output" != *"left whole"* ]]
	[ -f "$SITE/.render-next/.journal" ]
	linkcheck
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[[ "$output" == *"stopped while publishing: finishing it"* ]]
	[ ! -e "$SITE/.render-next" ]
	linkcheck
	same_as_full
}

@test "publish: a full disk while rendering publishes nothing, and the log says so" {
	pub_batch 0 30
	mkdir -p "$SITE"
	mount -t tmpfs -o size=3m pubsite "$SITE"
	MOUNTED=$SITE
	mailarc-render -q pub >/dev/null
	linkcheck
	tree_digest "$SITE" >"$BATS_TEST_TMPDIR/before"
	pub_batch 1 60
	# Leave the next run too little room: it fails while staging.
	free=$(df -B1 --output=avail "$SITE" | tail -1)
	head -c $((free - 64 * 1024)) /dev/zero >"$SITE/filler"
	run mailarc-render pub
	echo "$output"
	[ "$status" -eq 75 ]
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *"published nothing: the previous site is left whole"* ]]
	rm -f "$SITE/filler"
	tree_digest "$SITE" | diff "$BATS_TEST_TMPDIR/before" -
	linkcheck
	run mailarc-render pub
	[ "$status" -eq 0 ]
	linkcheck
	same_as_full
}

@test "publish: a commit killed part way is finished by the next run, even with nothing new" {
	pub_batch 0 12
	mailarc-render -q pub >/dev/null
	tree_digest "$SITE" >"$BATS_TEST_TMPDIR/want"
	rm "$SITE"/t/*/*.mbox "$SITE"/m/*/pub-0-1*.eml
	# Killed at the rename after the journal's.
	j=$(journal_rename --full)
	[ -n "$j" ]
	run strace_render $((j + 1)) "$RENAMES" signal=SIGKILL --full
	[ "$status" -eq 137 ]
	[ -f "$SITE/.render-next/.journal" ]
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[[ "$output" == *"stopped while publishing: finishing it"* ]]
	[ ! -e "$SITE/.render-next" ]
	tree_digest "$SITE" | diff "$BATS_TEST_TMPDIR/want" -
}

@test "publish: where the kernel will not copy a file's kept bytes, reads and writes copy them" {
	pub_batch 0 30
	mailarc-render -q pub >/dev/null
	pub_batch 1 10
	# Every copy_file_range() fails, as on a kernel or file system
	# without it: site_file.c's chunk loop copies what the kernel did
	# not.
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -qq \
		-o "$BATS_TEST_TMPDIR/copies" -e trace=copy_file_range \
		-e inject=copy_file_range:error=ENOSYS mailarc-render -q pub \
		>/dev/null
	grep -q 'ENOSYS.*INJECTED' "$BATS_TEST_TMPDIR/copies"
	linkcheck
	same_as_full
}

# strace_path PATH ACTIONS... - mailarc-render pub under strace, each
# ACTION ("SYSCALL:error=E", "SYSCALL:signal=S") injected into the calls
# of SYSCALL that name PATH or a descriptor of it.
strace_path() {
	local p=$1 a args=()
	shift
	for a in "$@"; do
		args+=(-e "inject=$a")
	done
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -qq -o /dev/null \
		-P "$p" "${args[@]}" mailarc-render pub
}

@test "publish: a month's mbox that only grows is appended to in place; a kill or a full disk at any step of that is finished by the next run" {
	export MAILARC_SITE_APPEND=1
	pub_batch 0 30
	mailarc-render -q pub >/dev/null
	# A message dated at the end of the newest month: its mbox grows.
	month=$(cd "$SITE" && ls -d [0-9][0-9][0-9][0-9]/[0-9][0-9] | sort |
		tail -n 1)
	mbox=$SITE/$month/${month%/*}-${month#*/}.mbox
	tail=$SITE/.render-next/.append/$month/${month%/*}-${month#*/}.mbox
	[ -f "$mbox" ]
	size=$(stat -c %s "$mbox")
	ino=$(stat -c %i "$mbox")
	from=$(grep -c '^From ' "$mbox")
	cp "$mbox" "$BATS_TEST_TMPDIR/mbox.before"
	mkdir -p "$BATS_TEST_TMPDIR/late"
	{
		echo "From: Ana Lima <ana@example.org>"
		echo "Subject: last of the month"
		echo "Date: $(date -u -R -d "${month/\//-}-01 +1 month -1 second")"
		echo "Message-ID: <late@example.org>"
		echo
		echo "Late."
	} >"$BATS_TEST_TMPDIR/late/1"
	"$NR/mailarc" import -q --no-progress pub "$BATS_TEST_TMPDIR/late" \
		>/dev/null
	# Killed as the append cuts the mbox back to what it held: its
	# new bytes wait in the journal's folder.
	run strace_path "$mbox" ftruncate:signal=SIGKILL
	[ "$status" -eq 137 ]
	grep -q "^A $size $month/" "$SITE/.render-next/.journal"
	[ "$(head -n 1 "$SITE/.render-next/.journal")" = "mailarc-publish 2" ]
	[ -f "$tail" ]
	[ "$(stat -c %s "$mbox")" -eq "$size" ]
	linkcheck
	# The next run appends them, and is killed before it removes
	# them; the one after cuts the mbox back and appends them once.
	run strace_path "$tail" unlink:signal=SIGKILL
	[ "$status" -eq 137 ]
	[ "$(stat -c %s "$mbox")" -gt "$size" ]
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[[ "$output" == *"stopped while publishing: finishing it"* ]]
	[ "$(grep -c '^From ' "$mbox")" -eq $((from + 1)) ]
	[ "$(stat -c %i "$mbox")" -eq "$ino" ]
	cmp -n "$size" "$mbox" "$BATS_TEST_TMPDIR/mbox.before"
	linkcheck
	same_as_full
	# A full disk while appending: the run says so, the next finishes.
	size=$(stat -c %s "$mbox")
	cp "$mbox" "$BATS_TEST_TMPDIR/mbox.before"
	sed -e 's/late@/later@/' -e 's/last of/later in/' \
		"$BATS_TEST_TMPDIR/late/1" >"$BATS_TEST_TMPDIR/late/2"
	rm "$BATS_TEST_TMPDIR/late/1"
	"$NR/mailarc" import -q --no-progress pub "$BATS_TEST_TMPDIR/late" \
		>/dev/null
	run strace_path "$mbox" copy_file_range:error=ENOSYS \
		pwrite64:error=ENOSPC
	[ "$status" -eq 75 ]
	[[ "$output" == *"stopped part way"*"every link in it is valid"* ]]
	linkcheck
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[ "$(grep -c '^From ' "$mbox")" -eq $((from + 2)) ]
	[ "$(stat -c %i "$mbox")" -eq "$ino" ]
	cmp -n "$size" "$mbox" "$BATS_TEST_TMPDIR/mbox.before"
	same_as_full
	# Cut by hand after a run was killed before its append: the next
	# run does not append to it, says so, finishes publishing, and
	# renders the mbox whole again (its last run never ended).
	sed -i 's/later/latest/' "$BATS_TEST_TMPDIR/late/2"
	"$NR/mailarc" import -q --no-progress pub "$BATS_TEST_TMPDIR/late" \
		>/dev/null
	run strace_path "$mbox" ftruncate:signal=SIGKILL
	[ "$status" -eq 137 ]
	truncate -s 10 "$mbox"
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[[ "$output" == *"is not as this run read it: not appended to"* ]]
	[ ! -e "$SITE/.render-next" ]
	[ "$(grep -c '^From ' "$mbox")" -eq $((from + 3)) ]
	linkcheck
	same_as_full
	# A backup that hard-links the site's files (rsnapshot, cp -al)
	# keeps its bytes: the mbox is written whole, under an inode of its
	# own, whether the link was there when the run read the mbox ...
	ln "$mbox" "$BATS_TEST_TMPDIR/backup.1"
	cp "$mbox" "$BATS_TEST_TMPDIR/mbox.before"
	sed -i 's/latest/latez1/' "$BATS_TEST_TMPDIR/late/2"
	"$NR/mailarc" import -q --no-progress pub "$BATS_TEST_TMPDIR/late" \
		>/dev/null
	run mailarc-render pub
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/backup.1" "$BATS_TEST_TMPDIR/mbox.before"
	[ "$(stat -c %i "$mbox")" -ne "$(stat -c %i "$BATS_TEST_TMPDIR/backup.1")" ]
	[ "$(grep -c '^From ' "$mbox")" -eq $((from + 4)) ]
	same_as_full
	# ... or made between the run's read and its append. (Each new
	# message sorts after the last: same date, a later Message-ID.)
	cp "$mbox" "$BATS_TEST_TMPDIR/mbox.before"
	sed -i 's/latez1/latez2/' "$BATS_TEST_TMPDIR/late/2"
	"$NR/mailarc" import -q --no-progress pub "$BATS_TEST_TMPDIR/late" \
		>/dev/null
	run strace_path "$mbox" ftruncate:signal=SIGKILL
	[ "$status" -eq 137 ]
	[ -f "$tail" ]
	ln "$mbox" "$BATS_TEST_TMPDIR/backup.2"
	# The next run's append copies the mbox (stopped right after it,
	# before its render); the one after ends as --full.
	run strace_path "$tail" unlink:signal=SIGKILL
	[ "$status" -eq 137 ]
	cmp "$BATS_TEST_TMPDIR/backup.2" "$BATS_TEST_TMPDIR/mbox.before"
	[ "$(stat -c %i "$mbox")" -ne "$(stat -c %i "$BATS_TEST_TMPDIR/backup.2")" ]
	[ "$(stat -c %h "$mbox")" -eq 1 ]
	cmp -n "$(stat -c %s "$BATS_TEST_TMPDIR/mbox.before")" "$mbox" \
		"$BATS_TEST_TMPDIR/mbox.before"
	[ "$(grep -c '^From ' "$mbox")" -eq $((from + 5)) ]
	linkcheck
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[ ! -e "$SITE/.render-next" ]
	[ "$(grep -c '^From ' "$mbox")" -eq $((from + 5)) ]
	linkcheck
	same_as_full
}
