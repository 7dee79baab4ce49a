#!/usr/bin/env python3
"""Odd and hostile mail, deterministic per seed.

hostile_mail.py [--seed S] [--count N] [--mboxes K] [--classes A,B,...] OUT

writes N inputs into OUT/msg/ (one message, or one non-message, per file)
and, with --mboxes K, K mbox files into OUT/mbox/ (their messages count as
inputs too), made by mutating realistic base messages: line ends, transfer
encodings, encoded words, RFC 2231 parameters, charsets, broken MIME,
missing and duplicate headers, huge values, leading junk, NUL bytes, and
files that are not mail at all. OUT/manifest.tsv says, per input:

  TOKEN <TAB> CLASS <TAB> EXPECT <TAB> FILE <TAB> MESSAGE-ID <TAB> SHOWS

TOKEN is unique per input and is written into the input as the header
line "X-Hostile-Token: TOKEN" (and into the body where there is one), so
that a verifier can tell which archived or set-aside file came from which
input; the only inputs sharing a token are exact copies (class
"exact-duplicate": the same bytes as an earlier input). EXPECT is "mail"
(a message: it must end archived and visible, or set aside as a
duplicate of itself), "either" (archiving it or setting it aside as not a
message are both defensible) or "junk" (not a message). MESSAGE-ID is the
one written (without brackets) or "-". SHOWS is text the input's page
must show, the pieces separated by 0x1F (what the class knows a reader
sees: a bounce's diagnostic, a mislabelled text read right), or "-".

Every random choice comes from one random.Random(seed); the same seed and
arguments give the same bytes. --list prints the classes.
"""
import argparse
import base64
import gzip
import hashlib
import os
import quopri
import random
import sys
import zlib

DOMAINS = ["example.com", "example.org", "lists.example.net", "mx.example.jp"]
NAMES = ["Alice Martin", "Bob Dupont", "Chloé Müller", "Dmitri Ivanov",
         "Eve O'Brien", "Fumiko Sato", "Günther Groß", "Hana Kim"]
WORDS = ("meeting budget release patch review invoice shipment draft "
         "quarterly report schedule server outage backup contract offer "
         "agenda notes minutes feedback question answer").split()
JA = "会議の議事録を送ります。よろしくお願いします。①②③ ｶﾀｶﾅ 髙﨑"


class Msg:
    """A message as header tuples and body bytes, serialised at the end."""

    def __init__(self):
        self.headers = []  # (name, value as str or bytes)
        self.body = b""
        self.eol = b"\n"
        self.prefix = b""  # bytes before the first header

    def set(self, name, value):
        for i, (n, _) in enumerate(self.headers):
            if n.lower() == name.lower():
                self.headers[i] = (name, value)
                return
        self.headers.append((name, value))

    def drop(self, name):
        self.headers = [(n, v) for n, v in self.headers
                        if n.lower() != name.lower()]

    def get(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None

    def bytes(self, sep=b": "):
        out = [self.prefix]
        for n, v in self.headers:
            if isinstance(v, str):
                v = v.encode("utf-8")
            out.append(n.encode() + sep + v + b"\n")
        out.append(b"\n")
        out.append(self.body)
        data = b"".join(out)
        if self.eol != b"\n":
            data = data.replace(b"\n", self.eol)
        return data


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.n = 0
        self.done = []  # (token, bytes, mid) of mail inputs, for duplicates
        # Text the input's page must show, set by its class (the
        # manifest's sixth column, checked by invariant.py).
        self.shows = []
        # SHA-256 (hex) of the bytes an attachment of the input must
        # download as (the manifest's eighth column, comma-separated).
        self.atts = []

    def word(self, k=1):
        return " ".join(self.rng.choice(WORDS) for _ in range(k))

    def addr(self):
        r = self.rng
        name = r.choice(NAMES)
        local = name.split()[0].lower().encode("ascii", "ignore").decode()
        return name, "%s@%s" % (local or "x", r.choice(DOMAINS))

    def date(self):
        r = self.rng
        days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                  "Sep", "Oct", "Nov", "Dec"]
        return "%s, %d %s %d %02d:%02d:%02d %s" % (
            r.choice(days), r.randint(1, 28), r.choice(months),
            r.randint(1998, 2026), r.randint(0, 23), r.randint(0, 59),
            r.randint(0, 59), r.choice(["+0000", "+0900", "-0500", "+0100"]))

    def mid(self, token):
        return "%s.%d@%s" % (token.lower(), self.rng.randint(1, 10**9),
                             self.rng.choice(DOMAINS))

    def text(self, token, lines=None):
        r = self.rng
        n = lines if lines is not None else r.randint(2, 12)
        body = ["Hello,", "", "Hostile token %s." % token]
        for _ in range(n):
            body.append(self.word(r.randint(3, 12)).capitalize() + ".")
        body += ["", "-- ", "regards"]
        return "\n".join(body) + "\n"

    def base(self, token):
        """A realistic message: plain, alternative, with attachment, or a
        list reply."""
        r = self.rng
        m = Msg()
        fn, fa = self.addr()
        tn, ta = self.addr()
        m.set("Received", "from mx.example.com (mx.example.com [192.0.2.%d])"
              " by mail.example.org; %s" % (r.randint(1, 254), self.date()))
        m.set("From", "%s <%s>" % (fn, fa) if fn.isascii() else fa)
        m.set("To", "%s <%s>" % (tn, ta) if tn.isascii() else ta)
        m.set("Subject", "%s %s" % (self.word(r.randint(1, 5)), token))
        m.set("Date", self.date())
        mid = self.mid(token)
        m.set("Message-ID", "<%s>" % mid)
        m.set("X-Hostile-Token", token)
        kind = r.randrange(4)
        text = self.text(token)
        if kind == 0:
            m.set("MIME-Version", "1.0")
            m.set("Content-Type", "text/plain; charset=us-ascii")
            m.body = text.encode()
        elif kind == 1:
            b = "alt-%s" % token
            m.set("MIME-Version", "1.0")
            m.set("Content-Type", 'multipart/alternative; boundary="%s"' % b)
            m.body = ("--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n"
                      "--%s\nContent-Type: text/html; charset=utf-8\n\n"
                      "<html><body><p>%s</p></body></html>\n--%s--\n" % (
                          b, text, b, text.replace("\n", "<br>"), b)).encode()
        elif kind == 2:
            b = "mix-%s" % token
            blob = base64.encodebytes(
                bytes(r.randrange(256) for _ in range(r.randint(10, 600))))
            m.set("MIME-Version", "1.0")
            m.set("Content-Type", 'multipart/mixed; boundary="%s"' % b)
            m.body = ("--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n"
                      "--%s\nContent-Type: application/octet-stream; "
                      "name=\"data.bin\"\nContent-Disposition: attachment; "
                      "filename=\"data.bin\"\nContent-Transfer-Encoding: "
                      "base64\n\n" % (b, text, b)).encode() + blob + (
                          "--%s--\n" % b).encode()
        else:
            m.set("In-Reply-To", "<parent.%d@example.com>" % r.randint(1, 50))
            m.set("References", "<root@example.com> <parent.%d@example.com>"
                  % r.randint(1, 50))
            m.set("List-Id", "Team list <team.lists.example.net>")
            m.set("Subject", "Re: [team] %s %s" % (self.word(2), token))
            m.body = ("> quoted line\n>> older quote\n\n" + text).encode()
        return m, mid


# Each mutation: (gen, token) -> (bytes, message-id or None, expect).
CLASSES = {}


def mutation(name, weight=1.0):
    def deco(fn):
        CLASSES[name] = (fn, weight)
        return fn
    return deco


@mutation("plain", 3)
def c_plain(g, t):
    m, mid = g.base(t)
    return m.bytes(), mid, "mail"


@mutation("eol-crlf")
def c_crlf(g, t):
    m, mid = g.base(t)
    m.eol = b"\r\n"
    return m.bytes(), mid, "mail"


@mutation("eol-bare-cr")
def c_cr(g, t):
    m, mid = g.base(t)
    m.eol = b"\r"
    return m.bytes(), mid, "mail"


@mutation("eol-mixed")
def c_mixed(g, t):
    m, mid = g.base(t)
    data = m.bytes()
    out = []
    for line in data.split(b"\n"):
        out.append(line + g.rng.choice([b"\n", b"\r\n", b"\r\n", b"\n"]))
    return b"".join(out)[:-1], mid, "mail"


def single_part(g, t, ctype, cte, payload):
    m, mid = g.base(t)
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", ctype)
    m.set("Content-Transfer-Encoding", cte)
    for h in ("In-Reply-To", "References"):
        m.drop(h)
    m.body = payload
    return m, mid


@mutation("b64-padded")
def c_b64(g, t):
    text = g.text(t).encode()
    m, mid = single_part(g, t, "text/plain; charset=utf-8", "base64",
                         base64.encodebytes(text))
    return m.bytes(), mid, "mail"


@mutation("b64-unpadded")
def c_b64u(g, t):
    text = (g.text(t) + "x" * g.rng.randint(1, 2)).encode()
    enc = base64.b64encode(text).rstrip(b"=")
    lines = [enc[i:i + 76] for i in range(0, len(enc), 76)]
    m, mid = single_part(g, t, "text/plain; charset=utf-8", "base64",
                         b"\n".join(lines) + b"\n")
    return m.bytes(), mid, "mail"


@mutation("b64-bad")
def c_b64bad(g, t):
    enc = bytearray(base64.b64encode(g.text(t).encode()))
    for _ in range(g.rng.randint(1, 8)):
        enc[g.rng.randrange(len(enc))] = g.rng.choice(b"!*%$#\x01 ~")
    m, mid = single_part(g, t, "text/plain; charset=utf-8", "base64",
                         bytes(enc) + b"\n====\n")
    return m.bytes(), mid, "mail"


@mutation("qp")
def c_qp(g, t):
    text = (g.text(t) + "Grüße, naïve façade = égal " * 5).encode()
    m, mid = single_part(g, t, "text/plain; charset=utf-8",
                         "quoted-printable", quopri.encodestring(text))
    g.shows = ["Grüße, naïve façade = égal"]
    return m.bytes(), mid, "mail"


@mutation("qp-bad")
def c_qpbad(g, t):
    body = (g.text(t) + "bad =ZZ escape =\nsoft =4 trailing =\n=E9t=E9"
            " =\r\n end=").encode()
    m, mid = single_part(g, t, "text/plain; charset=iso-8859-1",
                         "quoted-printable", body)
    return m.bytes(), mid, "mail"


def ew(charset, enc, raw, pad=True):
    if enc == "B":
        s = base64.b64encode(raw).decode()
        if not pad:
            s = s.rstrip("=")
    else:
        s = "".join(c if (c.isalnum() and c.isascii()) else "=%02X" % ord(c)
                    for c in raw.decode("latin-1"))
    return "=?%s?%s?%s?=" % (charset, enc, s)


@mutation("ew-adjacent")
def c_ew_adj(g, t):
    m, mid = g.base(t)
    a, b = "Hello", " world " + t
    m.set("Subject", "%s %s" % (ew("UTF-8", "B", a.encode()),
                                ew("UTF-8", "B", b.encode())))
    g.shows = ["Hello world " + t]
    return m.bytes(), mid, "mail"


@mutation("ew-unpadded")
def c_ew_unpad(g, t):
    m, mid = g.base(t)
    m.set("Subject", "%s %s" % (ew("utf-8", "B", b"xpto", pad=False), t))
    name = ew("utf-8", "B", "Zoë Ünal".encode(), pad=False)
    m.set("From", "%s <zoe@example.com>" % name)
    g.shows = ["xpto " + t, "Zoë Ünal"]
    return m.bytes(), mid, "mail"


@mutation("ew-unknown-charset")
def c_ew_unknown(g, t):
    m, mid = g.base(t)
    m.set("Subject", "%s %s" % (ew("x-no-such-charset", "Q", b"caf\xe9"), t))
    return m.bytes(), mid, "mail"


@mutation("ew-mixed")
def c_ew_mixed(g, t):
    m, mid = g.base(t)
    parts = [ew("iso-8859-1", "Q", "Grüße".encode("latin-1")),
             ew("UTF-8", "B", "日本".encode()),
             ew("ISO-2022-JP", "B", "会議".encode("iso2022_jp")),
             "=?utf-8?q?broken", "=?utf-8?b?!!!?=", t]
    g.rng.shuffle(parts)
    m.set("Subject", " ".join(parts[:-1]) + "\t" + parts[-1])
    g.shows = ["Grüße", "日本", "会議"]
    return m.bytes(), mid, "mail"


@mutation("rfc2231")
def c_2231(g, t):
    m, mid = g.base(t)
    b = "b2231-" + t
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", 'multipart/mixed; boundary="%s"' % b)
    m.body = ("--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n--%s\n"
              "Content-Type: application/pdf;\n name*0*=UTF-8''%%E6%%97%%A5;"
              "\n name*1=\"part two.pdf\"\nContent-Disposition: attachment;\n"
              " filename*=iso-8859-1'fr'r%%E9sum%%E9.pdf\n"
              "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--%s--\n"
              % (b, g.text(t), b, b)).encode()
    g.shows = ["résumé.pdf"]
    return m.bytes(), mid, "mail"


def charset_body(g, t, charset, encoded, cte="8bit"):
    m, mid = single_part(g, t, "text/plain; charset=%s" % charset, cte,
                         ("Hostile token %s.\n" % t).encode() + encoded + b"\n")
    return m, mid


@mutation("cs-latin1")
def c_latin1(g, t):
    m, mid = charset_body(g, t, "iso-8859-1",
                          "Grüße aus Köln, déjà vu.".encode("latin-1"))
    m.set("Subject", "Grüße %s" % t)
    data = m.bytes().replace("Grüße".encode(), "Grüße".encode("latin-1"))
    g.shows = ["Grüße aus Köln, déjà vu.", "Grüße " + t]
    return data, mid, "mail"


