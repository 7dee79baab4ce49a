#!/usr/bin/env python3
"""Odd shapes of real mail, one folder of messages each, for
bench/shapes/run.sh: what costs a stage more than its size suggests.

    gen.py DIR [SHAPE...]

Deterministic. MEGA_THREAD (default 5000) sets the mega-thread's size. Each shape is a folder DIR/SHAPE of one or more messages:

  inline-pdf    10 messages, each a 1 MB binary part sent inline (Apple
                Mail sends images and PDFs so; no "attachment")
  no-disp       the same with no Content-Disposition at all
  big-text      one message of 7 MB of text
  big-html      one HTML message of 50,000 paragraphs (7 MB)
  one-line      one message whose 5 MB of text is one line
  many-parts    one message of 10,000 small text parts
  nested        one message nested 1,000 multiparts deep
  long-subject  one message with a 1 MB Subject
  many-to       one message to 50,000 addresses
  many-refs     one message with 20,000 References
  many-atts     one message with 3,000 small attachments
  qp-binary     one text/plain part of 1.5 MB of quoted-printable binary
  versions      500 messages under one Message-ID, each different
  mega-thread   5,000 messages in one conversation
"""
import base64
import email.utils
import os
import random
import sys

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
         "hotel", "india", "juliet"]


def words(rnd, n):
    return " ".join(rnd.choice(WORDS) + str(rnd.randint(0, 99999))
                    for _ in range(n))


def head(mid, subject, extra=""):
    return ("From: Ana Lima <ana@example.org>\nTo: team@example.org\n"
            "Date: Mon, 01 Mar 2021 10:00:00 +0000\n"
            "Message-ID: <%s@example.org>\nSubject: %s\n%s"
            % (mid, subject, extra))


def inline(rnd, n, disposition):
    data = base64.encodebytes(rnd.randbytes(1 << 20)).decode()
    return (head("inline%d" % n, "scan %d" % n) +
            "MIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
            "Content-Type: text/plain\n\nThe scan.\n--b\n"
            "Content-Type: application/pdf; name=\"scan%d.pdf\"\n%s"
            "Content-Transfer-Encoding: base64\n\n%s--b--\n"
            % (n, disposition, data))


def shapes(rnd):
    yield "inline-pdf", [inline(rnd, n, "Content-Disposition: inline; "
                                "filename=\"scan%d.pdf\"\n" % n)
                         for n in range(10)]
    yield "no-disp", [inline(rnd, n, "") for n in range(10)]
    yield "big-text", [head("bigtext", "big text") + "\n" +
                       "\n".join(words(rnd, 12) for _ in range(60000)) +
                       "\n"]
    yield "big-html", [head("bightml", "big html",
                            "MIME-Version: 1.0\nContent-Type: text/html; "
                            "charset=utf-8\n") + "\n<html><body>" +
                       "".join("<p><b>%s</b> <a href='http://x.example/%d'>"
                               "l</a></p>\n" % (words(rnd, 8), i)
                               for i in range(50000)) +
                       "</body></html>\n"]
    yield "one-line", [head("oneline", "one line") + "\n" +
                       words(rnd, 500000) + "\n"]
    yield "many-parts", [head("manyparts", "many parts",
                              "MIME-Version: 1.0\nContent-Type: "
                              "multipart/mixed; boundary=b\n") + "\n" +
                         "".join("--b\nContent-Type: text/plain\n\npart "
                                 "%d %s\n" % (i, words(rnd, 3))
                                 for i in range(10000)) + "--b--\n"]
    nest = head("nested", "nested", "MIME-Version: 1.0\nContent-Type: "
                "multipart/mixed; boundary=b0\n") + "\n"
    for i in range(1, 1000):
        nest += ("--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n"
                 % (i - 1, i))
    nest += "--b999\nContent-Type: text/plain\n\ndeep\n--b999--\n"
    nest += "".join("--b%d--\n" % i for i in range(998, -1, -1))
    yield "nested", [nest]
    yield "long-subject", [head("longsubj", "x " * 500000) + "\nbody\n"]
    yield "many-to", [head("manyto", "many to").replace(
        "To: team@example.org", "To: " + ",\n ".join(
            "P%d <p%d@example.org>" % (i, i) for i in range(50000))) +
        "\nbody\n"]
    yield "many-refs", [head("manyrefs", "refs", "References: " +
                             "\n ".join("<r%d@example.org>" % i
                                        for i in range(20000)) + "\n") +
                        "\nbody\n"]
    yield "many-atts", [head("manyatts", "many attachments",
                             "MIME-Version: 1.0\nContent-Type: "
                             "multipart/mixed; boundary=b\n") +
                        "\n--b\nContent-Type: text/plain\n\nhi\n" +
                        "".join("--b\nContent-Type: application/"
                                "octet-stream; name=f%d.bin\n"
                                "Content-Disposition: attachment; "
                                "filename=f%d.bin\nContent-Transfer-"
                                "Encoding: base64\n\n%s"
                                % (i, i, base64.encodebytes(
                                    rnd.randbytes(2000)).decode())
                                for i in range(3000)) + "--b--\n"]
    yield "qp-binary", [head("qp", "qp", "MIME-Version: 1.0\nContent-Type: "
                             "text/plain\nContent-Transfer-Encoding: "
                             "quoted-printable\n") + "\n" +
                        "".join("=%02X" % rnd.randint(0, 255) +
                                ("=\n" if i % 25 == 24 else "")
                                for i in range(1500000)) + "\n"]
    yield "versions", [head("same", "one id", "") + "\nversion %d: %s\n"
                       % (i, words(rnd, 20)) for i in range(500)]
    thread = []
    for i in range(int(os.environ.get("MEGA_THREAD", "5000"))):
        refs = ""
        if i > 0:
            refs = ("In-Reply-To: <mega%d@example.org>\nReferences: "
                    "<mega0@example.org> <mega%d@example.org>\n"
                    % (rnd.randint(0, i - 1), i - 1))
        thread.append(head("mega%d" % i, "Re: the long one", refs).replace(
            "Mon, 01 Mar 2021 10:00:00 +0000",
            email.utils.formatdate(1600000000 + i * 600)) +
            "\nReply %d: %s\n> quoted\n" % (i, words(rnd, 30)))
    yield "mega-thread", thread


def main():
    top = sys.argv[1]
    rnd = random.Random(16)
    for name, msgs in shapes(rnd):
        if len(sys.argv) > 2 and name not in sys.argv[2:]:
            continue
        d = os.path.join(top, name)
        os.makedirs(d, exist_ok=True)
        for i, m in enumerate(msgs):
            with open(os.path.join(d, "%06d.eml" % i), "w") as f:
                f.write(m)


if __name__ == "__main__":
    main()
