/*
 * Unit tests of lib/charset.c on the labels of the ISO-2022-JP family
 * that Japanese mailers and phones write ("ISO-2022-JP-2", "-1", "-3",
 * "-2004"): the text under them is mostly ISO-2022-JP with the NEC and
 * Microsoft extensions (CP50220) and half-width katakana, which iconv's
 * own decoders of those names refuse.
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

/* "会議" in JIS X 0208, "①②" in NEC row 13, "ｶﾀ" by ESC ( I. */
#define KAIGI "\x1b$B2q5D\x1b(B"
#define MARU  "\x1b$B-!-\"\x1b(B"
#define KANA  "\x1b(I6@\x1b(B"

#include "charset_body.inc"

static void
test_jp2_label_reads_nec_row_13(void **state)
{
	(void)state;
	check_body("ISO-2022-JP-2", KAIGI " " MARU "\n", "会議 ①②\n");
	check_body("iso-2022-jp-3", MARU, "①②");
}

static void
test_jp2_label_reads_halfwidth_katakana(void **state)
{
	(void)state;
	check_body("ISO-2022-JP-2", KAIGI KANA, "会議ｶﾀ");
	check_body("csISO2022JP2",
		   "x\x0e"
		   "6@\x0f"
		   "y",
		   "xｶﾀy");
}

static void
test_labels_iconv_lacks_are_still_jis(void **state)
{
	(void)state;
	/* No escape is shown raw, none is lost. */
	check_body("iso-2022-jp-1", KAIGI " " MARU, "会議 ①②");
	check_body("ISO-2022-JP-2004", KAIGI, "会議");
}

static void
test_jp2_sets_of_its_own_still_read(void **state)
{
	(void)state;
	/* GB 2312 "中" (ESC $ A) and Latin-1 "é" by ESC . A and ESC N:
	 * ISO-2022-JP-2's own sets, which the CP932 route does not have. */
	check_body("ISO-2022-JP-2", "\x1b$AVP\x1b(B", "中");
	check_body("ISO-2022-JP-2", "caf\x1b.A\x1bNi", "café");
}

static void
test_jp2_encoded_word(void **state)
{
	char *got;
	/* "=?ISO-2022-JP-2?B?" + base64(KAIGI MARU) + "?=" */
	static const char raw[] =
	    "=?ISO-2022-JP-2?B?GyRCMnE1RBsoQhskQi0hLSIbKEI=?= x";

	(void)state;
	got = charset_decode_header(raw, strlen(raw), NULL, NULL);
	assert_non_null(got);
	assert_string_equal(got, "会議①② x");
	free(got);
}

static void
test_euc_jp_labelled_shift_jis(void **state)
{
	(void)state;
	/* "会議の議事録" in EUC-JP: as CP932, katakana and user area. */
	check_body("Shift_JIS",
		   "\xb2\xf1\xb5\xc4\xa4\xce\xb5\xc4\xbb\xf6\xcf\xbf",
		   "会議の議事録");
}

static void
test_shift_jis_labelled_euc_jp(void **state)
{
	(void)state;
	check_body("EUC-JP", "\x89\xef\x8b\x63\x82\xcc", "会議の");
}

static void
test_carrier_emoji_stay_shift_jis(void **state)
{
	(void)state;
	/* A DoCoMo emoji (F8 9F, the sun): the rest is read as Shift_JIS,
	 * not as EUC-JP. */
	check_body("Shift_JIS", "\x89\xef\x8b\x63\xf8\x9f", "会議\xe2\x98\x80");
}

static void
test_jis_escapes_under_other_labels(void **state)
{
	(void)state;
	check_body("Shift_JIS", KAIGI " x", "会議 x");
	check_body("us-ascii", KAIGI, "会議");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jp2_label_reads_nec_row_13),
	    cmocka_unit_test(test_jp2_label_reads_halfwidth_katakana),
	    cmocka_unit_test(test_labels_iconv_lacks_are_still_jis),
	    cmocka_unit_test(test_jp2_sets_of_its_own_still_read),
	    cmocka_unit_test(test_jp2_encoded_word),
	    cmocka_unit_test(test_euc_jp_labelled_shift_jis),
	    cmocka_unit_test(test_shift_jis_labelled_euc_jp),
	    cmocka_unit_test(test_carrier_emoji_stay_shift_jis),
	    cmocka_unit_test(test_jis_escapes_under_other_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
