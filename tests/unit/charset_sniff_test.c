/*
 * Unit tests of the charsets mail names outside the Content-Type label
 * (lib/charset.c, lib/mime.c): ISO-2022-JP written into headers as it
 * is, without encoded words, and HTML parts whose charset only a <meta>
 * tag names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charset.h"
#include "mime.h"

/* "会議" in ISO-2022-JP, and in UTF-8. */
#define JIS_KAIGI "\x1b$B2q5D\x1b(B"
#define KAIGI	  "\xe4\xbc\x9a\xe8\xad\xb0"
/* "会議" in Shift_JIS. */
#define SJIS_KAIGI "\x89\xef\x8b\x63"

#include "mime_parse.inc"

static void
test_raw_jis_header_is_decoded(void **state)
{
	char *t;

	(void)state;
	t = charset_decode_header(JIS_KAIGI " notes", strlen(JIS_KAIGI) + 6,
				  NULL, NULL);
	assert_string_equal(t, KAIGI " notes");
	free(t);
	/* Next to an encoded word too. */
	t = charset_decode_header("=?utf-8?q?Re:?= " JIS_KAIGI,
				  strlen("=?utf-8?q?Re:?= " JIS_KAIGI), NULL,
				  NULL);
	assert_string_equal(t, "Re: " KAIGI);
	free(t);
	/* An escape alone is no JIS text: shown as before. */
	t = charset_raw_header("a\x1b(Bb", 5, NULL, NULL);
	assert_string_equal(t, "a\x1b(Bb");
	free(t);
}

static void
test_raw_jis_subject_and_from_in_a_message(void **state)
{
	struct mime_msg *m;

	(void)state;
	m = parse("From: " JIS_KAIGI " <a@example.com>\n"
		  "To: b@example.com\nSubject: " JIS_KAIGI " minutes\n"
		  "Message-ID: <jis@example.com>\n"
		  "Content-Type: text/plain; charset=ISO-2022-JP\n\n"
		  "body\n");
	assert_string_equal(m->subject, KAIGI " minutes");
	assert_string_equal(m->from_text, KAIGI " <a@example.com>");
	mime_free(m);
}

static void
test_html_meta_names_the_charset(void **state)
{
	struct mime_msg *m;

	(void)state;
	m = parse("From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
		  "Content-Type: text/html\n\n<html><head><meta "
		  "http-equiv=\"Content-Type\" content=\"text/html; "
		  "charset=Shift_JIS\"></head><body>" SJIS_KAIGI
		  "</body></html>\n");
	assert_true(m->body_html);
	assert_non_null(strstr(m->body, KAIGI));
	mime_free(m);
	m = parse("From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
		  "Content-Type: text/html; charset=us-ascii\n\n"
		  "<meta charset='shift_jis'><p>" SJIS_KAIGI "</p>\n");
	assert_non_null(strstr(m->body, KAIGI));
	mime_free(m);
}

static void
test_html_label_of_the_part_wins(void **state)
{
	static const char meta[] = "<meta charset=\"euc-kr\"><p>caf\xc3\xa9";
	char *l;

	(void)state;
	assert_null(charset_html_label("utf-8", meta, strlen(meta)));
	assert_null(charset_html_label("iso-8859-1", meta, strlen(meta)));
	l = charset_html_label(NULL, meta, strlen(meta));
	assert_string_equal(l, "euc-kr");
	free(l);
	l = charset_html_label("x-unknown", meta, strlen(meta));
	assert_string_equal(l, "euc-kr");
	free(l);
	/* A label no decoder knows, or none at all. */
	assert_null(charset_html_label(NULL, "<meta charset=klingon>", 22));
	assert_null(charset_html_label(NULL, "<p>no meta</p>", 14));
}

static void
test_html_meta_only_in_the_first_kilobyte(void **state)
{
	char *html = malloc(2048), *l;
	static const char tag[] = "<meta charset=shift_jis>";

	(void)state;
	assert_non_null(html);
	memset(html, ' ', 2048);
	memcpy(html + 1100, tag, sizeof tag - 1);
	assert_null(charset_html_label(NULL, html, 2048));
	memcpy(html + 10, tag, sizeof tag - 1);
	l = charset_html_label(NULL, html, 2048);
	assert_string_equal(l, "shift_jis");
	free(l);
	/* A tag cut at the end of the buffer reads nothing past it. */
	assert_null(charset_html_label(NULL, "<meta charset=", 14));
	free(html);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_raw_jis_header_is_decoded),
	    cmocka_unit_test(test_raw_jis_subject_and_from_in_a_message),
	    cmocka_unit_test(test_html_meta_names_the_charset),
	    cmocka_unit_test(test_html_label_of_the_part_wins),
	    cmocka_unit_test(test_html_meta_only_in_the_first_kilobyte),
	};

	mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
