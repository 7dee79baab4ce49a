#!/usr/bin/env bats
# A --full run removes every file of the site it did not write, and never
# one it did: the set of paths it remembers (lib/site_set.c, about 6
# bytes a path) is exact.

bats_require_minimum_version 1.5.0
load helpers
load lib/render

setup() {
	new_root
	gen_space gc
	python3 "$GEN" 150 "$BATS_TEST_TMPDIR/g"
	cp "$BATS_TEST_TMPDIR/g"/cur/* "$D/archive/cur/"
	notmuch_index gc
}

@test "site gc: a full run removes what it did not write, keeps all it did" {
	mailarc-render gc --full >/dev/null
	fresh=$BATS_TEST_TMPDIR/fresh
	cp -a "$D/site" "$fresh"
	# Stale files beside the pages, in the folders of every kind.
	for f in m/00/stale.html m/ff/gone@x.eml t/00/old.html t/7f/old.atom \
		a/00/0000.bin 2019/01/stale.html 2019/stale.html; do
		mkdir -p "$D/site/$(dirname "$f")"
		echo stale >"$D/site/$f"
	done
	# A page of the site changed by hand comes back.
	page=$(find "$D/site/m" -name '*.html' | head -n 1)
	echo changed >"$page"
	mailarc-render gc --full >/dev/null
	diff -r "$fresh" "$D/site"
}
