/*
 * lib/dedupe_db: a reader (the index stage) finds an entry whose batch
 * is durable in the journal while its bucket line is not written yet: a
 * writer killed at that point, or one still running.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dedupe_db.h"
#include "log.h"
#include "path.h"

#include "testutil.h"
#include "testutil.inc"

#define ID1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* A writer that adds two entries, makes them durable and is killed
 * before anything else (no close: its pending lines are lost). */
static void
killed_writer(const char *dir)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct dedupe_db *db = NULL;

		if (dedupe_db_open(dir, true, &db) != MA_OK ||
		    dedupe_db_add(db, ID1, "1.M1P1Q1.h", "sales", "a@x") !=
			MA_OK ||
		    dedupe_db_add(db, ID2, "2.M2P2Q2.h", "support", "b@x") !=
			MA_OK ||
		    dedupe_db_sync(db) != MA_OK)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
test_a_reader_finds_what_only_the_journal_holds(void **state)
{
	char *d = tu_tmpdir(), *dir = path_fmt("%s/db", d);
	struct dedupe_db *db = NULL;
	const char *src;

	(void)state;
	killed_writer(dir);
	assert_int_equal(dedupe_db_open(dir, false, &db), MA_OK);
	assert_non_null(src = dedupe_db_source(db, "a@x", "1.M1P1Q1.h"));
	assert_string_equal(src, "sales");
	assert_non_null(src = dedupe_db_source(db, "b@x", "2.M2P2Q2.h"));
	assert_string_equal(src, "support");
	assert_null(dedupe_db_source(db, "a@x", "2.M2P2Q2.h"));
	assert_null(dedupe_db_source(db, "c@x", "3.M3P3Q3.h"));
	dedupe_db_close(db);
	/* The next writer replays the journal into the buckets. */
	assert_int_equal(dedupe_db_open(dir, true, &db), MA_OK);
	dedupe_db_close(db);
	assert_int_equal(dedupe_db_open(dir, false, &db), MA_OK);
	assert_non_null(src = dedupe_db_source(db, "a@x", "1.M1P1Q1.h"));
	assert_string_equal(src, "sales");
	dedupe_db_close(db);
	free(dir);
	tu_rmdir(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_reader_finds_what_only_the_journal_holds),
	};

	log_init("dedupe_journal_read_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
