/* lib/dedupe_db: the bucket index, its torn lines and its reload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

#include "dedupe_db.h"
#include "log.h"
#include "path.h"

static const char h1[] =
    "1111111111111111111111111111111111111111111111111111111111111111";
static const char h2[] =
    "2222222222222222222222222222222222222222222222222222222222222222";

static void
test_add_find_and_reload(void **state)
{
	const struct dedupe_entry *v;
	struct dedupe_db *db = NULL;
	size_t n;

	(void)state;
	path_rm_rf("db1");
	assert_int_equal(dedupe_db_open("db1", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "a@b", &v, &n), MA_OK);
	assert_int_equal(n, 0);
	assert_int_equal(dedupe_db_add(db, h1, "n1", "main", "a@b"), MA_OK);
	assert_int_equal(dedupe_db_add(db, h2, "n2", "import", "a@b"), MA_OK);
	assert_int_equal(dedupe_db_add(db, h2, "n3", "import", "c@d"), MA_OK);
	assert_int_equal(dedupe_db_sync(db), MA_OK);
	dedupe_db_close(db);
	assert_int_equal(dedupe_db_open("db1", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "a@b", &v, &n), MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].identity, h1);
	assert_string_equal(v[1].name, "n2");
	assert_string_equal(dedupe_db_source(db, "a@b", "n2"), "import");
	assert_string_equal(dedupe_db_source(db, "c@d", "n3"), "import");
	assert_null(dedupe_db_source(db, "a@b", "n3"));
	dedupe_db_close(db);
}

static void
test_bad_entries_are_refused(void **state)
{
	struct dedupe_db *db = NULL;

	(void)state;
	assert_int_equal(dedupe_db_open("db2", true, &db), MA_OK);
	assert_int_equal(dedupe_db_add(db, "short", "n", "s", "a@b"), MA_EDATA);
	assert_int_equal(dedupe_db_add(db, h1, "n\tx", "s", "a@b"), MA_EDATA);
	assert_int_equal(dedupe_db_add(db, h1, "n", "s", ""), MA_EDATA);
	dedupe_db_close(db);
}

/* The bucket file a message id lands in (the only file of db3). */
static char *
only_bucket(const char *dir)
{
	struct dirent *de;
	char *p = NULL;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		assert_null(p); /* exactly one */
		p = path_fmt("%s/%s", dir, de->d_name);
	}
	closedir(d);
	assert_non_null(p);
	return p;
}

static void
test_torn_line_is_skipped_and_ended(void **state)
{
	const struct dedupe_entry *v;
	struct dedupe_db *db = NULL;
	char *bucket;
	size_t n;
	FILE *f;

	(void)state;
	path_rm_rf("db3");
	assert_int_equal(dedupe_db_open("db3", true, &db), MA_OK);
	assert_int_equal(dedupe_db_add(db, h1, "n1", "main", "t@x"), MA_OK);
	dedupe_db_close(db);
	bucket = only_bucket("db3");
	/* A writer killed mid-line. */
	f = fopen(bucket, "a");
	assert_non_null(f);
	fputs("2222222222222222", f);
	fclose(f);
	assert_int_equal(dedupe_db_open("db3", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "t@x", &v, &n), MA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(dedupe_db_add(db, h2, "n2", "main", "t@x"), MA_OK);
	dedupe_db_close(db);
	assert_int_equal(dedupe_db_open("db3", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "t@x", &v, &n), MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].name, "n2");
	dedupe_db_close(db);
	free(bucket);
}

static void
test_journal_replays_lost_bucket_appends(void **state)
{
	const struct dedupe_entry *v;
	struct dedupe_db *db = NULL;
	char *bucket;
	size_t n;
	FILE *f;

	(void)state;
	path_rm_rf("db4");
	assert_int_equal(dedupe_db_open("db4", true, &db), MA_OK);
	assert_int_equal(dedupe_db_add(db, h1, "n1", "main", "j@x"), MA_OK);
	assert_int_equal(dedupe_db_sync(db), MA_OK);
	dedupe_db_close(db);
	assert_true(path_exists("db4/journal"));
	/* The bucket write was lost (power cut before it reached disk),
	 * the fsynced journal was not. */
	unlink("db4/.journal.keep");
	rename("db4/journal", "db4/.journal.keep");
	bucket = only_bucket("db4");
	rename("db4/.journal.keep", "db4/journal");
	f = fopen(bucket, "w");
	assert_non_null(f);
	fclose(f);
	/* A reader does not touch it... */
	assert_int_equal(dedupe_db_open("db4", false, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "j@x", &v, &n), MA_OK);
	assert_int_equal(n, 0);
	dedupe_db_close(db);
	/* ...the next writer replays it, once, and drops the journal. */
	assert_int_equal(dedupe_db_open("db4", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "j@x", &v, &n), MA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "n1");
	dedupe_db_close(db);
	assert_false(path_exists("db4/journal"));
	assert_int_equal(dedupe_db_open("db4", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "j@x", &v, &n), MA_OK);
	assert_int_equal(n, 1);
	dedupe_db_close(db);
	free(bucket);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_find_and_reload),
	    cmocka_unit_test(test_bad_entries_are_refused),
	    cmocka_unit_test(test_torn_line_is_skipped_and_ended),
	    cmocka_unit_test(test_journal_replays_lost_bucket_appends),
	};

	log_init("dedupe_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
