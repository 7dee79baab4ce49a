/*
 * Unit tests of a bounce's text/rfc822-headers (RFC 6522 3) shown as
 * text (lib/mime_report.c): the returned message's header said whom the
 * mail was for and when, and was only a file "attachment-N.bin". It is
 * now shown after the notice, as the delivery status is, and it stays
 * listed as a file.
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
	"From: MAILER-DAEMON@mx.example.com\nSubject: bounce\n"                \
	"MIME-Version: 1.0\nContent-Type: multipart/report; "                  \
	"report-type=delivery-status; boundary=b\n\n"
#define ORIG                                                                   \
	"From: a@example.org\nTo: nobody@example.org\n"                        \
	"Subject: the lost plan\nMessage-ID: <lost.1@example.org>\n"

static void
test_returned_headers_follow_the_status(void **state)
{
	struct mime_msg *m = parse(
	    HEAD
	    "--b\nContent-Type: text/plain\n\nThe notice.\n--b\n"
	    "Content-Type: message/delivery-status\n\nReporting-MTA: dns; "
	    "mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.org\n"
	    "Action: failed\nStatus: 5.1.1\n\n--b\n"
	    "Content-Type: text/rfc822-headers\n\n" ORIG "--b--\n");
	const char *status, *title, *subj;

	(void)state;
	status = strstr(m->body, "Status: 5.1.1");
	title = strstr(m->body, "----- Returned message headers -----\n");
	subj = strstr(m->body, "Subject: the lost plan\n");
	assert_non_null(status);
	assert_non_null(title);
	assert_non_null(subj);
	assert_true(status < title && title < subj);
	assert_int_equal(m->natt, 2);
	assert_string_equal(m->att[1].type, "text/rfc822-headers");
	mime_free(m);
}

static void
test_returned_headers_after_html_notice_are_escaped(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "--b\nContent-Type: text/html\n\n<p>Not delivered.</p>\n"
		 "--b\nContent-Type: text/rfc822-headers\n\n" ORIG "--b--\n");

	(void)state;
	assert_true(m->body_html);
	assert_non_null(strstr(m->body, "<pre>From: a@example.org"));
	assert_non_null(strstr(m->body, "&lt;lost.1@example.org&gt;"));
	mime_free(m);
}

static void
test_returned_headers_alone_are_shown_once(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "--b\nContent-Type: text/rfc822-headers\n\n" ORIG "--b--\n");
	const char *subj;

	(void)state;
	subj = strstr(m->body, "Subject: the lost plan\n");
	assert_non_null(subj);
	assert_null(strstr(subj + 1, "Subject: the lost plan"));
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

static void
test_marked_attachment_stays_a_file(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: text/plain\n\nThe notice.\n--b\n"
		       "Content-Type: text/rfc822-headers\n"
		       "Content-Disposition: attachment\n\n" ORIG "--b--\n");

	(void)state;
	assert_string_equal(m->body, "The notice.");
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_returned_headers_follow_the_status),
	    cmocka_unit_test(
		test_returned_headers_after_html_notice_are_escaped),
	    cmocka_unit_test(test_returned_headers_alone_are_shown_once),
	    cmocka_unit_test(test_marked_attachment_stays_a_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
