#!/usr/bin/env bats
# What pages did not show (round 11): a message whose only content is a
# base64 message/rfc822, a digest's preamble or a winmail.dat's text
# beside a text part (search found them), a winmail.dat whose only text
# is compressed RTF, SoftBank emoji and webcodes, yEnc files, a bounce's
# returned headers. hostile_mail.py names the text each page must show;
# invariant.py checks it, and that search finds what it should.

load helpers
load lib/store

setup() {
	store_space hidden
	IN=$BATS_TEST_TMPDIR/in
}

@test "pages show what was hidden, and search finds it" {
	python3 "$TESTS_DIR/gen/hostile_mail.py" --seed 12 --count 70 \
		--classes rfc822-b64-only,digest-preamble-text,tnef-text-twice,tnef-rtf-only,ja-softbank,uuencode-yenc,bounce-exchange \
		"$IN"
	[ "$(cut -f6 "$IN/manifest.tsv" | grep -vc '^-$')" -ge 50 ]
	rc=0
	mailarc import hidden "$IN/msg" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 0 ]
	run python3 "$TESTS_DIR/gen/invariant.py" "$IN/manifest.tsv" "$S" \
		"$S/site" hidden
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"violations 0"* ]]
	# The RTF-only text is found by search, and its page says so.
	tok=$(grep -m1 '	tnef-rtf-only	' "$IN/manifest.tsv" | cut -f1)
	mid=$(grep -m1 '	tnef-rtf-only	' "$IN/manifest.tsv" | cut -f5)
	run mailarc search hidden --output=messages -- "body:\"$tok\""
	[ "$status" -eq 0 ]
	[ "$output" = "id:$mid" ]
	grep -q "Hostile token $tok\." "$S/site/$(mrel hidden "$mid")"
	# A yEnc page lists the decoded file, not the block.
	mid=$(grep '	uuencode-yenc	' "$IN/manifest.tsv" |
		grep -m1 'pic.jpg' | cut -f5)
	page=$S/site/$(mrel hidden "$mid")
	grep -q 'pic.jpg' "$page"
	! grep -q '=ybegin' "$page"
}
