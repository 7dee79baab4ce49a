/*
 * Unit tests of a message attached with a transfer encoding (lib/mime.c
 * encoded_inner_filename()): RFC 2046 5.2.1 forbids base64 on
 * message/rfc822, bounces use it, and gmime then takes the part as an
 * opaque one. It was offered as "attachment-1.eml"; it is now named by
 * its subject, as other attached messages are, and its bytes are the
 * decoded message.
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
	"From: MAILER-DAEMON@example.com\nSubject: failure notice\n"           \
	"MIME-Version: 1.0\nContent-Type: multipart/report; "                  \
	"report-type=delivery-status; boundary=b\n\n--b\n"                     \
	"Content-Type: text/plain\n\nThe notice.\n--b\n"
/* "From: a@example.org\nSubject: Gr=C3=BC=C3=9Fe / plan\n\nthe text\n"
 * in base64, the subject an encoded word. */
#define INNER_B64                                                              \
	"RnJvbTogYUBleGFtcGxlLm9yZwpTdWJqZWN0OiA9P3V0Zi04P3E/R3I9QzM9QkM9"     \
	"QzM9OUZlPz0gLyBwbGFuCgp0aGUgdGV4dAo=\n"

static void
test_base64_message_named_by_its_subject(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: message/rfc822\n"
		 "Content-Transfer-Encoding: base64\n\n" INNER_B64 "--b--\n");

	(void)state;
	assert_string_equal(m->body, "The notice.");
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].type, "message/rfc822");
	assert_non_null(m->att[0].filename);
	assert_string_equal(m->att[0].filename, "Gr\xc3\xbc\xc3\x9f"
						"e _ plan.eml");
	assert_non_null(
	    memmem(m->att[0].data, m->att[0].size, "\n\nthe text\n", 11));
	mime_free(m);
}

static void
test_encoded_junk_stays_unnamed(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: message/rfc822\n"
		 "Content-Transfer-Encoding: base64\n\nAAAA\n--b\n"
		 "Content-Type: message/rfc822; name=kept.eml\n"
		 "Content-Transfer-Encoding: base64\n\n" INNER_B64 "--b--\n");

	(void)state;
	assert_int_equal(m->natt, 2);
	assert_null(m->att[0].filename);
	assert_string_equal(m->att[1].filename, "kept.eml");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base64_message_named_by_its_subject),
	    cmocka_unit_test(test_encoded_junk_stays_unnamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
