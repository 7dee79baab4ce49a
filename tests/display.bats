#!/usr/bin/env bats
# What the site shows of mail as people really have it: every version of
# a Message-ID, text parts that are named or oddly typed, dates that are
# missing, absurd or before 1970, odd senders, huge subjects, messages
# with more parts than the page shows, and HTML mail opened from file://.
# Each test imports messages it writes itself through the real pipeline.

bats_require_minimum_version 1.5.0
load helpers
load lib/render
load lib/chromium

setup() {
	new_root
	IN=$BATS_TEST_TMPDIR/in
	mkdir -p "$IN"
}

site_of() {
	echo "$(space_dir "$1")/site"
}

# msg FILE HEADERS BODY - a message file (printf escapes in both).
msg() {
	# shellcheck disable=SC2059 # the arguments are printf formats
	printf "$2\n$3\n" >"$IN/$1"
}

nm() {
	notmuch --config="$(space_dir "$1")/notmuch/config" "${@:2}"
}

@test "display: both versions of a Message-ID are shown, each with its raw form" {
	msg a.eml 'From: list@example.org\nTo: dev@example.org\nSubject: [dev] fix the parser\nDate: Mon, 2 Jan 2023 10:00:00 +0000\nMessage-ID: <v1@example.org>\n' \
		'the list copy, zebraword'
	msg b.eml 'From: ann@example.org\nTo: bob@example.org\nSubject: fix the parser\nDate: Mon, 2 Jan 2023 10:00:00 +0000\nMessage-ID: <v1@example.org>\n' \
		'the direct copy, giraffeword'
	mailarc space add s >/dev/null
	run mailarc import s "$IN"
	[ "$status" -eq 0 ]
	# Both are archived, and notmuch holds them as one message.
	[ "$(nm s count --output=files id:v1@example.org)" -eq 2 ]
	[ "$(nm s count --output=messages id:v1@example.org)" -eq 1 ]
	site=$(site_of s)
	page=$site/$(mrel s v1@example.org)
	grep -q zebraword "$page"
	grep -q giraffeword "$page"
	grep -q 'came in 2 versions' "$page"
	grep -q 'Version 2 of 2' "$page"
	grep -q 'Differs from the first in its subject, sender, recipients and text' "$page"
	# A raw download of each, named by its content.
	[ -f "$site/m/"*/"v1@example.org.eml" ]
	v=$(ls "$site"/m/*/v1@example.org=v-*.eml)
	[ "$(echo "$v" | wc -l)" -eq 1 ]
	grep -q "href=\"$(basename "$v")\" download" "$page"
	cat "$site/m/"*/"v1@example.org.eml" "$v" | grep -q zebraword
	cat "$site/m/"*/"v1@example.org.eml" "$v" | grep -q giraffeword
	# Search finds each version's words.
	[ "$(nm s count giraffeword)" -eq 1 ]
	[ "$(nm s count zebraword)" -eq 1 ]
	run mailarc search s giraffeword
	[[ "$output" == *"fix the parser"* ]]
	# One entry in the thread page, the month and the feed; the thread
	# page says there are versions.
	t=$(ls "$site"/t/*/*.html)
	[ "$(grep -c '<article class="msg' "$t")" -eq 1 ]
	grep -q 'came in 2 versions' "$t"
	[ "$(grep -c 'v1@example.org.html' "$site/2023/01/index.html")" -eq 1 ]
	[ "$(grep -c '<entry>' "$site/feed.atom")" -eq 1 ]
}

@test "display: the order of arrival does not decide what readers see" {
	msg a.eml 'From: real@example.org\nSubject: the real one\nDate: Mon, 2 Jan 2023 10:00:00 +0000\nMessage-ID: <v2@example.org>\n' \
		'real text'
	msg b.eml 'From: forger@example.org\nSubject: the forged one\nDate: Mon, 2 Jan 2023 10:00:00 +0000\nMessage-ID: <v2@example.org>\n' \
		'forged text'
	mkdir "$IN/1" "$IN/2"
	mailarc space add ab --name Same >/dev/null
	mailarc space add ba --name Same >/dev/null
	mailarc import ab "$IN/a.eml" >/dev/null
	mailarc import ab "$IN/b.eml" >/dev/null
	mailarc import ba "$IN/b.eml" >/dev/null
	mailarc import ba "$IN/a.eml" >/dev/null
	m=$(mrel ab v2@example.org)
	for f in "$m" "${m%.html}.eml" index.html \
		2023/01/index.html "$(trel ab v2@example.org)"; do
		cmp "$(site_of ab)/$f" "$(site_of ba)/$f"
	done
	# The feed differs only in the space's key, in its id.
	diff <(sed 's/urn:mailarc:ab/urn:mailarc:ba/' "$(site_of ab)/feed.atom") \
		"$(site_of ba)/feed.atom"
	grep -q 'the forged one' "$(site_of ab)/m/"*/"v2@example.org.html"
	grep -q 'the real one' "$(site_of ab)/m/"*/"v2@example.org.html"
	diff <(cd "$(site_of ab)" && find m t | sort) \
		<(cd "$(site_of ba)" && find m t | sort)
	# The incremental run that added the second version equals a full
	# render.
	site_digest "$(site_of ab)" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render --full ab >/dev/null
	site_digest "$(site_of ab)" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
	# Deleting the message removes every version's raw form.
	mailarc delete ab '<v2@example.org>' >/dev/null
	run ! ls "$(site_of ab)"/m/*/v2@example.org=v-*.eml 2>/dev/null
	[ ! -f "$(site_of ab)/m/"*/"v2@example.org.eml" ]
}

@test "display: named, untyped and invalid text parts are the body" {
	msg 1.eml 'From: a@example.org\nSubject: named\nMessage-ID: <c6a@x>\nContent-Type: text/plain; name="a.txt"\n' 'named body text'
	msg 2.eml 'From: a@example.org\nSubject: bare\nMessage-ID: <c6b@x>\nContent-Type: text\n' 'bare text body'
	msg 3.eml 'From: a@example.org\nSubject: invalid\nMessage-ID: <c6c@x>\nContent-Type: /plain\n' 'invalid type body'
	msg 4.eml 'From: a@example.org\nSubject: junk\nMessage-ID: <c6d@x>\nContent-Type: ;;; junk\n' 'junk type body'
	msg 5.eml 'From: a@example.org\nSubject: inline\nMessage-ID: <c6e@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n' \
		'--b\nContent-Type: text/plain\nContent-Disposition: inline; filename=notes.txt\n\ninline named body\n--b--'
	mailarc space add s >/dev/null
	mailarc import s "$IN" >/dev/null
	m=$(site_of s)/m
	run ! grep -l 'has no text' "$m"/*/*.html
	grep -q 'named body text' "$m/"*/"c6a@x.html"
	grep -q 'bare text body' "$m/"*/"c6b@x.html"
	grep -q 'invalid type body' "$m/"*/"c6c@x.html"
	grep -q 'junk type body' "$m/"*/"c6d@x.html"
	grep -q 'inline named body' "$m/"*/"c6e@x.html"
	# A named text part is also offered as its file.
	grep -q 'download="a.txt"' "$m/"*/"c6a@x.html"
	grep -q 'download="notes.txt"' "$m/"*/"c6e@x.html"
}

@test "display: missing, absurd, obsolete and pre-1970 dates" {
	msg 1.eml 'Received: from mx by mail.example.org;\n Tue, 3 Mar 2020 10:00:00 +0000\nFrom: a@example.org\nSubject: no date\nMessage-ID: <d1@x>\n' x
	msg 2.eml 'From: a@example.org\nSubject: old\nDate: Mon, 1 Jan 1968 10:00:00 +0000\nMessage-ID: <d2@x>\n' x
	msg 3.eml 'Received: by mx; Wed, 4 Mar 2020 10:00:00 +0000\nFrom: a@example.org\nSubject: absurd\nDate: Mon, 1 Jan 99999 10:00:00 +0000\nMessage-ID: <d3@x>\n' x
	msg 4.eml 'From: a@example.org\nSubject: zone\nDate: Mon, 1 Jan 2001 10:00:00 cst\nMessage-ID: <d4@x>\n' x
	msg 5.eml 'Received: by mx; Thu, 5 Mar 2020 10:00:00 +0000\nFrom: a@example.org\nSubject: future\nDate: Mon, 1 Jan 2200 10:00:00 +0000\nMessage-ID: <d5@x>\n' x
	msg 6.eml 'From: a@example.org\nSubject: last second of 1969\nDate: Wed, 31 Dec 1969 23:59:59 +0000\nMessage-ID: <d6@x>\n' x
	mailarc space add s >/dev/null
	mailarc import s "$IN" >/dev/null
	site=$(site_of s)
	[ ! -d "$site/1970" ]
	grep -q 'datetime="2020-03-03T10:00:00Z"' "$site/m/"*/"d1@x.html"
	grep -q 'when the server received it' "$site/m/"*/"d1@x.html"
	grep -q 'datetime="1968-01-01T10:00:00Z"' "$site/m/"*/"d2@x.html"
	run ! grep -q 'no usable date' "$site/m/"*/"d2@x.html"
	grep -q 'datetime="2020-03-04T10:00:00Z"' "$site/m/"*/"d3@x.html"
	grep -q 'when the server received it' "$site/m/"*/"d3@x.html"
	grep -q 'datetime="2001-01-01T16:00:00Z"' "$site/m/"*/"d4@x.html"
	grep -q 'datetime="2020-03-05T10:00:00Z"' "$site/m/"*/"d5@x.html"
	grep -q 'datetime="1969-12-31T23:59:59Z"' "$site/m/"*/"d6@x.html"
	grep -q 'd1@x.html' "$site/2020/03/index.html"
	grep -q 'd2@x.html' "$site/1968/01/index.html"
	grep -q 'd6@x.html' "$site/1969/12/index.html"
	grep -q 'href="1969/12/index.html"' "$site/index.html"
	# A database rebuilt from the archive gives every message the same
	# date and month (they come from the files, not from notmuch).
	dates() {
		(cd "$site" && grep -o 'datetime="[^"]*"' m/*/*.html &&
			ls -d [0-9]*/[0-9]*)
	}
	dates >"$BATS_TEST_TMPDIR/before"
	rm -rf "$(space_dir s)/notmuch"
	mailarc-index --full s >/dev/null
	mailarc-render s >/dev/null
	dates >"$BATS_TEST_TMPDIR/after"
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "display: no Date and no Received: the delivery time" {
	msg 1.eml 'From: a@example.org\nSubject: bare\nMessage-ID: <d7@x>\n' x
	mailarc space add s >/dev/null
	mailarc import s "$IN" >/dev/null
	site=$(site_of s)
	grep -q 'when it was delivered here' "$site/m/"*/"d7@x.html"
	[ ! -d "$site/1970" ]
	f=$(ls "$(space_dir s)"/archive/*/*)
	when=$(basename "$f" | cut -d. -f1)
	grep -q "datetime=\"$(date -u -d "@$when" +%Y-%m-%dT%H:%M:%SZ)\"" \
		"$site/m/"*/"d7@x.html"
}

@test "display: an odd From is shown as it is" {
	msg 1.eml 'From: MAILER-DAEMON <>\nSubject: Undelivered Mail\nMessage-ID: <b1@x>\n' 'bounce'
	msg 2.eml 'From: postmaster\nSubject: bare word\nMessage-ID: <b2@x>\n' 'bare'
	mailarc space add s >/dev/null
	mailarc import s "$IN" >/dev/null
	site=$(site_of s)
	grep -q '<dt>From</dt><dd>MAILER-DAEMON' "$site/m/"*/"b1@x.html"
	grep -q '<dt>From</dt><dd>postmaster' "$site/m/"*/"b2@x.html"
	t=$(grep -l 'Undelivered Mail' "$site"/t/*/*.html)
	grep -q '>MAILER-DAEMON' "$t"
}

@test "display: a 2 MB subject stays on its own page" {
	python3 - "$IN" <<'PY'
import sys
big = "\u00e9" + "x" * 2_000_000 + "END"
for i, (mid, subj) in enumerate([("s1@x", "before"), ("s2@x", big),
                                 ("s3@x", "after")]):
    with open(f"{sys.argv[1]}/{i}.eml", "w", encoding="utf-8") as f:
        f.write(f"From: a@example.org\nSubject: {subj}\n"
                f"Date: Mon, 2 Jan 2023 10:0{i}:00 +0000\n"
                f"Message-ID: <{mid}>\nContent-Type: text/plain; "
                "charset=utf-8\n\nbody\n")
PY
	mailarc space add s >/dev/null
	mailarc import s "$IN" >/dev/null
	site=$(site_of s)
	# The whole subject on its page (its heading).
	grep -q 'xEND</h1>' "$site/m/"*/"s2@x.html"
	# Elsewhere at most 200 characters and an ellipsis.
	for f in "$site/m/"*/"s1@x.html" "$site/m/"*/"s3@x.html" "$site/index.html" \
		"$site/feed.atom" "$site/2023/01/index.html" \
		"$site/2023/01/threads.html"; do
		[ "$(stat -c %s "$f")" -lt 20000 ]
		grep -q "é$(printf 'x%.0s' $(seq 199))…" "$f"
	done
	[ "$(stat -c %s "$site/m/"*/"s2@x.html")" -lt 4100000 ]
	grep -q '<title>éxxxx[x]*…' "$site/m/"*/"s2@x.html"
}

@test "display: parts past the cap are counted on the page" {
	python3 - "$IN/1.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: a@example.org\nSubject: many parts\nMessage-ID: <p1@x>\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
            "--b\nContent-Type: text/plain\n\nthe text comes first\n")
    for i in range(1010):
        f.write(f"--b\nContent-Type: application/octet-stream\n"
                f"Content-Disposition: attachment; filename=f{i}.bin\n\n{i}\n")
    f.write("--b--\n")
PY
	mailarc space add s >/dev/null
	mailarc import s "$IN" >/dev/null
	page=$(site_of s)/$(mrel s p1@x)
	grep -q 'the text comes first' "$page"
	grep -q '11 more parts of this message are not shown here' "$page"
	cmp "$IN/1.eml" "$(site_of s)/m/"*/"p1@x.eml"
}

@test "display: HTML mail keeps its style when the site is opened from file://" {
	msg 1.eml 'From: a@example.org\nSubject: html\nMessage-ID: <h1@x>\nMIME-Version: 1.0\nContent-Type: text/html\n' \
		'<p>Hello <a href="https://example.org/">link</a></p>'
	mailarc space add s >/dev/null
	mailarc import s "$IN" >/dev/null
	page=$(site_of s)/$(mrel s h1@x)
	log=$BATS_TEST_TMPDIR/console.log
	# As chromium_run, with the browser's console kept.
	timeout -k 5 "$CHROMIUM_TIMEOUT" "$CHROMIUM" --headless --no-sandbox \
		--disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$BATS_TEST_TMPDIR/profile" \
		--enable-logging=stderr --v=0 --virtual-time-budget=2000 \
		--dump-dom "file://$page" 2>"$log" >"$BATS_TEST_TMPDIR/dom"
	grep -q 'Hello' "$BATS_TEST_TMPDIR/dom"
	# Nothing refused: no local stylesheet the frame may not load, no
	# style the policy blocks.
	run ! grep -i 'Not allowed to load local resource' "$log"
	run ! grep -i 'violates the following Content Security Policy' "$log"
	# And the policy is as strict as before: no inline style but the
	# frame's own, the sandbox without scripts or same origin.
	grep -q "style-src 'self' 'sha256-" "$page"
	run ! grep -q 'unsafe-inline' "$page"
	grep -q 'sandbox="allow-popups allow-popups-to-escape-sandbox"' "$page"
}

@test "display: an older version that comes later moves the message, as a full render would" {
	msg p.eml 'From: a@example.org\nSubject: before\nDate: Wed, 1 Feb 2023 10:00:00 +0000\nMessage-ID: <p@x>\n' p
	msg x2.eml 'From: a@example.org\nSubject: corrected\nDate: Wed, 1 Mar 2023 10:00:00 +0000\nMessage-ID: <x@x>\n' 'second text'
	msg n.eml 'From: a@example.org\nSubject: after\nDate: Sat, 1 Apr 2023 10:00:00 +0000\nMessage-ID: <n@x>\n' n
	msg q.eml 'From: a@example.org\nSubject: january\nDate: Thu, 5 Jan 2023 10:00:00 +0000\nMessage-ID: <q@x>\n' q
	msg x1.eml 'From: a@example.org\nSubject: original\nDate: Mon, 2 Jan 2023 10:00:00 +0000\nMessage-ID: <x@x>\n' 'first text'
	mailarc space add s >/dev/null
	for f in p x2 n q; do mailarc import s "$IN/$f.eml" >/dev/null; done
	site=$(site_of s)
	grep -q 'x@x.html' "$site/2023/03/index.html"
	mailarc import s "$IN/x1.eml" >/dev/null
	# The earlier version is now the first: the message is in January.
	grep -q 'x@x.html' "$site/2023/01/index.html"
	[ ! -f "$site/2023/03/index.html" ]
	grep -q '<h1 id="subject">original</h1>' "$site/m/"*/"x@x.html"
	grep -q 'first text' "$site/m/"*/"x@x.eml"
	# Its thread mbox holds both versions.
	t=$(grep -l 'x@x.html' "$site"/t/*/*.html | head -1)
	[ "$(grep -c '^From ' "${t%.html}.mbox")" -eq 2 ]
	[ "$(grep -c '^From ' "$site/2023/01/2023-01.mbox")" -eq 3 ]
	grep -q 'second text' "$site/2023/01/2023-01.mbox"
	site_digest "$site" >"$BATS_TEST_TMPDIR/inc"
	mailarc-render --full s >/dev/null
	site_digest "$site" >"$BATS_TEST_TMPDIR/full"
	diff "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR/full"
}
