#!/usr/bin/env python3
"""Check THE invariant of a space after importing hostile_mail.py's output.

invariant.py MANIFEST SPACE_DIR SITE_DIR SPACE_KEY

Every input of MANIFEST (hostile_mail.py) must end either archived (in
archive/, indexed by notmuch, with its page SITE/m/HH/NAME.html by the
permalink rule, and found by "mailarc search KEY id:ID", and by its
token in body: when Python's email package finds "Hostile token TOKEN"
in one of its text parts; and its page shows the text the manifest's
sixth column names, where there is one, and a search by body: for
each phrase of the optional seventh column finds it, and the site
holds each attachment whose SHA-256 the optional eighth column lists,
comma-separated), or set aside in
duplicates/ with a reason in state/dedupe.report (an input whose EXPECT
is "no-archive", X-No-Archive: yes, must be set aside for that reason
and not archived); a duplicate must be a
duplicate of an archived copy of the same input (same token); a message
must not be set aside as not a message; the files in archive/ and
duplicates/ must add up to the number of inputs, each holding one input.

Prints each kind of violation per generated class with a count and one
example, then a summary; exits 1 when anything is violated, 0 otherwise.
Programs that crash (exit codes other than 0 and 65, sanitizer reports on
stderr) count as violations too.
"""
import collections
import email
import html
import email.policy
import hashlib
import json
import os
import re
import subprocess
import sys

TOKEN = re.compile(rb"X-Hostile-Token[ \t]*:[ \t]*(T\d+-\d+)")
SANITIZER = re.compile(r"(AddressSanitizer|LeakSanitizer|runtime error:|"
                       r"UndefinedBehaviorSanitizer)")


def permalink_name(mid):
    """lib/permalink.h's rule, from the bytes of the Message-ID."""
    if isinstance(mid, str):
        mid = mid.encode("utf-8", "surrogateescape")
    if len(mid) > 2 and mid[:1] == b"<" and mid[-1:] == b">":
        mid = mid[1:-1]
    out, cut, long_ = b"", 0, False
    for i, c in enumerate(mid):
        keep = (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or
                c in b"@-_+" or (c == 46 and i > 0))
        piece = bytes([c]) if keep else b"=%02X" % c
        if len(out) + len(piece) > 200:
            long_ = True
            break
        if len(out) + len(piece) <= 120:
            cut = len(out) + len(piece)
        out += piece
    if long_:
        out = out[:cut] + b"==" + \
            hashlib.sha256(mid).hexdigest()[:32].encode()
    return out.decode("ascii")


def page_name(notmuch_id, path):
    """The name the renderer gives a message (permalink_of_message()):
    notmuch's id, except that a Message-ID notmuch shortened to
    "notmuch-sha1-" + SHA-1 (id and its NUL) is named by the id itself,
    read back from the file when its hash is the one."""
    pre = "notmuch-sha1-"
    if not notmuch_id.startswith(pre) or len(notmuch_id) != len(pre) + 40:
        return permalink_name(notmuch_id)
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20).split(b"\n\n", 1)[0]
    except OSError:
        return permalink_name(notmuch_id)
    head = re.sub(rb"\r?\n[ \t]", b" ", head)
    m = re.search(rb"(?im)^message-id[ \t]*:(.*)$", head)
    if m:
        v = m.group(1)
        a, b = v.find(b"<"), v.find(b">", v.find(b"<") + 1)
        if 0 <= a < b:
            mid = re.sub(rb"[ \t]", b"", v[a + 1:b])
            if (len(mid) > 189 and hashlib.sha1(mid + b"\0").hexdigest()
                    == notmuch_id[len(pre):]):
                return permalink_name(mid)
    return permalink_name(notmuch_id)


