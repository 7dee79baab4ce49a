#!/usr/bin/env bats
# Names mailarc uses itself inside a space (the import source, the unknown
# source, the stages' lock files) cannot be taken by an account.

load helpers

setup() {
	new_root
	printf 'hunter2\n' >"$BATS_TEST_TMPDIR/pw"
	chmod 600 "$BATS_TEST_TMPDIR/pw"
	PW=$BATS_TEST_TMPDIR/pw
	mailarc space add sales 2>/dev/null
}

add() {
	mailarc account add "sales/$1" --protocol imaps --host mail.example.org \
		--username u@example.org --password-file "$PW" --no-test
}

@test "account add refuses the reserved names, clearly, and writes nothing" {
	for name in import unknown dedupe index render; do
		before=$(tree_digest "$MAILARC_ROOT")
		run add "$name"
		after=$(tree_digest "$MAILARC_ROOT")
		echo "name=$name status=$status output=$output"
		[ "$status" -eq 64 ]
		[[ $output == *"'$name' cannot be an account name"* ]]
		[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
		[ "$before" = "$after" ]
	done
	run add import
	[[ $output == *"incoming/.import"* ]]
}

@test "account add still takes names that only look alike" {
	run add imports
	[ "$status" -eq 0 ]
	run add import-2
	[ "$status" -eq 0 ]
	[ -f "$MAILARC_ROOT/spaces/sales/accounts/imports.conf" ]
}
