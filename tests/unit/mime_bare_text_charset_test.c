/*
 * Unit tests of the charset of a part whose Content-Type is the bare
 * "text; charset=X" some mailers write (lib/mime.c part_charset()): RFC
 * 2045 5.2 reads it as text/plain, and it was shown so, but gmime drops
 * the parameters of a type it cannot read, so the text was guessed
 * (KOI8-R shown as Latin-1 letters). The charset it names is read from
 * the header as written.
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

#define HEAD "From: a@example.org\nSubject: bare\nMIME-Version: 1.0\n"
/* "Привет" in KOI8-R and in UTF-8 */
#define KOI8 "\xf0\xd2\xc9\xd7\xc5\xd4"
#define UTF8 "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"

static void
test_bare_text_names_its_charset(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: text; charset=koi8-r\n\n" KOI8 " mir\n");

	(void)state;
	assert_non_null(strstr(m->body, UTF8 " mir"));
	mime_free(m);
	m = parse(HEAD "Content-Type: text ; format=fixed;\n"
		       " charset=\"KOI8-R\"\n\n" KOI8 "\n");
	assert_non_null(strstr(m->body, UTF8));
	mime_free(m);
}

static void
test_bare_text_part_in_a_multipart(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		       "Content-Type: text;charset=koi8-r\n"
		       "Content-Transfer-Encoding: 8bit\n\n" KOI8 "\n--b--\n");

	(void)state;
	assert_non_null(strstr(m->body, UTF8));
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bare_text_names_its_charset),
	    cmocka_unit_test(test_bare_text_part_in_a_multipart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
