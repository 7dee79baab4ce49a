/*
 * Unit tests of lib/charset.c (RFC 2047 words, vendor charsets, lying
 * labels, raw 8-bit headers, NUL bytes) and of the gmime hook in
 * lib/mime.c that gives its decoding to every parsed message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "charset.h"
#include "mime.h"

#define FFFD "\xef\xbf\xbd"

static void
check_header(const char *raw, const char *fallback, const char *want)
{
	char *got = charset_decode_header(raw, strlen(raw), fallback, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
check_body(const char *cs, const char *in, size_t n, const char *want)
{
	size_t len = 0;
	char *got = charset_to_utf8(cs, in, n, &len);

	assert_non_null(got);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	free(got);
}

static void
test_padded_word_does_not_end_the_run(void **state)
{
	(void)state;
	check_header("=?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=", NULL,
		     "Hello world");
	check_header("=?UTF-8?B?SGVsbA==?=\r\n =?UTF-8?B?byB3b3JsZA==?=", NULL,
		     "Hello world");
}

static void
test_unpadded_word_keeps_last_byte(void **state)
{
	(void)state;
	check_header("=?utf-8?B?eHB0bw?=", NULL, "xpto");
	check_header("=?utf-8?b?eHB0?= x", NULL, "xpt x");
}

static void
test_blanks_between_words_dropped_text_kept(void **state)
{
	(void)state;
	/* RFC 2047 6.2: only blanks between two encoded words go. */
	check_header("=?UTF-8?Q?a_b?=   =?UTF-8?Q?c?= d  =?UTF-8?Q?e?=", NULL,
		     "a bc d  e");
	check_header("Re: =?ISO-8859-1?Q?caf=E9?= =?UTF-8?Q?_cr=C3=A8me?=",
		     NULL, "Re: caf\xc3\xa9 cr\xc3\xa8me");
}

