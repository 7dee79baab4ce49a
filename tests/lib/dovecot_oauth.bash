# A private Dovecot whose only passdb is oauth2: logins with SASL XOAUTH2 or
# OAUTHBEARER, each token checked at the test OAuth provider's
# introspection URL (RFC 7662, introspection_mode = post). IMAP and POP3
# with STARTTLS, IMAPS and POP3S, on free 127.0.0.1 ports, a throw-away CA
# and certificate, Maildirs under the test's temp folder. ssl = required:
# no mechanism at all works before TLS (OAuth too). Nothing of
# /etc/dovecot or /run/dovecot is used.
#
#   load lib/oauth; load lib/dovecot_oauth
#   oauth_server_start …            first: Dovecot needs OAUTH_URL
#   [DOVO_MECHS="xoauth2"] [DOVO_SSL=no] dovecot_oauth_start
#                                   sets DOVO_DIR, DOVO_CA, DOVO_IMAP_PORT,
#                                   DOVO_IMAPS_PORT, DOVO_POP3_PORT,
#                                   DOVO_POP3S_PORT
#   dovecot_oauth_add_message USER <MESSAGE
#   dovecot_oauth_stop [--no-wait]  stops it by its own PID
#
# Dovecot runs as the user running the tests, every internal and login
# user set to that user; as root, the login and internal processes run as
# Debian's dovenull and dovecot users (login processes refuse root, mail
# processes uid 0), and the Maildirs belong to dovecot.

dovecot_oauth_start() {
	local dir=$BATS_TEST_TMPDIR/dovecot-oauth user group i
	mkdir -p "$dir/run" "$dir/state" "$dir/mail" "$dir/tls"
	chmod 0755 "$dir" "$dir/run"
	DOVO_DIR=$(cd "$dir" && pwd)
	dir=$DOVO_DIR
	user=$(id -un)
	group=$(id -gn)
	login_user=$user
	internal_user=$user
	internal_group=$group
	if [ "$(id -u)" -eq 0 ]; then
		# Dovecot's login processes refuse to run as root: use the
		# unprivileged users of Debian's package, which must be able to
		# reach the sockets under base_dir.
		login_user=dovenull
		internal_user=dovecot
		internal_group=dovecot
		_dovecot_oauth_traversable "$dir"
	fi
	# DOVO_SSL=no: a server without TLS (no STARTTLS offered; the
	# "imaps" and "pop3s" ports speak plain text too), to check that
	# clients refuse to send a token there.
	listener_ssl=yes
	[ "${DOVO_SSL:-required}" = no ] && listener_ssl=no
	DOVO_MAIL_OWNER=$internal_user:$internal_group
	chown "$DOVO_MAIL_OWNER" "$dir/mail"
	_dovecot_oauth_certs "$dir/tls" || return 1
	DOVO_CA=$dir/tls/ca.crt
	{
		read -r DOVO_IMAP_PORT
		read -r DOVO_IMAPS_PORT
		read -r DOVO_POP3_PORT
		read -r DOVO_POP3S_PORT
	} < <(free_ports 4)
	cat >"$dir/oauth2.conf.ext" <<CONF
introspection_mode = post
introspection_url = $OAUTH_URL/introspect
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
timeout_msecs = 10000
CONF
	cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
instance_name = mailarc-oauth-test-$$-$RANDOM
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
listen = 127.0.0.1
protocols = imap pop3
shutdown_clients = yes
default_internal_user = $internal_user
default_internal_group = $internal_group
default_login_user = $login_user
first_valid_uid = 0
first_valid_gid = 0
ssl = ${DOVO_SSL:-required}
ssl_cert = <$dir/tls/server.crt
ssl_key = <$dir/tls/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = ${DOVO_MECHS:-xoauth2 oauthbearer}
# A refused login is answered at once (Dovecot waits 2 s by default): the
# tests of wrong passwords and tokens do not wait it out.
auth_failure_delay = 0
auth_cache_size = 0
mail_location = maildir:$dir/mail/%u/Maildir
mail_uid = $internal_user
mail_gid = $internal_group
pop3_uidl_format = %08Xv%08Xu
passdb {
  driver = oauth2
  mechanisms = ${DOVO_MECHS:-xoauth2 oauthbearer}
  args = $dir/oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=$internal_user gid=$internal_group home=$dir/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $DOVO_IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DOVO_IMAPS_PORT
    ssl = $listener_ssl
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DOVO_POP3_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $DOVO_POP3S_PORT
    ssl = $listener_ssl
  }
}
service anvil {
  chroot =
}
CONF
	if ! /usr/sbin/dovecot -c "$dir/dovecot.conf"; then
		echo "dovecot did not start; its log:" >&2
		cat "$dir/dovecot.log" >&2 2>/dev/null
		return 1
	fi
	for ((i = 0; i < 100; i++)); do
		[ -s "$dir/run/master.pid" ] && break
		sleep 0.1
	done
	if ! { wait_port "$DOVO_IMAP_PORT" 10 && wait_port "$DOVO_IMAPS_PORT" 10 &&
		wait_port "$DOVO_POP3_PORT" 10 && wait_port "$DOVO_POP3S_PORT" 10; }; then
		cat "$dir/dovecot.log" >&2 2>/dev/null
		return 1
	fi
	export DOVO_DIR DOVO_CA DOVO_MAIL_OWNER DOVO_IMAP_PORT DOVO_IMAPS_PORT DOVO_POP3_PORT \
		DOVO_POP3S_PORT
}

