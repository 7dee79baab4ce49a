#!/usr/bin/env bats
# Intake: every message that enters a space is archived and visible (in
# archive/, indexed by notmuch, with its permalink page) or set aside with
# a reason. Each test makes its own odd message (issue 12, classes 1, 2,
# 3 and 11).

load helpers
load lib/store

setup() {
	store_space s
	IN=$BATS_TEST_TMPDIR/in
	mkdir -p "$IN"
}

# invariant - archive/ and notmuch agree, and every archived message has
# its page m/ID.html under the site.
invariant() {
	local n id
	n=$(files_in "$S/archive")
	[ "$(nm "$S" count --output=files '*')" -eq "$n" ]
	while read -r id; do
		[ -f "$S/site/m/"*/"$id.html" ] || {
			echo "no page for <$id>"
			return 1
		}
	done < <(ids_in "$S/archive")
}

# archived ID - the message <ID> is archived, indexed and has its page.
archived() {
	[ "$(nm "$S" count "id:$1")" -eq 1 ]
	[ -f "$S/site/m/"*/"$1.html" ]
	grep -qi "^Message-ID: <$1>" "$S"/archive/new/*
}

@test "class 1: two bare-CR messages are two messages, archived as LF" {
	printf 'Received: by mx\rFrom: a@x\rSubject: first\rMessage-ID: <cr1@x>\r\rbody one\r' >"$IN/1.eml"
	printf 'Received: by mx\rFrom: b@x\rSubject: second\rMessage-ID: <cr2@x>\r\rbody two\r' >"$IN/2.eml"
	run mailarc import s "$IN"
	st=$status out=$output last=${lines[-1]}
	[ "$(files_in "$S/archive")" -eq 2 ]
	[ "$(files_in "$S/duplicates")" -eq 0 ]
	archived cr1@x
	archived cr2@x
	# Normalised on intake: no CR is left, the lines are LF lines.
	! grep -q $'\r' "$S"/archive/new/* || false
	grep -qx 'Subject: second' "$S"/archive/new/*
	[ "$(find "$S/incoming" -type f | wc -l)" -eq 0 ]
	invariant
	# The last line and the exit status tell the truth.
	[ "$st" -eq 0 ]
	[[ "$out" == *"imported 2: 2 archived, 0 duplicates, 0 not mail"* ]]
}

@test "class 1: a CRLF message and its LF copy are one message" {
	printf 'From: a@x\r\nSubject: crlf\r\nMessage-ID: <crlf@x>\r\n\r\nbody\r\n' >"$IN/1.eml"
	printf 'From: a@x\nSubject: crlf\nMessage-ID: <crlf@x>\n\nbody\n' >"$IN/2.eml"
	run mailarc import s "$IN"
	st=$status out=$output last=${lines[-1]}
	archived crlf@x
	invariant
	# The last line and the exit status tell the truth.
	[ "$st" -eq 0 ]
	[[ "$out" == *"imported 2: 1 archived, 1 duplicates, 0 not mail"* ]]
}

@test "class 2: a first line of blanks, an envelope line, a BOM, 'Subject :'" {
	printf ' \n\t\nFrom: a@x\nSubject: blank first\nMessage-ID: <ws@x>\n\nbody\n' >"$IN/1.eml"
	printf 'From a@x Sun Jul 16 15:06:25 2023\nFrom: a@x\nSubject: envelope\nMessage-ID: <env@x>\n\nbody\n' >"$IN/2.eml"
	printf '\xef\xbb\xbfFrom: a@x\nSubject: bom\nMessage-ID: <bom@x>\n\nbody\n' >"$IN/3.eml"
	printf 'From: a@x\nSubject : spaced\nMessage-ID: <colon@x>\n\nbody\n' >"$IN/4.eml"
	run mailarc import s "$IN"
	st=$status out=$output last=${lines[-1]}
	for id in ws@x env@x bom@x colon@x; do archived "$id"; done
	[ "$(nm "$S" count subject:spaced)" -eq 1 ]
	grep -qx 'Subject: spaced' "$S"/archive/new/*
	! grep -q '^From a@x' "$S"/archive/new/* || false
	! grep -q $'\xef\xbb\xbf' "$S"/archive/new/* || false
	invariant
	# The last line and the exit status tell the truth.
	[ "$st" -eq 0 ]
	[[ "$out" == *"imported 4: 4 archived, 0 duplicates, 0 not mail"* ]]
}

@test "class 2: a raw copy matches the tombstone of its normalised copy" {
	printf '\xef\xbb\xbfFrom: a@x\r\nSubject: gone\r\nMessage-ID: <del@x>\r\n\r\nbody\r\n' >"$IN/1.eml"
	mailarc import s "$IN/1.eml"
	archived del@x
	mailarc delete s del@x
	[ "$(files_in "$S/archive")" -eq 0 ]
	run mailarc import s "$IN/1.eml"
	st=$status out=$output last=${lines[-1]}
	[ "$(files_in "$S/archive")" -eq 0 ]
	mailarc-dedupe --report s | grep -q 'was deleted on purpose'
	invariant
	# The last line and the exit status tell the truth.
	[ "$st" -eq 0 ]
	[[ "$out" == *"imported 1: 0 archived, 0 duplicates, 1 deleted before, 0 not mail"* ]]
}

@test "class 3: no From, To or Subject is set aside with its reason" {
	printf 'Date: Sun, 16 Jul 2023 15:06:25 +0000\nMessage-ID: <anon@x>\n\nbody\n' >"$IN/1.eml"
	printf 'From: a@x\nSubject: fine\nMessage-ID: <fine@x>\n\nbody\n' >"$IN/2.eml"
	run mailarc import s "$IN"
	st=$status out=$output last=${lines[-1]}
	archived fine@x
	[ "$(files_in "$S/duplicates")" -eq 1 ]
	run mailarc-dedupe --report s
	[[ "$output" == *"not a message: no From, To or Subject header <anon@x>"* ]]
	run mailarc status s
	[[ "$output" == *"1 not a message (no From, To or Subject header 1)"* ]]
	run mailarc status --json s
	echo "$output" | python3 -c '
import json, sys
s = json.load(sys.stdin)["spaces"][0]["intake"]
assert s["archived"] == 1, s
assert s["not_a_message"]["total"] == 1, s
assert s["not_a_message"]["no-from-to-subject"] == 1, s
'
	invariant
	# The last line and the exit status tell the truth.
	[ "$st" -eq 65 ]
	[[ "$out" == *"imported 2: 1 archived, 0 duplicates, 1 not mail (see mailarc status s)"* ]]
}

@test "class 11: a binary file is not mail: exit 65, set aside, reported" {
	head -c 4096 /dev/urandom >"$IN/blob.bin"
	printf '\x00\x01\x02\x03PK\x03\x04' >>"$IN/blob.bin"
	printf 'From: a@x\nSubject: real\nMessage-ID: <real@x>\n\nbody\n' >"$IN/real.eml"
	run mailarc import s "$IN"
	st=$status out=$output last=${lines[-1]}
	archived real@x
	[ "$(files_in "$S/duplicates")" -eq 1 ]
	mailarc-dedupe --report s | grep -q 'not a message'
	run mailarc status s
	[[ "$output" == *"0 duplicates, 0 deleted, 0 x-no-archive, 1 not a message ("* ]]
	invariant
	# The last line and the exit status tell the truth.
	[ "$st" -eq 65 ]
	[[ "$last" == "imported 2: 1 archived, 0 duplicates, 1 not mail (see mailarc status s)" ]]
}

@test "class 11: every input archived or duplicate: exit 0" {
	printf 'From: a@x\nSubject: one\nMessage-ID: <one@x>\n\nbody\n' >"$IN/1.eml"
	cp "$IN/1.eml" "$IN/2.eml"
	run mailarc import s "$IN"
	st=$status out=$output last=${lines[-1]}
	invariant
	# The last line and the exit status tell the truth.
	[ "$st" -eq 0 ]
	[[ "$last" == "imported 2: 1 archived, 1 duplicates, 0 not mail (see mailarc status s)" ]]
}

@test "the index stage fails loudly on an archived file notmuch refuses" {
	printf 'From: a@x\nSubject: ok\nMessage-ID: <ok@x>\n\nbody\n' >"$IN/1.eml"
	mailarc import s "$IN/1.eml"
	# Put by hand what dedupe would never archive.
	printf 'X-Foo: bar\n\nbody\n' >"$S/archive/new/1.bad"
	printf '1.bad\tunknown\n' >>"$S/state/index.queue"
	run mailarc-index s
	[ "$status" -eq 65 ]
	[[ "$output" == *"notmuch refuses archived '"*"1.bad' as mail"* ]]
}

@test "index with '-': the queue, not the dedupe index, says the account" {
	printf 'From: a@x\nSubject: q1\nMessage-ID: <q1@x>\n\nbody\n' >"$IN/1.eml"
	printf 'From: a@x\nSubject: q2\nMessage-ID: <q2@x>\n\nbody\n' >"$IN/2.eml"
	deliver "$S" "$IN/1.eml" acct
	deliver "$S" "$IN/2.eml" acct
	mailarc-dedupe -q s >"$BATS_TEST_TMPDIR/paths"
	# The paths are a hint: nothing is looked up or hashed again.
	rm -rf "$S/state/dedupe"
	run mailarc-index s - <"$BATS_TEST_TMPDIR/paths"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(nm "$S" count tag:account:acct)" -eq 2 ]
	[ "$(nm "$S" count tag:account:unknown)" -eq 0 ]
	# A second hint for the same files indexes nothing again.
	run mailarc-index s - <"$BATS_TEST_TMPDIR/paths"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
}

@test "kill -9 while normalised copies are written: each message exactly once" {
	gen_messages "$BATS_TEST_TMPDIR/m" 300
	# CRLF copies: each is archived through archive/tmp, not renamed.
	for f in "$BATS_TEST_TMPDIR"/m/*.eml; do
		sed 's/$/\r/' "$f" >"$f.crlf"
		deliver "$S" "$f.crlf" main
		deliver "$S" "$f.crlf" other
	done
	for _ in $(seq 1 10); do
		mailarc-dedupe -q s >/dev/null 2>&1 &
		pid=$!
		sleep "0.$((RANDOM % 40))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	run mailarc-dedupe -q s
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/incoming/.main") $(files_in "$S/incoming/.other")" = "0 0" ]
	[ "$(files_in "$S/archive")" -eq 300 ]
	[ "$(files_in "$S/duplicates")" -eq 300 ]
	[ -z "$(ids_in "$S/archive" | uniq -d)" ]
	! grep -lq $'\r' "$S"/archive/new/* || false
	[ ! -e "$S/state/dedupe.pending" ]
	[ "$(cut -f1 "$S/state/index.queue" | sort -u | wc -l)" -eq 300 ]
	mailarc-index -q s >/dev/null
	[ "$(nm "$S" count --output=files '*')" -eq 300 ]
}

@test "odd mail: everything archived is indexed and has its page" {
	python3 "$TESTS_DIR/lib/oddmail.py" "$IN" 150 "$((RANDOM % 1000))"
	run mailarc import s "$IN"
	[ "$status" -eq 0 ] || [ "$status" -eq 65 ]
	[[ "${lines[-1]}" == "imported "*" archived, "*" not mail (see mailarc status s)" ]]
	# No archived file is refused by notmuch: the index stage agrees.
	[[ "$output" != *"refuses archived"* ]]
	[ "$(files_in "$S/archive")" -gt 0 ]
	# Every delivered message is archived or set aside, none lost.
	[ "$(find "$S/incoming" -type f | wc -l)" -eq 0 ]
	invariant
}

@test "the report names a duplicate without Message-ID as the site does" {
	printf 'Received: by mx1\nFrom: a@x\nSubject: no id\n\nbody\n' >"$IN/1.eml"
	printf 'Received: by mx2\nFrom: a@x\nSubject: no id\n\nbody\n' >"$IN/2.eml"
	run mailarc import s "$IN"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "imported 2: 1 archived, 1 duplicates, 0 not mail"* ]]
	id=$(nm "$S" search --output=messages '*')
	[[ "$id" == id:notmuch-sha1-* ]]
	[ -f "$S/site/m/"*/"${id#id:}.html" ]
	run mailarc-dedupe --report s
	[[ "$output" == *"duplicate of archive '"*"' <${id#id:}>"* ]]
	invariant
}

@test "import while dedupe is busy: the last line does not claim counts" {
	printf 'From: a@x\nSubject: one\nMessage-ID: <one@x>\n\nbody\n' >"$IN/1.eml"
	mailarc import s "$IN/1.eml"
	printf 'From: a@x\nSubject: two\nMessage-ID: <two@x>\n\nbody\n' >"$IN/2.eml"
	exec 9>"$S/state/dedupe.lock"
	flock -n 9
	run mailarc import s "$IN/2.eml"
	exec 9>&-
	[ "$status" -eq 75 ]
	[[ "${lines[-1]}" == "imported 1: not archived yet (see above; run mailarc-dedupe s)" ]]
	[ "$(files_in "$S/incoming/.import")" -eq 1 ]
}
