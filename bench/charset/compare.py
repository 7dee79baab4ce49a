#!/usr/bin/env python3
"""compare.py DUMP DIR - Subject and From of every message in DIR as
mailarc decodes them (the charset-dump program DUMP) against Python's
email package with policy.default. Prints the agreement, each difference,
and a rough class for it (judge them one by one: the reference is not
always right)."""
import email
import glob
import os
import re
import subprocess
import sys
from email import policy

dump, top = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(top, '*.eml')))
env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0')
out = subprocess.run([dump] + files, capture_output=True, env=env,
                     check=True).stdout.decode('utf-8', 'replace')
ours = {}
for line in out.splitlines():
    p, s, f = (line.split('\t') + ['', ''])[:3]
    ours[p] = (s, f)


def norm(s):
    s = re.sub(r'[\udc80-\udcff]', '\ufffd', s)
    return re.sub(r'\s+', ' ', s).strip()


def python_view(p):
    m = email.message_from_bytes(open(p, 'rb').read(), policy=policy.default)
    try:
        s = str(m['Subject']) if m['Subject'] is not None else ''
    except Exception as e:  # the reference can fail too
        s = 'PYERR %s' % e
    try:
        h = m['From']
        f = '|'.join('%s <%s>' % (a.display_name, a.addr_spec)
                     for a in h.addresses) if h is not None else ''
    except Exception as e:
        f = 'PYERR %s' % e
    return norm(s), norm(f)


agree = {'subject': 0, 'from': 0}
diffs = []
for p in files:
    ps, pf = python_view(p)
    os_, of = ours.get(p, ('MISSING', 'MISSING'))
    for k, a, b in (('subject', norm(os_), ps), ('from', norm(of), pf)):
        if a == b:
            agree[k] += 1
        else:
            diffs.append((k, p, a, b))
n = len(files)
print('messages', n)
for k in agree:
    print('%s agree %d/%d = %.2f%%' % (k, agree[k], n, 100.0 * agree[k] / n))
tot = sum(agree.values())
print('fields agree %d/%d = %.2f%%' % (tot, 2 * n, 100.0 * tot / (2 * n)))
cls = {}
for k, p, a, b in diffs:
    if a.replace(' ', '') == b.replace(' ', ''):
        c = 'blank-only'  # blanks between adjacent words (RFC 2047 6.2)
    elif '\ufffd' in b and '\ufffd' not in a:
        c = 'python-replacement'  # raw 8-bit, split or vendor characters
    elif '=?' in b and '=?' not in a:
        c = 'python-undecoded'
    else:
        c = 'other'
    cls.setdefault(c, []).append((k, p, a, b))
for c, lst in sorted(cls.items()):
    print('class %s: %d' % (c, len(lst)))
for c, lst in sorted(cls.items()):
    for k, p, a, b in lst:
        print('%s %s %s\n  mailarc [%s]\n  python  [%s]' % (c, k, p, a, b))
