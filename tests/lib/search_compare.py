#!/usr/bin/env python3
"""The site's search in headless Chromium against notmuch.

  search_compare.py SPACE BASE QUERIES

For each line of QUERIES ("rule<TAB>site query<TAB>notmuch query", '#'
comments; a notmuch query of "-" is the site query itself), open
BASE/search.html?q=...&per=1000 in headless Chromium, take the messages
it lists (data-m, their permalink names) and compare them with the
messages `mailarc search SPACE --output=messages` finds. Rules:

  =      the same messages
  stem   the site finds a subset: notmuch stems English words (moves
         finds move), the site matches words whole
  none   the site finds nothing (a deleted message)

Queries run a few at a time, each Chromium bounded by CHROMIUM_TIMEOUT.
Prints one line a query; exits 1 on any difference not allowed by its
rule.
"""
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT = int(os.environ.get("CHROMIUM_TIMEOUT", "60"))


def permalink(msgid):
    """The permalink rule of lib/permalink.h."""
    raw = msgid.strip("<>").encode("utf-8", "surrogateescape")
    out = []
    for i, b in enumerate(raw):
        c = chr(b)
        if (c.isascii() and c.isalnum()) or c in "@-_+" or (c == "." and i > 0):
            out.append(c)
        else:
            out.append("=%02X" % b)
    name = "".join(out)
    if len(name) > 200:
        cut = name[:120]
        if "=" in cut[-2:]:
            cut = cut[:cut.rindex("=")]
        name = cut + "==" + hashlib.sha256(raw).hexdigest()[:32]
    return name


def site_search(base, query):
    url = "%s/search.html?%s" % (base, urllib.parse.urlencode({"q": query, "per": "1000"}))
    profile = tempfile.mkdtemp(prefix="chromium.")
    try:
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
             "--user-data-dir=" + profile, "--virtual-time-budget=10000",
             "--dump-dom", url],
            capture_output=True, timeout=TIMEOUT, check=False).stdout.decode()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if 'data-search="done"' not in out:
        return None, "the page did not finish"
    status = re.search(r'<p id="status"[^>]*>([^<]*)<', out)
    return set(re.findall(r'data-m="([^"]*)"', out)), status.group(1) if status else ""


def notmuch_search(space, query):
    out = subprocess.run(["mailarc", "search", space, "--output=messages", "--", query],
                         capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    return {permalink(l[3:]) for l in out.splitlines() if l.startswith("id:")}


def main(argv):
    space, base, qfile = argv[1:4]
    cases = []
    for line in open(qfile, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        rule, q, nq = line.split("\t")
        cases.append((rule, q, q if nq == "-" else nq))
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        got = list(pool.map(lambda c: site_search(base, c[1]), cases))
    bad = 0
    for (rule, q, nq), (site, status) in zip(cases, got):
        want = notmuch_search(space, nq)
        if site is None:
            ok = False
        elif rule == "=":
            ok = site == want
        elif rule == "stem":
            ok = site <= want and len(site) > 0
        elif rule == "none":
            ok = not site
        else:
            ok = False
        print("%s %-5s %-32s site %4s  notmuch %4d  [%s]  %s" % (
            "ok  " if ok else "FAIL", rule, q, "-" if site is None else len(site),
            len(want), nq, status))
        if not ok and site is not None:
            for n in sorted(site - want)[:5]:
                print("      only site:    " + n)
            for n in sorted(want - site)[:5]:
                print("      only notmuch: " + n)
        bad += not ok
    print("%d queries, %d failed" % (len(cases), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
