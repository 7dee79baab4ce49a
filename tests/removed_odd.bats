#!/usr/bin/env bats
# Removals of messages whose pages are hard to find once their files are
# gone. Message-IDs over 189 bytes, which notmuch keeps as "notmuch-sha1-"
# hashes: their pages are named by the real Message-ID, read from the
# message's file (lib/permalink.h); once the message is deleted or erased
# the incremental render must still find every page, feed and download of
# it, as a full run does; so must an erasure whose last line names no
# conversation (a Message-ID over 995 bytes, its copy set aside as a
# duplicate). And a message of two versions (one Message-ID,
# two contents) that loses one to an erasure, with the attachment only
# that version showed.

bats_require_minimum_version 1.5.0
load helpers
load lib/store

# msg NAME MESSAGE-ID FROM TOKEN [PARENT] - a message file NAME.eml.
msg() {
	{
		echo "From: $3"
		echo "To: team@ids.example"
		echo "Subject: about $4"
		echo "Date: Mon, 2 Mar 2026 1$((${#1} % 10)):00:00 +0000"
		echo "Message-ID: <$2>"
		if [ -n "${5:-}" ]; then
			echo "In-Reply-To: <$5>"
			echo "References: <$5>"
		fi
		echo
		echo "The words $4 are in this message only."
	} >"$BATS_TEST_TMPDIR/in/$1.eml"
}

setup() {
	store_space ids
	mkdir -p "$BATS_TEST_TMPDIR/in"
	LONG1="root.$(printf 'r%.0s' $(seq 1 200))@ids.example"
	LONG2="reply.$(printf 'q%.0s' $(seq 1 200))@ids.example"
	msg a "$LONG1" "Erin Ash <erin@ash.example>" tokenroot
	msg ab "$LONG2" "Erin Ash <erin@ash.example>" tokenreply "$LONG1"
	msg abc short@ids.example "Ana <ana@ids.example>" tokenshort "$LONG2"
	# 192 bytes: notmuch shortens it, the NAME keeps it whole.
	MID="mid.$(printf 'm%.0s' $(seq 1 176))@ids.example"
	msg abcd "$MID" "Erin Ash <erin@ash.example>" tokenmid
	msg z other@ids.example "Ana <ana@ids.example>" tokenother
	for f in a ab abc abcd z; do
		mailarc import ids "$BATS_TEST_TMPDIR/in/$f.eml" >/dev/null
	done
	[ "$(find "$S/site/m" -name 'root.*==*.html' | wc -l)" -eq 1 ]
	[ "$(find "$S/site/t" -name 'root.*==*.html' | wc -l)" -eq 1 ]
	[ -f "$S/site/$(mrel ids "<$MID>")" ]
}

# same_as_full - the site equals what a full render makes of it.
same_as_full() {
	cp -a "$S/site" "$BATS_TEST_TMPDIR/inc"
	mailarc render ids --full >/dev/null
	diff -r "$BATS_TEST_TMPDIR/inc" "$S/site"
}

@test "removed odd: long Message-IDs: a deleted root's conversation page says removed, as a full run's" {
	id=$(nm "$S" search --output=messages tokenroot)
	mailarc delete ids --query "$id" >/dev/null
	page=$(find "$S/site/t" -name 'root.*==*.html')
	grep -q 'Conversation moved' "$page"
	run ! grep -rl tokenroot "$S/site"
	same_as_full
}

@test "removed odd: long Message-IDs: an erased sender's messages leave no file and no word in the site" {
	mailarc erase ids --address erin@ash.example --yes >/dev/null
	# Their words and their sender nowhere (ana's reply still names
	# them in its References field, as sent).
	run grep -rl 'tokenroot\|tokenreply\|tokenmid\|erin@ash' "$S/site"
	echo "$output"
	[ "$status" -eq 1 ]
	[ -z "$(find "$S/site" -name 'root.*' -o -name 'reply.*' -o -name 'mid.*')" ]
	grep -rq tokenshort "$S/site"
	same_as_full
}

@test "removed odd: a Message-ID over 995 bytes: an erased message with a copy set aside as a duplicate leaves the site" {
	# mailarc's identity rule has no such Message-ID: the copy set
	# aside is found by neither its path nor its id once the archived
	# one is erased, so its line names no conversation.
	BIG="big.$(printf 'b%.0s' $(seq 1 1000))@ids.example"
	# A reply to ana's message: no other of erin's in its conversation.
	msg big "$BIG" "Erin Ash <erin@ash.example>" tokenbig other@ids.example
	mailarc import ids "$BATS_TEST_TMPDIR/in/big.eml" >/dev/null
	grep -rq tokenbig "$S/site"
	mailarc import ids "$BATS_TEST_TMPDIR/in/big.eml" >/dev/null
	[ -n "$(ls -A "$S/duplicates/new")" ]
	mailarc erase ids --address erin@ash.example --yes >/dev/null
	run grep -rl 'tokenroot\|tokenreply\|tokenmid\|tokenbig\|erin@ash' "$S/site"
	echo "$output"
	[ "$status" -eq 1 ]
	same_as_full
}

