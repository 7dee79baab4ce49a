# Helpers of the publishing suites (publish.bats, torture/render_kill.bats):
# a space that grows by batches, the renderer killed at chosen points, and
# the checks after each kill. Load after helpers.

# This folder, wherever the suite that loads it lives.
PUB_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# pub_space KEY [DIR] - a fresh root DIR/root (DIR: the test's folder)
# with space KEY; sets S, SITE and NR (a copy of the front end without
# mailarc-render beside it, so that import and delete leave the rendering
# to the test).
pub_space() {
	local dir=${2:-$BATS_TEST_TMPDIR}
	export MAILARC_ROOT=$dir/root
	mkdir -p "$MAILARC_ROOT"
	mailarc space add "$1" >/dev/null
	pub_vars "$1" "$dir"
	mkdir -p "$NR"
	cp "$MAILARC_BUILD/bin/mailarc" "$MAILARC_BUILD/bin/mailarc-dedupe" \
		"$MAILARC_BUILD/bin/mailarc-index" "$NR/"
}

# pub_space_copy KEY DIR COPY - the root DIR/root that pub_space KEY DIR
# made, put back as it was when copied to COPY (a suite's setup_file
# builds it once, each test starts from the copy); sets what pub_space
# sets.
pub_space_copy() {
	export MAILARC_ROOT=$2/root
	rm -rf "$MAILARC_ROOT"
	cp -a "$3" "$MAILARC_ROOT"
	pub_vars "$1" "$2"
}

# pub_vars KEY DIR - S, SITE, KEY and NR for space KEY of DIR/root.
pub_vars() {
	KEY=$1
	S=$MAILARC_ROOT/spaces/$1
	SITE=$S/site
	NR=$2/norender
}

# pub_batch B N - import batch B of N generated messages (not rendered).
pub_batch() {
	python3 "$PUB_LIB/pubgen.py" "$BATS_TEST_TMPDIR/batch$1" "$1" "$2"
	"$NR/mailarc" import -q --no-progress "$KEY" "$BATS_TEST_TMPDIR/batch$1" \
		>/dev/null
}

# pub_delete K - delete K messages picked at random (not rendered).
pub_delete() {
	local ids
	mapfile -t ids < <(notmuch --config="$S/notmuch/config" search \
		--output=messages '*' | sed 's/^id://' | shuf -n "$1")
	[ "${#ids[@]}" -eq 0 ] || "$NR/mailarc" delete -q "$KEY" "${ids[@]}" >/dev/null
}

# linkcheck - every local link of the site resolves (prints a summary).
linkcheck() {
	python3 "$PUB_LIB/../linkcheck.py" "$SITE" --stubs
}

# kill_render_after SECONDS - start mailarc-render, SIGKILL it after SECONDS.
kill_render_after() {
	local pid
	mailarc-render -q "$KEY" >/dev/null 2>&1 &
	pid=$!
	sleep "$1"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# timed_render - an uninterrupted mailarc-render; sets RENDER_MS to the
# milliseconds it took (kills are then spread over that span).
timed_render() {
	local t0
	t0=$(date +%s%N)
	mailarc-render -q "$KEY" >/dev/null
	# shellcheck disable=SC2034 # read by the suites
	RENDER_MS=$((($(date +%s%N) - t0) / 1000000 + 1))
}

# random_delay MAX_MS - a random delay of up to MAX_MS ms, in seconds.
random_delay() {
	local ms=$((RANDOM % $1))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# same_as_full - the site equals what mailarc-render --full makes from the
# same archive, in a copy of the root (the site under test is untouched).
same_as_full() {
	local copy=$BATS_TEST_TMPDIR/fullcopy
	rm -rf "$copy"
	cp -a "$MAILARC_ROOT" "$copy"
	rm -rf "$copy/spaces/$KEY/site"
	mailarc-render -q --root "$copy" "$KEY" --full >/dev/null
	diff -r "$SITE" "$copy/spaces/$KEY/site"
}
