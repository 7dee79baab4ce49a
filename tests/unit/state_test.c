/* The fetch state file: round trip, damage detection, UID and UIDL sets. */
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

#include "log.h"
#include "path.h"
#include "state.h"

static int
make_dir(void **ctx)
{
	char tmpl[] = "/tmp/state_test.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	*ctx = strdup(d);
	return 0;
}

static int
remove_dir(void **ctx)
{
	path_rm_rf(*ctx);
	free(*ctx);
	return 0;
}

static char *
file_in(void **ctx, const char *name)
{
	return path_fmt("%s/%s", (char *)*ctx, name);
}

static void
write_text(const char *path, const char *text)
{
	assert_int_equal(path_write_file_atomic(path, text, strlen(text), 0600),
			 MA_OK);
}

static void
test_missing_file_is_an_empty_state(void **ctx)
{
	char *p = file_in(ctx, "none.state");
	struct fetch_state *st;

	assert_int_equal(state_load(p, &st), MA_OK);
	assert_int_equal(st->sum.last_run, 0);
	assert_int_equal(st->nfolders, 0);
	assert_int_equal(state_count_uidls(st), 0);
	state_free(st);
	free(p);
}

static void
test_round_trip_keeps_everything(void **ctx)
{
	char *p = file_in(ctx, "a.state");
	struct fetch_state *st, *st2;
	struct state_folder *f;
	struct stat sb;

	assert_int_equal(state_load(p, &st), MA_OK);
	st->sum.last_run = 1795371535;
	st->sum.last_success = 1795371530;
	st->sum.last_count = 42;
	snprintf(st->sum.last_error, sizeof st->sum.last_error,
		 "login failed:\nsplit line");
	f = state_folder(st, "INBOX", 77);
	assert_non_null(f);
	for (uint32_t u = 1; u <= 1000; u++)
		if (u % 7 != 0)
			assert_int_equal(state_add_uid(f, u), MA_OK);
	assert_int_equal(state_add_uid(f, 4000000000u), MA_OK);
	f = state_folder(st, "Lists/with space", 5);
	assert_int_equal(state_add_uid(f, 3), MA_OK);
	assert_int_equal(state_add_uidl(st, "zz-last"), MA_OK);
	assert_int_equal(state_add_uidl(st, "000001"), MA_OK);
	assert_int_equal(state_save(st, p), MA_OK);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	assert_int_equal(state_load(p, &st2), MA_OK);
	assert_int_equal(st2->sum.last_run, 1795371535);
	assert_int_equal(st2->sum.last_success, 1795371530);
	assert_int_equal(st2->sum.last_count, 42);
	assert_string_equal(st2->sum.last_error, "login failed: split line");
	assert_int_equal(st2->nfolders, 2);
	f = state_folder(st2, "INBOX", 77);
	assert_int_equal(f->uids.count, 1000 - 142 + 1);
	assert_true(state_has_uid(f, 1));
	assert_false(state_has_uid(f, 7));
	assert_true(state_has_uid(f, 999));
	assert_true(state_has_uid(f, 4000000000u));
	f = state_folder(st2, "Lists/with space", 5);
	assert_true(state_has_uid(f, 3));
	assert_true(state_has_uidl(st2, "000001"));
	assert_true(state_has_uidl(st2, "zz-last"));
	assert_false(state_has_uidl(st2, "000002"));
	state_free(st);
	state_free(st2);
	free(p);
}

static void
test_new_uidvalidity_forgets_the_folder(void **ctx)
{
	struct fetch_state *st;
	struct state_folder *f;
	char *p = file_in(ctx, "b.state");

	assert_int_equal(state_load(p, &st), MA_OK);
	f = state_folder(st, "INBOX", 1);
	assert_int_equal(state_add_uid(f, 10), MA_OK);
	f = state_folder(st, "INBOX", 1);
	assert_true(state_has_uid(f, 10));
	f = state_folder(st, "INBOX", 2);
	assert_false(state_has_uid(f, 10));
	assert_int_equal(st->nfolders, 1);
	state_free(st);
	free(p);
}

