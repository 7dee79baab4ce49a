# Fixtures for the render suites: a space whose archive and notmuch
# database are built with stock notmuch on the layout mailarc-index uses
# (SPACE/notmuch/config, mail_root = SPACE/archive), so that the renderer
# is tested against a real database.

SAMPLE_DIR=$TESTS_DIR/sample/mail

# space_dir KEY - the folder of space KEY under $MAILARC_ROOT.
space_dir() {
	echo "$MAILARC_ROOT/spaces/$1"
}

# notmuch_setup KEY - write the space's notmuch config.
notmuch_setup() {
	local d
	d=$(space_dir "$1")
	mkdir -p "$d/notmuch"
	cat >"$d/notmuch/config" <<CONF
[database]
path=$d/notmuch
mail_root=$d/archive
[new]
tags=
ignore=
[maildir]
synchronize_flags=false
[user]
name=mailarc
primary_email=mailarc@localhost
CONF
}

# gen_space KEY - a new space KEY read through stock notmuch, for mail
# made by bench/render/gen.py: sets GEN (the generator), D (the space's
# folder) and STATE (its render state).
gen_space() {
	mailarc space add "$1" >/dev/null
	notmuch_setup "$1"
	gen_space_vars "$1"
}

# gen_space_vars KEY - GEN, D and STATE for space KEY (one gen_space made,
# here or in a copy of its root).
gen_space_vars() {
	GEN=$TESTS_DIR/../bench/render/gen.py
	D=$(space_dir "$1")
	STATE=$D/state/render.state
}

# notmuch_index KEY - index what is in the archive (like mailarc-index).
notmuch_index() {
	notmuch --config="$(space_dir "$1")/notmuch/config" new --quiet
}

# archive_add KEY FILE... - put messages into the archive Maildir.
archive_add() {
	local key=$1 f n=0
	shift
	for f in "$@"; do
		n=$((n + 1))
		cp "$f" "$(space_dir "$key")/archive/cur/$(basename "$f" .eml).$$.$n:2,S"
	done
}

# sample_space KEY [FILE...] - a space holding the bundled sample (or the
# given files), indexed.
sample_space() {
	local key=$1
	shift
	mailarc space add "$key" --name "Harbour team" \
		--description "Mail of the Harbour team, archived." >/dev/null
	notmuch_setup "$key"
	if [ $# -eq 0 ]; then
		archive_add "$key" "$SAMPLE_DIR"/*.eml
	else
		archive_add "$key" "$@"
	fi
	notmuch_index "$key"
}

# site_digest DIR - tree_digest of a site (a run left it complete: no
# marker, no temp file).
site_digest() {
	tree_digest "$1"
}

# render_stat NAME - the figure NAME of the last render-stats line
# (MAILARC_RENDER_STATS=1) in $BATS_TEST_TMPDIR/err.
render_stat() {
	grep '^render-stats: ' "$BATS_TEST_TMPDIR/err" | tail -n 1 |
		tr ' ' '\n' | sed -n "/^$1\$/{n;p;}"
}

# render_away KEY FILE... - archive FILE..., index, and render KEY
# incrementally (MAILARC_RENDER_STATS=1: the files written in
# $BATS_TEST_TMPDIR/out, the stats in err), with $AWAY, an archived file,
# moved away from the index's run to the render's end: what the run takes
# from its caches, not from the mail, keeps that message.
render_away() {
	local key=$1 t=$BATS_TEST_TMPDIR
	shift
	archive_add "$key" "$@"
	notmuch_index "$key"
	[ -z "${AWAY:-}" ] || mv "$AWAY" "$t/away"
	MAILARC_RENDER_STATS=1 mailarc-render "$key" >"$t/out" 2>"$t/err"
	[ -z "${AWAY:-}" ] || mv "$t/away" "$AWAY"
}

# dated_mail FILE DATE ID [PARENT] - a message ID@example.org (a reply to
# PARENT@example.org, or to PARENT itself when it holds an @); DATE "-"
# for none.
dated_mail() {
	{
		echo "From: Ana Lima <ana@example.org>"
		echo "To: team@example.org"
		echo "Subject: Order test $3"
		[ "$2" = - ] || echo "Date: $2"
		echo "Message-ID: <$3@example.org>"
		if [ $# -gt 3 ]; then
			local parent=$4
			case $parent in *@*) ;; *) parent=$parent@example.org ;; esac
			echo "In-Reply-To: <$parent>"
			echo "References: <$parent>"
		fi
		echo
		echo "Body of $3."
	} >"$1"
}

# odd_dates DIR - messages that test the site's order into DIR: a root
# and a reply in one second and a reply years later (a1..a3), a reply
# dated before its root (b1, b2), no date and before 1970 (notmuch dates
# both 0), each with a reply in the archive's years (c1, c2, d1, d2),
# four unrelated messages of one second (e1..e4).
odd_dates() {
	dated_mail "$1/a1" "Wed, 01 Jan 2020 00:00:00 +0000" a1
	dated_mail "$1/a2" "Wed, 01 Jan 2020 00:00:00 +0000" a2 a1
	dated_mail "$1/a3" "Sun, 01 Jan 2023 00:00:00 +0000" a3 a1
	dated_mail "$1/b1" "Fri, 01 Jan 2021 00:00:00 +0000" b1
	dated_mail "$1/b2" "Tue, 01 Jan 2019 00:00:00 +0000" b2 b1
	dated_mail "$1/c1" - c1
	dated_mail "$1/c2" "Sat, 01 Jan 2022 00:00:00 +0000" c2 c1
	dated_mail "$1/d1" "Fri, 01 Jan 1965 00:00:00 +0000" d1
	dated_mail "$1/d2" "Mon, 01 Jan 2024 00:00:00 +0000" d2 d1
	local k
	for k in 1 2 3 4; do
		dated_mail "$1/e$k" "Mon, 01 Jun 2020 12:00:00 +0000" "e$k"
	done
}

# state_kept DEST - the render state of $D as a comparison wants it, into
# DEST: each file by its key (the generation in its name differs between
# one save and many), its lines sorted (a step's save appends a bucket's
# new lines where a full save writes them in the site's order), the
# manifest less its generation and file lines, and the search caches.
state_kept() {
	local f k
	rm -rf "$1"
	mkdir -p "$1"
	for f in "$D/state/render.state.d"/*; do
		k=$(basename "$f")
		LC_ALL=C sort "$f" >"$1/${k%.*}"
	done
	grep -v '^generation \|^[a-z]-[0-9a-f-]* [0-9]' "$STATE" >"$1/manifest"
	cp -a "$D/state/search" "$1/search"
}

# kill_within MS CMD... - run CMD in the background and kill it (SIGKILL)
# at a random point of its first MS milliseconds.
kill_within() {
	local ms=$1 pid d
	shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	d=$((RANDOM % ms))
	sleep "$((d / 1000)).$(printf '%03d' $((d % 1000)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
