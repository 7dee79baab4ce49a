/* lib/uidset: the range set against a plain bitmap, over random adds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uidset.h"

#define SPAN 600

/* The set's invariants, and that it holds exactly what bits says. */
static void
check(const struct uidset *s, const unsigned char *bits, uint32_t base)
{
	size_t count = 0;

	for (size_t i = 0; i < s->n; i++) {
		assert_true(s->r[i].lo <= s->r[i].hi);
		/* Ascending, and never touching: always joined. */
		if (i > 0)
			assert_true(s->r[i - 1].hi + 1 < s->r[i].lo);
		count += (size_t)(s->r[i].hi - s->r[i].lo) + 1;
	}
	assert_int_equal(count, s->count);
	count = 0;
	for (uint32_t u = 0; u < SPAN; u++) {
		assert_int_equal(uidset_has(s, base + u), bits[u] != 0);
		count += bits[u] != 0;
	}
	assert_int_equal(count, s->count);
}

/* Random ranges in any order, near 0, in the middle and at UINT32_MAX. */
static void
test_adds_match_a_bitmap(void **state)
{
	static const uint32_t bases[] = {0, 1000000, UINT32_MAX - SPAN + 1};

	(void)state;
	srand(7);
	for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
		for (int round = 0; round < 50; round++) {
			unsigned char bits[SPAN] = {0};
			struct uidset s = {0};

			for (int k = 0; k < 40; k++) {
				uint32_t lo = (uint32_t)rand() % SPAN;
				uint32_t len = (uint32_t)rand() % 8;
				uint32_t hi =
				    lo + len < SPAN ? lo + len : SPAN - 1;

				assert_int_equal(
				    uidset_add_range(&s, bases[b] + lo,
						     bases[b] + hi),
				    MA_OK);
				memset(bits + lo, 1, hi - lo + 1);
				check(&s, bits, bases[b]);
			}
			uidset_free(&s);
		}
	}
}

/* A million UIDs in order, less every 1000th: a thousand ranges, not a
 * million entries. */
static void
test_a_folder_is_a_few_ranges(void **state)
{
	struct uidset s = {0};

	(void)state;
	for (uint32_t u = 1; u <= 1000000; u++)
		if (u % 1000 != 0)
			assert_int_equal(uidset_add(&s, u), MA_OK);
	assert_int_equal(s.n, 1000);
	assert_int_equal(s.count, 999000);
	assert_true(uidset_has(&s, 999));
	assert_false(uidset_has(&s, 1000));
	assert_true(uidset_has(&s, 1001));
	uidset_free(&s);
}

static void
test_keep_is_the_intersection(void **state)
{
	(void)state;
	srand(11);
	for (int round = 0; round < 200; round++) {
		unsigned char a[SPAN] = {0}, b[SPAN] = {0}, both[SPAN];
		struct uidset s = {0}, t = {0};

		for (int k = 0; k < 30; k++) {
			uint32_t lo = (uint32_t)rand() % SPAN;
			uint32_t hi = lo + (uint32_t)rand() % 20;

			hi = hi < SPAN ? hi : SPAN - 1;
			if (k % 2) {
				assert_int_equal(uidset_add_range(&s, lo, hi),
						 MA_OK);
				memset(a + lo, 1, hi - lo + 1);
			} else {
				assert_int_equal(uidset_add_range(&t, lo, hi),
						 MA_OK);
				memset(b + lo, 1, hi - lo + 1);
			}
		}
		for (int u = 0; u < SPAN; u++)
			both[u] = a[u] && b[u];
		assert_int_equal(uidset_keep(&s, &t), MA_OK);
		check(&s, both, 0);
		check(&t, b, 0);
		uidset_free(&s);
		uidset_free(&t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_adds_match_a_bitmap),
	    cmocka_unit_test(test_a_folder_is_a_few_ranges),
	    cmocka_unit_test(test_keep_is_the_intersection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
