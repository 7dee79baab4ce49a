#include "testutil.h"
#include "testutil.inc"

#include <stdio.h>
#include <string.h>

#include "buf.h"

/* buf_addf() formats into the room the buffer has when the text fits,
 * and grows it when not: every length around the capacity gives the
 * same text as snprintf(). */
static void
test_addf_across_capacity_matches_snprintf(void **state)
{
	char want[8192], piece[64];
	size_t wlen = 0;
	struct buf b;

	(void)state;
	buf_init(&b, sizeof want);
	for (int i = 0; i < 300; i++) {
		int n = snprintf(piece, sizeof piece, "<%d:%.*s>", i, i % 23,
				 "abcdefghijklmnopqrstuvwxyz");

		assert_true(n > 0 && (size_t)n < sizeof piece);
		assert_true(wlen + (size_t)n < sizeof want);
		memcpy(want + wlen, piece, (size_t)n + 1);
		wlen += (size_t)n;
		assert_int_equal(buf_addf(&b, "<%d:%.*s>", i, i % 23,
					  "abcdefghijklmnopqrstuvwxyz"),
				 MA_OK);
		assert_int_equal(b.len, wlen);
		assert_string_equal(buf_cstr(&b), want);
		assert_true(b.cap > b.len);
	}
	buf_release(&b);
}

/* A text that would pass the maximum is refused whole, even where it
 * would have fit the room already allocated: the buffer keeps what it
 * held, terminated. */
static void
test_addf_past_max_in_room_keeps_contents(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 20);
	assert_int_equal(buf_adds(&b, "0123456789"), MA_OK);
	assert_true(b.cap >= 64); /* room for what follows */
	assert_int_equal(buf_addf(&b, "%s", "x"), MA_OK);
	assert_int_equal(buf_addf(&b, "%010d", 7), MA_ETOOBIG);
	assert_int_equal(b.len, 11);
	assert_string_equal(buf_cstr(&b), "0123456789x");
	assert_int_equal(buf_addf(&b, "%s", ""), MA_OK);
	assert_string_equal(buf_cstr(&b), "0123456789x");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_addf_across_capacity_matches_snprintf),
	    cmocka_unit_test(test_addf_past_max_in_room_keeps_contents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
