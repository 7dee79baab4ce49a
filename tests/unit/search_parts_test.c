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
	const size_t tail = SEARCH_PART / 4;

	(void)state;
	assert_int_equal(search_part_size(), SEARCH_PART);
	assert_int_equal(search_parts(0), 0);
	assert_int_equal(search_parts(1), 1);
	assert_int_equal(search_parts(SEARCH_PART), 1);
	/* A rest under a quarter of a part stays with the part before. */
	assert_int_equal(search_parts(SEARCH_PART + 1), 1);
	assert_int_equal(search_parts(SEARCH_PART + tail - 1), 1);
	assert_int_equal(search_parts(SEARCH_PART + tail), 2);
	assert_int_equal(search_parts(2 * SEARCH_PART), 2);
	assert_int_equal(search_parts(40010), 5);
	assert_int_equal(search_parts(4 * SEARCH_PART + tail - 1), 4);
	assert_int_equal(search_part_docs(1, 0), 1);
	assert_int_equal(search_part_docs(1, 1), 0);
	assert_int_equal(search_part_docs(SEARCH_PART + 1, 0), SEARCH_PART + 1);
	assert_int_equal(search_part_docs(SEARCH_PART + 1, 1), 0);
	assert_int_equal(search_part_docs(SEARCH_PART + tail, 0), SEARCH_PART);
	assert_int_equal(search_part_docs(SEARCH_PART + tail, 1), tail);
	assert_int_equal(search_part_docs(40010, 3), SEARCH_PART);
	assert_int_equal(search_part_docs(40010, 4), 40010 - 4 * SEARCH_PART);
	assert_int_equal(search_part_docs(40010, 5), 0);
	/* Where a place falls: the part of its number, or the last. */
	assert_int_equal(search_part_at(0, 0), 0);
	assert_int_equal(search_part_at(SEARCH_PART + 1, SEARCH_PART), 0);
	assert_int_equal(search_part_at(SEARCH_PART + 1, SEARCH_PART + 1), 0);
	assert_int_equal(search_part_at(SEARCH_PART + tail, SEARCH_PART - 1),
			 0);
	assert_int_equal(search_part_at(SEARCH_PART + tail, SEARCH_PART), 1);
	assert_int_equal(search_part_at(40010, 40010), 4);
	/* Every message in one part, once; every part but the last full,
	 * the last at least a quarter of one, at most 1.25 parts; and a
	 * place is in the part search_part_at() says. */
	for (size_t n = 0; n < 3 * SEARCH_PART; n += 97) {
		size_t sum = 0;
		unsigned parts = search_parts(n);

		for (unsigned k = 0; k < parts; k++) {
			size_t docs = search_part_docs(n, k);

			if (k + 1 < parts)
				assert_int_equal(docs, SEARCH_PART);
			else if (k > 0)
				assert_true(docs >= tail &&
					    docs < SEARCH_PART + tail);
			for (size_t at = sum; at < sum + docs; at += 61)
				assert_int_equal(search_part_at(n, at), k);
			assert_int_equal(search_part_at(n, sum + docs - 1), k);
			sum += docs;
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
