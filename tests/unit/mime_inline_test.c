/*
 * Unit tests of inline text parts past the body (lib/mime.c
 * inline_texts()): a mailing list's footer or the text after a picture
 * was only a file "attachment-N.txt" while search found its words (real
 * mail: Python's email tests, hyperkitty's and mailman's fixtures). It is
 * now shown after the body, and stays listed as a file.
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
	"From: a@example.org\nTo: list@example.org\nSubject: inline\n"         \
	"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
#define FOOTER                                                                 \
	"--b\nContent-Type: text/plain; charset=utf-8\n"                       \
	"Content-Disposition: inline\n\n"                                      \
	"devel mailing list\nGr\xc3\xbc\xc3\x9f"                               \
	"e from the footer\n"

static struct mime_msg *
parse_html(const char *text)
{
	struct mime_msg *m = NULL;

	assert_int_equal(mime_parse(text, strlen(text), "test", true, &m),
			 MA_OK);
	return m;
}

static void
test_footer_follows_the_body(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: text/plain\n\nThe body.\n" FOOTER
		       "--b--\n");
	const char *body, *foot;

	(void)state;
	body = strstr(m->body, "The body.");
	foot = strstr(m->body, "devel mailing list\nGr\xc3\xbc\xc3\x9f"
			       "e from the footer");
	assert_non_null(body);
	assert_non_null(foot);
	assert_true(body < foot);
	assert_false(m->body_html);
	assert_int_equal(m->natt, 1); /* still a file */
	mime_free(m);
}

static void
test_text_after_a_picture_and_a_named_inline_text(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: text/plain\n\nA text/plain part\n"
		       "--b\nContent-Type: image/gif; name=fish.gif\n"
		       "Content-Transfer-Encoding: base64\n"
		       "Content-Disposition: attachment; filename=fish.gif\n\n"
		       "R0lGODlhAQABAAAAACw=\n"
		       "--b\nContent-Type: text/plain; name=notes.txt\n"
		       "Content-Disposition: inline; filename=notes.txt\n\n"
		       "This is the dingus fish.\n--b--\n");

	(void)state;
	assert_non_null(strstr(m->body, "A text/plain part"));
	assert_non_null(strstr(m->body, "notes.txt"));
	assert_non_null(strstr(m->body, "This is the dingus fish."));
	assert_int_equal(m->natt, 2);
	mime_free(m);
}

static void
test_attachment_and_alternative_are_not_added(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "--b\nContent-Type: multipart/alternative; boundary=a\n\n"
		 "--a\nContent-Type: text/plain\n\nPlain words.\n"
		 "--a\nContent-Type: text/plain; format=other\n\nOther way.\n"
		 "--a\nContent-Type: text/html\n\n<p>Html words.</p>\n--a--\n"
		 "--b\nContent-Type: text/plain\n"
		 "Content-Disposition: attachment; filename=log.txt\n\n"
		 "A log file.\n--b--\n");

	(void)state;
	assert_non_null(strstr(m->body, "Plain words."));
	assert_null(strstr(m->body, "Other way."));
	assert_null(strstr(m->body, "Html words."));
	assert_null(strstr(m->body, "A log file."));
	mime_free(m);
}

static void
test_footer_after_html_body_is_escaped(void **state)
{
	struct mime_msg *m = parse_html(
	    HEAD "--b\nContent-Type: multipart/alternative; boundary=a\n\n"
		 "--a\nContent-Type: text/plain\n\nPlain words.\n"
		 "--a\nContent-Type: text/html\n\n<p>Html words.</p>\n--a--\n"
		 "--b\nContent-Type: text/plain\n\nFoot <x> & co.\n--b--\n");

	(void)state;
	assert_true(m->body_html);
	assert_non_null(strstr(m->body, "<p>Html words.</p>"));
	assert_null(strstr(m->body, "Plain words."));
	assert_non_null(strstr(m->body, "<pre>Foot &lt;x&gt; &amp; co."));
	mime_free(m);
}

static void
test_repeated_text_is_shown_once(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "--b\nContent-Type: text/plain\n\nSame words "
		       "here.\n--b\nContent-Type: text/plain\n\n"
		       "Same words\n  here.\n--b\nContent-Type: "
		       "text/plain\n\n \n\n--b--\n");

	(void)state;
	assert_non_null(strstr(m->body, "Same words here."));
	assert_null(strstr(m->body, "Inline text"));
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_footer_follows_the_body),
	    cmocka_unit_test(test_text_after_a_picture_and_a_named_inline_text),
	    cmocka_unit_test(test_attachment_and_alternative_are_not_added),
	    cmocka_unit_test(test_footer_after_html_body_is_escaped),
	    cmocka_unit_test(test_repeated_text_is_shown_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
