#!/usr/bin/env bats
# mailarc-index: the space's notmuch database, incremental, tagged.

load helpers
load lib/store

setup() {
	store_space sales
}

@test "the notmuch config works with stock notmuch and names the archive" {
	deliver "$S" "$CORPUS/attachment.eml" main
	mailarc-dedupe -q sales >/dev/null
	run mailarc-index sales
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "$S/archive/new/"* ]]
	real=$(cd "$S" && pwd -P)
	[ "$(nm "$S" config get database.mail_root)" = "$real/archive" ]
	[ "$(nm "$S" config get database.path)" = "$real/notmuch" ]
	[ -d "$S/notmuch/xapian" ]
	[ "$(nm "$S" count '*')" -eq 1 ]
	[ "$(nm "$S" search --output=tags '*' | sort | tr '\n' ' ')" = "account:main attachment space:sales " ]
}

@test "accounts: Maildir++ sub-folder, the space's only account, or unknown" {
	deliver "$S" "$CORPUS/8bit-headers.eml"
	deliver "$S" "$CORPUS/latin1-headers.eml" other
	mailarc-dedupe -q sales >/dev/null
	mailarc-index -q sales >/dev/null
	[ "$(nm "$S" count tag:account:unknown)" -eq 1 ]
	[ "$(nm "$S" count tag:account:other)" -eq 1 ]
	# A space with one account: loose incoming mail is that account's.
	mkdir -p "$S/accounts"
	printf 'protocol = imap\nhost = 127.0.0.1\nusername = u\npassword = p\n' \
		>"$S/accounts/main.conf"
	chmod 0600 "$S/accounts/main.conf"
	deliver "$S" "$CORPUS/shift-jis.eml"
	mailarc-dedupe -q sales >/dev/null
	mailarc-index -q sales >/dev/null
	[ "$(nm "$S" count tag:account:main)" -eq 1 ]
}

@test "a message two accounts brought gets both account tags" {
	deliver "$S" "$CORPUS/bcc-copy.eml" main
	mailarc-dedupe -q sales >/dev/null
	deliver "$S" "$CORPUS/forwarded-copy.eml" other
	mailarc-dedupe -q sales >/dev/null
	mailarc-index -q sales >/dev/null
	[ "$(files_in "$S/archive")" -eq 1 ]
	[ "$(nm "$S" count '*')" -eq 1 ]
	[ "$(nm "$S" count tag:account:main and tag:account:other)" -eq 1 ]
}

@test "another version of a message keeps its tags, and gets the account's it lacks" {
	local m=$BATS_TEST_TMPDIR/v
	mkdir -p "$m"
	for k in 1 2 3; do
		printf 'From: a@example.org\nSubject: v\nMessage-ID: <v@example.org>\n\nversion %s\n' \
			"$k" >"$m/$k"
	done
	# The second version has the tags already (not written again: a
	# message of thousands of versions paid a write of all its files
	# for each), the third brings another account's.
	for k in 1 2; do
		deliver "$S" "$m/$k" main
		mailarc-dedupe -q sales >/dev/null
		mailarc-index -q sales >/dev/null
	done
	[ "$(nm "$S" search --output=tags '*' | sort | tr '\n' ' ')" = "account:main space:sales " ]
	deliver "$S" "$m/3" other
	mailarc-dedupe -q sales >/dev/null
	mailarc-index -q sales >/dev/null
	[ "$(nm "$S" count --output=files '*')" -eq 3 ]
	[ "$(nm "$S" search --output=tags '*' | sort | tr '\n' ' ')" = "account:main account:other space:sales " ]
}

@test "indexing is incremental: a second run indexes nothing" {
	gen_messages "$BATS_TEST_TMPDIR/m" 50
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do deliver "$S" "$f"; done
	mailarc-dedupe -q sales >/dev/null
	run mailarc-index sales
	[ "${#lines[@]}" -eq 50 ]
	run mailarc-index sales
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	deliver "$S" "$CORPUS/iso-2022-jp.eml"
	mailarc-dedupe -q sales >/dev/null
	run mailarc-index sales
	[ "${#lines[@]}" -eq 1 ]
	[ "$(nm "$S" count '*')" -eq 51 ]
}

@test "a pipe: dedupe - | index - indexes exactly what was archived" {
	deliver "$S" "$CORPUS/bcc-copy.eml"
	deliver "$S" "$CORPUS/forwarded-copy.eml"
	deliver "$S" "$CORPUS/no-message-id.eml" main
	run bash -c "ls '$S'/incoming/new/* '$S'/incoming/.main/new/* |
		mailarc-dedupe -q sales - | mailarc-index -q sales -"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(nm "$S" count '*')" -eq 2 ]
	[ "$(nm "$S" count tag:account:main)" -eq 1 ]
}

@test "--full rebuilds a lost database from archive/" {
	mailarc import sales "$CORPUS/mboxrd.mbox" >/dev/null
	[ "$(nm "$S" count '*')" -eq 3 ]
	rm -rf "$S/notmuch"
	run mailarc-index --full sales
	[ "$status" -eq 0 ]
	[ "$(nm "$S" count '*')" -eq 3 ]
	[ "$(nm "$S" count tag:account:import)" -eq 3 ]
}

@test "the index lock: a second run fails with EX_TEMPFAIL" {
	exec 9>"$S/state/index.lock"
	flock 9
	run mailarc-index sales
	exec 9>&-
	[ "$status" -eq 75 ]
	[[ "$output" == *"busy"* ]]
}

@test "kill -9 during index, many times, then a rerun: each message once" {
	gen_messages "$BATS_TEST_TMPDIR/m" 1500
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do deliver "$S" "$f"; done
	mailarc-dedupe -q sales >/dev/null
	for i in $(seq 1 10); do
		mailarc-index -q sales >/dev/null 2>&1 &
		pid=$!
		sleep "0.$((RANDOM % 90 + 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	run mailarc-index -q sales
	[ "$status" -eq 0 ]
	[ "$(nm "$S" count '*')" -eq 1500 ]
	[ "$(nm "$S" count --output=files '*')" -eq 1500 ]
	[ "$(nm "$S" count tag:space:sales)" -eq 1500 ]
	[ "$(nm "$S" search --output=files '*' | sort -u | wc -l)" -eq 1500 ]
	[ "$(wc -c <"$S/state/index.queue")" -eq "$(cat "$S/state/index.offset")" ]
}

@test "kill -9 during dedupe and index together, then reruns" {
	gen_messages "$BATS_TEST_TMPDIR/m" 600
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do
		deliver "$S" "$f" a
		deliver "$S" "$f" b
	done
	for i in $(seq 1 8); do
		mailarc-dedupe -q sales >/dev/null 2>&1 &
		d=$!
		mailarc-index -q sales >/dev/null 2>&1 &
		x=$!
		sleep "0.$((RANDOM % 60 + 10))"
		kill -9 "$d" "$x" 2>/dev/null || true
		wait "$d" "$x" 2>/dev/null || true
	done
	mailarc-dedupe -q sales
	mailarc-index -q sales
	[ "$(files_in "$S/archive")" -eq 600 ]
	[ "$(($(files_in "$S/archive") + $(files_in "$S/duplicates")))" -eq 1200 ]
	[ "$(nm "$S" count '*')" -eq 600 ]
	[ "$(nm "$S" count --output=files '*')" -eq 600 ]
}
