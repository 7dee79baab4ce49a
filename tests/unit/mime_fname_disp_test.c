/*
 * Unit tests of which header names a file (lib/mime_fname.c): the
 * Content-Disposition filename comes before the Content-Type name (RFC
 * 2183 2.3). Given as RFC 2231's one-piece filename*=, it was passed over
 * for a name in sections (name*0*=) in Content-Type: the page offered
 * "日part two.pdf" for "résumé.pdf" (the generator's rfc2231 class).
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
check(const char *fields, const char *want)
{
	char text[2048];
	struct mime_msg *m;
	int n = snprintf(text, sizeof text,
			 "From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
			 "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
			 "Content-Type: text/plain\n\nbody\n--b\n%s\n"
			 "Content-Transfer-Encoding: base64\n\nAAAA\n--b--\n",
			 fields);

	assert_true(n > 0 && (size_t)n < sizeof text);
	m = parse(text);
	assert_int_equal(m->natt, 1);
	assert_non_null(m->att[0].filename);
	assert_string_equal(m->att[0].filename, want);
	mime_free(m);
}

static void
test_extended_filename_beats_name_sections(void **state)
{
	(void)state;
	check("Content-Type: application/pdf;\n name*0*=UTF-8''%E6%97%A5;\n"
	      " name*1=\"part two.pdf\"\nContent-Disposition: attachment;\n"
	      " filename*=iso-8859-1'fr'r%E9sum%E9.pdf",
	      "r\xc3\xa9sum\xc3\xa9.pdf");
	check("Content-Type: application/pdf; name=\"\x8e\x91.pdf\"\n"
	      "Content-Disposition: attachment; filename* = "
	      "utf-8''a%20b.pdf",
	      "a b.pdf");
}

static void
test_name_sections_still_read_without_filename(void **state)
{
	(void)state;
	check("Content-Type: application/pdf;\n name*0*=UTF-8''%E6%97%A5;\n"
	      " name*1=\"part two.pdf\"\nContent-Disposition: attachment",
	      "\xe6\x97\xa5part two.pdf");
	check("Content-Type: application/pdf; name*0=\"x\"\n"
	      "Content-Disposition: attachment; filename*0*=utf-8''a; "
	      "filename*1=b.pdf",
	      "ab.pdf");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_extended_filename_beats_name_sections),
	    cmocka_unit_test(test_name_sections_still_read_without_filename),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
