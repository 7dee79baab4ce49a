#!/bin/sh
# Unpack popa3d, Debian's small POP3 server, into DIR (default
# build/popa3d) for tests/net_pop3.bats, without installing it: the
# package conflicts with dovecot-pop3d (both provide pop3-server), and
# installing it would remove the POP3 server every other suite uses.
# Nothing to do when DIR already holds it.
set -eu
dir=${1:-build/popa3d}
[ -x "$dir/usr/sbin/popa3d" ] && exit 0
mkdir -p "$dir/deb"
cd "$dir/deb"
if ! apt-get download popa3d >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "cannot download popa3d; as root, run: apt-get update" >&2
		exit 69
	fi
	apt-get update -qq
	apt-get download popa3d >/dev/null
fi
dpkg-deb -x popa3d_*.deb ..
rm -f popa3d_*.deb
[ -x ../usr/sbin/popa3d ]
