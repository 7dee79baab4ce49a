/*
 * Unit tests of a digest's preamble (lib/mime.c digest_prologue()): a
 * list digest sent as multipart/digest alone may put its notice or its
 * table of contents before the first boundary. The page showed only the
 * digested messages' texts; it now shows the preamble above them. Other
 * multiparts' preambles ("This is a multi-part message in MIME format.")
 * stay hidden, and so does a digest's when the message has a text.
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

#define HEAD "From: list@example.com\nSubject: digest\nMIME-Version: 1.0\n"
#define ONE                                                                    \
	"--d\n\nFrom: a@example.org\nSubject: first\n\nthe first text\n"       \
	"--d\n\nFrom: b@example.org\nSubject: second\n\nthe second text\n"     \
	"--d--\n"

#include "mime_parse.inc"

static void
test_preamble_above_the_messages(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/digest; boundary=d\n\n"
		       "\nToday's topics:\n  1. first\n  2. second\n\n" ONE);
	const char *toc, *first, *second;

	(void)state;
	toc = strstr(m->body, "Today's topics:\n  1. first\n  2. second\n");
	first = strstr(m->body, "the first text");
	second = strstr(m->body, "the second text");
	assert_ptr_equal(toc, m->body);
	assert_non_null(first);
	assert_non_null(second);
	assert_true(toc < first && first < second);
	assert_non_null(strstr(m->body, "second\n\n----- Attached message"));
	assert_int_equal(m->natt, 2);
	mime_free(m);
}

static void
test_nested_digest_preamble_in_latin1(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: multipart/mixed; boundary=x\n\nThis is a "
		 "multi-part message in MIME format.\n--x\nContent-Type: "
		 "multipart/digest; boundary=d\n\nR\xe9sum\xe9 du jour\n" ONE
		 "--x--\n");

	(void)state;
	assert_non_null(strstr(m->body, "R\xc3\xa9sum\xc3\xa9 du jour\n"));
	assert_null(strstr(m->body, "multi-part message"));
	mime_free(m);
}

static void
test_mixed_preamble_stays_hidden(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: multipart/mixed; boundary=d\n\nThis is a "
		 "multi-part message in MIME format.\n--d\nContent-Type: "
		 "message/rfc822\n\nFrom: a@example.org\nSubject: first\n\n"
		 "the first text\n--d--\n");

	(void)state;
	assert_null(strstr(m->body, "multi-part message"));
	assert_non_null(strstr(m->body, "the first text"));
	mime_free(m);
}

static void
test_preamble_follows_own_text(void **state)
{
	/* Search finds the preamble (mime_extra_text()): the page shows it
	 * after the message's own text. */
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
		       "Content-Type: text/plain\n\nthe notice\n--x\n"
		       "Content-Type: multipart/digest; boundary=d\n\n"
		       "Topics\n" ONE "--x--\n");

	(void)state;
	assert_string_equal(m->body, "the notice\n\n"
				     "----- Digest preamble -----\nTopics\n");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_preamble_above_the_messages),
	    cmocka_unit_test(test_nested_digest_preamble_in_latin1),
	    cmocka_unit_test(test_mixed_preamble_stays_hidden),
	    cmocka_unit_test(test_preamble_follows_own_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
