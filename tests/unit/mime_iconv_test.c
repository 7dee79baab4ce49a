/*
 * Unit tests of the charset conversion the indexing process hands
 * libnotmuch (lib/mime_hooks.c charset_filter()): a byte the source
 * charset has no character for becomes U+FFFD instead of vanishing, so
 * the words on both sides stay apart for search; valid text split
 * anywhere between the filter's calls comes out whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "mime.h"

#define FFFD "\xef\xbf\xbd"

/* in[0..n) through a new from->UTF-8 filter in chunks of step bytes;
 * the output as a NUL-terminated string (g_free). */
static char *
convert(const char *from, const char *in, size_t n, size_t step)
{
	GMimeFilter *f = g_mime_filter_charset_new(from, "UTF-8");
	GString *s = g_string_new(NULL);
	char *out;
	size_t len, pre;

	assert_non_null(f);
	for (size_t at = 0; at < n; at += step) {
		size_t k = n - at < step ? n - at : step;

		g_mime_filter_filter(f, (char *)in + at, k, 0, &out, &len,
				     &pre);
		g_string_append_len(s, out, (gssize)len);
	}
	g_mime_filter_complete(f, (char *)"", 0, 0, &out, &len, &pre);
	g_string_append_len(s, out, (gssize)len);
	g_object_unref(f);
	return g_string_free(s, FALSE);
}

static int
setup(void **state)
{
	(void)state;
	mime_init_indexing();
	return 0;
}

static void
test_invalid_utf8_becomes_replacement(void **state)
{
	static const char in[] = "T802-179\xff\xfe"
				 "abc and \xc3(x\n";
	char *out;

	(void)state;
	for (size_t step = 1; step <= sizeof in; step++) {
		out = convert("utf-8", in, sizeof in - 1, step);
		assert_string_equal(out, "T802-179" FFFD FFFD "abc and " FFFD
					 "(x\n");
		g_free(out);
	}
}

static void
test_split_sequences_come_out_whole(void **state)
{
	GString *in = g_string_new(NULL);
	char *out;

	(void)state;
	for (int i = 0; i < 3000; i++)
		g_string_append_printf(in,
				       "z\xc3\xbcrich%d \xe4\xbc\x9a "
				       "\xf0\x9f\x98\x80 ",
				       i);
	for (size_t step = 1; step < 40; step += 3) {
		out = convert("UTF-8", in->str, in->len, step);
		assert_string_equal(out, in->str);
		g_free(out);
	}
	g_string_free(in, TRUE);
}

static void
test_incomplete_sequence_at_the_end(void **state)
{
	char *out;

	(void)state;
	out = convert("utf-8", "endword \xe2\x82", 10, 4);
	assert_string_equal(out, "endword " FFFD);
	g_free(out);
}

static void
test_other_charsets_replace_too(void **state)
{
	char *out;

	(void)state;
	/* Shift_JIS: a lead byte with a trail byte outside the table. */
	out = convert("shift_jis", "abc\x85\x40\x82\xa2xyz", 10, 3);
	assert_non_null(strstr(out, "abc"));
	assert_non_null(strstr(out, "\xe3\x81\x84xyz"));
	assert_non_null(strstr(out, FFFD));
	g_free(out);
	out = convert("iso-8859-1", "caf\xe9 ok", 7, 2);
	assert_string_equal(out, "caf\xc3\xa9 ok");
	g_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invalid_utf8_becomes_replacement),
	    cmocka_unit_test(test_split_sequences_come_out_whole),
	    cmocka_unit_test(test_incomplete_sequence_at_the_end),
	    cmocka_unit_test(test_other_charsets_replace_too),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
