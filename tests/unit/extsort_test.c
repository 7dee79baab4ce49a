/*
 * The external sort behind the POP3 fetch state (#16): records in temp
 * files read back whole; sorts through one run or through many with
 * merge passes give qsort's order; duplicates are kept; keys that begin
 * one another sort as strcmp does; nothing in, nothing out; a run cut
 * short is an error, never a shorter list; leftovers are cleaned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "extsort.h"
#include "log.h"
#include "path.h"

struct fx {
	char dir[64];
};

static int
setup(void **ctx)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/extsort_test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*ctx = f;
	return 0;
}

static int
teardown(void **ctx)
{
	struct fx *f = *ctx;
	char *cmd = path_fmt("rm -rf '%s'", f->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

/* How many entries the folder holds (temp files must leave none). */
static int
entries(const char *dir)
{
	char *cmd = path_fmt("test $(ls -A '%s' | wc -l) -eq 0", dir);
	int r = system(cmd);

	free(cmd);
	return r == 0 ? 0 : 1;
}

struct rec {
	char key[24];
	uint32_t val;
};

static int
rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (x->val > y->val) - (x->val < y->val);
}

/* Sort n pseudo-random records with runs of run records; compare. */
static void
sort_and_check(struct fx *f, size_t n, size_t run, size_t *runsp)
{
	struct rec *want = calloc(n + 1, sizeof *want);
	struct extsort *x;
	unsigned seed = 7;

	assert_non_null(want);
	assert_int_equal(extsort_new(f->dir, "t.sort", run, &x), MA_OK);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		/* Few distinct keys, of several lengths: repeats and keys
		 * that begin others. */
		snprintf(want[i].key, sizeof want[i].key, "%.*s%u",
			 (int)((seed >> 8) % 4), "uuuu", (seed >> 12) % 97);
		want[i].val = (seed >> 4) % 5;
		assert_int_equal(extsort_add(x, want[i].key,
					     strlen(want[i].key), want[i].val),
				 MA_OK);
	}
	assert_int_equal(extsort_finish(x), MA_OK);
	*runsp = extsort_runs(x);
	qsort(want, n, sizeof *want, rec_cmp);
	for (size_t i = 0;; i++) {
		const char *k;
		size_t len;
		uint32_t v;
		bool end;

		assert_int_equal(extsort_next(x, &k, &len, &v, &end), MA_OK);
		if (end) {
			assert_int_equal(i, n);
			break;
		}
		assert_true(i < n);
		assert_int_equal(len, strlen(want[i].key));
		assert_memory_equal(k, want[i].key, len);
		assert_int_equal(v, want[i].val);
	}
	extsort_free(x);
	free(want);
	assert_int_equal(entries(f->dir), 0);
}

static void
test_one_run_stays_in_memory(void **ctx)
{
	size_t runs;

	sort_and_check(*ctx, 500, 0, &runs);
	assert_int_equal(runs, 0);
}

static void
test_many_runs_merge_in_passes(void **ctx)
{
	size_t runs;

	/* 700 runs of 3: passes of 16 until 16 or fewer are left. */
	sort_and_check(*ctx, 2100, 3, &runs);
	assert_true(runs >= 1 && runs <= EXTSORT_FANIN);
	sort_and_check(*ctx, 160, 10, &runs);
	assert_int_equal(runs, 16);
	sort_and_check(*ctx, 170, 10, &runs);
	assert_true(runs >= 1 && runs <= EXTSORT_FANIN);
}

static void
test_keys_that_begin_others_sort_as_strcmp(void **ctx)
{
	struct fx *f = *ctx;
	const char *in[] = {"ab", "a", "a!", "abc", "b", "a", "A", "~"};
	const char *out[] = {"A", "a", "a", "a!", "ab", "abc", "b", "~"};
	struct extsort *x;

	assert_int_equal(extsort_new(f->dir, "t.sort", 2, &x), MA_OK);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(extsort_add(x, in[i], strlen(in[i]), 0),
				 MA_OK);
	assert_int_equal(extsort_finish(x), MA_OK);
	assert_true(extsort_runs(x) > 1);
	for (size_t i = 0; i < 8; i++) {
		const char *k;
		size_t len;
		uint32_t v;
		bool end;

		assert_int_equal(extsort_next(x, &k, &len, &v, &end), MA_OK);
		assert_false(end);
		assert_int_equal(len, strlen(out[i]));
		assert_memory_equal(k, out[i], len);
	}
	extsort_free(x);
	assert_true(extsort_keycmp("a", 1, "a!", 2) < 0);
	assert_true(extsort_keycmp("a!", 2, "a", 1) > 0);
	assert_int_equal(extsort_keycmp("ab", 2, "ab", 2), 0);
}

static void
test_nothing_in_nothing_out(void **ctx)
{
	struct fx *f = *ctx;
	struct extsort *x;
	const char *k;
	size_t len;
	uint32_t v;
	bool end = false;

	assert_int_equal(extsort_new(f->dir, "t.sort", 0, &x), MA_OK);
	assert_int_equal(extsort_finish(x), MA_OK);
	assert_int_equal(extsort_next(x, &k, &len, &v, &end), MA_OK);
	assert_true(end);
	extsort_free(x);
}

static void
test_bad_keys_are_refused(void **ctx)
{
	struct fx *f = *ctx;
	struct extsort *x;
	char big[EXTSORT_KEY_MAX + 1];

	memset(big, 'x', sizeof big);
	assert_int_equal(extsort_new(f->dir, "t.sort", 0, &x), MA_OK);
	assert_int_equal(extsort_add(x, "", 0, 0), MA_EDATA);
	assert_int_equal(extsort_add(x, "a\0b", 3, 0), MA_EDATA);
	assert_int_equal(extsort_add(x, big, sizeof big, 0), MA_EDATA);
	assert_int_equal(extsort_add(x, big, sizeof big - 1, 0), MA_OK);
	extsort_free(x);
}