static void
test_keep_prunes_what_the_server_dropped(void **ctx)
{
	struct fetch_state *st;
	struct state_folder *f;
	struct uidset server = {0};
	char *server_uidls[] = {"c", "a"};
	char *p = file_in(ctx, "c.state");

	assert_int_equal(state_load(p, &st), MA_OK);
	f = state_folder(st, "INBOX", 1);
	for (uint32_t u = 1; u <= 10; u++)
		assert_int_equal(state_add_uid(f, u), MA_OK);
	assert_int_equal(uidset_add_range(&server, 2, 3), MA_OK);
	assert_int_equal(uidset_add(&server, 9), MA_OK);
	assert_int_equal(uidset_add(&server, 11), MA_OK);
	assert_int_equal(state_keep_uids(f, &server), MA_OK);
	uidset_free(&server);
	assert_int_equal(f->uids.count, 3);
	assert_true(state_has_uid(f, 2));
	assert_true(state_has_uid(f, 9));
	assert_false(state_has_uid(f, 1));
	assert_false(state_has_uid(f, 11));
	assert_int_equal(state_add_uidl(st, "b"), MA_OK);
	assert_int_equal(state_add_uidl(st, "a"), MA_OK);
	assert_int_equal(state_keep_uidls(st, server_uidls, 2), MA_OK);
	assert_int_equal(state_count_uidls(st), 1);
	assert_true(state_has_uidl(st, "a"));
	assert_false(state_has_uidl(st, "b"));
	state_free(st);
	free(p);
}

static void
test_uids_out_of_order_stay_sorted(void **ctx)
{
	struct fetch_state *st;
	struct state_folder *f;
	char *p = file_in(ctx, "d.state");

	(void)ctx;
	assert_int_equal(state_load(p, &st), MA_OK);
	f = state_folder(st, "INBOX", 1);
	assert_int_equal(state_add_uid(f, 50), MA_OK);
	assert_int_equal(state_add_uid(f, 5), MA_OK);
	assert_int_equal(state_add_uid(f, 20), MA_OK);
	assert_int_equal(state_add_uid(f, 20), MA_OK);
	assert_int_equal(f->uids.count, 3);
	assert_int_equal(f->uids.n, 3);
	assert_int_equal(f->uids.r[0].lo, 5);
	assert_int_equal(f->uids.r[1].lo, 20);
	assert_int_equal(f->uids.r[2].lo, 50);
	state_free(st);
	free(p);
}

static void
test_damaged_files_are_refused(void **ctx)
{
	static const char *const bad[] = {
	    "",
	    "something else\n",
	    "mailarc-fetch-state 1\nlast_run x\n",
	    "mailarc-fetch-state 1\nuids 1:3\n",
	    "mailarc-fetch-state 1\nfolder 1 INBOX\nuids 5:3\n",
	    "mailarc-fetch-state 1\nfolder 1 INBOX\nuids 1,,2\n",
	    "mailarc-fetch-state 1\nfolder 1 INBOX\nuids 1:",
	    "mailarc-fetch-state 1\nfuture_record 1\n",
	    "mailarc-fetch-state 1\nlast_run 12",
	    "mailarc-fetch-state 1\nfolder x INBOX\n",
	    "mailarc-fetch-state 1\nuidl \n",
	};
	char *p = file_in(ctx, "bad.state");

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct fetch_state *st = NULL;

		write_text(p, bad[i]);
		if (state_load(p, &st) != MA_EDATA)
			fail_msg("case %zu was not refused: %s", i, bad[i]);
		assert_null(st);
	}
	free(p);
}

static void
test_summary_of_a_space(void **ctx)
{
	struct space s = {.dir = *ctx};
	struct state_summary sum;
	char *dir = file_in(ctx, "state"), *p;

	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(state_summary_load(&s, "acct", &sum), MA_ENOTFOUND);
	p = state_path(&s, "acct");
	write_text(p, "mailarc-fetch-state 1\nlast_run 100\nlast_success 90\n"
		      "last_count 3\nlast_error server down\n");
	assert_int_equal(state_summary_load(&s, "acct", &sum), MA_OK);
	assert_int_equal(sum.last_run, 100);
	assert_int_equal(sum.last_success, 90);
	assert_int_equal(sum.last_count, 3);
	assert_string_equal(sum.last_error, "server down");
	free(p);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)
	    T(test_missing_file_is_an_empty_state),
	    T(test_round_trip_keeps_everything),
	    T(test_new_uidvalidity_forgets_the_folder),
	    T(test_keep_prunes_what_the_server_dropped),
	    T(test_uids_out_of_order_stay_sorted),
	    T(test_damaged_files_are_refused),
	    T(test_summary_of_a_space),
	};

	log_init("state_test");
	log_adjust(-2);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
