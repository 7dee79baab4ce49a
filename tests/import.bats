#!/usr/bin/env bats
# mailarc import: mbox (mboxrd, mboxo, CRLF, gzip, damaged), Maildir and
# single messages, then dedupe and index.

load helpers
load lib/store

setup() {
	store_space sales
}

@test "an mbox is split, unquoted and archived; notmuch sees it" {
	run mailarc import sales "$CORPUS/mboxrd.mbox"
	[ "$status" -eq 0 ]
	[[ "$output" == *"imported 3: 3 archived, 0 duplicates, 0 not mail (see mailarc status sales)"* ]]
	[ "$(files_in "$S/archive")" -eq 3 ]
	f=$(grep -l "^Message-ID: <mbox-1@example.com>" "$S"/archive/new/*)
	grep -qx "From the archive team, with love." "$f"
	grep -qx ">From a quoted line" "$f"
	! grep -q "^From henry" "$f"
	# The empty line before the next From_ line is the mbox's, not the
	# message's.
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ]
	[ "$(tail -n 1 "$f")" = ">From a quoted line" ]
	[ "$(nm "$S" count '*')" -eq 3 ]
	[ "$(nm "$S" count tag:account:import)" -eq 3 ]
}

@test "importing the same mbox twice adds nothing" {
	mailarc import sales "$CORPUS/mboxrd.mbox"
	before=$(tree_digest "$S/archive")
	run mailarc import sales "$CORPUS/mboxrd.mbox"
	[ "$status" -eq 0 ]
	[ "$(tree_digest "$S/archive")" = "$before" ]
	[ "$(nm "$S" count '*')" -eq 3 ]
	[ "$(nm "$S" count --output=files '*')" -eq 3 ]
}

@test "an mbox and a Maildir holding the same messages are archived once" {
	run mailarc import sales "$CORPUS/maildir-same"
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 3 ]
	run mailarc import sales "$CORPUS/mboxrd.mbox" "$CORPUS/crlf.mbox" \
		"$CORPUS/mboxrd.mbox.gz"
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 3 ]
	[ "$(files_in "$S/duplicates")" -eq 9 ]
	[ "$(nm "$S" count '*')" -eq 3 ]
}

@test "a CRLF mbox is delivered with LF line ends" {
	run mailarc import sales "$CORPUS/crlf.mbox"
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 3 ]
	! grep -q $'\r' "$S"/archive/new/*
}

@test "a truncated gzip mbox imports what it can and says where it stopped" {
	run mailarc import sales "$CORPUS/truncated.mbox.gz"
	[ "$status" -eq 65 ]
	[[ "$output" == *"imported 3: 3 archived"* ]]
	[[ "$output" == *"truncated.mbox.gz' is damaged: stopped at line "*"cut short"* ]]
	[ "$(files_in "$S/archive")" -eq 3 ]
	! grep -q "cut@example.com" "$S"/archive/new/*
}

@test "mboxo quoting with --mboxo: only >From loses its >" {
	printf 'From a Sun Nov 22 10:00:00 2026\nFrom: a@example.com\nMessage-ID: <o1@example.com>\n\n>From one\n>>From two\n\n' \
		>"$BATS_TEST_TMPDIR/o.mbox"
	run mailarc import sales --mboxo "$BATS_TEST_TMPDIR/o.mbox"
	[ "$status" -eq 0 ]
	grep -qx "From one" "$S"/archive/new/*
	grep -qx ">>From two" "$S"/archive/new/*
}

@test "a folder of messy single messages; the corpus as a whole" {
	run mailarc import sales "$CORPUS"
	# 65: truncated.mbox.gz is damaged (and said so); the rest goes in.
	[ "$status" -eq 65 ]
	# The mboxes and the Maildir hold the same 3; the bcc and forwarded
	# copies are one; so are the two printer scans; same-id-1/2 are two
	# files of one Message-ID; X-No-Archive and the non-message are set
	# aside; the damaged gzip still gives its 3.
	[ "$(nm "$S" count '*')" -eq "$(mailarc search sales --output=messages '*' | wc -l)" ]
	grep -q "jp-0001@example.jp" "$S"/archive/new/*
	grep -q "sjis-0001@example.jp" "$S"/archive/new/*
	grep -q "broken-1@example.net" "$S"/archive/new/*
	[ "$(nm "$S" count id:broken-1@example.net)" -eq 1 ]
	[ "$(nm "$S" count id:reused@example.com)" -eq 1 ]
	[ "$(nm "$S" count --output=files id:reused@example.com)" -eq 2 ]
	[ "$(nm "$S" count id:noarch-1@example.com)" -eq 0 ]
	[ "$(nm "$S" count tag:attachment)" -ge 2 ]
	[ "$(nm "$S" count 'subject:議事録')" -eq 1 ]
	run mailarc import sales "$CORPUS"
	[ "$(files_in "$S/archive")" -eq "$(nm "$S" count --output=files '*')" ]
}

@test "a file that is not an mbox is imported as one message" {
	run mailarc import sales "$CORPUS/iso-2022-jp.eml"
	[ "$status" -eq 0 ]
	[ "$(files_in "$S/archive")" -eq 1 ]
	# As it came, but for its CRLF line ends (intake makes them LF).
	tr -d '\r' <"$CORPUS/iso-2022-jp.eml" | cmp - "$S"/archive/new/*
}

@test "a missing input is reported; the others are imported" {
	run mailarc import sales "$BATS_TEST_TMPDIR/nope.mbox" "$CORPUS/attachment.eml"
	[ "$status" -eq 65 ]
	[[ "$output" == *"nope.mbox"* ]]
	[ "$(files_in "$S/archive")" -eq 1 ]
}

@test "import needs a space and at least one input" {
	run mailarc import sales
	[ "$status" -eq 64 ]
	run mailarc import nosuch "$CORPUS/attachment.eml"
	[ "$status" -ne 0 ]
	[[ "$output" == *"space 'nosuch' does not exist"* ]]
}

@test "a large mbox is streamed: memory does not grow with it" {
	make_mbox() {
		python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write("From x Sun Nov 22 10:00:00 2026\nFrom: big@example.com\n"
                "Message-ID: <big-%s-%d@example.com>\nSubject: big %d\n\n"
                % (sys.argv[2], i, i))
        f.write(("%064d\n" % i) * 16000)  # about 1 MB each
        f.write("\n")
PY
	}
	make_mbox "$BATS_TEST_TMPDIR/small.mbox" 2
	make_mbox "$BATS_TEST_TMPDIR/big.mbox" 40
	# The sanitizer's quarantine of freed memory would hide what the
	# programs themselves hold.
	export ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=0
	/usr/bin/time -f "%M" -o "$BATS_TEST_TMPDIR/rss-small" \
		mailarc import --no-progress sales "$BATS_TEST_TMPDIR/small.mbox"
	/usr/bin/time -f "%M" -o "$BATS_TEST_TMPDIR/rss-big" \
		mailarc import --no-progress sales "$BATS_TEST_TMPDIR/big.mbox"
	[ "$(files_in "$S/archive")" -eq 42 ]
	small=$(cat "$BATS_TEST_TMPDIR/rss-small")
	big=$(cat "$BATS_TEST_TMPDIR/rss-big")
	echo "peak RSS: 2 MB mbox ${small} kB, 40 MB mbox ${big} kB" >&3
	# 38 MB more mail may cost at most a few MB more (kB here).
	[ "$big" -lt $((small + 12000)) ]
}

@test "progress is drawn on a terminal, and only there" {
	run script -qec "mailarc import sales '$CORPUS/mboxrd.mbox'" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"importing $CORPUS/mboxrd.mbox: "*"%"* ]]
	[[ "$output" == *"imported 3 messages from 1 files"* ]]
	run mailarc import sales "$CORPUS/crlf.mbox"
	[[ "$output" != *"importing "* ]]
}
