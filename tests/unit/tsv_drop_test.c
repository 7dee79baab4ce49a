/* tsv_drop_lines() and tsv_field_ok(): the rewrite of a record file
 * without some lines, shared by the dedupe index and the privacy report. */
#include "testutil.h"
#include "testutil.inc"

#include <string.h>

#include "tsv.h"

static bool
is_b(const char *rest, size_t len, const void *arg)
{
	(void)arg;
	return len == 1 && strcmp(rest, "b") == 0;
}

static bool
never(const char *rest, size_t len, const void *arg)
{
	(void)rest;
	(void)len;
	(void)arg;
	return false;
}

static char *
slurp(const char *path)
{
	char *data;
	size_t len;

	assert_int_equal(path_file_read_all(path, 4096, &data, &len), MA_OK);
	return data;
}

static void
test_drops_the_named_lines_only(void **state)
{
	char *dir = tu_tmpdir(), *path = path_fmt("%s/f", dir), *text;
	struct stat before, after;

	(void)state;
	/* The field after the second tab is the rest of the line: "b\tc"
	 * is not "b"; a line with fewer tabs and a last line without a
	 * newline stay. */
	tu_write(path, "1\tx\tb\n2\tx\tb\tc\n3\tb\n4\ty\tb\n5\tx\ta\n6\tx\tb",
		 0644);
	assert_int_equal(tsv_drop_lines(path, 4096, 2, is_b, NULL), MA_OK);
	text = slurp(path);
	assert_string_equal(text, "2\tx\tb\tc\n3\tb\n5\tx\ta\n6\tx\tb");
	free(text);
	/* Nothing dropped: the file is not rewritten. */
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(tsv_drop_lines(path, 4096, 2, never, NULL), MA_OK);
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_ino == after.st_ino);
	free(path);
	/* No file: nothing to drop. */
	path = path_fmt("%s/none", dir);
	assert_int_equal(tsv_drop_lines(path, 4096, 2, is_b, NULL), MA_OK);
	free(path);
	tu_rmdir(dir);
}

static void
test_field_ok(void **state)
{
	(void)state;
	assert_true(tsv_field_ok("a b"));
	assert_false(tsv_field_ok(NULL));
	assert_false(tsv_field_ok(""));
	assert_false(tsv_field_ok("a\tb"));
	assert_false(tsv_field_ok("a\n"));
	assert_false(tsv_field_ok("a\x7f"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_drops_the_named_lines_only),
	    cmocka_unit_test(test_field_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
