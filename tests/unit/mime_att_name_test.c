/*
 * Unit tests of attachment names as the page shows them: always UTF-8
 * (lib/mime_att.c mime_att_name()), whoever read them: gmime, which keeps
 * an RFC 2231 name in a charset it does not know as its raw bytes, or
 * the uuencode reader, which takes the name from the "begin" line (both
 * found by make fuzz-mime).
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
test_rfc2231_name_in_an_unknown_charset(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		 "Content-Type: text/plain; charset=utf-8\n\nthe text\n--b\n"
		 "Content-Type: application/pdf\n"
		 "Content-Disposition: attachment;\n"
		 " filename*=iso-88\x01"
		 "59-1'fr'r%E9sum%E9.pdf\n\nPDF\n--b--\n");

	(void)state;
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].filename, "r\xc3\xa9sum\xc3\xa9.pdf");
	mime_free(m);
}

static void
test_uuencoded_name_in_latin1(void **state)
{
	struct mime_msg *m = parse(HEAD "Content-Type: text/plain\n\n"
					"see the file\n\n"
					"begin 644 caf\xe9.txt\n"
					"#86)C\n`\nend\n");

	(void)state;
	assert_int_equal(m->natt, 1);
	assert_true(
	    charset_is_utf8(m->att[0].filename, strlen(m->att[0].filename)));
	assert_string_equal(m->att[0].filename, "caf\xc3\xa9.txt");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc2231_name_in_an_unknown_charset),
	    cmocka_unit_test(test_uuencoded_name_in_latin1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
