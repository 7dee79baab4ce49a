/*
 * The fetch sink's batches: messages wait in tmp/ until a batch is made
 * durable, then move into new/ byte for byte, whatever their size and
 * however they were written; a full batch flushes by itself; what a killed
 * run left in tmp/ is removed by the next one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fetch_sink.h"
#include "log.h"
#include "path.h"
#include "state.h"
#include "testutil.h"
#include "testutil.inc"

#include "sink_fixture.inc"

/* The file at path holds exactly n bytes equal to p. */
static void
assert_file_is(const char *path, const char *p, size_t n)
{
	FILE *fp = fopen(path, "rb");
	char *got = malloc(n + 1);
	size_t k;

	assert_non_null(fp);
	assert_non_null(got);
	k = fread(got, 1, n + 1, fp);
	fclose(fp);
	assert_int_equal(k, n);
	assert_memory_equal(got, p, n);
	free(got);
}

/* A message of n bytes written in pieces of step bytes. */
static void
deliver_pieces(struct fixture *f, const char *p, size_t n, size_t step,
	       const char *uidl)
{
	assert_int_equal(fetch_sink_begin(&f->k), MA_OK);
	for (size_t i = 0; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;

		assert_int_equal(fetch_sink_write(&f->k, p + i, k), MA_OK);
	}
	assert_int_equal(fetch_sink_commit(&f->k, NULL, 0, uidl), MA_OK);
}

static char *
pattern(size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(i % 251 == 0 ? '\n' : 'a' + (char)(i % 23));
	return p;
}

static void
test_sizes_and_pieces_arrive_whole(void **ctx)
{
	struct fixture *f = *ctx;
	/* Empty, one byte, just under, at and over the one-write buffer,
	 * and 3 MB, in pieces from one byte to all at once. */
	static const size_t sizes[] = {
	    0, 1, (256u << 10) - 1, 256u << 10, (256u << 10) + 1, 3u << 20};
	static const size_t steps[] = {1, 7001, 16384, 1u << 30};
	char *big = pattern(3u << 20);
	int n = 0;

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (size_t j = 0; j < sizeof steps / sizeof steps[0]; j++) {
			char uidl[32];

			if (steps[j] == 1 && sizes[i] > 300000)
				continue;
			snprintf(uidl, sizeof uidl, "u%d", n++);
			deliver_pieces(f, big, sizes[i], steps[j], uidl);
			assert_int_equal(tu_count(f->new_dir), n - 1);
			assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
			assert_int_equal(tu_count(f->tmp_dir), 0);
			assert_int_equal(f->delivered, n);
			assert_file_is(f->last, big, sizes[i]);
		}
	}
	free(big);
}

static void
test_abort_after_a_spill_leaves_nothing(void **ctx)
{
	struct fixture *f = *ctx;
	char *big = pattern(1u << 20);

	assert_int_equal(fetch_sink_begin(&f->k), MA_OK);
	assert_int_equal(fetch_sink_write(&f->k, big, 1u << 20), MA_OK);
	/* Over the buffer: the file exists in tmp/ by now. */
	assert_int_equal(tu_count(f->tmp_dir), 1);
	fetch_sink_abort(&f->k);
	assert_int_equal(tu_count(f->tmp_dir), 0);
	/* A write without a message begun is refused. */
	assert_int_not_equal(fetch_sink_write(&f->k, "x", 1), MA_OK);
	assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
	assert_int_equal(tu_count(f->new_dir), 0);
	assert_int_equal(f->delivered, 0);
	free(big);
}

static void
test_a_full_batch_flushes_by_itself(void **ctx)
{
	struct fixture *f = *ctx;
	struct fetch_state *st;
	int n;

	/* Commit until a flush happens on its own: the batch is bounded. */
	for (n = 1; n <= 100000 && f->delivered == 0; n++) {
		char uidl[32];

		snprintf(uidl, sizeof uidl, "u%d", n);
		deliver_pieces(f, "Subject: x\r\n\r\n", 14, 14, uidl);
	}
	assert_true(f->delivered > 0);
	assert_int_equal(f->delivered, n - 1);
	assert_int_equal(tu_count(f->new_dir), n - 1);
	assert_int_equal(tu_count(f->tmp_dir), 0);
	assert_int_equal(state_load(f->state, &st), MA_OK);
	assert_true(state_has_uidl(st, "u1"));
	state_free(st);
}

static void
test_a_killed_runs_leftovers_are_removed(void **ctx)
{
	struct fixture *f = *ctx;
	struct fetch_state *st;
	struct fetch_sink killed;

	deliver_pieces(f, "a\r\n", 3, 3, "u1");
	deliver_pieces(f, "b\r\n", 3, 3, "u2");
	assert_int_equal(tu_count(f->tmp_dir), 2);
	/* As if killed here: nothing flushed, nothing closed. The files
	 * stay; the next run (under the same lock) removes them. */
	killed = f->k;
	open_sink(f);
	assert_int_equal(tu_count(f->tmp_dir), 0);
	assert_int_equal(tu_count(f->new_dir), 0);
	assert_false(state_has_uidl(f->k.st, "u1"));
	/* and fetches them again. */
	deliver_pieces(f, "a\r\n", 3, 3, "u1");
	assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
	assert_int_equal(tu_count(f->new_dir), 1);
	assert_int_equal(state_load(f->state, &st), MA_OK);
	assert_true(state_has_uidl(st, "u1"));
	assert_false(state_has_uidl(st, "u2"));
	state_free(st);
	fetch_sink_close(&killed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sizes_and_pieces_arrive_whole,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_abort_after_a_spill_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_full_batch_flushes_by_itself,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_a_killed_runs_leftovers_are_removed, setup, teardown),
	};

	log_init("fetch_batch_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
