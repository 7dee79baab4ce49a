/*
 * Unit tests of the root of a multipart/related (lib/mime_related.c):
 * RFC 2387 3.2 makes the part that the "start" parameter names the root,
 * the part a reader shows; the page showed the first text part instead
 * and listed the root as a file. The other parts are the root's
 * resources: a text/plain one was the body, the HTML root its other
 * version.
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
	"From: a@rel.example\nSubject: related\nMIME-Version: 1.0\n"           \
	"Content-Type: multipart/related; boundary=r; type=text/html"

static void
test_start_names_the_second_part(void **state)
{
	struct mime_msg *m = parse(
	    HEAD
	    "; start=\"<root@rel.example>\"\n\n"
	    "--r\nContent-Type: text/html\nContent-ID: <inc@rel.example>\n\n"
	    "<p>the included fragment</p>\n"
	    "--r\nContent-Type: text/html\nContent-ID: <root@rel.example>\n\n"
	    "<p>the body of the letter</p>\n--r--\n");

	(void)state;
	assert_true(m->body_html);
	assert_non_null(strstr(m->body, "the body of the letter"));
	assert_null(strstr(m->body, "the included fragment"));
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

/* Without start, or with one that names no part, the first is the root. */
static void
test_no_start_is_the_first_part(void **state)
{
	static const char *const starts[] = {"",
					     "; start=\"<none@rel.example>\""};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char buf[1024];
		struct mime_msg *m;

		assert_true(
		    (size_t)snprintf(
			buf, sizeof buf,
			HEAD
			"%s\n\n"
			"--r\nContent-Type: text/html\n"
			"Content-ID: <a@rel.example>\n\n<p>first part</p>\n"
			"--r\nContent-Type: text/html\n"
			"Content-ID: <b@rel.example>\n\n<p>second part</p>\n"
			"--r--\n",
			starts[i]) < sizeof buf);
		m = parse(buf);
		assert_non_null(strstr(m->body, "first part"));
		assert_null(strstr(m->body, "second part"));
		mime_free(m);
	}
}

/* A picture first and the HTML root second: as before. */
static void
test_picture_first(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "; start=\"<root@rel.example>\"\n\n"
		 "--r\nContent-Type: image/png\nContent-ID: <p@rel.example>\n"
		 "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
		 "--r\nContent-Type: text/html\n"
		 "Content-ID: <root@rel.example>\n\n"
		 "<p>see <img src=\"cid:p@rel.example\"></p>\n--r--\n");

	(void)state;
	assert_true(m->body_html);
	assert_non_null(strstr(m->body, "see "));
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].type, "image/png");
	mime_free(m);
}

/* A text/plain resource before the HTML root: the root is the body (the
 * page showed the resource, the root offered as its HTML version); the
 * resource is a file, its text shown after the body. */
static void
test_plain_resource_before_the_root(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "; start=\"<root@rel.example>\"\n\n"
		       "--r\nContent-Type: text/plain\n"
		       "Content-ID: <inc@rel.example>\n\nresource text\n"
		       "--r\nContent-Type: text/html\n"
		       "Content-ID: <root@rel.example>\n\n"
		       "<p>the body of the letter</p>\n--r--\n");

	(void)state;
	assert_true(m->body_html);
	assert_false(m->has_alternative);
	assert_non_null(strstr(m->body, "the body of the letter"));
	assert_non_null(strstr(m->body, "resource text"));
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].type, "text/plain");
	mime_free(m);
}

/* Without start the first part is the root: a text/plain part after an
 * HTML root is its resource all the same. */
static void
test_plain_after_the_first_root(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "\n\n"
		       "--r\nContent-Type: text/html\n\n<p>the root</p>\n"
		       "--r\nContent-Type: text/plain\n\nafter it\n--r--\n");

	(void)state;
	assert_true(m->body_html);
	assert_true(strstr(m->body, "the root") < strstr(m->body, "after it"));
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

/* The root a multipart/alternative, a text/plain resource after it: the
 * alternative's plain text is the body, as before. */
static void
test_alternative_root(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "\n\n"
		 "--r\nContent-Type: multipart/alternative; boundary=a\n\n"
		 "--a\nContent-Type: text/plain\n\nplain body\n"
		 "--a\nContent-Type: text/html\n\n<p>html body</p>\n--a--\n"
		 "--r\nContent-Type: text/plain\n\nfooter\n--r--\n");

	(void)state;
	assert_false(m->body_html);
	assert_true(m->has_alternative);
	assert_true(strncmp(m->body, "plain body", 10) == 0);
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_start_names_the_second_part),
	    cmocka_unit_test(test_no_start_is_the_first_part),
	    cmocka_unit_test(test_picture_first),
	    cmocka_unit_test(test_plain_resource_before_the_root),
	    cmocka_unit_test(test_plain_after_the_first_root),
	    cmocka_unit_test(test_alternative_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