@test "removed odd: an erased version of a message leaves the index and the site; the other stays" {
	# Erin's copy is the later one: the page shows it as a second
	# version, with its raw form beside it (m/NAME=v-HASH.eml).
	msg v1 two@ids.example "Erin Ash <erin@ash.example>" tokenerin
	sed -i 's/^Subject: .*/Subject: erin subject/' "$BATS_TEST_TMPDIR/in/v1.eml"
	msg v two@ids.example "Ana <ana@ids.example>" tokenana
	sed -i 's/^Subject: .*/Subject: ana subject/' "$BATS_TEST_TMPDIR/in/v.eml"
	mailarc import ids "$BATS_TEST_TMPDIR/in/v1.eml" >/dev/null
	mailarc import ids "$BATS_TEST_TMPDIR/in/v.eml" >/dev/null
	[ "$(nm "$S" count --output=files id:two@ids.example)" -eq 2 ]
	ls "$S/site/$(dirname "$(mrel ids '<two@ids.example>')")"/two@ids.example=v-*.eml
	mailarc erase ids --address erin@ash.example --yes >/dev/null
	[ "$(nm "$S" count --output=files id:two@ids.example)" -eq 1 ]
	# The index holds nothing of erin's copy: not its words, not its
	# subject, not its sender.
	[ "$(nm "$S" count tokenerin)" -eq 0 ]
	[ "$(nm "$S" count 'subject:erin')" -eq 0 ]
	[ "$(nm "$S" count tokenana)" -eq 1 ]
	run grep -rl 'tokenerin\|erin subject\|erin@ash' "$S/site"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q 'ana subject' "$S/site/$(mrel ids '<two@ids.example>')"
	same_as_full
}

# attmsg NAME FROM TOKEN ATTNAME - a message of two Message-ID
# two@ids.example versions: text and an attachment ATTNAME whose bytes
# say TOKEN.
attmsg() {
	{
		echo "From: $2"
		echo "To: team@ids.example"
		echo "Subject: about $3"
		echo "Date: Mon, 2 Mar 2026 10:00:00 +0000"
		echo "Message-ID: <two@ids.example>"
		echo "MIME-Version: 1.0"
		echo 'Content-Type: multipart/mixed; boundary="b1"'
		echo
		echo "--b1"
		echo "Content-Type: text/plain"
		echo
		echo "The words $3 are in this message only."
		echo "--b1"
		echo "Content-Type: application/octet-stream"
		echo "Content-Disposition: attachment; filename=\"$4\""
		echo "Content-Transfer-Encoding: base64"
		echo
		printf 'attachment %s bytes\n' "$3" | base64
		echo "--b1--"
	} >"$BATS_TEST_TMPDIR/in/$1.eml"
}

@test "removed odd: an erased version's attachment leaves the site; the other version's stays" {
	attmsg w1 "Erin Ash <erin@ash.example>" tokenerin erin.bin
	attmsg w2 "Ana <ana@ids.example>" tokenana ana.bin
	mailarc import ids "$BATS_TEST_TMPDIR/in/w1.eml" >/dev/null
	mailarc import ids "$BATS_TEST_TMPDIR/in/w2.eml" >/dev/null
	# A message of hers deleted, then set aside when it came again:
	# its erasure names no thread, so the run after it reads the whole
	# state (and counts no attachment's users).
	msg solo solo@ids.example "Erin Ash <erin@ash.example>" tokensolo
	mailarc import ids "$BATS_TEST_TMPDIR/in/solo.eml" >/dev/null
	mailarc delete ids --query id:solo@ids.example >/dev/null
	mailarc import ids "$BATS_TEST_TMPDIR/in/solo.eml" >/dev/null
	[ -n "$(ls -A "$S/duplicates/new")" ]
	page=$S/site/$(mrel ids '<two@ids.example>')
	erin=$(grep -o 'a/[0-9a-f]*/[0-9a-f]*\.bin" download="erin.bin' "$page" |
		cut -d'"' -f1)
	ana=$(grep -o 'a/[0-9a-f]*/[0-9a-f]*\.bin" download="ana.bin' "$page" |
		cut -d'"' -f1)
	[ -f "$S/site/$erin" ]
	[ -f "$S/site/$ana" ]
	mailarc erase ids --address erin@ash.example --yes >/dev/null
	# Erin's attachment was shown by her version alone.
	[ ! -e "$S/site/$erin" ]
	[ -f "$S/site/$ana" ]
	run grep -rl 'tokenerin\|erin@ash' "$S/site"
	echo "$output"
	[ "$status" -eq 1 ]
	same_as_full
}
