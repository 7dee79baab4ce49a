/*
 * The size of a fetch batch follows what is to come (#16): as few batches
 * as the cap allows, of equal size, since each costs a syncfs, an fsync of
 * new/ and a save of the state whatever its size; and the paths of a
 * batch are followed by one batch_done call, where mailarc-fetch flushes
 * its output once a batch rather than once a path.
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
#include "testutil.h"
#include "testutil.inc"

struct fixture {
	char *dir;
	char *incoming;
	char *state;
	struct fetch_sink k;
	long delivered;	  /* paths so far */
	long batches[16]; /* paths in each batch */
	int nbatches;
};

static void
note_delivered(const char *path, void *arg)
{
	struct fixture *f = arg;

	(void)path;
	f->delivered++;
}

static void
note_batch(void *arg)
{
	struct fixture *f = arg;
	long before = 0;

	for (int i = 0; i < f->nbatches; i++)
		before += f->batches[i];
	assert_true(f->nbatches < 16);
	f->batches[f->nbatches++] = f->delivered - before;
}

static int
setup(void **ctx)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->dir = tu_tmpdir();
	f->incoming = path_fmt("%s/incoming/.main", f->dir);
	f->state = path_fmt("%s/main.state", f->dir);
	assert_int_equal(path_mkdir_p(f->dir, 0700), MA_OK);
	assert_int_equal(
	    fetch_sink_open(&f->k, "account t/main", f->incoming, f->state),
	    MA_OK);
	f->k.delivered = note_delivered;
	f->k.batch_done = note_batch;
	f->k.arg = f;
	*ctx = f;
	return 0;
}

static int
teardown(void **ctx)
{
	struct fixture *f = *ctx;

	fetch_sink_close(&f->k);
	tu_rmdir(f->dir);
	free(f->incoming);
	free(f->state);
	free(f);
	return 0;
}

static void
test_batches_are_as_few_as_the_cap_allows_and_equal(void **ctx)
{
	(void)ctx;
	/* Up to the cap: one batch (2,000 were two before: 1,024 and
	 * 976). */
	assert_true(fetch_sink_batch_size(0) >= 4096);
	assert_true(fetch_sink_batch_size(1) >= 4096);
	assert_true(fetch_sink_batch_size(2000) >= 2000);
	assert_true(fetch_sink_batch_size(4096) >= 4096);
	/* Over it: equal batches (10,000 were ten before). */
	assert_int_equal(fetch_sink_batch_size(4097), 2049);
	assert_int_equal(fetch_sink_batch_size(5000), 2500);
	assert_int_equal(fetch_sink_batch_size(10000), 3334);
	assert_int_equal(fetch_sink_batch_size(100000), 4000);
}

/* One batch of n messages: n paths, then one batch_done. */
static void
test_a_batch_ends_with_one_batch_done(void **ctx)
{
	struct fixture *f = *ctx;
	const long n = 300;

	fetch_sink_start(&f->k, (size_t)n, (uint64_t)n * 14);
	for (long i = 1; i <= n; i++) {
		char uidl[32];

		snprintf(uidl, sizeof uidl, "u%ld", i);
		assert_int_equal(fetch_sink_begin(&f->k), MA_OK);
		assert_int_equal(
		    fetch_sink_write(&f->k, "Subject: x\r\n\r\n", 14), MA_OK);
		assert_int_equal(fetch_sink_commit(&f->k, NULL, 0, uidl),
				 MA_OK);
	}
	assert_int_equal(f->nbatches, 0);
	assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
	assert_int_equal(f->delivered, n);
	assert_int_equal(f->nbatches, 1);
	assert_int_equal(f->batches[0], n);
}

static void
test_an_empty_flush_is_no_batch(void **ctx)
{
	struct fixture *f = *ctx;

	fetch_sink_start(&f->k, 0, 0);
	assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
	assert_int_equal(f->nbatches, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
		test_batches_are_as_few_as_the_cap_allows_and_equal),
	    cmocka_unit_test_setup_teardown(
		test_a_batch_ends_with_one_batch_done, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_an_empty_flush_is_no_batch,
					    setup, teardown),
	};

	log_init("fetch_batchsize_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
