#!/usr/bin/env bats
# S/MIME opaque signing (application/pkcs7-mime; smime-type=signed-data)
# carries the text inside the signature: the page shows it (unverified,
# as a reader's client would before checking), and offers the .p7m;
# encrypted mail stays an attachment (lib/smime.c, lib/mime.c).

bats_require_minimum_version 1.5.0
load helpers
load lib/store

setup() {
	store_space sm
	d=$BATS_TEST_TMPDIR
	mkdir -p "$d/in"
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=sm.example \
		-keyout "$d/k.pem" -out "$d/c.pem" -days 2 2>/dev/null
	printf 'Content-Type: text/plain; charset=utf-8\n\nSigned words, caf\303\251.\n' \
		>"$d/inner.txt"
	{
		printf 'Message-ID: <opaque@sm.example>\n'
		printf 'Date: Mon, 2 Mar 2026 10:00:00 +0000\n'
		openssl smime -sign -nodetach -in "$d/inner.txt" \
			-signer "$d/c.pem" -inkey "$d/k.pem" -outform SMIME \
			-from a@sm.example -to b@sm.example -subject opaque
	} >"$d/in/signed.eml"
	{
		printf 'Message-ID: <sealed@sm.example>\n'
		printf 'Date: Mon, 2 Mar 2026 11:00:00 +0000\n'
		openssl smime -encrypt -in "$d/inner.txt" -outform SMIME \
			-from a@sm.example -to b@sm.example -subject sealed \
			"$d/c.pem"
	} >"$d/in/sealed.eml"
}

@test "an opaque-signed message shows its text; an encrypted one its attachment" {
	mailarc import sm "$BATS_TEST_TMPDIR/in" >/dev/null
	mailarc check sm
	page=$S/site/$(mrel sm opaque@sm.example)
	grep -q 'Signed words, café.' "$page"
	grep -q 'download="smime.p7m"' "$page"
	run ! grep -q 'has no text' "$page"
	page=$S/site/$(mrel sm sealed@sm.example)
	grep -q 'download="smime.p7m"' "$page"
	grep -q 'has no text' "$page"
}
