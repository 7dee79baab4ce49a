#!/usr/bin/env bats
# The front end's space and account commands, and every bad input the
# foundation issue lists: each checks the message, the exit code and that
# nothing on disk changed.

load helpers

setup() {
	new_root
	printf 'hunter2\n' >"$BATS_TEST_TMPDIR/pw"
	chmod 600 "$BATS_TEST_TMPDIR/pw"
	PW=$BATS_TEST_TMPDIR/pw
	mailarc space add sales --name "Sales" --description "sales@ box" 2>/dev/null
	mailarc space add me --personal 2>/dev/null
	mailarc account add sales/main --protocol imaps --host mail.example.org \
		--username sales@example.org --password-file "$PW" --no-test 2>/dev/null
}

# refused EXIT MESSAGE CMD... - run CMD, expect EXIT and MESSAGE on stderr,
# and an unchanged root.
refused() {
	local want=$1 msg=$2 before after
	shift 2
	before=$(tree_digest "$MAILARC_ROOT")
	run "$@"
	after=$(tree_digest "$MAILARC_ROOT")
	echo "status=$status output=$output"
	[ "$status" -eq "$want" ]
	[[ $output == *"$msg"* ]]
	[ "$before" = "$after" ]
}

@test "every program answers --help and --version" {
	for p in "$MAILARC_BUILD"/bin/*; do
		run "$p" --help
		[ "$status" -eq 0 ]
		[[ $output == *usage:* ]]
		run "$p" --version
		[ "$status" -eq 0 ]
		[[ $output == *"$(basename "$p") "[0-9]* ]]
	done
}

@test "space add, list, show" {
	run mailarc space list
	[ "$status" -eq 0 ]
	[[ $output == *"sales"*"site"*"Sales"* ]]
	[[ $output == *"me"*"personal"* ]]
	run mailarc space show sales
	[ "$status" -eq 0 ]
	[[ $output == *"description: sales@ box"* ]]
	[[ $output == *"accounts:    main"* ]]
	for d in incoming archive duplicates; do
		for s in tmp new cur; do
			[ -d "$MAILARC_ROOT/spaces/sales/$d/$s" ]
		done
	done
}

@test "--root and MAILARC_ROOT choose the root, --root first" {
	other=$BATS_TEST_TMPDIR/other
	run mailarc --root "$other" space add x
	[ "$status" -eq 0 ]
	[ -f "$other/spaces/x/space.conf" ]
	run mailarc space show x --root "$other"
	[ "$status" -eq 0 ]
	run mailarc space show x
	[ "$status" -eq 66 ]
}

@test "space edit changes fields, refuses bad settings" {
	run mailarc space edit sales --name "Sales EU" --set address_display=name
	[ "$status" -eq 0 ]
	run mailarc space show sales
	[[ $output == *"name:        Sales EU"* ]]
	refused 78 "address_display 'all' is not one of full, name, obfuscated" \
		mailarc space edit sales --set address_display=all
	refused 78 "unknown key 'colour'" mailarc space edit sales --set colour=red
	refused 78 "personal space may not hold any" mailarc space edit sales --personal
}

@test "space add refuses bad keys and existing spaces" {
	refused 64 "space key 'Sales' is not allowed" mailarc space add Sales
	refused 64 "space key '../x' is not allowed" mailarc space add ../x
	refused 64 "is not allowed" mailarc space add -- -x
	refused 73 "space 'sales' exists already" mailarc space add sales
}

@test "space remove refuses a space with mail unless --force" {
	printf 'Subject: x\n\nbody\n' >"$MAILARC_ROOT/spaces/sales/archive/new/1.m"
	refused 64 "holds 1 messages" mailarc space remove sales
	run mailarc space remove sales --force
	[ "$status" -eq 0 ]
	[ ! -e "$MAILARC_ROOT/spaces/sales" ]
	run mailarc space remove me
	[ "$status" -eq 0 ]
	run mailarc space list
	[[ $output == *"no spaces yet"* ]]
	refused 66 "space 'nope' does not exist" mailarc space remove nope
}

@test "account add writes a 0600 file with every form field" {
	run mailarc account add sales/support --protocol pop --host pop.example.org \
		--port 1110 --username support --address support@example.org \
		--password-command "cat $PW" --folder INBOX --on-server delete \
		--tls required --ca-file /etc/ssl/certs/ca-certificates.crt \
		--tls-verify yes --name "Support" --description "the support box" \
		--poll-interval 1h --no-test
	[ "$status" -eq 0 ]
	f=$MAILARC_ROOT/spaces/sales/accounts/support.conf
	[ "$(stat -c %a "$f")" = 600 ]
	grep -qx 'protocol = pop' "$f"
	grep -qx 'port = 1110' "$f"
	grep -qx 'on_server = delete' "$f"
	grep -qx 'description = the support box' "$f"
	run mailarc account show sales/support
	[[ $output == *"address              support@example.org"* ]]
	[[ $output == *"last fetch           never"* ]]
}

@test "account add with oauth2 fields" {
	run mailarc account add sales/gmail --protocol imaps --host imap.gmail.com \
		--username team@example.org --auth oauth2 --oauth-provider google \
		--client-id abc.apps --client-secret-file "$PW" \
		--refresh-token-file "$PW" --no-test
	[ "$status" -eq 0 ]
	f=$MAILARC_ROOT/spaces/sales/accounts/gmail.conf
	grep -qx 'auth = oauth2' "$f"
	grep -qx 'oauth_provider = google' "$f"
	grep -qx 'client_id = abc.apps' "$f"
	refused 78 "auth oauth2 needs oauth_provider" mailarc account add sales/o \
		--protocol imaps --host h --username u --auth oauth2 --no-test
}

@test "account add --password-stdin keeps the password in a 0600 file, never shown" {
	run bash -c "printf 'top secret\n' | mailarc account add sales/p --protocol imap \
		--host h --username u --password-stdin --no-test"
	[ "$status" -eq 0 ]
	s=$MAILARC_ROOT/spaces/sales/accounts/p.secret
	[ "$(stat -c %a "$s")" = 600 ]
	[ "$(cat "$s")" = "top secret" ]
	run mailarc account show sales/p
	[[ $output != *"top secret"* ]]
	run mailarc account remove sales/p
	[ ! -e "$s" ]
}

@test "account show masks an inline password" {
	f=$MAILARC_ROOT/spaces/sales/accounts/inl.conf
	printf 'protocol = imap\nhost = h\nusername = u\npassword = sup3rs3cret\n' >"$f"
	chmod 600 "$f"
	run mailarc account show sales/inl
	[ "$status" -eq 0 ]
	[[ $output == *"password             ********"* ]]
	[[ $output != *sup3rs3cret* ]]
}

@test "account add: every bad field gets a one-line error and changes nothing" {
	base=(--host h --username u --password-file "$PW" --no-test)
	refused 78 "protocol 'smtp' is not one of pop, pops, imap, imaps" \
		mailarc account add sales/x --protocol smtp "${base[@]}"
	refused 78 "port '0' is not a number from 1 to 65535" \
		mailarc account add sales/x --protocol imap --port 0 "${base[@]}"
	refused 78 "port '65536' is not a number from 1 to 65535" \
		mailarc account add sales/x --protocol imap --port 65536 "${base[@]}"
	refused 78 "port 'abc' is not a number from 1 to 65535" \
		mailarc account add sales/x --protocol imap --port abc "${base[@]}"
	refused 78 "host is empty" mailarc account add sales/x --protocol imap \
		--host "" --username u --password-file "$PW" --no-test
	refused 78 "username is empty" mailarc account add sales/x --protocol imap \
		--host h --username "" --password-file "$PW" --no-test
	refused 64 "is not SPACE/ACCOUNT" \
		mailarc account add sales/Bad --protocol imap "${base[@]}"
	refused 64 "is not SPACE/ACCOUNT" \
		mailarc account add sales --protocol imap "${base[@]}"
	refused 73 "account 'sales/main' exists already" \
		mailarc account add sales/main --protocol imap "${base[@]}"
	refused 66 "space 'nope' does not exist" \
		mailarc account add nope/x --protocol imap "${base[@]}"
	refused 78 "space 'me' is personal, and only site spaces hold mail accounts" \
		mailarc account add me/x --protocol imap "${base[@]}"
	refused 78 "cannot read password file '$BATS_TEST_TMPDIR/missing'" \
		mailarc account add sales/x --protocol imap --host h --username u \
		--password-file "$BATS_TEST_TMPDIR/missing" --no-test
	refused 78 "on_server 'move' is not one of keep, delete" \
		mailarc account add sales/x --protocol imap --on-server move "${base[@]}"
	refused 78 "no password" mailarc account add sales/x --protocol imap \
		--host h --username u --no-test </dev/null
}

@test "unreadable password file is refused (not just missing)" {
	if [ "$(id -u)" -eq 0 ]; then
		# root reads any file: a folder stands in for an unreadable one.
		bad=$BATS_TEST_TMPDIR
	else
		bad=$BATS_TEST_TMPDIR/locked
		printf 'x\n' >"$bad"
		chmod 000 "$bad"
	fi
	refused 78 "cannot read password file" mailarc account add sales/x \
		--protocol imap --host h --username u --password-file "$bad" --no-test
}

@test "a config file that does not parse is named with its line" {
	f=$MAILARC_ROOT/spaces/sales/accounts/main.conf
	printf 'protocol = imaps\nhost = h\nthis is not ini\nusername = u\n' >"$f"
	refused 78 "main.conf:3: syntax error" mailarc account show sales/main
	refused 78 "main.conf:3: syntax error" mailarc account list
	printf 'name = x\nname = y\n' >"$MAILARC_ROOT/spaces/sales/space.conf"
	refused 78 "space.conf:2: 'name' is given twice" mailarc space show sales
}

@test "account edit changes fields and refuses bad ones" {
	run mailarc account edit sales/main --port 1993 --folder "INBOX,Archive" --no-test
	[ "$status" -eq 0 ]
	f=$MAILARC_ROOT/spaces/sales/accounts/main.conf
	grep -qx 'port = 1993' "$f"
	grep -qx 'folder = INBOX,Archive' "$f"
	refused 78 "port '99999' is not a number" mailarc account edit sales/main --port 99999 --no-test
	refused 66 "does not exist" mailarc account edit sales/none --port 1 --no-test
	# An empty value removes the key: the port goes back to the default.
	run mailarc account edit sales/main --port "" --no-test
	[ "$status" -eq 0 ]
	run mailarc account show sales/main
	[[ $output == *"port                 993 (default)"* ]]
}

@test "account enable, disable, list" {
	run mailarc account disable sales/main
	[ "$status" -eq 0 ]
	run mailarc account list
	[ "$status" -eq 0 ]
	[[ $output == *"SPACE"*"ACCOUNT"*"PROTO"*"HOST"*"ENABLED"*"LAST FETCH"* ]]
	[[ $output == *"sales"*"main"*"imaps"*"mail.example.org"*"no"*"never"* ]]
	run mailarc account enable sales/main
	run mailarc account list sales
	[[ $output == *"main"*"imaps"*"yes"* ]]
	refused 66 "account 'sales/zz' does not exist" mailarc account disable sales/zz
}

@test "account remove keeps the archive" {
	printf 'Subject: x\n\nbody\n' >"$MAILARC_ROOT/spaces/sales/archive/new/1.m"
	# A fetch state and its journal go with the account.
	st=$MAILARC_ROOT/spaces/sales/state/main.state
	printf 'mailarc-fetch-state 1\n' >"$st"
	printf 'x\n' >"$st.journal"
	run mailarc account remove sales/main
	[ "$status" -eq 0 ]
	[[ $output == *"stays in space 'sales'"* ]]
	[ ! -e "$MAILARC_ROOT/spaces/sales/accounts/main.conf" ]
	[ ! -e "$st" ] && [ ! -e "$st.journal" ]
	[ -e "$MAILARC_ROOT/spaces/sales/archive/new/1.m" ]
	refused 66 "does not exist" mailarc account remove sales/main
}

@test "usage errors exit 64" {
	run mailarc
	[ "$status" -eq 64 ]
	run mailarc frobnicate
	[ "$status" -eq 64 ]
	[[ $output == *"unknown command 'frobnicate'"* ]]
	run mailarc space
	[ "$status" -eq 64 ]
	run mailarc account add
	[ "$status" -eq 64 ]
	run mailarc space add a --no-such-option
	[ "$status" -eq 64 ]
}

@test "log lines carry a priority prefix when stderr is not a terminal" {
	run mailarc space add Bad
	[[ $output == "<3>mailarc: error: space key 'Bad'"* ]]
	run env JOURNAL_STREAM=0:0 mailarc space add Bad
	[[ $output == "<3>mailarc: error:"* ]]
}

@test "account add asks for what is missing on a terminal, password unechoed" {
	command -v script >/dev/null
	# script(1) gives the command a pseudo-terminal; the answers are typed
	# one by one, as a person would (the password prompt flushes type-ahead).
	run bash -c '(sleep 1; printf "imaps\n"; sleep 0.3; printf "mail.example.org\n";
		sleep 0.3; printf "\n"; sleep 0.3; printf "bob\n"; sleep 0.5;
		printf "pa55word\n"; sleep 1) |
		timeout 30 script -qec "mailarc account add sales/asked --no-test" /dev/null'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"Server host name"* ]]
	[[ $output == *"Password:"* ]]
	[[ $output != *pa55word* ]]
	f=$MAILARC_ROOT/spaces/sales/accounts/asked.conf
	grep -qx 'host = mail.example.org' "$f"
	grep -qx 'username = bob' "$f"
	[ "$(cat "$MAILARC_ROOT/spaces/sales/accounts/asked.secret")" = pa55word ]
}

@test "account add checks OAuth settings before it saves; show reports the token" {
	refused 78 "token_url" mailarc account add sales/o --protocol imaps --host h \
		--username u --auth oauth2 --oauth-provider generic --scope s \
		--client-id c --token-url http://idp.example.org/token --no-test
	run mailarc account add sales/g --protocol imaps --host imap.gmail.com \
		--username team@example.org --auth oauth2 --oauth-provider google \
		--client-id c --client-secret-file "$PW" --refresh-token-file "$PW" --no-test
	[ "$status" -eq 0 ]
	run mailarc account show sales/g
	[[ $output == *"oauth"*"access token expires none"* ]]
}

@test "the stages take SPACE [-] and name an unexpected operand" {
	for p in mailarc-dedupe mailarc-index mailarc-render; do
		run "$p" sales extra
		[ "$status" -eq 64 ]
		[[ $output == *"unexpected argument 'extra'"* ]]
		run "$p"
		[ "$status" -eq 64 ]
		[[ $output == *usage:* ]]
	done
}

@test "a stage refuses another stage's option by name" {
	run mailarc-index --report sales
	[ "$status" -eq 64 ]
	[[ $output == *"unrecognized option '--report'"* ]]
	run mailarc-dedupe --full sales
	[ "$status" -eq 64 ]
	[[ $output == *"unrecognized option '--full'"* ]]
}
