/*
 * Unit tests of a message whose only content is a message/rfc822 sent
 * with a transfer encoding (lib/mime.c carried_message()): RFC 2046
 * 5.2.1 forbids base64 there, forwarders and bounces use it, and gmime
 * then takes the part as an opaque one. The page said "no text" while
 * listing the message; it now shows the inner message's text, as it does
 * for a message attached without an encoding.
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

/* "From: a@example.org\nSubject: Gr=C3=BC=C3=9Fe / plan\n\nthe text\n"
 * in base64, the subject an encoded word. */
#define INNER_B64                                                              \
	"RnJvbTogYUBleGFtcGxlLm9yZwpTdWJqZWN0OiA9P3V0Zi04P3E/R3I9QzM9QkM9"     \
	"QzM9OUZlPz0gLyBwbGFuCgp0aGUgdGV4dAo=\n"

static void
test_whole_message_base64_rfc822_shows_its_text(void **state)
{
	struct mime_msg *m =
	    parse("From: fwd@example.com\nSubject: fwd\n"
		  "MIME-Version: 1.0\n"
		  "Content-Type: message/rfc822\n"
		  "Content-Transfer-Encoding: base64\n\n" INNER_B64);

	(void)state;
	assert_non_null(strstr(m->body, "----- Attached message -----\n"
					"From: a@example.org\n"));
	assert_non_null(strstr(m->body, "\n\nthe text\n"));
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

static void
test_only_part_base64_rfc822_shows_its_text(void **state)
{
	struct mime_msg *m =
	    parse("From: fwd@example.com\nSubject: fwd\nMIME-Version: 1.0\n"
		  "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		  "Content-Type: message/rfc822\n"
		  "Content-Transfer-Encoding: base64\n\n" INNER_B64 "--b--\n");

	(void)state;
	assert_non_null(strstr(m->body, "Subject: Gr\xc3\xbc\xc3\x9f"
					"e / plan\n\nthe text\n"));
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].type, "message/rfc822");
	mime_free(m);
}

static void
test_encoded_junk_is_still_no_text(void **state)
{
	struct mime_msg *m =
	    parse("From: fwd@example.com\nSubject: fwd\nMIME-Version: 1.0\n"
		  "Content-Type: message/rfc822\n"
		  "Content-Transfer-Encoding: base64\n\nAAAA\n");

	(void)state;
	assert_string_equal(m->body, "");
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_message_base64_rfc822_shows_its_text),
	    cmocka_unit_test(test_only_part_base64_rfc822_shows_its_text),
	    cmocka_unit_test(test_encoded_junk_is_still_no_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