@mutation("cs-shift-jis")
def c_sjis(g, t):
    # CP932 (NEC and IBM extensions) and a DoCoMo emoji (F8 9F, sun).
    m, mid = charset_body(g, t, "Shift_JIS",
                          JA.encode("cp932") + b" \xf8\x9f")
    g.shows = [JA + " \u2600"]  # DoCoMo's F89F is the sun
    m.set("Subject", ew("shift_jis", "B", "会議①".encode("cp932")) + " " + t)
    return m.bytes(), mid, "mail"


@mutation("cs-iso-2022-jp")
def c_jis(g, t):
    # Half of them with half-width katakana (ESC ( I), as phones send.
    codec = g.rng.choice(["iso2022_jp", "iso2022_jp_ext"])
    text = "会議の議事録" + ("ｶﾀｶﾅ" if codec.endswith("ext") else "")
    m, mid = charset_body(g, t, "ISO-2022-JP", text.encode(codec), "7bit")
    m.set("Subject", ew("ISO-2022-JP", "B", "議事録".encode("iso2022_jp"))
          + " " + t)
    g.shows = [text, "議事録 " + t]
    return m.bytes(), mid, "mail"


@mutation("cs-jis-holds-utf8")
def c_jis_utf8(g, t):
    m, mid = charset_body(g, t, "ISO-2022-JP", JA.encode())
    g.shows = [JA]
    return m.bytes(), mid, "mail"


@mutation("cs-bogus-label")
def c_bogus(g, t):
    label = g.rng.choice(["x-unknown", "utf8mb4", "\"\"", "latin-99",
                          "unicode-1-1-utf-7", "iso-8859-1\x01"])
    m, mid = charset_body(g, t, label, "naïve 日本".encode())
    g.shows = ["naïve 日本"]
    return m.bytes(), mid, "mail"


@mutation("raw-8bit-headers")
def c_8bit(g, t):
    m, mid = g.base(t)
    enc = g.rng.choice(["utf-8", "latin-1", "cp932", "bad-utf8"])
    if enc == "bad-utf8":
        val = "Grüße ".encode() + b"\xff\xfe" + t.encode()
    else:
        val = "Grüße 会議 ".encode(enc, "replace") + t.encode()
    m.set("Subject", val)
    m.set("From", "Günther ".encode(enc if enc != "bad-utf8" else "utf-8",
                                    "replace") + b"<g@example.com>")
    return m.bytes(), mid, "mail"


@mutation("mime-no-boundary")
def c_noboundary(g, t):
    m, mid = g.base(t)
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", "multipart/mixed")
    m.body = ("--x\nContent-Type: text/plain\n\n%s\n--x--\n"
              % g.text(t)).encode()
    return m.bytes(), mid, "mail"


@mutation("mime-unclosed")
def c_unclosed(g, t):
    m, mid = g.base(t)
    b = "open-" + t
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", 'multipart/mixed; boundary="%s"' % b)
    m.body = ("preamble\n--%s\nContent-Type: text/plain\n\n%s\n--%s\n"
              "Content-Type: text/html\n\n<p>cut" % (b, g.text(t), b)).encode()
    return m.bytes(), mid, "mail"


@mutation("mime-nested-rfc822")
def c_nested(g, t):
    m, mid = g.base(t)
    inner = Msg()
    inner.set("From", "inner@example.org")
    inner.set("Subject", "forwarded inner")
    inner.set("Message-ID", "<inner.%s@example.org>" % t.lower())
    inner.set("Content-Type", "text/plain")
    inner.body = b"inner body\n"
    b = "fwd-" + t
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", 'multipart/mixed; boundary="%s"' % b)
    m.body = ("--%s\nContent-Type: text/plain\n\n%s\n--%s\n"
              "Content-Type: message/rfc822\n\n" % (b, g.text(t), b)).encode()
    m.body += inner.bytes() + ("\n--%s--\n" % b).encode()
    g.shows = ["forwarded inner.eml"]
    return m.bytes(), mid, "mail"


@mutation("mime-many-parts", 0.3)
def c_many(g, t):
    m, mid = g.base(t)
    b = "many-" + t
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", 'multipart/mixed; boundary="%s"' % b)
    n = g.rng.randint(120, 400)
    parts = ["--%s\nContent-Type: text/plain\n\n%s" % (b, g.text(t, 1))]
    for i in range(n):
        parts.append("--%s\nContent-Type: text/plain; name=\"p%d.txt\"\n"
                     "Content-Disposition: attachment; filename=\"p%d.txt\""
                     "\n\npart %d\n" % (b, i, i, i))
    m.body = ("\n".join(parts) + "--%s--\n" % b).encode()
    g.shows = ["Hostile token %s." % t, 'download="p%d.txt"' % (n - 1)]
    return m.bytes(), mid, "mail"


@mutation("mime-deep", 0.3)
def c_deep(g, t):
    m, mid = g.base(t)
    depth = g.rng.randint(20, 60)
    body = g.text(t, 1)
    ctype = "text/plain"
    for d in range(depth):
        b = "d%d-%s" % (d, t)
        body = "--%s\nContent-Type: %s\n\n%s\n--%s--\n" % (b, ctype, body, b)
        ctype = 'multipart/mixed; boundary="%s"' % b
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", ctype)
    m.body = body.encode()
    g.shows = ["Hostile token %s." % t]  # MIME_MAX_DEPTH is 64
    return m.bytes(), mid, "mail"


@mutation("no-message-id")
def c_nomid(g, t):
    m, _ = g.base(t)
    m.drop("Message-ID")
    return m.bytes(), None, "mail"


@mutation("no-date")
def c_nodate(g, t):
    m, mid = g.base(t)
    m.drop("Date")
    if g.rng.random() < 0.5:
        m.drop("Received")
    return m.bytes(), mid, "mail"


@mutation("odd-date")
def c_odddate(g, t):
    m, mid = g.base(t)
    m.set("Date", g.rng.choice(["Thu, 1 Jan 1953 10:00:00 -0500",
                                "Fri, 3 Mar 99999 10:00:00 +0000",
                                "31 Dec 1969 23:59:59 EST", "yesterday",
                                "Mon, 32 Foo 2020 25:61:61 cst", ""]))
    return m.bytes(), mid, "mail"


@mutation("no-from-to-subject")
def c_nofts(g, t):
    m, mid = g.base(t)
    for h in ("From", "To", "Subject"):
        m.drop(h)
    return m.bytes(), mid, "either"


@mutation("dup-id-other-body")
def c_dupid(g, t):
    prev = [d for d in g.done if d[2] is not None]
    if not prev:
        return c_plain(g, t)
    _, _, mid = g.rng.choice(prev)
    m, _ = g.base(t)
    m.set("Message-ID", "<%s>" % mid)
    return m.bytes(), mid, "mail"


@mutation("exact-duplicate")
def c_exact(g, t):
    if not g.done:
        return c_plain(g, t)
    tok, data, mid = g.rng.choice(g.done)
    return data, mid, ("dup", tok)


