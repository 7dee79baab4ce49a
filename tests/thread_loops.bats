#!/usr/bin/env bats
# Replies that notmuch's thread tree does not reach: a message whose
# In-Reply-To names itself, and a reply loop (A answers B, B answers A),
# in a thread that has a root of its own. notmuch makes them replies of
# themselves or of each other, so a walk from the top-level messages
# never meets them; each must still get its page and its place on the
# thread page (lib/render/thread.c, thread_walk()).

load helpers
load lib/store

# msg FILE ID SUBJECT IN-REPLY-TO - a message replying inside the thread
# of <root@loop.example>.
msg() {
	{
		printf 'From: Ana <ana@loop.example>\nTo: team@loop.example\n'
		printf 'Subject: %s\n' "$3"
		printf 'Date: Mon, 2 Mar 2026 1%d:00:00 +0000\n' "${#1}"
		printf 'Message-ID: <%s>\n' "$2"
		if [ -n "$4" ]; then
			printf 'In-Reply-To: <%s>\n' "$4"
			printf 'References: <root@loop.example> <%s>\n' "$4"
		fi
		printf '\nBody of %s.\n' "$3"
	} >"$BATS_TEST_TMPDIR/in/$1"
}

setup() {
	store_space lp
	mkdir -p "$BATS_TEST_TMPDIR/in"
	msg a.eml root@loop.example "the root" ""
	msg bb.eml self@loop.example "answers itself" self@loop.example
	msg ccc.eml loop-a@loop.example "loop a" loop-b@loop.example
	msg dddd.eml loop-b@loop.example "loop b" loop-a@loop.example
	msg eeeee.eml child@loop.example "reply to loop a" loop-a@loop.example
}

@test "a self reply and a reply loop each get a page and a place in the thread" {
	mailarc import lp "$BATS_TEST_TMPDIR/in" >/dev/null
	run mailarc check lp
	echo "$output"
	[ "$status" -eq 0 ]
	site=$S/site
	for id in root self loop-a loop-b child; do
		[ -f "$site/$(mrel lp "$id@loop.example")" ] ||
			{ echo "no page for $id"; return 1; }
	done
	thread=$site/$(trel lp root@loop.example)
	for s in "the root" "answers itself" "loop a" "loop b" \
		"reply to loop a"; do
		# Each message once on the thread page.
		n=$(grep -c "Body of $s\." "$thread")
		[ "$n" -eq 1 ] || { echo "'$s' $n times in $thread"; return 1; }
	done
	# The same after a full render.
	mailarc render lp --full >/dev/null
	mailarc check lp
}
