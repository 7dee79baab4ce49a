#include "testutil.h"
#include "testutil.inc"

#include <string.h>

#include "hash.h"
#include "hex.h"
#include "utc.h"

static void
test_utc_format_is_rfc3339_and_zero_is_never(void **state)
{
	char buf[UTC_TIME_MAX];

	(void)state;
	assert_string_equal(utc_format(1767323045, buf, sizeof buf),
			    "2026-01-02T03:04:05Z");
	assert_null(utc_format(0, buf, sizeof buf));
	assert_string_equal(buf, "");
	/* Before 1970 is a time too. */
	assert_string_equal(utc_format(-1, buf, sizeof buf),
			    "1969-12-31T23:59:59Z");
	/* Too small: nothing partial. */
	assert_null(utc_format(1767323045, buf, 10));
	assert_string_equal(buf, "");
}

static void
test_streamed_hash_equals_one_shot(void **state)
{
	static const char text[] = "mailarc-identity-1\nfrom:a\n\nbody\n";
	char one[HASH_SHA256_HEX_LEN + 1], two[HASH_SHA256_HEX_LEN + 1];
	char sha1[41];
	struct hash *h;

	(void)state;
	assert_int_equal(hash_sha256_hex("abc", 3, one), MA_OK);
	assert_string_equal(one, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(hash_sha256_hex(text, sizeof text - 1, one), MA_OK);
	assert_non_null(h = hash_begin(HASH_SHA256));
	for (size_t i = 0; i < sizeof text - 1; i += 5)
		hash_update(h, text + i,
			    sizeof text - 1 - i < 5 ? sizeof text - 1 - i : 5);
	assert_int_equal(hash_end(h, two), MA_OK);
	assert_string_equal(one, two);
	assert_non_null(h = hash_begin(HASH_SHA1));
	hash_update(h, "abc", 3);
	assert_int_equal(hash_end(h, sha1), MA_OK);
	assert_string_equal(sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	hash_abort(NULL);
	assert_int_equal(hash_end(NULL, sha1), MA_ENOMEM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utc_format_is_rfc3339_and_zero_is_never),
	    cmocka_unit_test(test_streamed_hash_equals_one_shot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
