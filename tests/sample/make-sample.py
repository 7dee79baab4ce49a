#!/usr/bin/env python3
"""Write the sample archive bundled with mailarc (tests/sample/mail/*.eml).

The messages were written for the project: a small team's mailbox with
threads, attachments, several languages and charsets (Japanese in
ISO-2022-JP and Shift_JIS, German in ISO-8859-1, French in Windows-1252,
Russian in KOI8-R, Greek in ISO-8859-7), RFC 2047 headers, an RFC 2231
file name, format=flowed text and HTML mail with an inline cid: image.
The output is committed; this script documents how it was made and can
rebuild it byte for byte (fixed dates, boundaries and Message-IDs).

Usage: make-sample.py OUTDIR
"""
import base64
import os
import struct
import sys
import zlib
from email.header import Header


def png(w, h, rgb):
    """A small solid-colour PNG, built by hand (no imaging library)."""
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def hdr(text, charset="utf-8"):
    try:
        text.encode("ascii")
        return text
    except UnicodeEncodeError:
        return Header(text, charset).encode()


PEOPLE = {
    "ana": "Ana Lima <ana@harbour.example>",
    "ben": "Ben Okafor <ben@harbour.example>",
    "chie": hdr("田中 千恵", "iso-2022-jp") + " <chie@harbour.example>",
    "dirk": hdr("Dirk Müller", "iso-8859-1") + " <dirk@harbour.example>",
    "elodie": hdr("Élodie Garnier", "utf-8") + " <elodie@harbour.example>",
    "team": "Harbour team <team@harbour.example>",
    "ivan": hdr("Иван Петров", "koi8-r") + " <ivan@harbour.example>",
    "nikos": hdr("Νίκος Παππάς", "iso-8859-7") + " <nikos@harbour.example>",
    "ops": "ops-robot@harbour.example",
}

DAY = 86400
T0 = 1788220800  # 2026-09-01 00:00:00 UTC


def date(day, hour, minute=0):
    import email.utils
    return email.utils.formatdate(T0 + day * DAY + hour * 3600 + minute * 60)


def head(mid, frm, to, subject, when, reply=None, refs=None, cc=None,
         extra=None):
    h = [
        ("From", PEOPLE[frm]),
        ("To", ", ".join(PEOPLE[t] for t in to)),
    ]
    if cc:
        h.append(("Cc", ", ".join(PEOPLE[c] for c in cc)))
    h += [("Subject", subject), ("Date", when),
          ("Message-ID", "<%s@harbour.example>" % mid)]
    if reply:
        h.append(("In-Reply-To", "<%s@harbour.example>" % reply))
        h.append(("References", " ".join("<%s@harbour.example>" % r
                                         for r in (refs or [reply]))))
    h.append(("MIME-Version", "1.0"))
    h += extra or []
    return b"".join(("%s: %s\n" % kv).encode("ascii") for kv in h)


def text(body, charset="utf-8", cte="8bit", flowed=False):
    ct = "text/plain; charset=%s" % charset
    if flowed:
        ct += "; format=flowed; delsp=no"
    data = body.encode(charset)
    if cte == "base64":
        data = base64.encodebytes(data)
    elif cte == "7bit":
        pass
    return ("Content-Type: %s\nContent-Transfer-Encoding: %s\n" % (ct, cte)
            ).encode(), data


def single(headers, part):
    ph, data = part
    return headers + ph + b"\n" + data + (b"" if data.endswith(b"\n") else b"\n")


def multipart(headers, subtype, boundary, parts):
    out = headers + ('Content-Type: multipart/%s; boundary="%s"\n\n'
                     "This is a multi-part message in MIME format.\n"
                     % (subtype, boundary)).encode()
    for ph, data in parts:
        out += ("--%s\n" % boundary).encode() + ph + b"\n" + data
        if not data.endswith(b"\n"):
            out += b"\n"
    return out + ("--%s--\n" % boundary).encode()