@mutation("huge-subject", 0.2)
def c_hugesubj(g, t):
    m, mid = g.base(t)
    words = " ".join(g.word() for _ in range(100 * 1024 // 7))
    m.set("Subject", "%s %s" % (t, words[:100 * 1024]))
    return m.bytes(), mid, "mail"


@mutation("huge-header-line", 0.1)
def c_hugeline(g, t):
    m, mid = g.base(t)
    m.set("X-Long", "a" * (1024 * 1024))
    return m.bytes(), mid, "mail"


@mutation("long-message-id", 0.8)
def c_longmid(g, t):
    m, _ = g.base(t)
    n = g.rng.choice([150, 199, 200, 201, 250, 998, 999, 1500, 4000])
    n = max(n, len(t) + 20)
    local = (t.lower() + "." + "".join(
        g.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789.+=/$")
        for _ in range(n)))[:n - len("@example.com")]
    mid = local + "@example.com"
    m.set("Message-ID", "<%s>" % mid)
    return m.bytes(), mid, "mail"


def from_first(g, m):
    """Half the time the From header comes first (no Received above)."""
    if g.rng.random() < 0.5:
        m.drop("Received")
        f = m.get("From")
        m.drop("From")
        m.headers.insert(0, ("From", f))


@mutation("lead-bom")
def c_bom(g, t):
    m, mid = g.base(t)
    from_first(g, m)
    m.prefix = b"\xef\xbb\xbf"
    return m.bytes(), mid, "mail"


@mutation("lead-blank-line")
def c_blank(g, t):
    m, mid = g.base(t)
    from_first(g, m)
    m.prefix = g.rng.choice([b"\n", b" \n", b"\t\n", b"\r\n"])
    return m.bytes(), mid, "mail"


@mutation("lead-from-line")
def c_fromline(g, t):
    m, mid = g.base(t)
    from_first(g, m)
    m.prefix = b"From sender@example.com Sun Jul 16 15:06:25 2023\n"
    return m.bytes(), mid, "mail"


@mutation("space-before-colon")
def c_spcolon(g, t):
    m, mid = g.base(t)
    from_first(g, m)
    if g.rng.random() < 0.5:
        return m.bytes(sep=b" : "), mid, "mail"
    # One header only, the first one.
    data = m.bytes()
    i = data.index(b": ")
    return data[:i] + b" " + data[i:], mid, "mail"


@mutation("header-odd-syntax")
def c_oddsyntax(g, t):
    m, mid = g.base(t)
    m.set("From", g.rng.choice(["MAILER-DAEMON <>", "<>", "undisclosed-"
                                "recipients:;", "\"a@b\" <@route:x@y>",
                                "no address at all"]))
    m.headers.insert(2, ("X-Empty", ""))
    m.headers.insert(3, ("X-Folded", "one\n\ttwo\n   three"))
    return m.bytes(), mid, "mail"


@mutation("nul-bytes")
def c_nul(g, t):
    m, mid = g.base(t)
    subj = m.get("Subject")
    m.set("Subject", subj.encode() + b"\x00after nul")
    m.body = m.body.replace(b".", b".\x00", 2) + b"tail after NUL\n"
    return m.bytes(), mid, "mail"


@mutation("junk-binary")
def c_junk(g, t):
    r = g.rng
    data = bytes(r.randrange(256) for _ in range(r.randint(64, 4096)))
    pos = r.randrange(len(data))
    return data[:pos] + b"X-Hostile-Token: " + t.encode() + b"\n" + \
        data[pos:], None, "junk"


@mutation("junk-text")
def c_junktext(g, t):
    r = g.rng
    kind = r.randrange(3)
    tokline = b"X-Hostile-Token: " + t.encode() + b"\n"
    if kind == 0:  # prose without a header block
        data = b"Just some notes\nwithout any header\n" + tokline
    elif kind == 1:  # only blank lines before text
        data = b"\n\n\n" + tokline + b"text\n"
    else:  # a PNG header and a token
        data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + tokline
    return data, None, "junk"


# Round 6: the hostility of real archives that the classes above lack.

def multipart(m, sub, b, parts, extra=""):
    """m becomes multipart/SUB with boundary b around parts (bytes each,
    headers and body)."""
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", 'multipart/%s; boundary="%s"%s' % (sub, b, extra))
    for h in ("Content-Transfer-Encoding",):
        m.drop(h)
    body = b""
    for p in parts:
        body += b"--" + b.encode() + b"\n" + p + b"\n"
    m.body = body + b"--" + b.encode() + b"--\n"


def text_part(g, t, charset="utf-8"):
    return ("Content-Type: text/plain; charset=%s\n\n%s"
            % (charset, g.text(t))).encode()


def inner_msg(g, t, k):
    inner = Msg()
    fn, fa = g.addr()
    inner.set("From", fa)
    inner.set("Subject", "inner %d %s" % (k, g.word(2)))
    inner.set("Date", g.date())
    inner.set("Message-ID", "<inner%d.%s.%d@example.org>"
              % (k, t.lower(), g.rng.randint(1, 10**9)))
    inner.set("Content-Type", "text/plain; charset=utf-8")
    inner.body = ("inner body %d: %s\n" % (k, g.word(6))).encode()
    return inner


@mutation("rfc822-nested-deep", 0.5)
def c_rfc822_deep(g, t):
    """message/rfc822 inside message/rfc822, some cut short."""
    m, mid = g.base(t)
    data = inner_msg(g, t, 0).bytes()
    for k in range(1, g.rng.randint(2, 12)):
        outer = inner_msg(g, t, k)
        b = "n%d-%s" % (k, t)
        multipart(outer, "mixed", b, [
            b"Content-Type: text/plain\n\nwrapper %d\n" % k,
            b"Content-Type: message/rfc822\n\n" + data])
        data = outer.bytes()
    if g.rng.random() < 0.5:
        data = data[:g.rng.randint(10, max(11, len(data) - 1))]
    multipart(m, "mixed", "top-" + t, [text_part(g, t),
              b"Content-Type: message/rfc822\n"
              b"Content-Disposition: inline\n\n" + data])
    return m.bytes(), mid, "mail"


@mutation("digest", 0.5)
def c_digest(g, t):
    """A list digest: multipart/digest parts default to message/rfc822,
    one of them empty, one truncated."""
    m, mid = g.base(t)
    b = "dig-" + t
    parts = []
    for k in range(g.rng.randint(1, 8)):
        parts.append(b"\n" + inner_msg(g, t, k).bytes())
    parts.append(b"\n")
    parts.append(b"\nFrom: cut@example.org\nSubject: cut sh")
    g.rng.shuffle(parts)
    top = Msg()
    multipart(top, "digest", b, parts)
    multipart(m, "mixed", "dtop-" + t, [
        text_part(g, t), b"Content-Type: " + top.get("Content-Type").encode()
        + b"\n\n" + top.body])
    if g.rng.random() < 0.5:  # the digest alone, the text in its preamble
        m.set("Content-Type", top.get("Content-Type"))
        m.body = ("Hostile token %s.\n\n" % t).encode() + top.body
        g.shows = ["Hostile token %s." % t]
    return m.bytes(), mid, "mail"


def blob(g, lo, hi):
    return base64.encodebytes(bytes(g.rng.randrange(256) for _ in
                                    range(g.rng.randint(lo, hi))))


@mutation("smime-pgp")
def c_smime(g, t):
    """S/MIME and PGP/MIME: signed (text readable), opaque signed and
    encrypted (nothing readable but the headers)."""
    m, mid = g.base(t)
    kind = g.rng.randrange(5)
    b = "sig-" + t
    if kind < 2:  # signed: the text is readable
        g.shows = ["Hostile token %s." % t]
    if kind == 0:
        multipart(m, "signed", b, [text_part(g, t),
                  b"Content-Type: application/pkcs7-signature; "
                  b"name=smime.p7s\nContent-Transfer-Encoding: base64\n"
                  b"Content-Disposition: attachment; filename=smime.p7s\n\n"
                  + blob(g, 200, 900)],
                  '; protocol="application/pkcs7-signature"; micalg=sha-256')
    elif kind == 1:
        multipart(m, "signed", b, [text_part(g, t),
                  b"Content-Type: application/pgp-signature; "
                  b"name=signature.asc\n\n-----BEGIN PGP SIGNATURE-----\n\n"
                  + blob(g, 100, 300) + b"-----END PGP SIGNATURE-----\n"],
                  '; micalg=pgp-sha512; protocol="application/pgp-signature"')
    elif kind == 2:
        multipart(m, "encrypted", b, [
            b"Content-Type: application/pgp-encrypted\n\nVersion: 1\n",
            b"Content-Type: application/octet-stream; name=encrypted.asc\n\n"
            b"-----BEGIN PGP MESSAGE-----\n\n" + blob(g, 200, 900)
            + b"-----END PGP MESSAGE-----\n"],
            '; protocol="application/pgp-encrypted"')
    else:
        st = "signed-data" if kind == 3 else "enveloped-data"
        m.set("MIME-Version", "1.0")
        m.set("Content-Type", "application/pkcs7-mime; smime-type=%s; "
              "name=smime.p7m" % st)
        m.set("Content-Transfer-Encoding", "base64")
        m.set("Content-Disposition", "attachment; filename=smime.p7m")
        m.body = blob(g, 300, 2000)
    return m.bytes(), mid, "mail"


@mutation("tnef")
def c_tnef(g, t):
    m, mid = g.base(t)
    tnef = b"\x78\x9f\x3e\x22" + bytes(g.rng.randrange(256) for _ in
                                       range(g.rng.randint(50, 800)))
    parts = [text_part(g, t),
             b"Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
             b"Content-Transfer-Encoding: base64\nContent-Disposition: "
             b"attachment; filename=\"winmail.dat\"\n\n"
             + base64.encodebytes(tnef)]
    if g.rng.random() < 0.3:
        parts = parts[1:]  # Outlook's "rich text" only: no text part
    multipart(m, "mixed", "tnef-" + t, parts)
    return m.bytes(), mid, "mail"


def mapi_unicode(pid, text):
    """A MAPI property list ([MS-OXTNEF] 2.1.3.4) of one PT_UNICODE
    property."""
    v = text.encode("utf-16-le") + b"\0\0"
    return (b"\1\0\0\0" + (0x001F | pid << 16).to_bytes(4, "little") +
            b"\1\0\0\0" + len(v).to_bytes(4, "little") + v +
            bytes(-len(v) % 4))


def tnef_stream(files, body=None, codepage=None, mapi=False):
    """A TNEF stream ([MS-OXTNEF]) holding files [(name bytes, data)] and
    an attBody text, as Outlook writes winmail.dat. mapi: the names as
    PR_ATTACH_LONG_FILENAME (attAttachTitle an 8.3 name) and the text as
    PR_BODY, in UTF-16, decoded from codepage."""
    def attr(level, aid, data):
        return (bytes([level]) + aid.to_bytes(4, "little") +
                len(data).to_bytes(4, "little") + data +
                (sum(data) & 0xffff).to_bytes(2, "little"))
    cp = "cp932" if codepage == 932 else "cp1252"
    out = b"\x78\x9f\x3e\x22\x01\x00"
    if codepage is not None:
        out += attr(1, 0x00069007, codepage.to_bytes(4, "little") + bytes(4))
    if body is not None and mapi:
        out += attr(1, 0x00069003, mapi_unicode(0x1000, body.decode(cp)))
    elif body is not None:
        out += attr(1, 0x0002800C, body)
    for k, (name, data) in enumerate(files):
        out += attr(2, 0x00069002, bytes(14))
        if mapi:
            out += attr(2, 0x00018010, b"FILE~%d.TXT\0" % k)
            out += attr(2, 0x00069005, mapi_unicode(0x3707, name.decode(cp)))
        else:
            out += attr(2, 0x00018010, name + b"\0")
        out += attr(2, 0x0006800F, data)
    return out


@mutation("tnef-files")
def c_tnef_files(g, t):
    """Outlook's winmail.dat holding the message's files and, when there
    is no text part, its text (attBody), in CP1252 or CP932; sometimes cut
    short."""
    m, mid = g.base(t)
    ja = g.rng.random() < 0.3
    names = [("資料%d.txt" % k).encode("cp932") if ja else
             ("Résumé %d.txt" % k).encode("cp1252")
             for k in range(g.rng.randint(1, 3))]
    files = [(n, ("file %d of %s\n" % (k, t)).encode())
             for k, n in enumerate(names)]
    alone = g.rng.random() < 0.5
    body = ("Hostile token %s.\r\n%s\r\n" % (t, g.word(6))).encode()
    tnef = tnef_stream(files, body if alone else None, 932 if ja else 1252,
                       g.rng.random() < 0.5)
    if g.rng.random() < 0.2:
        tnef = tnef[:g.rng.randint(6, len(tnef) - 1)]
    else:
        g.shows = [n.decode("cp932" if ja else "cp1252") for n in names]
        if alone:
            g.shows.append("Hostile token %s." % t)
    parts = [b"Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
             b"Content-Transfer-Encoding: base64\nContent-Disposition: "
             b"attachment; filename=\"winmail.dat\"\n\n"
             + base64.encodebytes(tnef)]
    if not alone:
        parts.insert(0, text_part(g, t))
    multipart(m, "mixed", "tf-" + t, parts)
    m.set("X-MS-Has-Attach", "yes")
    m.set("X-MS-TNEF-Correlator", "<%s.tnef@example.com>" % t.lower())
    return m.bytes(), mid, "mail"


def uuencode(name, data):
    out = [b"begin 644 " + name]
    for i in range(0, len(data), 45):
        chunk = data[i:i + 45]
        line = bytes([32 + len(chunk)])
        chunk += b"\0" * (-len(chunk) % 3)
        for j in range(0, len(chunk), 3):
            n = int.from_bytes(chunk[j:j + 3], "big")
            line += bytes(32 + ((n >> s) & 63) or 96 for s in (18, 12, 6, 0))
        out.append(line)
    out += [b"`", b"end"]
    return b"\n".join(out) + b"\n"


def yenc(name, data, crc=True, width=128):
    """A yEnc block: each byte plus 42, NUL LF CR "=" escaped as "=" and
    the byte plus 64 more, lines of width characters."""
    lines, line = [], b""
    for c in data:
        c = (c + 42) % 256
        if c in (0, 10, 13, 61):
            line += bytes([61, (c + 64) % 256])
        else:
            line += bytes([c])
        if len(line) >= width:
            lines.append(line)
            line = b""
    if line:
        lines.append(line)
    end = b"=yend size=%d" % len(data)
    if crc:
        end += b" crc32=%08x" % zlib.crc32(data)
    return (b"=ybegin line=%d size=%d name=%s\n" % (width, len(data), name)
            + b"".join(l + b"\n" for l in lines) + end + b"\n")


@mutation("uuencode-yenc")
def c_uu(g, t):
    """uuencoded and yEnc files inside a text/plain body."""
    m, mid = g.base(t)
    data = bytes(g.rng.randrange(256) for _ in range(g.rng.randint(1, 500)))
    if g.rng.random() < 0.5:
        name = g.rng.choice([b"file.bin", b"r\xe9sum\xe9.doc",
                             b"a b/../c.txt"])
        enc = uuencode(name, data)
        if name == b"file.bin":
            g.shows = ["[file file.bin: attached]", "after the file"]
    else:
        enc = yenc(b"pic.jpg", data, g.rng.random() < 0.5)
        g.shows = ["[file pic.jpg: attached]", "after the file"]
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", "text/plain; charset=%s"
          % g.rng.choice(["us-ascii", "iso-8859-1", "x-user-defined"]))
    m.drop("Content-Transfer-Encoding")
    m.body = g.text(t).encode() + b"\n" + enc + b"\nafter the file\n"
    return m.bytes(), mid, "mail"


@mutation("header-fold-blank")
def c_foldblank(g, t):
    """Continuation lines of only white space (RFC 5322 forbids them, many
    mailers write them), in Subject and To."""
    m, mid = g.base(t)
    m.set("Subject", "%s\n \n\t\n %s" % (g.word(2), t))
    m.set("To", "a@example.com,\n \n b@example.org")
    return m.bytes(), mid, "mail"


@mutation("header-over-998", 0.5)
def c_over998(g, t):
    m, mid = g.base(t)
    n = g.rng.choice([999, 1000, 2000, 5000, 70000])
    what = g.rng.randrange(3)
    if what == 0:
        m.set("Subject", (t + " " + "x" * n)[:n])
    elif what == 1:
        m.set("To", ", ".join("u%d@example.com" % i for i in range(n // 16)))
    else:
        m.set("References", " ".join("<r%d.%s@example.com>" % (i, t.lower())
                                     for i in range(n // 24)))
    return m.bytes(), mid, "mail"


@mutation("8bit-names-filenames")
def c_8bitnames(g, t):
    """Raw 8-bit bytes in display names and attachment filenames."""
    m, mid = g.base(t)
    enc = g.rng.choice(["utf-8", "latin-1", "cp932", "gb18030"])
    name = "Zoë 日本 Ünal".encode(enc, "replace")
    fname = "résumé 資料.pdf".encode(enc, "replace")
    m.set("From", b'"' + name + b'" <zoe@example.com>')
    m.set("Cc", name + b" <cc@example.com>, " + b"\xff\xfe <x@example.org>")
    multipart(m, "mixed", "8n-" + t, [
        text_part(g, t),
        b"Content-Type: application/pdf; name=\"" + fname + b"\"\n"
        b"Content-Disposition: attachment; filename=\"" + fname + b"\"\n"
        b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"])
    if enc in ("utf-8", "latin-1"):  # the others need guessing
        g.shows = ["Zoë" if enc == "latin-1" else "Zoë 日本 Ünal",
                   "résumé" if enc == "latin-1" else "résumé 資料.pdf"]
    return m.bytes(), mid, "mail"


@mutation("ew-in-quotes")
def c_ewquoted(g, t):
    """Encoded words inside quoted strings and in filenames (RFC 2047
    forbids both, Outlook and Gmail write both)."""
    m, mid = g.base(t)
    name = ew("UTF-8", "B", "Zoë Ünal".encode())
    m.set("From", '"%s" <zoe@example.com>' % name)
    m.set("To", '"%s, Team" <team@example.org>'
          % ew("iso-8859-1", "Q", "Grüße".encode("latin-1")))
    fname = ew("UTF-8", "B", "日本語の資料.pdf".encode())
    multipart(m, "mixed", "ewq-" + t, [
        text_part(g, t),
        ("Content-Type: application/pdf; name=\"%s\"\nContent-Disposition: "
         "attachment; filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n"
         "JVBERi0xLjQK\n" % (fname, fname)).encode()])
    g.shows = ["Zoë Ünal", "Grüße, Team", "日本語の資料.pdf"]
    return m.bytes(), mid, "mail"


@mutation("cs-wrong-label")
def c_wronglabel(g, t):
    """Bodies in one charset labelled as another (or as none), and
    ISO-2022-JP with broken escapes."""
    texts = [("gb18030", "会议纪要，请查收。"), ("big5", "會議記錄，請查收。"),
             ("euc-kr", "회의록을 보내드립니다."),
             ("koi8-r", "Протокол совещания."),
             ("windows-1252", "“Smart quotes” – café €5"),
             ("shift_jis", JA[:14])]
    real, text = g.rng.choice(texts)
    label = g.rng.choice(["iso-8859-1", "us-ascii", "utf-8", "gb2312",
                          "iso-2022-jp", "euc-jp", "windows-1251", None])
    raw = text.encode(real)
    if g.rng.random() < 0.25:  # ISO-2022-JP cut at an escape
        raw = "会議の議事録".encode("iso2022_jp")
        raw = raw[:g.rng.randint(1, len(raw) - 1)] + b"\x1b$" + raw[-4:]
        label = "ISO-2022-JP"
    m, mid = charset_body(g, t, label or "x", raw)
    if label is None:
        m.set("Content-Type", "text/plain")
    subj = text.encode(real)
    m.set("Subject", subj + b" " + t.encode())
    return m.bytes(), mid, "mail"


@mutation("odd-message-id")
def c_oddmid(g, t):
    """Message-IDs with path and URL characters, spaces, NUL, unicode."""
    local = t.lower() + g.rng.choice([
        "/a/b", "/../../etc", "..", "%2e%2e%2f", "%", "#frag", "?q=1&x",
        " with space", "\x00nul", "日本", "ü", "\\back", "\"q\"", "<in>",
        "a\tb", "..", "/", "%00", "~user", "*", ":colon", ";semi"])
    mid = local + "@" + g.rng.choice(["example.com", "exa mple.com",
                                      "[192.0.2.1]", "ドメイン.jp", ""])
    m, _ = g.base(t)
    m.set("Message-ID", "<%s>" % mid)
    if g.rng.random() < 0.3:  # a reply to it, by the same odd id
        m.set("In-Reply-To", "<%s>" % mid)
    return m.bytes(), mid, "mail"


@mutation("date-extreme")
def c_dateext(g, t):
    m, mid = g.base(t)
    m.set("Date", g.rng.choice([
        "Thu, 1 Jan 1970 00:00:00 +0000", "Wed, 31 Dec 1969 23:59:59 -0100",
        "Mon, 1 Jan 1900 00:00:00 +0000", "Sun, 7 Feb 2106 06:28:16 +0000",
        "Fri, 31 Dec 9999 23:59:59 +0000", "Sat, 1 Jan 0 00:00:00 +0000",
        "Sat, 1 Jan 0000 00:00:00 +0000", "Mon, 1 Jan 2024 10:00:00 -2359",
        "Mon, 1 Jan 2024 10:00:00 +2400", "Mon, 1 Jan 2024 10:00:00 +9999",
        "Mon, 1 Jan 2024 10:00:00 PDT", "Mon, 1 Jan 2024 10:00:00 MEZ",
        "Mon, 1 Jan 2024 10:00:00 Europe/Paris", "10:00:00",
        "Mon, 1 Jan 2024", "1 Jan 24 10:00 GMT", "Mon, 1 Jan 2024 "
        "10:00:00 -0000", "Tue, 29 Feb 2023 10:00:00 +0000",
        "Mon, 1 Jan -1 00:00:00 +0000", "Mon, 1 Jan 2038 03:14:08 +0000",
        "Mon, 1 Jan 99999999999999999999 00:00:00 +0000"]))
    # No Received: the Date is judged against the delivery time alone.
    m.drop("Received")
    return m.bytes(), mid, "mail"


@mutation("refs-loop")
def c_refsloop(g, t):
    """References loops: A refs B and B refs A; a message refs itself."""
    m, mid = g.base(t)
    pend = getattr(g, "loop_pending", None)
    if pend is None and g.rng.random() < 0.3:
        m.set("References", g.rng.choice(["", "<root@example.com> "])
              + "<%s>" % mid)
        m.set("In-Reply-To", "<%s>" % mid)
        return m.bytes(), mid, "mail"
    if pend is None:
        other = "loop.%s.%d@example.com" % (t.lower(),
                                             g.rng.randint(1, 10**9))
        g.loop_pending = (other, mid)
    else:
        mid, other = pend
        m.set("Message-ID", "<%s>" % mid)
        g.loop_pending = None
    m.set("In-Reply-To", "<%s>" % other)
    # Half the loops hang below a real root, as in a list thread.
    root = "<root@example.com> " if g.rng.random() < 0.5 else ""
    m.set("References", "%s<%s> <%s>" % (root, other, mid))
    return m.bytes(), mid, "mail"


@mutation("reply-chain", 2)
def c_chain(g, t):
    """Replies each to the one before (one chain per run, so it grows
    with the run), some carrying a 500-deep References."""
    m, mid = g.base(t)
    chain = getattr(g, "chain", None)
    if chain is None:
        chain = g.chain = []
    if chain:
        m.set("In-Reply-To", "<%s>" % chain[-1])
        refs = chain[-500:]
        if g.rng.random() < 0.2:
            refs = ["deep%d.%s@example.com" % (i, t.lower())
                    for i in range(500)] + chain[-1:]
        m.set("References", "\n ".join("<%s>" % r for r in refs))
        m.set("Subject", "Re: chain")
    else:
        m.set("Subject", "chain")
    chain.append(mid)
    return m.bytes(), mid, "mail"


@mutation("empty-body")
def c_empty(g, t):
    m, mid = g.base(t)
    kind = g.rng.randrange(4)
    if kind == 0:
        m.body = b""
    elif kind == 1:
        m.set("Content-Type", "text/plain; charset=utf-8")
        m.set("Content-Transfer-Encoding", "base64")
        m.body = b"\n"
    elif kind == 2:  # a body that is only a boundary
        m.set("MIME-Version", "1.0")
        m.set("Content-Type", 'multipart/mixed; boundary="only-%s"' % t)
        m.body = ("--only-%s--\n" % t).encode()
    else:
        m.set("MIME-Version", "1.0")
        m.set("Content-Type", 'multipart/alternative; boundary="e-%s"' % t)
        m.body = ("--e-%s\n\n--e-%s\nContent-Type: text/html\n\n--e-%s--\n"
                  % (t, t, t)).encode()
    return m.bytes(), mid, "mail"


@mutation("ctype-odd-params")
def c_ctodd(g, t):
    """Content-Type parameters repeated, in odd case, empty or unknown."""
    m, mid = g.base(t)
    b = "odd-" + t
    kind = g.rng.randrange(5)
    text = g.text(t).encode()
    if kind == 0:
        m.set("Content-Type", "TEXT/PLAIN; CHARSET=UTF-8; Charset=koi8-r; "
              "charset=iso-8859-1")
        m.body = "naïve ".encode() + text
    elif kind == 1:
        m.set("Content-Type", 'Multipart/MIXED; Boundary="%s"; '
              'boundary="other-%s"' % (b, t))
        m.body = ("--%s\nContent-Type: Text/Plain\n\n" % b).encode() + text \
            + ("--%s--\n" % b).encode()
    elif kind == 2:
        m.set("Content-Type", 'text/plain; charset=""')
        m.body = "naïve ".encode() + text
    elif kind == 3:
        m.set("Content-Type", "text/plain; charset=unknown-8bit")
        m.body = "naïve ".encode("latin-1") + text
    else:
        m.set("Content-Type", "text/plain;; ;charset=utf-8;=x; foo")
        m.body = text
    m.set("MIME-Version", "1.0")
    return m.bytes(), mid, "mail"


@mutation("headers-only")
def c_headersonly(g, t):
    """A file of only headers, without the blank line (or the last line
    without its end)."""
    m, mid = g.base(t)
    data = m.bytes()
    data = data[:data.index(b"\n\n") + 1]
    if g.rng.random() < 0.5:
        data = data[:-1]
    return data, mid, "mail"


@mutation("zero-byte", 0.2)
def c_zero(g, t):
    """A 0-byte file: it cannot carry a token, so it is "junk" whose only
    check is that nothing crashes (invariant.py knows the class)."""
    return b"", None, "junk"


@mutation("mid-syntax")
def c_midsyntax(g, t):
    """Message-ID headers written oddly: repeated with other ids, empty,
    without brackets, with a comment, folded, two ids, odd case."""
    m, mid = g.base(t)
    other = "other.%s@example.net" % t.lower()
    kind = g.rng.randrange(9)
    if kind == 0:  # repeated: which one is the message's?
        m.headers.append(("Message-ID", "<%s>" % other))
    elif kind == 1:
        m.set("Message-ID", "<>")
        mid = None
    elif kind == 2:
        m.set("Message-ID", mid)
    elif kind == 3:
        m.set("Message-ID", "(sent by x) <%s> (trailing)" % mid)
    elif kind == 4:
        m.set("Message-ID", "\n <%s>" % mid)
    elif kind == 5:
        m.set("Message-ID", "<%s> <%s>" % (mid, other))
    elif kind == 6:
        m.drop("Message-ID")
        m.headers.append((g.rng.choice(["MESSAGE-ID", "message-id",
                                        "Message-Id"]), "<%s>" % mid))
    elif kind == 7:
        m.set("Message-ID", "")
        mid = None
    else:
        m.set("Message-ID", "<%s" % mid)
    return m.bytes(), mid, "mail"


@mutation("raw-jis-header")
def c_rawjis(g, t):
    """ISO-2022-JP written into Subject and From without encoded words,
    as old Japanese mailers do."""
    m, mid = g.base(t)
    subj = "議事録".encode("iso2022_jp")
    m.set("Subject", subj + (" " + t).encode())
    g.shows = ["議事録 " + t]
    if g.rng.random() < 0.5:
        m.set("From", "会議".encode("iso2022_jp") + b" <kaigi@example.jp>")
        g.shows.append("会議")
    return m.bytes(), mid, "mail"


@mutation("html-meta-charset")
def c_htmlmeta(g, t):
    """An HTML body whose charset only a <meta> tag names."""
    m, mid = g.base(t)
    real, text = g.rng.choice([("shift_jis", JA[:14]),
                               ("gb2312", "会议纪要"), ("koi8-r", "Протокол"),
                               ("windows-1252", "café “quoted”")])
    enc = "cp932" if real == "shift_jis" else real
    meta = g.rng.choice(['<meta charset="%s">' % real,
                         '<META HTTP-EQUIV="Content-Type" CONTENT="text/html;'
                         ' charset=%s">' % real])
    label = g.rng.choice(["", "; charset=us-ascii", '; charset=""'])
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", "text/html" + label)
    m.drop("Content-Transfer-Encoding")
    m.body = (("<html><head>%s</head><body><p>Hostile token %s.</p><p>"
               % (meta, t)).encode() + text.encode(enc) +
              b"</p></body></html>\n")
    g.shows = [text]
    return m.bytes(), mid, "mail"


# Round 8: bounces, Japanese mobile mail, list archives, odd bodies.

def bounce_original(g, t):
    """The bounced message, as the report's message/rfc822 part. It
    carries no X-Hostile-Token: cut short, "T1-582" would become the
    token of another input, "T1-58"."""
    return inner_msg(g, t, 0).bytes()


@mutation("bounce-dsn")
def c_bounce(g, t):
    """A DSN (RFC 3464): multipart/report with message/delivery-status and
    text/rfc822-headers or message/rfc822, the original cut short, or with
    a bare LF inside a CRLF message."""
    m, mid = g.base(t)
    m.set("From", "Mail Delivery System <MAILER-DAEMON@mx.example.com>")
    m.set("Subject", "Undelivered Mail Returned to Sender " + t)
    m.set("Auto-Submitted", "auto-replied")
    for h in ("In-Reply-To", "References", "List-Id"):
        m.drop(h)
    orig = bounce_original(g, t)
    kind = g.rng.randrange(4)
    if kind == 0:
        last = b"Content-Type: text/rfc822-headers\n\n" + \
            orig[:orig.index(b"\n\n") + 1]
    elif kind == 1:
        last = b"Content-Type: message/rfc822\n\n" + \
            orig[:g.rng.randint(5, len(orig) - 1)]
    else:
        last = b"Content-Type: message/rfc822\n\n" + orig
    status = (b"Reporting-MTA: dns; mx.example.com\n"
              b"Arrival-Date: " + g.date().encode() + b"\n\n"
              b"Final-Recipient: rfc822; nobody@example.org\n"
              b"Original-Recipient: rfc822;nobody@example.org\n"
              b"Action: failed\nStatus: 5.1.1\n"
              b"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: "
              b"Recipient address rejected\n")
    multipart(m, "report", "dsn-" + t, [
        ("Content-Description: Notification\nContent-Type: text/plain; "
         "charset=us-ascii\n\nThis is the mail system at host "
         "mx.example.com.\nHostile token %s.\n" % t).encode(),
        b"Content-Description: Delivery report\n"
        b"Content-Type: message/delivery-status\n\n" + status,
        last], "; report-type=delivery-status")
    g.shows = ["Diagnostic-Code: smtp; 550 5.1.1"]
    if kind == 0:
        g.shows.append("Returned message headers")
    data = m.bytes()
    if kind == 3:  # CRLF throughout but one bare LF in the original
        data = data.replace(b"\n", b"\r\n")
        i = data.rfind(b"inner body")
        data = data[:i] + b"bare\nLF " + data[i:]
    return data, mid, "mail"


@mutation("bounce-exchange")
def c_ndr(g, t):
    """An Exchange NDR: multipart/report, an HTML-only notice in an
    alternative, a status with X- fields, the original as headers only."""
    m, mid = g.base(t)
    m.set("From", "Microsoft Outlook <postmaster@example.onmicrosoft.com>")
    m.set("Subject", "Undeliverable: %s %s" % (g.word(2), t))
    m.set("X-MS-Exchange-Message-Is-Ndr", "")
    m.set("Content-Language", "en-US")
    for h in ("In-Reply-To", "References", "List-Id"):
        m.drop(h)
    alt = Msg()
    multipart(alt, "alternative", "alt-ndr-" + t, [
        ("Content-Type: text/html; charset=us-ascii\nContent-Transfer-"
         "Encoding: quoted-printable\n\n<html><body><p><b><font color=3D"
         "\"#000066\">Your message to nobody@example.org couldn't be "
         "delivered.</font></b></p><p>Hostile token %s.</p></body></html>\n"
         % t).encode()])
    orig = bounce_original(g, t)
    multipart(m, "report", "ndr-" + t, [
        b"Content-Type: " + alt.get("Content-Type").encode() + b"\n\n"
        + alt.body,
        b"Content-Type: message/delivery-status\n\nReporting-MTA: dns;"
        b"EX1.example.com\nX-Display-Name: Nobody\n\nFinal-recipient: "
        b"RFC822; nobody@example.org\nAction: failed\nStatus: 5.1.10\n"
        b"X-Supplementary-Info: <EX1 #5.1.10 smtp;550 5.1.10 RESOLVER."
        b"ADR.RecipientNotFound>\n",
        b"Content-Type: text/rfc822-headers\n\n" +
        orig[:orig.index(b"\n\n") + 1]], "; report-type=delivery-status")
    m.eol = b"\r\n"
    g.shows = ["RESOLVER.ADR.RecipientNotFound", "Returned message headers"]
    return m.bytes(), mid, "mail"



@mutation("bounce-odd")
def c_bounceodd(g, t):
    """Bounces as fewer tools write them: the whole message a
    message/rfc822; RFC 6533 message/global-delivery-status with a
    message/global original in raw UTF-8; the original base64-encoded
    (RFC 2046 forbids it); the notice only in the original's text."""
    m, mid = g.base(t)
    for h in ("In-Reply-To", "References", "List-Id"):
        m.drop(h)
    m.set("From", "MAILER-DAEMON@mx.example.com")
    m.set("Subject", "failure notice " + t)
    inner = inner_msg(g, t, 0)
    inner.body = ("Hostile token %s in the original.\n" % t).encode()
    kind = g.rng.randrange(4)
    if kind == 0:
        m.set("MIME-Version", "1.0")
        m.set("Content-Type", "message/rfc822")
        m.drop("Content-Transfer-Encoding")
        m.body = inner.bytes()
    elif kind == 1:
        inner.set("Subject", "Grüße 会議 " + t)
        inner.set("From", "Zoë <zoë@exämple.org>")
        multipart(m, "report", "g-" + t, [
            text_part(g, t),
            b"Content-Type: message/global-delivery-status\n\n"
            b"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: "
            b"utf-8; z\xc3\xb6e@ex\xc3\xa4mple.org\nAction: failed\n"
            b"Status: 5.1.1\n",
            b"Content-Type: message/global\n\n" + inner.bytes()],
            "; report-type=delivery-status")
    elif kind == 2:
        multipart(m, "report", "b-" + t, [
            text_part(g, t),
            b"Content-Type: message/rfc822\nContent-Transfer-Encoding: "
            b"base64\n\n" + base64.encodebytes(inner.bytes())],
            "; report-type=delivery-status")
    else:  # qmail: plain text, the original quoted after a line
        m.set("Content-Type", "text/plain")
        m.body = (("Hi. This is the qmail-send program at mx.example.com.\n"
                   "Hostile token %s.\n\n--- Below this line is a copy "
                   "of the message.\n\n" % t).encode() + inner.bytes())
    # kind 2: the notice is the text, the original a file named by its
    # subject (base64 makes it opaque to gmime).
    g.shows = [["Hostile token %s in the original." % t,
                "Final-Recipient: utf-8; z\u00f6e@ex\u00e4mple.org",
                "%s.eml" % inner.get("Subject"),
                "Hostile token %s." % t][kind]]
    return m.bytes(), mid, "mail"

@mutation("vacation")
def c_vacation(g, t):
    """A vacation auto-reply: Auto-Submitted, X-Autoreply, Precedence."""
    m, mid = g.base(t)
    m.set("Subject", g.rng.choice(["Out of Office: ", "Auto: ",
                                   "Abwesenheitsnotiz: "]) + t)
    m.set("Auto-Submitted", "auto-replied (vacation)")
    m.set("X-Autoreply", "yes")
    m.set("Precedence", "bulk")
    m.set("In-Reply-To", "<orig.%s@example.com>" % t.lower())
    g.shows = ["Hostile token %s." % t]
    return m.bytes(), mid, "mail"


SJIS_LABELS = ["Shift_JIS", "x-sjis", "Shift-JIS", "MS932", "windows-31j",
               "CP932", "SJIS", "x-ms-cp932"]
JIS_LABELS = ["ISO-2022-JP", "ISO-2022-JP-2", "iso-2022-jp-ms", "CP50220",
              "csISO2022JP", "iso-2022-jp-1"]
# Carrier emoji of DoCoMo, au and SoftBank in the CP932 user area.
EMOJI = [b"\xf8\x9f", b"\xf8\xa0", b"\xf9\x5b", b"\xf6\x60", b"\xf7\x41",
         b"\xf9\xfc", b"\xf0\x40"]


@mutation("ja-mobile-sjis", 1.5)
def c_jamobile(g, t):
    """Japanese mobile mail: Shift_JIS or CP932 under its many labels,
    with carrier emoji in the user area, NEC and IBM extensions."""
    r = g.rng
    label = r.choice(SJIS_LABELS)
    emoji = [r.choice(EMOJI) for _ in range(r.randint(1, 5))]
    text = JA.encode("cp932") + b" " + b"".join(emoji) + \
        "\u2170\u2171 \u7e8a\u9ed1".encode("cp932")
    # DoCoMo's sun and cloud: lead F8 is DoCoMo's alone.
    sure = {b"\xf8\x9f": "\u2600", b"\xf8\xa0": "\u2601"}
    g.shows = [JA] + [sure[e] for e in emoji if e in sure]
    m, mid = charset_body(g, t, label, text, r.choice(["8bit", "7bit",
                                                       "base64"]))
    if m.get("Content-Transfer-Encoding") == "base64":
        m.body = base64.encodebytes(m.body)
    m.set("Subject", ew(r.choice(SJIS_LABELS), "B", "会議の件".encode(
        "cp932") + r.choice(EMOJI)) + " " + t)
    m.set("From", "%s <%s@docomo.ne.jp>" % (
        ew(label, "B", "髙﨑".encode("cp932")), t.lower()))
    return m.bytes(), mid, "mail"


@mutation("ja-mobile-jis")
def c_jajis(g, t):
    """ISO-2022-JP with half-width katakana (ESC ( I), CP50220 extensions
    (NEC row 13), under labels of its variants."""
    r = g.rng
    label = r.choice(JIS_LABELS)
    # NEC row 13 (①, Ⅰ) in JIS X 0208 escapes, and ESC ( I katakana.
    body = (b"\x1b$B2q5D\x1b(B " + b"\x1b$B-!-\"-5\x1b(B " +
            b"\x1b(I6@6E\x1b(B " + ("Hostile %s" % t).encode() +
            b"\n\x1b$B$h$m$7$/\x1b(B\n")
    if r.random() < 0.3:  # SO/SI for the katakana, as some phones do
        body += b"\x0e6@6E\x0f\n"
    m, mid = charset_body(g, t, label, body, "7bit")
    m.set("Subject", "=?%s?B?%s?= %s" % (
        label, base64.b64encode(b"\x1b$B2q5D\x1b(I6@\x1b(B").decode(), t))
    g.shows = ["会議 ①②Ⅰ ｶﾀｶﾅ Hostile " + t, "よろしく", "会議ｶﾀ " + t]
    return m.bytes(), mid, "mail"


@mutation("ja-split-ew")
def c_jasplit(g, t):
    """A Shift_JIS subject cut in two encoded words in the middle of a
    two-byte character (RFC 2047 forbids it; mobile mailers do it)."""
    raw = "会議の議事録を送ります".encode("cp932")
    cut = g.rng.choice([k for k in range(1, len(raw)) if k % 2 == 1])
    m, mid = g.base(t)
    cs = g.rng.choice(["SHIFT_JIS", "shift_jis", "CP932"])
    m.set("Subject", "%s\n %s %s" % (ew(cs, "B", raw[:cut]),
                                     ew(cs, "B", raw[cut:]), t))
    name = "髙橋".encode("cp932")
    m.set("From", "%s%s <taka@ezweb.ne.jp>" % (ew(cs, "B", name[:1]),
                                               ew(cs, "B", name[1:])))
    g.shows = ["会議の議事録を送ります " + t, "髙橋"]
    return m.bytes(), mid, "mail"



@mutation("ja-mislabel")
def c_jamislabel(g, t):
    """Japanese under the wrong Japanese label, as phones and gateways
    write it: Shift_JIS bytes in an ISO-2022-JP encoded word, EUC-JP
    labelled Shift_JIS, ISO-2022-JP labelled Shift_JIS, and UTF-8 in an
    encoded word labelled ISO-2022-JP."""
    text = "会議の議事録を送ります"
    kind = g.rng.randrange(5)
    real, label = [("cp932", "ISO-2022-JP"), ("euc_jp", "Shift_JIS"),
                   ("iso2022_jp", "Shift_JIS"), ("utf-8", "ISO-2022-JP"),
                   ("euc_jp", "Shift_JIS")][kind]
    if kind == 4:  # kana only: it reads as half-width katakana
        text = "ありがとうございます。"
    g.shows = [text]
    m, mid = charset_body(g, t, label, text.encode(real),
                          "7bit" if real == "iso2022_jp" else "8bit")
    m.set("Subject", ew(label, "B", text.encode(real)) + " " + t)
    return m.bytes(), mid, "mail"

@mutation("ja-decomail")
def c_decomail(g, t):
    """Decomail: multipart/related with an HTML part in Shift_JIS and
    inline GIFs by cid:, inside a multipart/mixed."""
    m, mid = g.base(t)
    gif = base64.encodebytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff"
                             b"\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
                             b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
                             b"D\x01\x00;")
    html = (b"<html><body><img src=\"cid:deco1@" + t.encode() + b"\">" +
            JA.encode("cp932") + b"<br>Hostile token " + t.encode() +
            b"</body></html>\n")
    rel = Msg()
    parts = [b"Content-Type: text/html; charset=Shift_JIS\n"
             b"Content-Transfer-Encoding: 8bit\n\n" + html]
    for k in range(g.rng.randint(1, 3)):
        parts.append(("Content-Type: image/gif; name=\"deco%d.gif\"\n"
                      "Content-Transfer-Encoding: base64\nContent-ID: "
                      "<deco%d@%s>\nContent-Disposition: inline; filename="
                      "\"deco%d.gif\"\n\n" % (k, k + 1, t, k)).encode() + gif)
    multipart(rel, "related", "rel-" + t, parts, '; type="text/html"')
    outer = [b"Content-Type: " + rel.get("Content-Type").encode() + b"\n\n"
             + rel.body]
    if g.rng.random() < 0.5:
        outer.insert(0, b"Content-Type: text/plain; charset=Shift_JIS\n\n"
                     + JA.encode("cp932") + b"\n")
        alt = Msg()
        multipart(alt, "alternative", "dalt-" + t, outer)
        outer = [b"Content-Type: " + alt.get("Content-Type").encode() +
                 b"\n\n" + alt.body]
    multipart(m, "mixed", "deco-" + t, outer)
    return m.bytes(), mid, "mail"


@mutation("list-footer")
def c_listfooter(g, t):
    """A list footer appended after the final boundary (old Mailman), and
    Archived-At and List-* headers."""
    m, mid = g.base(t)
    multipart(m, "mixed", "lf-" + t, [text_part(g, t),
              b"Content-Type: application/pdf; name=\"a.pdf\"\n"
              b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"])
    m.body += (b"_______________________________________________\n"
               b"team mailing list\nteam@lists.example.net\n"
               b"https://lists.example.net/listinfo/team\n")
    m.set("List-Id", "<team.lists.example.net>")
    m.set("List-Unsubscribe", "<mailto:team-leave@lists.example.net>")
    m.set("List-Archive", "<https://lists.example.net/pipermail/team/>")
    m.set("Archived-At", "<https://lists.example.net/arch/%s>" % t)
    m.set("List-Post", "NO")
    # The footer is the epilogue, which RFC 2046 says to ignore and
    # mail clients do not show: not required.
    g.shows = ["Hostile token %s." % t]
    return m.bytes(), mid, "mail"


@mutation("content-length-lies")
def c_clen(g, t):
    """A Content-Length header that lies (Solaris mail, mutt mboxes)."""
    m, mid = g.base(t)
    m.set("Content-Length", str(g.rng.choice([0, 1, 5, 10**6, -3])))
    return m.bytes(), mid, "mail"


@mutation("digest-of-digests", 0.4)
def c_digdig(g, t):
    """A digest whose parts are digests (forwarded digests)."""
    m, mid = g.base(t)
    inner = []
    for k in range(g.rng.randint(1, 3)):
        d = inner_msg(g, t, k)
        multipart(d, "digest", "dd%d-%s" % (k, t),
                  [b"\n" + inner_msg(g, t, 10 + j).bytes()
                   for j in range(g.rng.randint(1, 3))])
        inner.append(b"\n" + d.bytes())
    multipart(m, "mixed", "ddtop-" + t, [text_part(g, t),
              b"Content-Type: multipart/digest; boundary=\"dtop-" +
              t.encode() + b"\"\n\n" + b"".join(
                  b"--dtop-" + t.encode() + b"\n" + p + b"\n"
                  for p in inner) + b"--dtop-" + t.encode() + b"--\n"])
    return m.bytes(), mid, "mail"


@mutation("flowed-delsp")
def c_flowed(g, t):
    """format=flowed; delsp=yes with Japanese soft breaks and space
    stuffing."""
    # RFC 3676 4.2: with delsp=yes the space before a soft break is the
    # sender's own, removed on reading; Japanese lines break between
    # characters with no space of their own.
    delsp = g.rng.random() < 0.5
    sp = "  " if delsp else " "
    body = ("Hostile token %s. This is a long%sflowed paragraph that "
            "goes%son.\n%s\n>> quoted%s>> more\n From stuffed\n-- \nsig\n"
            % (t, sp + "\n", sp + "\n",
               "会議の \n議事録 \nです。" if delsp else "会議の議事録です。",
               sp + "\n"))
    m, mid = single_part(g, t, 'text/plain; charset=utf-8; format=flowed;'
                         ' delsp=%s' % ("yes" if delsp else "no"), "8bit",
                         body.encode())
    g.shows = ["This is a long flowed paragraph that goes on.",
               "会議の議事録です。"]
    return m.bytes(), mid, "mail"


@mutation("calendar-only")
def c_calendar(g, t):
    """A message whose only part is text/calendar (meeting invitations)."""
    ics = ("BEGIN:VCALENDAR\nMETHOD:REQUEST\nPRODID:-//x//y//EN\nVERSION:2.0"
           "\nBEGIN:VEVENT\nUID:%s@example.com\nSUMMARY:Meeting %s\n"
           "DTSTART:20260101T100000Z\nDTEND:20260101T110000Z\nEND:VEVENT\n"
           "END:VCALENDAR\n" % (t, t))
    cte = g.rng.choice(["7bit", "base64"])
    payload = ics.encode() if cte == "7bit" else \
        base64.encodebytes(ics.replace("\n", "\r\n").encode())
    m, mid = single_part(g, t, "text/calendar; charset=utf-8; "
                         "method=REQUEST", cte, payload)
    g.shows = ["SUMMARY:Meeting " + t]
    return m.bytes(), mid, "mail"


@mutation("html-only-alt")
def c_htmlalt(g, t):
    """multipart/alternative holding only text/html; multipart/related
    with cid: images and no text at all."""
    m, mid = g.base(t)
    if g.rng.random() < 0.5:
        multipart(m, "alternative", "ho-" + t, [
            ("Content-Type: text/html; charset=utf-8\n\n<html><body><p>"
             "Hostile token %s. Grüße</p></body></html>\n" % t).encode()])
        g.shows = ["Hostile token %s. Grüße" % t]
    else:
        multipart(m, "related", "rl-" + t, [
            ("Content-Type: image/png; name=\"p.png\"\nContent-ID: <p@%s>"
             "\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
             % t).encode()], '; type="image/png"')
    return m.bytes(), mid, "mail"


@mutation("big-attachment", 0.02)
def c_big(g, t):
    """A 20 MB attachment."""
    m, mid = g.base(t)
    data = bytes(g.rng.randrange(256) for _ in range(4096)) * 5120
    multipart(m, "mixed", "big-" + t, [text_part(g, t),
              b"Content-Type: application/zip; name=\"big.zip\"\n"
              b"Content-Disposition: attachment; filename=\"big.zip\"\n"
              b"Content-Transfer-Encoding: base64\n\n" +
              base64.encodebytes(data)])
    return m.bytes(), mid, "mail"


@mutation("rfc2231-cont-only")
def c_2231cont(g, t):
    """A filename given only as RFC 2231 continuations with a charset,
    in odd order or with a gap."""
    m, mid = g.base(t)
    kind = g.rng.randrange(3)
    if kind == 0:
        p = (" filename*0*=UTF-8'ja'%E8%B3%87%E6%96%99;\n"
             " filename*1*=%E3%81%AE.pdf")
    elif kind == 1:
        p = (" filename*1*=%E3%81%AE.pdf;\n"
             " filename*0*=UTF-8''%E8%B3%87%E6%96%99")
    else:
        p = (" filename*0*=iso-8859-1''r%E9sum;\n"
             " filename*2=\"late.pdf\"")
    g.shows = ["résumlate.pdf" if kind == 2 else "資料の.pdf"]
    multipart(m, "mixed", "c2231-" + t, [text_part(g, t),
              ("Content-Type: application/pdf\nContent-Disposition: "
               "attachment;\n%s\nContent-Transfer-Encoding: base64\n\n"
               "JVBERi0xLjQK\n" % p).encode()])
    return m.bytes(), mid, "mail"



@mutation("utf16-body")
def c_utf16(g, t):
    """UTF-16 and UTF-32 text (Outlook and some web mailers send HTML so),
    base64-encoded, with or without a BOM, little or big endian."""
    r = g.rng
    codec, label = r.choice([("utf-16", "utf-16"), ("utf-16-le", "utf-16le"),
                             ("utf-16-be", "UTF-16BE"), ("utf-16-le",
                                                         "utf-16"),
                             ("utf-32", "utf-32")])
    html = r.random() < 0.5
    text = "Hostile token %s. Grüße 会議 \U0001F600\n" % t
    if html:
        text = "<html><body><p>%s</p></body></html>\n" % text
    m, mid = single_part(g, t, "text/%s; charset=%s" % (
        "html" if html else "plain", label), "base64",
        base64.encodebytes(text.encode(codec)))
    g.shows = ["Hostile token %s. Grüße 会議 \U0001F600" % t]
    return m.bytes(), mid, "mail"

@mutation("whitespace-body")
def c_wsbody(g, t):
    """A body of only whitespace (spaces, tabs, blank lines, NBSP)."""
    m, mid = g.base(t)
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", "text/plain; charset=utf-8")
    m.drop("Content-Transfer-Encoding")
    m.body = g.rng.choice([b"   \n\t\n\n", b"\n\n\n\n", b" ",
                           "\u00a0\u3000\n".encode()])
    return m.bytes(), mid, "mail"


@mutation("cte-odd")
def c_cteodd(g, t):
    """Content-Transfer-Encoding values mis-cased, padded or unknown."""
    r = g.rng
    text = (g.text(t) + "Grüße\n").encode()
    cte = r.choice(["Base64 ", "BASE64", " base64\t", "8BIT", "Quoted-"
                    "Printable", "x-uuencode", "x-unknown", "binary",
                    "7-bit", "base-64", "quoted_printable", ""])
    c = cte.strip().lower()
    if c == "base64":
        payload = base64.encodebytes(text)
    elif c == "quoted-printable":
        payload = quopri.encodestring(text)
    elif c == "x-uuencode":
        payload = uuencode(b"body.txt", text)
    else:
        payload = text
    m, mid = single_part(g, t, "text/plain; charset=utf-8", cte, payload)
    if c != "x-uuencode":
        g.shows = ["Hostile token %s." % t, "Grüße"]
    return m.bytes(), mid, "mail"


@mutation("long-references", 0.3)
def c_longrefs(g, t):
    """Gmail's long References: 1,000 to 3,000 ids folded over many
    lines, some of them this message's own thread, one of them a
    duplicate, In-Reply-To the last."""
    m, mid = g.base(t)
    n = g.rng.randint(1000, 3000)
    ids = ["<CA+%d.%s@mail.gmail.com>" % (k, t.lower()) for k in range(n)]
    ids.insert(n // 2, ids[3])
    m.set("References", "\n ".join(ids))
    m.set("In-Reply-To", ids[-1])
    m.set("Subject", "Re: %s %s" % (g.word(2), t))
    g.shows = ["Hostile token %s" % t]
    return m.bytes(), mid, "mail"


@mutation("many-recipients", 0.1)
def c_many_rcpt(g, t):
    """A mail to 2,000 to 10,000 recipients in To: and Cc:, some with
    display names that need quoting, folded or on one long line."""
    m, mid = g.base(t)
    n = g.rng.randint(2000, 10000)
    addrs = ['"Member, No. %d" <m%d@lists.example.net>' % (k, k) if k % 3
             else "m%d@example.org" % k for k in range(n)]
    sep = ",\n " if g.rng.random() < 0.7 else ", "
    m.set("To", sep.join(addrs[:n // 2]))
    m.set("Cc", sep.join(addrs[n // 2:]))
    g.shows = ["Hostile token %s" % t, "m%d@example.org" % (3 * (n // 6))]
    return m.bytes(), mid, "mail"


@mutation("bidi-names", 0.5)
def c_bidi(g, t):
    """Subjects and names with bidi controls (an unterminated RLO, RLI),
    right-to-left text and zero-width characters, raw UTF-8 or in
    encoded words."""
    m, mid = g.base(t)
    r = g.rng
    subj = r.choice(["invoice \u202egpj.exe", "\u05e9\u05dc\u05d5\u05dd "
                     "\u0645\u0631\u062d\u0628\u0627", "zero\u200bwidth"
                     "\u200d\ufeff join", "\u2067isolated\u2069 ok",
                     "\u202bembedded"])
    name = r.choice(["Mallory \u202eevil", "\u200b\u200b", "\u05d3\u05df "
                     "\u200f(RTL)", "Zed\u2066 open isolate"])
    if r.random() < 0.5:
        m.set("Subject", ew("utf-8", "B", subj.encode()) + " " + t)
        m.set("From", "%s <bidi@example.org>" % ew("utf-8", "Q",
                                                     name.encode()))
    else:
        m.set("Subject", "%s %s" % (subj, t))
        m.set("From", "\"%s\" <bidi@example.org>" % name)
    g.shows = [subj]
    return m.bytes(), mid, "mail"


@mutation("html-base", 0.5)
def c_htmlbase(g, t):
    """HTML-only mail with a <base>, a <meta charset> that contradicts
    the header, data: and cid: images and relative links."""
    m, mid = g.base(t)
    word = "Gr\u00fc\u00dfe"
    html = ("<html><head><meta charset=\"%s\"><base href=\"http://"
            "example.net/x/\"></head><body><p>Hostile token %s. %s</p>"
            "<a href=\"page.html\">relative</a><img src=\"data:image/gif;"
            "base64,R0lGODlhAQABAAAAACw=\"><img src=\"cid:logo@%s\">"
            "</body></html>\n" % (g.rng.choice(["iso-8859-1", "shift_jis",
                                                "utf-16"]), t, word, t))
    multipart(m, "related", "hb-" + t, [
        b"Content-Type: text/html; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n" +
        quopri.encodestring(html.encode()),
        ("Content-Type: image/gif\nContent-ID: <logo@%s>\nContent-"
         "Transfer-Encoding: base64\n\nR0lGODlhAQABAAAAACw=\n" % t
         ).encode()], '; type="text/html"')
    g.shows = ["Hostile token %s. %s" % (t, word)]
    return m.bytes(), mid, "mail"


# Round 11: what the pages did not show.

@mutation("rfc822-b64-only", 0.5)
def c_rfc822_b64(g, t):
    """A message whose only content is a message/rfc822 sent base64
    (RFC 2046 5.2.1 forbids it; forwarders do it): the whole message, or
    the one part of a multipart/mixed."""
    m, mid = g.base(t)
    for h in ("In-Reply-To", "References", "List-Id"):
        m.drop(h)
    inner = inner_msg(g, t, 0)
    inner.body = ("Hostile token %s, forwarded.\n" % t).encode()
    enc = base64.encodebytes(inner.bytes())
    if g.rng.random() < 0.5:
        m.set("MIME-Version", "1.0")
        m.set("Content-Type", "message/rfc822")
        m.set("Content-Transfer-Encoding", "base64")
        m.body = enc
    else:
        multipart(m, "mixed", "fb-" + t, [
            b"Content-Type: message/rfc822\nContent-Transfer-Encoding: "
            b"base64\n\n" + enc])
    g.shows = ["Hostile token %s, forwarded." % t]
    return m.bytes(), mid, "mail"


@mutation("digest-preamble-text", 0.5)
def c_digest_text(g, t):
    """A digest with a preamble inside a message that has a text part of
    its own (a forwarded list digest)."""
    m, mid = g.base(t)
    top = Msg()
    multipart(top, "digest", "dp-" + t, [
        b"\n" + inner_msg(g, t, k).bytes() for k in range(2)])
    pre = "Digest notice %s: %s" % (t, g.word(4))
    multipart(m, "mixed", "dpt-" + t, [
        text_part(g, t), b"Content-Type: " + top.get("Content-Type").encode()
        + b"\n\n" + pre.encode() + b"\n\n" + top.body])
    g.shows = ["Hostile token %s." % t, pre]
    return m.bytes(), mid, "mail"


@mutation("tnef-text-twice", 0.5)
def c_tnef_text(g, t):
    """Outlook: a text part and a winmail.dat whose attBody is another
    text, or the same one with CRLF line ends."""
    m, mid = g.base(t)
    text = g.text(t)
    same = g.rng.random() < 0.5
    body = (text.replace("\n", "\r\n") if same else
            "Rich text %s: %s\r\n" % (t, g.word(5))).encode("cp1252")
    tnef = tnef_stream([], body, 1252, g.rng.random() < 0.5)
    multipart(m, "mixed", "tt-" + t, [
        ("Content-Type: text/plain; charset=utf-8\n\n%s" % text).encode(),
        b"Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(tnef)])
    g.shows = ["Hostile token %s." % t]
    if not same:
        g.shows.append(body.decode("cp1252").strip())
    return m.bytes(), mid, "mail"


def lzfu(rtf):
    """[MS-OXRTFCP] compressed RTF of rtf (bytes starting "{\\rtf"): a
    reference to the ring's prefix for those five bytes, the rest as
    literals, a reference to the write position to end it."""
    out, ctl, run, w = bytearray(), 1, [b"\x00\x03"], 207 + 5
    for c in rtf[5:]:
        if len(run) == 8:
            out += bytes([ctl]) + b"".join(run)
            ctl, run = 0, []
        run.append(bytes([c]))
        w += 1
    if len(run) == 8:
        out += bytes([ctl]) + b"".join(run)
        ctl, run = 0, []
    ctl |= 1 << len(run)
    run.append(bytes([(w % 4096) >> 4, ((w % 4096) & 15) << 4]))
    out += bytes([ctl]) + b"".join(run)
    crc = 0  # not checked by readers that take it leniently
    return (len(out) + 12).to_bytes(4, "little") + \
        len(rtf).to_bytes(4, "little") + b"LZFu" + \
        crc.to_bytes(4, "little") + bytes(out)


@mutation("tnef-rtf-only", 0.5)
def c_tnef_rtf(g, t):
    """Outlook's "rich text": a winmail.dat whose only text is its
    compressed RTF (PR_RTF_COMPRESSED), an HTML body's tags in it."""
    m, mid = g.base(t)
    word = g.word(4)
    rtf = (b"{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 {\\fonttbl{\\f0 "
           b"Arial;}}{\\*\\htmltag64 <p>}Hostile token " + t.encode() +
           b".\\par Caf\\'e9 " + word.encode() + b"{\\*\\htmltag72 </p>}}")
    z = lzfu(rtf)
    v = z + bytes(-len(z) % 4)
    props = (b"\1\0\0\0" + (0x0102 | 0x1009 << 16).to_bytes(4, "little") +
             b"\1\0\0\0" + len(z).to_bytes(4, "little") + v)
    attr = (b"\1" + (0x00069003).to_bytes(4, "little") +
            len(props).to_bytes(4, "little") + props +
            (sum(props) & 0xffff).to_bytes(2, "little"))
    tnef = b"\x78\x9f\x3e\x22\x01\x00" + attr
    multipart(m, "mixed", "tr-" + t, [
        b"Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(tnef)])
    g.shows = ["Hostile token %s." % t, "Caf\u00e9 " + word]
    return m.bytes(), mid, "mail"


# SoftBank codes: (Shift_JIS, what it shows). F94A is SoftBank's alone;
# F941 and F741 share their codes with DoCoMo and KDDI; FB41 is an IBM
# kanji to CP932.
SOFTBANK = [(b"\xf9\x4a", "\U0001F4F1"), (b"\xf9\x41", "\U0001F466"),
            (b"\xf7\x41", "\U0001F4EB"), (b"\xfb\x41", "\U0001F625")]


@mutation("ja-softbank")
def c_softbank(g, t):
    """SoftBank mail: Shift_JIS with SoftBank's emoji (one of its own
    codes and an FB code, so the carrier is certain), and the webcode
    escapes (ESC $ G ... SI) in the subject or text."""
    r = g.rng
    codes = [SOFTBANK[0], SOFTBANK[3]] + [r.choice(SOFTBANK)
                                          for _ in range(r.randint(0, 3))]
    r.shuffle(codes)
    web = b"\x1b$G!\"\x0f"  # boy, girl
    text = JA.encode("cp932") + b" " + b"".join(c for c, _ in codes) + \
        b" " + web
    m, mid = charset_body(g, t, r.choice(SJIS_LABELS), text,
                          r.choice(["8bit", "base64"]))
    if m.get("Content-Transfer-Encoding") == "base64":
        m.body = base64.encodebytes(m.body)
    m.set("Subject", ew("Shift_JIS", "B", "会議".encode("cp932") + web)
          + " " + t)
    m.set("From", "%s@softbank.ne.jp" % t.lower())
    g.shows = [JA, "".join(u for _, u in codes),
               "\U0001F466\U0001F467"]
    return m.bytes(), mid, "mail"


@mutation("inline-text-parts")
def c_inline_parts(g, t):
    """Text/plain parts past the body that are no attachment: a mailing
    list's footer after a signed or alternative body, the text after a
    picture, a named inline text: a page shows each after the body."""
    r = g.rng
    m, mid = g.base(t)
    foot = "Inline footer %s %s." % (g.word(3), t)
    body = text_part(g, t)
    kind = r.randrange(3)
    if kind == 1:
        body = ("Content-Type: multipart/alternative; boundary=\"alt-%s\""
                "\n\n--alt-%s\n" % (t, t)).encode() + text_part(g, t) + (
            "\n--alt-%s\nContent-Type: text/html\n\n<p>html %s</p>\n"
            "--alt-%s--\n" % (t, t, t)).encode()
    parts = [body]
    if kind == 2:
        parts.append(b"Content-Type: image/gif; name=p.gif\nContent-Disposit"
                     b"ion: attachment; filename=p.gif\nContent-Transfer-"
                     b"Encoding: base64\n\nR0lGODlhAQABAAAAACw=\n")
    disp = r.choice(["", "Content-Disposition: inline\n",
                     "Content-Disposition: inline; filename=notes.txt\n"])
    parts.append(("Content-Type: text/plain; charset=utf-8\n%s"
                  "Content-Transfer-Encoding: %s\n\n" % (
                      disp, "base64" if kind == 0 else "8bit")).encode() +
                 (base64.encodebytes if kind == 0 else bytes)(
                     ("_____\n%s\nGrüße\n" % foot).encode()))
    multipart(m, "mixed", "inl-" + t, parts)
    g.shows = [foot, "Grüße"]
    return m.bytes(), mid, "mail"


@mutation("rfc822-named")
def c_rfc822_named(g, t):
    """A message/rfc822 part given a file name (bounces: filename=
    "original message.eml", Content-Type name=): the page lists it by
    that name."""
    r = g.rng
    m, mid = g.base(t)
    name = "orig %s.eml" % t
    where = r.choice(["Content-Type: message/rfc822; name=\"%s\"\n",
                      "Content-Type: message/rfc822\nContent-Disposition: "
                      "attachment; filename=\"%s\"\n"]) % name
    multipart(m, "mixed", "rn-" + t, [
        text_part(g, t),
        where.encode() + b"\n" + inner_msg(g, t, 1).bytes()])
    g.shows = [name]
    return m.bytes(), mid, "mail"


@mutation("header-no-blank")
def c_no_blank(g, t):
    """The text straight after the header, with no blank line between
    (hand-written mail): the page shows it, search finds it."""
    r = g.rng
    fn, fa = g.addr()
    lines = ["From: %s" % fa, "To: team@example.org",
             "Subject: no gap %s %s" % (g.word(2), t), "Date: " + g.date(),
             "Message-ID: <%s>" % g.mid(t), "X-Hostile-Token: " + t]
    mid = lines[4][len("Message-ID: <"):-1]
    text = "Hostile token %s, no blank line above.\n" % t
    if r.randrange(2):
        text += g.text(t)
    data = ("\n".join(lines) + "\n" + text).encode()
    if r.randrange(3) == 0:
        data = data.replace(b"\n", b"\r\n")
    g.shows = ["Hostile token %s, no blank line above." % t]
    return data, mid, "mail"


@mutation("ja-raw-euc-header")
def c_raw_euc_header(g, t):
    """Old Japanese mailers: an ISO-2022-JP body, and the Subject and the
    sender's name written raw in EUC-JP (or Shift_JIS) without encoded
    words: EUC-JP's kanji must not show as half-width katakana."""
    r = g.rng
    enc = r.choice(["euc-jp", "euc-jp", "cp932"])
    subj, name = r.choice([("会議の議事録", "山田 太郎"),
                           ("見積書の送付", "佐藤 花子"),
                           ("打ち合わせ", "高橋 一郎")])
    m, mid = charset_body(g, t, "ISO-2022-JP", "本文です。".encode("iso-2022-jp"),
                          "7bit")
    m.set("Subject", "@SUBJ@ " + t)
    m.set("From", "@NAME@ <%s@example.jp>" % t.lower())
    data = m.bytes().replace(b"@SUBJ@", subj.encode(enc)).replace(
        b"@NAME@", name.encode(enc))
    g.shows = [subj + " " + t, name, "本文です。"]
    return data, mid, "mail"


@mutation("bare-text-charset")
def c_bare_text(g, t):
    """Content-Type: text; charset=X (no subtype, as some mailers write):
    RFC 2045 5.2 reads it as text/plain in the charset it names."""
    r = g.rng
    cs, text = r.choice([("koi8-r", "Привет, мир"),
                         ("iso-8859-7", "Καλημέρα κόσμε"),
                         ("windows-1251", "Добрый день")])
    m, mid = charset_body(g, t, cs, text.encode(cs))
    m.set("Content-Type", r.choice(["text; charset=%s", "text ;charset=\"%s\"",
                                    "text; format=flowed; charset=%s"]) % cs)
    g.shows = [text]
    return m.bytes(), mid, "mail"


# Round 12: what was dropped or garbled.

@mutation("broken-fold")
def c_broken_fold(g, t):
    """A long Subject or To split by a broken client: the next line has
    no leading blank and is no field. It is read as a continuation of
    the field above (lib/mime_fold.c): the page shows the whole value."""
    r = g.rng
    m, mid = g.base(t)
    head = "%s %s" % (g.word(r.randint(2, 5)), t)
    tail = "%s and the %s" % (g.word(r.randint(1, 4)), g.word(2))
    m.set("Subject", "%s\n%s" % (head, tail))
    shows = ["%s %s" % (head, tail)]
    if r.random() < 0.5:
        _, extra = g.addr()
        m.set("To", "%s,\n%s" % (m.get("To"), extra))
        shows.append(extra)
    data = m.bytes()
    if r.random() < 0.3:
        data = data.replace(b"\n", b"\r\n")
    g.shows = shows
    return data, mid, "mail"


@mutation("html-meta-raw-header")
def c_meta_raw_header(g, t):
    """An HTML body whose charset only a <meta> tag names, and the Subject
    and the sender's name written raw in that charset: they are read in
    it, as the body is."""
    r = g.rng
    cs, subj, name, text = r.choice([
        ("koi8-r", "Привет из офиса", "Иван Петров", "Добрый день"),
        ("iso-8859-7", "Καλημέρα σας", "Γιώργος", "Ευχαριστώ πολύ"),
        ("windows-1251", "Отчёт за квартал", "Ольга", "Спасибо")])
    m, mid = g.base(t)
    m.drop("In-Reply-To")
    html = ("<html><head>%s</head><body><p>Hostile token %s. %s</p>"
            "</body></html>\n" % (r.choice([
                '<meta charset="%s">' % cs,
                '<meta http-equiv="Content-Type" content="text/html; '
                'charset=%s">' % cs]), t, text)).encode(cs)
    cte = r.choice(["8bit", "quoted-printable", "base64"])
    enc = {"8bit": bytes, "quoted-printable": quopri.encodestring,
           "base64": base64.encodebytes}[cte](html)
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", "text/html")
    m.set("Content-Transfer-Encoding", cte)
    m.set("Subject", "@SUBJ@ " + t)
    m.set("From", "@NAME@ <%s@example.org>" % t.lower())
    m.body = enc
    g.shows = [subj + " " + t, name, text]
    return m.bytes().replace(b"@SUBJ@", subj.encode(cs)).replace(
        b"@NAME@", name.encode(cs)), mid, "mail"


@mutation("cjk-raw-header")
def c_cjk_raw_header(g, t):
    """A Subject and a sender's name written raw in Big5, GB2312,
    EUC-KR, EUC-JP or KOI8-R over a text body in ISO-8859-1 (or one
    naming no charset): read in their charset, not as Latin-1 letters,
    nor in a CJK charset that takes the same bytes."""
    r = g.rng
    cs, subj, name = r.choice([
        ("big5", "中文報告", "台北辦公室"), ("big5", "關於下週的會議", "陳大文"),
        ("big5", "會議記錄", "王小明"), ("gb2312", "关于下周的会议", "张伟"),
        ("gb2312", "会议纪要", "李娜"), ("euc-kr", "안녕하세요", "김민수"),
        # Bytes that fit two charsets: all in the rows of KS X 1001's
        # hangul (was read as Korean), Big5 pairs common in GB2312.
        ("gb2312", "关于北京大会", "张伟"), ("gb2312", "北京大会", "李娜"),
        ("big5", "關閉視窗", "陳大文"), ("big5", "選擇網路", "王小明"),
        # Short Japanese (was Big5 or GB2312), and KOI8-R whose every
        # word has an even number of letters (was GB2312).
        ("euc-jp", "お知らせ", "テスト"), ("euc-jp", "ありがとう", "議事録"),
        ("koi8-r", "Привет всем", "Иван Петров")])
    m, mid = g.base(t)
    m.drop("In-Reply-To")
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", r.choice(["text/plain; charset=iso-8859-1",
                                    "text/plain; charset=windows-1252",
                                    "text/plain"]))
    m.set("Content-Transfer-Encoding", "8bit")
    m.set("Subject", "@SUBJ@ " + t)
    m.set("From", "@NAME@ <%s@example.org>" % t.lower())
    m.body = ("Hostile token %s. Grüße aus Köln.\n" % t).encode("latin-1")
    g.shows = [subj + " " + t, name, "Grüße aus Köln."]
    return m.bytes().replace(b"@SUBJ@", subj.encode(cs)).replace(
        b"@NAME@", name.encode(cs)), mid, "mail"


@mutation("rfc822-bytes")
def c_rfc822_bytes(g, t):
    """A forwarded message/rfc822 that gmime would write otherwise (a
    broken fold, odd spacing, a preamble and an epilogue, blank lines at
    its end, CRLF): its download is the attached bytes as archived."""
    r = g.rng
    m, mid = g.base(t)
    inner = inner_msg(g, t, 1)
    inner.set("From", "  Forwarded   Sender  <fwd@example.org>")
    inner.set("Subject", "forwarded %s\nsplit off it" % t)
    b = "in-" + t
    inner.set("MIME-Version", "1.0")
    inner.set("Content-Type", "multipart/mixed;\n\tboundary=\"%s\"" % b)
    inner.body = ("preamble %s\n--%s\nContent-Type: text/plain\n\n"
                  "inner text %s\n--%s--\nepilogue\n%s" % (
                      t, b, t, b, "\n" * r.randint(0, 2))).encode()
    data = inner.bytes()
    if r.random() < 0.3:
        data = data.replace(b"\n", b"\r\n")
    multipart(m, "mixed", "rb-" + t, [
        text_part(g, t),
        b"Content-Type: message/rfc822\nContent-Disposition: attachment; "
        b"filename=\"fwd.eml\"\n\n" + data])
    # As archived: intake makes every CRLF of a file LF (msg.h).
    g.atts = [hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()]
    return m.bytes(), mid, "mail"


@mutation("encoding-cut-end")
def c_cut_end(g, t):
    """A text part whose transfer encoding stops short at the very end: a
    base64 body without its padding (2 or 3 characters after the last
    full quantum: mailers that strip '=') or a quoted-printable one that
    ends in "=X". The last letters of its last line are on the page and
    in search, and an attachment cut the same way downloads whole."""
    r = g.rng
    m, mid = g.base(t)
    last = "Hostile token %s ends with %s" % (t, g.word())
    if r.randrange(3):
        text = g.text(t) + last
        while len(text.encode()) % 3 == 0:
            text += "s"
            last += "s"
        enc = base64.b64encode(text.encode()).rstrip(b"=")
        body = b"\n".join(enc[i:i + 76] for i in range(0, len(enc), 76))
        cte = "base64"
    else:
        last += ", total=%d" % r.randint(1, 9)
        body = (g.text(t) + last).encode()
        cte = "quoted-printable"
    blob = bytes(r.randrange(256) for _ in range(r.choice([10, 11, 301])))
    multipart(m, "mixed", "ce-" + t, [
        ("Content-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: %s\n\n" % cte).encode() + body +
        (b"\n" if r.randrange(2) else b""),
        b"Content-Type: application/octet-stream\nContent-Disposition: "
        b"attachment; filename=\"cut.bin\"\nContent-Transfer-Encoding: "
        b"base64\n\n" + base64.b64encode(blob).rstrip(b"=") + b"\n"])
    g.shows = [last]
    return m.bytes(), mid, "mail"


@mutation("related-start", 0.5)
def c_related_start(g, t):
    """A multipart/related whose start parameter names a root that is
    not its first part, a text part (an HTML fragment the root includes,
    a stylesheet written as text/html) before it: RFC 2387 makes the
    root the body, so the page shows the root's text (a text/plain part
    before it was the body instead, the root offered as its HTML
    version)."""
    r = g.rng
    m, mid = g.base(t)
    root = "root.%s@example.org" % t.lower()
    text = "Hostile token %s is the root of %s" % (t, g.word(2))
    before = [("text/html", "<p>fragment %s</p>" % g.word(3)),
              ("text/plain", "resource %s" % g.word(3))][r.randrange(2)]
    parts = [("Content-Type: %s; charset=utf-8\nContent-ID: <inc.%s@"
              "example.org>\n\n%s\n" % (before[0], t.lower(),
                                         before[1])).encode()
             for _ in range(r.randint(1, 2))]
    parts.append(("Content-Type: text/html; charset=utf-8\nContent-ID: "
                  "<%s>\n\n<html><body><p>%s</p></body></html>\n"
                  % (root, text)).encode())
    multipart(m, "related", "rs-" + t, parts,
              '; type="text/html"; start="<%s>"' % root)
    g.shows = [text]
    return m.bytes(), mid, "mail"


@mutation("from-unparsable", 0.5)
def c_from_unparsable(g, t):
    """A From whose parser skips words: an address it cannot read before
    a good one, or a broken fold (a line with no leading blank) after an
    address with no closing '>'. The page showed the good address alone,
    the other words lost; it must show them all."""
    r = g.rng
    m, mid = g.base(t)
    lost = "Lost Sender %s" % t.replace("-", " ")
    good = "Good Name <good.%s@example.org>" % t.lower()
    m.set("From", [
        "%s <lost@@bad.example>, %s" % (lost, good),
        "%s <lost.%s@example.org\n%s" % (good.split(" <")[0], t.lower(),
                                         lost),
        "\"%s\" <@>, %s" % (lost, good),
    ][r.randrange(3)])
    g.shows = [lost]
    return m.bytes(), mid, "mail"


@mutation("html-hides-text", 0.5)
def c_html_hides_text(g, t):
    """An HTML body that shows nothing while the message has text: a
    Klez-style <iframe> never closed before the letter (a browser shows
    none of its raw text), or a body of only a <title> and a script, or
    an HTML root of a multipart/related that is only a <noscript>. The
    page showed an empty frame; it must show the text."""
    r = g.rng
    m, mid = g.base(t)
    text = "Hostile token %s is hidden in %s" % (t, g.word(2))
    kind = r.randrange(3)
    if kind == 0:
        m.set("Content-Type", "text/html; charset=us-ascii")
        m.body = ("<html><body><iframe src=cid:%s.exe height=0 width=0>"
                  "\n<p>%s</p></body></html>\n" % (t.lower(), text)).encode()
    elif kind == 1:
        m.set("Content-Type", "text/html; charset=utf-8")
        m.body = ("<html><head><title>%s</title></head><body>&nbsp;"
                  "<script>var x=1;</script></body></html>\n"
                  % text).encode()
    else:
        multipart(m, "related", "hh-" + t, [
            ("Content-Type: text/html; charset=utf-8\n\n<html><body>"
             "<noscript>%s</noscript></body></html>\n" % text).encode(),
            ("Content-Type: image/png; name=\"p.png\"\nContent-ID: <p@%s>"
             "\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
             % t).encode()], '; type="text/html"')
    g.shows = [text]
    return m.bytes(), mid, "mail"


@mutation("cjk-ascii-trail", 0.5)
def c_cjk_ascii_trail(g, t):
    """A Subject written raw in Big5 or Shift_JIS whose pairs take ASCII
    trail bytes, over a Latin-1 body or one naming no charset: each
    8-bit byte stands alone between ASCII ones, so the windows-1252
    reading looked like Latin text ("\u00a5x\u00a5_" for "\u53f0\u5317")."""
    r = g.rng
    cs, subj = r.choice([
        ("big5", "台北"), ("big5", "工作"), ("big5", "密碼"),
        ("big5", "經理"), ("big5", "地址"), ("big5", "台北工作"),
        ("shift_jis", "テスト"), ("shift_jis", "確認"),
        ("shift_jis", "添付"), ("shift_jis", "確認テスト")])
    m, mid = g.base(t)
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", r.choice(["text/plain; charset=iso-8859-1",
                                    "text/plain"]))
    m.set("Content-Transfer-Encoding", "8bit")
    m.set("Subject", "@SUBJ@ " + t)
    m.body = ("Hostile token %s. Gr\u00fc\u00dfe.\n" % t).encode("latin-1")
    g.shows = [subj + " " + t]
    return m.bytes().replace(b"@SUBJ@", subj.encode(cs)), mid, "mail"


@mutation("ew-lang-tag", 0.5)
def c_ew_lang_tag(g, t):
    """Encoded words with an RFC 2231 language tag after the charset
    (=?utf-8*en?q?...?=, RFC 2231 section 5) in the Subject and the
    sender's name: the text, not the encoded word, is what a page shows."""
    r = g.rng
    subj, name = "Gr\u00fc\u00dfe aus K\u00f6ln", "Ren\u00e9e L\u00e9vy"
    cs = r.choice(["utf-8", "iso-8859-1"])
    lang = r.choice(["en", "de", "fr-CA", "DE"])

    def ew(text):
        raw = text.encode(cs)
        if r.randrange(2):
            return "=?%s*%s?B?%s?=" % (cs, lang,
                                       base64.b64encode(raw).decode())
        return "=?%s*%s?Q?%s?=" % (cs, lang, "".join(
            chr(b) if 0x30 <= b < 0x7f and b not in (0x3d, 0x3f, 0x5f)
            else "_" if b == 0x20 else "=%02X" % b for b in raw))
    m, mid = g.base(t)
    m.set("Subject", "%s %s" % (ew(subj), t))
    m.set("From", "%s <%s@example.org>" % (ew(name), t.lower()))
    g.shows = [subj + " " + t, name]
    return m.bytes(), mid, "mail"


@mutation("cs-7bit-stateful", 0.5)
def c_cs_7bit_stateful(g, t):
    """A body in a 7-bit charset that shifts into another with escapes
    or signs: UTF-7, ISO-2022-KR, HZ-GB-2312. Shown raw it is
    "+AOQ-" or "~{SZ~}"; the page must show the text."""
    r = g.rng
    cs, codec, text = r.choice([
        ("utf-7", "utf-7", "Gr\u00fc\u00dfe aus K\u00f6ln, \u20ac 20"),
        ("UTF-7", "utf-7", "\u4f1a\u8bae\u7eaa\u8981 ok"),
        ("iso-2022-kr", "iso2022_kr",
         "\uc548\ub155\ud558\uc138\uc694 \ud68c\uc758\ub85d"),
        ("hz-gb-2312", "hz", "\u4f1a\u8bae\u7eaa\u8981 \u5173\u4e8e"
         "\u4e0b\u5468")])
    m, mid = g.base(t)
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", "text/plain; charset=%s" % cs)
    m.set("Content-Transfer-Encoding", "7bit")
    m.body = ("Hostile token %s.\n%s\n" % (t, text)).encode(codec)
    g.shows = [text]
    return m.bytes(), mid, "mail"


@mutation("cs-alias-label", 0.5)
def c_cs_alias_label(g, t):
    """A body labelled with a name mailers use for its charset other
    than the registered one (Outlook's ks_c_5601-1987 for Korean,
    x-sjis, latin1, utf8, cp1252, x-euc-jp, gb_2312-80, big5-hkscs,
    iso-8859-8-i, x-mac-roman): the page must show the text, not the
    bytes read as Latin-1 (gb_2312-80, x-mac-roman and iso-8859-8-i
    were: iconv does not know those names)."""
    r = g.rng
    label, codec, text = r.choice([
        ("ks_c_5601-1987", "euc-kr", "\uc548\ub155\ud558\uc138\uc694"),
        ("x-sjis", "shift_jis", "\u4f1a\u8b70\u306e\u8b70\u4e8b\u9332"),
        ("latin1", "latin-1", "Gr\u00fc\u00dfe aus K\u00f6ln"),
        ("utf8", "utf-8", "Gr\u00fc\u00dfe \u4f1a\u8bae"),
        ("cp1252", "cp1252", "l\u2019\u00e9t\u00e9 \u20ac"),
        ("x-euc-jp", "euc-jp", "\u304a\u77e5\u3089\u305b"),
        ("gb_2312-80", "gb2312", "\u4f1a\u8bae\u7eaa\u8981"),
        ("big5-hkscs", "big5", "\u6703\u8b70\u8a18\u9304"),
        ("x-mac-roman", "mac-roman", "Gr\u00fc\u00dfe aus K\u00f6ln"),
        ("windows-874", "cp874", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35"),
        ("iso-8859-8-i", "iso-8859-8", "\u05e9\u05dc\u05d5\u05dd"),
        ("ks_c_5601-1989", "euc-kr", "\ud68c\uc758\ub85d"),
        ("korean", "euc-kr", "\uc548\ub155"),
        ("x-cp1251", "cp1251", "\u041f\u0440\u0438\u0432\u0435\u0442"),
        # Python's codec names, as its email package writes them.
        ("koi8_u", "koi8_u", "\u041f\u0440\u0438\u0432\u0456\u0442"),
        ("windows_1251", "cp1251", "\u041f\u0440\u0438\u0432\u0435\u0442"),
        ("euc_kr", "euc-kr", "\ud68c\uc758\ub85d")])
    m, mid = g.base(t)
    m.set("MIME-Version", "1.0")
    m.set("Content-Type", "text/plain; charset=%s" % label)
    m.set("Content-Transfer-Encoding", "8bit")
    m.body = ("Hostile token %s.\n" % t).encode() + text.encode(codec) + \
        b"\n"
    g.shows = [text]
    return m.bytes(), mid, "mail"


def make_input(g, cls):
    g.n += 1
    token = "T%d-%d" % (g.seed, g.n)
    fn, _ = CLASSES[cls]
    g.shows = []
    g.atts = []
    data, mid, expect = fn(g, token)
    if isinstance(expect, tuple):  # an exact copy of an earlier input
        token = expect[1]
        expect = "mail"
    elif expect == "mail" and cls not in ("nul-bytes",):
        g.done.append((token, data, mid))
    return token, data, mid, expect


def write_mbox(g, path, k, style, manifest, fname):
    """k messages in one mbox: "mboxrd" (blank line before each From_),
    "no-blank" (none), "crlf" (CRLF line ends), "cr" (CR alone, classic
    Mac OS), "mmdf" (between lines of four ^A), "bom" (a leading BOM),
    "from-text" (body lines that start with "From " but are no From_
    line, left unescaped as many mailers do)."""
    out = []
    for i in range(k):
        g.n += 1
        token = "T%d-%d" % (g.seed, g.n)
        m, mid = g.base(token)
        m.drop("Received")
        body = m.bytes().replace(b"\nFrom ", b"\n>From ")
        if style == "from-text":
            body += (b"From the desk of %s:\nFrom here on, all good.\n"
                     b"From: quoted header line\n" % token.encode())
        elif style == "rd-quoted":
            body += b"\n>From quoted once\n>>From quoted twice\n"
        elif style in ("cl-true", "cl-lies"):
            # mboxcl2: no quoting, a Content-Length says where the body
            # ends; a body line can then be an envelope line itself.
            head, _, text = m.bytes().partition(b"\n\n")
            text += (b"\nFrom sender@example.com Sun Jul 16 15:06:25 2023"
                     b"\nnot a message %s\n" % token.encode())
            n = len(text)
            if style == "cl-lies":
                n = g.rng.choice([0, 3, n // 2, n + 7, n * 40, 10**12])
            body = head + b"\nContent-Length: %d\n\n" % n + text
            if style == "cl-lies":  # a lie: the From_ line is quoted
                body = body.replace(b"\nFrom sender", b"\n>From sender")
        env = b"From sender@example.com Sun Jul 16 15:06:25 2023\n"
        sep = b"\n" if style != "no-blank" else b""
        chunk = env + body + sep
        if style == "crlf":
            chunk = chunk.replace(b"\n", b"\r\n")
        elif style == "cr":
            chunk = chunk.replace(b"\n", b"\r")
        elif style == "mmdf":
            chunk = b"\1\1\1\1\n" + m.bytes() + b"\1\1\1\1\n"
        out.append(chunk)
        manifest.append((token, "mbox-" + style, "mail", fname, mid, [],
                         []))
    data = (b"\xef\xbb\xbf" if style == "bom" else b"") + b"".join(out)
    if style == "gzip":
        data = gzip.compress(data, mtime=0)
    with open(path, "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--mboxes", type=int, default=0)
    ap.add_argument("--classes", default="")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for c in CLASSES:
            print(c)
        return 0
    if a.out is None:
        ap.error("OUT is required")
    classes = [c for c in a.classes.split(",") if c] or list(CLASSES)
    for c in classes:
        if c not in CLASSES:
            ap.error("no class '%s' (see --list)" % c)
    g = Gen(a.seed)
    os.makedirs(os.path.join(a.out, "msg"), exist_ok=True)
    manifest = []
    weights = [CLASSES[c][1] for c in classes]
    for i in range(a.count):
        # Every class once first, then by weight.
        cls = classes[i] if i < len(classes) else \
            g.rng.choices(classes, weights)[0]
        token, data, mid, expect = make_input(g, cls)
        fname = "msg/%05d-%s.eml" % (i, cls)
        with open(os.path.join(a.out, fname), "wb") as f:
            f.write(data)
        manifest.append((token, cls, expect, fname, mid, g.shows, g.atts))
    if a.mboxes > 0:
        os.makedirs(os.path.join(a.out, "mbox"), exist_ok=True)
    for i in range(a.mboxes):
        styles = ["mboxrd", "no-blank", "crlf", "bom", "from-text",
                  "cr", "mmdf", "rd-quoted", "cl-true", "cl-lies", "gzip"]
        style = styles[i % len(styles)]
        fname = "mbox/%03d-%s.mbox%s" % (i, style,
                                         ".gz" if style == "gzip" else "")
        write_mbox(g, os.path.join(a.out, fname), g.rng.randint(2, 6),
                   style, manifest, fname)
    with open(os.path.join(a.out, "manifest.tsv"), "w",
              encoding="utf-8") as f:
        for token, cls, expect, fname, mid, shows, atts in manifest:
            mid = (mid or "-").replace("\t", " ").replace("\n", " ")
            f.write("%s\t%s\t%s\t%s\t%s\t%s%s\n" % (
                token, cls, expect, fname, mid,
                "\x1f".join(shows) if shows else "-",
                "\t-\t" + ",".join(atts) if atts else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
