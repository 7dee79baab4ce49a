#!/usr/bin/env python3
"""The site's search in headless Chromium against notmuch.

  search_compare.py SPACE SITE BASE QUERIES

For each line of QUERIES ("rule<TAB>site query<TAB>notmuch query", '#'
comments; a notmuch query of "-" is the site query itself), open
BASE/search.html?q=...&per=1000 (BASE serves the folder SITE) in headless
Chromium, take the messages it lists (data-m, their permalink names) and
compare them with the messages `mailarc search SPACE --output=messages`
finds. Rules:

  =      the same messages
  stem   the site finds a subset: notmuch stems English words (moves
         finds move), the site matches words whole
  none   the site finds nothing (a deleted message)

One Chromium run visits every query: a page of ours written into SITE
for the run (and removed after it) opens search.html?q=... for each
query in turn, in a frame of its own (a fresh document, so nothing is
carried from one query to the next but the HTTP cache), waits until the
page says data-search="done" (at most 10 s of the page's time a query)
and notes what it lists. Starting Chromium once instead of once a query
saves most of the suite's time. The run is bounded by CHROMIUM_TIMEOUT
plus a second a query. Prints one line a query; exits 1 on any
difference not allowed by its rule.
"""
import hashlib
import html
import json
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


HARNESS = """<!DOCTYPE html><meta charset="utf-8"><title>compare</title>
<pre id="out"></pre>
<script>
var urls = %s, out = [];
function visit(i) {
  if (i >= urls.length) {
    document.getElementById("out").textContent = JSON.stringify(out);
    document.title = "compare-done";
    return;
  }
  var f = document.createElement("iframe"), tries = 0;
  function poll() {
    var d = f.contentDocument;
    if (d && d.body && d.body.getAttribute("data-search") === "done") {
      var st = d.getElementById("status");
      out.push({m: Array.prototype.map.call(d.querySelectorAll("[data-m]"),
                  function (e) { return e.getAttribute("data-m"); }),
                status: st ? st.textContent : ""});
    } else if (++tries < 400) {
      return setTimeout(poll, 25);
    } else {
      out.push(null);
    }
    f.remove();
    visit(i + 1);
  }
  f.onload = poll;
  f.src = urls[i];
  document.body.appendChild(f);
}
visit(0);
</script>
"""


def site_searches(site, base, queries):
    """[(set of data-m, status) or (None, why)] for each query, in one
    Chromium run."""
    urls = ["search.html?" + urllib.parse.urlencode({"q": q, "per": "1000"})
            for q in queries]
    name = "compare-%d.html" % os.getpid()
    page = os.path.join(site, name)
    with open(page, "w", encoding="utf-8") as f:
        f.write(HARNESS % json.dumps(urls).replace("</", "<\\/"))
    profile = tempfile.mkdtemp(prefix="chromium.")
    try:
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
             "--user-data-dir=" + profile,
             "--virtual-time-budget=%d" % (10000 * len(urls) + 5000),
             "--dump-dom", "%s/%s" % (base, name)],
            capture_output=True, timeout=TIMEOUT + len(urls), check=False).stdout.decode()
    except subprocess.TimeoutExpired:
        out = ""
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        os.unlink(page)
    m = re.search(r'<pre id="out">([^<]*)</pre>', out)
    if "<title>compare-done</title>" not in out or not m:
        return [(None, "the run did not finish")] * len(urls)
    got = json.loads(html.unescape(m.group(1)))
    if len(got) != len(urls):
        return [(None, "the run lost queries")] * len(urls)
    return [(None, "the page did not finish") if g is None else (set(g["m"]), g["status"])
            for g in got]


def notmuch_search(space, query):
    out = subprocess.run(["mailarc", "search", space, "--output=messages", "--", query],
                         capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    return {permalink(l[3:]) for l in out.splitlines() if l.startswith("id:")}


def main(argv):
    space, site, base, qfile = argv[1:5]
    cases = []
    for line in open(qfile, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        rule, q, nq = line.split("\t")
        cases.append((rule, q, q if nq == "-" else nq))
    got = site_searches(site, base, [c[1] for c in cases])
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
