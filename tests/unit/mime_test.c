/* Unit tests of lib/mime.c: charsets, format=flowed, parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mime.h"

static char path[64];

static struct mime_msg *
parse(const char *text, bool prefer_html)
{
	struct mime_msg *m = NULL;
	FILE *f;

	snprintf(path, sizeof path, "mime-test.%ld.eml", (long)getpid());
	assert_non_null(f = fopen(path, "wb"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(mime_open(path, prefer_html, &m), MA_OK);
	unlink(path);
	return m;
}

static void
test_iso_2022_jp(void **state)
{
	/* "日本語" in ISO-2022-JP, subject in RFC 2047 B encoding. */
	struct mime_msg *m =
	    parse("From: =?ISO-2022-JP?B?GyRCRURDZhsoQg==?= <t@x>\n"
		  "Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\n"
		  "Content-Type: text/plain; charset=ISO-2022-JP\n\n"
		  "\x1b$BF|K\\8l\x1b(B\n",
		  false);

	(void)state;
	assert_string_equal(m->subject, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	assert_string_equal(m->from[0].name, "\xe7\x94\xb0\xe4\xb8\xad");
	assert_string_equal(m->body, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n");
	mime_free(m);
}

static void
test_shift_jis_base64(void **state)
{
	/* "日本語" in Shift_JIS is 93 FA 96 7B 8C EA: base64 k/qWe4zq. */
	struct mime_msg *m =
	    parse("Subject: x\nMIME-Version: 1.0\n"
		  "Content-Type: text/plain; charset=Shift_JIS\n"
		  "Content-Transfer-Encoding: base64\n\nk/qWe4zq\n",
		  false);

	(void)state;
	assert_string_equal(m->body, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	mime_free(m);
}

static void
test_flowed_is_joined(void **state)
{
	struct mime_msg *m =
	    parse("Subject: x\nContent-Type: text/plain; charset=utf-8; "
		  "format=flowed; delsp=yes\n\n"
		  "one two \nthree\n> quoted \n> more\n plain\n-- \nsig\n",
		  false);

	(void)state;
	assert_string_equal(m->body, "one twothree\n> quotedmore\nplain\n"
				     "-- \nsig\n");
	mime_free(m);
}

static void
test_alternative_follows_preference(void **state)
{
	const char *t =
	    "Subject: x\nMIME-Version: 1.0\nContent-Type: "
	    "multipart/alternative; boundary=b\n\n--b\nContent-Type: "
	    "text/plain\n\nplain\n--b\nContent-Type: text/html\n\n"
	    "<p>html</p>\n--b--\n";
	struct mime_msg *m = parse(t, false);

	(void)state;
	assert_false(m->body_html);
	assert_true(m->has_alternative);
	assert_string_equal(m->body, "plain");
	assert_int_equal(m->natt, 0);
	mime_free(m);
	m = parse(t, true);
	assert_true(m->body_html);
	assert_string_equal(m->body, "<p>html</p>");
	mime_free(m);
}

static void
test_attachment_rfc2231_name_and_hash(void **state)
{
	struct mime_msg *m = parse(
	    "Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n\nbody\n--b\n"
	    "Content-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename*=UTF-8''"
	    "%E8%A6%8B%E7%A9%8D.txt\nContent-ID: <c1@x>\n"
	    "Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b--\n",
	    false);

	(void)state;
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].filename, "\xe8\xa6\x8b\xe7\xa9\x8d.txt");
	assert_string_equal(m->att[0].type, "application/octet-stream");
	assert_string_equal(m->att[0].cid, "c1@x");
	assert_int_equal(m->att[0].size, 5);
	assert_memory_equal(m->att[0].data, "hello", 5);
	/* sha256("hello") */
	assert_string_equal(m->att[0].sha256,
			    "2cf24dba5fb0a30e26e83b2ac5b9e29e"
			    "1b161e5c1fa7425e73043362938b9824");
	mime_free(m);
}

static void
test_not_a_message(void **state)
{
	struct mime_msg *m = NULL;

	(void)state;
	assert_int_equal(mime_open("/nonexistent/x.eml", false, &m),
			 MA_ENOTFOUND);
	assert_null(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_iso_2022_jp),
	    cmocka_unit_test(test_shift_jis_base64),
	    cmocka_unit_test(test_flowed_is_joined),
	    cmocka_unit_test(test_alternative_follows_preference),
	    cmocka_unit_test(test_attachment_rfc2231_name_and_hash),
	    cmocka_unit_test(test_not_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
