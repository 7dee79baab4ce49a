#!/usr/bin/env python3
"""Check that every local link of a published site resolves to a file.

  linkcheck.py SITE [--stubs]

Reads every .html (href and src of any element, and the HTML of sandboxed
mail frames, whose relative links resolve against their page) and every
.atom (link href) outside hidden folders: the staging folder of a run is
not part of the site, and no page links into it. A local link is any
link without a scheme; its path, relative to the file that holds it, must
name a file inside SITE. Fragments and queries are not checked (the
Chromium suite checks anchors). Prints the first broken links and a
summary line; exit 1 if a link is broken or a feed is not XML. --stubs
also counts pages still showing the "being published" stub.
Standard library only.
"""
import html.parser
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
ATOM = "{http://www.w3.org/2005/Atom}"
STUB = b"<title>Being published</title>"


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.links.append(v)
            elif k == "srcdoc" and v is not None:
                # about:srcdoc resolves against the page that holds it.
                inner = Links()
                inner.feed(v)
                inner.close()
                self.links.extend(inner.links)


def html_links(path):
    p = Links()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    p.close()
    return p.links


def atom_links(path):
    root = ET.parse(path).getroot()
    return [e.get("href") for e in root.iter(ATOM + "link") if e.get("href")]


def local_target(site, path, link):
    """The file a local link names, or None for links not to check."""
    link = link.strip()
    if not link or link.startswith("#") or SCHEME.match(link):
        return None
    url = urllib.parse.urlsplit(link)
    if not url.path:
        return None
    if url.path.startswith("/"):
        rel = url.path.lstrip("/")
        return os.path.normpath(os.path.join(site, urllib.parse.unquote(rel)))
    return os.path.normpath(os.path.join(os.path.dirname(path),
                                         urllib.parse.unquote(url.path)))


def check(site, stubs=False):
    site = os.path.realpath(site)
    files = checked = 0
    bad, nstub = [], 0
    for root, dirs, names in os.walk(site):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for n in sorted(names):
            if n.startswith("."):
                continue
            path = os.path.join(root, n)
            if n.endswith(".html"):
                links = html_links(path)
            elif n.endswith(".atom"):
                try:
                    links = atom_links(path)
                except ET.ParseError as e:
                    bad.append("%s: not XML (%s)" % (os.path.relpath(path, site), e))
                    continue
            else:
                continue
            files += 1
            if stubs:
                with open(path, "rb") as f:
                    nstub += STUB in f.read(4096)
            for link in links:
                target = local_target(site, path, link)
                if target is None:
                    continue
                checked += 1
                if not target.startswith(site + os.sep) or not os.path.isfile(target):
                    bad.append("%s: %s (no such file)" % (os.path.relpath(path, site), link))
    for b in bad[:20]:
        print(b)
    print("%d files, %d local links, %d broken%s" % (
        files, checked, len(bad), ", %d stubs" % nstub if stubs else ""))
    return 1 if bad else 0


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return check(args[0], "--stubs" in argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
