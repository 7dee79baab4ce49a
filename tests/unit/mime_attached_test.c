/*
 * Unit tests of messages carried by messages (lib/mime.c): a forward as
 * attachment or a digest with no text of its own is shown with the text
 * of the messages it carries, and each such message is named by its
 * subject.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime.h"

#include "mime_parse.inc"

#define INNER(subj, body)                                                      \
	"From: Rui <rui@example.org>\nSubject: " subj "\n"                     \
	"Message-ID: <" subj "@example.org>\n"                                 \
	"Content-Type: text/plain; charset=utf-8\n\n" body "\n"

static void
test_forward_as_attachment_shows_its_text(void **state)
{
	struct mime_msg *m;

	(void)state;
	m = parse("From: a@example.com\nSubject: Fwd: plan\nMIME-Version: "
		  "1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
		  "--b\nContent-Type: message/rfc822\n\n" INNER(
		      "plan/v2", "The plan, second draft.") "\n--b--\n");
	assert_false(m->body_html);
	assert_non_null(strstr(m->body, "----- Attached message -----\n"
					"From: Rui <rui@example.org>\n"
					"Subject: plan/v2\n\n"
					"The plan, second draft.\n"));
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].type, "message/rfc822");
	/* Named by its subject, never a path. */
	assert_string_equal(m->att[0].filename, "plan_v2.eml");
	mime_free(m);
}

static void
test_digest_shows_each_message_with_text(void **state)
{
	struct mime_msg *m;
	const char *one, *two;

	(void)state;
	m = parse("From: list@example.com\nSubject: digest 12\nMIME-Version: "
		  "1.0\nContent-Type: multipart/digest; boundary=d\n\n"
		  "preamble\n--d\n\n" INNER(
		      "one", "First.") "\n--d\n\n"
				       "\n--d\n\n" INNER(
					   "two", "Second.") "\n--d--\n");
	one = strstr(m->body, "Subject: one\n\nFirst.\n");
	two = strstr(m->body, "Subject: two\n\nSecond.\n");
	assert_non_null(one);
	assert_non_null(two);
	assert_true(one < two);
	assert_int_equal(m->natt, 3);
	mime_free(m);
}

static void
test_own_text_is_the_body(void **state)
{
	struct mime_msg *m;

	(void)state;
	m = parse("From: a@example.com\nSubject: see below\nMIME-Version: "
		  "1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
		  "--b\nContent-Type: text/plain\n\nMy own words.\n"
		  "--b\nContent-Type: message/rfc822\n\n" INNER(
		      "old", "Old text.") "\n--b--\n");
	assert_string_equal(m->body, "My own words.");
	assert_string_equal(m->att[0].filename, "old.eml");
	mime_free(m);
}

static void
test_blank_subject_keeps_no_name(void **state)
{
	struct mime_msg *m;

	(void)state;
	m = parse("From: a@example.com\nSubject: fwd\nMIME-Version: 1.0\n"
		  "Content-Type: message/rfc822\n\nFrom: x@example.org\n"
		  "Subject:  \n\n\n");
	assert_int_equal(m->natt, 1);
	assert_null(m->att[0].filename);
	/* Nothing to show: no text. */
	assert_string_equal(m->body, "");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forward_as_attachment_shows_its_text),
	    cmocka_unit_test(test_digest_shows_each_message_with_text),
	    cmocka_unit_test(test_own_text_is_the_body),
	    cmocka_unit_test(test_blank_subject_keeps_no_name),
	};

	mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
