#!/usr/bin/env python3
"""Generate N real-shaped messages for the render benchmark and tests.

  gen.py N MAILDIR [MBOX] [--seed S] [--start K] [--gap SECONDS]

Writes messages K..K+N-1 into MAILDIR/cur (one file each) and, when MBOX
is given, the same messages as one mboxrd file (for MHonArc). Threads of
1 to 30 messages with nested replies, quoted text, 1 in 20 with a small
attachment, 1 in 10 in HTML, a mix of charsets; dates spread over 8
years (--gap: a mean of SECONDS between messages instead of 40 minutes,
to make a busy month). Deterministic for a seed.
"""
import base64
import email.utils
import os
import random
import sys

WORDS = ("archive mail thread reply release office budget meeting server disk quote invoice "
         "schedule travel policy coffee printer backup network customer support update plan "
         "review draft contract holiday report team project deadline question answer").split()
NAMES = ["Ana Lima", "Ben Okafor", "Chie Tanaka", "Dirk Müller", "Élodie Garnier",
         "Ivan Petrov", "Nikos Pappas", "Sara Kim", "Tom Berg", "Uma Rao"]
T0 = 1514764800  # 2018-01-01


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def body_text(rng, quote):
    paras = ["%s." % words(rng, rng.randint(8, 30)).capitalize() for _ in range(rng.randint(1, 4))]
    text = "Hello,\n\n" + "\n\n".join(paras) + "\n\nRegards\n"
    if quote:
        text = "On a day, someone wrote:\n" + "".join("> %s\n" % l for l in quote.splitlines()[:12]) + "\n" + text
    return text


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = dict(zip(argv[1::1], argv[2::1]))
    seed = int(opts.get("--seed", 1))
    start = int(opts.get("--start", 0))
    gap = int(opts.get("--gap", 0))
    n, maildir = int(args[0]), args[1]
    mbox = args[2] if len(args) > 2 and not args[2].isdigit() else None
    rng = random.Random(seed * 1000003 + start)
    os.makedirs(os.path.join(maildir, "cur"), exist_ok=True)
    os.makedirs(os.path.join(maildir, "new"), exist_ok=True)
    os.makedirs(os.path.join(maildir, "tmp"), exist_ok=True)
    mb = open(mbox, "wb") if mbox else None
    threads = []  # (root index, [(mid, subject, text)])
    t = T0 + start * (gap or 2400)
    for i in range(start, start + n):
        t += rng.randint(1, 2 * gap - 1) if gap > 0 else rng.randint(60, 4800)
        sender = rng.choice(NAMES)
        addr = sender.split()[0].lower().replace("é", "e") + "@bench.example"
        mid = "bench-%d-%d@bench.example" % (seed, i)
        reply = None
        if threads and rng.random() < 0.6:
            th = rng.choice(threads[-50:])
            if len(th) < 30:
                reply = rng.choice(th)
        if reply:
            subject = "Re: " + reply[1].removeprefix("Re: ")
            text = body_text(rng, reply[2])
        else:
            subject = words(rng, rng.randint(2, 7)).capitalize()
            text = body_text(rng, None)
        hdrs = ["From: %s <%s>" % (email.header_encode(sender) if False else sender, addr),
                "To: Team <team@bench.example>",
                "Subject: %s" % subject,
                "Date: %s" % email.utils.formatdate(t),
                "Message-ID: <%s>" % mid, "MIME-Version: 1.0"]
        if reply:
            hdrs.append("In-Reply-To: <%s>" % reply[0])
            hdrs.append("References: <%s>" % reply[0])
        raw_hdr = "\n".join(hdrs).encode("utf-8")
        r = rng.random()
        if r < 0.05:
            att = bytes(rng.getrandbits(8) for _ in range(rng.randint(200, 3000)))
            body = ("Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n"
                    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n"
                    "--b%d\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
                    "Content-Disposition: attachment; filename=\"data-%d.bin\"\n\n%s--b%d--\n"
                    % (i, i, text, i, i, base64.encodebytes(att).decode(), i)).encode("utf-8")
        elif r < 0.15:
            html = "<html><body>%s</body></html>" % "".join("<p>%s</p>" % p for p in text.split("\n\n"))
            body = ("Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n" % html).encode()
        elif r < 0.25:
            body = b"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n" + text.encode("latin-1", "replace")
        else:
            body = b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text.encode()
        raw = raw_hdr + b"\n" + body
        name = "%d.M%dP1Q%d.bench:2,S" % (t, i, i)
        with open(os.path.join(maildir, "cur", name), "wb") as f:
            f.write(raw)
        if mb:
            mb.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2018\n")
            for line in raw.split(b"\n"):
                if line.lstrip(b">").startswith(b"From "):
                    line = b">" + line
                mb.write(line + b"\n")
            mb.write(b"\n")
        entry = (mid, subject, text)
        if reply:
            for th in threads:
                if reply in th:
                    th.append(entry)
                    break
        else:
            threads.append([entry])
        if len(threads) > 200:
            threads.pop(0)
    if mb:
        mb.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
