#!/usr/bin/env bats
# mailarc polling, mailarc status and space administrators, on the real
# front end. (Polling against a real Dovecot: ops_fetch.bats.)

bats_require_minimum_version 1.5.0
load helpers
load lib/ops

setup() {
	new_root
	export SYSTEMCTL_LOG="$BATS_TEST_TMPDIR/systemctl.log"
	mailarc -q space add sales --name "Sales team"
	echo secret >"$BATS_TEST_TMPDIR/pw"
	mailarc -q account add sales/main --protocol imap --host 127.0.0.1 \
		--username u --password-file "$BATS_TEST_TMPDIR/pw" --no-test
	mailarc -q account add sales/side-box --protocol pop --host 127.0.0.1 \
		--username v --password-file "$BATS_TEST_TMPDIR/pw" --no-test
}

teardown() {
	ops_teardown
}

conf() { # conf FILE KEY - a value of an INI file
	sed -n "s/^$2 = //p" "$1"
}

@test "polling off SPACE/ACCOUNT records it in the account and says systemd is not running" {
	[ ! -d /run/systemd/system ] # this container: not PID 1
	run mailarc polling off sales/main
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"systemd is not running here: polling off recorded for sales/main; 'mailarc fetch --due' (from cron) honours it" ]]
	acc="$MAILARC_ROOT/spaces/sales/accounts"
	[ "$(conf "$acc/main.conf" polling)" = off ]
	[ "$(stat -c %a "$acc/main.conf")" = 600 ]
	[ -z "$(conf "$acc/side-box.conf" polling)" ]
	[ -z "$(conf "$MAILARC_ROOT/spaces/sales/space.conf" polling)" ]
	mailarc -q polling on sales/main
	[ "$(conf "$acc/main.conf" polling)" = on ]
}

@test "polling off SPACE records it in space.conf; on brings it back" {
	mailarc -q polling off sales
	[ "$(conf "$MAILARC_ROOT/spaces/sales/space.conf" polling)" = off ]
	run mailarc status --json
	[ "$(jq -r '.spaces[0].polling' <<<"$output")" = false ]
	[ "$(jq -r '[.spaces[0].accounts[].polling] | any' <<<"$output")" = false ]
	mailarc -q polling on sales
	[ "$(conf "$MAILARC_ROOT/spaces/sales/space.conf" polling)" = on ]
	run mailarc status --json
	[ "$(jq -r '[.spaces[0].accounts[].polling] | all' <<<"$output")" = true ]
}

@test "polling without a target covers every space" {
	mailarc -q space add support
	run mailarc polling off
	[ "$status" -eq 0 ]
	[[ "$output" == *"recorded for every space"* ]]
	for s in sales support; do
		[ "$(conf "$MAILARC_ROOT/spaces/$s/space.conf" polling)" = off ]
	done
}

@test "polling on says why an account still does not poll" {
	mailarc -q polling off sales/main
	mailarc -q polling off sales
	run mailarc polling on sales/main
	[ "$status" -eq 0 ]
	[[ "$output" == *"space 'sales' has polling off"* ]]
	mailarc -q polling on sales
	mailarc -q account disable sales/main
	run mailarc polling on sales/main
	[[ "$output" == *"account 'sales/main' is disabled"* ]]
	mailarc -q account enable sales/main
	mailarc -q polling off sales/main
	run mailarc polling on sales
	[[ "$output" == *"account 'sales/main' keeps its own 'polling = off'"* ]]
}

@test "polling names the timers as systemd-escape does" {
	run mailarc -v polling off sales
	[ "$status" -eq 0 ]
	for a in main side-box; do
		unit=$(systemd-escape --template mailarc-poll@.timer "sales/$a")
		grep -qF "disabling timer $unit" <<<"$output"
	done
	# Instances unescape to what ExecStart's %I hands to mailarc.
	[ "$(systemd-escape --unescape --instance 'mailarc-poll@sales-side\x2dbox.timer')" = sales/side-box ]
}