class RawFiles:
    """The raw downloads of a site, m/HH/STEM.eml and m/HH/STEM=v-*.eml
    ("=v" appears in no page name), listed once; hashes read on demand."""

    def __init__(self, site_dir):
        self.by_stem = collections.defaultdict(list)
        mdir = os.path.join(site_dir, "m")
        for sub in os.listdir(mdir) if os.path.isdir(mdir) else []:
            d = os.path.join(mdir, sub)
            for n in (os.listdir(d) if os.path.isdir(d) else []):
                if n.endswith(".eml"):
                    stem = n[:-len(".eml")].split("=v-", 1)[0]
                    self.by_stem[stem].append(os.path.join(d, n))

    def hashes(self, stem):
        out = set()
        for f in self.by_stem.get(stem, []):
            with open(f, "rb") as fh:
                out.add(hashlib.sha256(fh.read()).digest())
        return out


HREF_PAGE = re.compile(rb'href="(?:\.\./)*m/([0-9a-f]{2}/[^"#/]+)\.html[#"]')


def linked_pages(site_dir):
    """The message pages ("HH/NAME") that the month listings (YYYY/MM/)
    and the thread pages (t/HH/) link to: (from months, from threads)."""
    months, threads = set(), set()
    for top in os.listdir(site_dir) if os.path.isdir(site_dir) else []:
        if not (top.isdigit() or top == "t"):
            continue
        for sub in os.listdir(os.path.join(site_dir, top)):
            d = os.path.join(site_dir, top, sub)
            if not os.path.isdir(d):
                continue
            for n in os.listdir(d):
                if n.endswith(".html"):
                    with open(os.path.join(d, n), "rb") as f:
                        found = HREF_PAGE.findall(f.read())
                    (threads if top == "t" else months).update(
                        x.decode("ascii", "replace") for x in found)
    return months, threads


def maildir_files(d):
    for sub in ("new", "cur"):
        p = os.path.join(d, sub)
        if os.path.isdir(p):
            for n in sorted(os.listdir(p)):
                if not n.startswith("."):
                    yield os.path.join(p, n)


class Report:
    def __init__(self):
        self.v = collections.OrderedDict()  # (kind, cls) -> [n, example]
        self.crashes = []
        self.flagged = set()  # tokens with a violation already

    def add(self, kind, cls, example, tok=None):
        e = self.v.setdefault((kind, cls), [0, example])
        e[0] += 1
        if tok is not None:
            self.flagged.add(tok)

    def total(self):
        return sum(n for n, _ in self.v.values()) + len(self.crashes)


def run(argv, rep, what, ok=(0, 65)):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or p.returncode not in ok or SANITIZER.search(err):
        rep.crashes.append("%s: exit %d: %s" % (
            what, p.returncode, err.strip().splitlines()[-1:] or ""))
    return p


def notmuch_files(space_dir, rep):
    """Absolute file name -> notmuch id, from one "notmuch show"."""
    p = run(["notmuch", "--config=%s/notmuch/config" % space_dir, "show",
             "--format=json", "--body=false", "--entire-thread=false", "*"],
            rep, "notmuch show")
    out = {}

    def walk(x):
        if isinstance(x, dict):
            if "id" in x and "filename" in x:
                fns = x["filename"]
                for f in fns if isinstance(fns, list) else [fns]:
                    out[os.path.realpath(f)] = x["id"]
        elif isinstance(x, list):
            for y in x:
                walk(y)
    if p.returncode == 0:
        walk(json.loads(p.stdout.decode("utf-8", "surrogateescape")))
    # "notmuch show" prints a thread as its tree from the top-level
    # messages, which leaves out a message that answers itself and the
    # messages of a reply loop: their files come from a search by id.
    p = run(["notmuch", "--config=%s/notmuch/config" % space_dir, "search",
             "--output=messages", "--format=text0", "*"], rep,
            "notmuch search")
    shown = set(out.values())
    for i in p.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not i.startswith("id:") or i[3:] in shown:
            continue
        q = run(["notmuch", "--config=%s/notmuch/config" % space_dir,
                 "search", "--output=files", "--format=text0",
                 quote_id(i[3:])], rep, "notmuch search")
        for f in q.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if f:
                out[os.path.realpath(f)] = i[3:]
    return out


def quote_id(i):
    return 'id:"%s"' % i.replace('"', '""')


