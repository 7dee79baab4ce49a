#!/usr/bin/env python3
"""Write the messages of tests/charset.bats into DIR, one file each, as
raw bytes: encoded words that gmime 3.2.13 decodes wrongly, Japanese
vendor charsets, lying labels, raw 8-bit headers and NUL bytes."""
import sys
import os


def msg(n, headers, body, ctype=None, cte=None):
    h = b"From: sender@example.org\n" if not any(
        x.startswith(b"From:") for x in headers) else b""
    h += b"".join(x + b"\n" for x in headers)
    h += b"Message-ID: <cs%d@example.org>\n" % n
    h += b"Date: Sun, 16 Jul 2023 15:06:%02d +0000\n" % n
    h += b"MIME-Version: 1.0\n"
    if ctype:
        h += b"Content-Type: " + ctype + b"\n"
    if cte:
        h += b"Content-Transfer-Encoding: " + cte + b"\n"
    return h + b"\n" + body + b"\n"


def jis(s):
    return s.encode("iso-2022-jp")


M = {
    # RFC 2047 adjacent words: padding ends gmime's run.
    1: msg(1, [b"Subject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?="],
           b"body one"),
    # An unpadded word: gmime loses the last byte.
    2: msg(2, [b"Subject: =?utf-8?B?eHB0bw?= alpha"], b"body two"),
    # A display name in two padded words, and a quoted one.
    3: msg(3, [b"From: =?UTF-8?B?SsO2cmc=?= =?UTF-8?B?IE3DvGxsZXI=?= "
               b"<jm@example.org>",
               b"To: \"=?UTF-8?Q?Ren=C3=A9e?= Dupont\" <rd@example.org>",
               b"Subject: =?UTF-8?Q?caf=C3=A9_?=\n =?UTF-8?Q?cr=C3=A8me?="],
           b"body three"),
    # A character split across two words.
    4: msg(4, [b"Subject: =?UTF-8?B?5pel?= =?UTF-8?B?5pys6Kqe?= split"],
           b"body four"),
    # A NUL byte in a quoted-printable body.
    5: msg(5, [b"Subject: nul body"], b"Visible.=00Hidden",
           b"text/plain; charset=utf-8", b"quoted-printable"),
    # ISO-2022-JP with NEC special characters, circled digits and
    # half-width katakana (ESC ( I).
    6: msg(6, [b"Subject: =?ISO-2022-JP?B?" +
               __import__("base64").b64encode(b"\x1b$B-!-\"\x1b(B") +
               b"?= jisnec"],
           b"\x1b$B-!-\"-b\x1b(B No \x1b(I124\x1b(B kana\n"
           b"\x1b$BF|K\\8l\x1b(B end",
           b"text/plain; charset=ISO-2022-JP", b"7bit"),
    # Shift_JIS with NEC and IBM extensions and a carrier emoji.
    7: msg(7, [b"Subject: sjis vendor"],
           b"\x87\x40\x87\x41 \xfa\x40 emoji[\xf8\x9f] \x93\xfa\x96\x7b",
           b"text/plain; charset=Shift_JIS", b"8bit"),
    # A part labelled ISO-2022-JP that holds UTF-8.
    8: msg(8, [b"Subject: lying label"],
           "UTF-8 本文です under a JIS label".encode(),
           b"text/plain; charset=ISO-2022-JP", b"8bit"),
    # Raw 8-bit headers: UTF-8 with one bad byte; Shift_JIS as the body;
    # Latin-1 with no other clue.
    9: msg(9, [b"Subject: caf\xc3\xa9 \xff cr\xc3\xa8me rawutf"],
           b"body nine"),
    10: msg(10, [b"Subject: \x93\xfa\x96\x7b rawsjis"],
            b"\x93\xfa\x96\x7b", b"text/plain; charset=Shift_JIS", b"8bit"),
    11: msg(11, [b"Subject: Gr\xfc\xdfe rawlatin"], b"body eleven"),
    # Unknown charset, Q with underscores, and =00 in a subject.
    12: msg(12, [b"Subject: =?x-unknown?Q?na=EFve?= =?UTF-8?Q?a_b=00c?="],
            b"body twelve"),
    # Raw NUL bytes in the Subject and in an 8-bit body.
    13: msg(13, [b"Subject: Before\0After rawnul"], b"Front\0Back tail",
            b"text/plain; charset=utf-8", b"8bit"),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for n, data in M.items():
    with open(os.path.join(out, "%02d.eml" % n), "wb") as f:
        f.write(data)
