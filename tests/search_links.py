#!/usr/bin/env python3
"""Check the links a site's search results lead to.

usage: search_links.py SITE           every document of search/
       search_links.py SITE DOM       the hrefs of a dumped search page

For each search document the links search.js builds from it (the rules
below mirror item() in lib/render/search.js): the message page
m/HH/NAME.html, and the "Conversation" link t/HH/NAME.html#ANCHOR. Each
must be a file of the site; an anchor must be an id in it. A document
without a conversation link is an error too: every message of the
tests' corpora has a thread. Prints one line per broken link; exit 1
when there is one.
"""
import html.parser
import json
import os
import re
import sys

NAME = re.compile(r"^[0-9a-f]{2}/[A-Za-z0-9@_+.=-]+$")
PLACE = re.compile(r"^([0-9a-f]{2}/[A-Za-z0-9@_+.=-]+)(#m[0-9a-f]{12})$")


class Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("class") in ("subj", "thread"):
            self.hrefs.append(a.get("href"))


def parsed(path):
    p = Ids()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def check(site, href, cache, bad):
    path, _, frag = href.partition("#")
    full = os.path.join(site, path)
    if not os.path.isfile(full):
        bad.append("%s: no such page" % href)
        return
    if frag:
        if full not in cache:
            cache[full] = parsed(full).ids
        if frag not in cache[full]:
            bad.append("%s: no such anchor" % href)


def doc_links(site):
    out = []
    with open(os.path.join(site, "search", "index.json")) as f:
        ix = json.load(f)
    for sg in ix["segments"]:
        d = os.path.join(site, "search", "%s.%s" % (sg["m"], sg["h"]))
        k = 0
        while os.path.exists(os.path.join(d, "d%d.json" % k)):
            with open(os.path.join(d, "d%d.json" % k)) as f:
                for row in json.load(f):
                    if not NAME.match(row[1]):
                        out.append("(bad message name %r)" % row[1])
                        continue
                    out.append("m/%s.html" % row[1])
                    p = PLACE.match(row[2])
                    out.append("t/%s.html%s" % p.groups() if p else
                               "(no conversation for %r: %r)" %
                               (row[1], row[2]))
            k += 1
    return out


def main():
    site = sys.argv[1]
    if len(sys.argv) > 2:
        links = parsed(sys.argv[2]).hrefs
    else:
        links = doc_links(site)
    bad, cache = [], {}
    for href in links:
        if href is None or href.startswith("("):
            bad.append(href or "(a link without href)")
        else:
            check(site, href, cache, bad)
    for b in bad:
        print(b)
    print("%d links, %d broken" % (len(links), len(bad)), file=sys.stderr)
    return 1 if bad or not links else 0


if __name__ == "__main__":
    sys.exit(main())
