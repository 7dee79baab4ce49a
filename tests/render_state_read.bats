#!/usr/bin/env bats
# An incremental run reads the part of the render state it touches (the
# months of the new mail and of its threads, their neighbours, the
# newest months for the home page and the feed, a few buckets), not the
# whole state: MAILARC_RENDER_STATS=1 prints the bytes it read.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	gen_space big
	# 5,000 messages, four groups of months (gen.py dates a message by
	# its number).
	for k in 0 1 2 3; do
		python3 "$GEN" 1250 "$BATS_TEST_TMPDIR/g$k" --start $((k * 4000))
		cp "$BATS_TEST_TMPDIR/g$k"/cur/* "$D/archive/cur/"
	done
	notmuch_index big
	mailarc-render big >/dev/null
}

@test "render state: one message more reads a bounded part of the state" {
	total=$(cat "$STATE" "$STATE".d/* | wc -c)
	[ "$total" -gt 900000 ]
	python3 "$GEN" 1 "$BATS_TEST_TMPDIR/add" --start 16000
	cp "$BATS_TEST_TMPDIR/add"/cur/* "$D/archive/cur/"
	notmuch_index big
	MAILARC_RENDER_STATS=1 mailarc-render big >/dev/null \
		2>"$BATS_TEST_TMPDIR/err"
	cat "$BATS_TEST_TMPDIR/err"
	grep -q '5001 messages in' "$D/site/index.html"
	read=$(render_stat state-read)
	echo "read $read of $total"
	[ "$read" -lt 250000 ]
	[ "$(render_stat entries)" -lt 1500 ]
	[ "$(render_stat state-files)" -le 8 ]
}
