#!/usr/bin/env python3
"""A pretend IMAP or POP3 server on 127.0.0.1 for the TLS tests.

It records every byte a client sends (appended to LOG) and speaks just
enough of the protocol to reach the login: a greeting, capabilities and
an answer to the login commands. It never speaks TLS.

    plain_server.py PROTO MODE PORT LOG [SECONDS]

PROTO is imap or pop. MODE is
    nostarttls  no STARTTLS/STLS offered (a man in the middle stripped it)
    refuse      STARTTLS/STLS offered, then refused
    stall       accept and say nothing (a server that hangs)
It accepts connections one after the other and stops after SECONDS
(default 30) in all.
"""
import socket
import sys
import time


def lines(conn, log, deadline):
    """Yield the lines the client sends, recording each byte."""
    buf = b""
    while time.monotonic() < deadline:
        conn.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data = conn.recv(4096)
        except (socket.timeout, OSError):
            return
        if not data:
            return
        log.write(data)
        log.flush()
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.rstrip(b"\r")


def imap(conn, log, mode, deadline):
    caps = b"IMAP4rev1 AUTH=PLAIN AUTH=LOGIN"
    if mode == "refuse":
        caps += b" STARTTLS"
    conn.sendall(b"* OK [CAPABILITY " + caps + b"] pretend server ready\r\n")
    it = lines(conn, log, deadline)
    for line in it:
        parts = line.split(b" ", 2)
        tag = parts[0]
        cmd = parts[1].upper() if len(parts) > 1 else b""
        if cmd == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY " + caps + b"\r\n" + tag + b" OK\r\n")
        elif cmd == b"STARTTLS":
            conn.sendall(tag + b" NO not today\r\n")
        elif cmd == b"AUTHENTICATE":
            if len(parts) < 3 or b" " not in parts[2]:
                conn.sendall(b"+ \r\n")
                next(it, None)
            conn.sendall(tag + b" OK logged in\r\n")
        elif cmd == b"LOGIN":
            conn.sendall(tag + b" OK logged in\r\n")
        elif cmd == b"LOGOUT":
            conn.sendall(b"* BYE\r\n" + tag + b" OK\r\n")
            return
        else:
            conn.sendall(tag + b" BAD unknown\r\n")


def pop(conn, log, mode, deadline):
    caps = b"+OK\r\nUSER\r\nSASL PLAIN LOGIN\r\n"
    if mode == "refuse":
        caps += b"STLS\r\n"
    caps += b".\r\n"
    conn.sendall(b"+OK pretend server ready\r\n")
    it = lines(conn, log, deadline)
    for line in it:
        cmd = line.split(b" ", 1)[0].upper()
        if cmd == b"CAPA":
            conn.sendall(caps)
        elif cmd == b"STLS":
            conn.sendall(b"-ERR not today\r\n")
        elif cmd == b"AUTH":
            if b" " not in line.split(b" ", 1)[-1]:
                conn.sendall(b"+ \r\n")
                next(it, None)
            conn.sendall(b"+OK logged in\r\n")
        elif cmd in (b"USER", b"PASS", b"NOOP"):
            conn.sendall(b"+OK\r\n")
        elif cmd == b"STAT":
            conn.sendall(b"+OK 0 0\r\n")
        elif cmd == b"QUIT":
            conn.sendall(b"+OK bye\r\n")
            return
        else:
            conn.sendall(b"-ERR unknown\r\n")


def main():
    proto, mode, port, path = sys.argv[1:5]
    seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
    deadline = time.monotonic() + seconds
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(port)))
    srv.listen(5)
    with open(path, "ab") as log:
        while time.monotonic() < deadline:
            srv.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                break
            with conn:
                if mode == "stall":
                    log.write(b"# connected\n")
                    log.flush()
                    for _ in lines(conn, log, deadline):
                        pass
                elif proto == "imap":
                    imap(conn, log, mode, deadline)
                else:
                    pop(conn, log, mode, deadline)


if __name__ == "__main__":
    main()
