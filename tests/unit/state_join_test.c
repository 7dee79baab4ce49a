/*
 * The POP3 listing joined with the UIDLs taken (#16): whole UIDLs are
 * compared (one that begins another is not it), a UIDL listed twice is
 * taken twice, the taken ones the server no longer lists are forgotten,
 * empty listings and states work, an older unsorted state file and the
 * journal join as the sorted file does, and memory holds none of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "extsort.h"
#include "log.h"
#include "path.h"
#include "state.h"

struct fx {
	char dir[64];
	char *path;
};

static int
setup(void **ctx)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/state_join_test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->path = path_fmt("%s/a.state", f->dir);
	*ctx = f;
	return 0;
}

static int
teardown(void **ctx)
{
	struct fx *f = *ctx;

	path_rm_rf(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static struct fetch_state *
load(struct fx *f)
{
	struct fetch_state *st = NULL;

	assert_int_equal(state_load(f->path, &st), MA_OK);
	/* Small runs: the joins below go through merges. */
	st->run_records = 3;
	return st;
}

static void
mark(void *arg, uint32_t pos)
{
	((unsigned char *)arg)[pos]++;
}

/* Join the listing uidls[0..n) (positions i) with st; marks in m. */
static void
join(struct fetch_state *st, const char *const *uidls, size_t n,
     unsigned char *m)
{
	struct extsort *x;

	memset(m, 0, n + 1);
	assert_int_equal(extsort_new(st->dir, st->prefix, 2, &x), MA_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(
		    extsort_add(x, uidls[i], strlen(uidls[i]), (uint32_t)i),
		    MA_OK);
	assert_int_equal(extsort_finish(x), MA_OK);
	assert_int_equal(state_keep_sorted(st, x, mark, m), MA_OK);
	extsort_free(x);
}

static void
take_all(struct fx *f, const char *const *uidls, size_t n)
{
	struct fetch_state *st = load(f);

	for (size_t i = 0; i < n; i++)
		assert_int_equal(state_add_uidl(st, uidls[i]), MA_OK);
	assert_int_equal(state_save(st, f->path), MA_OK);
	state_free(st);
}

static void
test_whole_uidls_and_repeats(void **ctx)
{
	struct fx *f = *ctx;
	const char *taken[] = {"abc", "abd", "x", "dup", "gone"};
	/* "ab" and "abcd" begin or extend a taken one: new. "dup" twice
	 * (a server's collision): both taken. */
	const char *listed[] = {"ab", "abc", "abcd", "dup", "x", "dup", "new"};
	unsigned char m[8];
	struct fetch_state *st;

	take_all(f, taken, 5);
	st = load(f);
	join(st, listed, 7, m);
	assert_int_equal(m[0], 0);
	assert_int_equal(m[1], 1);
	assert_int_equal(m[2], 0);
	assert_int_equal(m[3], 1);
	assert_int_equal(m[4], 1);
	assert_int_equal(m[5], 1);
	assert_int_equal(m[6], 0);
	/* "abd" and "gone" are forgotten, the rest kept once. */
	assert_int_equal(state_count_uidls(st), 3);
	assert_false(state_has_uidl(st, "gone"));
	assert_true(state_has_uidl(st, "dup"));
	assert_int_equal(state_save(st, f->path), MA_OK);
	state_free(st);
	st = load(f);
	assert_int_equal(state_count_uidls(st), 3);
	assert_true(state_has_uidl(st, "abc"));
	assert_false(state_has_uidl(st, "abd"));
	state_free(st);
}

static void
test_empty_listing_and_empty_state(void **ctx)
{
	struct fx *f = *ctx;
	const char *taken[] = {"a", "b"};
	const char *listed[] = {"a", "c"};
	unsigned char m[4];
	struct fetch_state *st;

	/* No state at all: nothing is taken. */
	st = load(f);
	join(st, listed, 2, m);
	assert_int_equal(m[0] + m[1], 0);
	assert_int_equal(state_count_uidls(st), 0);
	state_free(st);
	/* An empty maildrop: everything is forgotten. */
	take_all(f, taken, 2);
	st = load(f);
	join(st, listed, 0, m);
	assert_int_equal(state_count_uidls(st), 0);
	state_free(st);
}

static void
test_nothing_dropped_keeps_the_file_as_base(void **ctx)
{
	struct fx *f = *ctx;
	const char *taken[] = {"a", "b", "c"};
	const char *listed[] = {"c", "a", "b", "d"};
	unsigned char m[5];
	struct fetch_state *st;

	take_all(f, taken, 3);
	st = load(f);
	join(st, listed, 4, m);
	assert_int_equal(m[0] + m[1] + m[2], 3);
	assert_int_equal(m[3], 0);
	assert_true(st->base_main);
	assert_null(st->base);
	state_free(st);
}

static void
test_old_unsorted_file_and_journal_join_the_same(void **ctx)
{
	struct fx *f = *ctx;
	const char *listed[] = {"m", "a", "zz", "q", "b"};
	unsigned char m[6];
	struct fetch_state *st;
	const char *text = "mailarc-fetch-state 1\n"
			   "last_run 0\nlast_success 0\nlast_count 0\n"
			   "uidl zz\nuidl a\nuidl m\nuidl a\nuidl y\n";

	/* A file older than #16: no journal line, UIDLs in any order. */
	assert_int_equal(
	    path_write_file_atomic(f->path, text, strlen(text), 0600), MA_OK);
	st = load(f);
	assert_false(st->base_main);
	assert_non_null(st->base);
	assert_int_equal(state_count_uidls(st), 4);
	/* A batch in the journal. */
	assert_int_equal(state_save(st, f->path), MA_OK);
	assert_int_equal(state_add_uidl(st, "q"), MA_OK);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	state_free(st);
	st = load(f);
	assert_true(st->base_main);
	join(st, listed, 5, m);
	assert_int_equal(m[0], 1); /* m */
	assert_int_equal(m[1], 1); /* a */
	assert_int_equal(m[2], 1); /* zz */
	assert_int_equal(m[3], 1); /* q, from the journal */
	assert_int_equal(m[4], 0); /* b */
	/* y is forgotten. */
	assert_int_equal(state_count_uidls(st), 4);
	state_free(st);
}

static void
test_old_unsorted_file_joins_with_drops_between_kept_ones(void **ctx)
{
	struct fx *f = *ctx;
	enum { N = 5000 };
	char **listed = calloc(N, sizeof *listed);
	unsigned char *m = calloc(N + 1, 1);
	struct fetch_state *st;
	FILE *fp;
	size_t n = 0;

	assert_non_null(listed);
	assert_non_null(m);
	/* An older file, out of order: read from its sorted copy (a
	 * temporary file larger than a read buffer). The server lists all
	 * but every 1,000th. */
	assert_non_null(fp = fopen(f->path, "w"));
	fprintf(fp, "mailarc-fetch-state 1\nlast_run 0\nlast_success 0\n"
		    "last_count 0\n");
	for (int i = N - 1; i >= 0; i--) {
		fprintf(fp, "uidl uidl-%06d-%s\n", i, "padding-padding");
		if (i % 1000 != 500)
			listed[n++] =
			    path_fmt("uidl-%06d-%s", i, "padding-padding");
	}
	assert_int_equal(fclose(fp), 0);
	st = load(f);
	assert_non_null(st->base);
	join(st, (const char *const *)listed, n, m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(m[i], 1);
	assert_int_equal(state_count_uidls(st), n);
	assert_false(state_has_uidl(st, "uidl-001500-padding-padding"));
	assert_true(state_has_uidl(st, "uidl-001501-padding-padding"));
	state_free(st);
	for (size_t i = 0; i < n; i++)
		free(listed[i]);
	free(listed);
	free(m);
}

static void
test_a_big_state_joins_through_runs(void **ctx)
{
	struct fx *f = *ctx;
	enum { N = 3000 };
	char **uidls = calloc(N, sizeof *uidls);
	unsigned char *m = calloc(N + 1, 1);
	struct fetch_state *st;

	assert_non_null(uidls);
	assert_non_null(m);
	st = load(f);
	for (int i = 0; i < N; i++) {
		uidls[i] = path_fmt("%08X", (unsigned)(i * 2654435761u));
		/* The even ones are taken. */
		if (i % 2 == 0)
			assert_int_equal(state_add_uidl(st, uidls[i]), MA_OK);
	}
	assert_int_equal(state_save(st, f->path), MA_OK);
	state_free(st);
	st = load(f);
	join(st, (const char *const *)uidls, N, m);
	for (int i = 0; i < N; i++)
		assert_int_equal(m[i], i % 2 == 0);
	assert_int_equal(state_count_uidls(st), N / 2);
	state_free(st);
	for (int i = 0; i < N; i++)
		free(uidls[i]);
	free(uidls);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_whole_uidls_and_repeats, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_empty_listing_and_empty_state,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_nothing_dropped_keeps_the_file_as_base, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_old_unsorted_file_and_journal_join_the_same, setup,
		teardown),
	    cmocka_unit_test_setup_teardown(
		test_old_unsorted_file_joins_with_drops_between_kept_ones,
		setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_big_state_joins_through_runs,
					    setup, teardown),
	};

	log_init("state_join_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
