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
	GEN=$TESTS_DIR/../bench/render/gen.py
	mailarc space add "$1" >/dev/null
	notmuch_setup "$1"
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
