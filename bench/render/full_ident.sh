#!/bin/sh
# bench/render/full_ident.sh BUILD_A BUILD_B [N] [SEED] - a full render
# by two builds of the same space must give the same site and the same
# render state, byte for byte. The check a change to the full run needs
# (issue #16: a full run in windows of months): N generated messages
# (default 20000; seed 3 gives threads that run across months), imported
# once with BUILD_A, then the space copied and rendered --full by each
# build with a small window (MAILARC_RENDER_WINDOW, default 500), so that
# a run makes many windows and threads cross them. Then diff -r of the
# two sites and of the two render states (state/render.state and
# state/render.state.d). Prints each build's peak RSS, heap-peak and
# times; exits 1 on any difference.
#
#   FULL_IDENT_DIR  work folder (default: a new one under /tmp, kept)
#   MAILARC_RENDER_WINDOW  the window (default 500)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || {
	echo "usage: bench/render/full_ident.sh BUILD_A BUILD_B [N] [SEED]" >&2
	exit 64
}
a=$(cd "$1" && pwd)
b=$(cd "$2" && pwd)
n=${3:-20000}
seed=${4:-3}
work=${FULL_IDENT_DIR:-$(mktemp -d /tmp/full-ident.XXXXXX)}
window=${MAILARC_RENDER_WINDOW:-500}
mkdir -p "$work"
mail=$work/mail-$n-$seed
if [ ! -d "$mail" ]; then
	python3 "$top/bench/render/gen.py" "$n" "$mail" --seed "$seed" >/dev/null
fi
if [ ! -d "$work/base" ]; then
	"$a/bin/mailarc" --root "$work/base" -q space add sp --name sp >/dev/null
	"$a/bin/mailarc" --root "$work/base" import sp "$mail" >/dev/null 2>&1
fi
# render SIDE BUILD - the base copied to SIDE and rendered --full there.
render() {
	rm -rf "${work:?}/$1"
	cp -a "$work/base" "$work/$1"
	/usr/bin/time -f "$1: %e s wall, %U s user, %S s sys, %M kB peak RSS" \
		env MAILARC_RENDER_WINDOW="$window" MAILARC_RENDER_STATS=1 \
		"$2/bin/mailarc-render" --root "$work/$1" -q sp --full \
		>/dev/null 2>"$work/$1.err" || {
		echo "$1: the render failed:" >&2
		cat "$work/$1.err" >&2
		exit 1
	}
	grep -o 'heap-peak [0-9]*' "$work/$1.err" | sed "s/^/$1: /"
	tail -1 "$work/$1.err"
}
render a "$a"
render b "$b"
rc=0
diff -r "$work/a/spaces/sp/site" "$work/b/spaces/sp/site" >"$work/site.diff" ||
	rc=1
for f in render.state render.state.d; do
	diff -r "$work/a/spaces/sp/state/$f" "$work/b/spaces/sp/state/$f" \
		>>"$work/state.diff" || rc=1
done
if [ $rc = 0 ]; then
	echo "same site and render state ($n messages, seed $seed, window $window)"
else
	echo "DIFFERENT: see $work/site.diff and $work/state.diff" >&2
fi
exit $rc
