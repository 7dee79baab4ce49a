/*
 * Unit tests of file names written in raw 8-bit or ISO-2022-JP into a
 * part's header (lib/mime_fname.c): read in the charset of the
 * message's text, as raw Subjects are; the names gmime reads right
 * (RFC 2231, encoded words, UTF-8) unchanged; names given in RFC 2231
 * sections put together in the order of their numbers, which RFC 2231 3
 * lets a sender write in any order, with the charset that section 0
 * names wherever it stands.
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

/* "資料" in Shift_JIS, ISO-2022-JP and UTF-8. */
#define SJIS_SHIRYO "\x8e\x91\x97\xbf"
#define JIS_SHIRYO  "\x1b$B;qNA\x1b(B"
#define SHIRYO	    "\xe8\xb3\x87\xe6\x96\x99"
/* "資料の" in UTF-8 and as %XX. */
#define SHIRYONO   "\xe8\xb3\x87\xe6\x96\x99\xe3\x81\xae"
#define PCT_SHIRYO "%E8%B3%87%E6%96%99"
#define PCT_NO	   "%E3%81%AE"

/* The file name of the one attachment of a message whose text part is
 * in charset and whose attachment's header fields are fields. */
static char *
name_of(const char *charset, const char *fields)
{
	struct mime_msg *m = NULL;
	char text[2048], *r;
	int n = snprintf(text, sizeof text,
			 "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
			 "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
			 "Content-Type: text/plain; charset=%s\n\nbody\n--b\n"
			 "%s\nContent-Transfer-Encoding: base64\n\nAAAA\n"
			 "--b--\n",
			 charset, fields);

	assert_true(n > 0 && (size_t)n < sizeof text);
	assert_int_equal(mime_parse(text, (size_t)n, "test", false, &m), MA_OK);
	assert_int_equal(m->natt, 1);
	r = strdup(m->att[0].filename != NULL ? m->att[0].filename : "");
	mime_free(m);
	return r;
}

static void
check(const char *charset, const char *fields, const char *want)
{
	char *got = name_of(charset, fields);

	assert_string_equal(got, want);
	free(got);
}

static void
test_raw_shift_jis_name_read_in_the_text_charset(void **state)
{
	(void)state;
	check("shift_jis",
	      "Content-Type: application/pdf; name=\"" SJIS_SHIRYO ".pdf\"\n"
	      "Content-Disposition: attachment; filename=\"" SJIS_SHIRYO
	      ".pdf\"",
	      SHIRYO ".pdf");
	/* Only in Content-Type, unquoted. */
	check("Shift_JIS",
	      "Content-Type: application/pdf; name=" SJIS_SHIRYO ".pdf",
	      SHIRYO ".pdf");
}

static void
test_raw_iso_2022_jp_name(void **state)
{
	(void)state;
	check("iso-2022-jp",
	      "Content-Type: application/pdf\nContent-Disposition: "
	      "attachment;\n filename=\"" JIS_SHIRYO ".pdf\"",
	      SHIRYO ".pdf");
}

static void
test_names_gmime_reads_stay(void **state)
{
	(void)state;
	check("shift_jis",
	      "Content-Type: application/pdf\nContent-Disposition: "
	      "attachment; filename=\"" SHIRYO ".pdf\"",
	      SHIRYO ".pdf");
	check("us-ascii",
	      "Content-Type: application/pdf\nContent-Disposition: "
	      "attachment; filename*=UTF-8''%E8%B3%87%E6%96%99.pdf",
	      SHIRYO ".pdf");
	check("us-ascii",
	      "Content-Type: application/pdf\nContent-Disposition: "
	      "attachment; filename=\"=?UTF-8?B?6LOH5paZ?=.pdf\"",
	      SHIRYO ".pdf");
	check("us-ascii",
	      "Content-Type: application/pdf\nContent-Disposition: "
	      "attachment; filename=\"plain \\\"q\\\".pdf\"",
	      "plain \"q\".pdf");
}

/* An attachment whose Content-Disposition parameters are params. */
static void
check_sections(const char *params, const char *want)
{
	char fields[1024];
	int n = snprintf(fields, sizeof fields,
			 "Content-Type: application/pdf\n"
			 "Content-Disposition: attachment;%s",
			 params);

	assert_true(n > 0 && (size_t)n < sizeof fields);
	check("utf-8", fields, want);
}

static void
test_sections_in_order(void **state)
{
	(void)state;
	check_sections("\n filename*0*=UTF-8'ja'" PCT_SHIRYO
		       ";\n filename*1*=" PCT_NO ".pdf",
		       SHIRYONO ".pdf");
}

static void
test_sections_out_of_order_keep_the_charset(void **state)
{
	(void)state;
	/* Not "UTF-8''資料の.pdf": section 0 names the charset, where
	 * ever it is written. */
	check_sections("\n filename*1*=" PCT_NO
		       ".pdf;\n filename*0*=UTF-8''" PCT_SHIRYO,
		       SHIRYONO ".pdf");
	check_sections(" filename*2=\"f\"; filename*1=\"d.p\"; "
		       "filename*0=\"a b\"",
		       "a bd.pf");
}

static void
test_sections_latin1_and_a_gap(void **state)
{
	(void)state;
	check_sections(" filename*0*=iso-8859-1''r%E9sum;\n "
		       "filename*2=\"late.pdf\"",
		       "r\xc3\xa9sumlate.pdf");
}

static void
test_quoted_section_escapes(void **state)
{
	(void)state;
	check_sections(" filename*0=\"a\\\"b\"; filename*1=\".txt\"",
		       "a\"b.txt");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_raw_shift_jis_name_read_in_the_text_charset),
	    cmocka_unit_test(test_raw_iso_2022_jp_name),
	    cmocka_unit_test(test_names_gmime_reads_stay),
	    cmocka_unit_test(test_sections_in_order),
	    cmocka_unit_test(test_sections_out_of_order_keep_the_charset),
	    cmocka_unit_test(test_sections_latin1_and_a_gap),
	    cmocka_unit_test(test_quoted_section_escapes),
	};

	mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
