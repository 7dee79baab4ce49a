/*
 * Unit tests of carrier emoji in Shift_JIS text (lib/charset_emoji.c):
 * a code whose carrier is certain (DoCoMo's F8, KDDI's F3, F4, F6, or
 * DoCoMo's F9 and KDDI's F7 in text holding that carrier's codes alone)
 * reads as the Unicode emoji of Unicode's EmojiSources.txt; any other
 * stays U+FFFD, and so does the same private-use character in other
 * Japanese charsets. Also kana-only EUC-JP labelled Shift_JIS, which read
 * as half-width katakana (lib/charset.c euc_kana_only()).
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

#define FFFD	"\xef\xbf\xbd"
#define SUN	"\xe2\x98\x80"	   /* U+2600: DoCoMo F89F, KDDI F660 */
#define CLOUD	"\xe2\x98\x81"	   /* U+2601: DoCoMo F8A0 */
#define SOON	"\xf0\x9f\x94\x9c" /* U+1F51C: DoCoMo F95B */
#define KEYCAP4 "\x34\xe2\x83\xa3" /* 4 U+20E3: KDDI F741 */
#define SCREAM	"\xf0\x9f\x98\xb1" /* U+1F631: DoCoMo F9FC */
#define KAIGI	"\x89\xef\x8b\x63" /* 会議 in Shift_JIS */

#include "charset_body.inc"

static void
test_docomo_and_kddi_alone_codes(void **state)
{
	(void)state;
	check_body("Shift_JIS", KAIGI "\xf8\x9f\xf8\xa0", "会議" SUN CLOUD);
	check_body("x-sjis", "a\xf6\x60z", "a" SUN "z");
	check_body("windows-31j", "\xf8\x9f \xf6\x60", SUN " " SUN);
}

static void
test_shared_lead_needs_one_carrier(void **state)
{
	(void)state;
	/* F9 is DoCoMo's or SoftBank's, F7 KDDI's or SoftBank's. */
	check_body("Shift_JIS", "\xf9\x5b \xf7\x41", FFFD " " FFFD);
	check_body("Shift_JIS", "\xf8\x9f\xf9\x5b\xf9\xfc \xf7\x41",
		   SUN SOON SCREAM " " FFFD);
	check_body("Shift_JIS", "\xf6\x60\xf7\x41 \xf9\x5b",
		   SUN KEYCAP4 " " FFFD);
	/* Both carriers: the shared leads stay unread. */
	check_body("Shift_JIS", "\xf8\x9f\xf6\x60\xf9\x5b\xf7\x41",
		   SUN SUN FFFD FFFD);
}

static void
test_unmapped_user_area_stays_fffd(void **state)
{
	(void)state;
	/* F040: a user-defined character, no carrier's. */
	check_body("Shift_JIS", KAIGI "\xf0\x40", "会議" FFFD);
	/* F8 40: DoCoMo's lead, no symbol there. */
	check_body("Shift_JIS", "\xf8\x40", FFFD);
}

static void
test_other_japanese_charsets_do_not_map(void **state)
{
	(void)state;
	/* EUC-JP-MS reads 8F FC A1 as U+E63E, the code iconv gives
	 * DoCoMo's F89F in Shift_JIS: it is no emoji there. */
	check_body("EUC-JP", "\xa4\xf3\x8f\xfc\xa1", "ん" FFFD);
}

static void
test_emoji_in_encoded_word(void **state)
{
	const char *raw = "=?Shift_JIS?B?ie+LY/if?= T1";
	size_t len = 0;
	char *got = charset_decode_header(raw, strlen(raw), NULL, &len);

	(void)state;
	assert_non_null(got);
	assert_string_equal(got, "会議" SUN " T1");
	free(got);
}

static void
test_kana_only_euc_jp_labelled_shift_jis(void **state)
{
	(void)state;
	/* ありがとう。 and カタカナ in EUC-JP. */
	check_body("Shift_JIS",
		   "\xa4\xa2\xa4\xea\xa4\xac\xa4\xc8\xa4\xa6"
		   "\xa1\xa3",
		   "ありがとう。");
	check_body("shift_jis", "OK \xa5\xab\xa5\xbf\xa5\xab\xa5\xca!",
		   "OK カタカナ!");
}

static void
test_half_width_katakana_stays_shift_jis(void **state)
{
	(void)state;
	/* ｶﾀｶﾅ and ｺﾝﾆﾁﾊ｡ from a phone: Shift_JIS as labelled. */
	check_body("Shift_JIS", "\xb6\xc0\xb6\xc5", "ｶﾀｶﾅ");
	check_body("Shift_JIS", "\xba\xdd\xc6\xc1\xca\xa1", "ｺﾝﾆﾁﾊ｡");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docomo_and_kddi_alone_codes),
	    cmocka_unit_test(test_shared_lead_needs_one_carrier),
	    cmocka_unit_test(test_unmapped_user_area_stays_fffd),
	    cmocka_unit_test(test_other_japanese_charsets_do_not_map),
	    cmocka_unit_test(test_emoji_in_encoded_word),
	    cmocka_unit_test(test_kana_only_euc_jp_labelled_shift_jis),
	    cmocka_unit_test(test_half_width_katakana_stays_shift_jis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
