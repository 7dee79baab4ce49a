/*
 * Unit tests of the charset labels mail carries that iconv does not know
 * (lib/charset_alias.c): the WHATWG Encoding Standard's names for
 * KS X 1001 (Outlook's "ks_c_5601-1989", "korean"), GB2312
 * ("gb_2312-80", "chinese"), Hebrew and Arabic in logical order
 * ("iso-8859-8-i"), the Macintosh and x-cp125x ones. Text under them was
 * read as if unlabelled: "\u00bb\u00e1\u00d2\u00e9" for "\u4f1a\u8bae".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charset.h"

#include "charset_body.inc"

static void
test_whatwg_labels_iconv_does_not_know(void **state)
{
	(void)state;
	check_body(
	    "gb_2312-80", "\xbb\xe1\xd2\xe9\xbc\xcd\xd2\xaa",
	    "\xe4\xbc\x9a\xe8\xae\xae\xe7\xba\xaa\xe8\xa6\x81"); /* 会议纪要 */
	check_body(
	    "GB_2312-80", "\xb9\xd8\xd3\xda\xcf\xc2\xd6\xdc",
	    "\xe5\x85\xb3\xe4\xba\x8e\xe4\xb8\x8b\xe5\x91\xa8"); /* 关于下周 */
	check_body(
	    "chinese", "\xbb\xe1\xd2\xe9\xbc\xcd\xd2\xaa",
	    "\xe4\xbc\x9a\xe8\xae\xae\xe7\xba\xaa\xe8\xa6\x81"); /* 会议纪要 */
	check_body("ks_c_5601-1989", "\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4",
		   "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a"
		   "\x94"); /* 안녕하세요 */
	check_body("korean", "\xc8\xb8\xc0\xc7\xb7\xcf",
		   "\xed\x9a\x8c\xec\x9d\x98\xeb\xa1\x9d"); /* 회의록 */
	check_body("windows-949", "\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4",
		   "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a"
		   "\x94"); /* 안녕하세요 */
	check_body("ksc5601", "\xc8\xb8\xc0\xc7\xb7\xcf",
		   "\xed\x9a\x8c\xec\x9d\x98\xeb\xa1\x9d"); /* 회의록 */
	check_body("iso-8859-8-i", "\xf9\xec\xe5\xed \xf2\xe5\xec\xed",
		   "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d "
		   "\xd7\xa2\xd7\x95\xd7\x9c\xd7\x9d"); /* שלום עולם */
	check_body("csiso88598i", "\xf9\xec\xe5\xed",
		   "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"); /* שלום */
	check_body("iso-8859-6-i", "\xe5\xd1\xcd\xc8\xc7",
		   "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"); /* مرحبا */
	check_body("x-mac-roman",
		   "Gr\x9f\xa7"
		   "e aus K\x9aln",
		   "Gr\xc3\xbc\xc3\x9f"
		   "e aus K\xc3\xb6ln"); /* Grüße aus Köln */
	check_body(
	    "x-mac-cyrillic", "\x8f\xf0\xe8\xe2\xe5\xf2",
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"); /* Привет */
	check_body("x-cp1251", "\xcf\xf0\xe8\xe2\xe5\xf2 \xe2\xf1\xe5\xec",
		   "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
		   "\xd0\xb2\xd1\x81\xd0\xb5\xd0\xbc"); /* Привет всем */
	check_body("x-cp1250",
		   "Dobr\xfd den, \xa3\xf3"
		   "d\x9f",
		   "Dobr\xc3\xbd den, \xc5\x81\xc3\xb3"
		   "d\xc5\xba"); /* Dobrý den, Łódź */
	check_body(
	    "csbig5", "\xb7|\xc4\xb3\xb0O\xbf\xfd",
	    "\xe6\x9c\x83\xe8\xad\xb0\xe8\xa8\x98\xe9\x8c\x84"); /* 會議記錄 */
	check_body("l9", "\xa4 20, \xbduvre",
		   "\xe2\x82\xac 20, \xc5\x93uvre"); /* € 20, œuvre */
	check_body(
	    "koi8_r", "\xf0\xd2\xc9\xd7\xc5\xd4",
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"); /* Привет */
	check_body("dos-874", "\xca\xc7\xd1\xca\xb4\xd5",
		   "\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8"
		   "\x94\xe0\xb8\xb5"); /* สวัสดี */
	check_body("unicode-1-1-utf-8", "na\xc3\xafve \xe4\xbc\x9a\xe8\xae\xae",
		   "na\xc3\xafve \xe4\xbc\x9a\xe8\xae\xae"); /* naïve 会议 */
}

static void
test_raw_header_under_an_alias(void **state)
{
	char *t =
	    charset_raw_header("\xf9\xec\xe5\xed", 4, "iso-8859-8-i", NULL);

	(void)state;
	assert_string_equal(t, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"); /* שלום */
	free(t);
	assert_true(charset_known("KS_C_5601-1989"));
	assert_false(charset_known("x-user-defined"));
}

/* HZ (RFC 1843): GB2312 in 7 bits between "~{" and "~}"; iconv has no
 * decoder, so it was shown as it is. */
static void
test_hz(void **state)
{
	char *t;

	(void)state;
	/* "会议纪要 ~ 关于" with a tilde, a joined line and a line end in GB
	 * mode. */
	check_body("HZ-GB-2312", "~{;aRi<MR*~} ~~ ~\n~{9XSZ\nx",
		   "\xe4\xbc\x9a\xe8\xae\xae\xe7\xba\xaa\xe8\xa6\x81 ~ "
		   "\xe5\x85\xb3\xe4\xba\x8e\nx");
	t = charset_decode_header("=?HZ-GB-2312?Q?~{;aRi~}?=", 25, NULL, NULL);
	assert_non_null(t);
	assert_string_equal(t, "\xe4\xbc\x9a\xe8\xae\xae");
	free(t);
}

/* The names of Python's codecs, which its email package writes as they
 * are given (MIMEText(text, "plain", "utf_8")). */
static void
test_python_codec_names(void **state)
{
	(void)state;
	check_body("utf_8", "na\xc3\xafve", "na\xc3\xafve");
	check_body("latin_1", "na\xefve", "na\xc3\xafve");
	check_body("iso8859_1", "na\xefve", "na\xc3\xafve");
	check_body("windows_1252", "l\x92\xe9t\xe9",
		   "l\xe2\x80\x99\xc3\xa9t\xc3\xa9");
	check_body("koi8_u", "\xf0\xd2\xc9\xd7\xa6\xd4",
		   "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd1\x96\xd1\x82");
	check_body("euc_kr", "\xc8\xb8\xc0\xc7\xb7\xcf",
		   "\xed\x9a\x8c\xec\x9d\x98\xeb\xa1\x9d");
	check_body("iso2022_jp", "\x1b$B2q5D\x1b(B",
		   "\xe4\xbc\x9a\xe8\xad\xb0");
	check_body("cp65001", "na\xc3\xafve", "na\xc3\xafve");
	assert_false(charset_known("no_such_name"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whatwg_labels_iconv_does_not_know),
	    cmocka_unit_test(test_raw_header_under_an_alias),
	    cmocka_unit_test(test_hz),
	    cmocka_unit_test(test_python_codec_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
