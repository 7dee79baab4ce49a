#!/usr/bin/env python3
"""Turn test mail that other projects ship into invariant.py's input.

realmail.py SRC OUT

SRC is a folder of unpacked packages (tests/torture/realmail.sh makes it);
every file under SRC whose name is in SOURCES below is read, and so is
each string literal that reads as a message in the test sources that
LITERALS names. A file that starts with "From " is an mbox (split at each
From_ line); any other file whose first line is a header is one message.
Each message gets a first header line "X-Hostile-Token: T7000-N" (after
its From_ line in an mbox), and nothing else of it changes. Files already
seen (same bytes) are skipped, and so is a message already taken that
mailarc-dedupe would take for the same (same_key()). Messages go to
OUT/msg/NNNN-CLASS.eml, mboxes to OUT/mbox/NNN-CLASS.mbox;
OUT/manifest.tsv is hostile_mail.py's manifest (CLASS is the package the
file came from, EXPECT "mail", "either" for a MIME fragment with no From,
To or Subject, or "no-archive" for a message with X-No-Archive: yes) with
a seventh column: words that "mailarc search KEY body:" must find, and an
eighth: the SHA-256 of each attachment's decoded bytes, which the site
must hold (attachment_sums()).

What a page must show (SHOWS) is what Python's email package reads: the
subject (when Python can decode it), the attachments' file names, and up
to four plain lines of the inline text/plain parts (or of the HTML
part's text when there is no text/plain part), not those of the messages
it carries (a page lists each as one file): lines of words only, with no
address, link, quote or signature, which a page marks up.
"""
import email
import email.policy
import hashlib
import html.parser
import os
import re
import sys

# (class, the end of a file's path under SRC)
SOURCES = [
    ("py-email", re.compile(r"test/test_email/data/msg_[0-9a-z]+\.txt$")),
    ("flufl-bounce", re.compile(r"flufl/bounce/tests/data/[a-z0-9_]+\.txt$")),
    ("hyperkitty", re.compile(r"hyperkitty/tests/testdata/[^/]+\.txt$")),
    ("mailman", re.compile(r"mailman/.*tests/data/[^/]+\.eml$")),
    ("mailman", re.compile(r"mailman/chains/tests/[^/]+\.eml$")),
    ("clamav", re.compile(r"clamav-testfiles/clam\.(mail|exe\.mbox\.\w+)$")),
    ("go-enmime", re.compile(r"enmime/testdata/(mail|low-quality|parts)/"
                             r"[^/]+\.raw$")),
    ("npm-mailparser", re.compile(r"mailparser[^/]*/package/test/[^/]+\.eml$")),
    ("npm-eml-format", re.compile(r"eml-format[^/]*/package/test/fixtures/"
                                  r"[^/]+\.eml$")),
    ("npm-node-mbox", re.compile(r"node-mbox[^/]*/package/test/[^/]+\.mbox$")),
    ("spamassassin", re.compile(r"doc/spamassassin/examples/sample-"
                                r"(non)?spam\.txt$")),
    ("py-dkim", re.compile(r"dkim/tests/data/[^/]+\.(msg|message|mbox)$")),
    ("twisted", re.compile(r"twisted/mail/test/[^/]+\.message$")),
    ("go-stdlib", re.compile(r"src/mime/multipart/testdata/[^/.]+$")),
    ("django-mailman3", re.compile(r"django_mailman3/tests/testdata/"
                                   r"[^/]+\.txt$")),
    ("postorius", re.compile(r"postorius/tests/test_data/[^/]+\.txt$")),
    ("perl-mime-explode", re.compile(r"libmime-explode-perl/examples/"
                                     r"testmsgs/[^/]+\.(msg|mbx)$")),
    ("mimetic", re.compile(r"libmimetic-dev/examples/test\.msg$")),
    ("npm-wildduck", re.compile(r"wildduck[^/]*/package/imap-core/test/"
                                r"fixtures/[^/]+\.eml$")),
    ("npm-mailparser2", re.compile(r"mailparser2[^/]*/package/(test/"
                                   r"fixtures|examples)/[^/]+\.eml$")),
    ("npm-mailin", re.compile(r"mailin-[^/]*/package/test/fixtures/"
                              r"[^/]+\.eml$")),
    ("npm-mailauth", re.compile(r"mailauth-[^/]*/package/test/fixtures/"
                                r"[^/]+\.eml$")),
    ("npm-zone-mta", re.compile(r"zone-mta-[^/]*/package/test/fixtures/"
                                r"[^/]+\.eml$")),
    ("npm-haraka", re.compile(r"Haraka-[^/]*/package/tests/mail_specimen/"
                              r"[^/]+\.txt$")),
]

