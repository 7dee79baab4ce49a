#!/usr/bin/env python3
"""A pretend POP3 maildrop on 127.0.0.1, plain text, for the pipelining
tests: it serves N generated messages and notes how many commands the
client had in flight.

    pop3_drop.py PORT N PIPELINING(yes|no) ORIG LOG [SECONDS]

It writes each message as it will serve it (before dot-stuffing) into
the folder ORIG, one file each, then serves one session after another
(CAPA, USER/PASS, STAT, LIST, UIDL, RETR, DELE, NOOP, RSET, QUIT). CAPA
lists PIPELINING only when asked to. After each session it appends to
LOG "in flight: K" (the most commands the client had sent before one was
answered: 1 when it waited for each answer) and "retr: R" (RETRs
answered). With PIPELINING "no" a second command in flight is a protocol
error the server also records as "violation". It stops after SECONDS
(default 60).
"""
import os
import socket
import sys
import time


def message(i):
    """Message i: varied sizes, dots at line starts, a last line without
    CRLF now and then."""
    body = []
    for k in range((i * 37) % 400 + 1):
        if k % 7 == 3:
            body.append(b"." * (1 + k % 3) + b" dotted line %d" % k)
        else:
            body.append(b"line %d of message %d " % (k, i) + b"x" * (k % 90))
    msg = (b"From: a%d@example.org\r\nTo: b@example.org\r\n"
           b"Subject: message %d\r\nMessage-ID: <m%d@example.org>\r\n\r\n"
           % (i, i, i)) + b"\r\n".join(body) + b"\r\n"
    if i % 5 == 0:
        msg += b".\r\n.x\r\n"
    return msg


def stuffed(msg):
    out = []
    for line in msg.split(b"\r\n")[:-1]:
        out.append(b"." + line if line.startswith(b".") else line)
    return b"\r\n".join(out) + b"\r\n.\r\n"


def session(conn, msgs, pipelining, log, deadline):
    caps = b"+OK\r\nUSER\r\nUIDL\r\nTOP\r\n"
    if pipelining:
        caps += b"PIPELINING\r\n"
    caps += b".\r\n"
    conn.sendall(b"+OK pretend maildrop ready\r\n")
    buf = b""
    most = 1
    retr = 0
    violation = False
    while time.monotonic() < deadline:
        while b"\n" not in buf:
            conn.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = conn.recv(65536)
            except (socket.timeout, OSError):
                data = b""
            if not data:
                log.write(b"in flight: %d\nretr: %d\n" % (most, retr))
                return
            buf += data
        line, buf = buf.split(b"\n", 1)
        # Commands sent before this one was answered.
        waiting = 1 + buf.count(b"\n")
        most = max(most, waiting)
        if waiting > 1 and not pipelining and not violation:
            violation = True
            log.write(b"violation\n")
        parts = line.rstrip(b"\r").split(b" ")
        cmd = parts[0].upper()
        arg = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        if cmd == b"CAPA":
            conn.sendall(caps)
        elif cmd in (b"USER", b"PASS", b"NOOP", b"RSET", b"DELE"):
            conn.sendall(b"+OK\r\n")
        elif cmd == b"STAT":
            conn.sendall(b"+OK %d %d\r\n" % (len(msgs),
                                            sum(len(m) for m in msgs)))
        elif cmd == b"LIST":
            conn.sendall(b"+OK\r\n" + b"".join(
                b"%d %d\r\n" % (i + 1, len(m)) for i, m in enumerate(msgs))
                + b".\r\n")
        elif cmd == b"UIDL":
            conn.sendall(b"+OK\r\n" + b"".join(
                b"%d u%05d\r\n" % (i + 1, i + 1) for i in range(len(msgs)))
                + b".\r\n")
        elif cmd == b"RETR" and 1 <= arg <= len(msgs):
            retr += 1
            conn.sendall(b"+OK\r\n" + stuffed(msgs[arg - 1]))
        elif cmd == b"QUIT":
            conn.sendall(b"+OK bye\r\n")
            log.write(b"in flight: %d\nretr: %d\n" % (most, retr))
            return
        else:
            conn.sendall(b"-ERR unknown\r\n")


def main():
    port, n, pipelining, orig, path = sys.argv[1:6]
    seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 60.0
    deadline = time.monotonic() + seconds
    msgs = [message(i) for i in range(1, int(n) + 1)]
    os.makedirs(orig, exist_ok=True)
    for i, m in enumerate(msgs):
        with open(os.path.join(orig, "m%05d" % (i + 1)), "wb") as f:
            f.write(m)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(port)))
    srv.listen(5)
    with open(path, "ab", buffering=0) as log:
        while time.monotonic() < deadline:
            srv.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                break
            with conn:
                session(conn, msgs, pipelining == "yes", log, deadline)


if __name__ == "__main__":
    main()
