#!/usr/bin/env python3
"""Compare how mailarc split an mbox with how Python's mailbox.mbox does.

usage: mbox_compare.py [--mboxo] MBOX DIR...

MBOX may be gzip-compressed (it is uncompressed first, as far as it can be:
a file cut short gives what comes before the damage). Each DIR is a Maildir
(or a folder of them) that mailarc delivered the messages of MBOX to, e.g.
a space's archive/ and duplicates/; every file under a new/ or cur/ folder
is one message.

Python's copy of each message is brought to the form mailarc documents
before comparing, so that only the splitting is compared:
  - mboxrd quoting is undone (">From " and ">>From " lose one '>'; with
    --mboxo only ">From "), which mailbox.mbox does not do;
  - CRLF line ends become LF;
  - a last CRLF empty line is dropped when mailbox.mbox dropped no "\\n"
    empty line there: it is the separator before the next From_ line,
    which mailbox.mbox recognises only as "\\n";
  - a message that is empty or only empty lines (two From_ lines in a row)
    is counted apart: mailarc does not deliver one.

Output, one fact a line, sorted within each group:
  python N          messages mailbox.mbox finds (empty ones not counted)
  python-empty N    empty ones it finds
  mailarc N         messages mailarc delivered
  same N            messages byte for byte the same on both sides
  only-python ID    a message only Python has (ID: Message-ID, else a hash)
  only-mailarc ID   a message only mailarc has
Exit status: 0 when both sides hold the same messages, 1 when not, 2 on a
usage error.
"""
import collections
import hashlib
import mailbox
import os
import re
import sys
import tempfile
import zlib

MID = re.compile(rb"^message-id:[ \t]*(\S+)", re.I | re.M)
QUOTED = re.compile(rb"^>(>*From )", re.M)
QUOTED_O = re.compile(rb"^>(From )", re.M)


def label(data):
    head = data.split(b"\n\n", 1)[0]
    m = MID.search(head)
    if m:
        return m.group(1).decode("utf-8", "replace")
    return "#" + hashlib.sha256(data).hexdigest()[:12]


def uncompressed(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":
        return raw
    d = zlib.decompressobj(wbits=31)
    try:
        return d.decompress(raw)
    except zlib.error:
        return b""


def python_messages(path, mboxo):
    data = uncompressed(path)
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, "m")
        with open(plain, "wb") as f:
            f.write(data)
        box = mailbox.mbox(plain, create=False)
        out = []
        for k in box.keys():
            # _toc: where the message ends in the file; a "\n" there is
            # the empty line mailbox took for the separator.
            stop = box._toc[k][1]
            out.append((box.get_bytes(k), data[stop:stop + 1] == b"\n"))
        box.close()
    msgs, empty = [], 0
    for b, dropped in out:
        if b.endswith(b"\r\n\r\n") and not dropped:
            b = b[:-2]
        b = b.replace(b"\r\n", b"\n")
        b = (QUOTED_O if mboxo else QUOTED).sub(rb"\1", b)
        if b.strip(b"\n") == b"":
            empty += 1
        else:
            msgs.append(b)
    return msgs, empty


def mailarc_messages(dirs):
    msgs = []
    for d in dirs:
        for root, _, files in os.walk(d):
            if os.path.basename(root) not in ("new", "cur"):
                continue
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    msgs.append(f.read())
    return msgs


def main(argv):
    mboxo = False
    if argv[:1] == ["--mboxo"]:
        mboxo = True
        argv = argv[1:]
    if len(argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        py, empty = python_messages(argv[0], mboxo)
        ma = mailarc_messages(argv[1:])
    except OSError as e:
        print("mbox_compare: %s" % e, file=sys.stderr)
        return 2
    cp, cm = collections.Counter(py), collections.Counter(ma)
    print("python %d" % len(py))
    print("python-empty %d" % empty)
    print("mailarc %d" % len(ma))
    print("same %d" % sum((cp & cm).values()))
    for who, diff in (("only-python", cp - cm), ("only-mailarc", cm - cp)):
        for line in sorted(label(b) for b in diff.elements()):
            print("%s %s" % (who, line))
    return 0 if cp == cm else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
