#!/usr/bin/env bats
# The invariant also checks what a page shows (tests/gen/invariant.py):
# hostile_mail.py writes, for the classes that know it, the text their
# page must show (a bounce's diagnostic, the files inside a winmail.dat,
# text under a broken charset label) into the manifest's sixth column.
# Before this round's fixes 203 of 300 such inputs failed it.

load helpers
load lib/store

setup() {
	store_space shows
	IN=$BATS_TEST_TMPDIR/in
}

@test "pages show the text their class says; a page that lost it is a violation" {
	python3 "$TESTS_DIR/gen/hostile_mail.py" --seed 11 --count 60 \
		--classes bounce-dsn,bounce-exchange,tnef-files,cs-bogus-label,ja-mislabel,digest \
		"$IN"
	# Most inputs name their text.
	[ "$(cut -f6 "$IN/manifest.tsv" | grep -vc '^-$')" -ge 40 ]
	rc=0
	mailarc import shows "$IN/msg" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 0 ]
	run python3 "$TESTS_DIR/gen/invariant.py" "$IN/manifest.tsv" "$S" \
		"$S/site" shows
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"violations 0"* ]]
	# A bounce page without its delivery report.
	mid=$(grep -m1 '	bounce-dsn	' "$IN/manifest.tsv" | cut -f5)
	page=$S/site/$(mrel shows "$mid")
	grep -q 'Diagnostic-Code' "$page"
	sed -i 's/Diagnostic-Code/Diagnostic-Gone/' "$page"
	run python3 "$TESTS_DIR/gen/invariant.py" "$IN/manifest.tsv" "$S" \
		"$S/site" shows
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bounce-dsn"*"page does not show its text"* ]]
}
