#!/usr/bin/env python3
"""A scripted IMAP or POP3 server on 127.0.0.1 that answers "not now".

A real Dovecot cannot be made to send the throttling answers of Gmail and
Microsoft 365, so the tests of those answers (tests/provider.bats) use
this small server instead; everything else is tested against Dovecot.
It holds three fixed messages, speaks plain text only (tls = none), and
serves its first session (the first connection that sends a command: a
bare connect, as wait_port makes, does not count) in MODE, every later
one normally:

    busy_server.py PROTO MODE PORT [SECONDS]

    imap throttled  after two message bodies: tagged NO [THROTTLED]
    imap limit      after two message bodies: tagged NO [LIMIT]
    imap ms365      after two bodies: BAD "Request is throttled.
                    Suggested Backoff Time: 92000 milliseconds"
    imap bye        after one message body: * BYE [UNAVAILABLE] and close
    imap login      LOGIN answered NO [UNAVAILABLE]
    imap utf8       offers UTF8=ACCEPT (RFC 6855) in every session, which
                    Dovecot 2.3 does not: after ENABLE it lists and takes
                    folder names as UTF-8 only ("Entwürfe" holds the
                    messages), and refuses modified UTF-7
    pop  in-use     PASS answered -ERR [IN-USE]
    pop  sys-temp   the second RETR answered -ERR [SYS/TEMP]
    pop  nouidl     no UIDL at all (RFC 1939 makes it optional), in
                    every session; DELE is accepted
    pop  uidl-gap   UIDL leaves out message 2 (LIST has it)
    pop  uidl-extra UIDL lists a message 4 that LIST does not

It stops after SECONDS (default 60) in all.
"""
import socket
import sys
import time

MESSAGES = [
    ("From: a@example.org\r\nSubject: busy %d\r\nMessage-ID: <busy-%d@t>\r\n"
     "\r\nbody of busy message %d\r\n" % (i, i, i)).encode()
    for i in (1, 2, 3)
]


def lines(conn, deadline):
    buf = b""
    while time.monotonic() < deadline:
        conn.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data = conn.recv(4096)
        except (socket.timeout, OSError):
            return
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.rstrip(b"\r")


def uid_set(s):
    out = []
    for part in s.split(b","):
        if b":" in part:
            a, b = part.split(b":")
            hi = len(MESSAGES) if b == b"*" else int(b)
            out.extend(range(int(a), hi + 1))
        else:
            out.append(int(part))
    return [u for u in out if 1 <= u <= len(MESSAGES)]


USED = [False]


def session_mode(mode):
    """MODE for the first session that speaks, "normal" after it."""
    if USED[0]:
        return "normal"
    USED[0] = True
    return mode


UTF8_FOLDER = "Entw\u00fcrfe".encode()


