#!/usr/bin/env bats
# The raw .eml of each message is a hard link to its archived file where
# the file system and the file's mode allow, else a copy; the site never
# writes through such a link, and deleting a message unlinks the site's
# name too. Unchanged .mbox files are not reported as written.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	umask 022
}

# inode FILE
inode() {
	stat -c %i "$1"
}

@test "sitelink: a 0644 archived message is published as a hard link" {
	sample_space harbour
	d=$(space_dir harbour)
	chmod 0644 "$d"/archive/cur/*
	mailarc-render harbour >/dev/null
	f=$(ls "$d"/archive/cur/move-4.*)
	eml=$d/site/$(mrel harbour move-4@harbour.example | sed "s/html$/eml/")
	[ "$(inode "$f")" = "$(inode "$eml")" ]
	[ "$(stat -c %h "$f")" -eq 2 ]
	cmp "$f" "$eml"
	# Every .eml is one: no byte of mail is stored twice for them.
	for e in "$d"/site/m/*/*.eml; do
		[ "$(stat -c %h "$e")" -ge 2 ]
	done
}

@test "sitelink: a private (0600) archived message is copied, 0644" {
	sample_space harbour
	d=$(space_dir harbour)
	chmod 0600 "$d"/archive/cur/*
	mailarc-render harbour >/dev/null
	f=$(ls "$d"/archive/cur/move-4.*)
	eml=$d/site/$(mrel harbour move-4@harbour.example | sed "s/html$/eml/")
	[ "$(inode "$f")" != "$(inode "$eml")" ]
	[ "$(stat -c %a "$eml")" = 644 ]
	[ "$(stat -c %a "$f")" = 600 ]
	cmp "$f" "$eml"
}

@test "sitelink: renders never change an archived file" {
	sample_space harbour
	d=$(space_dir harbour)
	chmod 0644 "$d"/archive/cur/*
	(cd "$d/archive/cur" && sha256sum * && stat -c '%n %Y %a' *) \
		>"$BATS_TEST_TMPDIR/before"
	mailarc-render harbour >/dev/null
	mailarc-render harbour --full >/dev/null
	# A site copy that a rerun replaces is a new file, not a write
	# into the linked one.
	eml=$d/site/$(mrel harbour move-4@harbour.example | sed "s/html$/eml/")
	rm "$eml"
	printf 'x' >"$eml"
	mailarc-render harbour --full >/dev/null
	(cd "$d/archive/cur" && sha256sum * && stat -c '%n %Y %a' *) \
		>"$BATS_TEST_TMPDIR/after"
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	cmp "$d"/archive/cur/move-4.* "$eml"
}

@test "sitelink: a full rerun of an unchanged site writes nothing" {
	sample_space harbour
	d=$(space_dir harbour)
	chmod 0644 "$d"/archive/cur/*
	mailarc-render harbour >/dev/null
	run mailarc-render harbour --full
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	chmod 0600 "$d"/archive/cur/*
	mailarc-render harbour --full >/dev/null
	run mailarc-render harbour --full
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "sitelink: deleting a message removes the site's link too" {
	sample_space harbour
	d=$(space_dir harbour)
	chmod 0644 "$d"/archive/cur/*
	mailarc-render harbour >/dev/null
	eml=$d/site/$(mrel harbour move-4@harbour.example | sed "s/html$/eml/")
	[ "$(stat -c %h "$eml")" -eq 2 ]
	ino=$(inode "$eml")
	cp "$eml" "$BATS_TEST_TMPDIR/msg"
	run mailarc delete harbour move-4@harbour.example
	[ "$status" -eq 0 ]
	[ ! -e "$eml" ]
	# No name of the message's data is left, in the site or the archive
	# (a file made since may have been given the freed inode number).
	[ -z "$(find "$d" -inum "$ino" -exec cmp -s {} "$BATS_TEST_TMPDIR/msg" \; \
		-print)" ]
}
