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
	assert_int_equal(permalink_name("<>", out), MA_EDATA);
	assert_int_equal(permalink_name("", out), MA_EDATA);
	assert_null(permalink_path("<>"));
}

static void
test_path(void **state)
{
	char *p = permalink_path("<x@y>");

	(void)state;
	assert_string_equal(p, "m/x@y.html");
	free(p);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
