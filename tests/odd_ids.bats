#!/usr/bin/env bats
# Message-ID fields notmuch finds no id in: it keeps the field whole
# ("<>", "< >") as the id, and every message so written needs its page
# like any other (lib/permalink.c: "<>" keeps its brackets in the rule).

load helpers
load lib/store

# msg FILE MESSAGE-ID-FIELD BODY
msg() {
	printf 'From: Ana <ana@ids.example>\nTo: team@ids.example\nSubject: %s\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nMessage-ID: %s\n\n%s\n' \
		"$3" "$2" "$3" >"$BATS_TEST_TMPDIR/in/$1"
}

setup() {
	store_space ids
	mkdir -p "$BATS_TEST_TMPDIR/in"
	msg a.eml '<>' "first empty id"
	msg b.eml '<>' "second empty id"
	msg c.eml '< >' "a blank id"
}

@test "a Message-ID field of only <> or < > gets a page, and mailarc link finds it" {
	mailarc import ids "$BATS_TEST_TMPDIR/in" >/dev/null
	run mailarc check ids
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"3 archived files, 2 indexed messages (3 files), 2 pages"* ]]
	page=$S/site/$(mrel ids '<>')
	[ -f "$page" ]
	# Two messages sharing the id "<>": both shown (as versions).
	grep -q "first empty id" "$page"
	grep -q "second empty id" "$page"
	page=$S/site/$(mrel ids '< >')
	grep -q "a blank id" "$page"
}
