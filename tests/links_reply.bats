#!/usr/bin/env bats
# Reply by email end to end (issue 14): the Reply link of a message page,
# turned into a message, delivered to the space account's mailbox on the
# test Dovecot, fetched, joins the thread below the message it answers.

bats_require_minimum_version 1.5.0
load helpers
load lib/dovecot
load lib/fetch

setup_file() {
	dovecot_start
	fetch_users 2
}

teardown_file() {
	dovecot_stop
}

setup() {
	new_root
	fetch_user u1
}

@test "reply: the Reply link's message, delivered and fetched, joins the thread" {
	fetch_account rs/main imap u1 --address u1@harbour.example
	printf '%s\r\n' 'From: Ana Lima <ana@harbour.example>' \
		'To: u1@harbour.example' \
		'Subject: =?UTF-8?Q?Caf=C3=A9?= & the 100% "plan" #2' \
		'Date: Mon, 2 Mar 2026 10:00:00 +0000' \
		'Message-ID: <orig-1@harbour.example>' '' 'What do you think?' |
		dovecot_add_message u1
	mailarc fetch rs >/dev/null
	site=$MAILARC_ROOT/spaces/rs/site
	page=$site/$(mrel rs orig-1@harbour.example)
	[ -f "$page" ]
	# The message the link describes, as a mail client would send it.
	python3 - "$page" "$BATS_TEST_TMPDIR/reply.eml" <<'PY'
import html, re, sys, urllib.parse
from email.message import EmailMessage
from email.policy import SMTP
t = open(sys.argv[1], encoding="utf-8").read()
url = html.unescape(re.search(r'<a href="(mailto:[^"]*)">Reply by email', t).group(1))
to, _, q = url[len("mailto:"):].partition("?")
h = {k.lower(): urllib.parse.unquote(v) for k, _, v in (p.partition("=") for p in q.split("&"))}
m = EmailMessage(policy=SMTP)
m["From"] = "Rui Costa <rui@harbour.example>"
m["To"] = urllib.parse.unquote(to)
m["Cc"] = h["cc"]
m["Subject"] = h["subject"]
m["Date"] = "Mon, 2 Mar 2026 12:00:00 +0000"
m["Message-ID"] = "<reply-1@harbour.example>"
m["In-Reply-To"] = h["in-reply-to"]
m["References"] = h["references"]
m.set_content("Sounds good.\n")
assert h["cc"] == "u1@harbour.example", h
assert h["subject"] == 'Re: Caf\u00e9 & the 100% "plan" #2', h
open(sys.argv[2], "wb").write(m.as_bytes())
PY
	# Delivered where the Cc goes: the archived mailbox.
	dovecot_add_message u1 <"$BATS_TEST_TMPDIR/reply.eml"
	mailarc fetch rs >/dev/null
	th=$(mailarc link rs orig-1@harbour.example --thread)
	[ "$th" = "$site/t/"*/"orig-1@harbour.example.html" ]
	[ "$(mailarc link rs reply-1@harbour.example --thread)" = "$th" ]
	# Below the message it answers, and marked as its reply.
	o=$(printf '%s' orig-1@harbour.example | sha256sum | cut -c1-12)
	r=$(printf '%s' reply-1@harbour.example | sha256sum | cut -c1-12)
	grep -q "id=\"m$r\"" "$th"
	[ "$(grep -n "id=\"m$o\"" "$th" | cut -d: -f1)" -le \
		"$(grep -n "id=\"m$r\"" "$th" | cut -d: -f1)" ]
	python3 - "$th" "$o" "$r" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
o, r = t.index('id="m%s"' % sys.argv[2]), t.index('id="m%s"' % sys.argv[3])
assert o < r
assert 'href="#m%s"' % sys.argv[2] in t[r:], "the reply points at its parent"
PY
	grep -q 'class="msg d1"' "$th"
}
