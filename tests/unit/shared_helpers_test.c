/* The small shared helpers of the duplicate clean-up: tsv_each() (read a
 * record file line by line), path_write_buf_atomic() (a file built in a
 * buffer), path_copy_range() (the site's copies of published bytes) and
 * array_free_strs(). */
#include "testutil.h"
#include "testutil.inc"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* Byte i of the copy tests' source. */
static char
copy_byte(size_t i)
{
	return (char)('a' + (i * 7 + i / 251) % 26);
}

/* Whether n bytes of fd from off are the source's from src. */
static bool
copy_holds(int fd, off_t off, size_t src, size_t n)
{
	char *p = malloc(n > 0 ? n : 1);
	bool ok = p != NULL && pread(fd, p, n, off) == (ssize_t)n;

	for (size_t i = 0; ok && i < n; i++)
		ok = p[i] == copy_byte(src + i);
	free(p);
	return ok;
}

static void
test_copy_range(void **state)
{
	enum { SIZE = 200003 };
	char *dir = tu_tmpdir(), *src = path_fmt("%s/src", dir),
	     *dst = path_fmt("%s/dst", dir), *buf = malloc(SIZE);
	int in, out, mem, pipefd[2];
	off_t to;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < SIZE; i++)
		buf[i] = copy_byte(i);
	in = open(src, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(in >= 0);
	assert_int_equal(path_write_all(in, buf, SIZE), MA_OK);
	out = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(out >= 0);

	/* At out's offset: a part from the middle, then the rest. */
	assert_int_equal(path_copy_range(in, 7, out, NULL, 100000),
			 PATH_COPY_OK);
	assert_int_equal(lseek(out, 0, SEEK_CUR), 100000);
	assert_int_equal(path_copy_range(in, 100007, out, NULL, -1),
			 PATH_COPY_OK);
	assert_int_equal(lseek(out, 0, SEEK_END), SIZE - 7);
	assert_true(copy_holds(out, 0, 7, SIZE - 7));

	/* At *to, advanced; out's offset left alone. */
	to = 5;
	assert_int_equal(lseek(out, 11, SEEK_SET), 11);
	assert_int_equal(path_copy_range(in, 0, out, &to, -1), PATH_COPY_OK);
	assert_int_equal(to, 5 + SIZE);
	assert_int_equal(lseek(out, 0, SEEK_CUR), 11);
	assert_true(copy_holds(out, 5, 0, SIZE));
	assert_int_equal(path_copy_range(in, SIZE, out, &to, -1), PATH_COPY_OK);
	assert_int_equal(to, 5 + SIZE);

	/* Through the buffer, where the kernel's copy declines (a pipe,
	 * which holds 64 KiB: never read from when empty). */
	assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
	assert_int_equal(path_copy_range(in, 3, pipefd[1], NULL, 40000),
			 PATH_COPY_OK);
	assert_true(read(pipefd[0], buf, 40000) == 40000);
	for (size_t i = 0; i < 40000; i++)
		assert_int_equal(buf[i], copy_byte(3 + i));
	/* And from another file system (an unnamed memory file's) at an
	 * offset, which the kernel declines too. */
	mem = memfd_create("copy", 0);
	assert_true(mem >= 0);
	assert_int_equal(path_write_all(mem, buf, 40000), MA_OK);
	to = 9;
	assert_int_equal(path_copy_range(mem, 0, out, &to, -1), PATH_COPY_OK);
	assert_int_equal(to, 40009);
	assert_true(copy_holds(out, 9, 3, 40000));
	close(mem);
	/* ... a pipe cannot be written at an offset. */
	to = 0;
	assert_int_equal(path_copy_range(in, 0, pipefd[1], &to, 10),
			 PATH_COPY_WRITE);
	assert_int_equal(errno, ESPIPE);
	close(pipefd[0]);
	close(pipefd[1]);

	/* The source ends early; a side that cannot be read or written. */
	assert_int_equal(path_copy_range(in, SIZE - 10, out, NULL, 11),
			 PATH_COPY_SHORT);
	close(out);
	out = open(dst, O_RDONLY);
	assert_true(out >= 0);
	assert_int_equal(path_copy_range(in, 0, out, NULL, 10),
			 PATH_COPY_WRITE);
	assert_int_equal(errno, EBADF);
	close(in);
	in = open(src, O_WRONLY);
	assert_true(in >= 0);
	assert_int_equal(path_copy_range(in, 0, out, NULL, 10), PATH_COPY_READ);
	assert_int_equal(errno, EBADF);
	close(in);
	close(out);
	free(buf);
	free(src);
	free(dst);
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
	    cmocka_unit_test(test_copy_range),
	    cmocka_unit_test(test_free_strs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
