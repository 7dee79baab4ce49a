/* lib/mbox: splitting, unquoting, CRLF, gzip, damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "buf.h"
#include "log.h"
#include "mbox.h"

static enum ma_status
to_buf(void *arg, const void *p, size_t n)
{
	return buf_add(arg, p, n);
}

/* Split the mbox at path; returns the message count, texts in out[]. */
static size_t
split(const char *path, enum mbox_format fmt, char **out, size_t max,
      enum ma_status *last)
{
	struct mbox *m = NULL;
	size_t n = 0;

	*last = mbox_open(path, fmt, &m);
	if (*last != MA_OK)
		return 0;
	for (;;) {
		struct buf b;
		bool got = false;

		buf_init(&b, 1 << 20);
		*last = mbox_next(m, to_buf, &b, &got);
		if (*last != MA_OK || !got) {
			buf_release(&b);
			break;
		}
		assert_true(n < max);
		out[n++] = buf_steal(&b);
	}
	mbox_close(m);
	return n;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_split_and_unquote_mboxrd(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	write_file("a.mbox", "From a@b Sun Nov 22 10:00:00 2026\n"
			     "Subject: one\n\nbody\n>From x\n>>From y\n"
			     "From z is not a separator without a blank\n\n"
			     "From c@d Sun Nov 22 10:01:00 2026\n"
			     "Subject: two\n\n\nkept blank above\n\n\n");
	n = split("a.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0],
			    "Subject: one\n\nbody\nFrom x\n>From y\n"
			    "From z is not a separator without a blank\n");
	assert_string_equal(msgs[1], "Subject: two\n\n\nkept blank above\n\n");
	free(msgs[0]);
	free(msgs[1]);
	n = split("a.mbox", MBOX_O, msgs, 8, &st);
	assert_int_equal(n, 2);
	assert_non_null(strstr(msgs[0], "\nFrom x\n>>From y\n"));
	free(msgs[0]);
	free(msgs[1]);
}

static void
test_crlf_is_read_as_lf(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	write_file("c.mbox", "From a Sun Nov 22 10:00:00 2026\r\nSubject: "
			     "one\r\n\r\nbody\r\n\r\nFrom b Sun Nov 22 "
			     "10:00:00 2026\r\nSubject: two\r\n\r\nx\r\n");
	n = split("c.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0], "Subject: one\n\nbody\n");
	assert_string_equal(msgs[1], "Subject: two\n\nx\n");
	free(msgs[0]);
	free(msgs[1]);
}

static void
test_gzip_and_truncated_gzip(void **state)
{
	char path[4096], *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	snprintf(path, sizeof path, "%s/mboxrd.mbox.gz", CORPUS_DIR);
	n = split(path, MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		free(msgs[i]);
	snprintf(path, sizeof path, "%s/truncated.mbox.gz", CORPUS_DIR);
	n = split(path, MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_EDATA);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		free(msgs[i]);
}

static void
test_not_an_mbox_and_empty(void **state)
{
	struct mbox *m = NULL;
	bool got = true;

	(void)state;
	write_file("x.txt", "Subject: not an mbox\n\nbody\n");
	assert_int_equal(mbox_open("x.txt", MBOX_RD, &m), MA_EDATA);
	assert_false(mbox_sniff("x.txt"));
	write_file("e.mbox", "");
	assert_int_equal(mbox_open("e.mbox", MBOX_RD, &m), MA_OK);
	assert_int_equal(mbox_next(m, to_buf, NULL, &got), MA_OK);
	assert_false(got);
	mbox_close(m);
}

static void
test_long_lines_and_nul_bytes(void **state)
{
	static const char nul[] = "From a Sun Nov 22 10:00:00 2026\nS: x\n\n"
				  "a\0b\n";
	char *msgs[4];
	enum ma_status st;
	struct buf line;
	size_t n;
	FILE *f;

	(void)state;
	/* A line three times MBOX_PIECE long, then ">From " at a piece
	 * boundary must not be unquoted: it is not at a line start. */
	buf_init(&line, 1 << 20);
	for (size_t i = 0; i < MBOX_PIECE - 1; i++)
		buf_addc(&line, 'x');
	buf_adds(&line, ">From inside");
	for (size_t i = 0; i < 2 * MBOX_PIECE; i++)
		buf_addc(&line, 'y');
	f = fopen("l.mbox", "w");
	assert_non_null(f);
	fprintf(f, "From a Sun Nov 22 10:00:00 2026\nS: x\n\n%s\n", line.data);
	fclose(f);
	n = split("l.mbox", MBOX_RD, msgs, 4, &st);
	assert_int_equal(n, 1);
	assert_int_equal(strlen(msgs[0]), 6 + line.len + 1);
	assert_non_null(strstr(msgs[0], "x>From inside"));
	free(msgs[0]);
	buf_release(&line);
	f = fopen("n.mbox", "w");
	assert_non_null(f);
	fwrite(nul, 1, sizeof nul - 1, f);
	fclose(f);
	n = split("n.mbox", MBOX_RD, msgs, 4, &st);
	assert_int_equal(n, 1);
	assert_memory_equal(msgs[0], "S: x\n\na\0b\n", 11);
	free(msgs[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_and_unquote_mboxrd),
	    cmocka_unit_test(test_crlf_is_read_as_lf),
	    cmocka_unit_test(test_gzip_and_truncated_gzip),
	    cmocka_unit_test(test_not_an_mbox_and_empty),
	    cmocka_unit_test(test_long_lines_and_nul_bytes),
	};

	log_init("mbox_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
