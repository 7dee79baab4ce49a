#!/usr/bin/env bats
# The first render of a site writes each file straight into place and
# publishes index.html last (lib/site_fresh.c): a kill -9 at any point
# leaves no index.html until the site is whole, and the next run ends
# with the site an uninterrupted first render makes.

bats_require_minimum_version 1.5.0
load helpers
load lib/publish

setup() {
	pub_space pub
}

# reference_site - render a copy of the root uninterrupted; sets REF (its
# site) and RENDER_MS (how long it took).
reference_site() {
	local copy=$BATS_TEST_TMPDIR/refroot
	rm -rf "$copy"
	cp -a "$MAILARC_ROOT" "$copy"
	MAILARC_ROOT=$copy timed_render
	REF=$copy/spaces/$KEY/site
	[ -e "$REF/index.html" ]
}

@test "first render: killed at random points, no index.html before the site is whole; the rerun equals an uninterrupted one" {
	pub_batch 0 80
	reference_site
	published=0
	for ((k = 0; k < 10; k++)); do
		kill_render_after "$(random_delay "$RENDER_MS")"
		# Never staged: a first render has no journal to leave.
		[ ! -e "$SITE/.render-next" ]
		if [ -e "$SITE/index.html" ]; then
			# Killed after index.html: everything else came first.
			diff -r -x .render-first "$REF" "$SITE"
			published=$((published + 1))
			rm -rf "$SITE" "$S/state/render.state"
		fi
	done
	run mailarc-render pub
	[ "$status" -eq 0 ]
	diff -r "$REF" "$SITE"
	[ ! -e "$SITE/.render-first" ]
	[ -z "$(find "$SITE" -name '.render-first*')" ]
	linkcheck
	echo "# $published of 10 kills came after index.html" >&3
}

@test "first render: straight into place, and later runs commit through the journal" {
	pub_batch 0 10
	run mailarc-render -v pub
	[ "$status" -eq 0 ]
	[[ "$output" == *"first render of"* ]]
	[ -e "$SITE/index.html" ]
	[ ! -e "$SITE/.render-first" ]
	pub_batch 1 5
	run mailarc-render -v pub
	[ "$status" -eq 0 ]
	[[ "$output" != *"first render of"* ]]
	linkcheck
	same_as_full
}

@test "first render: a published site whose index.html was removed by hand keeps the staged commit" {
	pub_batch 0 10
	mailarc-render -q pub >/dev/null
	rm "$SITE/index.html"
	run mailarc-render -v pub
	[ "$status" -eq 0 ]
	[[ "$output" != *"first render of"* ]]
	[ -e "$SITE/index.html" ]
	same_as_full
}

@test "first render: a failed first render publishes no index.html, and the next run finishes it" {
	pub_batch 0 10
	# A killed first render's marker, and a file where the folder t/
	# must go: the run fails part way.
	mkdir -p "$SITE"
	touch "$SITE/.render-first" "$SITE/t"
	run mailarc-render pub
	[ "$status" -ne 0 ]
	[ ! -e "$SITE/index.html" ]
	[ -e "$SITE/.render-first" ]
	rm "$SITE/t"
	run mailarc-render pub
	[ "$status" -eq 0 ]
	[ -e "$SITE/index.html" ]
	[ ! -e "$SITE/.render-first" ]
	same_as_full
}