def attachment(data, ctype, filename=None, cid=None, inline=False,
               rfc2231=None):
    h = "Content-Type: %s" % ctype
    if filename and not rfc2231:
        h += '; name="%s"' % filename
    h += "\nContent-Transfer-Encoding: base64\n"
    disp = "inline" if inline else "attachment"
    if rfc2231:
        h += "Content-Disposition: %s; filename*=%s\n" % (disp, rfc2231)
    elif filename:
        h += 'Content-Disposition: %s; filename="%s"\n' % (disp, filename)
    if cid:
        h += "Content-ID: <%s>\n" % cid
    return h.encode(), base64.encodebytes(data)


def messages():
    m = {}
    # Thread 1: the office move (nested replies, quoting, an attachment).
    m["move-1"] = single(head("move-1", "ana", ["team"], "Office move on 3 October", date(2, 9)), text(
        "Hi all,\n\nWe move to the new office on Saturday 3 October. Please pack your desk\n"
        "by Friday noon; boxes are in the kitchen.\n\nThe floor plan is on the wiki:\n"
        "https://wiki.harbour.example/office/floor-plan (ask me for access).\n\nAna\n-- \n"
        "Ana Lima · Office manager\n"))
    m["move-2"] = single(head("move-2", "ben", ["team"], "Re: Office move on 3 October", date(2, 11, 5), "move-1"), text(
        "On Wed, Ana Lima wrote:\n> We move to the new office on Saturday 3 October. Please pack your desk\n"
        "> by Friday noon; boxes are in the kitchen.\n\nDo we keep the same desk numbers? My monitor arm needs\n"
        "a desk that is at least 80 cm deep.\n\nBen\n"))
    m["move-3"] = single(head("move-3", "ana", ["ben"], "Re: Office move on 3 October", date(2, 13, 40), "move-2", ["move-1", "move-2"], cc=["team"]), text(
        "Ben Okafor wrote:\n> Do we keep the same desk numbers? My monitor arm needs\n> a desk that is at least 80 cm deep.\n\n"
        "New numbers, sorry. All desks in the new place are 90 cm deep, so your\narm fits.\n\nAna\n"))
    m["move-4"] = multipart(head("move-4", "dirk", ["team"], "Re: Office move on 3 October", date(3, 8, 15), "move-1"), "mixed", "=-move4-boundary", [
        text("Hallo zusammen,\n\nanbei der Plan für die Möbelpacker. Die Küche wird am Freitag um\n"
             "14 Uhr geräumt. Grüße aus dem Büro über der Straße!\n\nDirk\n", "iso-8859-1", "8bit"),
        attachment(png(48, 32, (52, 120, 200)), "image/png", "umzugsplan.png"),
    ])
    m["move-5"] = single(head("move-5", "elodie", ["team"], "Re: Office move on 3 October", date(3, 9, 30), "move-4", ["move-1", "move-4"]), text(
        "Merci Dirk ! Je serai là vendredi à 14 h pour aider à vider la cuisine.\n"
        "Quelqu'un sait où sont passées les clés du local vélo ? « Mystère »…\n\nÉlodie\n", "windows-1252", "8bit"))
    m["move-6"] = single(head("move-6", "ana", ["team"], "Re: Office move on 3 October", date(3, 10, 2), "move-5", ["move-1", "move-4", "move-5"]), text(
        "> Quelqu'un sait où sont passées les clés du local vélo ?\n\nThe bike room keys are in the top drawer at reception.\n\nAna\n"))

    # Thread 2: release planning, format=flowed, long replies and quotes.
    m["rel-1"] = single(head("rel-1", "ben", ["team"], "Release 2.3 planning", date(10, 9)), text(
        "Hello team, \n\nHere is the plan for release 2.3. We freeze features on 20 October, \n"
        "then two weeks of fixes, and we ship on 3 November if nothing \nserious turns up.\n\n"
        "Open questions:\n\n1. Do we still support the old importer?\n2. Who writes the release notes?\n"
        "3. Do we need a second beta?\n\nPlease answer by Friday.\n\nBen\n", flowed=True))
    m["rel-2"] = single(head("rel-2", "elodie", ["team"], "Re: Release 2.3 planning", date(10, 14), "rel-1"), text(
        "Ben Okafor wrote:\n> Hello team,\n>\n> Here is the plan for release 2.3. We freeze features on 20 October,\n"
        "> then two weeks of fixes, and we ship on 3 November if nothing\n> serious turns up.\n>\n> Open questions:\n>\n"
        "> 1. Do we still support the old importer?\n> 2. Who writes the release notes?\n> 3. Do we need a second beta?\n\n"
        "1. No, let's drop it: nobody has used it since 2024.\n2. I can write them.\n3. Only if the first beta shows problems.\n\nÉlodie\n"))
    m["rel-3"] = single(head("rel-3", "nikos", ["team"], "Re: Release 2.3 planning", date(11, 8), "rel-2", ["rel-1", "rel-2"]), text(
        "Συμφωνώ με την Elodie για τον παλιό importer.\n\nI agree about the old importer. I will check the migration guide so\n"
        "nobody is left behind. Καλή εβδομάδα!\n\nΝίκος\n", "iso-8859-7", "8bit"))
    m["rel-4"] = single(head("rel-4", "chie", ["team"], hdr("Re: Release 2.3 planning (翻訳について)", "iso-2022-jp"), date(11, 10), "rel-1"), text(
        "皆さん、こんにちは。\n\nリリース 2.3 の日本語訳は 10 月 25 日までに終わらせます。\n"
        "新しい画面の文言を早めに共有していただけると助かります。\n\nよろしくお願いします。\n田中\n",
        "iso-2022-jp", "7bit"))
    m["rel-5"] = single(head("rel-5", "ben", ["chie"], hdr("Re: Release 2.3 planning (翻訳について)", "iso-2022-jp"), date(11, 12), "rel-4", ["rel-1", "rel-4"], cc=["team"]), text(
        "田中 千恵 wrote:\n> リリース 2.3 の日本語訳は 10 月 25 日までに終わらせます。\n\n"
        "Thank you Chie! The new strings are in the translations branch now.\n\nBen\n"))
    m["rel-6"] = single(head("rel-6", "ivan", ["team"], "Re: Release 2.3 planning", date(12, 9), "rel-3", ["rel-1", "rel-2", "rel-3"]), text(
        "Привет всем!\n\nЯ подготовлю тестовый стенд к заморозке. Russian docs will be\nready for the beta.\n\nИван\n",
        "koi8-r", "8bit"))

    # Thread 3: the Japanese customer mail in Shift_JIS, with an RFC 2231
    # attachment name.
    m["jp-1"] = multipart(head("jp-1", "chie", ["team"], hdr("見積書の送付（大阪支店）", "shift_jis"), date(15, 2)), "mixed", "----=_jp1_boundary", [
        text("チームの皆さん\n\n大阪支店より見積書を受け取りましたので、添付いたします。\n"
             "金額は税込みで ¥1,280,000 です。ご確認ください。\n\n田中\n", "shift_jis", "base64"),
        attachment("見積書\n品目: 会議室の机 12 台\n金額: 1,280,000 円\n".encode("utf-8"), "text/plain; charset=utf-8",
                   rfc2231="UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.txt"),
    ])
    m["jp-2"] = single(head("jp-2", "ana", ["chie"], hdr("Re: 見積書の送付（大阪支店）", "utf-8"), date(15, 9), "jp-1"), text(
        "Thanks Chie, the quote looks fine. I will sign it today.\n\nAna\n"))

    # Thread 4: an HTML newsletter with an inline cid: image and a plain
    # alternative.
    logo = png(120, 40, (230, 120, 40))
    html = ("<!DOCTYPE html><html><head><style>p{color:red}</style></head><body>"
            "<h1>Harbour monthly</h1><p><img src=\"cid:logo@harbour.example\" alt=\"Harbour logo\" width=\"120\" height=\"40\"></p>"
            "<p>Welcome to the <b>October</b> issue. In this issue:</p><ul><li>The new office</li>"
            "<li>Release 2.3</li><li>Photos from the summer party</li></ul>"
            "<p>Read more on <a href=\"https://news.harbour.example/october\">our news site</a>.</p>"
            "<table border=\"1\" cellpadding=\"4\"><tr><th>Team</th><th>Members</th></tr>"
            "<tr><td>Engineering</td><td>12</td></tr><tr><td>Support</td><td>5</td></tr></table>"
            "<p><img src=\"https://tracker.example/pixel.gif\" alt=\"\"></p></body></html>")
    # Built by hand so that the structure is exactly related(alternative, image).
    rel = (head("news-1", "team", ["team"], "Harbour monthly: October", date(30, 7))
           + b'Content-Type: multipart/related; boundary="rel-news-1"; type="multipart/alternative"\n\n'
           + b"--rel-news-1\nContent-Type: multipart/alternative; boundary=\"alt-news-1\"\n\n"
           + b"--alt-news-1\n" + b"".join(x if i else x + b"\n" for i, x in enumerate(text(
               "Harbour monthly\n\nWelcome to the October issue. In this issue:\n\n- The new office\n- Release 2.3\n"
               "- Photos from the summer party\n\nRead more: https://news.harbour.example/october\n")))
           + b"--alt-news-1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
           + html.encode() + b"\n--alt-news-1--\n"
           + b"--rel-news-1\n" + b"\n".join(attachment(logo, "image/png", "logo.png", cid="logo@harbour.example", inline=True))
           + b"--rel-news-1--\n")
    m["news-1"] = rel
    m["news-2"] = single(head("news-2", "nikos", ["team"], "Re: Harbour monthly: October", date(30, 12), "news-1"), text(
        "Lovely issue. The party photos link is broken though:\nhttps://news.harbour.example/october#photos gives a 404.\n\nNikos\n"))

    # HTML-only mail (no text alternative), with a table and a link.
    m["html-only"] = (head("html-only", "ops", ["team"], "Weekly uptime report", date(31, 6))
                      + b"Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
                      + b"<html><body><p>Uptime for the week: <b>99.97 %</b>.</p><table border=3D\"1\"><tr><td>api</td><td>100 =\n%</td></tr>"
                      + b"<tr><td>web</td><td>99.9 %</td></tr></table><p>Caf=E9 machine: still broken.</p></body></html>\n")

    # Thread 5: a long thread (12 messages, nested) on the coffee machine.
    names = ["ana", "ben", "dirk", "elodie", "ivan", "nikos", "chie"]
    lines = ["The coffee machine on floor 2 is broken again.",
             "Did anyone call the service company?",
             "I called them. They come on Thursday.",
             "Thursday is far away. Can we borrow the one from floor 3?",
             "Floor 3 needs theirs, but we can share the kettle.",
             "I will bring my French press tomorrow.",
             "Please label the milk in the fridge, there are five bottles now.",
             "The service company moved the visit to Wednesday.",
             "Great news, thanks for chasing them.",
             "It works again! Descaled and with a new pump.",
             "Someone left the kettle on all weekend, please be careful.",
             "Closing this thread: the machine is fine and the kettle is back."]
    parents = [None, 0, 1, 1, 3, 4, 2, 6, 7, 8, 9, 10]
    for i, line in enumerate(lines):
        mid = "coffee-%d" % (i + 1)
        p = parents[i]
        refs = []
        q = p
        while q is not None:
            refs.insert(0, "coffee-%d" % (q + 1))
            q = parents[q]
        quote = ""
        if p is not None:
            quote = "%s wrote:\n> %s\n\n" % (names[p % len(names)].capitalize(), lines[p])
        m[mid] = single(head(mid, names[i % len(names)], ["team"],
                             "Coffee machine" if p is None else "Re: Coffee machine",
                             date(40 + i // 3, 8 + i % 3 * 3, i), "coffee-%d" % (p + 1) if p is not None else None,
                             refs or None), text(quote + line + "\n"))

    # Small standalone messages across November, with attachments.
    m["pdf-1"] = multipart(head("pdf-1", "dirk", ["team"], "Travel policy 2027 (PDF)", date(62, 10)), "mixed", "pdf-b", [
        text("The new travel policy is attached. Main change: trains for trips under\n6 hours.\n\nDirk\n"),
        attachment(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                   b"trailer<</Root 1 0 R>>\n%%EOF\n", "application/pdf", "travel-policy-2027.pdf"),
    ])
    m["pdf-2"] = multipart(head("pdf-2", "ana", ["team"], "Re: Travel policy 2027 (PDF)", date(62, 15), "pdf-1"), "mixed", "pdf-c", [
        text("Same file again with the signature page, for the records.\n\nAna\n"),
        attachment(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                   b"trailer<</Root 1 0 R>>\n%%EOF\n", "application/pdf", "travel-policy-2027-signed.pdf"),
    ])
    m["enc-1"] = single(head("enc-1", "ivan", ["team"], hdr("Отпуск в декабре", "koi8-r"), date(64, 9)), text(
        "Коллеги,\n\nя в отпуске с 14 по 28 декабря. Срочные вопросы - к Бену.\n\nИван\n", "koi8-r", "8bit"))
    m["enc-2"] = single(head("enc-2", "dirk", ["team"], hdr("Weihnachtsfeier am 18. Dezember", "iso-8859-1"), date(65, 9)), text(
        "Liebe Kolleginnen und Kollegen,\n\ndie Weihnachtsfeier findet am 18. Dezember im Café Größenwahn statt.\n"
        "Bitte meldet euch bis Freitag an.\n\nDirk\n", "iso-8859-1", "8bit"))
    m["enc-3"] = single(head("enc-3", "elodie", ["team"], hdr("Réunion d'équipe déplacée à jeudi", "utf-8"), date(66, 16)), text(
        "Bonjour à tous,\n\nla réunion d'équipe de mercredi est déplacée à jeudi 10 h, salle « Phare ».\n\nÉlodie\n",
        "windows-1252", "8bit"))
    m["enc-4"] = single(head("enc-4", "chie", ["team"], hdr("忘年会のお知らせ", "shift_jis"), date(67, 3)), text(
        "皆さん\n\n今年の忘年会は 12 月 18 日（金）19 時から、駅前の居酒屋で行います。\n"
        "参加される方は水曜日までにお知らせください。\n\n田中\n", "shift_jis", "8bit"))
    m["enc-5"] = single(head("enc-5", "ben", ["chie"], hdr("Re: 忘年会のお知らせ", "iso-2022-jp"), date(67, 9), "enc-4"), text(
        "参加します！\n\nBen\n", "iso-2022-jp", "7bit"))
    m["csv-1"] = multipart(head("csv-1", "ops", ["team"], "Disk usage, November", date(70, 6)), "mixed", "csv-b", [
        text("Disk usage per server is attached.\n"),
        attachment(b"server,used_gb,free_gb\napi-1,120,380\napi-2,118,382\ndb-1,910,90\n", "text/csv", "disk-usage-2026-11.csv"),
    ])
    m["csv-2"] = single(head("csv-2", "ivan", ["ops"], "Re: Disk usage, November", date(70, 9), "csv-1", cc=["team"]), text(
        "> db-1,910,90\n\ndb-1 is at 91 %. I will add a volume this week.\n\nИван\n"))
    m["long-1"] = single(head("long-1", "elodie", ["team"], "Release notes 2.3 draft", date(72, 11)), text(
        "Draft of the release notes, comments welcome.\n\n" + "\n".join(
            "- Item %d: %s" % (i, t) for i, t in enumerate([
                "faster import of large mailboxes",
                "the search page remembers your last query",
                "attachments show their size and type",
                "dark mode follows your system setting",
                "permalinks for every message",
                "the old importer is gone (see the migration guide)",
            ], 1)) + "\n\nÉlodie\n"))
    m["long-2"] = single(head("long-2", "ben", ["team"], "Re: Release notes 2.3 draft", date(72, 14), "long-1"), text(
        "Élodie Garnier wrote:\n> Draft of the release notes, comments welcome.\n>\n> - Item 1: faster import of large mailboxes\n"
        "> - Item 2: the search page remembers your last query\n> - Item 3: attachments show their size and type\n"
        "> - Item 4: dark mode follows your system setting\n> - Item 5: permalinks for every message\n"
        "> - Item 6: the old importer is gone (see the migration guide)\n\nLooks good. Maybe say how much faster the import is (4x on our\n"
        "test mailbox).\n\nBen\n"))
    m["nosubj"] = single(head("nosubj", "nikos", ["ben"], "", date(74, 17)), text("Ben, your umbrella is still in my office.\n"))
    return m


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "mail")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(messages().items()):
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
