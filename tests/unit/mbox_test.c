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

static void
test_envelope_lines_accepted(void **state)
{
	static const char *const ok[] = {
	    "From a@x Sun Jul 16 15:06:25 2023\n",
	    "From a@x Sun Jul 16 15:06:25 2023\r\n",
	    "From a@x Sun Jul 16 15:06:25 2023",
	    "From - Mon Jul 17 08:00:00 1997\n",       /* Netscape */
	    "From ???@??? Tue Jan  4 09:12:01 2000\n", /* Eudora */
	    "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n",
	    "From a at example.com  Wed Feb  1 10:00:00 2012\n", /* lists */
	    "From \"a b\"@x Sun Jul 16 15:06:25 2023\n",
	    "From 1771@xxx Sat Jul 15 10:00:00 +0000 2023\n", /* Gmail */
	    "From a Sun Jul 16 15:06 2023\n",
	    "From a Wed Aug  2 00:39:12 MET DST 1995\n",
	    "From a Sun Jul 16 15:06:25 EST 2023\n",
	    "From a Sun Jul 16 15:06:25 2023 +0200\n",
	    "From a Sun Jul 16 15:06:25 2023 remote from uunet\n",
	    "From a Sun Jul 16 15:06:25 95\n",
	    "From a Sun Jul 16 15:06:60 2023\n",
	    "From Sun Jul 16 15:06:25 2023\n",
	    "From  Sun Jul 16 15:06:25 2023\n",
	    "From mon Mon Jul 16 15:06:25 2023\n",
	    "From a sun jul 16 15:06:25 2023\n",
	    "From a\tSun Jul 16 15:06:25 2023 \n",
	    "From j\xc3\xb6rg@x Sun Jul 16 15:06:25 2023\n",
	    "From a@x Sun, 16 Jul 2023 15:06:25 +0000\n",
	    "From a@x 16 Jul 2023 15:06\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (!mbox_is_envelope(ok[i], strlen(ok[i])))
			fail_msg("not taken as a From_ line: %s", ok[i]);
	}
}

static void
test_envelope_lines_rejected(void **state)
{
	static const char *const no[] = {
	    "From here on we will use the new server.\n",
	    "From the desk of Bob Sun Jul 16 15:06:25 2023\n",
	    "From: a@x\n",
	    "From a@x\n",
	    "From \n",
	    "From",
	    "",
	    "from a@x Sun Jul 16 15:06:25 2023\n",
	    ">From a@x Sun Jul 16 15:06:25 2023\n",
	    " From a@x Sun Jul 16 15:06:25 2023\n",
	    "From a@x Sun Jul 16 2023\n",
	    "From a@x Sun Jul 16 15:06:25\n",
	    "From a@x Sun Jul 32 15:06:25 2023\n",
	    "From a@x Sun Jul 0 15:06:25 2023\n",
	    "From a@x Sun Jul 16 24:06:25 2023\n",
	    "From a@x Sun Jul 16 15:6:25 2023\n",
	    "From a@x Sun Jul 16 15:06:61 2023\n",
	    "From a@x Sun Foo 16 15:06:25 2023\n",
	    "From a@x Sunday Jul 16 15:06:25 2023\n",
	    "From a@x Sun July 16 15:06:25 2023\n",
	    "From a@x Sun Jul 16 15:06:25 2023x\n",
	    "From a@x Sun Jul 16 15:06:25 202\n",
	    "From a@x Sun Jul 16 15:06:25 12345\n",
	    "From a@x Sun Jul 16 15:06:25 A B C 2023\n",
	    "From \"a b@x Sun Jul 16 15:06:25 2023\n",
	    "From a\x01 Sun Jul 16 15:06:25 2023\n",
	    "From Bob on 16 Jul 2023 about lunch\n",
	    "From a@x Sun, 16 Jul 2023\n",
	};
	char nul[] = "From a\0b Sun Jul 16 15:06:25 2023\n";
	char lng[MBOX_ENVELOPE_MAX + 64];
	int k;

	(void)state;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (mbox_is_envelope(no[i], strlen(no[i])))
			fail_msg("taken as a From_ line: %s", no[i]);
	}
	assert_false(mbox_is_envelope(nul, sizeof nul - 1));
	/* Too long to be one, whatever it says. */
	memset(lng, 'a', sizeof lng);
	k = snprintf(lng + MBOX_ENVELOPE_MAX - 10, 64,
		     " Sun Jul 16 15:06:25 2023\n");
	memcpy(lng, "From ", 5);
	assert_false(mbox_is_envelope(lng, MBOX_ENVELOPE_MAX - 10 + (size_t)k));
}

