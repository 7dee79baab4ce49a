#!/bin/sh
# make demo: archive the bundled sample into a "demo" space under spool/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${MAILARC_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
export PATH="$build/bin:$PATH"
root=$top/spool
if ! mailarc --root "$root" space show demo >/dev/null 2>&1; then
	mailarc --root "$root" space add demo --name "mailarc demo" \
		--description "A sample archive bundled with mailarc"
fi
mailarc --root "$root" space show demo
