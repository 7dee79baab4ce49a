#include "testutil.h"
#include "testutil.inc"

#include "utf7.h"

static void
check_pair(const char *utf8, const char *mutf7)
{
	char *out = NULL;

	assert_int_equal(utf7_encode(utf8, &out), MA_OK);
	assert_string_equal(out, mutf7);
	free(out);
	out = NULL;
	assert_int_equal(utf7_decode(mutf7, &out), MA_OK);
	assert_string_equal(out, utf8);
	free(out);
}

static void
test_ascii_stands_for_itself(void **state)
{
	(void)state;
	check_pair("INBOX", "INBOX");
	check_pair("Archive/2020 Q1 [old]~", "Archive/2020 Q1 [old]~");
	check_pair("", "");
}

static void
test_ampersand_is_amp_dash(void **state)
{
	(void)state;
	check_pair("&", "&-");
	check_pair("Tom & Jerry", "Tom &- Jerry");
	check_pair("&&", "&-&-");
}

static void
test_known_names_round_trip(void **state)
{
	(void)state;
	/* RFC 3501 5.1.3's own example, and names people have. */
	check_pair("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c"
		   "\xac\xe8\xaa\x9e",
		   "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
	check_pair("Entw\xc3\xbcrfe", "Entw&APw-rfe");
	check_pair("\xe9\x80\x81\xe4\xbf\xa1\xe6\xb8\x88\xe3\x81\xbf",
		   "&kAFP4W4IMH8-");
	check_pair("Gel\xc3\xb6scht & M\xc3\xbcll", "Gel&APY-scht &- M&APw-ll");
	/* Outside the BMP: a surrogate pair (U+1F4E7, an e-mail sign). */
	check_pair("mail \xf0\x9f\x93\xa7", "mail &2D3c5w-");
	/* A control character is not printable: it is encoded. */
	check_pair("a\tb", "a&AAk-b");
}

static void
expect_bad_decode(const char *s)
{
	char *out = (char *)"untouched";

	assert_int_equal(utf7_decode(s, &out), MA_EDATA);
	assert_string_equal(out, "untouched");
}

static void
test_invalid_modified_utf7_is_refused(void **state)
{
	(void)state;
	expect_bad_decode("Entw&APw");	      /* no closing dash */
	expect_bad_decode("Entw&APw-rfe&");   /* lone & at the end */
	expect_bad_decode("a&AGE-");	      /* encodes "a": printable */
	expect_bad_decode("&ACY-");	      /* "&" must be "&-" */
	expect_bad_decode("&APx-");	      /* leftover bits not zero */
	expect_bad_decode("&2D0-");	      /* lone high surrogate */
	expect_bad_decode("&3OcAZQ-");	      /* lone low surrogate */
	expect_bad_decode("&AP/8-");	      /* "/" is not modified base64 */
	expect_bad_decode("Entw\xc3\xbcrfe"); /* 8-bit byte */
	expect_bad_decode("a\tb");	      /* control byte */
	expect_bad_decode("&AAAA-");	      /* six leftover bits */
}

static void
expect_bad_encode(const char *s)
{
	char *out = (char *)"untouched";

	assert_int_equal(utf7_encode(s, &out), MA_EDATA);
	assert_string_equal(out, "untouched");
}

static void
test_invalid_utf8_is_refused(void **state)
{
	(void)state;
	expect_bad_encode("Entw\xfcrfe");      /* Latin-1, not UTF-8 */
	expect_bad_encode("\xc0\xaf");	       /* overlong "/" */
	expect_bad_encode("\xed\xa0\x80");     /* a surrogate */
	expect_bad_encode("\xf4\x90\x80\x80"); /* past U+10FFFF */
	expect_bad_encode("cut \xe6\x97");     /* truncated */
	expect_bad_encode("\x80");	       /* lone continuation */
}

static void
test_every_bmp_and_some_astral_points_round_trip(void **state)
{
	char in[8], *enc, *dec;

	(void)state;
	for (unsigned long cp = 1; cp <= 0x10ffff;
	     cp += cp < 0x10000 ? 1 : 4099) {
		size_t n;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		if (cp < 0x80) {
			in[0] = (char)cp, n = 1;
		} else if (cp < 0x800) {
			in[0] = (char)(0xc0 | cp >> 6);
			in[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
		} else if (cp < 0x10000) {
			in[0] = (char)(0xe0 | cp >> 12);
			in[1] = (char)(0x80 | (cp >> 6 & 0x3f));
			in[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
		} else {
			in[0] = (char)(0xf0 | cp >> 18);
			in[1] = (char)(0x80 | (cp >> 12 & 0x3f));
			in[2] = (char)(0x80 | (cp >> 6 & 0x3f));
			in[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
		}
		in[n] = 'x';
		in[n + 1] = '\0';
		assert_int_equal(utf7_encode(in, &enc), MA_OK);
		assert_int_equal(utf7_decode(enc, &dec), MA_OK);
		assert_string_equal(dec, in);
		free(enc);
		free(dec);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii_stands_for_itself),
	    cmocka_unit_test(test_ampersand_is_amp_dash),
	    cmocka_unit_test(test_known_names_round_trip),
	    cmocka_unit_test(test_invalid_modified_utf7_is_refused),
	    cmocka_unit_test(test_invalid_utf8_is_refused),
	    cmocka_unit_test(test_every_bmp_and_some_astral_points_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
