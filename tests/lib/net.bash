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
