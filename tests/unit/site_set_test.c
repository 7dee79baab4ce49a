/* lib/site_set: the compact set of path hashes against a plain list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "site_set.h"

#include "splitmix.inc"

/*
 * Enough values for several merges of the tail, some added twice, some
 * in one bucket (same top 16 bits), the ends of the range: each is in
 * the set, at every point of the filling and after, and values never
 * added are not.
 */
static void
test_holds_exactly_what_was_added(void **state)
{
	enum { N = 300000 };
	uint64_t *v = malloc(N * sizeof *v), x = 1, y = 99;
	struct site_set *s = site_set_new();

	(void)state;
	assert_non_null(v);
	assert_non_null(s);
	for (size_t i = 0; i < N; i++) {
		if (i % 7 == 3)
			v[i] = v[i / 2]; /* again */
		else if (i % 11 == 5)
			v[i] = 0xabcd000000000000ULL | (next(&x) >> 20);
		else
			v[i] = next(&x);
	}
	v[10] = 0;
	v[20] = UINT64_MAX;
	v[30] = 0x0000ffffffffffffULL;
	v[40] = 0xffff000000000000ULL;
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(site_set_add(s, v[i]), MA_OK);
		/* What came before stays, across the merges. */
		if (i % 9973 == 0)
			for (size_t k = 0; k <= i; k += 97)
				assert_true(site_set_has(s, v[k]));
	}
	assert_int_equal(site_set_settle(s, 0), MA_OK);
	for (size_t i = 0; i < N; i++)
		assert_true(site_set_has(s, v[i]));
	/* Another sequence: none of it was added (the odds of one are
	 * 10^-9; the values are the same every run). */
	for (int k = 0; k < 100000; k++)
		assert_false(site_set_has(s, next(&y)));
	/* Values one bit away from present ones. */
	for (size_t i = 0; i < N; i += 101)
		assert_false(site_set_has(s, v[i] ^ 1));
	free(v);
	site_set_free(s);
}

/* Duplicates are kept once; a value is about 6 bytes. */
static void
test_duplicates_once_and_six_bytes(void **state)
{
	struct site_set *s = site_set_new();
	uint64_t x = 7;

	(void)state;
	assert_non_null(s);
	for (int round = 0; round < 3; round++) {
		uint64_t y = x;

		for (int i = 0; i < 100000; i++)
			assert_int_equal(site_set_add(s, next(&y)), MA_OK);
	}
	assert_int_equal(site_set_settle(s, 0), MA_OK);
	assert_int_equal(site_set_count(s), 100000);
	assert_true(site_set_bytes(s) < 100000 * 6 + (1 << 20));
	site_set_free(s);
	site_set_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_holds_exactly_what_was_added),
	    cmocka_unit_test(test_duplicates_once_and_six_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
