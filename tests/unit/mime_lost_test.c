/*
 * Unit tests of text after a header with no blank line (lib/mime_lost.c):
 * which lines start the body, and what the page then shows.
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
#include "mime_int.h"

#include "mime_parse.inc"

static bool
lost(const char *s, size_t *at, size_t *end, size_t *body)
{
	return mime_lost_text((const unsigned char *)s, strlen(s), at, end,
			      body);
}

static void
test_which_lines_are_lost(void **state)
{
	const char *a = "From: a\nSubject: s\nno field here\nnor here\n";
	const char *b = "From: a\nSubject: s\nno field\nsecond\n\nthird\n";
	size_t at = 0, end = 0, body = 0;

	(void)state;
	assert_true(lost(a, &at, &end, &body));
	assert_int_equal(at, strlen("From: a\nSubject: s\n"));
	assert_int_equal(end, strlen(a));
	assert_int_equal(body, strlen(a));
	assert_true(lost(b, &at, &end, &body));
	assert_int_equal(end,
			 strlen("From: a\nSubject: s\nno field\nsecond\n"));
	assert_int_equal(body, end + 1);
	/* A field after the stray line, a folded line, "Name :", an mbox
	 * envelope line and a whole header: nothing is lost. */
	assert_false(
	    lost("From: a\nstray\nSubject: s\n\nx\n", &at, &end, &body));
	assert_false(
	    lost("Subject: a\n folded\nX-Y : z\n\nx\n", &at, &end, &body));
	assert_false(lost("From a@b Mon Jan  1 00:00:00 2024\nFrom: a\n\nx\n",
			  &at, &end, &body));
	assert_false(lost("From: a\r\nSubject: s\r\n\r\nno field\r\n", &at,
			  &end, &body));
}

static void
test_page_shows_the_lost_text(void **state)
{
	struct mime_msg *m =
	    parse("From: a@example.org\r\nSubject: gap\r\ncounter to the "
		  "rules\r\nsecond line\r\n");

	(void)state;
	assert_string_equal(m->subject, "gap");
	assert_non_null(strstr(m->body, "counter to the rules"));
	assert_non_null(strstr(m->body, "second line"));
	mime_free(m);
	m = parse("From: a@example.org\nSubject: gap\nlost one\n\nafter\n");
	assert_non_null(strstr(m->body, "lost one\n\nafter"));
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_which_lines_are_lost),
	    cmocka_unit_test(test_page_shows_the_lost_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
