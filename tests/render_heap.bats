#!/usr/bin/env bats
# What a full render holds for each message of the archive.
# MAILARC_RENDER_STATS=1 prints, besides the counts render_memory.bats
# reads, "entry-bytes": what the entries, their index by Message-ID and
# the site's order hold per message (before: an entry of 72 bytes with
# its listing fields inside, and glib's hash table of the entries, 20
# bytes a slot, which doubles: about 100 bytes; now an entry of 56
# bytes, 4 bytes a slot, about 73), and "heap-peak": the heap at the
# points where the run holds all that grows with the archive, compared
# here between two archives, the second three times the first, for a
# bound on what each message adds.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
}

# stats_of N KEY - a space KEY of N generated messages, rendered in
# full, its render-stats in $BATS_TEST_TMPDIR/err.
stats_of() {
	gen_space "$2"
	python3 "$GEN" "$1" "$BATS_TEST_TMPDIR/$2"
	cp "$BATS_TEST_TMPDIR/$2"/cur/* "$D/archive/cur/"
	notmuch_index "$2"
	MAILARC_RENDER_STATS=1 mailarc-render "$2" --full \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err"
	[ "$(render_stat entries)" -eq "$1" ]
}

@test "render heap: the entries, their index and the order hold under 80 bytes a message" {
	stats_of 600 small
	small=$(render_stat heap-peak)
	stats_of 1800 big
	big=$(render_stat heap-peak)
	per=$(render_stat entry-bytes)
	echo "entry-bytes $per; heap-peak $small at 600, $big at 1800"
	# At least an entry (40 bytes since its attachments follow its
	# Message-ID: render_heap_atts.bats).
	[ "$per" -ge 40 ]
	[ "$per" -lt 80 ]
	# Everything else a message adds (its Message-ID, its share of
	# the thread names and of the set of files written, notmuch's
	# caches): the whole, within bounds.
	[ "$small" -gt 0 ]
	[ $(((big - small) / 1200)) -lt 200 ]
}
