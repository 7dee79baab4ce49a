/*
 * Unit tests of raw 8-bit Japanese in headers under an ISO-2022-JP body
 * (lib/charset.c raw_header()): old Japanese mailers write the Subject
 * and the sender's name in Shift_JIS or EUC-JP without encoded words. 8-bit
 * bytes are no ISO-2022-JP, so they are Shift_JIS or EUC-JP; EUC-JP's
 * kanji were read as Shift_JIS half-width katakana ("ｻｳﾅﾄ ﾂﾀﾏｺ" for
 * "山田 太郎") or U+FFFD, on the page and in search alike.
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

static void
expect(const char *raw, const char *fallback, const char *want)
{
	char *t = charset_raw_header(raw, strlen(raw), fallback, NULL);

	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);
}

static void
test_euc_jp_under_iso_2022_jp(void **state)
{
	(void)state;
	/* 会議の議事録, 山田 太郎 */
	expect("\xb2\xf1\xb5\xc4\xa4\xce\xb5\xc4\xbb\xf6\xcf\xbf",
	       "iso-2022-jp",
	       "\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe8\xad\xb0\xe4\xba\x8b"
	       "\xe9\x8c\xb2");
	expect("\xbb\xb3\xc5\xc4\x20\xc2\xc0\xcf\xba", "ISO-2022-JP",
	       "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e");
}

static void
test_shift_jis_stays_shift_jis(void **state)
{
	(void)state;
	/* 会議の議事録 under ISO-2022-JP and Shift_JIS */
	expect("\x89\xef\x8b\x63\x82\xcc\x8b\x63\x8e\x96\x98\x5e",
	       "iso-2022-jp",
	       "\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe8\xad\xb0\xe4\xba\x8b"
	       "\xe9\x8c\xb2");
	/* ｶﾀｶﾅ (half-width katakana) labelled Shift_JIS, and 会議ｶﾀｶﾅ */
	expect("\xb6\xc0\xb6\xc5", "shift_jis",
	       "\xef\xbd\xb6\xef\xbe\x80\xef\xbd\xb6\xef\xbe\x85");
	expect("\x89\xef\x8b\x63\xb6\xc0\xb6\xc5", "iso-2022-jp",
	       "\xe4\xbc\x9a\xe8\xad\xb0\xef\xbd\xb6\xef\xbe\x80\xef\xbd\xb6"
	       "\xef\xbe\x85");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_euc_jp_under_iso_2022_jp),
	    cmocka_unit_test(test_shift_jis_stays_shift_jis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
