/*
 * Unit tests of an HTML body that shows nothing (lib/mime_html.c,
 * lib/html_hidden.c): a Klez-style message whose <iframe> is never
 * closed, or whose HTML is only markup a browser hides, had a page with
 * an empty frame while the message had text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"
#include "mime.h"

#include "mime_parse.inc"

#define HEAD "From: k@klez.example\nSubject: hidden\nMIME-Version: 1.0\n"

static void
test_unclosed_iframe_text_is_the_body(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: text/html; charset=us-ascii\n\n"
		       "<html><body><iframe src=cid:x.exe height=0 width=0>\n"
		       "<p>Dear friend, the &amp; minutes are attached.</p>\n"
		       "<p>Regards, Ann</p></body></html>\n");

	(void)state;
	assert_false(m->body_html);
	assert_true(m->html_blank);
	assert_non_null(strstr(m->body, "Dear friend, the & minutes"));
	assert_non_null(strstr(m->body, "Regards, Ann"));
	assert_null(strstr(m->body, "<p>"));
	mime_free(m);
}

static void
test_hidden_html_gives_way_to_plain_alternative(void **state)
{
	struct mime_msg *m = NULL;
	const char *t =
	    HEAD "Content-Type: multipart/alternative; boundary=b\n\n"
		 "--b\nContent-Type: text/plain\n\nthe plain words\n"
		 "--b\nContent-Type: text/html\n\n"
		 "<html><head><title>t</title></head><body>"
		 "<noscript>the html words</noscript></body></html>\n"
		 "--b--\n";

	(void)state;
	assert_int_equal(mime_parse(t, strlen(t), "test", true, &m), MA_OK);
	assert_false(m->body_html);
	assert_non_null(strstr(m->body, "the plain words"));
	mime_free(m);
}

static void
test_title_only_html_shows_its_title(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: text/html\n\n"
		       "<html><head><title>Meeting at noon</title></head>"
		       "<body>&nbsp;\xe2\x80\x8b<script>var x='no';</script>"
		       "</body></html>\n");

	(void)state;
	assert_false(m->body_html);
	assert_non_null(strstr(m->body, "Meeting at noon"));
	assert_null(strstr(m->body, "var x"));
	mime_free(m);
}

static void
test_markup_only_html_has_no_text(void **state)
{
	struct mime_msg *m = parse(
	    HEAD "Content-Type: text/html\n\n"
		 "<html><body><iframe src=cid:x></iframe></body></html>\n");

	(void)state;
	assert_int_equal(m->body_len, 0);
	assert_true(m->html_blank);
	mime_free(m);
}

static void
test_visible_html_stays(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Content-Type: text/html\n\n"
		       "<p>shown</p><iframe src=cid:x></iframe>\n");
	struct mime_msg *img =
	    parse(HEAD "Content-Type: text/html\n\n"
		       "<img src=\"http://img.example/a.png\">\n");

	(void)state;
	assert_true(m->body_html);
	assert_true(img->body_html);
	assert_false(m->html_blank);
	mime_free(m);
	mime_free(img);
}

static void
test_shows_text(void **state)
{
	(void)state;
	assert_false(html_shows_text("<iframe>a", 9));
	assert_false(html_shows_text(" &nbsp; ", 8));
	assert_true(html_shows_text("<b>&lt;</b>", 11));
	assert_true(html_shows_text("<iframe></iframe>x", 18));
}

static bool
shows(const char *h)
{
	return html_shows_text(h, strlen(h));
}

/* The quick scan before the sanitiser never says "shown" for what the
 * sanitiser drops. */
static void
test_quick_scan_is_not_fooled(void **state)
{
	(void)state;
	assert_false(shows("<option>x</option>"));
	assert_false(shows("<select><option>x</select>"));
	assert_false(shows("<svg><text>x</text></svg>"));
	assert_false(shows("<a title=\">x\"></a>"));
	assert_false(shows("<p>&#x200b;&nbsp;&zwnj;</p>"));
	assert_false(shows("<!-- x --><script>if (a<b) x()</script>"));
	assert_false(shows("<title>x</title ><STYLE>p{}</STYLE>"));
	assert_false(shows("<textarea>x</textarea><noscript>y</noscript>"));
	assert_true(shows("<head><title>t</title></head>x"));
	assert_true(shows("<b>&amp;</b>"));
	assert_true(shows("a & b"));
	assert_true(shows("<script>x</script><p>y"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unclosed_iframe_text_is_the_body),
	    cmocka_unit_test(test_hidden_html_gives_way_to_plain_alternative),
	    cmocka_unit_test(test_title_only_html_shows_its_title),
	    cmocka_unit_test(test_markup_only_html_has_no_text),
	    cmocka_unit_test(test_visible_html_stays),
	    cmocka_unit_test(test_shows_text),
	    cmocka_unit_test(test_quick_scan_is_not_fooled),
	};

	mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