static void
test_recfile_reads_back_in_order_twice(void **ctx)
{
	struct fx *f = *ctx;
	struct recfile *rf;
	char key[32];

	assert_int_equal(recfile_open(f->dir, "t.sort", &rf), MA_OK);
	/* More than one buffer's worth. */
	for (uint32_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "key-%u", 4999 - i);
		assert_int_equal(recfile_put(rf, key, strlen(key), i), MA_OK);
	}
	assert_int_equal(recfile_count(rf), 5000);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(recfile_rewind(rf), MA_OK);
		for (uint32_t i = 0;; i++) {
			const char *k;
			size_t len;
			uint32_t v;
			bool end;

			assert_int_equal(recfile_get(rf, &k, &len, &v, &end),
					 MA_OK);
			if (end) {
				assert_int_equal(i, 5000);
				break;
			}
			snprintf(key, sizeof key, "key-%u", 4999 - i);
			assert_int_equal(len, strlen(key));
			assert_memory_equal(k, key, len);
			assert_int_equal(v, i);
		}
	}
	/* Reading, it takes no more records. */
	assert_int_equal(recfile_put(rf, "x", 1, 0), MA_EDATA);
	recfile_free(rf);
	assert_int_equal(entries(f->dir), 0);
}

/* Read rf from the start: MA_OK and the count, or the error. */
static enum ma_status
drain(struct recfile *rf, size_t *gotp)
{
	enum ma_status st;

	*gotp = 0;
	if ((st = recfile_rewind(rf)) != MA_OK)
		return st;
	for (;;) {
		const char *k;
		size_t len;
		uint32_t v;
		bool end;

		if ((st = recfile_get(rf, &k, &len, &v, &end)) != MA_OK || end)
			return st;
		(*gotp)++;
	}
}

static void
test_a_torn_recfile_is_an_error(void **ctx)
{
	struct fx *f = *ctx;
	struct recfile *rf;
	struct stat sb;
	size_t got;

	assert_int_equal(recfile_open(f->dir, "t.sort", &rf), MA_OK);
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(recfile_put(rf, "0123456789", 10, i), MA_OK);
	assert_int_equal(drain(rf, &got), MA_OK);
	assert_int_equal(got, 3000);
	/* Each record is 16 bytes: cut one in the middle ... */
	assert_int_equal(fstat(recfile_fd(rf), &sb), 0);
	assert_int_equal(sb.st_size, 3000 * 16);
	assert_int_equal(ftruncate(recfile_fd(rf), 2000 * 16 + 7), 0);
	assert_int_equal(drain(rf, &got), MA_EIO);
	assert_int_equal(got, 2000);
	/* ... or between two: still short of the count. */
	assert_int_equal(ftruncate(recfile_fd(rf), 1000 * 16), 0);
	assert_int_equal(drain(rf, &got), MA_EIO);
	assert_int_equal(got, 1000);
	recfile_free(rf);
}

static void
test_a_torn_run_is_an_error(void **ctx)
{
	struct fx *f = *ctx;
	struct extsort *x;
	struct recfile *rf;
	enum ma_status st = MA_OK;
	char key[32];
	struct stat sb;
	size_t got = 0;

	/* Runs of 5,000 records, larger than a read buffer: the merge has
	 * read only the start of each when the cut is made. */
	assert_int_equal(extsort_new(f->dir, "t.sort", 5000, &x), MA_OK);
	for (uint32_t i = 0; i < 20000; i++) {
		snprintf(key, sizeof key, "uidl-%05u", (i * 7919) % 20000);
		assert_int_equal(extsort_add(x, key, strlen(key), i), MA_OK);
	}
	assert_int_equal(extsort_finish(x), MA_OK);
	assert_int_equal(extsort_runs(x), 4);
	rf = extsort_run_file(x, 2);
	assert_non_null(rf);
	assert_int_equal(fstat(recfile_fd(rf), &sb), 0);
	assert_int_equal(ftruncate(recfile_fd(rf), sb.st_size / 2 + 1), 0);
	for (;;) {
		const char *k;
		size_t len;
		uint32_t v;
		bool end;

		st = extsort_next(x, &k, &len, &v, &end);
		if (st != MA_OK || end)
			break;
		got++;
	}
	assert_int_equal(st, MA_EIO);
	assert_true(got < 20000);
	extsort_free(x);
}

static void
test_clean_removes_the_prefix_only(void **ctx)
{
	struct fx *f = *ctx;
	char *a = path_fmt("%s/acct.state.sort.AbC123", f->dir);
	char *b = path_fmt("%s/acct.state", f->dir);
	char *c = path_fmt("%s/other.state.sort.XyZ789", f->dir);
	FILE *fp;

	for (char *p = a; p != NULL; p = p == a ? b : p == b ? c : NULL) {
		assert_non_null(fp = fopen(p, "w"));
		fclose(fp);
	}
	extsort_clean(f->dir, "acct.state.sort");
	assert_int_equal(access(a, F_OK), -1);
	assert_int_equal(access(b, F_OK), 0);
	assert_int_equal(access(c, F_OK), 0);
	unlink(b);
	unlink(c);
	free(a);
	free(b);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_one_run_stays_in_memory, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_many_runs_merge_in_passes,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_keys_that_begin_others_sort_as_strcmp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nothing_in_nothing_out, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_keys_are_refused, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_recfile_reads_back_in_order_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_torn_recfile_is_an_error,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_torn_run_is_an_error, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_clean_removes_the_prefix_only,
					    setup, teardown),
	};

	log_init("extsort_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