static void
free_all(char **msgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(msgs[i]);
}

static void
test_from_line_without_blank_line_before_it(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	/* The repro of issue 12, class 5. */
	write_file("nb.mbox",
		   "From a@x Sun Jul 16 15:06:25 2023\nFrom: a@x\n"
		   "Subject: one\nMessage-ID: <mb1@x>\n\nbody one\n"
		   "From b@x Sun Jul 16 15:06:25 2023\nFrom: b@x\n"
		   "Subject: two\nMessage-ID: <mb2@x>\n\nbody two\n");
	n = split("nb.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0], "From: a@x\nSubject: one\n"
				     "Message-ID: <mb1@x>\n\nbody one\n");
	assert_string_equal(msgs[1], "From: b@x\nSubject: two\n"
				     "Message-ID: <mb2@x>\n\nbody two\n");
	free_all(msgs, n);
}

static void
test_body_from_lines_do_not_split(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	write_file("b.mbox", "From - Mon Jul 17 08:00:00 1997\r\n"
			     "Subject: one\r\n\r\n"
			     "From here on we use the new server.\r\n\r\n"
			     "From the desk of Bob Sun Jul 16 15:06:25 2023\r\n"
			     "From - Mon Jul 17 08:01:00 1997\r\n"
			     "Subject: two\r\n\r\nx\r\n\r\n");
	n = split("b.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0],
			    "Subject: one\n\nFrom here on we use the new "
			    "server.\n\nFrom the desk of Bob Sun Jul 16 "
			    "15:06:25 2023\n");
	assert_string_equal(msgs[1], "Subject: two\n\nx\n");
	free_all(msgs, n);
}

