#!/usr/bin/env bats
# A busy month (some 1,000 messages: six pages by date) and the one after
# it, changed by incremental runs: mail after the month's last, a parent
# that renames a thread across months, mail into the middle, a deletion.
# An incremental run leaves the month's pages before its first change as
# published and adds new mail at the end to the month's mbox (month.c);
# each run must still give the site a --full run gives, byte for byte,
# and the first must not read the month's old messages, nor copy its
# mbox (it is appended to). A full run that
# lets go of a month's listings page by page writes the same site.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

export MAILARC_SITE_APPEND=4096

setup() {
	new_root
	gen_space mp
	T=$BATS_TEST_TMPDIR
}

# full_equals - the site as the incremental runs left it equals the one
# a --full run makes of the same mail (which it then is).
full_equals() {
	site_digest "$D/site" >"$T/inc"
	mailarc-render mp --full >/dev/null
	site_digest "$D/site" >"$T/full"
	diff "$T/inc" "$T/full"
}

@test "month pages: incremental runs over a busy month leave its early pages and mbox bytes, and equal --full" {
	# January 2018: 1,100 messages, one in ten held back; February:
	# 700, and a conversation whose first message is missing.
	python3 "$GEN" 1100 "$D/archive" --gap 2000
	python3 "$GEN" 700 "$D/archive" --start 1400 --gap 2000
	python3 "$GEN" 40 "$T/late" --start 1200 --gap 2000
	mkdir -p "$T/held" "$T/x"
	mv "$D"/archive/cur/*.M[0-9]*3P1Q*.bench* "$T/held/"
	dated_mail "$T/x/x2" "Thu, 08 Feb 2018 12:00:00 +0000" x2 x1
	dated_mail "$T/x/x3" "Fri, 09 Feb 2018 12:00:00 +0000" x3 x2
	dated_mail "$T/x/x1" "Wed, 10 Jan 2018 12:00:00 +0000" x1
	render_away mp "$T/x/x2" "$T/x/x3"
	[ -f "$D/site/2018/01/page-5.html" ]
	[ ! -f "$D/site/2018/01/page-6.html" ]
	[ -f "$D/site/2018/02/page-4.html" ]
	cp "$D/site/2018/01/2018-01.mbox" "$T/jan.mbox"
	ino=$(stat -c %i "$D/site/2018/01/2018-01.mbox")

	# Mail after the month's last: its first page (the count) and its
	# last ones (the new sixth page and the two before it, whose pagers
	# link it) are written again, not pages 2 and 3; the mbox keeps its
	# bytes and gains the new messages, read alone: with the file of
	# the month's second message taken away meanwhile, a run that wrote
	# the mbox whole would leave that message out.
	AWAY=$(find "$D/archive/cur" -name '*.M1P1Q1.bench*')
	[ -f "$AWAY" ]
	render_away mp "$T"/late/cur/*
	AWAY=
	[ -f "$(find "$D/archive/cur" -name '*.M1P1Q1.bench*')" ]
	grep -q '/2018/01/index\.html$' "$T/out"
	grep -q '/2018/01/page-4\.html$' "$T/out"
	grep -q '/2018/01/page-6\.html$' "$T/out"
	run ! grep -q '/2018/01/page-[23]\.html$' "$T/out"
	run ! grep -q '/2018/01/threads-2\.html$' "$T/out"
	cmp -n "$(stat -c %s "$T/jan.mbox")" "$T/jan.mbox" \
		"$D/site/2018/01/2018-01.mbox"
	# Appended to in place (over MAILARC_SITE_APPEND's 4 KB kept: a
	# month of mail outside the tests is over 1 MiB), not copied.
	[ "$(stat -c %i "$D/site/2018/01/2018-01.mbox")" = "$ino" ]
	[ "$(grep -c '^From ' "$D/site/2018/01/2018-01.mbox")" -eq \
		$(($(grep -c '^From ' "$T/jan.mbox") + 40)) ]
	full_equals

	# Mail into the middle of January (replies, roots of conversations
	# that replies named until now), and x1: the root of x2's
	# conversation, so its NAME changes, and the February lines of x2
	# and x3, on February's second page, link the new one.
	render_away mp "$T"/held/* "$T/x/x1"
	full_equals

	# Deletions, each rendered by a run that reads part of the state:
	# the month's last message (its mbox must lose it), and x1, whose
	# conversation is named after x2 again (x2 and x3's lines on
	# February's second page change, and nothing else there).
	mailarc delete mp '<bench-1-501@bench.example>' >/dev/null
	mailarc delete mp '<bench-1-1239@bench.example>' >/dev/null
	mailarc delete mp '<x1@example.org>' >/dev/null
	grep -q 'x2@example' "$D/site/2018/02/page-2.html"

	# More mail at the end, and a reply to a conversation of January's
	# second page by conversation, dated near the month's end: that
	# page's group grows.
	id=$(grep -o 'm/[0-9a-f]*/bench-1-[0-9]*@bench\.example' \
		"$D/site/2018/01/threads-2.html" | head -n 1 | sed 's|.*/||')
	[ -n "$id" ]
	dated_mail "$T/x/y2" "Fri, 26 Jan 2018 12:00:00 +0000" y2 "$id"
	python3 "$GEN" 5 "$T/late2" --start 1300 --gap 2000
	msg=$(find "$D/site/m" -name "$id.html")
	tm=$(grep -o '\.\./\.\./t/[0-9a-f]*/[^"#]*\.html' "$msg" | head -n 1)
	tm=$(dirname "$msg")/${tm%.html}.mbox
	cp "$tm" "$T/thread.mbox"
	ino=$(stat -c %i "$tm")
	render_away mp "$T"/late2/cur/* "$T/x/y2"
	grep -q 'y2@example' "$D/site/2018/01/threads-2.html"
	# y2 is its conversation's newest message: the conversation's mbox,
	# over 4 KB and written from its start, is appended to as well.
	[ "$(stat -c %s "$T/thread.mbox")" -gt 4096 ]
	[ "$(stat -c %i "$tm")" = "$ino" ]
	cmp -n "$(stat -c %s "$T/thread.mbox")" "$T/thread.mbox" "$tm"
	tail -c +"$(($(stat -c %s "$T/thread.mbox") + 1))" "$tm" |
		grep -q '^Message-ID: <y2@example'
	full_equals

	# A reply into January's second page by date, to an older message
	# of a conversation the site has: nothing else changes before it.
	dated_mail "$T/x/y1" "Mon, 08 Jan 2018 12:00:00 +0000" y1 bench-1-20@bench.example
	render_away mp "$T/x/y1"
	grep -q 'y1@example' "$D/site/2018/01/page-2.html"
	full_equals

	# A full run that lets go of the listings of a month's pages once
	# more than 50 are held (entries_unfill_many(): 8,192 outside the
	# tests) writes the same site, holding a page's worth, not the
	# month's 1,000.
	MAILARC_RENDER_FILLED=50 MAILARC_RENDER_STATS=1 \
		mailarc-render mp --full >/dev/null 2>"$T/err"
	site_digest "$D/site" | diff "$T/full" -
	peak=$(render_stat filled-peak)
	echo "filled-peak $peak"
	[ "$peak" -lt 400 ]
}
