/*
 * Unit tests of a part whose Content-Type cannot be read as
 * "type/subtype" (RFC 2045 5.2: it is text/plain): its text on the page
 * is UTF-8, read in the charset it names or as charset.c guesses, never
 * its raw bytes (found by make fuzz-mime).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charset.h"
#include "mime.h"

#define HEAD "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"

#include "mime_parse.inc"

static void
assert_utf8_text(const struct mime_msg *m)
{
	assert_true(charset_is_utf8(m->body, m->body_len));
	assert_int_equal(strlen(m->body), m->body_len);
}

static void
test_bare_text_in_latin1(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: text\n\ncaf\xe9 au lait\n");

	(void)state;
	assert_utf8_text(m);
	assert_non_null(strstr(m->body, "caf\xc3\xa9 au lait"));
	mime_free(m);
}

static void
test_named_charset_is_used(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		       "Content-Type: application/x y; charset=iso-8859-7\n\n"
		       "\xe1\xe2\xe3 z\n--b--\n");

	(void)state;
	assert_utf8_text(m);
	assert_string_equal(m->body, "\xce\xb1\xce\xb2\xce\xb3 z");
	mime_free(m);
}

static void
test_binary_under_a_broken_type(void **state)
{
	/* A header folded into the type, as a damaged message has it; its
	 * content is binary (a TNEF stream's head), NUL bytes and all. */
	struct mime_msg *m = parse(
	    HEAD "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		 "Content-Type: application/Received: from mx (mx [192.0.2.1])"
		 "\nContent-Transfer-Encoding: base64\n\n"
		 "eJ8+IgAAAQaQCAAEAAAAAAABAAEAAQeQBgAIAAAA5AQAAAAAAADo/w==\n"
		 "--b--\n");

	(void)state;
	assert_utf8_text(m);
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bare_text_in_latin1),
	    cmocka_unit_test(test_named_charset_is_used),
	    cmocka_unit_test(test_binary_under_a_broken_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
