#!/bin/sh
# make demo: archive the bundled sample (tests/sample/mail, written for the
# project) into a "demo" space under spool/, render its site, and print the
# path of the site's index page. Run it again: nothing is archived twice.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${MAILARC_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
export PATH="$build/bin:$PATH"
root=$top/spool
if ! mailarc --root "$root" space show demo >/dev/null 2>&1; then
	mailarc --root "$root" space add demo --name "Harbour team (mailarc demo)" \
		--description "A sample archive bundled with mailarc: threads, \
attachments, HTML mail and mail in six languages."
fi
# import runs dedupe, index and render itself; render again in case the
# site was removed or a previous run was interrupted.
mailarc --root "$root" import demo "$top/tests/sample/mail"
mailarc --root "$root" render demo | tail -n 1