static void
test_bom_and_empty_lines_before_the_first_from_line(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	write_file("bom.mbox", "\xef\xbb\xbf\n \r\n"
			       "From a@x Sun Jul 16 15:06:25 2023\n"
			       "Subject: one\n\nx\n");
	assert_true(mbox_sniff("bom.mbox"));
	n = split("bom.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(msgs[0], "Subject: one\n\nx\n");
	free_all(msgs, n);
	/* Anything else first is not an mbox. */
	write_file("x.mbox", "\xef\xbb\xbfSubject: x\n\nFrom a@x Sun Jul 16 "
			     "15:06:25 2023\n");
	assert_false(mbox_sniff("x.mbox"));
	assert_int_equal(split("x.mbox", MBOX_RD, msgs, 8, &st), 0);
	assert_int_equal(st, MA_EDATA);
}

static void
test_empty_message_is_not_passed_on(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	write_file("e2.mbox", "From a@x Sun Jul 16 15:06:25 2023\n\n\n"
			      "From b@x Sun Jul 16 15:06:25 2023\n"
			      "Subject: b\n\nx\n");
	n = split("e2.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(n, 1);
	assert_string_equal(msgs[0], "Subject: b\n\nx\n");
	free_all(msgs, n);
}

static void
test_first_line_without_date_keeps_the_old_rule(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	write_file("lax.mbox", "From a@x\nSubject: one\n\nx\n"
			       "From b@x\nnot a message start\n\n"
			       "From c@x\nSubject: two\n\ny\n");
	n = split("lax.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[0], "Subject: one\n\nx\nFrom b@x\n"
				     "not a message start\n");
	assert_string_equal(msgs[1], "Subject: two\n\ny\n");
	free_all(msgs, n);
}

/* A message with a Content-Length and a forwarded mbox in its body. */
static void
write_cl_mbox(const char *path, const char *cl, const char *after)
{
	char text[1024];
	int k;

	k = snprintf(text, sizeof text,
		     "From a@x Sun Jul 16 15:06:25 2023\n"
		     "Subject: one\nContent-Length: %s\n\n"
		     "inner:\nFrom b@x Sun Jul 16 15:06:25 2023\n"
		     "Subject: inner\n\n%s",
		     cl, after);
	assert_true(k > 0 && (size_t)k < sizeof text);
	write_file(path, text);
}

static void
test_consistent_content_length_is_honoured(void **state)
{
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	/* 57 bytes: "inner:\n" ... "Subject: inner\n\n" */
	write_cl_mbox("cl1.mbox", "57", "");
	n = split("cl1.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(st, MA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(msgs[0],
			    "Subject: one\nContent-Length: 57\n\ninner:\n"
			    "From b@x Sun Jul 16 15:06:25 2023\n"
			    "Subject: inner\n\n");
	free_all(msgs, n);
	/* Then an empty line and the next message. */
	write_cl_mbox("cl2.mbox", "57",
		      "\nFrom c@x Sun Jul 16 15:06:25 2023\nSubject: c\n\nz\n");
	n = split("cl2.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(n, 2);
	assert_non_null(strstr(msgs[0], "Subject: inner\n\n"));
	assert_string_equal(msgs[1], "Subject: c\n\nz\n");
	free_all(msgs, n);
	/* Then the next message straight away. */
	write_cl_mbox("cl3.mbox", "57",
		      "From c@x Sun Jul 16 15:06:25 2023\nSubject: c\n\nz\n");
	n = split("cl3.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(n, 2);
	assert_string_equal(msgs[1], "Subject: c\n\nz\n");
	free_all(msgs, n);
}

static void
test_inconsistent_content_length_is_ignored(void **state)
{
	static const char *const bad[] = {
	    "56", "58", "10", "9999", "57 57", "x", "",
	};
	char *msgs[8];
	enum ma_status st;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_cl_mbox("clx.mbox", bad[i], "z\n");
		n = split("clx.mbox", MBOX_RD, msgs, 8, &st);
		assert_int_equal(st, MA_OK);
		if (n != 2)
			fail_msg("Content-Length '%s': %zu messages", bad[i],
				 n);
		assert_string_equal(msgs[1], "Subject: inner\n\nz\n");
		free_all(msgs, n);
	}
	/* Two Content-Length headers: neither is believed. */
	write_file("cl2h.mbox", "From a@x Sun Jul 16 15:06:25 2023\n"
				"Content-Length: 46\nContent-Length: 46\n\n"
				"From b@x Sun Jul 16 15:06:25 2023\n"
				"Subject: b\n\n");
	n = split("cl2h.mbox", MBOX_RD, msgs, 8, &st);
	assert_int_equal(n, 2);
	free_all(msgs, n);
}

/* A Content-Length body too long for the buffer: looked up in the file. */
static void
test_long_content_length_body(void **state)
{
	char *msgs[8], name[64], head[128];
	struct buf body;
	enum ma_status st;
	size_t n;
	int k;

	(void)state;
	buf_init(&body, 1 << 20);
	buf_adds(&body, "From b@x Sun Jul 16 15:06:25 2023\n");
	while (body.len < 3 * MBOX_PIECE)
		buf_adds(&body, "a body line of a forwarded mbox\n");
	k = snprintf(head, sizeof head, "Content-Length: %zu\n\n", body.len);
	assert_true(k > 0 && (size_t)k < sizeof head);
	for (int gz = 0; gz <= 1; gz++) {
		gzFile f;

		snprintf(name, sizeof name, "long%d.mbox", gz);
		f = gzopen(name, gz ? "wb" : "wbT");
		assert_non_null(f);
		gzprintf(f, "From a@x Sun Jul 16 15:06:25 2023\n%s", head);
		gzwrite(f, body.data, (unsigned)body.len);
		gzprintf(f, "\nFrom c@x Sun Jul 16 15:06:25 2023\nS: c\n\n");
		gzclose(f);
		n = split(name, MBOX_RD, msgs, 8, &st);
		assert_int_equal(st, MA_OK);
		assert_int_equal(n, 2);
		assert_int_equal(strlen(msgs[0]), (size_t)k + body.len);
		assert_string_equal(msgs[1], "S: c\n");
		free_all(msgs, n);
	}
	buf_release(&body);
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
	    cmocka_unit_test(test_envelope_lines_accepted),
	    cmocka_unit_test(test_envelope_lines_rejected),
	    cmocka_unit_test(test_from_line_without_blank_line_before_it),
	    cmocka_unit_test(test_body_from_lines_do_not_split),
	    cmocka_unit_test(
		test_bom_and_empty_lines_before_the_first_from_line),
	    cmocka_unit_test(test_empty_message_is_not_passed_on),
	    cmocka_unit_test(test_first_line_without_date_keeps_the_old_rule),
	    cmocka_unit_test(test_consistent_content_length_is_honoured),
	    cmocka_unit_test(test_inconsistent_content_length_is_ignored),
	    cmocka_unit_test(test_long_content_length_body),
	};

	log_init("mbox_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
