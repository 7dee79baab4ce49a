#!/usr/bin/env bats
# Deletions rendered one run at a time: the page left at a deleted
# message's address links to its conversation by the name the thread has
# now, or not at all once the whole thread is gone, whether the run is
# incremental or full.

bats_require_minimum_version 1.5.0
load helpers
load lib/publish

setup() {
	pub_space pub
}

@test "render: messages deleted a few at a time, each incremental run equals --full" {
	pub_batch 0 40
	mailarc-render -q pub >/dev/null
	for ((k = 0; k < 12; k++)); do
		pub_delete 3
		mailarc-render -q pub >/dev/null
		same_as_full
	done
}
