#!/usr/bin/env bats
# The polling unit's defences for the secrets it holds: no core dumps, no
# System V IPC, files only on known kinds of file system, and an example
# drop-in that narrows the network to the mail servers. Checked as
# installed, with systemd-analyze.

load helpers
load lib/ops

setup_file() {
	export STAGE="$BATS_FILE_TMPDIR/stage"
	install_stage "$STAGE"
	mkdir -p "$STAGE/usr/lib/systemd/system"
	cp -an /lib/systemd/system/. "$STAGE/usr/lib/systemd/system/"
}

unit() {
	echo "$STAGE/usr/lib/systemd/system/mailarc-poll@.service"
}

@test "the service turns core dumps and System V IPC off and restricts file systems" {
	grep -qx 'LimitCORE=0' "$(unit)"
	grep -qx 'PrivateIPC=yes' "$(unit)"
	grep -q '^RestrictFileSystems=@basic-api @temporary @common-block' "$(unit)"
}

@test "systemd reads the settings as meant (no unknown key, no bad value)" {
	cd "$STAGE"
	run env MANPATH="$STAGE/usr/share/man" systemd-analyze verify \
		--root="$STAGE" "mailarc-poll@sales-main.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# The check can fail: a misspelt file system set is reported.
	sed 's/^RestrictFileSystems=@basic-api/RestrictFileSystems=@nosuch-api/' \
		"$(unit)" >"$BATS_TEST_TMPDIR/bad.service"
	cp "$BATS_TEST_TMPDIR/bad.service" "$(unit)"
	run env MANPATH="$STAGE/usr/share/man" systemd-analyze verify \
		--root="$STAGE" "mailarc-poll@sales-main.service"
	echo "$output"
	install_stage "$STAGE" # put the real unit back
	[[ "$output" == *"nosuch-api"* ]]
}

@test "the example IP allow-list drop-in is valid and takes effect" {
	d="$STAGE/etc/systemd/system/mailarc-poll@.service.d"
	mkdir -p "$d"
	cp "$OPS_TOP/systemd/mailarc-poll@.service.d/ip-allow.conf.example" \
		"$d/ip-allow.conf"
	cd "$STAGE"
	run env MANPATH="$STAGE/usr/share/man" systemd-analyze verify \
		--root="$STAGE" "mailarc-poll@sales-main.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# Only the drop-in narrows the network; the unit alone does not.
	run systemd-analyze security --offline=true --root="$STAGE" \
		mailarc-poll@sales-main.service
	grep -q 'IPAddressDeny=.*allow list with non-localhost entries' \
		<<<"$output"
	rm -r "$d"
	run systemd-analyze security --offline=true --root="$STAGE" \
		mailarc-poll@sales-main.service
	grep -q 'IPAddressDeny=.*does not define an IP address allow list' \
		<<<"$output"
}
