#!/usr/bin/env python3
"""corpus.py TOP OUT - gather a varied corpus for compare.py into OUT, one
message a file: tests/corpus and tests/sample of the tree TOP (mboxes split
with Python's mailbox module), the messages of tests/lib/charset_gen.py,
and 400 generated ones: Subjects and display names in 14 charsets, encoded
by Python's email.header, as Q words, as base64 words split mid character,
as unpadded base64 words, mixed with plain text, and as raw UTF-8."""
import base64
import glob
import gzip
import mailbox
import os
import random
import shutil
import subprocess
import sys
import tempfile
from email.header import Header

top, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
n = 0


def put(data, tag):
    global n
    n += 1
    with open(os.path.join(out, '%04d-%s.eml' % (n, tag)), 'wb') as f:
        f.write(data)


tmpdir = tempfile.mkdtemp()
for p in sorted(glob.glob(top + '/tests/corpus/**', recursive=True) +
                glob.glob(top + '/tests/sample/**', recursive=True)):
    b = os.path.basename(p)
    if os.path.isdir(p) or b.endswith(('.py', '.txt')) or b == 'keep':
        continue
    data = open(p, 'rb').read()
    if p.endswith('.gz'):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            continue
    if '.mbox' in b:
        tmp = os.path.join(tmpdir, 'x.mbox')
        open(tmp, 'wb').write(data)
        box = mailbox.mbox(tmp)
        for k in box.keys():
            put(box.get_bytes(k), 'mbox')
    else:
        put(data, 'file')
own = os.path.join(tmpdir, 'own')
subprocess.run([sys.executable, top + '/tests/lib/charset_gen.py', own],
               check=True)
for p in sorted(glob.glob(own + '/*.eml')):
    put(open(p, 'rb').read(), 'own')
shutil.rmtree(tmpdir)

rnd = random.Random(12)
texts = [
    ('utf-8', 'Grüße aus Köln — café crème naïve façade'),
    ('iso-8859-1', 'Grüße aus Köln, café crème'),
    ('iso-8859-2', 'Zażółć gęślą jaźń'),
    ('iso-8859-15', 'Prix: 20 € net'),
    ('koi8-r', 'Привет, как дела у тебя сегодня'),
    ('windows-1251', 'Совещание по проекту в пятницу'),
    ('iso-2022-jp', '見積書の送付について（大阪支店）'),
    ('shift_jis', '会議の議事録をお送りします'),
    ('euc-jp', '来週の打ち合わせ日程'),
    ('gb2312', '关于下周会议的通知'),
    ('big5', '關於下週會議的通知'),
    ('euc-kr', '다음 주 회의 안내'),
    ('utf-8', '日本語のテキストと English mixed 😀 emoji'),
    ('utf-8', 'Ελληνικά και Русский и 中文'),
]
names = [('utf-8', 'Jörg Müller'), ('iso-8859-1', 'Renée Dupont'),
         ('utf-8', '田中 太郎'), ('iso-2022-jp', '山田 花子'),
         ('utf-8', 'Doe, John'), ('koi8-r', 'Иван Петров'),
         ('utf-8', 'O\'Brien "The Boss"'), ('shift_jis', '佐藤 一郎')]


def q_words(cs, t):
    """Q words of about 30 characters, never cut inside =XX."""
    bt = t.encode(cs)
    q = ''.join(chr(c) if chr(c).isalnum() and c < 128 else
                ('_' if c == 32 else '=%02X' % c) for c in bt)
    words, cur = [], ''
    for ch in q:
        cur += ch
        if len(cur) >= 30 and cur[-1] != '=' and cur[-2:-1] != '=':
            words.append(cur)
            cur = ''
    if cur:
        words.append(cur)
    return '\n '.join('=?%s?Q?%s?=' % (cs, w) for w in words)


for i in range(400):
    cs, t = rnd.choice(texts)
    ncs, nm = rnd.choice(names)
    bt = t.encode(cs)
    how = rnd.randrange(6)
    if how == 0:
        s = Header(t, cs).encode(maxlinelen=rnd.randrange(30, 90))
    elif how == 1:
        s = q_words(cs, t)
    elif how == 2:
        cuts = sorted(rnd.sample(range(1, len(bt)), min(3, len(bt) - 1)))
        chunks = [bt[a:b] for a, b in zip([0] + cuts, cuts + [len(bt)])]
        s = ' '.join('=?%s?B?%s?=' % (cs, base64.b64encode(c).decode())
                     for c in chunks)
    elif how == 3:
        chunks = ([bt] if cs == 'iso-2022-jp' else
                  [bt[:len(bt) // 2], bt[len(bt) // 2:]])
        s = ' '.join('=?%s?B?%s?=' % (
            cs, base64.b64encode(c).decode().rstrip('=')) for c in chunks)
    elif how == 4:
        s = 'Re: ' + Header(t, cs).encode() + ' (update)'
    else:
        s = 'Fwd: ' + t
    nb = Header(nm, ncs).encode(maxlinelen=rnd.randrange(25, 80))
    fh = rnd.randrange(3)
    if fh == 0:
        f = '%s <a%d@example.org>' % (nb, i)
    elif fh == 1:
        f = '"%s" <a%d@example.org>' % (nb, i)
    else:
        u = nm.encode()
        f = '=?utf-8?B?%s?= =?utf-8?B?%s?= <a%d@example.org>' % (
            base64.b64encode(u[:3]).decode(),
            base64.b64encode(u[3:]).decode(), i)
    put(('From: %s\nTo: t@example.org\nSubject: %s\n'
         'Message-ID: <g%d@example.org>\n'
         'Date: Sun, 16 Jul 2023 15:06:25 +0000\n\nbody\n'
         % (f, s, i)).encode('utf-8'), 'gen')
print('%d messages in %s' % (n, out))
