/* Unit tests of the renderer's display rules: dates (lib/render/date.c),
 * header caps (entry.c) and body choice (lib/mime.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/render_int.h"

static time_t
parse(const char *s)
{
	time_t t = 0;

	assert_true(render_parse_date(s, &t));
	return t;
}

static void
test_date_rfc5322_and_comments(void **state)
{
	(void)state;
	assert_int_equal(parse("Mon, 2 Jan 2023 10:00:00 +0000"), 1672653600);
	assert_int_equal(parse("2 Jan 2023 10:00 +0000 (UTC)"), 1672653600);
	assert_int_equal(parse("  Mon,  2 Jan 2023 12:00:00 +0200"),
			 1672653600);
	assert_int_equal(parse("(c) Mon, 02 jan 2023 10:00:00 GMT"),
			 1672653600);
}

static void
test_date_obsolete_zones_any_case(void **state)
{
	(void)state;
	/* RFC 5322 4.3: EST is -0500, CST -0600..., any case. */
	assert_int_equal(parse("Mon, 1 Jan 2001 10:00:00 EST"), 978361200);
	assert_int_equal(parse("Mon, 1 Jan 2001 10:00:00 est"), 978361200);
	assert_int_equal(parse("Mon, 1 Jan 2001 10:00:00 cst"), 978364800);
	assert_int_equal(parse("Mon, 1 Jan 2001 10:00:00 PDT"), 978368400);
	/* Military zones mean -0000. */
	assert_int_equal(parse("Mon, 1 Jan 2001 10:00:00 Q"), 978343200);
}

static void
test_date_two_digit_years_and_pre_1970(void **state)
{
	(void)state;
	assert_int_equal(parse("1 Jan 01 10:00:00 +0000"), 978343200);
	assert_int_equal(parse("1 Jan 99 00:00:00 +0000"), 915148800);
	/* Before 1970: negative, and real. */
	assert_int_equal(parse("Mon, 1 Jan 1968 10:00:00 +0000"), -63122400);
	assert_int_equal(parse("31 Dec 1969 23:59:59 +0000"), -1);
	assert_int_equal(parse("1 Mar 1900 00:00:00 +0000"), -2203891200);
}

static void
test_date_absurd_is_refused(void **state)
{
	time_t t;

	(void)state;
	assert_false(render_parse_date("Mon, 1 Jan 99999 10:00:00 +0000", &t));
	assert_false(render_parse_date("garbage", &t));
	assert_false(render_parse_date("", &t));
	assert_false(render_parse_date("32 Jan 2001 10:00:00 +0000", &t));
	assert_false(render_parse_date("1 Foo 2001 10:00:00 +0000", &t));
	assert_false(render_parse_date("1 Jan 2001 25:00:00 +0000", &t));
	assert_false(render_parse_date("1 Jan 0999 10:00:00 +0000", &t));
}

static time_t
mail_date(const char *hdr, const char *path, enum date_src *src)
{
	return render_mail_date(hdr, strlen(hdr), path, src);
}

static void
test_mail_date_sources(void **state)
{
	enum date_src src;
	const char *recv =
	    "Received: from a by b;\n Tue, 3 Mar 2020 10:00:00 +0000\n";
	char hdr[512];

	(void)state;
	/* A sound Date wins. */
	snprintf(hdr, sizeof hdr, "%sDate: 2 Mar 2020 09:00 +0000\n\n", recv);
	assert_int_equal(mail_date(hdr, "x/1583229600.M1.h", &src), 1583139600);
	assert_int_equal(src, DATE_HEADER);
	/* None: the first Received (folded), marked as the server's. */
	snprintf(hdr, sizeof hdr, "%sReceived: x; 1 Jan 2019 00:00 +0000\n\n",
		 recv);
	assert_int_equal(mail_date(hdr, "x/1.M1.h", &src), 1583229600);
	assert_int_equal(src, DATE_RECEIVED);
	/* Years in the future of its arrival: the arrival. */
	snprintf(hdr, sizeof hdr, "%sDate: 1 Jan 2200 00:00 +0000\n\n", recv);
	assert_int_equal(mail_date(hdr, "x/1.M1.h", &src), 1583229600);
	assert_int_equal(src, DATE_RECEIVED);
	/* No Received either: the delivery time of the Maildir name. */
	assert_int_equal(mail_date("Date: 1 Jan 99999 00:00 +0000\n\n",
				   "cur/1583229600.M1P2.host:2,S", &src),
			 1583229600);
	assert_int_equal(src, DATE_DELIVERY);
	/* A Date in the body is not a header. */
	assert_int_equal(
	    mail_date("Subject: x\n\nDate: 1 Jan 2001 00:00 +0000\n",
		      "new/1583229600.M1.h", &src),
	    1583229600);
	assert_int_equal(src, DATE_DELIVERY);
	/* Before 1970 is kept. */
	assert_int_equal(mail_date("Date: 1 Jan 1968 10:00:00 +0000\r\n\r\n",
				   "new/1583229600.M1.h", &src),
			 -63122400);
	assert_int_equal(src, DATE_HEADER);
}

