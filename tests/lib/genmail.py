#!/usr/bin/env python3
"""Test mail for the fetch suites.

genmail.py MAILDIR N SEQ      write N varied messages into MAILDIR/new
genmail.py --big FILE MB      one message of about MB megabytes
genmail.py --cover SRC -- DIR...
    check that every message of the SRC Maildir is in at least one of the
    DIR Maildirs (line ends and a final line end aside)
genmail.py --compare SRC... -- SPOOL [--pop]
    check that the messages under the SRC Maildirs and the files under the
    SPOOL Maildir are the same multiset, as the server sends them: lines end
    in CRLF (IMAP and POP3 send CRLF), and over POP3 a message that does not
    end in a line end gets one. Prints what differs; exits 1 if anything does.
"""
import hashlib
import os
import random
import sys
import time

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet "
         "kilo lima mike november oscar papa quebec romeo sierra tango "
         "Grüße naïve façade 日本語 ünïcödé").split()


def message(i, rng):
    eol = b"\r\n" if i % 3 == 0 else b"\n"
    lines = [
        b"From: Sender %d <sender%d@example.org>" % (i, i % 17),
        b"To: team@example.com",
        "Subject: test message {} {}".format(i, rng.choice(WORDS)).encode(),
        b"Date: Mon, 16 Nov 2026 10:%02d:%02d +0000" % (i // 60 % 60, i % 60),
    ]
    if i % 11 != 5:  # some have no Message-ID
        lines.append(b"Message-ID: <msg%d.%d@example.org>" % (i, rng.randrange(1 << 30)))
    kind = i % 5
    if kind == 1:  # 8-bit body
        lines += [b"MIME-Version: 1.0",
                  b"Content-Type: text/plain; charset=utf-8",
                  b"Content-Transfer-Encoding: 8bit"]
    elif kind == 2:  # raw high bytes, as a careless mailer sends them
        lines += [b"Content-Type: application/octet-stream"]
    lines.append(b"")
    body = []
    for j in range(rng.randrange(1, 60)):
        if kind == 2:
            body.append(bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randrange(1, 80))))
        elif j % 7 == 3:
            body.append(b"." + " ".join(rng.choice(WORDS) for _ in range(5)).encode())
        elif j % 13 == 4:
            body.append(b"..")
        elif j % 17 == 6:
            body.append(b".")
        elif j % 19 == 7:
            body.append(b"x" * rng.randrange(900, 3000))
        else:
            body.append(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 14))).encode())
    data = eol.join(lines + body)
    if i % 23 != 9:  # some do not end in a line end
        data += eol
    return data


def generate(maildir, n, seq):
    rng = random.Random(seq * 7919 + n)
    now = int(time.time())
    for k in range(n):
        i = seq + k
        name = "%d.G%dP%dR%d.test" % (now, i, os.getpid(), rng.randrange(1 << 30))
        tmp = os.path.join(maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(message(i, rng))
        os.rename(tmp, os.path.join(maildir, "new", name))


def big(path, mb):
    with open(path, "wb") as f:
        f.write(b"From: big@example.org\r\nSubject: big\r\n"
                b"Message-ID: <big@example.org>\r\n\r\n")
        line = (b"0123456789abcdef" * 4 + b"\r\n")
        for _ in range(mb * 1024 * 1024 // len(line)):
            f.write(line)


def as_sent(data, pop):
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if pop and not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def files(top):
    """The messages of a Maildir and of its Maildir++ sub-folders."""
    tops = [top] + sorted(os.path.join(top, d) for d in os.listdir(top)
                          if d.startswith(".") and d not in (".", ".."))
    for t in tops:
        for sub in ("new", "cur"):
            d = os.path.join(t, sub)
            if os.path.isdir(d):
                for n in sorted(os.listdir(d)):
                    yield os.path.join(d, n)


def compare(srcs, spool, pop):
    want = {}
    for s in srcs:
        for p in files(s):
            h = hashlib.sha256(as_sent(open(p, "rb").read(), pop)).hexdigest()
            want.setdefault(h, []).append(p)
    got = {}
    for p in files(spool):
        h = hashlib.sha256(open(p, "rb").read()).hexdigest()
        got.setdefault(h, []).append(p)
    bad = 0
    for h, ps in want.items():
        if len(got.get(h, [])) != len(ps):
            bad += 1
            print("source %s: %d in the source, %d in the spool"
                  % (ps[0], len(ps), len(got.get(h, []))))
    for h, ps in got.items():
        if h not in want:
            bad += 1
            print("spool %s: not in the source" % ps[0])
    n = sum(len(v) for v in want.values())
    m = sum(len(v) for v in got.values())
    print("%d source messages, %d spool messages, %d differences" % (n, m, bad))
    return 1 if bad else 0


def norm(data):
    return hashlib.sha256(data.replace(b"\r\n", b"\n").rstrip(b"\n")).hexdigest()


def cover(src, dirs):
    have = set()
    for d in dirs:
        for p in files(d):
            try:
                have.add(norm(open(p, "rb").read()))
            except FileNotFoundError:
                pass
    missing = [p for p in files(src) if norm(open(p, "rb").read()) not in have]
    for p in missing:
        print("lost: %s" % p)
    print("%d missing" % len(missing))
    return 1 if missing else 0


def main(argv):
    if argv[1] == "--cover":
        k = argv.index("--")
        return cover(argv[2], argv[k + 1:])
    if argv[1] == "--big":
        big(argv[2], int(argv[3]))
        return 0
    if argv[1] == "--compare":
        pop = "--pop" in argv
        args = [a for a in argv[2:] if a != "--pop"]
        k = args.index("--")
        return compare(args[:k], args[k + 1], pop)
    generate(argv[1], int(argv[2]), int(argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
