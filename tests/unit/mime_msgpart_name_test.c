/*
 * Unit tests of the file name of a message nested as message/rfc822
 * (lib/mime.c message_part_filename()): a bounce that names the returned
 * message (Content-Disposition: attachment; filename="original
 * message.eml", or Content-Type: message/rfc822; name=orig.eml, as real
 * MTAs write) had it listed as its subject or "attachment-N.eml". The
 * name it was given is now the file's name; a part with none is still
 * named by its subject.
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

#define HEAD                                                                   \
	"From: MAILER-DAEMON@example.com\nTo: a@example.org\n"                 \
	"Subject: failure\nMIME-Version: 1.0\n"                                \
	"Content-Type: multipart/mixed; boundary=b\n\n"                        \
	"--b\nContent-Type: text/plain\n\nNot delivered.\n"
#define INNER "\nFrom: a@example.org\nSubject: the plan\n\nHello.\n"

static const char *
only_name(struct mime_msg *m)
{
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].type, "message/rfc822");
	assert_non_null(m->att[0].filename);
	return m->att[0].filename;
}

static void
test_disposition_filename(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: message/rfc822\n"
		       "Content-Disposition: attachment;\n"
		       " filename=\"original message.eml\"\n" INNER "--b--\n");

	(void)state;
	assert_string_equal(only_name(m), "original message.eml");
	mime_free(m);
}

static void
test_content_type_name_encoded(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: message/rfc822; charset=US-ASCII;\n"
		       " name*=utf-8''r%C3%A9sum%C3%A9.eml\n" INNER "--b--\n");

	(void)state;
	assert_string_equal(only_name(m), "r\xc3\xa9sum\xc3\xa9.eml");
	mime_free(m);
}

static void
test_unnamed_is_named_by_subject(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: message/rfc822\n" INNER "--b--\n");

	(void)state;
	assert_string_equal(only_name(m), "the plan.eml");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_disposition_filename),
	    cmocka_unit_test(test_content_type_name_encoded),
	    cmocka_unit_test(test_unnamed_is_named_by_subject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
