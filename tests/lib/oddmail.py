#!/usr/bin/env python3
"""oddmail.py DIR N SEED: write N odd messages (DIR/NNNNN.eml), made from
header lines, prefixes and line ends that real mail has (BOM, envelope
lines, bare CR, CRLF, blanks before a colon, control bytes, empty values,
a second message glued on). Each has Message-ID <mN-SEED@x>. The same SEED
gives the same files."""
import os
import random
import sys

HEADS = [b"From: a@x", b"To: b@y", b"Subject: hello",
         b"Date: Sun, 16 Jul 2023 15:06:25 +0000",
         b"Subject: =?UTF-8?B?SGVsbG8=?=", b"From: =?bogus?Q?=?=", b"Subject:",
         b"From:   ", b"To: \t", b"X-Foo: bar", b"Received: by mx",
         b"Content-Type: text/plain",
         b"Content-Type: multipart/mixed; boundary=zz", b"MIME-Version: 1.0",
         b"Subject : spaced", b"From : a@x", b"To\t: c@z", b" folded",
         b"\tfolded2", b"garbage line", b"From a@x Sun Jul 16 15:06:25 2023",
         b":nocolonname", b"X-8bit: \xe9\xe8", b"Subject: \x1b$B$3$s\x1b(B",
         b"X-Ctl: \x01", b"X-Nul: a\x00b"]
PREFIXES = [b"", b"\xef\xbb\xbf", b"\n", b" \n", b"\t\r\n",
            b"From a@x Sun Jul 16 15:06:25 2023\n", b"\r", b"\r\n"]
BODIES = [b"body\n", b"", b"From x\nline\n",
          b"--zz\nContent-Type: text/plain\n\nx\n--zz--\n", b"a\rb\n"]


def main():
    d, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        hs = [rnd.choice(HEADS) for _ in range(rnd.randint(0, 6))]
        hs.append(b"Message-ID: <m%d-%d@x>" % (i, seed))
        rnd.shuffle(hs)
        eol = rnd.choice([b"\n", b"\r\n", b"\r"])
        body = rnd.choice(BODIES).replace(b"\n", eol)
        msg = rnd.choice(PREFIXES) + eol.join(hs) + eol + eol + body
        if rnd.random() < 0.05:
            msg += b"\nFrom b@x Sun Jul 16 15:06:25 2023\nFrom: b@x\n\nx\n"
        with open(os.path.join(d, "%05d.eml" % i), "wb") as f:
            f.write(msg)


main()