static void
test_character_split_across_words(void **state)
{
	(void)state;
	/* 日 is E6 97 A5: two bytes in one word, one in the next. */
	check_header("=?UTF-8?Q?=E6=97?= =?UTF-8?Q?=A5?=", NULL,
		     "\xe6\x97\xa5");
	check_header("=?UTF-8?B?5pel?= =?UTF-8?B?5pys6Kqe?=", NULL,
		     "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
}

static void
test_unknown_charset_and_language(void **state)
{
	(void)state;
	check_header("=?x-unknown?Q?na=EFve?=", NULL, "na\xc3\xafve");
	check_header("=?utf-8*en?Q?hi?=", NULL, "hi");
	/* ISO-2022-JP under a name nobody knows is still ISO-2022-JP, as
	 * under any known label: U+2460 U+2461 (found by fuzz-charset). */
	check_header("=?x-no-such?B?GyRCLSEtIhsoQg==?=", NULL,
		     "\xe2\x91\xa0\xe2\x91\xa1");
	/* Not a word: left as it is. */
	check_header("=?UTF-8?X?abc?= =?broken", NULL,
		     "=?UTF-8?X?abc?= =?broken");
}

static void
test_nul_becomes_replacement(void **state)
{
	(void)state;
	check_header("=?UTF-8?Q?a=00b?=", NULL, "a" FFFD "b");
	check_body("utf-8", "Visible.\0Hidden", 15, "Visible." FFFD "Hidden");
}

static void
test_raw_8bit_headers(void **state)
{
	(void)state;
	/* UTF-8 with one bad byte keeps its valid characters. */
	check_header("caf\xc3\xa9 \xff cr\xc3\xa8me", NULL,
		     "caf\xc3\xa9 " FFFD " cr\xc3\xa8me");
	/* Not UTF-8: the body's charset, then windows-1252. */
	check_header("\x93\xfa\x96\x7b", "Shift_JIS",
		     "\xe6\x97\xa5\xe6\x9c\xac");
	check_header("Gr\xfc\xdf"
		     "e \x80",
		     NULL,
		     "Gr\xc3\xbc\xc3\x9f"
		     "e \xe2\x82\xac");
}

static void
test_iso_2022_jp_extensions(void **state)
{
	const char jis[] = "\x1b$B-!-\"-b\x1b(B \x1b(I124\x1b(B "
			   "\x1b$BF|\x1b(B \x0e\x31\x0f";

	(void)state;
	/* ①②№, half-width ｱｲｴ by ESC ( I, 日, and ｱ by SO/SI. */
	check_body("ISO-2022-JP", jis, sizeof jis - 1,
		   "\xe2\x91\xa0\xe2\x91\xa1\xe2\x84\x96 "
		   "\xef\xbd\xb1\xef\xbd\xb2\xef\xbd\xb4 \xe6\x97\xa5 "
		   "\xef\xbd\xb1");
	/* JIS X 0212 is not read: U+FFFD, and the text goes on. */
	check_body("iso-2022-jp", "a\x1b$(D\x30\x21\x1b(Bz", 11, "a" FFFD "z");
}

static void
test_shift_jis_is_cp932(void **state)
{
	(void)state;
	/* ① (NEC row 13), ⅰ (IBM extension FA40), a DoCoMo emoji
	 * (F89F, the sun), 日本. */
	check_body("Shift_JIS", "\x87\x40 \xfa\x40 [\xf8\x9f] \x93\xfa\x96\x7b",
		   15,
		   "\xe2\x91\xa0 \xe2\x85\xb0 [\xe2\x98\x80] "
		   "\xe6\x97\xa5\xe6\x9c\xac");
}

static void
test_japanese_yen_before_digits(void **state)
{
	(void)state;
	check_body("shift_jis", "\\1,280 C:\\dir", 13,
		   "\xc2\xa5"
		   "1,280 C:\\dir");
	check_body("utf-8", "\\1", 2, "\\1");
}

static void
test_lying_label_tries_utf8(void **state)
{
	const char *u = "UTF-8 \xe6\x9c\xac\xe6\x96\x87";

	(void)state;
	check_body("ISO-2022-JP", u, strlen(u), u);
	check_body("us-ascii", u, strlen(u), u);
	/* Neither the label nor UTF-8: the label, leniently. */
	check_body("utf-8", "a\xe9z", 3, "a" FFFD "z");
	check_body(NULL, "a\xe9z", 3, "a\xc3\xa9z");
}

static void
test_reencode_keeps_structure(void **state)
{
	const char *raw = "\"=?UTF-8?Q?Doe=2C?= John\" <j@x>, "
			  "=?UTF-8?B?SsO2cmc=?= =?UTF-8?B?IE0=?= <m@x>";
	char *got = charset_reencode_header(raw, strlen(raw), NULL, NULL);

	(void)state;
	assert_non_null(got);
	assert_string_equal(got, "\"=?UTF-8?B?RG9lLA==?= John\" <j@x>, "
				 "=?UTF-8?B?SsO2cmcgTQ==?= <m@x>");
	free(got);
}

static void
test_gmime_messages_get_our_decoding(void **state)
{
	static const char text[] =
	    "From: =?UTF-8?B?SsO2cmc=?= =?UTF-8?B?IE3DvGxsZXI=?= <j@x>\n"
	    "To: \"=?UTF-8?Q?Doe=2C?= John\" <d@x>, b@x\n"
	    "Subject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "Visible.=00Hidden\n";
	struct mime_msg *m = NULL;

	(void)state;
	assert_int_equal(mime_parse(text, sizeof text - 1, "t", false, &m),
			 MA_OK);
	assert_string_equal(m->subject, "Hello world");
	assert_int_equal(m->nfrom, 1);
	assert_string_equal(m->from[0].name, "J\xc3\xb6rg M\xc3\xbcller");
	assert_int_equal(m->nto, 2);
	assert_string_equal(m->to[0].name, "Doe, John");
	assert_string_equal(m->body, "Visible." FFFD "Hidden\n");
	mime_free(m);
}

static void
test_raw_nul_in_subject_kept(void **state)
{
	static const char text[] = "Subject: Before\0After\n"
				   "From: a@x\n\nbody\n";
	struct mime_msg *m = NULL;

	(void)state;
	assert_int_equal(mime_parse(text, sizeof text - 1, "t", false, &m),
			 MA_OK);
	assert_string_equal(m->subject, "Before" FFFD "After");
	mime_free(m);
}

static void
test_raw_subject_waits_for_body_charset(void **state)
{
	static const char text[] =
	    "Subject: \x93\xfa\x96\x7b\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain; charset=Shift_JIS\n\n"
	    "\x93\xfa\x96\x7b\n--b--\n";
	struct mime_msg *m = NULL;

	(void)state;
	assert_int_equal(mime_parse(text, sizeof text - 1, "t", false, &m),
			 MA_OK);
	assert_string_equal(m->subject, "\xe6\x97\xa5\xe6\x9c\xac");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_padded_word_does_not_end_the_run),
	    cmocka_unit_test(test_unpadded_word_keeps_last_byte),
	    cmocka_unit_test(test_blanks_between_words_dropped_text_kept),
	    cmocka_unit_test(test_character_split_across_words),
	    cmocka_unit_test(test_unknown_charset_and_language),
	    cmocka_unit_test(test_nul_becomes_replacement),
	    cmocka_unit_test(test_raw_8bit_headers),
	    cmocka_unit_test(test_iso_2022_jp_extensions),
	    cmocka_unit_test(test_shift_jis_is_cp932),
	    cmocka_unit_test(test_japanese_yen_before_digits),
	    cmocka_unit_test(test_lying_label_tries_utf8),
	    cmocka_unit_test(test_reencode_keeps_structure),
	    cmocka_unit_test(test_gmime_messages_get_our_decoding),
	    cmocka_unit_test(test_raw_nul_in_subject_kept),
	    cmocka_unit_test(test_raw_subject_waits_for_body_charset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
