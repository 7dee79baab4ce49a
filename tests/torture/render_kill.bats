#!/usr/bin/env bats
# make torture-publish: the long version of publish.bats. A site grows by
# incremental runs (new threads, replies to old ones, deletions) while
# mailarc-render is killed with SIGKILL at RENDER_TORTURE_KILLS (50) random
# points; after each kill no local link is broken, and after the rerun the
# site equals a --full render. Then every rename, every removal and every
# append's first step of one bigger commit is tried as a kill point, and
# the disk is filled to many levels. An mbox that only grows (a month's,
# a conversation's given a reply) is appended to in place from 1 byte
# kept (MAILARC_SITE_APPEND), not 1 MiB, so that the random kills and
# full disks meet appends where a batch's mail comes after the end of a
# month or a conversation (publish.bats aims kills at each of an
# append's steps). Not part of make check (minutes on a shared machine): it lives
# outside tests/*.bats, so tests/run.sh does not pick it up.

bats_require_minimum_version 1.5.0
load ../helpers
load ../lib/publish

KILLS=${RENDER_TORTURE_KILLS:-50}
export MAILARC_SITE_APPEND=${MAILARC_SITE_APPEND:-1}

setup() {
	pub_space pub
}

teardown() {
	if [ -n "${MOUNTED:-}" ]; then
		umount "$MOUNTED" 2>/dev/null || true
	fi
}

strace_render() {
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -qq -o /dev/null \
		-e trace="$2" -e inject="$2:$3:when=$1" mailarc-render pub
}

@test "torture: $KILLS kills at random points of incremental runs, no broken link" {
	local batch=1 stubs=0
	pub_batch 0 60
	timed_render
	for ((k = 1; k <= KILLS; k++)); do
		if ((k % 5 == 0)); then
			pub_delete 4
		elif ((k % 2 == 1)); then
			pub_batch "$batch" 30
			batch=$((batch + 1))
		fi
		kill_render_after "$(random_delay "$RENDER_MS")"
		run linkcheck
		echo "kill $k: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *", 0 stubs" ]] || stubs=$((stubs + 1))
		# Now and then a run goes through, and must equal --full.
		if ((k % 10 == 0)); then
			timed_render
			linkcheck
			[ ! -e "$SITE/.render-next" ]
			same_as_full
		fi
	done
	run mailarc-render pub
	[ "$status" -eq 0 ]
	linkcheck
	same_as_full
	echo "$KILLS kills; stubs visible after $stubs of them"
}

@test "torture: a kill before every rename and every removal of a commit" {
	pub_batch 0 40
	mailarc-render -q pub >/dev/null
	pub_batch 1 30
	pub_delete 6
	rm -rf "$BATS_TEST_TMPDIR/snap"
	cp -a "$MAILARC_ROOT" "$BATS_TEST_TMPDIR/snap"
	mailarc-render -q pub >/dev/null
	tree_digest "$SITE" >"$BATS_TEST_TMPDIR/want"
	for calls in rename,renameat,renameat2 unlink,unlinkat link,linkat \
		ftruncate; do
		for ((n = 1; n <= 1000; n++)); do
			rm -rf "$MAILARC_ROOT"
			cp -a "$BATS_TEST_TMPDIR/snap" "$MAILARC_ROOT"
			run strace_render "$n" "$calls" signal=SIGKILL
			[ "$status" -eq 0 ] && break
			[ "$status" -eq 137 ]
			run linkcheck
			echo "kill at $calls $n: $output"
			[ "$status" -eq 0 ]
			mailarc-render -q pub >/dev/null
			tree_digest "$SITE" | diff "$BATS_TEST_TMPDIR/want" -
		done
		echo "$calls: $n calls"
		[ "$status" -eq 0 ]
	done
}

# check_truth STATUS OUTPUT - what the log says of the site is true.
check_truth() {
	linkcheck
	case $2 in
	*"left whole"*)
		[ "$1" -eq 75 ]
		tree_digest "$SITE" | grep -v '^\./filler ' |
			diff "$BATS_TEST_TMPDIR/before" -
		;;
	*"stopped part way"*)
		[ "$1" -eq 75 ]
		[ -f "$SITE/.render-next/.journal" ]
		;;
	*)
		[ "$1" -eq 0 ]
		;;
	esac
}

@test "torture: a disk full at many levels: links valid, the log true, the rerun equals --full" {
	local batch=1 whole=0 part=0 ok=0
	pub_batch 0 40
	mkdir -p "$SITE"
	mount -t tmpfs -o size=16m,nr_inodes=100000 pubsite "$SITE"
	MOUNTED=$SITE
	mailarc-render -q pub >/dev/null
	# Bytes: a filler leaves this many KiB free.
	for free_kb in 4 16 40 64 100 160 240 400 640 1000 1600; do
		pub_batch "$batch" 20
		batch=$((batch + 1))
		tree_digest "$SITE" >"$BATS_TEST_TMPDIR/before"
		avail=$(df -B1 --output=avail "$SITE" | tail -1)
		if ((avail > free_kb * 1024)); then
			head -c $((avail - free_kb * 1024)) /dev/zero >"$SITE/filler" || true
		fi
		run mailarc-render pub
		echo "free ${free_kb}k: exit $status"
		check_truth "$status" "$output"
		rm -f "$SITE/filler"
		mailarc-render -q pub >/dev/null
		linkcheck
	done
	# Inodes: the tmpfs allows this many more files and folders (a commit
	# makes folders: it can run out part way).
	for free_in in 1 2 4 8 16 24 32 48 64 96 128 192; do
		pub_batch "$batch" 20
		batch=$((batch + 1))
		tree_digest "$SITE" >"$BATS_TEST_TMPDIR/before"
		used=$(df --output=iused "$SITE" | tail -1)
		mount -o remount,nr_inodes=$((used + free_in)) "$SITE"
		run mailarc-render pub
		echo "free inodes $free_in: exit $status"
		mount -o remount,nr_inodes=100000 "$SITE"
		check_truth "$status" "$output"
		case $output in
		*"left whole"*) whole=$((whole + 1)) ;;
		*"stopped part way"*) part=$((part + 1)) ;;
		*) ok=$((ok + 1)) ;;
		esac
		mailarc-render -q pub >/dev/null
		linkcheck
	done
	echo "inodes: $whole left whole, $part stopped part way, $ok done"
	run mailarc-render pub
	[ "$status" -eq 0 ]
	linkcheck
	same_as_full
}
