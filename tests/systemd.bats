#!/usr/bin/env bats
# systemd units and "make install": the units pass systemd-analyze verify
# as installed, the hardening scores well, sysusers.d and tmpfiles.d make
# the service user and its root, and ExecStart is the command the
# integration tests run.

load helpers
load lib/ops

setup_file() {
	export STAGE="$BATS_FILE_TMPDIR/stage"
	install_stage "$STAGE"
	# systemd-analyze --root needs the system's own units (targets the
	# ours order against) inside the root.
	mkdir -p "$STAGE/usr/lib/systemd/system"
	cp -an /lib/systemd/system/. "$STAGE/usr/lib/systemd/system/"
}

@test "make install puts programs, man pages, units and docs where Debian looks" {
	for p in "$MAILARC_BUILD"/bin/*; do
		[ -x "$STAGE/usr/bin/$(basename "$p")" ]
	done
	[ -f "$STAGE/usr/lib/systemd/system/mailarc-poll@.service" ]
	[ -f "$STAGE/usr/lib/systemd/system/mailarc-poll@.timer" ]
	[ -f "$STAGE/usr/lib/sysusers.d/mailarc.conf" ]
	[ -f "$STAGE/usr/lib/tmpfiles.d/mailarc.conf" ]
	[ -f "$STAGE/usr/share/man/man1/mailarc.1" ]
	[ -f "$STAGE/usr/share/man/man5/mailarc.conf.5" ]
	[ -f "$STAGE/usr/share/doc/mailarc/admin.md" ]
	# Every program has its page.
	for p in "$MAILARC_BUILD"/bin/*; do
		[ -f "$STAGE/usr/share/man/man1/$(basename "$p").1" ]
	done
	# The installed unit runs the installed front end.
	grep -qx 'ExecStart=/usr/bin/mailarc --wait fetch --due %I' \
		"$STAGE/usr/lib/systemd/system/mailarc-poll@.service"
}

@test "systemd-analyze verify passes on every installed unit" {
	cd "$STAGE"
	# An instance with a '-' in a key, escaped as systemd does.
	inst=$(systemd-escape 'sales/main-box')
	run env MANPATH="$STAGE/usr/share/man" systemd-analyze verify \
		--root="$STAGE" "mailarc-poll@$inst.service" \
		"mailarc-poll@$inst.timer"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "systemd-analyze verify notices a unit that names a missing program" {
	# The check above can fail: without the program it does.
	cp -a "$STAGE" "$BATS_TEST_TMPDIR/broken"
	rm "$BATS_TEST_TMPDIR/broken/usr/bin/mailarc"
	cd "$BATS_TEST_TMPDIR"
	run systemd-analyze verify --man=no --root="$BATS_TEST_TMPDIR/broken" \
		"mailarc-poll@sales-main.service"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/usr/bin/mailarc is not executable"* ]]
}

@test "systemd-analyze security rates the service 'OK' or better (at most 2.0)" {
	cd "$STAGE"
	run systemd-analyze security --offline=true --root="$STAGE" \
		mailarc-poll@sales-main.service
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	score=$(echo "$output" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	[ -n "$score" ]
	awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
}

@test "sysusers.d makes the mailarc user and tmpfiles.d its 0750 root" {
	mkdir -p "$STAGE/etc"
	systemd-sysusers --root="$STAGE" >/dev/null
	run grep '^mailarc:' "$STAGE/etc/passwd"
	[ "$status" -eq 0 ]
	[[ "$output" == *":/var/lib/mailarc:/usr/sbin/nologin" ]]
	uid=$(echo "$output" | cut -d: -f3)
	[ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ]
	systemd-tmpfiles --root="$STAGE" --create mailarc.conf
	[ "$(stat -c '%u %a' "$STAGE/var/lib/mailarc")" = "$uid 750" ]
	[ "$(stat -c '%u %a' "$STAGE/var/lib/mailarc/tokens")" = "$uid 700" ]
}

@test "the timer is persistent, spread over its period, and wanted by timers.target" {
	t="$STAGE/usr/lib/systemd/system/mailarc-poll@.timer"
	grep -qx 'Persistent=true' "$t"
	grep -qx 'FixedRandomDelay=yes' "$t"
	grep -qx 'WantedBy=timers.target' "$t"
	cal=$(sed -n 's/^OnCalendar=//p' "$t")
	run systemd-analyze calendar --iterations=2 "$cal"
	[ "$status" -eq 0 ]
	# Two ticks 5 minutes apart.
	[ "$(echo "$output" | grep -c 'Iter\|Next elapse')" -eq 2 ]
}

@test "the ExecStart line the tests run is the installed one, %I expanded" {
	[ "$(unit_exec_start sales/main)" = \
		"$MAILARC_BUILD/bin/mailarc --wait fetch --due sales/main" ]
}

@test "make uninstall removes what install put there" {
	cp -a "$STAGE" "$BATS_TEST_TMPDIR/u"
	make -C "$OPS_TOP" --no-print-directory -s O="$MAILARC_BUILD" \
		PREFIX=/usr DESTDIR="$BATS_TEST_TMPDIR/u" uninstall >/dev/null
	[ ! -e "$BATS_TEST_TMPDIR/u/usr/bin/mailarc" ]
	[ ! -e "$BATS_TEST_TMPDIR/u/usr/lib/systemd/system/mailarc-poll@.service" ]
	[ ! -e "$BATS_TEST_TMPDIR/u/usr/share/man/man1/mailarc.1" ]
	[ ! -e "$BATS_TEST_TMPDIR/u/usr/lib/sysusers.d/mailarc.conf" ]
}
