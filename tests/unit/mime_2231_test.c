/*
 * Unit tests of attachment names given in RFC 2231 sections
 * (lib/mime_fname.c): put together in the order of their numbers, which
 * RFC 2231 3 lets a sender write in any order, with the charset that
 * section 0 names wherever it stands.
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

/* "資料の" in UTF-8 and as %XX. */
#define SHIRYONO   "\xe8\xb3\x87\xe6\x96\x99\xe3\x81\xae"
#define PCT_SHIRYO "%E8%B3%87%E6%96%99"
#define PCT_NO	   "%E3%81%AE"

/* The file name of the one attachment of a message whose attachment's
 * Content-Disposition parameters are params. */
static char *
name_of(const char *params)
{
	struct mime_msg *m = NULL;
	char text[2048], *r;
	int n = snprintf(text, sizeof text,
			 "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
			 "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
			 "Content-Type: text/plain; charset=utf-8\n\nbody\n"
			 "--b\nContent-Type: application/pdf\n"
			 "Content-Disposition: attachment;%s\n"
			 "Content-Transfer-Encoding: base64\n\nAAAA\n--b--\n",
			 params);

	assert_true(n > 0 && (size_t)n < sizeof text);
	assert_int_equal(mime_parse(text, (size_t)n, "test", false, &m), MA_OK);
	assert_int_equal(m->natt, 1);
	r = strdup(m->att[0].filename != NULL ? m->att[0].filename : "");
	mime_free(m);
	return r;
}

static void
check(const char *params, const char *want)
{
	char *got = name_of(params);

	assert_string_equal(got, want);
	free(got);
}

static void
test_sections_in_order(void **state)
{
	(void)state;
	check("\n filename*0*=UTF-8'ja'" PCT_SHIRYO ";\n filename*1*=" PCT_NO
	      ".pdf",
	      SHIRYONO ".pdf");
}

static void
test_sections_out_of_order_keep_the_charset(void **state)
{
	(void)state;
	/* Not "UTF-8''資料の.pdf": section 0 names the charset, where
	 * ever it is written. */
	check("\n filename*1*=" PCT_NO ".pdf;\n filename*0*=UTF-8''" PCT_SHIRYO,
	      SHIRYONO ".pdf");
	check(" filename*2=\"f\"; filename*1=\"d.p\"; filename*0=\"a b\"",
	      "a bd.pf");
}

static void
test_sections_latin1_and_a_gap(void **state)
{
	(void)state;
	check(" filename*0*=iso-8859-1''r%E9sum;\n filename*2=\"late.pdf\"",
	      "r\xc3\xa9sumlate.pdf");
}

static void
test_quoted_section_escapes(void **state)
{
	(void)state;
	check(" filename*0=\"a\\\"b\"; filename*1=\".txt\"", "a\"b.txt");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sections_in_order),
	    cmocka_unit_test(test_sections_out_of_order_keep_the_charset),
	    cmocka_unit_test(test_sections_latin1_and_a_gap),
	    cmocka_unit_test(test_quoted_section_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
