#!/usr/bin/env bats
# mailarc delete and mailarc search over a space's archive.

load helpers
load lib/store

setup() {
	store_space sales
	mailarc import sales "$CORPUS/mboxrd.mbox" "$CORPUS/attachment.eml" \
		"$CORPUS/bcc-copy.eml" "$CORPUS/no-message-id.eml" >/dev/null 2>&1
}

@test "mailarc search counts what stock notmuch counts" {
	for q in '*' 'from:henry' 'tag:attachment' 'subject:mbox' \
		'tag:account:import' 'date:2026-11-22..'; do
		a=$(mailarc search sales --output=messages "$q" | wc -l)
		b=$(nm "$S" count "$q")
		[ "$a" -eq "$b" ]
		a=$(mailarc search sales --output=threads "$q" | wc -l)
		b=$(nm "$S" count --output=threads "$q")
		[ "$a" -eq "$b" ]
		a=$(mailarc search sales --output=files "$q" | sort)
		b=$(nm "$S" search --output=files "$q" | sort)
		[ "$a" = "$b" ]
	done
	[ "$(mailarc search sales --output=messages '*' | wc -l)" -eq 6 ]
}

@test "search outputs: summary, threads, messages, files, JSON" {
	run mailarc search sales from:ivy
	[ "$status" -eq 0 ]
	re='^thread:[0-9a-f]{16} +2026-11-22 \[1/2\] ivy@example.com\| henry@example.com; mbox one \(.*account:import.*\)$'
	[[ "${lines[0]}" =~ $re ]]
	run mailarc search sales --output=messages --sort=oldest-first 'subject:mbox'
	[ "${lines[0]}" = "id:mbox-1@example.com" ]
	run mailarc search sales --format=json --output=messages id:mbox-3@example.com
	[ "$output" = '["mbox-3@example.com"]' ]
	run mailarc search sales --format=json 'from:erin'
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d[0]["subject"]=="the logo" and "attachment" in d[0]["tags"] and d[0]["total"]==1' "$output"
	run mailarc search sales --output=messages --limit=2 '*'
	[ "${#lines[@]}" -eq 2 ]
	run mailarc search sales --output=bogus '*'
	[ "$status" -eq 64 ]
	run mailarc search sales 'date:foo..bar'
	[ "$status" -eq 64 ]
	[[ "$output" == *"search failed"*"date specification"* ]]
}

@test "delete --dry-run lists what would go and changes nothing" {
	before=$(tree_digest "$S")
	run mailarc delete sales --dry-run mbox-1@example.com
	[ "$status" -eq 0 ]
	[[ "$output" == "would delete mbox-1@example.com"*"$S/archive/new/"* ]] ||
		[[ "$output" == "would delete mbox-1@example.com"* ]]
	[ "$(tree_digest "$S")" = "$before" ]
}

@test "delete removes from archive and index and writes a tombstone" {
	f=$(nm "$S" search --output=files id:mbox-1@example.com)
	tid=$(nm "$S" search --output=threads id:mbox-1@example.com)
	run mailarc delete sales '<mbox-1@example.com>'
	[ "$status" -eq 0 ]
	[ "$output" = "deleted mbox-1@example.com" ]
	[ ! -e "$f" ]
	[ "$(nm "$S" count id:mbox-1@example.com)" -eq 0 ]
	[ "$(nm "$S" count '*')" -eq 5 ]
	[ "$(wc -l <"$S/tombstones")" -eq 1 ]
	IFS=$'\t' read -r at id thread hash <"$S/tombstones"
	[[ "$at" =~ ^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$ ]]
	[ "$id" = "mbox-1@example.com" ]
	[ "thread:$thread" = "$tid" ]
	[[ "$hash" =~ ^[0-9a-f]{64}$ ]]
}

@test "a deleted message stays deleted: again by import and from an account" {
	mailarc delete sales mbox-1@example.com 20261117091402.4242@mail.example.org
	# Imported again, alone and inside the mbox.
	run mailarc import sales "$CORPUS/mboxrd.mbox" "$CORPUS/maildir-same"
	[ "$status" -eq 0 ]
	# Delivered again into incoming/ as mailarc-fetch does for an
	# account (the forwarded copy: other trace headers, CRLF).
	deliver "$S" "$CORPUS/forwarded-copy.eml" main
	run mailarc-dedupe sales
	[ "$status" -eq 0 ]
	[[ "$output" == *"was deleted on purpose"* ]]
	mailarc-index -q sales
	[ "$(nm "$S" count id:mbox-1@example.com)" -eq 0 ]
	[ "$(nm "$S" count id:20261117091402.4242@mail.example.org)" -eq 0 ]
	! grep -l "^Message-ID: <mbox-1@example.com>" "$S"/archive/new/*
	run mailarc-dedupe --report sales
	[[ "$output" == *"<mbox-1@example.com> was deleted on purpose"* ]]
}

@test "a message without Message-ID is deleted by its notmuch id for good" {
	id=$(nm "$S" search --output=messages from:scanner | sed 's/^id://')
	[[ "$id" == notmuch-sha1-* ]]
	run mailarc delete sales "$id"
	[ "$status" -eq 0 ]
	deliver "$S" "$CORPUS/no-message-id-again.eml"
	mailarc-dedupe -q sales
	[ "$(files_in "$S/archive")" -eq 5 ]
	mailarc-index -q sales
	[ "$(nm "$S" count from:scanner)" -eq 0 ]
}

@test "delete --query removes every match; an unknown id is an error" {
	run mailarc delete sales --query 'from:henry'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(nm "$S" count from:henry)" -eq 0 ]
	[ "$(wc -l <"$S/tombstones")" -eq 2 ]
	run mailarc delete sales nosuch@example.com
	[ "$status" -eq 65 ]
	[[ "$output" == *"no message 'nosuch@example.com' in space 'sales'"* ]]
	run mailarc delete sales
	[ "$status" -eq 64 ]
}

@test "delete waits for nobody: a busy dedupe makes it fail with EX_TEMPFAIL" {
	exec 9>"$S/state/dedupe.lock"
	flock 9
	run mailarc delete sales mbox-1@example.com
	exec 9>&-
	[ "$status" -eq 75 ]
	[ "$(nm "$S" count id:mbox-1@example.com)" -eq 1 ]
}

@test "the renderer finds the database the documented way" {
	real=$(cd "$S" && pwd -P)
	[ -f "$real/notmuch/config" ]
	grep -qx "mail_root=$real/archive" "$real/notmuch/config"
	grep -qx "path=$real/notmuch" "$real/notmuch/config"
	[ "$(notmuch --config="$real/notmuch/config" count '*')" -eq 6 ]
}
