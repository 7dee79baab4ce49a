/*
 * Unit tests of broken folds (lib/mime_fold.c): a line among the header
 * fields that is no field and starts without a blank, as clients that
 * split a long Subject or To write it. gmime dropped the line, so its
 * words were on no page; it is read as a continuation of the field above.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime.h"

#include "mime_parse.inc"

static void
test_subject_split_by_a_broken_client(void **state)
{
	struct mime_msg *m = parse(
	    "From: a@example.org\nSubject: Minutes of the meeting about the\n"
	    "budget for the second half\nTo: b@example.org\n"
	    "Message-ID: <f1@example.org>\n\ntext\n");

	(void)state;
	assert_string_equal(m->subject, "Minutes of the meeting about the "
					"budget for the second half");
	assert_int_equal(m->nto, 1);
	assert_string_equal(m->to[0].addr, "b@example.org");
	assert_string_equal(m->body, "text\n");
	mime_free(m);
}

static void
test_crlf_and_lines_that_look_like_no_field(void **state)
{
	/* A colon after a blank is no field name to gmime either; the
	 * broken line's own continuation lines come with it. */
	struct mime_msg *m =
	    parse("From: a@example.org\r\nSubject: one\r\ntwo 2: three\r\n"
		  "\tfour\r\nfive\r\nDate: Mon, 2 Jan 2023 10:00:00 +0000\r\n"
		  "\r\ntext\r\n");

	(void)state;
	assert_string_equal(m->subject, "one two 2: three\tfour five");
	mime_free(m);
}

static void
test_recipients_split_over_lines(void **state)
{
	struct mime_msg *m = parse("From: a@example.org\nTo: b@example.org,\n"
				   "c@example.org,\nD <d@example.org>\n"
				   "Subject: to\n\ntext\n");

	(void)state;
	assert_int_equal(m->nto, 3);
	assert_string_equal(m->to[1].addr, "c@example.org");
	assert_string_equal(m->to[2].name, "D");
	assert_string_equal(m->to[2].addr, "d@example.org");
	mime_free(m);
}

static void
test_text_after_the_last_field_is_still_the_body(void **state)
{
	/* No field after the line: the header had no blank line after it
	 * (mime_lost.c), and the line starts the body. */
	struct mime_msg *m = parse("From: a@example.org\nSubject: s\n"
				   "first line of text\nsecond\n");

	(void)state;
	assert_string_equal(m->subject, "s");
	assert_non_null(strstr(m->body, "first line of text"));
	mime_free(m);
}

static void
test_part_header_split(void **state)
{
	/* A part's file name split by a broken fold. */
	struct mime_msg *m =
	    parse("From: a@example.org\nSubject: s\nMIME-Version: 1.0\n"
		  "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		  "Content-Type: text/plain\n\nbody\n--b\n"
		  "Content-Type: application/octet-stream\n"
		  "Content-Disposition: attachment; filename=\"quarterly\n"
		  "report.pdf\"\nContent-Transfer-Encoding: base64\n\n"
		  "aGVsbG8=\n--b--\n");

	(void)state;
	assert_int_equal(m->natt, 1);
	assert_non_null(m->att[0].filename);
	assert_non_null(strstr(m->att[0].filename, "report.pdf"));
	mime_free(m);
}

static void
test_long_field_then_a_broken_fold(void **state)
{
	/* A Subject of 6,000 bytes, past the first read of the source. */
	char *text = malloc(8192), *subj = malloc(6001), *want = malloc(8192);
	struct mime_msg *m;

	(void)state;
	assert_non_null(text);
	assert_non_null(subj);
	assert_non_null(want);
	memset(subj, 's', 6000);
	subj[6000] = '\0';
	snprintf(text, 8192,
		 "From: a@example.org\nSubject: %s\nand its tail\n"
		 "To: b@example.org\n\nt\n",
		 subj);
	snprintf(want, 8192, "%s and its tail", subj);
	m = parse(text);
	assert_string_equal(m->subject, want);
	mime_free(m);
	free(text);
	free(subj);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_subject_split_by_a_broken_client),
	    cmocka_unit_test(test_crlf_and_lines_that_look_like_no_field),
	    cmocka_unit_test(test_recipients_split_over_lines),
	    cmocka_unit_test(test_text_after_the_last_field_is_still_the_body),
	    cmocka_unit_test(test_part_header_split),
	    cmocka_unit_test(test_long_field_then_a_broken_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
