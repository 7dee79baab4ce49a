/* lib/tombstone: the file format others read, and lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "path.h"
#include "tombstone.h"

static const char hash[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void
test_append_writes_the_documented_line(void **state)
{
	char *text = NULL;
	size_t len;

	(void)state;
	unlink("ts1");
	assert_int_equal(tombstone_append("ts1", 1795370400, "a@b",
					  "0000000000000001", hash),
			 MA_OK);
	assert_int_equal(tombstone_append("ts1", 1795370401, "c@d", NULL, NULL),
			 MA_OK);
	assert_int_equal(path_file_read_all("ts1", 4096, &text, &len), MA_OK);
	assert_string_equal(text,
			    "2026-11-22T18:00:00Z\ta@b\t0000000000000001\t"
			    "0123456789abcdef0123456789abcdef0123456789abcdef"
			    "0123456789abcdef\n"
			    "2026-11-22T18:00:01Z\tc@d\t-\t-\n");
	free(text);
}

static void
test_bad_fields_are_refused(void **state)
{
	(void)state;
	assert_int_equal(tombstone_append("ts2", 0, "a\tb", NULL, NULL),
			 MA_EDATA);
	assert_int_equal(tombstone_append("ts2", 0, "", NULL, NULL), MA_EDATA);
	assert_int_equal(tombstone_append("ts2", 0, "a\nb", NULL, NULL),
			 MA_EDATA);
	assert_false(path_exists("ts2"));
}

static void
test_match_by_id_or_identity_and_torn_lines(void **state)
{
	struct tombstones *t = NULL;
	FILE *f;
	time_t at = 0;

	(void)state;
	f = fopen("ts3", "w");
	assert_non_null(f);
	fputs("2026-11-22T18:00:00Z\tone@x\t-\t-\n"
	      "garbage line\n"
	      "2026-11-22T18:00:05Z\t-\t-\t",
	      f);
	fputs(hash, f);
	fputs("\n2026-11-22T18:00:09Z\ttorn@x\t-", f); /* no newline */
	fclose(f);
	assert_int_equal(tombstones_load("ts3", &t), MA_OK);
	assert_int_equal(tombstones_count(t), 2);
	assert_true(tombstones_match(t, "one@x", NULL, &at));
	assert_int_equal(at, 1795370400);
	assert_true(tombstones_match(t, "other@x", hash, &at));
	assert_int_equal(at, 1795370405);
	assert_false(tombstones_match(t, "torn@x", NULL, NULL));
	assert_false(tombstones_match(t, "nope@x", "ffff", NULL));
	tombstones_free(t);
	/* The next writer ends the torn line first. */
	assert_int_equal(
	    tombstone_append("ts3", 1795370410, "new@x", NULL, NULL), MA_OK);
	assert_int_equal(tombstones_load("ts3", &t), MA_OK);
	assert_true(tombstones_match(t, "new@x", NULL, NULL));
	assert_int_equal(tombstones_count(t), 3);
	tombstones_free(t);
}

static void
test_missing_file_is_an_empty_set(void **state)
{
	struct tombstones *t = NULL;

	(void)state;
	assert_int_equal(tombstones_load("no-such-file", &t), MA_OK);
	assert_int_equal(tombstones_count(t), 0);
	assert_false(tombstones_match(t, "a@b", hash, NULL));
	tombstones_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_writes_the_documented_line),
	    cmocka_unit_test(test_bad_fields_are_refused),
	    cmocka_unit_test(test_match_by_id_or_identity_and_torn_lines),
	    cmocka_unit_test(test_missing_file_is_an_empty_set),
	};

	log_init("tombstone_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