# _dovecot_oauth_traversable DIR - let other users pass through every
# folder above DIR (test temp folders only), so that unprivileged Dovecot
# processes reach its sockets.
_dovecot_oauth_traversable() {
	local d=$1
	while [ "$d" != / ] && [ -n "$d" ]; do
		case $d in
		/tmp/* | "$BATS_TEST_TMPDIR"* | "${BATS_RUN_TMPDIR:-/nonexistent}"*)
			chmod o+x "$d" ;;
		esac
		d=$(dirname "$d")
	done
}

# _dovecot_oauth_certs DIR - a throw-away CA and a server certificate for
# localhost and 127.0.0.1 signed by it; made once per suite (RSA key
# generation is the slowest part of a start) and copied.
_dovecot_oauth_certs() {
	local once=${BATS_FILE_TMPDIR:-}/dovecot-oauth-tls
	if [ -n "${BATS_FILE_TMPDIR:-}" ]; then
		if [ ! -s "$once/server.crt" ]; then
			mkdir -p "$once" && _dovecot_oauth_make_certs "$once" ||
				return 1
		fi
		cp -p "$once"/ca.crt "$once"/server.crt "$once"/server.key "$1"/
		return
	fi
	_dovecot_oauth_make_certs "$1"
}

_dovecot_oauth_make_certs() {
	local d=$1
	if ! { openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		-subj "/CN=mailarc oauth test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
			-keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 &&
		printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			"basicConstraints=CA:FALSE" \
			"extendedKeyUsage=serverAuth" >"$d/ext.cnf" &&
		openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" \
			-CAkey "$d/ca.key" -CAcreateserial -days 2 \
			-extfile "$d/ext.cnf" -out "$d/server.crt" >/dev/null 2>&1; }; then
		echo "cannot make the test certificates in $d" >&2
		return 1
	fi
	chmod 0600 "$d/server.key" "$d/ca.key"
}

# dovecot_oauth_stop [--no-wait] - stop the instance by its own PID and
# wait (bounded) until it is gone. --no-wait, for a test's teardown,
# where the instance's folder is not used again: signal it and go on
# (Dovecot's master gives its processes a second to end before it does).
dovecot_oauth_stop() {
	local pid
	[ -n "${DOVO_DIR:-}" ] || return 0
	if [ "${1:-}" = --no-wait ]; then
		pid=$(cat "$DOVO_DIR/run/master.pid" 2>/dev/null) &&
			kill "$pid" 2>/dev/null
		return 0
	fi
	kill_pidfile "$DOVO_DIR/run/master.pid"
}

# dovecot_oauth_add_message USER - deliver stdin into USER's INBOX, unseen.
dovecot_oauth_add_message() {
	local md=$DOVO_DIR/mail/$1/Maildir name
	mkdir -p "$md/tmp" "$md/new" "$md/cur"
	_DOVO_SEQ=$((${_DOVO_SEQ:-0} + 1))
	name="$(date +%s).P$$Q${_DOVO_SEQ}R$RANDOM.test"
	cat >"$md/tmp/$name" && mv "$md/tmp/$name" "$md/new/$name" &&
		chown -R "$DOVO_MAIL_OWNER" "$DOVO_DIR/mail/$1"
}

# dovecot_oauth_curl URL TOKEN [curl options…] - log in as $OAUTH_USER with
# the token, through libcurl's XOAUTH2/OAUTHBEARER, the token handed over
# in a 0600 config file (never on a command line).
dovecot_oauth_curl() {
	local url=$1 tok=$2 cfg
	shift 2
	cfg=$(mktemp "$BATS_TEST_TMPDIR/curlcfg.XXXXXX")
	chmod 600 "$cfg"
	printf 'oauth2-bearer = "%s"\nuser = "%s:"\n' "$tok" "${OAUTH_USER:-alice}" >"$cfg"
	curl -sS --max-time 20 --cacert "$DOVO_CA" -K "$cfg" "$@" "$url"
	local rc=$?
	rm -f "$cfg"
	return $rc
}
