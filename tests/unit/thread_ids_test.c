/*
 * The thread ids a run keeps (lib/render/thread_ids.c): records packed
 * in 64 KiB blocks and found by 4-byte handles. Ids over several blocks
 * each kept once, their NAMEs set, read back through an entry
 * (entry_tname()) and forgotten.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "testutil.inc"

#include "render/render_int.h"

#define N 12000 /* 25 bytes each: five blocks */

static void
id_of(size_t i, char out[SITENAME_THREAD_MAX])
{
	snprintf(out, SITENAME_THREAD_MAX, "%016zx", i * 2654435761u);
}

static void
test_thread_ids_kept_once_with_names(void **state)
{
	static const char *kept[N];
	struct run r;
	char id[SITENAME_THREAD_MAX];
	struct entry e;

	(void)state;
	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < N; i++) {
		id_of(i, id);
		kept[i] = thread_id_keep(&r, id);
		assert_string_equal(kept[i], id);
	}
	for (size_t i = 0; i < N; i++) {
		id_of(i, id);
		/* The same copy again; no NAME yet. */
		assert_ptr_equal(thread_id_keep(&r, id), kept[i]);
		assert_null(thread_name_of(&r, id));
		if (i % 2 == 0)
			thread_name_set(&r, id, kept[(i + 1) % N]);
	}
	thread_name_set(&r, "not-kept", "x"); /* nothing */
	assert_null(thread_name_of(&r, "not-kept"));
	for (size_t i = 0; i < N; i++) {
		const char *want = i % 2 == 0 ? kept[(i + 1) % N] : NULL;

		id_of(i, id);
		assert_ptr_equal(thread_name_of(&r, id), want);
		memset(&e, 0, sizeof e);
		e.thread = (char *)kept[i];
		assert_ptr_equal(entry_tname(&e), want);
		e.noname = true;
		assert_null(entry_tname(&e));
	}
	thread_names_forget(&r);
	for (size_t i = 0; i < N; i += 97) {
		id_of(i, id);
		assert_null(thread_name_of(&r, id));
	}
	thread_ids_free(&r);
	assert_null(r.tids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_thread_ids_kept_once_with_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
