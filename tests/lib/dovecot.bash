# A private Dovecot for tests: IMAP, IMAPS, POP3 and POP3S (STARTTLS
# offered on the plain ports) on free 127.0.0.1 ports, a throw-away CA and
# server certificate, passwd-file users, Maildirs under the test's temp
# folder. Nothing of /etc/dovecot or /run/dovecot is used.
#
#   load lib/dovecot
#   dovecot_start [DIR]        sets DOVECOT_DIR, DOVECOT_CA (the CA file),
#                              DOVECOT_IMAP_PORT, DOVECOT_IMAPS_PORT,
#                              DOVECOT_POP3_PORT, DOVECOT_POP3S_PORT
#   dovecot_add_user USER PASS
#   dovecot_add_users USER:PASS...
#   dovecot_add_message USER [FOLDER] <MESSAGE   (stdin, byte for byte)
#   dovecot_add_messages USER N [FOLDER]        N varied generated messages
#   dovecot_maildir USER [FOLDER]               the folder's Maildir path
#   dovecot_count USER [FOLDER]                 messages in the folder
#   dovecot_flags USER [FOLDER]                 "UID FLAGS" one a line
#   dovecot_stop                                stops it by its own PID
#   dovecot_kill                                the same, keeping its folder
#   dovecot_restart                             start it again, same ports
#
# DOVECOT_SSL=no before dovecot_start: no TLS at all (no IMAPS, no POP3S,
# no STARTTLS offered), for the plain-text cases.
#
# Dovecot refuses to run its login processes or mail as root, so as root
# (CI) the instance uses Debian's own unprivileged users: dovenull for
# logins, dovecot for internal services and nobody for mail; the instance
# folder is then a fresh 0711 folder under /tmp (bats' own temporary
# folders are 0700), removed by dovecot_stop. As any other user it runs as
# that user in $BATS_TEST_TMPDIR.

# dovecot_start [DIR] - start a private instance in DIR (default
# $BATS_TEST_TMPDIR/dovecot); as root always in a fresh folder under /tmp
# that the unprivileged mail user can reach.
dovecot_start() {
	local dir=${1:-} user group login internal i
	DOVECOT_OWN_DIR=
	if [ "$(id -u)" = 0 ]; then
		dir=$(mktemp -d /tmp/mailarc-dovecot.XXXXXX) || return 1
		DOVECOT_OWN_DIR=$dir
	fi
	[ -n "$dir" ] || dir=${BATS_TEST_TMPDIR:-$(mktemp -d)}/dovecot
	mkdir -p "$dir/run" "$dir/state" "$dir/mail" "$dir/tls"
	DOVECOT_DIR=$(cd "$dir" && pwd)
	dir=$DOVECOT_DIR
	if [ "$(id -u)" = 0 ]; then
		chmod 0711 "$dir"
		chmod 0755 "$dir/run"
		user=nobody group=nogroup login=dovenull internal=dovecot
		chown "$user:$group" "$dir/mail"
	else
		user=$(id -un) group=$(id -gn) login=$user internal=$user
	fi
	DOVECOT_MAIL_USER=$user
	_dovecot_certs "$dir/tls" || return 1
	DOVECOT_CA=$dir/tls/ca.crt
	: >"$dir/passwd"
	{
		read -r DOVECOT_IMAP_PORT
		read -r DOVECOT_IMAPS_PORT
		read -r DOVECOT_POP3_PORT
		read -r DOVECOT_POP3S_PORT
	} < <(free_ports 4)
	cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
instance_name = mailarc-test-$$-$RANDOM
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
listen = 127.0.0.1
protocols = imap pop3
shutdown_clients = yes
default_internal_user = $internal
default_login_user = $login
ssl = ${DOVECOT_SSL:-yes}
ssl_cert = <$dir/tls/server.crt
ssl_key = <$dir/tls/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
# A refused login is answered at once (Dovecot waits 2 s by default): the
# tests of wrong passwords and tokens do not wait it out.
auth_failure_delay = 0
mail_location = maildir:$dir/mail/%u/Maildir
mail_uid = $user
mail_gid = $group
pop3_uidl_format = %08Xv%08Xu
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$user gid=$group home=$dir/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $DOVECOT_IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DOVECOT_IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DOVECOT_POP3_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $DOVECOT_POP3S_PORT
    ssl = yes
  }
}
service anvil {
  chroot =
}
service imap {
  process_limit = 64
}
service pop3 {
  process_limit = 64
}
CONF
	if [ -n "${DOVECOT_EXTRA_CONF:-}" ]; then
		printf '%s\n' "$DOVECOT_EXTRA_CONF" >>"$dir/dovecot.conf"
	fi
	if [ "${DOVECOT_SSL:-yes}" = no ]; then
		# Port 0 turns a listener off.
		sed -i "s/port = \($DOVECOT_IMAPS_PORT\|$DOVECOT_POP3S_PORT\)\$/port = 0/" \
			"$dir/dovecot.conf"
	fi
	export DOVECOT_DIR DOVECOT_CA DOVECOT_MAIL_USER DOVECOT_OWN_DIR \
		DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT DOVECOT_POP3_PORT \
		DOVECOT_POP3S_PORT
	dovecot_restart
}