# Test sources whose string literals are messages: (class, the end of a
# file's path under SRC, language). A literal is taken when it reads as
# a message (is_mail below): a header block of fields only, at least
# one of the fields every message has, and a blank line before a body.
LITERALS = [
    ("py-email-lit", re.compile(r"test/test_email/test_[a-z0-9_]+\.py$"),
     "py"),
    ("py-email-lit", re.compile(r"test/test_(mailbox|smtplib|imaplib)\.py$"),
     "py"),
    ("mailman", re.compile(r"mailman/([a-z0-9_]+/)*tests/test_[a-z0-9_]+"
                           r"\.py$"), "py"),
    ("hyperkitty", re.compile(r"hyperkitty/tests/([a-z0-9_]+/)*test_"
                              r"[a-z0-9_]+\.py$"), "py"),
    ("flufl-bounce", re.compile(r"flufl/bounce/tests/test_[a-z0-9_]+\.py$"),
     "py"),
    ("postorius", re.compile(r"postorius/tests/([a-z0-9_]+/)*test_"
                             r"[a-z0-9_]+\.py$"), "py"),
    ("twisted", re.compile(r"twisted/mail/test/test_[a-z0-9_]+\.py$"),
     "py"),
    ("py-dkim", re.compile(r"dkim/tests/test_[a-z0-9_]+\.py$"), "py"),
    ("afew", re.compile(r"afew/tests/test_[a-z0-9_]+\.py$"), "py"),
    ("aiosmtpd", re.compile(r"aiosmtpd/tests/test_[a-z0-9_]+\.py$"),
     "py"),
    ("authheaders", re.compile(r"authheaders/test/test_[a-z0-9_]+\.py$"),
     "py"),
    ("go-stdlib", re.compile(r"go-[0-9.]+/src/(net/mail|net/smtp|"
                             r"net/textproto|mime|mime/multipart)/"
                             r"[a-z0-9_]+_test\.go$"), "go"),
    ("go-emersion", re.compile(r"github\.com/emersion/[^/]+/"
                               r"([a-z0-9_]+/)*[a-z0-9_]+_test\.go$"), "go"),
    ("go-mail", re.compile(r"(toorop/go-dkim|gopkg\.in/mail\.v2|xhit/"
                           r"go-simple-mail)/[a-z0-9_]+_test\.go$"), "go"),
    ("go-protonmail", re.compile(r"github\.com/ProtonMail/go-mime/"
                                 r"[a-z0-9_]+_test\.go$"), "go"),
    ("go-enmime", re.compile(r"jhillyerd/enmime/([a-z0-9_]+/)*"
                             r"[a-z0-9_]+_test\.go$"), "go"),
    ("npm-js-lit", re.compile(r"npm/[^/]+/package/(imap-core/)?tests?/"
                              r"([a-z0-9_-]+/)*[a-z0-9_.-]+\.js$"), "js"),
]

HEADER = re.compile(rb"^[!-9;-~]+[ \t]*:")
FROM_ = re.compile(rb"^From \S+.*\d\d:\d\d", re.M)


def split_mbox(data):
    """The messages of an mbox, each with its From_ line."""
    starts = [m.start() for m in FROM_.finditer(data)
              if m.start() == 0 or data[m.start() - 1:m.start()] == b"\n"]
    return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]


