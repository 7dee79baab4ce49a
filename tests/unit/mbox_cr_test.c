/*
 * lib/mbox: files whose lines end in CR alone (classic Mac OS mailers)
 * are split like any other; before, such a file was one long From_ line
 * and gave no message at all. MMDF files (messages between lines of four
 * ^A bytes) too: before, one file that was no message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "log.h"
#include "mbox.h"

static enum ma_status
to_buf(void *arg, const void *p, size_t n)
{
	return buf_add(arg, p, n);
}

/* The messages of text written as an mbox file, in out[] (max of them). */
static size_t
split(const char *text, char **out, size_t max)
{
	char dir[] = "/tmp/mbox_cr_test.XXXXXX", path[64];
	struct mbox *m = NULL;
	size_t n = 0;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.mbox", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(mbox_open(path, MBOX_RD, &m), MA_OK);
	for (;;) {
		struct buf b;
		bool got = false;

		buf_init(&b, 1 << 20);
		assert_int_equal(mbox_next(m, to_buf, &b, &got), MA_OK);
		if (!got) {
			buf_release(&b);
			break;
		}
		assert_true(n < max);
		out[n++] = buf_steal(&b);
	}
	mbox_close(m);
	unlink(path);
	rmdir(dir);
	return n;
}

/* mbox_sniff() of text written to a file. */
static bool
mbox_sniff_text(const char *text)
{
	char dir[] = "/tmp/mbox_cr_test.XXXXXX", path[64];
	bool r;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	r = mbox_sniff(path);
	unlink(path);
	rmdir(dir);
	return r;
}

static void
test_cr_lines_split_into_messages(void **state)
{
	char *msgs[4];
	size_t n;

	(void)state;
	n = split("From a@b Sun Nov 22 10:00:00 2026\rSubject: one\r\rbody\r"
		  ">From x\r\rFrom c@d Sun Nov 22 10:01:00 2026\r"
		  "Subject: two\r\rsecond\r",
		  msgs, 4);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0], "Subject: one\n\nbody\nFrom x\n");
	assert_string_equal(msgs[1], "Subject: two\n\nsecond\n");
	free(msgs[0]);
	free(msgs[1]);
}

static void
test_a_stray_cr_in_an_lf_file_stays(void **state)
{
	char *msgs[2];
	size_t n;

	(void)state;
	n = split("From a@b Sun Nov 22 10:00:00 2026\nSubject: one\n\n"
		  "a\rb\r\n",
		  msgs, 2);
	assert_int_equal(n, 1);
	assert_string_equal(msgs[0], "Subject: one\n\na\rb\n");
	free(msgs[0]);
}

static void
test_mmdf_split_into_messages(void **state)
{
	char *msgs[4];
	size_t n;

	(void)state;
	n = split("\1\1\1\1\nSubject: one\n\nbody\n>From kept\n\n"
		  "\1\1\1\1\n\1\1\1\1\nSubject: two\n\nsecond\n"
		  "\1\1\1\1\n",
		  msgs, 4);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0], "Subject: one\n\nbody\n>From kept\n\n");
	assert_string_equal(msgs[1], "Subject: two\n\nsecond\n");
	free(msgs[0]);
	free(msgs[1]);
	assert_true(mbox_sniff_text("\1\1\1\1\nSubject: x\n\n\1\1\1\1\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cr_lines_split_into_messages),
	    cmocka_unit_test(test_a_stray_cr_in_an_lf_file_stays),
	    cmocka_unit_test(test_mmdf_split_into_messages),
	};

	log_init("mbox_cr_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
