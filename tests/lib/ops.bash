# Helpers of the ops suites (systemd units, install, polling, status,
# space administrators). Load after helpers: "load lib/ops".

OPS_TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

# unit_exec_start INSTANCE - the ExecStart= command line of
# mailarc-poll@.service for account INSTANCE (SPACE/ACCOUNT), with the
# build's programs in place of the installed ones: %I is the unescaped
# instance, as systemd passes it. The suites run exactly this line, so
# what the timers run is what the tests run.
unit_exec_start() {
	sed -n 's/^ExecStart=//p' "$OPS_TOP/systemd/mailarc-poll@.service.in" |
		sed -e "s|@bindir@|$MAILARC_BUILD/bin|g" -e "s|%I|$1|g"
}

# install_stage DIR - "make install PREFIX=/usr DESTDIR=DIR" from the
# build the tests use: "-o all" installs the programs as they were built
# (with or without sanitizers), never recompiled with other flags; man
# pages and units are generated into the build folder.
install_stage() {
	make -C "$OPS_TOP" --no-print-directory -s -o all O="$MAILARC_BUILD" \
		PREFIX=/usr DESTDIR="$1" install >"$1.log" 2>&1 ||
		{ cat "$1.log" >&2; return 1; }
}

# shared_tmp - a folder other users can reach (bats' own are 0700), for
# tests that run mailarc as another user. Removed by ops_teardown.
shared_tmp() {
	OPS_SHARED=$(mktemp -d /tmp/mailarc-ops.XXXXXX)
	chmod 0755 "$OPS_SHARED"
}

ops_teardown() {
	if [ -n "${OPS_SHARED:-}" ] && [ -d "$OPS_SHARED" ]; then
		rm -rf "$OPS_SHARED"
	fi
}

# as_user USER [VAR=VALUE...] -- CMD... - run CMD as USER (no groups but
# its own) with a clean environment plus the variables given, the way
# sudo(8) would start it.
as_user() {
	local user=$1 env=()
	shift
	while [ "$1" != "--" ]; do
		env+=("$1")
		shift
	done
	shift
	setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
		env -i PATH="$PATH" ASAN_OPTIONS="$ASAN_OPTIONS" \
		LSAN_OPTIONS="$LSAN_OPTIONS" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		"${env[@]}" "$@"
}

# with_systemd CMD... - run CMD as if systemd were PID 1: in a private
# mount namespace, /run/systemd/system exists (sd_booted(3)'s test), and
# "systemctl" is a stand-in that appends its arguments to $SYSTEMCTL_LOG
# (set by the caller), prints $SYSTEMCTL_SHOW for "show" (what systemd
# 252's "systemctl show" prints), and exits $SYSTEMCTL_EXIT. systemd itself cannot run in this container;
# the stand-in checks the systemctl command lines mailarc builds. Needs
# root (unshare -m), as the tests that switch users do.
with_systemd() {
	local bin="$BATS_TEST_TMPDIR/fakebin"
	mkdir -p "$bin"
	if [ ! -x "$bin/systemctl" ]; then
		cat >"$bin/systemctl" <<-'SH'
			#!/bin/sh
			printf '%s\n' "$*" >>"$SYSTEMCTL_LOG"
			if [ "$1" = show ] && [ -n "${SYSTEMCTL_SHOW:-}" ]; then
				cat "$SYSTEMCTL_SHOW"
			fi
			exit "${SYSTEMCTL_EXIT:-0}"
		SH
		chmod 0755 "$bin/systemctl"
	fi
	export -f as_user
	# shellcheck disable=SC2016 # expanded by the inner shell
	PATH="$bin:$PATH" unshare -m bash -c \
		'if [ -d /run/systemd ]; then d=/run/systemd; else d=/run; fi &&
		 mount -t tmpfs -o mode=0755 mailarc-test "$d" &&
		 mkdir -p /run/systemd/system && "$@"' bash "$@"
}
