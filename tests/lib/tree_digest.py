#!/usr/bin/env python3
"""tree_digest.py DIR - one line per file, folder and link under DIR (DIR
itself as "."): its path, its permission bits in octal and, for a regular
file, the first 16 hex digits of its SHA-256, else its type (d, l, p, s,
c, b). Lines sorted. Two equal digests mean nothing on disk changed.

The shell loop it replaces started two processes per file, some seconds
for a site of a thousand files; this reads the tree in one process."""
import hashlib
import os
import stat
import sys

TYPES = ((stat.S_ISDIR, "d"), (stat.S_ISLNK, "l"), (stat.S_ISFIFO, "p"),
         (stat.S_ISSOCK, "s"), (stat.S_ISCHR, "c"), (stat.S_ISBLK, "b"))


def line(path):
    st = os.lstat(path)
    mode = "%o" % stat.S_IMODE(st.st_mode)
    if stat.S_ISREG(st.st_mode):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 16), b""):
                h.update(chunk)
        return "%s %s %s" % (path, mode, h.hexdigest()[:16])
    kind = next((c for test, c in TYPES if test(st.st_mode)), "?")
    return "%s %s %s" % (path, mode, kind)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tree_digest.py DIR")
    os.chdir(sys.argv[1])
    lines = [line(".")]
    for root, dirs, files in os.walk("."):
        for name in dirs + files:
            lines.append(line(os.path.join(root, name)))
    lines.sort()
    sys.stdout.write("".join(l + "\n" for l in lines))


main()
