/*
 * Unit tests of the body of a message whose only text is of a subtype
 * other than plain and HTML (lib/mime.c other_text()): RFC 2046 4.1.4
 * reads it as text/plain, so an invitation that is text/calendar alone
 * is shown, not "no text", and stays listed as a file.
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
#define ICS                                                                    \
	"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Budget review\n"               \
	"END:VEVENT\nEND:VCALENDAR\n"

#include "mime_parse.inc"

static void
test_calendar_alone_is_the_text(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: text/calendar; charset=utf-8; "
		       "method=REQUEST\n\n" ICS);

	(void)state;
	assert_non_null(strstr(m->body, "SUMMARY:Budget review"));
	assert_false(m->body_html);
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].type, "text/calendar");
	mime_free(m);
}

static void
test_patch_inline_in_multipart_is_the_text(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		       "Content-Type: text/x-patch; charset=utf-8\n"
		       "Content-Disposition: inline; filename=fix.patch\n\n"
		       "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n--b\n"
		       "Content-Type: image/png\n\nAAAA\n--b--\n");

	(void)state;
	assert_non_null(strstr(m->body, "+new"));
	assert_int_equal(m->natt, 2);
	mime_free(m);
}

static void
test_plain_still_wins(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		       "Content-Type: text/calendar\n\n" ICS "--b\n"
		       "Content-Type: text/plain\n\nthe text\n--b--\n");

	(void)state;
	assert_string_equal(m->body, "the text");
	mime_free(m);
}

static void
test_text_marked_attachment_is_not_the_text(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		       "Content-Type: text/calendar\n"
		       "Content-Disposition: attachment; filename=i.ics\n\n" ICS
		       "--b--\n");

	(void)state;
	assert_null(strstr(m->body, "SUMMARY"));
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_calendar_alone_is_the_text),
	    cmocka_unit_test(test_patch_inline_in_multipart_is_the_text),
	    cmocka_unit_test(test_plain_still_wins),
	    cmocka_unit_test(test_text_marked_attachment_is_not_the_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
