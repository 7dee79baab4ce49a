#!/usr/bin/env python3
"""The search index at a million messages, modelled from a real one.

  search-model.py STATE_SEARCH_DIR FACTOR [WORD WORD]

Reads the renderer's cache of a space's index (SPACE/state/search/, a
file a part of a month, a line per message with its terms: docs/format.md)
and builds, in the documented format, the segments the renderer would
write if each month held FACTOR times its messages (each copied with a
new name), cut into parts as the renderer cuts them (8,192 each, the
last holding the rest, or a rest under 2,048 with it). Nothing is
written: it prints the index's size, its files, the sizes of shards and
document files, what one run adding 10 messages to the newest month
rewrites (its last part), and the GETs a two-word query's first page
needs (the client's algorithm: newest segment first). With FACTOR 10
over bench/search.sh's 100,000 messages this is the 1,000,000-message
projection; the renderer's own time and memory are measured by
bench/search.sh and scale with a month's size, not the archive's.
"""
import json
import os
import sys

CHUNK, SHARD, BITS_MAX, PART = 128, 24 * 1024, 8, 8192


def cut(n):
    """The parts of a month of n documents: (first, count) each."""
    full = n // PART
    parts = 0 if n == 0 else 1 if full == 0 else \
        full + 1 if n % PART >= PART // 4 else full
    return [(k * PART, PART if k + 1 < parts else n - k * PART)
            for k in range(parts)]


def fnv(term):
    h = 2166136261
    for b in term.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def jstr(s):
    return json.dumps(s, ensure_ascii=False)


def segment(docs):
    """The files of a segment: {name: bytes}."""
    post, size = {}, 0
    for i, (_, terms) in enumerate(docs):
        for t in terms:
            p = post.get(t)
            if p is None:
                p = post[t] = []
                size += len(t.encode()) + 5
            p.append(i)
            size += 1 + (1 if i < 10 else 2 if i < 100 else 3)
    bits = 0
    while bits < BITS_MAX and (size >> bits) > SHARD:
        bits += 1
    shards = [[] for _ in range(1 << bits)]
    for t in sorted(post):
        shards[fnv(t) >> (32 - bits) if bits else 0].append(t)
    files = {}
    for k in range(0, len(docs), CHUNK):
        rows = ",\n".join(r for r, _ in docs[k:k + CHUNK])
        files["d%d.json" % (k // CHUNK)] = len(("[" + rows + "]\n").encode())
    for s, terms in enumerate(shards):
        parts = []
        for t in terms:
            p = post[t]
            deltas = [p[0]] + [b - a for a, b in zip(p, p[1:])]
            parts.append(jstr(t) + ":[" + ",".join(map(str, deltas)) + "]")
        files["t%d.json" % s] = len(("{" + ",".join(parts) + "}\n").encode())
    return files, bits, post, shards


def main(argv):
    cdir, factor = argv[1], int(argv[2])
    words = argv[3:5] or ["budget", "meeting"]
    # A month's cache files: YYYY-MM (its first part), YYYY-MM.K.
    parts = {}
    for f in os.listdir(cdir):
        m, _, k = f.partition(".")
        if len(m) == 7 and m[4] == "-" and (k == "" or k.isdigit()):
            parts.setdefault(m, []).append((int(k or 0), f))
    months = sorted(parts)
    total = nfiles = ndocs = nsegs = 0
    shard_sizes, doc_sizes = [], []
    newest = None
    biggest = (0, 0, "")
    for m in months:
        docs, rows = [], []
        for _, f in sorted(parts[m]):
            with open(os.path.join(cdir, f), encoding="utf-8") as fh:
                lines = fh.read().split("\n")[1:]
            rows += [l.split("\t") for l in lines if l.count("\t") == 6]
        for c in range(factor):
            for r in rows:
                name = "%s-%d" % (r[0], c)
                row = "[%s,%s,%s,%s,%s,%s]" % (r[1], jstr(name), jstr(r[2]), jstr(r[3]),
                                               jstr(r[4]), jstr(r[5]))
                docs.append((int(r[1]), name, row, r[6].split(" ")))
        # The renderer's order: date, then name (the copies interleave).
        docs.sort(key=lambda d: (d[0], d[1]))
        docs = [(row, terms) for _, _, row, terms in docs]
        for k, count in cut(len(docs)):
            files, bits, post, shards = segment(docs[k:k + count])
            nsegs += 1
            total += sum(files.values())
            nfiles += len(files)
            shard_sizes += [v for key, v in files.items() if key[0] == "t"]
            doc_sizes += [v for key, v in files.items() if key[0] == "d"]
            newest = (m, files, bits, post, count)
            biggest = max(biggest, (sum(files.values()), len(files), m,
                                    count))
        ndocs += len(docs)
    shard_sizes.sort()
    doc_sizes.sort()
    m, files, bits, post, n = newest
    index_json = 110 * nsegs + 60
    # A two-word query, newest first: the list, one shard a word, the
    # document files of the newest 20 matches.
    got = None
    for w in words:
        p = set(post.get(w, []))
        got = p if got is None else got & p
    req = 1 + len({fnv(w) >> (32 - bits) if bits else 0 for w in words})
    qbytes = index_json + sum(files["t%d.json" % (fnv(w) >> (32 - bits) if bits else 0)]
                              for w in set(words))
    page = sorted(got, reverse=True)[:20]
    chunks = {d // CHUNK for d in page}
    req += len(chunks)
    qbytes += sum(files["d%d.json" % c] for c in chunks)
    print("messages: %d in %d months, %d segments (factor %d)"
          % (ndocs, len(months), nsegs, factor))
    print("index: %.1f MB in %d files" % (total / 1048576, nfiles))
    print("shards: median %.1f KB, max %.1f KB; document files: median %.1f KB, max %.1f KB"
          % (shard_sizes[len(shard_sizes) // 2] / 1024, shard_sizes[-1] / 1024,
             doc_sizes[len(doc_sizes) // 2] / 1024, doc_sizes[-1] / 1024))
    print("adding 10 messages to %s, its last part (%d messages): %d files, %.1f KB "
          "rewritten (+ index.json)" % (m, n, len(files), sum(files.values()) / 1024))
    print("adding 10 messages to the biggest part, of %s (%d messages): %d files, %.1f KB"
          % (biggest[2], biggest[3], biggest[1], biggest[0] / 1024))
    print("query %s: %d requests, %.1f KB; %d matches in the newest segment"
          % (" ".join(words), req, qbytes / 1024, len(got)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