static void
test_month_of_pre_1970_and_bounds(void **state)
{
	char m[8];

	(void)state;
	render_month_of(-1, m);
	assert_string_equal(m, "1969/12");
	render_month_of(-63122400, m);
	assert_string_equal(m, "1968/01");
	render_month_of(1583229600, m);
	assert_string_equal(m, "2020/03");
}

static void
test_cap_never_cuts_utf8(void **state)
{
	char s[1024];
	char *c;

	(void)state;
	/* 300 two-byte characters: 200 kept, whole, then an ellipsis. */
	for (int i = 0; i < 300; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[600] = '\0';
	assert_int_equal(text_cap_len(s, 600, DISPLAY_CHARS), 400);
	assert_non_null(c = text_capped(s));
	assert_int_equal(strlen(c), 403);
	assert_memory_equal(c + 400, "\xe2\x80\xa6", 3);
	free(c);
	/* Short text is untouched. */
	assert_non_null(c = text_capped("short"));
	assert_string_equal(c, "short");
	free(c);
	/* Exactly the cap: no ellipsis. */
	memset(s, 'a', 200);
	s[200] = '\0';
	assert_non_null(c = text_capped(s));
	assert_int_equal(strlen(c), 200);
	free(c);
}

static struct mime_msg *
mparse(const char *text)
{
	struct mime_msg *m = NULL;

	assert_int_equal(mime_parse(text, strlen(text), "t", false, &m), MA_OK);
	return m;
}

static void
test_named_and_odd_text_parts_are_the_body(void **state)
{
	static const char *const cases[] = {
	    "Content-Type: text/plain; name=\"a.txt\"\n\nthe body\n",
	    "Content-Type: text\n\nthe body\n",
	    "Content-Type: /plain\n\nthe body\n",
	    "Content-Type: ;;; garbage\n\nthe body\n",
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\nContent-Disposition: inline; "
	    "filename=n.txt\n\nthe body\n--b--\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char msg[512];
		struct mime_msg *m;

		snprintf(msg, sizeof msg, "From: a@x\nSubject: s\n%s",
			 cases[i]);
		m = mparse(msg);
		assert_non_null(strstr(m->body, "the body"));
		assert_false(m->body_html);
		mime_free(m);
	}
}

static void
test_text_attachment_stays_attachment(void **state)
{
	struct mime_msg *m = mparse(
	    "From: a@x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\nmain\n--b\n"
	    "Content-Type: text/plain\nContent-Disposition: attachment; "
	    "filename=log.txt\n\nthe log\n--b--\n");

	(void)state;
	assert_string_equal(m->body, "main");
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].filename, "log.txt");
	mime_free(m);
}

static void
test_parts_past_the_cap_are_counted(void **state)
{
	GString *s = g_string_new("From: a@x\nMIME-Version: 1.0\n"
				  "Content-Type: multipart/mixed; boundary=b\n"
				  "\n--b\nContent-Type: text/plain\n\nfirst\n");
	struct mime_msg *m;

	(void)state;
	for (int i = 0; i < 1010; i++)
		g_string_append_printf(s,
				       "--b\nContent-Type: application/x-a\n"
				       "\n%d\n",
				       i);
	g_string_append(s, "--b--\n");
	m = mparse(s->str);
	/* The text was the first of 1011 children: a stack of 64 pending
	 * parts used to drop it. */
	assert_string_equal(m->body, "first");
	assert_int_equal(m->natt + 1 + m->parts_hidden, 1011);
	assert_true(m->parts_hidden > 0);
	mime_free(m);
	g_string_free(s, TRUE);
}

static void
test_from_text_when_no_address(void **state)
{
	struct mime_msg *m =
	    mparse("From: MAILER-DAEMON <>\nSubject: x\n\nb\n");

	(void)state;
	assert_string_equal(m->from_text, "MAILER-DAEMON <>");
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date_rfc5322_and_comments),
	    cmocka_unit_test(test_date_obsolete_zones_any_case),
	    cmocka_unit_test(test_date_two_digit_years_and_pre_1970),
	    cmocka_unit_test(test_date_absurd_is_refused),
	    cmocka_unit_test(test_mail_date_sources),
	    cmocka_unit_test(test_month_of_pre_1970_and_bounds),
	    cmocka_unit_test(test_cap_never_cuts_utf8),
	    cmocka_unit_test(test_named_and_odd_text_parts_are_the_body),
	    cmocka_unit_test(test_text_attachment_stays_attachment),
	    cmocka_unit_test(test_parts_past_the_cap_are_counted),
	    cmocka_unit_test(test_from_text_when_no_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