def py_literals(text):
    """The str and bytes constants of a Python source, a constant that
    textwrap.dedent() is called on dedented as the test reads it."""
    import ast
    import textwrap
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    out = []
    for node in ast.walk(tree):
        val = None
        if isinstance(node, ast.Constant):
            val = node.value
        elif isinstance(node, ast.Call) and node.args and \
                isinstance(node.args[0], ast.Constant) and \
                isinstance(node.args[0].value, str) and \
                getattr(node.func, "attr", getattr(node.func, "id", "")) \
                == "dedent":
            val = textwrap.dedent(node.args[0].value)
        if isinstance(val, str):
            try:
                val = val.encode("utf-8", "surrogateescape")
            except UnicodeError:
                continue
        if isinstance(val, bytes):
            out.append(val)
    return out


GO_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
          "\\": 92, "'": 39, '"': 34}


def go_unquote(body):
    """The bytes of a Go interpreted string literal's body."""
    out, i = bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        e = body[i + 1]
        if e in GO_ESC:
            out.append(GO_ESC[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            n = 4 if e == "u" else 8
            out += chr(int(body[i + 2:i + 2 + n], 16)).encode(
                "utf-8", "surrogatepass")
            i += 2 + n
        else:
            out.append(int(body[i + 1:i + 4], 8) & 0xff)
            i += 4
    return bytes(out)


GO_TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|`[^`]*`|"(?:[^"\\\n]|\\.)*"|'
                      r"'(?:[^'\\\n]|\\.)*'|\+|\s+|[^\s]", re.S)


def joined_literals(tokens, quotes, value, skip):
    """The string constants of a source's tokens: value(t) is a quoted
    token's bytes (None: not a constant), literals joined by + are one,
    tokens skip() says are white space or comments go between them."""
    out, cur, plus = [], None, False
    for t in tokens:
        if t[0] in quotes:
            v = value(t)
            if cur is not None and plus and v is not None:
                cur += v
            else:
                if cur is not None:
                    out.append(cur)
                cur = v
            plus = False
        elif t == "+":
            plus = True
        elif skip(t):
            continue
        else:
            if cur is not None:
                out.append(cur)
            cur, plus = None, False
    if cur is not None:
        out.append(cur)
    return out


def go_value(t):
    try:
        return t[1:-1].encode("utf-8", "surrogateescape") \
            if t[0] == "`" else go_unquote(t[1:-1])
    except (ValueError, UnicodeError):
        return None


def go_literals(text):
    """The string constants of a Go source: literals joined by + are one."""
    return joined_literals((m.group() for m in GO_TOKEN.finditer(text)),
                           "`\"", go_value,
                           lambda t: t.isspace() or t.startswith("/"))


JS_ESC = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f",
          "v": "\v", "0": "\0", "\n": ""}
JS_ESC_RE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|"
                       r"\r?\n|.)", re.S)


def js_unquote(body):
    """The bytes of a JavaScript string literal's body: UTF-8, but
    Latin-1 when it has \\xNN escapes of 8-bit bytes and no character
    past U+00FF (a test writing bytes as a "binary" string)."""
    def esc(m):
        e = m.group(1)
        if e[0] == "u":
            return chr(int(e[1:].strip("{}"), 16))
        if e[0] == "x":
            return chr(int(e[1:], 16))
        return JS_ESC.get(e.lstrip("\r"), e) if e.strip("\r\n") == "" \
            else JS_ESC.get(e, e)
    text = JS_ESC_RE.sub(esc, body)
    if re.search(r"\\x[89a-fA-F][0-9a-fA-F]", body) and \
            max(map(ord, text), default=0) < 0x100:
        return text.encode("latin-1")
    return text.encode("utf-8", "surrogatepass")


