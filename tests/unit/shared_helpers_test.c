/* The small shared helpers of the duplicate clean-up: tsv_each() (read a
 * record file line by line), path_write_buf_atomic() (a file built in a
 * buffer) and array_free_strs(). */
#include "testutil.h"
#include "testutil.inc"

#include <errno.h>
#include <string.h>

#include "array.h"
#include "buf.h"
#include "tsv.h"

struct seen {
	char text[256];
	size_t lines, stop_at;
};

/* Records each line as "NF:F1|F2|...;" and stops after stop_at lines. */
static enum ma_status
record(char **fields, size_t nf, void *arg)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);
	int n = snprintf(s->text + len, sizeof s->text - len, "%zu:", nf);

	assert_true(n > 0 && (size_t)n < sizeof s->text - len);
	for (size_t i = 0; i < nf && i < 3; i++) {
		len = strlen(s->text);
		n = snprintf(s->text + len, sizeof s->text - len, "%s%s",
			     i > 0 ? "|" : "", fields[i]);
		assert_true(n >= 0 && (size_t)n < sizeof s->text - len);
	}
	len = strlen(s->text);
	assert_true(len + 1 < sizeof s->text);
	memcpy(s->text + len, ";", 2);
	s->lines++;
	return s->stop_at > 0 && s->lines == s->stop_at ? MA_EDATA : MA_OK;
}

static void
test_each_whole_line_split(void **state)
{
	char *dir = tu_tmpdir(), *path = path_fmt("%s/f", dir);
	struct seen s = {{0}, 0, 0};

	(void)state;
	/* A line over line_max (its newline counted) and a torn last line
	 * are passed over; more fields than asked for counts max + 1. */
	tu_write(path, "a\tb\n\nlonglonglong\tx\nc\td\te\tf\ng\th", 0644);
	assert_int_equal(tsv_each(path, 3, 8, record, &s), MA_OK);
	assert_string_equal(s.text, "2:a|b;1:;4:c|d|e;");
	/* fn's status stops the read and is returned. */
	memset(&s, 0, sizeof s);
	s.stop_at = 1;
	assert_int_equal(tsv_each(path, 3, 0, record, &s), MA_EDATA);
	assert_string_equal(s.text, "2:a|b;");
	free(path);
	/* No file: MA_ENOTFOUND; a folder does not read: MA_EIO. */
	path = path_fmt("%s/none", dir);
	assert_int_equal(tsv_each(path, 3, 0, record, &s), MA_ENOTFOUND);
	assert_int_equal(tsv_each(dir, 3, 0, record, &s), MA_EIO);
	assert_int_equal(tsv_each(dir, 0, 0, record, &s), MA_EUSAGE);
	free(path);
	tu_rmdir(dir);
}

static void
test_write_buf_atomic(void **state)
{
	char *dir = tu_tmpdir(), *path = path_fmt("%s/f", dir), *data;
	size_t len;
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "one\n"), MA_OK);
	assert_int_equal(path_write_buf_atomic(path, &b, MA_OK, 0600), MA_OK);
	assert_null(b.data); /* released */
	assert_int_equal(path_file_read_all(path, 64, &data, &len), MA_OK);
	assert_string_equal(data, "one\n");
	free(data);
	/* A failed build writes nothing, releases b and says why. */
	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "two\n"), MA_OK);
	assert_int_equal(path_write_buf_atomic(path, &b, MA_ETOOBIG, 0600),
			 MA_ETOOBIG);
	assert_null(b.data);
	assert_int_equal(path_file_read_all(path, 64, &data, &len), MA_OK);
	assert_string_equal(data, "one\n");
	free(data);
	free(path);
	tu_rmdir(dir);
}

static void
test_free_strs(void **state)
{
	char **v = calloc(3, sizeof *v);

	(void)state;
	assert_non_null(v);
	v[0] = strdup("a");
	v[1] = strdup("b");
	array_free_strs(v,
			3); /* v[2] NULL; ASan sees a leak or a double free */
	array_free_strs(NULL, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_whole_line_split),
	    cmocka_unit_test(test_write_buf_atomic),
	    cmocka_unit_test(test_free_strs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
