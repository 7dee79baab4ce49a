# Helpers of the connection-problem suites (tests/net*.bats): server
# certificates made for the case at hand and signed by the test Dovecot's
# own CA, and a way to put one in place. Load after helpers and
# lib/dovecot, once dovecot_start has run.
#
#   net_cert NAME SAN [START END]   $DOVECOT_DIR/tls/NAME.{crt,key}: a
#                                   certificate for SAN ("DNS:x,IP:y")
#                                   signed by the test CA; START and END
#                                   (YYYYMMDDHHMMSSZ) set its validity
#   net_use_cert NAME               Dovecot serves NAME's certificate
#                                   (restarted, same ports)
#   net_login_seen USER             whether Dovecot saw a login for USER

net_cert() {
	local name=$1 san=$2 start=${3:-} end=${4:-} d=$DOVECOT_DIR/tls
	local cn=${san#*:}
	cn=${cn%%,*}
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" \
		-keyout "$d/$name.key" -out "$d/$name.csr" >/dev/null 2>&1 || return 1
	printf '%s\n' "subjectAltName=$san" "basicConstraints=CA:FALSE" \
		"extendedKeyUsage=serverAuth" >"$d/$name.ext"
	if [ -z "$start" ]; then
		openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" \
			-CAkey "$d/ca.key" -CAcreateserial -days 2 \
			-extfile "$d/$name.ext" -out "$d/$name.crt" >/dev/null 2>&1
		return
	fi
	# openssl x509 only dates from now on; openssl ca takes any dates.
	mkdir -p "$d/ca-$name"
	: >"$d/ca-$name/index.txt"
	echo 1000 >"$d/ca-$name/serial"
	cat >"$d/ca-$name/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $d/ca-$name/index.txt
serial = $d/ca-$name/serial
new_certs_dir = $d/ca-$name
default_md = sha256
policy = any
[any]
commonName = supplied
CNF
	openssl ca -batch -config "$d/ca-$name/ca.cnf" -cert "$d/ca.crt" \
		-keyfile "$d/ca.key" -in "$d/$name.csr" -out "$d/$name.crt" \
		-startdate "$start" -enddate "$end" -extfile "$d/$name.ext" \
		-notext >/dev/null 2>&1
}

net_use_cert() {
	local d=$DOVECOT_DIR/tls
	cp "$d/$1.crt" "$d/server.crt" && cp "$d/$1.key" "$d/server.key" &&
		chmod 0600 "$d/server.key" || return 1
	dovecot_kill
	dovecot_restart
}

net_login_seen() {
	grep -q "user=<$1>" "$DOVECOT_DIR/dovecot.log"
}

# net_socks_start - a real SOCKS5 proxy (Debian's microsocks) on a free
# 127.0.0.1 port; sets SOCKS_PORT and SOCKS_LOG, where it writes one line
# per connection it makes ("client[N] 127.0.0.1: connected to HOST:PORT").
net_socks_start() {
	SOCKS_PORT=$(free_port)
	SOCKS_LOG=$BATS_TEST_TMPDIR/socks.log
	: >"$SOCKS_LOG"
	stdbuf -oL -eL microsocks -i 127.0.0.1 -p "$SOCKS_PORT" \
		>"$SOCKS_LOG" 2>&1 &
	echo $! >"$BATS_TEST_TMPDIR/socks.pid"
	wait_port "$SOCKS_PORT"
}

# net_socks_stop - stop the proxy by its own PID.
net_socks_stop() {
	kill_pidfile "$BATS_TEST_TMPDIR/socks.pid"
}

# net_socks_used PORT - whether the proxy made a connection to PORT.
net_socks_used() {
	grep -q "connected to .*:$1\$" "$SOCKS_LOG"
}

# net_have_ipv6 - whether this machine has an IPv6 loopback to listen on.
net_have_ipv6() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET6)
s.bind(("::1", 0))' 2>/dev/null
}

# net_dovecot_ipv6_only - move the running test Dovecot to ::1 alone (same
# ports, nothing on 127.0.0.1 any more), serving a certificate for
# localhost and ::1.
net_dovecot_ipv6_only() {
	local p i
	net_cert v6 "DNS:localhost,DNS:ip6-localhost,DNS:ip6-loopback,DNS:mail6.test,IP:::1" ||
		return 1
	cp "$DOVECOT_DIR/tls/v6.crt" "$DOVECOT_DIR/tls/server.crt" &&
		cp "$DOVECOT_DIR/tls/v6.key" "$DOVECOT_DIR/tls/server.key" || return 1
	dovecot_kill
	sed -i 's/^\( *\)\(listen\|address\) = 127\.0\.0\.1$/\1\2 = ::1/' \
		"$DOVECOT_DIR/dovecot.conf"
	/usr/sbin/dovecot -c "$DOVECOT_DIR/dovecot.conf" || return 1
	for p in "$DOVECOT_IMAP_PORT" "$DOVECOT_IMAPS_PORT" \
		"$DOVECOT_POP3_PORT" "$DOVECOT_POP3S_PORT"; do
		for ((i = 0; i < 100; i++)); do
			(exec 3<>"/dev/tcp/::1/$p") 2>/dev/null && break
			sleep 0.1
		done
		[ "$i" -lt 100 ] || {
			echo "dovecot does not listen on [::1]:$p" >&2
			return 1
		}
	done
}

