/* Unit tests of how a month's search index is cut into parts and which
 * files of its cache a run keeps (lib/render/search_cache.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/search_int.h"

static void
test_a_month_is_cut_into_full_parts_and_the_rest(void **state)
{
	(void)state;
	assert_int_equal(search_part_size(), SEARCH_PART);
	assert_int_equal(search_parts(0), 0);
	assert_int_equal(search_parts(1), 1);
	assert_int_equal(search_parts(SEARCH_PART), 1);
	assert_int_equal(search_parts(SEARCH_PART + 1), 2);
	assert_int_equal(search_parts(40010), 5);
	assert_int_equal(search_part_docs(1, 0), 1);
	assert_int_equal(search_part_docs(1, 1), 0);
	assert_int_equal(search_part_docs(SEARCH_PART + 1, 0), SEARCH_PART);
	assert_int_equal(search_part_docs(SEARCH_PART + 1, 1), 1);
	assert_int_equal(search_part_docs(40010, 3), SEARCH_PART);
	assert_int_equal(search_part_docs(40010, 4), 40010 - 4 * SEARCH_PART);
	assert_int_equal(search_part_docs(40010, 5), 0);
	/* Every message in one part, once. */
	for (size_t n = 0; n < 3 * SEARCH_PART; n += 997) {
		size_t sum = 0;

		for (unsigned k = 0; k < search_parts(n); k++) {
			assert_true(search_part_docs(n, k) > 0);
			sum += search_part_docs(n, k);
		}
		assert_int_equal(sum, n);
	}
}

static void
test_the_caches_of_parts_a_month_lost_go(void **state)
{
	GHashTable *months = g_hash_table_new(g_str_hash, g_str_equal);

	(void)state;
	g_hash_table_insert(months, "2018-01", GUINT_TO_POINTER(3));
	g_hash_table_insert(months, "2018-02", GUINT_TO_POINTER(1));
	assert_false(search_cache_stale("2018-01", months));
	assert_false(search_cache_stale("2018-01.1", months));
	assert_false(search_cache_stale("2018-01.2", months));
	assert_true(search_cache_stale("2018-01.3", months));
	assert_true(search_cache_stale("2018-01.12", months));
	assert_false(search_cache_stale("2018-02", months));
	assert_true(search_cache_stale("2018-02.1", months));
	assert_true(search_cache_stale("2017-12", months));
	assert_true(search_cache_stale("2017-12.4", months));
	/* Not a cache of ours: left alone. */
	assert_false(search_cache_stale("2018-01.", months));
	assert_false(search_cache_stale("2018-01.x", months));
	assert_false(search_cache_stale("2018-01.1x", months));
	assert_false(search_cache_stale("2018-01x", months));
	assert_false(search_cache_stale("notes", months));
	assert_false(search_cache_stale("", months));
	g_hash_table_destroy(months);
}

static void
test_what_a_run_leaves_only_while_it_runs(void **state)
{
	(void)state;
	assert_true(search_cache_scratch(".fresh-2018-01.0"));
	assert_true(search_cache_scratch(".new-2018-01.3"));
	assert_false(search_cache_scratch("2018-01"));
	assert_false(search_cache_scratch("2018-01.1"));
	assert_false(search_cache_scratch(".newer"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_month_is_cut_into_full_parts_and_the_rest),
	    cmocka_unit_test(test_the_caches_of_parts_a_month_lost_go),
	    cmocka_unit_test(test_what_a_run_leaves_only_while_it_runs),
	};

	unsetenv("MAILARC_SEARCH_PART"); /* the parts' size is SEARCH_PART */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
