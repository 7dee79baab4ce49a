#!/usr/bin/env python3
"""Helpers for the site suites (standard library only).

  chromium_site.py links SITE        every local link and fragment resolves
  chromium_site.py title FILE|-      the <title> text of a page (- : stdin)
  chromium_site.py has-id FILE|- ID  exit 0 when an element has id ID
  chromium_site.py naked PAGE OUT    the first sandboxed iframe's srcdoc as
                                     a page of its own (no sandbox, no CSP)
  chromium_site.py complete SITE     every .html file is whole (ends with
                                     </html>); temp files are hidden
"""
import html.parser
import os
import sys
import urllib.parse

EXTERNAL = ("http:", "https:", "mailto:", "mid:", "data:")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.srcdocs = [], set(), []
        self.title, self._in_title = "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for k in ("href", "src"):
            if a.get(k) is not None and tag in ("a", "link", "img", "iframe"):
                self.links.append(a[k])
        if tag == "iframe" and a.get("srcdoc") is not None:
            self.srcdocs.append(a["srcdoc"])
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(path):
    p = Page()
    data = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    p.feed(data)
    return p


def links(site):
    site = os.path.realpath(site)
    pages, bad, checked = {}, [], 0
    for root, _, files in os.walk(site):
        for f in files:
            if f.endswith(".html"):
                pages[os.path.join(root, f)] = None
    for path in pages:
        pages[path] = parse(path)
    for path, p in pages.items():
        for link in p.links:
            if link.lower().startswith(EXTERNAL):
                continue
            checked += 1
            url = urllib.parse.urlsplit(link)
            target = path if not url.path else os.path.realpath(
                os.path.join(os.path.dirname(path), urllib.parse.unquote(url.path)))
            if not target.startswith(site + os.sep) or not os.path.isfile(target):
                bad.append("%s: %s (no such file)" % (os.path.relpath(path, site), link))
                continue
            if url.fragment and target.endswith(".html"):
                if urllib.parse.unquote(url.fragment) not in pages[target].ids:
                    bad.append("%s: %s (no such anchor)" % (os.path.relpath(path, site), link))
    for b in bad[:50]:
        print(b)
    print("%d pages, %d local links, %d broken" % (len(pages), checked, len(bad)))
    return 1 if bad else 0


def complete(site):
    bad = 0
    for root, dirs, files in os.walk(site):
        # A run's staging folder (.render-next) is not part of the site.
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            path = os.path.join(root, f)
            if f.startswith("."):
                continue  # a killed run's temp file: hidden, never linked
            if ".tmp" in f:
                print("temp file visible: %s" % path)
                bad += 1
            elif f.endswith(".html"):
                with open(path, "rb") as fh:
                    if not fh.read().endswith(b"</html>\n"):
                        print("partial page: %s" % path)
                        bad += 1
    return 1 if bad else 0


def main(argv):
    cmd = argv[1]
    if cmd == "links":
        return links(argv[2])
    if cmd == "title":
        print(parse(argv[2]).title)
        return 0
    if cmd == "has-id":
        return 0 if argv[3] in parse(argv[2]).ids else 1
    if cmd == "naked":
        docs = parse(argv[2]).srcdocs
        if not docs:
            return 1
        with open(argv[3], "w", encoding="utf-8") as f:
            f.write(docs[0].replace("<head>", "<head><title>naked</title>", 1))
        return 0
    if cmd == "complete":
        return complete(argv[2])
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
