#!/bin/sh
# bench/render/steps_ident.sh BUILD [N] [STEP] [SEED] - a full run in
# steps (lib/render/steps.c) must give the site and the render state of
# one full run, byte for byte: N generated messages (default 20000; seed
# 3 gives threads that run across months) imported once, then the site
# and render state removed and rendered from nothing twice, once in one
# full run (MAILARC_RENDER_STEP=0) and once in steps of STEP messages
# (default 3000). Then diff -r of the two sites, of the search caches,
# and of the render states: each state file by its key (the generation
# in its name differs: one save against many), its lines sorted (a
# step's save appends the new lines of a bucket where a full save
# writes them in the site's order), and the manifest less its
# generation and file lines. Prints each run's peak RSS, heap-peak and
# times; exits 1 on any difference.
#
#   STEPS_IDENT_DIR  work folder (default: a new one under /tmp, kept)
#   STEPS_IDENT_OVER "yes": a full run over a published site instead of a
#                    first render. The base imports the mail less the
#                    first message of every third conversation, renders,
#                    imports those (each conversation's old root moves:
#                    a NAME that leads to another) and renders again,
#                    then changes the space's name; each side renders
#                    over a copy of that site and state (every page
#                    changes, the NAMEs are settled).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || {
	echo "usage: bench/render/steps_ident.sh BUILD [N] [STEP] [SEED]" >&2
	exit 64
}
build=$(cd "$1" && pwd)
n=${2:-20000}
step=${3:-3000}
seed=${4:-3}
work=${STEPS_IDENT_DIR:-$(mktemp -d /tmp/steps-ident.XXXXXX)}
mkdir -p "$work"
mail=$work/mail-$n-$seed
if [ ! -d "$mail" ]; then
	python3 "$top/bench/render/gen.py" "$n" "$mail" --seed "$seed" >/dev/null
fi
over=${STEPS_IDENT_OVER:-no}
ma() { "$build/bin/mailarc" --root "$work/base" "$@"; }
if [ ! -d "$work/base" ] && [ "$over" = yes ]; then
	rm -rf "$work/early" "$work/late"
	python3 - "$mail" "$work/early" "$work/late" <<'PY'
import os, re, shutil, sys
src, early, late = sys.argv[1:4]
for d in (early, late):
    os.makedirs(os.path.join(d, "cur"))
roots = 0
for f in sorted(os.listdir(os.path.join(src, "cur"))):
    p = os.path.join(src, "cur", f)
    with open(p, "rb") as h:
        head = h.read().split(b"\n\n", 1)[0]
    late_one = False
    if re.search(rb"^In-Reply-To:", head, re.M | re.I) is None:
        late_one = roots % 3 == 0
        roots += 1
    shutil.copy(p, os.path.join(late if late_one else early, "cur", f))
PY
	ma -q space add sp --name sp >/dev/null
	ma import sp "$work/early" >/dev/null 2>&1
	ma import sp "$work/late" >/dev/null 2>&1
	ma -q space edit sp --name "sp, renamed" >/dev/null
elif [ ! -d "$work/base" ]; then
	ma -q space add sp --name sp >/dev/null
	ma import sp "$mail" >/dev/null 2>&1
fi
# first SIDE STEP - the base copied to SIDE, its site and render state
# removed, rendered there with that step; its state files into
# SIDE.state as the comparison wants them.
first() {
	sp=$work/$1/spaces/sp
	rm -rf "${work:?}/$1" "$work/$1.state"
	cp -a "$work/base" "$work/$1"
	[ "$over" = yes ] ||
		rm -rf "$sp/site" "$sp/state/render.state" \
			"$sp/state/render.state.d" "$sp/state/search"
	/usr/bin/time -f "$1: %e s wall, %U s user, %S s sys, %M kB peak RSS" \
		env MAILARC_RENDER_STEP="$2" MAILARC_RENDER_STATS=1 \
		"$build/bin/mailarc-render" --root "$work/$1" -q sp \
		>/dev/null 2>"$work/$1.err" || {
		echo "$1: the render failed:" >&2
		cat "$work/$1.err" >&2
		exit 1
	}
	grep -o 'heap-peak [0-9]*' "$work/$1.err" | sed "s/^/$1: /"
	tail -1 "$work/$1.err"
	mkdir -p "$work/$1.state"
	for f in "$sp/state/render.state.d"/*; do
		k=$(basename "$f")
		LC_ALL=C sort "$f" >"$work/$1.state/${k%.*}"
	done
	grep -v '^generation \|^[a-z]-[0-9a-f-]* [0-9]' \
		"$sp/state/render.state" >"$work/$1.state/manifest"
	cp -a "$sp/state/search" "$work/$1.state/search"
}
first one 0
first steps "$step"
rc=0
diff -r "$work/one/spaces/sp/site" "$work/steps/spaces/sp/site" \
	>"$work/site.diff" || rc=1
diff -r "$work/one.state" "$work/steps.state" >"$work/state.diff" || rc=1
if [ $rc = 0 ]; then
	echo "same site and render state ($n messages, seed $seed, steps of $step, over a published site: $over)"
else
	echo "DIFFERENT: see $work/site.diff and $work/state.diff" >&2
fi
exit $rc
