#include "testutil.h"
#include "testutil.inc"

#include "buf.h"

static void
test_add_keeps_nul_termination(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 100);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_adds(&b, "abc"), MA_OK);
	assert_int_equal(buf_addc(&b, 'd'), MA_OK);
	assert_int_equal(buf_addf(&b, "%d-%s", 42, "x"), MA_OK);
	assert_string_equal(buf_cstr(&b), "abcd42-x");
	assert_int_equal(b.len, 8);
	buf_release(&b);
}

static void
test_add_past_max_fails_and_keeps_contents(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 5);
	assert_int_equal(buf_adds(&b, "12345"), MA_OK);
	assert_int_equal(buf_adds(&b, "6"), MA_ETOOBIG);
	assert_int_equal(buf_addf(&b, "%s", "xyz"), MA_ETOOBIG);
	assert_string_equal(buf_cstr(&b), "12345");
	buf_release(&b);
}

static void
test_steal_hands_over_and_resets(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, 1000);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_adds(&b, "0123456789"), MA_OK);
	assert_int_equal(buf_adds(&b, "!"), MA_ETOOBIG);
	s = buf_steal(&b);
	assert_int_equal(strlen(s), 1000);
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	free(s);
	s = buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_keeps_nul_termination),
	    cmocka_unit_test(test_add_past_max_fails_and_keeps_contents),
	    cmocka_unit_test(test_steal_hands_over_and_resets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
