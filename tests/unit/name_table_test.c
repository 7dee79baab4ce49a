/*
 * The table of thread NAMEs (lib/render/name_table.c): every NAME found
 * with its root and target after many are recorded and some retired (a
 * removal shifts the records after it back, so that none is lost), the
 * sorted list, and what the table holds a NAME (a full run holds one
 * per thread the site ever published).
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "testutil.inc"

#include "render/render_int.h"

#define N 20000

static void
run_open(struct run *r)
{
	memset(r, 0, sizeof *r);
	r->names = name_table_new();
	r->names_gone = g_ptr_array_new();
}

static void
run_close(struct run *r)
{
	g_ptr_array_free(r->names_gone, TRUE);
	name_table_free(r->names);
}

/* The i-th NAME, about as long as a generated Message-ID. */
static void
name_of(size_t i, char out[64])
{
	snprintf(out, 64, "msg-%zu-%08zx@lists.example.org", i,
		 (i * 2654435761u) & 0xffffffffu);
}

static void
test_names_found_after_retiring(void **state)
{
	struct run r;
	char name[64], root[80];

	(void)state;
	run_open(&r);
	for (size_t i = 0; i < N; i++) {
		name_of(i, name);
		/* Every third has another root, every fifth a target. */
		snprintf(root, sizeof root, "<%s>", name);
		assert_int_equal(tname_record(&r, name,
					      i % 3 == 0 ? root : name,
					      i % 5 == 0 ? "-" : name),
				 MA_OK);
	}
	assert_int_equal(names_count(&r), N);
	/* Recorded again: one record, the new one. */
	name_of(7, name);
	assert_int_equal(tname_record(&r, name, name, "other"), MA_OK);
	assert_int_equal(names_count(&r), N);
	assert_string_equal(tname_target(&r, names_get(&r, name)), "other");
	/* A target set later, then again (and one taken out after). */
	name_of(8, name);
	assert_int_equal(tname_set_target(&r, names_get(&r, name), "later-1"),
			 MA_OK);
	assert_int_equal(tname_set_target(&r, names_get(&r, name), "later-2"),
			 MA_OK);
	assert_string_equal(tname_target(&r, names_get(&r, name)), "later-2");
	assert_string_equal(tname_root(names_get(&r, name)), name);
	/* Retire every seventh (and one that is not there). */
	for (size_t i = 0; i < N; i += 7) {
		name_of(i, name);
		names_retire(&r, name);
	}
	names_retire(&r, "not-there@example.org");
	for (size_t i = 0; i < N; i++) {
		const struct tname *t;

		name_of(i, name);
		t = names_get(&r, name);
		if (i % 7 == 0) {
			assert_null(t);
			continue;
		}
		assert_non_null(t);
		assert_string_equal(t->name, name);
		snprintf(root, sizeof root, "<%s>", name);
		assert_string_equal(tname_root(t), i % 3 == 0 ? root : name);
		assert_string_equal(tname_target(&r, t), i == 7	  ? "other"
							 : i == 8 ? "later-2"
							 : i % 5 == 0 ? "-"
								      : name);
	}
	assert_int_equal(names_count(&r), N - (N + 6) / 7);
	run_close(&r);
}

static void
test_names_sorted(void **state)
{
	struct run r;
	char name[64];
	GPtrArray *a;

	(void)state;
	run_open(&r);
	for (size_t i = 0; i < 1000; i++) {
		name_of(999 - i, name);
		assert_int_equal(tname_record(&r, name, name, name), MA_OK);
	}
	a = names_sorted(&r);
	assert_int_equal(a->len, 1000);
	for (guint i = 1; i < a->len; i++)
		assert_true(strcmp(a->pdata[i - 1], a->pdata[i]) < 0);
	g_ptr_array_free(a, TRUE);
	run_close(&r);
}

/* glib's hash table of malloc'd records held some 113 bytes a NAME of
 * this length (an 80-byte allocation with its header, 20 bytes a slot
 * 0.6 full); records of three pointers and the bytes, 8-aligned, about
 * 78; a flags byte and the bytes, about 52 with 8-byte slots, under 48
 * (about 45) with 4-byte handles. */
static void
test_names_bytes(void **state)
{
	struct run r;
	char name[64];
	size_t per;

	(void)state;
	run_open(&r);
	for (size_t i = 0; i < N; i++) {
		name_of(i, name);
		assert_int_equal(tname_record(&r, name, name, name), MA_OK);
	}
	per = names_bytes(&r) / N;
	print_message("names: %zu bytes a NAME\n", per);
	assert_true(per > 40);
	assert_true(per < 48);
	run_close(&r);
}

/* Records of more than a quarter block (a root of 40,000 bytes) have
 * blocks of their own, found by their handles between small ones. */
static void
test_names_big_records(void **state)
{
	struct run r;
	char name[64];
	char *root = malloc(40001);

	(void)state;
	assert_non_null(root);
	memset(root, 'x', 40000);
	root[40000] = '\0';
	run_open(&r);
	for (size_t i = 0; i < 3000; i++) {
		name_of(i, name);
		assert_int_equal(
		    tname_record(&r, name, i % 500 == 0 ? root : name, name),
		    MA_OK);
	}
	for (size_t i = 0; i < 3000; i++) {
		const struct tname *t;

		name_of(i, name);
		t = names_get(&r, name);
		assert_non_null(t);
		assert_string_equal(t->name, name);
		assert_string_equal(tname_root(t), i % 500 == 0 ? root : name);
		assert_string_equal(tname_target(&r, t), name);
	}
	name_of(500, name);
	names_retire(&r, name);
	assert_null(names_get(&r, name));
	assert_int_equal(names_count(&r), 2999);
	run_close(&r);
	free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_found_after_retiring),
	    cmocka_unit_test(test_names_sorted),
	    cmocka_unit_test(test_names_bytes),
	    cmocka_unit_test(test_names_big_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
