#!/usr/bin/env python3
"""Odd and hostile mail, deterministic per seed.

hostile_mail.py [--seed S] [--count N] [--mboxes K] [--classes A,B,...] OUT

writes N inputs into OUT/msg/ (one message, or one non-message, per file)
and, with --mboxes K, K mbox files into OUT/mbox/ (their messages count as
inputs too), made by mutating realistic base messages: line ends, transfer
encodings, encoded words, RFC 2231 parameters, charsets, broken MIME,
missing and duplicate headers, huge values, leading junk, NUL bytes, and
files that are not mail at all. OUT/manifest.tsv says, per input:

  TOKEN <TAB> CLASS <TAB> EXPECT <TAB> FILE <TAB> MESSAGE-ID

TOKEN is unique per input and is written into the input as the header
line "X-Hostile-Token: TOKEN" (and into the body where there is one), so
that a verifier can tell which archived or set-aside file came from which
input; the only inputs sharing a token are exact copies (class
"exact-duplicate": the same bytes as an earlier input). EXPECT is "mail"
(a message: it must end archived and visible, or set aside as a
duplicate of itself), "either" (archiving it or setting it aside as not a
message are both defensible) or "junk" (not a message). MESSAGE-ID is the
one written (without brackets) or "-".

Every random choice comes from one random.Random(seed); the same seed and
arguments give the same bytes. --list prints the classes.
"""
import argparse
import base64
import os
import quopri
import random
import sys

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
    return m.bytes(), mid, "mail"


@mutation("ew-unpadded")
def c_ew_unpad(g, t):
    m, mid = g.base(t)
    m.set("Subject", "%s %s" % (ew("utf-8", "B", b"xpto", pad=False), t))
    name = ew("utf-8", "B", "Zoë Ünal".encode(), pad=False)
    m.set("From", "%s <zoe@example.com>" % name)
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
    return data, mid, "mail"


@mutation("cs-shift-jis")
def c_sjis(g, t):
    # CP932 (NEC and IBM extensions) and a DoCoMo emoji (F8 9F, sun).
    m, mid = charset_body(g, t, "Shift_JIS",
                          JA.encode("cp932") + b" \xf8\x9f")
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
    return m.bytes(), mid, "mail"


@mutation("cs-jis-holds-utf8")
def c_jis_utf8(g, t):
    m, mid = charset_body(g, t, "ISO-2022-JP", JA.encode())
    return m.bytes(), mid, "mail"


@mutation("cs-bogus-label")
def c_bogus(g, t):
    label = g.rng.choice(["x-unknown", "utf8mb4", "\"\"", "latin-99",
                          "unicode-1-1-utf-7", "iso-8859-1\x01"])
    m, mid = charset_body(g, t, label, "naïve 日本".encode())
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


def make_input(g, cls):
    g.n += 1
    token = "T%d-%d" % (g.seed, g.n)
    fn, _ = CLASSES[cls]
    data, mid, expect = fn(g, token)
    if isinstance(expect, tuple):  # an exact copy of an earlier input
        token = expect[1]
        expect = "mail"
    elif expect == "mail" and cls not in ("nul-bytes",):
        g.done.append((token, data, mid))
    return token, data, mid, expect


def write_mbox(g, path, k, style, manifest, fname):
    """k messages in one mbox: "mboxrd" (blank line before each From_),
    "no-blank" (none), "crlf" (CRLF line ends), "bom" (a leading BOM)."""
    out = []
    for i in range(k):
        g.n += 1
        token = "T%d-%d" % (g.seed, g.n)
        m, mid = g.base(token)
        m.drop("Received")
        body = m.bytes().replace(b"\nFrom ", b"\n>From ")
        env = b"From sender@example.com Sun Jul 16 15:06:25 2023\n"
        sep = b"\n" if style != "no-blank" else b""
        chunk = env + body + sep
        if style == "crlf":
            chunk = chunk.replace(b"\n", b"\r\n")
        out.append(chunk)
        manifest.append((token, "mbox-" + style, "mail", fname, mid))
    with open(path, "wb") as f:
        f.write((b"\xef\xbb\xbf" if style == "bom" else b"") + b"".join(out))


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
        manifest.append((token, cls, expect, fname, mid))
    if a.mboxes > 0:
        os.makedirs(os.path.join(a.out, "mbox"), exist_ok=True)
    for i in range(a.mboxes):
        style = ["mboxrd", "no-blank", "crlf", "bom"][i % 4]
        fname = "mbox/%03d-%s.mbox" % (i, style)
        write_mbox(g, os.path.join(a.out, fname), g.rng.randint(2, 6),
                   style, manifest, fname)
    with open(os.path.join(a.out, "manifest.tsv"), "w",
              encoding="utf-8") as f:
        for token, cls, expect, fname, mid in manifest:
            f.write("%s\t%s\t%s\t%s\t%s\n" % (token, cls, expect, fname,
                                              mid if mid else "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