@test "polling refuses bad arguments, changes nothing" {
	before=$(tree_digest "$MAILARC_ROOT")
	run mailarc polling
	[ "$status" -eq 64 ]
	run mailarc polling maybe sales
	[ "$status" -eq 64 ]
	run mailarc polling off nope
	[ "$status" -eq 66 ]
	[[ "$output" == *"space 'nope' does not exist"* ]]
	run mailarc polling off sales/nope
	[ "$status" -eq 66 ]
	# One bad target stops the good ones too.
	run mailarc polling off sales/main sales/nope
	[ "$status" -eq 66 ]
	run mailarc polling off 'sales/../x'
	[ "$status" -eq 64 ]
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
}

@test "status shows spaces and accounts, text and JSON" {
	run mailarc status
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "space sales (Sales team): site, polling on" ]]
	[[ "$output" == *"archive 0 messages (0 B), 0 incoming"* ]]
	[[ "$output" == *"not published yet"* ]]
	grep -Eq '^  main +yes +on +never +- ' <<<"$output"
	run mailarc status --json
	[ "$status" -eq 0 ]
	j=$output
	[ "$(jq -r .root <<<"$j")" = "$MAILARC_ROOT" ]
	[ "$(jq -r .systemd <<<"$j")" = false ]
	[ "$(jq -r '.spaces | length' <<<"$j")" = 1 ]
	[ "$(jq -r '.spaces[0].accounts | map(.key) | join(",")' <<<"$j")" = main,side-box ]
	a='.spaces[0].accounts[0]'
	[ "$(jq -r "$a.enabled, $a.polling, $a.poll_interval, $a.last_run, $a.last_count, $a.on_server" <<<"$j" | tr '\n' ' ')" = "true true 1800 null null keep " ]
	[ "$(jq -r '.spaces[0].accounts[1].timer' <<<"$j")" = 'mailarc-poll@sales-side\x2dbox.timer' ]
	# Never fetched and polling: due now.
	[ "$(jq -r "$a.next_run" <<<"$j")" = "$(jq -r .generated <<<"$j")" ]
}

@test "status counts the archive and dates the site" {
	arch="$MAILARC_ROOT/spaces/sales/archive"
	printf 'Subject: a\n\nhello\n' >"$arch/cur/1.x:2,S"
	printf 'Subject: b\n\nhello again\n' >"$arch/new/2.x"
	printf 'Subject: c\n\n' >"$MAILARC_ROOT/spaces/sales/incoming/new/3.x"
	# A Maildir++ sub-folder per source (incoming/.ACCOUNT/) counts too.
	mkdir -p "$MAILARC_ROOT/spaces/sales/incoming/.main/new"
	printf 'Subject: d\n\n' >"$MAILARC_ROOT/spaces/sales/incoming/.main/new/4.x"
	mkdir -p "$MAILARC_ROOT/spaces/sales/site"
	echo '<html>' >"$MAILARC_ROOT/spaces/sales/site/index.html"
	touch -d '2026-01-02 03:04:05 UTC' "$MAILARC_ROOT/spaces/sales/site/index.html"
	run mailarc status --json sales
	[ "$status" -eq 0 ]
	[ "$(jq -r '.spaces[0].archive.messages' <<<"$output")" = 2 ]
	[ "$(jq -r '.spaces[0].archive.bytes' <<<"$output")" = "$(cat "$arch"/cur/* "$arch"/new/* | wc -c)" ]
	[ "$(jq -r '.spaces[0].incoming' <<<"$output")" = 2 ]
	[ "$(jq -r '.spaces[0].site.updated' <<<"$output")" = 2026-01-02T03:04:05Z ]
	run mailarc status sales
	[[ "$output" == *"published 2026-01-02T03:04:05Z"* ]]
}

