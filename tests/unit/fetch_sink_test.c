/*
 * The fetch delivery sink: a message is recorded in the state only once it
 * is in new/ and flushed; an aborted one leaves nothing; a flush reports
 * each delivered path. The size of a batch follows what is to come (#16):
 * as few batches as the cap allows, of equal size, since each costs a
 * syncfs, an fsync of new/ and a save of the state whatever its size; and
 * the paths of a batch are followed by one batch_done call, where
 * mailarc-fetch flushes its output once a batch rather than once a path.
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

static void
deliver(struct fixture *f, const char *text, const char *uidl)
{
	assert_int_equal(fetch_sink_begin(&f->k), MA_OK);
	assert_int_equal(fetch_sink_write(&f->k, text, strlen(text)), MA_OK);
	assert_int_equal(fetch_sink_commit(&f->k, NULL, 0, uidl), MA_OK);
}

/* The state on disk, as the next run would load it. */
static bool
saved_has_uidl(struct fixture *f, const char *uidl)
{
	struct fetch_state *st;
	bool has;

	assert_int_equal(state_load(f->state, &st), MA_OK);
	has = state_has_uidl(st, uidl);
	state_free(st);
	return has;
}

static void
test_commit_records_only_after_flush(void **ctx)
{
	struct fixture *f = *ctx;
	char *new_dir = path_fmt("%s/new", f->incoming);
	char *tmp_dir = path_fmt("%s/tmp", f->incoming);

	/* Committed: in tmp/ until the batch is durable. */
	deliver(f, "Subject: a\r\n\r\nbody\r\n", "u1");
	assert_int_equal(tu_count(tmp_dir), 1);
	assert_int_equal(tu_count(new_dir), 0);
	assert_false(saved_has_uidl(f, "u1"));
	assert_int_equal(f->delivered, 0);
	assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
	assert_int_equal(tu_count(tmp_dir), 0);
	assert_int_equal(tu_count(new_dir), 1);
	assert_true(saved_has_uidl(f, "u1"));
	assert_int_equal(f->delivered, 1);
	assert_int_equal(f->k.count, 1);
	free(new_dir);
	free(tmp_dir);
}

static void
test_abort_leaves_nothing(void **ctx)
{
	struct fixture *f = *ctx;
	char *new_dir = path_fmt("%s/new", f->incoming);
	char *tmp_dir = path_fmt("%s/tmp", f->incoming);

	assert_int_equal(fetch_sink_begin(&f->k), MA_OK);
	assert_int_equal(fetch_sink_write(&f->k, "half", 4), MA_OK);
	fetch_sink_abort(&f->k);
	assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
	assert_int_equal(tu_count(new_dir), 0);
	assert_int_equal(tu_count(tmp_dir), 0);
	assert_int_equal(f->delivered, 0);
	assert_int_equal(f->k.count, 0);
	free(new_dir);
	free(tmp_dir);
}

static void
test_imap_uid_goes_to_its_folder(void **ctx)
{
	struct fixture *f = *ctx;
	struct state_folder *inbox = state_folder(f->k.st, "INBOX", 7);

	assert_non_null(inbox);
	assert_int_equal(fetch_sink_begin(&f->k), MA_OK);
	assert_int_equal(fetch_sink_write(&f->k, "x\r\n", 3), MA_OK);
	assert_int_equal(fetch_sink_commit(&f->k, inbox, 42, NULL), MA_OK);
	assert_false(state_has_uid(inbox, 42));
	assert_int_equal(fetch_sink_flush(&f->k), MA_OK);
	assert_true(state_has_uid(inbox, 42));
}

static void
test_record_run_keeps_the_error(void **ctx)
{
	struct fixture *f = *ctx;
	struct fetch_state *st;

	fetch_sink_record_run(&f->k, 1000, MA_ETEMP, "connect failed: refused");
	assert_int_equal(state_load(f->state, &st), MA_OK);
	assert_int_equal(st->sum.last_run, 1000);
	assert_string_equal(st->sum.last_error, "connect failed: refused");
	state_free(st);
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
	    cmocka_unit_test_setup_teardown(
		test_commit_records_only_after_flush, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_imap_uid_goes_to_its_folder,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_record_run_keeps_the_error,
					    setup, teardown),
	};

	log_init("fetch_sink_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
