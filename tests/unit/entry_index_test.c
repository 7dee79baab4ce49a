/*
 * The entries by Message-ID (lib/render/entry_index.c): an open
 * addressing table of entry numbers with a byte of each hash beside
 * them. Thousands of Message-IDs, many sharing a tag byte and long
 * prefixes, put while the table grows and after room was made at once,
 * each found as itself; taken out one in three (the entries after each
 * moved back, with their tags) and put again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testutil.inc"

#include "render/render_int.h"

#define N 30000

static char ids[N][64];

static struct entry *
nth(struct run *r, size_t i)
{
	struct entry *block = r->blocks->pdata[i / ENTRY_BLOCK];

	return &block[i % ENTRY_BLOCK];
}

static void
all_found(struct run *r, size_t n, size_t gone_every)
{
	for (size_t i = 0; i < n; i++) {
		bool gone = gone_every > 0 && i % gone_every == 0;

		assert_ptr_equal(entry_find(r, ids[i]),
				 gone ? NULL : nth(r, i));
	}
	assert_null(entry_find(r, "not-there@example.org"));
}

static void
test_entries_are_found_by_message_id(void **state)
{
	struct run r;
	size_t gone = 0;

	(void)state;
	memset(&r, 0, sizeof r);
	r.blocks = g_ptr_array_new_with_free_func(free);
	assert_int_equal(entry_index_new(&r), MA_OK);
	assert_null(entry_find(&r, "none@example.org"));
	for (size_t i = 0; i < N; i++) {
		if (i % ENTRY_BLOCK == 0)
			g_ptr_array_add(r.blocks, calloc(ENTRY_BLOCK,
							 sizeof(struct entry)));
		snprintf(ids[i], sizeof ids[i],
			 "20240101.%zu.same-long-prefix@lists.example.org",
			 i * 7919 % 100003);
		nth(&r, i)->msgid = ids[i];
		/* Half grown a step at a time, then room for the rest. */
		if (i == N / 2)
			assert_int_equal(entry_index_reserve(&r, N - i), MA_OK);
		assert_int_equal(entry_index_put(&r, nth(&r, i), i), MA_OK);
	}
	assert_int_equal(entries_indexed(&r), N);
	all_found(&r, N, 0);
	for (size_t i = 0; i < N; i += 3, gone++)
		entry_forget(&r, nth(&r, i));
	assert_int_equal(entries_indexed(&r), N - gone);
	all_found(&r, N, 3);
	for (size_t i = 0; i < N; i += 3)
		assert_int_equal(entry_index_put(&r, nth(&r, i), i), MA_OK);
	all_found(&r, N, 0);
	entry_index_free(&r);
	g_ptr_array_free(r.blocks, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries_are_found_by_message_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