@test "status of a missing space fails with EX_NOINPUT; an empty root says so" {
	run mailarc status nope
	[ "$status" -eq 66 ]
	export MAILARC_ROOT="$BATS_TEST_TMPDIR/empty"
	run mailarc status
	[ "$status" -eq 0 ]
	[[ "$output" == *"no spaces yet"* ]]
	run mailarc status --json
	[ "$(jq -r '.spaces | length' <<<"$output")" = 0 ]
}

@test "space add|edit --admins stores the list; a bad entry is refused" {
	mailarc -q space edit sales --admins 'alice, bob,%mail-admins'
	[ "$(conf "$MAILARC_ROOT/spaces/sales/space.conf" admins)" = 'alice, bob,%mail-admins' ]
	mailarc -q space add hr --admins carol
	[ "$(conf "$MAILARC_ROOT/spaces/hr/space.conf" admins)" = carol ]
	before=$(tree_digest "$MAILARC_ROOT")
	run mailarc space edit sales --admins 'alice,Bob;rm'
	[ "$status" -eq 65 ]
	[[ "$output" == *"admins: 'Bob;rm' is not a user name or %group"* ]]
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
	run mailarc status --json hr
	[ "$(jq -r '.spaces[0].admins' <<<"$output")" = carol ]
}

# The permission tests run mailarc as "nobody" on a root that nobody owns:
# nobody is the service user there, as mailarc is on a server.
nobody_root() {
	shared_tmp
	export MAILARC_ROOT="$OPS_SHARED/root"
	cp -a "$BATS_TEST_TMPDIR/root" "$MAILARC_ROOT"
	cp "$BATS_TEST_TMPDIR/pw" "$OPS_SHARED/pw"
	chown -R nobody: "$MAILARC_ROOT" "$OPS_SHARED/pw"
	for f in "$MAILARC_ROOT"/spaces/sales/accounts/*.conf; do
		sed -i "s|^password_file = .*|password_file = $OPS_SHARED/pw|" "$f"
	done
}

# sudo_as_service SUDO_USER ARGS... - mailarc as the service user on
# behalf of SUDO_USER, as "sudo -u nobody mailarc ARGS" would start it.
sudo_as_service() {
	local who=$1
	shift
	as_user nobody MAILARC_ROOT="$MAILARC_ROOT" SUDO_USER="$who" -- \
		mailarc "$@"
}

@test "through sudo, a user who is not an admin is refused and nothing changes" {
	mailarc -q space edit sales --admins alice
	nobody_root
	before=$(tree_digest "$MAILARC_ROOT")
	for cmd in "account disable sales/main" "account enable sales/main" \
		"account remove sales/main" "account edit sales/main --host h" \
		"space edit sales --name x" "space remove sales --force" \
		"polling off sales" "polling off sales/main"; do
		# shellcheck disable=SC2086
		run sudo_as_service carol $cmd
		echo "$cmd: $status $output"
		[ "$status" -eq 77 ]
		[ "$output" = "<3>mailarc: error: permission denied: carol is not an administrator of space sales" ]
	done
	run sudo_as_service carol account add sales/new --protocol imap \
		--host h --username u --password-file "$OPS_SHARED/pw" --no-test
	[ "$status" -eq 77 ]
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
}

@test "through sudo, an admin of the space may change it, not another space" {
	mailarc -q space edit sales --admins 'bob, alice'
	mailarc -q space add hr --admins carol
	nobody_root
	run sudo_as_service alice account disable sales/main
	[ "$status" -eq 0 ]
	[ "$(conf "$MAILARC_ROOT/spaces/sales/accounts/main.conf" enabled)" = no ]
	run sudo_as_service alice polling off sales
	[ "$status" -eq 0 ]
	run sudo_as_service alice account add sales/new --protocol imap \
		--host h --username u --password-file "$OPS_SHARED/pw" --no-test
	[ "$status" -eq 0 ]
	[ "$(stat -c '%U %a' "$MAILARC_ROOT/spaces/sales/accounts/new.conf")" = "nobody 600" ]
	run sudo_as_service alice polling off hr
	[ "$status" -eq 77 ]
	[[ "$output" == *"alice is not an administrator of space hr" ]]
}

@test "through sudo, an admin may not add spaces or change admins" {
	mailarc -q space edit sales --admins alice
	nobody_root
	before=$(tree_digest "$MAILARC_ROOT")
	run sudo_as_service alice space add mine
	[ "$status" -eq 77 ]
	[[ "$output" == *"permission denied: only root and the service user nobody may add spaces, not alice" ]]
	run sudo_as_service alice space edit sales --admins alice,mallory
	[ "$status" -eq 77 ]
	run sudo_as_service alice space edit sales --set admins=mallory
	[ "$status" -eq 77 ]
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
}

@test "the service user itself, and sudo from root, may change anything" {
	nobody_root
	run as_user nobody MAILARC_ROOT="$MAILARC_ROOT" -- mailarc space add mine
	[ "$status" -eq 0 ]
	run sudo_as_service root space edit sales --admins dave
	[ "$status" -eq 0 ]
	[ "$(conf "$MAILARC_ROOT/spaces/sales/space.conf" admins)" = dave ]
}

@test "a user who is neither root nor the service user is refused" {
	mailarc -q space edit sales --admins nobody
	# The root stays root's: nobody is not the service user of it.
	shared_tmp
	cp -a "$MAILARC_ROOT" "$OPS_SHARED/root"
	chmod -R a+rX "$OPS_SHARED/root"
	export MAILARC_ROOT="$OPS_SHARED/root"
	before=$(tree_digest "$MAILARC_ROOT")
	run as_user nobody MAILARC_ROOT="$MAILARC_ROOT" -- \
		mailarc account disable sales/main
	[ "$status" -eq 77 ]
	[[ "$output" == *"permission denied: nobody may change space sales only as the service user root"* ]]
	run as_user nobody MAILARC_ROOT="$MAILARC_ROOT" -- mailarc space add x
	[ "$status" -eq 77 ]
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
}

@test "root's polling on|off leaves the files to the service user" {
	nobody_root
	mailarc -q polling off sales/main
	mailarc -q polling off sales
	acc="$MAILARC_ROOT/spaces/sales/accounts/main.conf"
	[ "$(stat -c '%U %a' "$acc")" = "nobody 600" ]
	[ "$(stat -c '%U %a' "$MAILARC_ROOT/spaces/sales/space.conf")" = "nobody 644" ]
	[ "$(conf "$acc" polling)" = off ]
	# The service user can still read (and change) what root wrote.
	run as_user nobody MAILARC_ROOT="$MAILARC_ROOT" -- mailarc polling on sales/main
	[ "$status" -eq 0 ]
	[ "$(conf "$acc" polling)" = on ]
}

@test "under systemd, root's polling off disables the account's timer" {
	run with_systemd mailarc polling off sales/side-box
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "<5>mailarc: polling off for sales/side-box" ]
	[ "$(cat "$SYSTEMCTL_LOG")" = 'disable --now --quiet mailarc-poll@sales-side\x2dbox.timer' ]
	[ "$(conf "$MAILARC_ROOT/spaces/sales/accounts/side-box.conf" polling)" = off ]
	run with_systemd mailarc status --json
	[ "$(jq -r .systemd <<<"$output")" = true ]
	# Outside the namespace nothing changed: this machine still has no systemd.
	[ ! -d /run/systemd/system ]
}

@test "under systemd, polling on enables only the timers of accounts that will poll" {
	mailarc -q account disable sales/side-box
	mailarc -q polling off sales
	run with_systemd mailarc polling on sales
	[ "$status" -eq 0 ]
	[ "$(cat "$SYSTEMCTL_LOG")" = 'enable --now --quiet mailarc-poll@sales-main.timer' ]
	: >"$SYSTEMCTL_LOG"
	run with_systemd mailarc polling off sales
	[ "$(cat "$SYSTEMCTL_LOG")" = 'disable --now --quiet mailarc-poll@sales-main.timer mailarc-poll@sales-side\x2dbox.timer' ]
}

@test "under systemd, a failing systemctl is reported and the choice stays recorded" {
	SYSTEMCTL_EXIT=1 run with_systemd mailarc polling off sales/main
	[ "$status" -eq 69 ]
	[[ "$output" == *"'systemctl disable' failed for 1 timer(s)"* ]]
	[ "$(conf "$MAILARC_ROOT/spaces/sales/accounts/main.conf" polling)" = off ]
}

@test "under systemd, the service user records the choice and leaves the timers" {
	nobody_root
	run with_systemd as_user nobody MAILARC_ROOT="$MAILARC_ROOT" -- \
		mailarc polling off sales/main
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"the systemd timers were left as they are (only root may change them)"* ]]
	[ ! -e "$SYSTEMCTL_LOG" ]
	[ "$(conf "$MAILARC_ROOT/spaces/sales/accounts/main.conf" polling)" = off ]
}

@test "root's space and account changes leave the files to the service user" {
	nobody_root
	mailarc -q space add support
	mailarc -q account add support/desk --protocol imap --host 127.0.0.1 \
		--username u --password-file "$OPS_SHARED/pw" --no-test
	mailarc -q account edit sales/main --host 127.0.0.2 --no-test
	mailarc -q account disable sales/side-box
	mailarc -q space edit sales --name "Sales"
	run find "$MAILARC_ROOT" ! -user nobody
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(stat -c '%U %a' "$MAILARC_ROOT/spaces/support/accounts/desk.conf")" = "nobody 600" ]
	# The service user carries on with what root made.
	run as_user nobody MAILARC_ROOT="$MAILARC_ROOT" -- mailarc account show support/desk
	[ "$status" -eq 0 ]
}

@test "root may not give an account a password only root can read" {
	nobody_root
	install -m 0600 /dev/null "$OPS_SHARED/root-only"
	echo secret >"$OPS_SHARED/root-only"
	before=$(tree_digest "$MAILARC_ROOT")
	run mailarc account add sales/x --protocol imap --host 127.0.0.1 \
		--username u --password-file "$OPS_SHARED/root-only" --no-test
	echo "$output"
	[ "$status" -eq 78 ]
	[[ "$output" == *"$OPS_SHARED/root-only"* ]]
	[ "$(tree_digest "$MAILARC_ROOT")" = "$before" ]
}

@test "status shows an OAuth 2.0 account's token state" {
	echo not-a-secret >"$BATS_TEST_TMPDIR/client-secret"
	mailarc -q account add sales/g --protocol imaps --host 127.0.0.1 \
		--username team@example.com --auth oauth2 --oauth-provider google \
		--client-id cid.apps.googleusercontent.com \
		--client-secret-file "$BATS_TEST_TMPDIR/client-secret" --no-test
	run --separate-stderr mailarc status --json sales
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	o=$(jq -c '.spaces[0].accounts[] | select(.key == "g") | .oauth' <<<"$output")
	[ "$o" = '{"access_expires":null,"refresh_last_used":null}' ]
	[ "$(jq -c '.spaces[0].accounts[] | select(.key == "main") | .oauth' <<<"$output")" = null ]
	run mailarc status sales
	[[ "$output" == *"OAuth 2.0 access token not cached yet"* ]]
}

@test "status keeps names that are not UTF-8, and no control character reaches the terminal" {
	mailarc -q space edit sales --name "$(printf 'Caf\351 \033[31mred')"
	run --separate-stderr mailarc status --json sales
	[ "$status" -eq 0 ]
	[ "$(jq -r '.spaces[0].name' <<<"$output")" = "$(printf 'Caf\357\277\275 \033[31mred')" ]
	run mailarc status sales
	[[ "${lines[0]}" == "space sales (Caf"*" ?[31mred): site, polling on" ]]
}

@test "polling killed at any instant leaves each file whole: old or new" {
	acc="$MAILARC_ROOT/spaces/sales/accounts/main.conf"
	space="$MAILARC_ROOT/spaces/sales/space.conf"
	for ((i = 0; i < 40; i++)); do
		v=$([ $((i % 2)) -eq 0 ] && echo off || echo on)
		mailarc -q polling "$v" sales/main sales &
		pid=$!
		sleep "0.00$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# Each file parses and holds one of the two values (or none
		# yet). A temp file a kill leaves beside it is harmless.
		run mailarc account show sales/main
		[ "$status" -eq 0 ]
		p=$(conf "$acc" polling)
		[[ "$p" == "" || "$p" == on || "$p" == off ]]
		p=$(conf "$space" polling)
		[[ "$p" == "" || "$p" == on || "$p" == off ]]
		[ "$(stat -c %a "$acc")" = 600 ]
	done
}

@test "under systemd, status shows each timer's state and warns when it disagrees" {
	export SYSTEMCTL_SHOW="$BATS_TEST_TMPDIR/show"
	# "systemctl show" prints one block per unit, in the order asked.
	cat >"$SYSTEMCTL_SHOW" <<-'OUT'
		Id=mailarc-poll@sales-main.timer
		ActiveState=active
		UnitFileState=enabled
		NextElapseUSecRealtime=@1795372000

		Id=mailarc-poll@sales-side\x2dbox.timer
		ActiveState=inactive
		UnitFileState=disabled
		NextElapseUSecRealtime=
	OUT
	run --separate-stderr with_systemd mailarc status --json sales
	[ "$status" -eq 0 ]
	[ "$(tail -1 "$SYSTEMCTL_LOG")" = 'show --timestamp=unix --property=Id,UnitFileState,ActiveState,NextElapseUSecRealtime -- mailarc-poll@sales-main.timer mailarc-poll@sales-side\x2dbox.timer' ]
	m=$(jq -c '.spaces[0].accounts[0].timer_state' <<<"$output")
	[ "$m" = '{"unit_file_state":"enabled","active_state":"active","next_elapse":"2026-11-22T18:26:40Z"}' ]
	[ "$(jq -r '.spaces[0].accounts[1].timer_state.unit_file_state' <<<"$output")" = disabled ]
	[ "$(jq -r '.spaces[0].accounts[1].timer_state.next_elapse' <<<"$output")" = null ]
	run with_systemd mailarc status sales
	[[ "$output" == *'its timer mailarc-poll@sales-side\x2dbox.timer is disabled: it does not poll until '"'mailarc polling on sales/side-box' (as root)"* ]]
	[[ "$output" != *"sales-main.timer is"* ]]
	# Without systemd there is nothing to ask.
	run mailarc status --json sales
	[ "$(jq -r '.spaces[0].accounts[0].timer_state' <<<"$output")" = null ]
}

@test "under systemd, status without an answer from systemctl still reports the rest" {
	SYSTEMCTL_EXIT=1 run --separate-stderr with_systemd mailarc status --json sales
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"cannot ask systemctl about the timers"* ]]
	[ "$(jq -r '.spaces[0].accounts | length' <<<"$output")" = 2 ]
	[ "$(jq -r '.spaces[0].accounts[0].timer_state' <<<"$output")" = null ]
}

@test "under systemd, a broken account file keeps its timer; the others change" {
	echo 'protocol = smtp' >>"$MAILARC_ROOT/spaces/sales/accounts/side-box.conf"
	mailarc -q polling off sales
	run with_systemd mailarc polling on sales
	echo "$output"
	[ "$status" -eq 78 ]
	[[ "$output" == *"side-box"* ]]
	[ "$(cat "$SYSTEMCTL_LOG")" = 'enable --now --quiet mailarc-poll@sales-main.timer' ]
	[ "$(conf "$MAILARC_ROOT/spaces/sales/space.conf" polling)" = on ]
}
