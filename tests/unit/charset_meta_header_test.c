/*
 * Unit tests of raw 8-bit headers over an HTML body whose charset only a
 * <meta> tag names (lib/mime_hooks.c html_meta_charset()): the body was
 * read in that charset, but the Subject and the sender's name were read
 * as windows-1252 ("ðÒÉ×ÅÔ" for KOI8-R "Привет"), on the page and in
 * search alike. They are read in the body's charset, as with a label.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime.h"

#include "mime_parse.inc"

/* "Привет" in KOI8-R and in UTF-8; "Иван" likewise. */
#define KOI8	  "\xf0\xd2\xc9\xd7\xc5\xd4"
#define UTF8	  "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"
#define KOI8_NAME "\xe9\xd7\xc1\xce"
#define UTF8_NAME "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"

#define HEAD                                                                   \
	"From: " KOI8_NAME " <ivan@example.org>\nTo: b@example.org\n"          \
	"Subject: " KOI8 " x\nMIME-Version: 1.0\n"
#define META                                                                   \
	"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "  \
	"charset=koi8-r\"></head><body>" KOI8 "</body></html>\n"

static void
expect_koi8(const char *text)
{
	struct mime_msg *m = parse(text);

	assert_string_equal(m->subject, UTF8 " x");
	assert_int_equal(m->nfrom, 1);
	assert_string_equal(m->from[0].name, UTF8_NAME);
	assert_non_null(strstr(m->from_text, UTF8_NAME));
	mime_free(m);
}

static void
test_meta_names_the_charset_of_the_headers(void **state)
{
	(void)state;
	expect_koi8(HEAD "Content-Type: text/html\n\n" META);
	expect_koi8(HEAD "Content-Type: text/html\n"
			 "Content-Transfer-Encoding: 8bit\n\n"
			 "<html><head><meta charset=\"KOI8-R\"></head>"
			 "<body>x</body></html>\n");
}

static void
test_meta_in_an_encoded_part(void **state)
{
	(void)state;
	/* Quoted-printable writes '=' as "=3D". */
	expect_koi8(HEAD "Content-Type: text/html\n"
			 "Content-Transfer-Encoding: quoted-printable\n\n"
			 "<html><head><meta charset=3D\"koi8-r\"></head><body>"
			 "=F0=D2</body></html>\n");
	/* <meta charset="koi8-r"><p>x</p> in base64. */
	expect_koi8(HEAD "Content-Type: text/html\n"
			 "Content-Transfer-Encoding: base64\n\n"
			 "PG1ldGEgY2hhcnNldD0ia29pOC1yIj48cD54PC9wPg==\n");
}

static void
test_meta_in_an_alternative(void **state)
{
	(void)state;
	/* The text part names no charset either: the HTML's meta. */
	expect_koi8(HEAD "Content-Type: multipart/alternative; boundary=b\n\n"
			 "--b\nContent-Type: text/plain\n\nplain\n--b\n"
			 "Content-Type: text/html\n\n" META "--b--\n");
}

static void
test_a_label_still_wins(void **state)
{
	struct mime_msg *m;

	(void)state;
	/* The Content-Type's charset is the body's (HTML: the transport
	 * layer wins), so the headers' too: "Grüße" read as Latin-1, not
	 * as the meta's KOI8-R ("Grэъe"). (A KOI8-R "Привет мир" here is
	 * Russian whatever the label: charset_cjk.c koi8_words().) */
	m = parse("From: a@example.org\nSubject: Gr\xfc\xdf"
		  "e\n"
		  "MIME-Version: 1.0\n"
		  "Content-Type: text/html; charset=iso-8859-1\n\n" META);
	assert_string_equal(m->subject, "Gr\xc3\xbc\xc3\x9f"
					"e");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_meta_names_the_charset_of_the_headers),
	    cmocka_unit_test(test_meta_in_an_encoded_part),
	    cmocka_unit_test(test_meta_in_an_alternative),
	    cmocka_unit_test(test_a_label_still_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
