/*
 * Unit tests of SoftBank's emoji (lib/charset_emoji.c): in Shift_JIS
 * text they showed as U+FFFD (F7, F9) or as IBM kanji (FB), and their
 * 7-bit "webcode" escapes as raw ESC sequences. A text that is SoftBank's
 * by the codes it holds now reads them as the Unicode emoji of Unicode's
 * EmojiSources.txt; so does every webcode whose codes all have one.
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
#define BOY	"\xf0\x9f\x91\xa6" /* U+1F466: SoftBank F941, webcode G! */
#define GIRL	"\xf0\x9f\x91\xa7" /* U+1F467: SoftBank F942, webcode G" */
#define PHONE	"\xf0\x9f\x93\xb1" /* U+1F4F1: SoftBank F94A alone */
#define RELIEF	"\xf0\x9f\x98\xa5" /* U+1F625: SoftBank FB41, webcode P! */
#define KEY	"\xf0\x9f\x94\x91" /* U+1F511: SoftBank F980, webcode G_ */
#define MAILBOX "\xf0\x9f\x93\xab" /* U+1F4EB: SoftBank F741, webcode E! */
#define HOTEL	"\xf0\x9f\x8f\xa9" /* U+1F3E9: SoftBank FBA1, webcode Q! */
#define FB41	"\xe6\xb6\xac"	   /* CP932 FB41: an IBM kanji */
#define KAIGI	"\x89\xef\x8b\x63" /* 会議 in Shift_JIS */

#include "charset_body.inc"

static void
test_softbank_alone_code_makes_the_text_softbank(void **state)
{
	(void)state;
	check_body("Shift_JIS", KAIGI "\xf9\x4a", "会議" PHONE);
	check_body("Shift_JIS", "\xf9\x4a\xf9\x41\xf9\x80 \xf7\x41",
		   PHONE BOY KEY " " MAILBOX);
}

static void
test_fb_codes_with_shared_ones_are_softbank(void **state)
{
	(void)state;
	check_body("Shift_JIS", "\xf9\x41\xfb\x41", BOY RELIEF);
	check_body("windows-31j", "\xf7\x41 \xfb\xa1", MAILBOX " " HOTEL);
}

static void
test_uncertain_texts_stay_as_they_were(void **state)
{
	(void)state;
	/* FB alone is an IBM kanji; F941 alone is DoCoMo's or SoftBank's. */
	check_body("Shift_JIS", "\xfb\x41", FB41);
	check_body("Shift_JIS", "\xf9\x41", FFFD);
	/* DoCoMo's F8 says DoCoMo: F94A is none of its codes. */
	check_body("Shift_JIS", "\xf8\x9f\xf9\x4a\xfb\x41",
		   "\xe2\x98\x80" FFFD FB41);
	/* A user-defined character (F040) says no phone wrote it. */
	check_body("Shift_JIS", "\xf0\x40\xf9\x4a\xfb\x41", FFFD FFFD FB41);
}

static void
test_webcodes_in_any_charset(void **state)
{
	(void)state;
	check_body("us-ascii", "a\x1b$G!\"\x0f b", "a" BOY GIRL " b");
	check_body("utf-8", "\x1b$G_\x0f\x1b$P!\x0f", KEY RELIEF);
	check_body("Shift_JIS", KAIGI "\x1b$E!\x0f", "会議" MAILBOX);
	check_body("iso-2022-jp", "\x1b$B2q5D\x1b(B \x1b$Q!\x0f",
		   "会議 " HOTEL);
}

static void
test_broken_webcodes_stay(void **state)
{
	(void)state;
	/* No SI, a page that is none, a code past the page's end. */
	check_body("us-ascii", "\x1b$G!", "\x1b$G!");
	check_body("us-ascii", "\x1b$Z!\x0f", "\x1b$Z!\x0f");
	check_body("us-ascii", "\x1b$G~\x0f", "\x1b$G~\x0f");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_softbank_alone_code_makes_the_text_softbank),
	    cmocka_unit_test(test_fb_codes_with_shared_ones_are_softbank),
	    cmocka_unit_test(test_uncertain_texts_stay_as_they_were),
	    cmocka_unit_test(test_webcodes_in_any_charset),
	    cmocka_unit_test(test_broken_webcodes_stay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
