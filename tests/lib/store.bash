# Helpers of the store suites (dedupe, index, import, delete, search).
# Load after helpers: load helpers; load lib/store

# shellcheck disable=SC2034 # used by the suites that load this file
CORPUS=$TESTS_DIR/corpus

# store_space KEY - a fresh root holding space KEY; sets S to its folder.
store_space() {
	new_root
	mailarc space add "$1" >/dev/null 2>&1
	# shellcheck disable=SC2034 # used by the suites
	S=$MAILARC_ROOT/spaces/$1
}

# deliver SPACE_DIR FILE [SOURCE] - put FILE into incoming/ the way a
# delivering stage does (tmp, then rename into new/); with SOURCE, into
# the Maildir++ sub-folder incoming/.SOURCE that marks its account.
deliver() {
	local dir=$1/incoming name
	[ -n "${3:-}" ] && dir=$dir/.$3
	mkdir -p "$dir/tmp" "$dir/new" "$dir/cur"
	name=$EPOCHSECONDS.M$RANDOM$RANDOM.P$$.test
	cp "$2" "$dir/tmp/$name"
	mv "$dir/tmp/$name" "$dir/new/$name"
}

# gen_messages DIR N [TAG] - write N distinct messages (Message-ID
# <TAG-i@gen.example>) as files DIR/TAG-i.eml.
gen_messages() {
	python3 - "$1" "$2" "${3:-gen}" <<'PY'
import os, sys
d, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(d, exist_ok=True)
for i in range(n):
    with open(os.path.join(d, "%s-%d.eml" % (tag, i)), "w") as f:
        f.write("From: sender%d@gen.example\nTo: team@example.com\n"
                "Subject: generated %s %d\nDate: Sun, 22 Nov 2026 %02d:%02d:00 +0000\n"
                "Message-ID: <%s-%d@gen.example>\n\nBody of message %d.\n%s\n"
                % (i % 7, tag, i, (i // 60) % 24, i % 60, tag, i, i, "x" * (i % 300)))
PY
}

# files_in MAILDIR - how many messages MAILDIR/new and cur hold.
files_in() {
	find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l
}

# nm SPACE_DIR ARGS... - stock notmuch on the space's database.
nm() {
	local dir=$1
	shift
	notmuch --config="$dir/notmuch/config" "$@"
}

# ids_in MAILDIR - the Message-IDs of its messages, sorted, one a line.
ids_in() {
	find "$1/new" "$1/cur" -type f -exec grep -h -i -m1 '^Message-ID:' {} + |
		sed 's/^[^<]*<//; s/>.*//' | sort
}
