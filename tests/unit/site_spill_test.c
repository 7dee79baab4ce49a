/* lib/site_set, spilled to disk: each bucket holds exactly its values,
 * in order; taken back into memory, the set is what was added; nothing
 * is left on disk. Run from a temp dir (its files go in ./spill). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "site_set.h"

#include "splitmix.inc"

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Past three tails (65,536 values each): three runs of each bucket on
 * disk and a tail in memory. */
enum { N = 200000 };

static void
test_buckets_hold_what_was_added(void **state)
{
	uint64_t *v = malloc(N * sizeof *v), x = 7;
	struct site_set *s = site_set_new();
	struct stat sb;
	size_t seen = 0;

	(void)state;
	assert_non_null(v);
	assert_non_null(s);
	assert_int_equal(site_set_spill(s, "spill"), MA_OK);
	assert_true(site_set_spilled(s));
	for (size_t i = 0; i < N; i++) {
		v[i] = i % 5 == 2 ? v[i / 2] : next(&x);
		assert_int_equal(site_set_add(s, v[i]), MA_OK);
	}
	assert_int_equal(stat("spill/w-00", &sb), 0);
	qsort(v, N, sizeof *v, u64_cmp);
	for (unsigned b = 0; b < 256; b++) {
		uint64_t *got;
		size_t n;

		assert_int_equal(site_set_bucket(s, b, &got, &n), MA_OK);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(got[i] >> 56, b);
			assert_true(seen + i < N);
			assert_true(got[i] == v[seen + i]); /* repeats too */
		}
		seen += n;
		free(got);
	}
	assert_int_equal(seen, N);
	site_set_free(s);
	assert_int_not_equal(stat("spill", &sb), 0);
	free(v);
}

static void
test_load_brings_it_back(void **state)
{
	uint64_t x = 11, y = 12;
	struct site_set *s = site_set_new();
	struct stat sb;

	(void)state;
	assert_non_null(s);
	assert_int_equal(site_set_spill(s, "spill"), MA_OK);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(site_set_add(s, next(&x)), MA_OK);
	assert_int_equal(site_set_settle(s, 0), MA_OK);
	assert_false(site_set_spilled(s));
	assert_int_not_equal(stat("spill", &sb), 0);
	x = 11;
	for (size_t i = 0; i < N; i++) {
		assert_true(site_set_has(s, next(&x)));
		assert_false(site_set_has(s, next(&y) ^ 1));
	}
	/* Only an empty set spills. */
	assert_int_equal(site_set_spill(s, "spill"), MA_OK);
	assert_false(site_set_spilled(s));
	site_set_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buckets_hold_what_was_added),
	    cmocka_unit_test(test_load_brings_it_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
