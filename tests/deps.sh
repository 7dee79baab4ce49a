#!/bin/sh
# Install the Debian packages named on the command line that are missing.
# As root: apt-get update, then apt-get install. Otherwise: print the line.
set -eu
missing=
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "mailarc needs these Debian packages; as root, run:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 69
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Dovecot's packages would start the system instance; the tests run their
# own, so keep the system one from starting where policy-rc.d allows it.
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