def imap(conn, mode, deadline):
    conn.sendall(b"* OK scripted server ready\r\n")
    asked = mode
    enabled = False
    for line in lines(conn, deadline):
        if asked is not None and asked != "utf8":
            mode, asked = session_mode(asked), None
        parts = line.split(b" ")
        tag, cmd = parts[0], b" ".join(parts[1:3]).upper()
        if cmd.startswith(b"CAPABILITY"):
            caps = b"IMAP4rev1 UIDPLUS ENABLE"
            if mode == "utf8":
                caps += b" UTF8=ACCEPT"
            conn.sendall(b"* CAPABILITY " + caps + b"\r\n" + tag +
                         b" OK\r\n")
        elif cmd.startswith(b"ENABLE"):
            if mode == "utf8" and b"UTF8=ACCEPT" in line.upper():
                enabled = True
                conn.sendall(b"* ENABLED UTF8=ACCEPT\r\n")
            conn.sendall(tag + b" OK enabled\r\n")
        elif cmd.startswith(b"LIST"):
            name = UTF8_FOLDER if enabled else b"Entw&APw-rfe"
            conn.sendall(b'* LIST (\\HasNoChildren) "/" INBOX\r\n'
                         b'* LIST (\\HasNoChildren \\Drafts) "/" "' +
                         name + b'"\r\n' + tag + b" OK done\r\n")
        elif mode == "utf8" and (cmd.startswith(b"EXAMINE") or
                                 cmd.startswith(b"SELECT")):
            arg = line.split(b" ", 2)[2]
            if not enabled or arg != b'"' + UTF8_FOLDER + b'"':
                conn.sendall(tag + b" NO [NONEXISTENT] no such folder " +
                             arg + b"\r\n")
            else:
                conn.sendall(b"* %d EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n"
                             % len(MESSAGES) + tag +
                             b" OK [READ-ONLY] done\r\n")
        elif cmd.startswith(b"LOGIN"):
            if mode == "login":
                conn.sendall(tag + b" NO [UNAVAILABLE] Too many "
                             b"connections for this account\r\n")
            else:
                conn.sendall(tag + b" OK logged in\r\n")
        elif cmd.startswith(b"EXAMINE") or cmd.startswith(b"SELECT"):
            conn.sendall(b"* %d EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n"
                         % len(MESSAGES) + tag + b" OK [READ-ONLY] done\r\n")
        elif cmd == b"UID FETCH" and b"RFC822.SIZE" in line:
            for i, m in enumerate(MESSAGES, 1):
                conn.sendall(b"* %d FETCH (UID %d RFC822.SIZE %d)\r\n"
                             % (i, i, len(m)))
            conn.sendall(tag + b" OK done\r\n")
        elif cmd == b"UID FETCH":
            sent = 0
            for u in uid_set(parts[3]):
                if mode == "bye" and sent == 1:
                    conn.sendall(b"* BYE [UNAVAILABLE] Server busy, try "
                                 b"again in 10 minutes\r\n")
                    return
                if mode in ("throttled", "limit", "ms365") and sent == 2:
                    break
                m = MESSAGES[u - 1]
                conn.sendall(b"* %d FETCH (UID %d BODY[] {%d}\r\n" %
                             (u, u, len(m)) + m + b")\r\n")
                sent += 1
            else:
                conn.sendall(tag + b" OK done\r\n")
                continue
            if mode == "throttled":
                conn.sendall(tag + b" NO [THROTTLED] Slow down\r\n")
            elif mode == "limit":
                conn.sendall(tag + b" NO [LIMIT] Daily download limit "
                             b"reached\r\n")
            else:
                conn.sendall(tag + b" BAD Request is throttled. Suggested "
                             b"Backoff Time: 92000 milliseconds\r\n")
        elif cmd.startswith(b"LOGOUT"):
            conn.sendall(b"* BYE bye\r\n" + tag + b" OK\r\n")
            return
        else:
            conn.sendall(tag + b" BAD unknown\r\n")


def pop(conn, mode, deadline):
    conn.sendall(b"+OK scripted server ready\r\n")
    retrs = 0
    asked = mode
    for line in lines(conn, deadline):
        if asked is not None and asked != "nouidl":
            mode, asked = session_mode(asked), None
        words = line.split(b" ")
        cmd = words[0].upper()
        if cmd == b"CAPA":
            conn.sendall(b"+OK\r\nUSER\r\n" +
                         (b"" if mode == "nouidl" else b"UIDL\r\n") +
                         b".\r\n")
        elif cmd == b"UIDL" and mode == "nouidl":
            conn.sendall(b"-ERR unknown command\r\n")
        elif cmd == b"DELE":
            conn.sendall(b"+OK deleted\r\n")
        elif cmd == b"USER":
            conn.sendall(b"+OK\r\n")
        elif cmd == b"PASS":
            if mode == "in-use":
                conn.sendall(b"-ERR [IN-USE] Maildrop is locked by "
                             b"another session\r\n")
            else:
                conn.sendall(b"+OK logged in\r\n")
        elif cmd == b"STAT":
            conn.sendall(b"+OK %d %d\r\n" % (len(MESSAGES),
                                            sum(map(len, MESSAGES))))
        elif cmd == b"LIST":
            conn.sendall(b"+OK\r\n" + b"".join(
                b"%d %d\r\n" % (i, len(m))
                for i, m in enumerate(MESSAGES, 1)) + b".\r\n")
        elif cmd == b"UIDL":
            nums = list(range(1, len(MESSAGES) + 1))
            if mode == "uidl-gap":
                nums.remove(2)
            elif mode == "uidl-extra":
                nums.append(len(MESSAGES) + 1)
            conn.sendall(b"+OK\r\n" + b"".join(
                b"%d busy-uidl-%d\r\n" % (i, i) for i in nums) + b".\r\n")
        elif cmd == b"RETR":
            retrs += 1
            if mode == "sys-temp" and retrs == 2:
                conn.sendall(b"-ERR [SYS/TEMP] System busy, try later\r\n")
                continue
            m = MESSAGES[int(words[1]) - 1]
            conn.sendall(b"+OK\r\n" + m + b".\r\n")
        elif cmd == b"QUIT":
            conn.sendall(b"+OK bye\r\n")
            return
        else:
            conn.sendall(b"-ERR unknown\r\n")


def main():
    proto, mode, port = sys.argv[1:4]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    deadline = time.monotonic() + seconds
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(port)))
    srv.listen(5)
    while time.monotonic() < deadline:
        srv.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        with conn:
            if proto == "imap":
                imap(conn, mode, deadline)
            else:
                pop(conn, mode, deadline)


if __name__ == "__main__":
    main()
