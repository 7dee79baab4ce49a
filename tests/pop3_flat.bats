#!/usr/bin/env bats
# POP3 fetch memory that does not grow with the maildrop (#16): the
# listing and the state's UIDLs are sorted on disk and joined, never held.
# MAILARC_POP3_RUN makes the sorts' runs small, so a maildrop of a few
# thousand goes through many runs and merge passes, as a million does
# with the default runs.

bats_require_minimum_version 1.5.0

load helpers
load lib/dovecot
load lib/fetch

setup_file() {
	dovecot_start
	fetch_users 4
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	export MAILARC_POP3_RUN=100
}

state_dir() {
	echo "$MAILARC_ROOT/spaces/s/state"
}

# exactly_once SPOOL SRC... - the spool holds each message of the SRC
# Maildirs (as POP3 sends it) once, and nothing else; a message in more
# than one SRC counts once.
exactly_once() {
	python3 - "$TESTS_DIR/lib" "$@" <<'PY'
import collections, hashlib, sys
sys.path.insert(0, sys.argv[1])
import genmail
spool, srcs = sys.argv[2], sys.argv[3:]
want = set()
for s in srcs:
    for p in genmail.files(s):
        want.add(hashlib.sha256(genmail.as_sent(open(p, "rb").read(), True)).hexdigest())
got = collections.Counter(
    hashlib.sha256(open(p, "rb").read()).hexdigest() for p in genmail.files(spool))
twice = [h for h, n in got.items() if n > 1]
missing = want - set(got)
extra = set(got) - want
print("want %d, got %d, twice %d, missing %d, extra %d"
      % (len(want), sum(got.values()), len(twice), len(missing), len(extra)))
sys.exit(1 if twice or missing or extra else 0)
PY
}

# no_temp_files - the state folder holds no sort file.
no_temp_files() {
	! ls -A "$(state_dir)" | grep -E '\.sort|\.tmp\.'
}

@test "POP3S, 3,000 messages sorted in runs of 100: each once, a poll fetches nothing, deletions are forgotten, new mail comes once" {
	fetch_user u1
	dovecot_add_messages u1 3000
	fetch_snapshot u1 "$BATS_TEST_TMPDIR/orig1"
	fetch_account s/a pops u1
	run --separate-stderr mailarc-fetch -vv s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3000 ]
	# 30 runs of 100, merged 16 at a time.
	[[ "$stderr" == *"sorted 3000 records on disk: 30 runs, 1 merge passes"* ]]
	exactly_once "$MAILARC_ROOT/spaces/s/incoming" "$BATS_TEST_TMPDIR/orig1"
	st=$(state_dir)/a.state
	[ "$(grep -c '^uidl ' "$st")" -eq 3000 ]
	grep '^uidl ' "$st" | LC_ALL=C sort -c -u
	no_temp_files
	# A poll: nothing new.
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
	# 500 deleted on the server (by another client), 700 new.
	md=$(dovecot_maildir u1)
	find "$md/cur" "$md/new" -type f | sort | head -n 500 | xargs rm -f
	dovecot_add_messages u1 700
	fetch_snapshot u1 "$BATS_TEST_TMPDIR/orig2"
	[ "$(find "$BATS_TEST_TMPDIR/orig2" -type f | wc -l)" -eq 3200 ]
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 700 ]
	exactly_once "$MAILARC_ROOT/spaces/s/incoming" \
		"$BATS_TEST_TMPDIR/orig1" "$BATS_TEST_TMPDIR/orig2"
	# The state holds what the server has: the 500 are forgotten.
	[ "$(grep -c '^uidl ' "$st")" -eq 3200 ]
	grep '^uidl ' "$st" | LC_ALL=C sort -c -u
	[ ! -e "$st.journal" ]
	no_temp_files
	run --separate-stderr mailarc-fetch s/a
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
}

@test "an older state file with its UIDLs out of order, and a journal, join as a sorted one" {
	fetch_user u2
	dovecot_add_messages u2 1200
	fetch_account s/b pop u2
	mailarc-fetch -q s/b >/dev/null
	st=$(state_dir)/b.state
	# Shuffle the UIDLs; keep the journal line and carry two of them
	# in a journal of the file instead.
	id=$(sed -n 's/^journal //p' "$st")
	{
		grep -v '^uidl ' "$st"
		grep '^uidl ' "$st" | sed -n '3,$p' | shuf
	} >"$st.new"
	{
		echo "mailarc-fetch-journal 1 $id"
		grep '^uidl ' "$st" | sed -n '1,2p'
	} >"$st.journal"
	mv "$st.new" "$st"
	dovecot_add_messages u2 30
	run --separate-stderr mailarc-fetch s/b
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 30 ]
	[ "$(grep -c '^uidl ' "$st")" -eq 1230 ]
	grep '^uidl ' "$st" | LC_ALL=C sort -c -u
	[ ! -e "$st.journal" ]
	no_temp_files
}

@test "on_server = delete through runs of 100: everything durable is deleted, what the server no longer has is forgotten" {
	fetch_user u3
	dovecot_add_messages u3 800
	fetch_snapshot u3 "$BATS_TEST_TMPDIR/orig"
	fetch_account s/c pops u3 --on-server delete
	run --separate-stderr mailarc-fetch s/c
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 800 ]
	exactly_once "$MAILARC_ROOT/spaces/s/incoming" "$BATS_TEST_TMPDIR/orig"
	[ "$(dovecot_count u3)" -eq 0 ]
	dovecot_add_messages u3 5
	run --separate-stderr mailarc-fetch s/c
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[ "$(dovecot_count u3)" -eq 0 ]
	# The 800 deleted by the first run are forgotten by the second; the
	# 5 it deleted are remembered until the next.
	[ "$(grep -c '^uidl ' "$(state_dir)/c.state")" -eq 5 ]
	no_temp_files
}

@test "a sort file a killed run left in the state folder is removed by the next run" {
	fetch_user u4
	dovecot_add_messages u4 10
	fetch_account s/d pop u4
	mailarc-fetch -q s/d >/dev/null
	echo junk >"$(state_dir)/d.state.sort.AbC123"
	echo keep >"$(state_dir)/other.state.sort.AbC123"
	run --separate-stderr mailarc-fetch s/d
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 0 ]
	[ ! -e "$(state_dir)/d.state.sort.AbC123" ]
	[ -e "$(state_dir)/other.state.sort.AbC123" ]
}
