#!/usr/bin/env python3
"""One conversation of many messages, for the render's long-thread tests.

    long_thread.py N DIR [SEED]

Writes DIR/ltNNNNNN.eml: message 0 starts the conversation, each other one
answers an earlier one (chosen at random, so the tree is deep and wide),
ten minutes apart. Among them, by index: every 7th is HTML, every 11th
carries a small attachment, every 13th is quoted-printable with non-ASCII
text, every 97th comes a second time with other content under the same
Message-ID (DIR/ltNNNNNN-v2.eml: a version), and message N//2 holds 300 KB
of text (bigger than what the render keeps of a message for its mbox).
"""
import base64
import email.utils
import os
import random
import sys

WORDS = ["harbour", "crane", "berth", "tide", "pilot", "cargo", "manifest",
         "quay", "draught", "ballast", "Schiff", "été", "港", "ночь"]


def words(rnd, n):
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def message(rnd, i, parent, version, big):
    mid = "<lt%d@example.org>" % i
    when = email.utils.formatdate(1600000000 + i * 600)
    head = ["From: Sender %d <s%d@example.org>" % (i % 17, i % 17),
            "To: team@example.org",
            "Date: " + when,
            "Message-ID: " + mid,
            "Subject: " + ("Re: " if i else "") + "The long one",
            "MIME-Version: 1.0"]
    if parent is not None:
        head.append("In-Reply-To: <lt%d@example.org>" % parent)
        head.append("References: <lt0@example.org> <lt%d@example.org>"
                    % parent)
    text = "Message %d%s: %s\n" % (i, " (again)" if version else "",
                                   words(rnd, 25))
    if big:
        text += "".join(words(rnd, 12) + "\n" for _ in range(4000))
    if i % 7 == 0:
        head.append("Content-Type: text/html; charset=utf-8")
        head.append("Content-Transfer-Encoding: 8bit")
        body = "<html><body><p>%s</p><blockquote>quoted</blockquote>" \
               "</body></html>\n" % text.replace("\n", "<br>")
    elif i % 11 == 0:
        head.append("Content-Type: multipart/mixed; boundary=b%d" % i)
        data = base64.encodebytes(rnd.randbytes(600)).decode()
        body = ("--b{0}\nContent-Type: text/plain; charset=utf-8\n\n{1}"
                "--b{0}\nContent-Type: application/octet-stream; "
                "name=log{0}.bin\nContent-Disposition: attachment; "
                "filename=log{0}.bin\nContent-Transfer-Encoding: base64\n"
                "\n{2}--b{0}--\n").format(i, text, data)
    elif i % 13 == 0:
        head.append("Content-Type: text/plain; charset=utf-8")
        head.append("Content-Transfer-Encoding: quoted-printable")
        body = "".join("=%02X" % b if b > 126 or b == 61 else chr(b)
                       for b in text.encode()) + "\n"
    else:
        head.append("Content-Type: text/plain; charset=utf-8")
        body = text + "> quoted line\n"
    return ("\n".join(head) + "\n\n" + body).encode()


def main():
    n, top = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    os.makedirs(top, exist_ok=True)
    for i in range(n):
        parent = rnd.randrange(i) if i else None
        with open(os.path.join(top, "lt%06d.eml" % i), "wb") as f:
            f.write(message(rnd, i, parent, False, i == n // 2))
        if i % 97 == 96:
            with open(os.path.join(top, "lt%06d-v2.eml" % i), "wb") as f:
                f.write(message(rnd, i, parent, True, False))


if __name__ == "__main__":
    main()