# net_v6_only_name - a host name that resolves to ::1 and to no IPv4
# address here (ip6-localhost, ip6-loopback), or nothing.
net_v6_only_name() {
	local n
	for n in ip6-localhost ip6-loopback localhost6; do
		# ahosts asks for any family, as libcurl does; ahostsv4 would
		# map a hosts-file ::1 to 127.0.0.1.
		if getent ahosts "$n" 2>/dev/null | grep -q '^::1 ' &&
			! getent ahosts "$n" 2>/dev/null | grep -q '^[0-9]*\.'; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

# net_with_hosts FILE CMD... - run CMD with FILE as /etc/hosts, in a mount
# namespace of its own (the machine's /etc/hosts is not touched). Fails
# with 97 where namespaces cannot be made (not root, or not allowed).
net_with_hosts() {
	local f=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'mount --bind "$1" /etc/hosts || exit 97; shift; exec "$@"' \
		sh "$f" "$@"
}

# net_popa3d_start - popa3d, Debian's small POP3 server, which has no CAPA
# command at all (so no PIPELINING) and no STLS, on a free 127.0.0.1 port
# (POPA3D_PORT), one process per connection from systemd-socket-activate.
# Its binary is unpacked from its package by tests/popa3d.sh (make deps):
# installing it would remove dovecot-pop3d. It logs in through PAM
# against /etc/passwd and /etc/shadow and reads /var/mail/USER (mbox):
# those, /etc/pam.d and its /var/lib/popa3d are the test's own,
# bind-mounted in a mount namespace, so the machine's files are not
# touched. One user, popuser, password pw-popuser; its mbox is
# $POPA3D_MBOX.
net_popa3d_start() {
	local d=$BATS_FILE_TMPDIR/popa3d top=$TESTS_DIR/..
	local bin=$top/build/popa3d/usr/sbin/popa3d
	[ -x "$bin" ] || sh "$TESTS_DIR/popa3d.sh" "$top/build/popa3d" || return 1
	mkdir -p "$d/mail"
	chmod 1777 "$d/mail"
	# The same popa3d user on every machine, whether the package was
	# ever installed here or not.
	grep -v '^popa3d:' /etc/passwd >"$d/passwd" &&
		cp /etc/shadow "$d/shadow" && cp -r /etc/pam.d "$d/pam.d" ||
		return 1
	printf 'auth required pam_unix.so\naccount required pam_unix.so\n' \
		>"$d/pam.d/popa3d"
	echo "popa3d:x:2002:2002::/var/lib/popa3d:/usr/sbin/nologin" \
		>>"$d/passwd"
	echo "popuser:x:2001:2001::/nonexistent:/bin/sh" >>"$d/passwd"
	echo "popuser:$(openssl passwd -6 pw-popuser):19000:0:99999:7:::" \
		>>"$d/shadow"
	POPA3D_MBOX=$d/mail/popuser
	: >"$POPA3D_MBOX"
	chown 2001 "$POPA3D_MBOX"
	chmod 0600 "$POPA3D_MBOX"
	POPA3D_PORT=$(free_port)
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'mount --bind "$1/passwd" /etc/passwd &&
		mount --bind "$1/shadow" /etc/shadow &&
		mount --bind "$1/pam.d" /etc/pam.d &&
		mount --bind "$1/mail" /var/mail &&
		mount -t tmpfs popa3d /var/lib && mkdir /var/lib/popa3d || exit 97
		exec systemd-socket-activate -l "127.0.0.1:$2" --inetd -a "$3"' \
		sh "$d" "$POPA3D_PORT" "$bin" >"$d/server.log" 2>&1 &
	echo $! >"$d/server.pid"
	export POPA3D_MBOX POPA3D_PORT
	wait_port "$POPA3D_PORT" 5
}

# net_popa3d_stop - stop it by its own PID.
net_popa3d_stop() {
	kill_pidfile "$BATS_FILE_TMPDIR/popa3d/server.pid"
}

# net_popa3d_add N FIRST - append N messages to popuser's mbox, numbered
# from FIRST (Message-ID <popN@net.test>).
net_popa3d_add() {
	python3 - "$POPA3D_MBOX" "$1" "$2" <<'PY'
import sys
path, n, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "a") as f:
    for i in range(first, first + n):
        f.write("From sender@example.org Sat Jan  1 00:00:00 2022\n"
                "From: sender@example.org\nTo: popuser@example.org\n"
                f"Subject: pop {i}\nMessage-ID: <pop{i}@net.test>\n"
                "Date: Sat, 1 Jan 2022 00:00:00 +0000\n\n"
                f"body {i}\n" + "line\n" * (i % 50) + "\n")
PY
}
