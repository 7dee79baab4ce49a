#include "testutil.h"
#include "testutil.inc"

#include "buf.h"
#include "hash.h"
#include "hex.h"

static void
test_array_grow_doubles_from_first(void **state)
{
	size_t cap = 0;
	int *v = NULL, *nv;

	(void)state;
	for (size_t n = 0; n < 100; n++) {
		if (n == cap) {
			nv = array_grow(v, &cap, n, sizeof *v, 4);
			assert_non_null(nv);
			v = nv;
		}
		v[n] = (int)n;
	}
	assert_int_equal(cap, 128);
	for (size_t n = 0; n < 100; n++)
		assert_int_equal(v[n], (int)n);
	free(v);
}

static void
test_array_grow_refuses_overflow_and_keeps_array(void **state)
{
	size_t cap = 4;
	char *v = malloc(4), *nv;

	(void)state;
	assert_non_null(v);
	/* An element size so large that doubling would pass the cap. */
	nv = array_grow(v, &cap, 4, ARRAY_BYTES_MAX / 6, 1);
	assert_null(nv);
	assert_int_equal(cap, 4);
	nv = array_grow(v, &cap, 4, SIZE_MAX / 2, 1);
	assert_null(nv);
	assert_int_equal(cap, 4);
	/* Room left: the same array back. */
	assert_ptr_equal(array_grow(v, &cap, 3, 1, 1), v);
	free(v);
}

static void
test_hex_and_tagged_sha256(void **state)
{
	static const unsigned char d[] = {0x00, 0x0f, 0xa5, 0xff};
	char hex[9], tag[HASH_TAGGED_LEN + 1];

	(void)state;
	hex_encode(d, sizeof d, hex);
	assert_string_equal(hex, "000fa5ff");
	hash_sha256_tagged("abc", 3, tag);
	assert_string_equal(tag, "sha256:ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_array_grow_doubles_from_first),
	    cmocka_unit_test(test_array_grow_refuses_overflow_and_keeps_array),
	    cmocka_unit_test(test_hex_and_tagged_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