JS_TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|`(?:[^`\\]|\\.)*`|'
                      r'"(?:[^"\\\n]|\\.)*"|'
                      r"'(?:[^'\\\n]|\\.)*'|\+|\s+|[^\s]", re.S)


def js_value(t):
    if t[0] == "`" and "${" in t:
        return None
    try:
        return js_unquote(t[1:-1])
    except (ValueError, UnicodeError, OverflowError):
        return None


def js_literals(text):
    """The string constants of a JavaScript source: literals joined by +
    are one; a template literal with a substitution is none."""
    return joined_literals((m.group() for m in JS_TOKEN.finditer(text)),
                           "`\"'", js_value,
                           lambda t: t.isspace() or t.startswith("//") or
                           t.startswith("/*"))


MAIL_FIELDS = re.compile(rb"^(from|to|subject|date|message-id|"
                         rb"mime-version|received):", re.I | re.M)


def is_mail(b):
    """b with its leading newlines dropped, if it reads as a message:
    a From_ line or a field first, a header block of fields and their
    folds, two or more fields of which one is a field every message
    has, and a blank line before a body; else None."""
    b = b.lstrip(b"\r\n")
    if len(b) < 60:
        return None
    if b.startswith(b"From ") and FROM_.match(b):
        return b
    for sep in (b"\r\n\r\n", b"\n\n"):
        k = b.find(sep)
        if k > 0:
            break
    else:
        return None
    head = b[:k].replace(b"\r\n", b"\n").split(b"\n")
    if len(head) < 2 or not HEADER.match(head[0]) or \
            not MAIL_FIELDS.search(b[:k]):
        return None
    if any(not HEADER.match(x) and x[:1] not in (b" ", b"\t")
           for x in head):
        return None
    return b


def literals(path, lang):
    """The messages among the string literals of one test source."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "surrogateescape")
    found = {"py": py_literals, "go": go_literals,
             "js": js_literals}[lang](text)
    return [m for m in (is_mail(x) for x in found) if m is not None]


AUTHOR_FIELDS = (b"from", b"sender", b"reply-to", b"to", b"cc", b"subject",
                 b"date", b"message-id", b"in-reply-to", b"references",
                 b"comments", b"keywords", b"mime-version", b"content-type",
                 b"content-transfer-encoding", b"content-disposition",
                 b"content-language")


def same_key(msg):
    """What makes two messages one to mailarc-dedupe (lib/msg.c): the
    author's fields, and the body with CRLF as LF, mbox quoting undone
    and the empty lines at its end dropped (spaces in the fields are
    collapsed here, which mailarc may not do: close enough for the
    harness)."""
    k = re.search(rb"\r?\n\r?\n", msg)
    if not k:
        return None
    head = re.sub(rb"\r?\n(?=[ \t])", b"", msg[:k.start()])
    fields = {}
    for line in head.splitlines():
        name, colon, value = line.partition(b":")
        if colon:
            fields.setdefault(name.strip().lower(), []).append(
                b" ".join(value.split()))
    ident = b"\n".join(f + b":" + v for f in AUTHOR_FIELDS
                        for v in fields.get(f, []))
    body = msg[k.end():].replace(b"\r\n", b"\n")
    body = re.sub(rb"(?m)^>+(From )", rb"\1", body).rstrip(b"\n")
    return hashlib.sha256(ident + b"\0" + body).digest()


def tag(msg, token):
    """msg with the token header first (after a From_ line)."""
    env = b""
    if msg.startswith(b"From "):
        nl = msg.find(b"\n") + 1
        env, msg = msg[:nl], msg[nl:]
    eol = b"\r\n" if msg.split(b"\n", 1)[0].endswith(b"\r") else b"\n"
    return env + b"X-Hostile-Token: " + token.encode() + eol + msg


def plain_words(s):
    """The longest run of s's words that single spaces join."""
    best = ""
    for run in re.split(r"\s{2,}|[\t\r\n\f\v]", s):
        run = run.strip()
        if len(run) > len(best):
            best = run
    return best


PUNCT = set(" ,.;:!?'()-\u3001\u3002\uff0c\uff0e")


def plain_line(line):
    """Whether a line of text is words only, as a page shows it verbatim:
    letters of any script, digits and light punctuation, no address, link
    or quote, at least three words or eight letters of a script without
    spaces."""
    if not 15 <= len(line) <= 100 or not line[0].isalpha():
        return False
    if any(not (c.isalnum() or c in PUNCT) for c in line):
        return False
    if re.search(r"www|http|\.(com|org|net)\b", line):
        return False
    wide = sum(1 for c in line if ord(c) >= 0x2e80)
    return len(line.split()) >= 3 or wide >= 8


UU_BEGIN = re.compile(r"begin [0-7]{3,4} \S")


# Elements a page drops with their content (html_sanitize() in
# lib/html.h): a browser shows none of an iframe's text either.
HTML_SKIP = ("script", "style", "title", "head", "iframe", "template",
             "object", "embed", "svg", "math")


class HtmlText(html.parser.HTMLParser):
    """The text runs of an HTML part, outside the elements of HTML_SKIP."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in HTML_SKIP:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in HTML_SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.runs.extend(x.strip() for x in data.splitlines())


def own_parts(m):
    """The leaf parts of m in order, not those of the messages it carries
    (a page lists a message/rfc822 part as one file: mailarc-render(1)),
    each with whether it is inside a multipart/alternative."""
    todo, out = [(m, False)], []
    while todo:
        p, alt = todo.pop(0)
        if p.is_multipart() and p.get_content_maintype() != "message":
            alt = alt or p.get_content_subtype() == "alternative"
            todo[0:0] = [(x, alt) for x in p.get_payload()]
        elif p is not m or not p.is_multipart():
            out.append((p, alt))
    return out


def text_lines(m):
    """Plain lines of the message's inline text parts: every text/plain
    part that is no attachment, or the text of its HTML when it has no
    text/plain part. The parts of a multipart/alternative are one text:
    past the first text/plain part of the message (its body), those in
    an alternative are files, not shown (mailarc-render(1))."""
    plain, htmls = [], []
    for part, alt in own_parts(m):
        if part.get_content_maintype() != "text" or \
                part.get_content_disposition() == "attachment":
            continue
        if part.get_content_subtype() == "plain" and (not alt or
                                                       not plain):
            plain.append(part)
        elif part.get_content_subtype() == "html":
            htmls.append(part)
    # The root of a multipart/related is the part its start parameter
    # names (RFC 2387 3.2): it comes first.
    starts = set(str(p.get_param("start", "")).strip().strip("<>")
                 for p in m.walk()
                 if p.get_content_type() == "multipart/related")
    starts.discard("")
    plain.sort(key=lambda p: str(p.get("content-id", "")).strip().strip(
        "<>") not in starts)
    htmls.sort(key=lambda p: str(p.get("content-id", "")).strip().strip(
        "<>") not in starts)
    out = []
    for part in plain or htmls[:1]:
        text = part.get_content()
        if not isinstance(text, str) or "\ufffd" in text:
            continue
        if part.get_content_subtype() == "html":
            p = HtmlText()
            p.feed(text)
            lines = p.runs
        else:
            lines = [x.strip() for x in text.splitlines()]
        # A uuencoded file's "begin 644 NAME" line: a page lists the
        # file (mailarc-render(1)), not the line.
        out.extend(x for x in lines if plain_line(x) and
                   not UU_BEGIN.match(x))
    return out


def expected(msg_bytes):
    """(shows, finds) for one message, as Python's email package reads
    it; both empty when it cannot tell."""
    shows, finds = [], []
    try:
        m = email.message_from_bytes(msg_bytes, policy=email.policy.default)
        subj = plain_words(str(m.get("subject", "") or ""))
        if len(subj) >= 4 and not m.defects and "@" not in subj and \
                "=?" not in subj and subj.isprintable() and \
                "\ufffd" not in subj:
            shows.append(subj)
        lines = text_lines(m)
        for part in m.iter_attachments() if m.is_multipart() else []:
            name = part.get_filename()
            if name and re.fullmatch(r"[^\x00-\x1f/\\<>&\"'\ufffd]{3,60}",
                                     name) and "=?" not in name:
                shows.append(name)
    except Exception:  # noqa: BLE001 - a message Python cannot read
        return shows, finds
    for line in lines[:4]:
        shows.append(line)
        # Three words in a row, letters only, as the index reads them.
        words = line.split()
        for k in range(len(words) - 2):
            run = words[k:k + 3]
            if not finds and all(re.fullmatch(r"[A-Za-z]{2,}", w)
                                 for w in run):
                finds.append(" ".join(run))
    return shows, finds


def attachment_sums(msg_bytes):
    """The SHA-256 (hex) of the decoded bytes of each attachment Python
    reads without a defect: not text (whose line ends a download may
    write otherwise), not a message or multipart, not a part with two
    Content-Disposition fields (readers differ on which counts)."""
    out = []
    try:
        m = email.message_from_bytes(msg_bytes, policy=email.policy.default)
        for part in m.iter_attachments() if m.is_multipart() else []:
            if part.is_multipart() or part.defects or \
                    part.get_content_maintype() in ("text", "message") or \
                    len(part.get_all("content-disposition", [])) > 1:
                continue
            data = part.get_payload(decode=True)
            if data:
                out.append(hashlib.sha256(data).hexdigest())
    except Exception:  # noqa: BLE001 - a message Python cannot read
        return []
    return out


def main():
    src, out = sys.argv[1:3]
    os.makedirs(os.path.join(out, "msg"), exist_ok=True)
    os.makedirs(os.path.join(out, "mbox"), exist_ok=True)
    files = []
    for root, _, names in os.walk(src):
        for n in names:
            p = os.path.join(root, n)
            for cls, pat in SOURCES:
                if pat.search(p):
                    files.append((cls, p, None))
                    break
            for cls, pat, lang in LITERALS:
                if pat.search(p):
                    files.extend((cls, p, x) for x in literals(p, lang))
                    break
    seen, seen_msg, rows, n, nfile = set(), set(), [], 0, 0
    for cls, p, data in sorted(files, key=lambda x: x[:2]):
        if data is None:
            with open(p, "rb") as f:
                data = f.read()
        h = hashlib.sha256(data).digest()
        if h in seen or not data.strip():
            continue
        seen.add(h)
        if data.startswith(b"From "):
            msgs = split_mbox(data)
        elif HEADER.match(data):
            msgs = [data]
        else:
            continue
        tagged = []
        for one in list(msgs):
            body = one.split(b"\n", 1)[1] if one.startswith(b"From ") \
                else one
            h = hashlib.sha256(body).digest()
            same = same_key(body)
            # The same message in another mbox, or in another test that
            # adds a field to it: mailarc keeps one (mailarc-dedupe(1)).
            if h in seen_msg or same in seen_msg:
                msgs.remove(one)
                continue
            seen_msg.add(h)
            if same:
                seen_msg.add(same)
            n += 1
            token = "T7000-%d" % n
            tagged.append(tag(one, token))
            shows, finds = expected(one)
            m = email.message_from_bytes(one, policy=email.policy.compat32)
            mid = str(m.get("message-id", "-") or "-").strip().strip("<>")
            # A MIME fragment with none of From, To and Subject is not
            # a message to mailarc (mailarc-dedupe(1)): either is right.
            expect = "mail" if any(m.get(x) for x in ("from", "to",
                                                        "subject")) \
                else "either"
            # mailarc keeps no message that asks not to be archived.
            if str(m.get("x-no-archive", "")).strip().lower() == "yes":
                expect = "no-archive"
            rows.append([token, cls, expect, None, mid, shows, finds,
                         attachment_sums(one)])
        if not msgs:
            continue
        nfile += 1
        if data.startswith(b"From "):
            fname = "mbox/%03d-%s.mbox" % (nfile, cls)
        else:
            fname = "msg/%04d-%s.eml" % (nfile, cls)
        for r in rows[len(rows) - len(msgs):]:
            r[3] = fname
        with open(os.path.join(out, fname), "wb") as f:
            f.write(b"".join(tagged))
    with open(os.path.join(out, "manifest.tsv"), "w", encoding="utf-8") as f:
        for token, cls, expect, fname, mid, shows, finds, sums in rows:
            mid = re.sub(r"[\t\r\n]", " ", mid)
            f.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" % (
                token, cls, expect, fname, mid,
                "\x1f".join(shows) if shows else "-",
                "\x1f".join(finds) if finds else "-",
                ",".join(sums) if sums else "-"))
    print("realmail: %d messages from %d files" % (n, nfile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