def searchable(key, ids, rep):
    """The ids of ids that "mailarc search KEY --output=messages" finds."""
    found = set()
    ids = sorted(ids)

    def search(batch, ok):
        q = " or ".join(quote_id(i) for i in batch)
        p = run(["mailarc", "search", key, "--output=messages", "--", q],
                rep, "mailarc search", ok)
        for line in p.stdout.decode("utf-8", "surrogateescape").splitlines():
            if line.startswith("id:"):
                found.add(line[3:])
        return p.returncode == 0
    for k in range(0, len(ids), 100):
        batch = ids[k:k + 100]
        # A query it refuses (64) is tried id by id: the ids it cannot
        # find are then violations of their own.
        if not search(batch, (0, 64)):
            for i in batch:
                search([i], (0, 64))
    return found


def text_has_token(path, tok):
    """Whether Python's email package finds "Hostile token TOK" in a text
    part of the file, decoded: then notmuch must find TOK by body: too."""
    with open(path, "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.compat32)
    want = "Hostile token %s" % tok
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        cs = part.get_content_charset() or "us-ascii"
        try:
            text = data.decode(cs, "replace")
        except LookupError:
            text = data.decode("latin-1")
        if want in text:
            return True
    return False


def body_searchable(key, tokens, rep):
    """The ids "mailarc search KEY --output=messages" finds for
    body:"TOKEN" of each token of tokens."""
    found = set()
    tokens = sorted(tokens)
    for k in range(0, len(tokens), 100):
        q = " or ".join('body:"%s"' % t for t in tokens[k:k + 100])
        p = run(["mailarc", "search", key, "--output=messages", "--", q],
                rep, "mailarc search")
        for line in p.stdout.decode("utf-8", "surrogateescape").splitlines():
            if line.startswith("id:"):
                found.add(line[3:])
    return found


def phrases_found(key, mid, phrases, rep):
    """Whether "mailarc search KEY" finds message mid by body:"PHRASE"
    for each of phrases."""
    q = " and ".join([quote_id(mid)] + ['body:"%s"' % x.replace('"', "")
                                         for x in phrases])
    p = run(["mailarc", "search", key, "--output=messages", "--", q], rep,
            "mailarc search")
    return ("id:" + mid) in p.stdout.decode("utf-8",
                                            "surrogateescape").splitlines()


def main():
    manifest, space_dir, site_dir, key = sys.argv[1:5]
    rep = Report()
    entries = collections.defaultdict(list)  # token -> [(cls, expect, file)]
    shows = collections.defaultdict(list)  # token -> [text its page shows]
    finds = collections.defaultdict(list)  # token -> [body: phrases]
    # token -> [SHA-256 of an attachment's decoded bytes]
    att_sums = collections.defaultdict(list)
    ninputs = 0
    top = os.path.dirname(os.path.abspath(manifest))
    empty = 0
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            tok, cls, expect, fname, mid = cols[:5]
            if len(cols) > 5 and cols[5] != "-":
                shows[tok].extend(cols[5].split("\x1f"))
            if len(cols) > 6 and cols[6] != "-":
                finds[tok].extend(cols[6].split("\x1f"))
            if len(cols) > 7 and cols[7] != "-":
                att_sums[tok].extend(cols[7].split(","))
            # A 0-byte file carries no token and nothing to keep: it is
            # skipped with a warning, and only a crash is a violation.
            if (expect == "junk" and
                    os.path.getsize(os.path.join(top, fname)) == 0):
                empty += 1
                continue
            entries[tok].append((cls, expect, fname))
            ninputs += 1

    def cls_of(tok):
        return entries[tok][0][0] if tok in entries else "?"

    def example(tok):
        return entries[tok][0][2] if tok in entries else tok

    archived = {}  # path -> token
    setaside = {}
    by_token = collections.defaultdict(lambda: ([], []))
    for where, d in ((archived, "archive"), (setaside, "duplicates")):
        for p in maildir_files(os.path.join(space_dir, d)):
            with open(p, "rb") as f:
                toks = sorted(set(t.decode() for t in TOKEN.findall(f.read())))
            rel = os.path.relpath(p, space_dir)
            if not toks:
                with open(p, "rb") as f:
                    head = f.read(60)
                rep.add("file of no input in %s/" % d, "?",
                        "%s %r" % (rel, head))
                continue
            if len(toks) > 1:
                for t in toks:
                    rep.add("inputs merged into one %s file" % d, cls_of(t),
                            "%s (%s) in %s" % (example(t), " ".join(toks),
                                               rel), t)
            where[os.path.realpath(p)] = toks[0]
            by_token[toks[0]][0 if d == "archive" else 1].append(p)
    nm = notmuch_files(space_dir, rep)
    reasons = {}
    try:
        with open(os.path.join(space_dir, "state/dedupe.report"), "rb") as f:
            for line in f:
                v = line.rstrip(b"\n").split(b"\t")
                if len(v) >= 4:
                    reasons[v[1].decode("utf-8", "replace")] = (
                        v[2].decode(), v[3].decode("utf-8", "replace"))
    except FileNotFoundError:
        pass
    arch_by_name = {os.path.basename(p).split(":")[0]: t
                    for p, t in archived.items()}
    ids = {}
    # Pages are in the shards m/HH/ (mailarc-render(1)); which shard is
    # the renderer's business (and tests/unit/shard_test.c's).
    pages = set()
    mdir = os.path.join(site_dir, "m")
    for sub in (os.listdir(mdir) if os.path.isdir(mdir) else []):
        if os.path.isdir(os.path.join(mdir, sub)):
            pages.update(f for f in os.listdir(os.path.join(mdir, sub))
                         if f.endswith(".html"))
    raws = RawFiles(site_dir)
    in_months, in_threads = linked_pages(site_dir)
    page_keys = collections.defaultdict(list)  # NAME -> ["HH/NAME"]
    for sub in (os.listdir(mdir) if os.path.isdir(mdir) else []):
        for f in os.listdir(os.path.join(mdir, sub)):
            if f.endswith(".html"):
                page_keys[f[:-len(".html")]].append(sub + "/" +
                                                    f[:-len(".html")])
    for p, tok in archived.items():
        cls = cls_of(tok)
        if p not in nm:
            rep.add("archived but not indexed", cls, example(tok), tok)
            continue
        ids[p] = nm[p]
        page = os.path.join(site_dir, "m", page_name(nm[p], p) + ".html")
        if os.path.basename(page) not in pages:
            rep.add("archived and indexed but no page", cls,
                    "%s (m/%s)" % (example(tok), os.path.basename(page)),
                    tok)
            continue
        # Reachable: listed in its month and shown in its thread.
        stem = os.path.basename(page)[:-len(".html")]
        stems = page_keys.get(stem, [])
        if not any(k in in_months for k in stems):
            rep.add("page in no month listing", cls,
                    "%s (m/%s)" % (example(tok), os.path.basename(page)),
                    tok)
        if not any(k in in_threads for k in stems):
            rep.add("page on no thread page", cls,
                    "%s (m/%s)" % (example(tok), os.path.basename(page)),
                    tok)
        # The raw download: the file's bytes, as NAME.eml beside the
        # page, or NAME=v-HASH.eml when the Message-ID has versions.
        stem = os.path.basename(page)[:-len(".html")]
        with open(p, "rb") as f:
            want = hashlib.sha256(f.read()).digest()
        if want not in raws.hashes(stem):
            rep.add("raw download not the archived bytes", cls,
                    "%s (m/%s.eml)" % (example(tok), stem), tok)
        # Each attachment downloads whole: the site keeps it as
        # a/HH/SHA256.EXT (mailarc-render(1)).
        for h in att_sums.get(tok, []):
            adir = os.path.join(site_dir, "a", h[:2])
            if not any(f.split(".")[0] == h for f in
                       (os.listdir(adir) if os.path.isdir(adir) else [])):
                rep.add("attachment download not its decoded bytes", cls,
                        "%s (sha256 %s)" % (example(tok), h[:16]), tok)
                break
        # What the page shows: HTML unescaped twice (an HTML body is in
        # the srcdoc attribute of its frame). A Message-ID that has other
        # versions shows each of them in full on the one page.
        if shows.get(tok) and stems:
            with open(os.path.join(site_dir, "m", stems[0] + ".html"),
                      "rb") as f:
                text = html.unescape(html.unescape(
                    f.read().decode("utf-8", "replace")))
            for want in shows[tok]:
                if want not in text:
                    rep.add("page does not show its text", cls,
                            "%s (m/%s: %r)" % (example(tok),
                                               os.path.basename(page),
                                               want[:40]), tok)
                    break
    found = searchable(key, set(ids.values()), rep)
    for p, i in ids.items():
        if i not in found:
            rep.add("not found by mailarc search id:", cls_of(archived[p]),
                    "%s (id %.80s)" % (example(archived[p]), i))
    with_text = {p: archived[p] for p in ids
                 if "mail" in set(e for _, e, _ in entries.get(archived[p], []))
                 and text_has_token(p, archived[p])}
    by_body = body_searchable(key, set(with_text.values()), rep)
    for p, tok in with_text.items():
        if ids[p] not in by_body:
            rep.add("text not found by mailarc search body:", cls_of(tok),
                    "%s (id %.80s)" % (example(tok), ids[p]), tok)
    for p, tok in archived.items():
        if p in ids and finds.get(tok) and tok not in rep.flagged and \
                not phrases_found(key, ids[p], finds[tok], rep):
            rep.add("phrase not found by mailarc search body:", cls_of(tok),
                    "%s (%r)" % (example(tok), finds[tok][0][:40]), tok)
    for p, tok in setaside.items():
        cls = cls_of(tok)
        name = os.path.basename(p).split(":")[0]
        expects = set(e for _, e, _ in entries.get(tok, []))
        if name not in reasons:
            rep.add("set aside without a reason", cls, example(tok), tok)
            continue
        reason, matched = reasons[name]
        if reason == "duplicate":
            if matched not in arch_by_name:
                rep.add("duplicate of a message not archived", cls,
                        "%s (of %s)" % (example(tok), matched), tok)
            elif arch_by_name[matched] != tok:
                other = arch_by_name[matched]
                rep.add("set aside as duplicate of another message", cls,
                        "%s is taken for %s" % (example(tok),
                                                example(other)), tok)
        elif reason == "not-a-message":
            if "mail" in expects:
                rep.add("mail set aside as not a message", cls,
                        example(tok), tok)
        elif reason == "x-no-archive" and "no-archive" in expects:
            pass
        else:
            rep.add("set aside for reason '%s'" % reason, cls, example(tok),
                    tok)
    for tok, ents in entries.items():
        a, d = by_token.get(tok, ([], []))
        if tok in rep.flagged:
            continue
        if len(a) + len(d) < len(ents):
            rep.add("input lost (neither archived nor set aside)",
                    ents[0][0], ents[0][2])
        elif len(a) + len(d) > len(ents):
            rep.add("one input became several files", ents[0][0],
                    ents[0][2])
        if ents[0][1] == "mail" and not a:
            rep.add("message not archived at all", ents[0][0], ents[0][2])
        if ents[0][1] == "no-archive" and a:
            rep.add("archived though it asks not to be (X-No-Archive)",
                    ents[0][0], ents[0][2])
    junk_archived = sum(1 for t in archived.values()
                        if entries.get(t, [("", "")])[0][1] == "junk")
    nfiles = len(archived) + len(setaside)
    for (kind, cls), (n, ex) in sorted(rep.v.items(),
                                       key=lambda kv: (kv[0][1], kv[0][0])):
        print("VIOLATION %-22s %-48s %4d  e.g. %s" % (cls, kind, n, ex))
    for c in rep.crashes:
        print("PROGRAM FAILED %s" % c)
    print("inputs %d (and %d empty files): archived %d, set aside %d "
          "(files %d%s); indexed %d files (%d searched by body); junk "
          "archived %d; violations %d"
          % (ninputs, empty, len(archived), len(setaside), nfiles,
              "" if nfiles == ninputs else " != inputs", len(ids),
              len(with_text), junk_archived, rep.total()))
    if nfiles != ninputs:
        print("VIOLATION counts: %d files in archive/ and duplicates/ for "
              "%d inputs" % (nfiles, ninputs))
    return 1 if rep.total() or nfiles != ninputs else 0


if __name__ == "__main__":
    sys.exit(main())
