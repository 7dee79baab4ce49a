/*
 * Unit tests of a multipart without a boundary parameter
 * (lib/mime_unbounded.c): its text is shown, read with the boundary its
 * first "--" line gives, or as text/plain when there is none, instead of
 * "no text".
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

#define HEAD "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"

#include "mime_parse.inc"

static void
test_boundary_guessed_from_the_first_dash_line(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: multipart/mixed\n\n--x\n"
		 "Content-Type: text/plain; charset=utf-8\n\nGr\xc3\xbc\xc3\x9f"
		 "e, the text\n--x\nContent-Type: application/pdf; name=a.pdf\n"
		 "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--x--\n");

	(void)state;
	assert_string_equal(m->body, "Gr\xc3\xbc\xc3\x9f"
				     "e, the text");
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].filename, "a.pdf");
	assert_int_equal(m->att[0].size, 9);
	mime_free(m);
}

static void
test_no_dash_line_is_plain_text(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/alternative\n\n"
		       "only words here\n");

	(void)state;
	assert_non_null(strstr(m->body, "only words here"));
	assert_int_equal(m->natt, 0);
	mime_free(m);
}

static void
test_a_boundary_that_finds_no_part_is_plain_text(void **state)
{
	struct mime_msg *m = parse(HEAD "Content-Type: multipart/mixed\n\n"
					"-- \nsignature only\n--\n");

	(void)state;
	assert_non_null(strstr(m->body, "signature only"));
	mime_free(m);
}

static void
test_with_a_boundary_nothing_changes(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: multipart/mixed; boundary=b\n\n"
		 "preamble\n--b\nContent-Type: text/plain\n\nbody\n--b--\n");

	(void)state;
	assert_string_equal(m->body, "body");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boundary_guessed_from_the_first_dash_line),
	    cmocka_unit_test(test_no_dash_line_is_plain_text),
	    cmocka_unit_test(test_a_boundary_that_finds_no_part_is_plain_text),
	    cmocka_unit_test(test_with_a_boundary_nothing_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
