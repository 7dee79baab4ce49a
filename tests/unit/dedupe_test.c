/* lib/dedupe_db: the bucket index, its torn lines and its reload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	rm_rf("db1");
	assert_int_equal(dedupe_db_open("db1", &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "a@b", &v, &n), MA_OK);
	assert_int_equal(n, 0);
	assert_int_equal(dedupe_db_add(db, h1, "n1", "main", "a@b"), MA_OK);
	assert_int_equal(dedupe_db_add(db, h2, "n2", "import", "a@b"), MA_OK);
	assert_int_equal(dedupe_db_add(db, h2, "n3", "import", "c@d"), MA_OK);
	assert_int_equal(dedupe_db_sync(db), MA_OK);
	dedupe_db_close(db);
	assert_int_equal(dedupe_db_open("db1", &db), MA_OK);
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
	assert_int_equal(dedupe_db_open("db2", &db), MA_OK);
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
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			p = path_fmt("%s/%s", dir, de->d_name);
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
	rm_rf("db3");
	assert_int_equal(dedupe_db_open("db3", &db), MA_OK);
	assert_int_equal(dedupe_db_add(db, h1, "n1", "main", "t@x"), MA_OK);
	dedupe_db_close(db);
	bucket = only_bucket("db3");
	/* A writer killed mid-line. */
	f = fopen(bucket, "a");
	assert_non_null(f);
	fputs("2222222222222222", f);
	fclose(f);
	assert_int_equal(dedupe_db_open("db3", &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "t@x", &v, &n), MA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(dedupe_db_add(db, h2, "n2", "main", "t@x"), MA_OK);
	dedupe_db_close(db);
	assert_int_equal(dedupe_db_open("db3", &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "t@x", &v, &n), MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].name, "n2");
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
	};

	log_init("dedupe_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
