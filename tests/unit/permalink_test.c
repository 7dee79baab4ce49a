/* Unit tests of the permalink rule (lib/permalink.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permalink.h"

static const char *
name(const char *id)
{
	static char out[PERMALINK_NAME_MAX];

	assert_int_equal(permalink_name(id, out), MA_OK);
	return out;
}

static void
test_plain_ids_stay_readable(void **state)
{
	(void)state;
	assert_string_equal(name("<CAF+x_1-2.3@mail.example.com>"),
			    "CAF+x_1-2.3@mail.example.com");
	assert_string_equal(name("no-brackets@example.org"),
			    "no-brackets@example.org");
}

static void
test_other_bytes_are_encoded(void **state)
{
	(void)state;
	assert_string_equal(name("<a/b=c d%e@x>"), "a=2Fb=3Dc=20d=25e@x");
	assert_string_equal(name("<.hidden@x>"), "=2Ehidden@x");
	assert_string_equal(name("<\xc3\xa9@x>"), "=C3=A9@x");
	assert_string_equal(name("<../../etc/passwd>"),
			    "=2E.=2F..=2Fetc=2Fpasswd");
}

static void
test_long_ids_are_cut_and_hashed(void **state)
{
	char id[400];
	const char *n;

	(void)state;
	memset(id, 'a', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	n = name(id);
	assert_int_equal(strlen(n), 120 + 2 + 32);
	assert_memory_equal(n, id, 120);
	/* sha256("a" x 399), as sha256sum prints it. */
	assert_string_equal(n + 120, "==f71c2dd4f37150f420b83d4c733aa2eb");
	/* An escape is never cut in half. */
	memset(id, '/', sizeof id - 1);
	n = name(id);
	assert_int_equal(strlen(n), 120 + 2 + 32);
}

static void
test_empty_id_is_refused(void **state)
{
	char out[PERMALINK_NAME_MAX];

	(void)state;
	assert_int_equal(permalink_name("", out), MA_EDATA);
	assert_null(permalink_path(""));
}

static void
test_path(void **state)
{
	char *p = permalink_path("<x@y>");

	(void)state;
	/* sha256("x@y") begins da */
	assert_string_equal(p, "m/da/x@y.html");
	free(p);
}

/*
 * Every name is NUL-terminated inside PERMALINK_NAME_MAX, uses only the
 * bytes the rule allows, and is the same on a second call: for
 * Message-IDs of every length from 1 to 4,096 bytes, of bytes that are
 * kept (1 byte out) and bytes that are escaped (3 bytes out), and of
 * arbitrary bytes. The name is written into a heap block of exactly
 * PERMALINK_NAME_MAX bytes so that AddressSanitizer sees one byte too many.
 */
static void
check_name(const char *id)
{
	char *out = malloc(PERMALINK_NAME_MAX), again[PERMALINK_NAME_MAX];
	size_t len;

	assert_non_null(out);
	assert_int_equal(permalink_name(id, out), MA_OK);
	len = strlen(out);
	assert_true(len > 0 && len <= PERMALINK_LONG);
	for (size_t i = 0; i < len; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz"
				       "0123456789@-_+.=",
				       out[i]));
	assert_true(out[0] != '.');
	assert_int_equal(permalink_name(id, again), MA_OK);
	assert_string_equal(out, again);
	free(out);
}

static void
test_every_length_fits(void **state)
{
	static const char fill[] = "a/\xc3.";
	char *id = malloc(4097);
	unsigned seed = 12345;

	(void)state;
	assert_non_null(id);
	for (size_t len = 1; len <= 4096; len++) {
		for (size_t k = 0; k < sizeof fill - 1; k++) {
			memset(id, fill[k], len);
			id[len] = '\0';
			check_name(id);
		}
		/* Mixed: kept and escaped bytes, so the output length steps
		 * by 1 and by 3 across the limits. */
		for (size_t i = 0; i < len; i++)
			id[i] = (i % 3 == 0) ? '/' : 'b';
		id[len] = '\0';
		check_name(id);
		/* Arbitrary bytes (no NUL). */
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			id[i] = (char)(1 + (seed >> 16) % 255);
		}
		id[len] = '\0';
		if (!(len == 2 && id[0] == '<' && id[1] == '>'))
			check_name(id);
	}
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_ids_stay_readable),
	    cmocka_unit_test(test_other_bytes_are_encoded),
	    cmocka_unit_test(test_long_ids_are_cut_and_hashed),
	    cmocka_unit_test(test_empty_id_is_refused),
	    cmocka_unit_test(test_path),
	    cmocka_unit_test(test_every_length_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
