#!/usr/bin/env python3
"""Several pages of a served site in one headless Chromium run.

  chromium_frames.py [--settle MS] SITE BASE OUTDIR URL... [-- CHROMIUM-ARGS...]

BASE serves the folder SITE over HTTP. A page of ours, written into SITE
for the run (and removed after it), opens each URL (relative to BASE) in
turn in a frame of its own - a fresh document each time - waits until the
page says data-search="done" on its body (at most 10 s of the page's
time, as --virtual-time-budget=10000 gave one page) - or, with --settle,
until MS ms of the page's time from its start, as --virtual-time-budget=MS
gave a page that is not the search, loaded or not - and writes
the frame's DOM, as --dump-dom prints a page, to OUTDIR/1.html,
OUTDIR/2.html...
Starting Chromium once instead of once a page saves seconds a page.
CHROMIUM-ARGS are added to Chromium's command line (--proxy-server=...).
Bounded by CHROMIUM_TIMEOUT (60 s) plus a second a page; exits 1 when the
run did not finish.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT = int(os.environ.get("CHROMIUM_TIMEOUT", "60"))

HARNESS = """<!DOCTYPE html><meta charset="utf-8"><title>frames</title>
<pre id="out"></pre>
<script>
var urls = %s, settle = %d, out = [];
function visit(i) {
  if (i >= urls.length) {
    document.getElementById("out").textContent = JSON.stringify(out);
    document.title = "frames-done";
    return;
  }
  var f = document.createElement("iframe"), tries = 0;
  function poll() {
    var d = null;
    try { d = f.contentDocument; } catch (e) {}
    if (settle > 0 ? ++tries < settle / 25 :
        !(d && d.body && d.body.getAttribute("data-search") === "done") &&
        ++tries < 400)
      return setTimeout(poll, 25);
    out.push(d && d.documentElement ? d.documentElement.outerHTML : "");
    f.remove();
    visit(i + 1);
  }
  f.src = urls[i];
  document.body.appendChild(f);
  setTimeout(poll, 25);
}
visit(0);
</script>
"""


def main(argv):
    settle = 0
    if len(argv) > 2 and argv[1] == "--settle":
        settle = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    site, base, outdir = argv[1:4]
    rest = argv[4:]
    extra = []
    if "--" in rest:
        extra = rest[rest.index("--") + 1:]
        rest = rest[:rest.index("--")]
    urls = rest
    name = "frames-%d.html" % os.getpid()
    page = os.path.join(site, name)
    with open(page, "w", encoding="utf-8") as f:
        f.write(HARNESS % (json.dumps(urls).replace("</", "<\\/"), settle))
    profile = tempfile.mkdtemp(prefix="chromium.")
    try:
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
             "--hide-scrollbars", "--user-data-dir=" + profile,
             "--virtual-time-budget=%d" % ((settle or 10000) * len(urls) + 5000)] + extra +
            ["--dump-dom", "%s/%s" % (base, name)],
            capture_output=True, timeout=TIMEOUT + len(urls),
            check=False).stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        out = ""
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        os.unlink(page)
    m = re.search(r'<pre id="out">([^<]*)</pre>', out)
    if "<title>frames-done</title>" not in out or not m:
        sys.stderr.write("chromium_frames: the run did not finish\n")
        return 1
    doms = json.loads(html.unescape(m.group(1)))
    os.makedirs(outdir, exist_ok=True)
    for i, dom in enumerate(doms, 1):
        with open(os.path.join(outdir, "%d.html" % i), "w", encoding="utf-8") as f:
            f.write(dom + "\n")
    return 0 if len(doms) == len(urls) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
