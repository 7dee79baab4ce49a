#!/usr/bin/env python3
"""Generate one batch of messages for the publishing suites.

  pubgen.py DIR BATCH N [--seed S]

Writes N messages DIR/pub-BATCH-I.eml (Message-ID <pub-BATCH-I@pub.example>).
About half reply to a message of an earlier batch (old threads grow) or of
this one; the rest start new threads. Dates run forward by batch, so a
batch brings new months, and some fall in older months; 1 in 8 carries a
small attachment. Deterministic for (BATCH, S).
"""
import base64
import email.utils
import os
import random
import sys

DAY = 86400
T0 = 1767225600  # 2026-01-01


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = dict(zip(argv[1:], argv[2:]))
    d, batch, n = args[0], int(args[1]), int(args[2])
    seed = int(opts.get("--seed", 1))
    rng = random.Random(seed * 7919 + batch)
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        mid = "pub-%d-%d@pub.example" % (batch, i)
        when = T0 + batch * 17 * DAY + i * 3600 * 5
        parent = None
        r = rng.random()
        if batch > 0 and r < 0.3:
            parent = "pub-%d-%d@pub.example" % (rng.randrange(batch), rng.randrange(n))
        elif i > 0 and r < 0.55:
            parent = "pub-%d-%d@pub.example" % (batch, rng.randrange(i))
        if rng.random() < 0.1:
            when = T0 + rng.randrange(max(1, batch * 17)) * DAY
        hdr = [
            "From: Person %d <p%d@pub.example>" % (i % 5, i % 5),
            "To: team@pub.example",
            "Subject: %s %d-%d" % ("Re: topic" if parent else "Topic", batch, i),
            "Date: %s" % email.utils.formatdate(when, usegmt=True),
            "Message-ID: <%s>" % mid,
        ]
        if parent:
            hdr.append("In-Reply-To: <%s>" % parent)
            hdr.append("References: <%s>" % parent)
        body = "Message %d of batch %d.\n%s\n" % (i, batch, "words " * rng.randrange(1, 60))
        if rng.random() < 0.125:
            blob = base64.encodebytes(bytes(rng.randrange(256) for _ in range(600))).decode()
            hdr += ["MIME-Version: 1.0",
                    'Content-Type: multipart/mixed; boundary="b"']
            body = ("--b\nContent-Type: text/plain\n\n%s\n--b\nContent-Type: "
                    "application/octet-stream\nContent-Disposition: attachment; "
                    "filename=\"d%d-%d.bin\"\nContent-Transfer-Encoding: base64\n\n"
                    "%s\n--b--\n" % (body, batch, i, blob))
        with open(os.path.join(d, "pub-%d-%d.eml" % (batch, i)), "w") as f:
            f.write("\n".join(hdr) + "\n\n" + body)


if __name__ == "__main__":
    main(sys.argv)