# dovecot_restart - start the instance of $DOVECOT_DIR (again), same ports.
dovecot_restart() {
	local dir=$DOVECOT_DIR i p
	if ! /usr/sbin/dovecot -c "$dir/dovecot.conf"; then
		echo "dovecot did not start; its log:" >&2
		cat "$dir/dovecot.log" >&2 2>/dev/null
		return 1
	fi
	for ((i = 0; i < 100; i++)); do
		[ -s "$dir/run/master.pid" ] && break
		sleep 0.1
	done
	for p in $(sed -n 's/^ *port = \([1-9][0-9]*\)$/\1/p' "$dir/dovecot.conf"); do
		wait_port "$p" 10 || {
			cat "$dir/dovecot.log" >&2 2>/dev/null
			return 1
		}
	done
}

# _dovecot_certs DIR - a throw-away CA and a server certificate for
# localhost and 127.0.0.1 signed by it. Reused when DIR has them already.
_dovecot_certs() {
	local d=$1
	[ -s "$d/server.crt" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mailarc test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
			-keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 &&
		printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			"basicConstraints=CA:FALSE" \
			"extendedKeyUsage=serverAuth" >"$d/ext.cnf" &&
		openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
			-CAcreateserial -days 2 -extfile "$d/ext.cnf" \
			-out "$d/server.crt" >/dev/null 2>&1 || {
		echo "cannot make the test certificates in $d" >&2
		return 1
	}
	chmod 0600 "$d/server.key" "$d/ca.key"
}

# dovecot_kill - stop the instance by the PID in its own pid file, keeping
# its folder (dovecot_restart starts it again).
dovecot_kill() {
	[ -n "${DOVECOT_DIR:-}" ] || return 0
	kill_pidfile "$DOVECOT_DIR/run/master.pid"
}

# dovecot_stop - stop the instance and remove the folder it made for
# itself (kept when DOVECOT_KEEP is set, to read its log).
dovecot_stop() {
	dovecot_kill
	if [ -z "${DOVECOT_KEEP:-}" ] && [ -n "${DOVECOT_OWN_DIR:-}" ] &&
		[ "$DOVECOT_OWN_DIR" = "$DOVECOT_DIR" ]; then
		rm -rf "$DOVECOT_OWN_DIR"
	fi
}

# dovecot_add_user USER PASS - a passwd-file user with a fresh Maildir.
# Dovecot re-reads the passwd-file at most once a second, so this returns
# at the start of the next second, when a login is sure to see the user.
dovecot_add_user() {
	_dovecot_user "$1" "$2"
	_dovecot_next_second
}

# dovecot_add_users USER:PASS... - several users, one wait.
dovecot_add_users() {
	local up
	for up in "$@"; do
		_dovecot_user "${up%%:*}" "${up#*:}"
	done
	_dovecot_next_second
}

_dovecot_user() {
	printf '%s:{PLAIN}%s::::::\n' "$1" "$2" >>"$DOVECOT_DIR/passwd"
	mkdir -p "$DOVECOT_DIR/mail/$1/Maildir/"{tmp,new,cur}
	_dovecot_own "$DOVECOT_DIR/mail/$1"
}

_dovecot_next_second() {
	sleep "$(date +%N | awk '{ printf "%.3f", 1.02 - $1 / 1e9 }')"
}

# _dovecot_own PATH - hand what the tests wrote to the mail user.
_dovecot_own() {
	[ "$(id -u)" = 0 ] && chown -R "$DOVECOT_MAIL_USER:" "$1"
	return 0
}

# dovecot_maildir USER [FOLDER] - the Maildir of a folder (Maildir++).
dovecot_maildir() {
	local f=${2:-INBOX}
	if [ "$f" = INBOX ]; then
		echo "$DOVECOT_DIR/mail/$1/Maildir"
	else
		echo "$DOVECOT_DIR/mail/$1/Maildir/.$f"
	fi
}

# dovecot_add_message USER [FOLDER] - deliver stdin byte for byte, unseen.
# Written straight into the Maildir, as a local delivery agent would.
dovecot_add_message() {
	local md name
	md=$(dovecot_maildir "$1" "${2:-INBOX}")
	mkdir -p "$md/tmp" "$md/new" "$md/cur"
	_DOVECOT_SEQ=$((${_DOVECOT_SEQ:-0} + 1))
	name="$(date +%s).P$$Q${_DOVECOT_SEQ}R$RANDOM.test"
	cat >"$md/tmp/$name" && _dovecot_own "$md/tmp/$name" &&
		_dovecot_own "$md/new" && mv "$md/tmp/$name" "$md/new/$name"
}

# dovecot_add_messages USER N [FOLDER] - N varied messages: CRLF and LF
# line ends, 8-bit and binary-ish bodies, long lines, lines starting with
# dots, a missing final newline; made by tests/lib/genmail.py.
dovecot_add_messages() {
	local md
	md=$(dovecot_maildir "$1" "${3:-INBOX}")
	mkdir -p "$md/tmp" "$md/new" "$md/cur"
	python3 "$TESTS_DIR/lib/genmail.py" "$md" "$2" "${_DOVECOT_SEQ:-0}" &&
		_dovecot_own "$md"
	_DOVECOT_SEQ=$((${_DOVECOT_SEQ:-0} + $2))
}

# dovecot_count USER [FOLDER] - how many messages the folder holds.
dovecot_count() {
	doveadm -c "$DOVECOT_DIR/dovecot.conf" -f flow search -u "$1" \
		mailbox "${2:-INBOX}" all 2>/dev/null | wc -l
}

# dovecot_flags USER [FOLDER] - "UID FLAGS" for each message, by UID.
dovecot_flags() {
	doveadm -c "$DOVECOT_DIR/dovecot.conf" -f flow fetch -u "$1" \
		'uid flags' mailbox "${2:-INBOX}" all |
		sed 's/^uid=\([0-9]*\) flags=/\1 /'
}
