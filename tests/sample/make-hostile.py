#!/usr/bin/env python3
"""Write the hostile corpus (tests/sample/hostile/*.eml) for the site tests.

Every payload, if it ever ran, would change the page title to PWNED or
navigate away; the tests load the rendered pages in headless Chromium and
check that neither happened. Not part of the demo.

Usage: make-hostile.py OUTDIR
"""
import os
import sys

P = "document.title='PWNED'"
TP = "top.document.title='PWNED'"

PAYLOADS = {
    "script": "<p>Hello</p><script>%s</script><SCRIPT SRC=//evil.example/x.js></SCRIPT>" % P,
    "handlers": ("<img src=x onerror=\"%s\"><body onload=\"%s\"><details open ontoggle=\"%s\">d</details>"
                 "<div onmouseover=\"%s\">hover</div><input autofocus onfocus=\"%s\">" % (P, P, P, P, P)),
    "jsurls": ("<a href=\"javascript:%s\">1</a><a href=\"java&#x09;script:%s\">2</a>"
               "<a href=\"&#106;avascript:%s\">3</a><a href=\" javascript:%s\">4</a>"
               "<a href=\"data:text/html,&lt;script&gt;%s&lt;/script&gt;\">5</a>"
               "<iframe src=\"javascript:%s\"></iframe><form action=\"javascript:%s\"><button>go</button></form>"
               "<button formaction=\"javascript:%s\">x</button>" % ((P,) * 8)),
    "svg-math": ("<svg onload=\"%s\"><script>%s</script><animate onbegin=\"%s\" attributeName=x dur=1s>"
                 "<a xlink:href=\"javascript:%s\"><text x=20 y=20>svg</text></a></svg>"
                 "<math><mtext><table><mglyph><style><img src=x onerror=\"%s\"></style></mglyph></table></mtext></math>"
                 "<math href=\"javascript:%s\">m</math>" % ((P,) * 6)),
    "css": ("<div style=\"width:expression(%s);background:url('javascript:%s')\">css</div>"
            "<style>@import 'https://evil.example/x.css'; body{background:url(https://evil.example/t.gif)}</style>"
            "<link rel=stylesheet href=\"https://evil.example/x.css\">" % (P, P)),
    "refresh": ("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">"
                "<base href=\"javascript:%s//\"><a href=\"x\">relative</a>"
                "<object data=\"javascript:%s\"></object><embed src=\"javascript:%s\">" % (P, P, P)),
    "broken": ("<scr<script>ipt>%s</scr</script>ipt>"
               "<noscript><p title=\"</noscript><img src=x onerror=%s>\"></noscript>"
               "<!--<img src=\"--><img src=x onerror=\"%s\">\">"
               "<textarea></textarea><script>%s</script>"
               "<xmp><script>%s</script></xmp>"
               "<template><script>%s</script></template>"
               "<table><td><script>%s</script></table>"
               "<img src=\"x\" alt=\"\"\" onerror=\"%s\">"
               "<a href=\"https://ok.example/\" onclick=%s>ok</a>" % (P, P, P, P, P, P, TP, P, P)),
    "images": ("<img src=\"data:image/svg+xml,&lt;svg xmlns='http://www.w3.org/2000/svg' onload='%s'/&gt;\">"
               "<img src=\"https://tracker.evil.example/pixel.gif\" alt=\"tracker\">"
               "<img srcset=\"https://evil.example/a.png 1x\" src=\"cid:nothing\">" % P),
}


def message(name, body, subject=None, sender=None):
    subject = subject or "Hostile: %s" % name
    sender = sender or "Mallory <mallory@evil.example>"
    return ("From: %s\nTo: team@harbour.example\nSubject: %s\nDate: Mon, 02 Nov 2026 10:00:00 +0000\n"
            "Message-ID: <hostile-%s@evil.example>\nMIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n\n%s\n" % (sender, subject, name, body)).encode()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "hostile")
    os.makedirs(out, exist_ok=True)
    for name, body in PAYLOADS.items():
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(message(name, body))
    # Headers and plain text are escaped too.
    with open(os.path.join(out, "headers.eml"), "wb") as f:
        f.write(("From: \"<img src=x onerror=%s>\" <x@evil.example>\nTo: team@harbour.example\n"
                 "Subject: <script>%s</script>\nDate: Mon, 02 Nov 2026 11:00:00 +0000\n"
                 "Message-ID: <hostile-headers@evil.example>\nMIME-Version: 1.0\n"
                 "Content-Type: text/plain; charset=utf-8\n\n<script>%s</script>\n"
                 "javascript:%s\nhttps://ok.example/\"><script>%s</script>\n" % (P, P, P, P, P)).encode())


if __name__ == "__main__":
    main()
