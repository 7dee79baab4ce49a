#!/usr/bin/env bats
# A generated corpus (bench/render/gen.py: threads, attachments, HTML,
# several charsets) imported in batches out of date order, then one
# message deleted, each step rendered by an incremental run through the
# whole pipeline (mailarc import, mailarc delete): the site equals the
# one a --full run makes of the same mail, byte for byte, and each
# incremental run rewrites a few files of the state, not all of them.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	GEN=$TESTS_DIR/../bench/render/gen.py
	mailarc space add gb --name "Batches" >/dev/null
	D=$(space_dir gb)
	STATE=$D/state/render.state
}

# batch N START: N generated messages numbered from START, imported
# (which renders); the render's stats line in $BATS_TEST_TMPDIR/err.
batch() {
	python3 "$GEN" "$1" "$BATS_TEST_TMPDIR/b$2" --start "$2"
	MAILARC_RENDER_STATS=1 mailarc -q import gb "$BATS_TEST_TMPDIR/b$2"/cur/* \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
}

@test "render batches: imports out of date order and a delete, each incremental, equal --full" {
	batch 300 0
	[ "$(render_stat entries)" -eq 300 ]
	all=$(sed '1,/^$/d' "$STATE" | wc -l)
	# Later months, then mail into the first months again (replies to
	# old threads, neighbours across months), then a little more.
	batch 120 3000
	batch 80 300
	batch 30 1500
	[ "$(render_stat entries)" -eq 530 ]
	# 30 messages: their months, buckets and thread names.
	[ "$(render_stat state-files)" -gt 0 ]
	[ "$(render_stat state-files)" -lt "$all" ]
	id=$(sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' \
		"$(ls "$BATS_TEST_TMPDIR"/b300/cur/* | head -1)" | head -1)
	[ -n "$id" ]
	MAILARC_RENDER_STATS=1 mailarc -q delete gb "<$id>" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	[ -f "$D/site/$(mrel gb "$id")" ]
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render gb --full >/dev/null
	site_digest "$D/site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
	# Deleted: no entry of the state holds it any more.
	run ! grep -rqF "$id" "$STATE".d/m-* "$STATE".d/i-*
}
