/*
 * Unit tests of a report's status part shown as text (lib/mime_report.c):
 * a bounce's message/delivery-status says which address failed and why;
 * it was only a file "attachment-1.bin". It is now shown after the
 * notice (in text, or as a <pre> after an HTML notice), and it stays
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

#define HEAD                                                                   \
	"From: MAILER-DAEMON@mx.example.com\nSubject: bounce\n"                \
	"MIME-Version: 1.0\nContent-Type: multipart/report; "                  \
	"report-type=delivery-status; boundary=b\n\n"
#define STATUS                                                                 \
	"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; "      \
	"nobody@example.org\nAction: failed\nStatus: 5.1.1\n"                  \
	"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient "    \
	"address rejected\n"

#include "mime_parse.inc"

static void
test_status_follows_the_notice(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: text/plain\n\nThe notice.\n--b\n"
		       "Content-Type: message/delivery-status\n\n" STATUS
		       "\n--b\nContent-Type: message/rfc822\n\nFrom: a@b.c\n"
		       "Subject: orig\n\nthe original\n--b--\n");
	const char *notice, *title, *diag;

	(void)state;
	notice = strstr(m->body, "The notice.");
	title = strstr(m->body, "----- Delivery report -----\n");
	diag = strstr(m->body, "Recipient address rejected");
	assert_non_null(notice);
	assert_non_null(title);
	assert_non_null(diag);
	assert_true(notice < title && title < diag);
	assert_false(m->body_html);
	assert_int_equal(m->body_len, strlen(m->body));
	/* The part is still a file, and so is the original. */
	assert_int_equal(m->natt, 2);
	assert_string_equal(m->att[0].type, "message/delivery-status");
	assert_string_equal(m->att[1].type, "message/rfc822");
	mime_free(m);
}

static void
test_status_after_html_notice_is_escaped(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: text/html\n\n<p>Not delivered.</p>\n"
		       "--b\nContent-Type: message/delivery-status\n\n" STATUS
		       "--b--\n");

	(void)state;
	assert_true(m->body_html);
	assert_non_null(strstr(m->body, "<p>Not delivered.</p>"));
	assert_non_null(strstr(m->body, "<pre>Reporting-MTA"));
	assert_non_null(strstr(m->body, "&lt;nobody@example.org&gt;"));
	assert_null(strstr(m->body, "<nobody@"));
	mime_free(m);
}

static void
test_status_alone_is_the_text(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "--b\nContent-Type: message/global-delivery-status\n"
		 "Content-Transfer-Encoding: base64\n\n"
		 /* "Final-Recipient: utf-8; zo\u00eb@example.org\n" */
		 "RmluYWwtUmVjaXBpZW50OiB1dGYtODsgem/Dq0BleGFtcGxlLm9yZwo=\n"
		 "--b--\n");

	(void)state;
	assert_string_equal(m->body, "----- Delivery report -----\n"
				     "Final-Recipient: utf-8; zo\xc3\xab"
				     "@example.org\n");
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

static void
test_read_receipt_is_shown(void **state)
{
	struct mime_msg *m = parse(
	    "From: a@example.com\nSubject: Read: s\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=disposition-"
	    "notification; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
	    "Your message was read.\n--b\nContent-Type: message/disposition-"
	    "notification\n\nFinal-Recipient: rfc822; a@example.com\n"
	    "Disposition: manual-action/MDN-sent-manually; displayed\n--b--\n");

	(void)state;
	assert_non_null(strstr(m->body, "----- Disposition notification "
					"-----\nFinal-Recipient"));
	assert_non_null(strstr(m->body, "; displayed"));
	mime_free(m);
}

static void
test_attachment_or_blank_status_is_not_shown(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: text/plain\n\nThe notice.\n--b\n"
		       "Content-Type: message/delivery-status\n"
		       "Content-Disposition: attachment\n\n" STATUS "--b\n"
		       "Content-Type: message/delivery-status\n\n\n\n--b--\n");

	(void)state;
	assert_null(strstr(m->body, "Delivery report"));
	assert_int_equal(m->natt, 2);
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_follows_the_notice),
	    cmocka_unit_test(test_status_after_html_notice_is_escaped),
	    cmocka_unit_test(test_status_alone_is_the_text),
	    cmocka_unit_test(test_read_receipt_is_shown),
	    cmocka_unit_test(test_attachment_or_blank_status_is_not_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
