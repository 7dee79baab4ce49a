/* Unit tests of lib/html.c: escaping, text to HTML, the sanitiser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"

static char *
esc(const char *s, size_t n)
{
	static struct buf b;

	buf_release(&b);
	buf_init(&b, 1 << 20);
	assert_int_equal(html_escape(&b, s, n), MA_OK);
	return (char *)buf_cstr(&b);
}

static char *
san(const char *html, bool remote)
{
	static struct buf b;
	struct html_policy pol = {.remote_images = remote};

	buf_release(&b);
	buf_init(&b, 1 << 20);
	assert_int_equal(html_sanitize(&b, html, strlen(html), &pol), MA_OK);
	return (char *)buf_cstr(&b);
}

static void
test_escape_specials(void **state)
{
	(void)state;
	assert_string_equal(
	    esc("<a href=\"x\">'&'</a>", 20),
	    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

static void
test_escape_repairs_invalid_utf8(void **state)
{
	(void)state;
	/* A lone continuation byte, an overlong '<' and a truncated
	 * sequence become U+FFFD: never a '<' smuggled through. */
	assert_string_equal(esc("a\x80"
				"b\xc0\xbc"
				"c\xe3\x81",
				8),
			    "a\xef\xbf\xbd"
			    "b\xef\xbf\xbd\xef\xbf\xbd"
			    "c\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(esc("\xe6\x97\xa5\xe6\x9c\xac", 6),
			    "\xe6\x97\xa5\xe6\x9c\xac");
}

static void
test_escape_drops_controls(void **state)
{
	(void)state;
	assert_string_equal(esc("a\x01\x1b[31m\tb\nc\x7f\xc2\x85", 14),
			    "a[31m\tb\nc");
}

static void
test_text_links_urls_safely(void **state)
{
	struct buf b;
	const char *t = "see https://example.com/a?b=1&c=\"2\" and "
			"javascript:alert(1) (http://x.example/p).\n";

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(html_text(&b, t, strlen(t)), MA_OK);
	assert_non_null(
	    strstr(b.data, "<a href=\"https://example.com/a?b=1&amp;c=\" "));
	assert_non_null(strstr(b.data, "<a href=\"http://x.example/p\" "));
	assert_null(strstr(b.data, "href=\"javascript"));
	buf_release(&b);
}

static void
test_text_folds_long_quotes(void **state)
{
	struct buf b;
	const char *t = "Hi\n> 1\n> 2\n> 3\n> 4\nok\n> short\n-- \nsig\n";

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(html_text(&b, t, strlen(t)), MA_OK);
	assert_non_null(strstr(b.data, "<details class=\"quote\"><summary>4 "
				       "quoted lines</summary><blockquote>"
				       "&gt; 1\n&gt; 2\n&gt; 3\n&gt; 4"
				       "</blockquote></details>"));
	assert_non_null(strstr(b.data, "<blockquote>&gt; short</blockquote>"));
	assert_non_null(strstr(b.data, "<div class=\"sig\">-- \nsig</div>"));
	buf_release(&b);
}

static void
test_sanitize_drops_scripts_and_handlers(void **state)
{
	const char *o;

	(void)state;
	o = san("<p onclick=\"x()\" style=\"color:red\">hi<script>evil()"
		"</script></p><img src=x onerror=alert(1)>",
		false);
	assert_string_equal(o, "<p>hi</p>");
}

static void
test_sanitize_javascript_urls(void **state)
{
	const char *o;

	(void)state;
	o = san("<a href=\"java&#x09;script:alert(1)\">a</a>"
		"<a href=\" JaVaScRiPt:alert(1)\">b</a>"
		"<a href=\"data:text/html,<script>alert(1)</script>\">c</a>"
		"<a href=\"https://ok.example/\">d</a>",
		false);
	assert_null(strstr(o, "javascript"));
	assert_null(strstr(o, "data:"));
	assert_non_null(strstr(o, "href=\"https://ok.example/\""));
}

static void
test_sanitize_foreign_content(void **state)
{
	const char *o;

	(void)state;
	o = san("<svg><script>alert(1)</script><a xlink:href=\"javascript:"
		"x\">s</a></svg><math><mtext><table><mglyph><style><img src=x "
		"onerror=alert(1)>",
		false);
	assert_null(strstr(o, "<script"));
	assert_null(strstr(o, "onerror"));
	assert_null(strstr(o, "javascript"));
	assert_null(strstr(o, "<svg"));
}

static void
test_sanitize_mxss_noscript_comment(void **state)
{
	const char *o;

	(void)state;
	/* What survives is text and escaped attribute values: the browser
	 * re-parsing the output finds no element to run anything. */
	o = san("<noscript><p title=\"</noscript><img src=x onerror=a()>\">"
		"<!--<img src=\"--><img src=x onerror=b()>\">",
		false);
	assert_null(strstr(o, "<img"));
	assert_null(strstr(o, "<noscript"));
	assert_null(strchr(o + 1, '<') == NULL ? NULL : strstr(o, "\"<"));
}

static void
test_sanitize_images(void **state)
{
	const char *o;

	(void)state;
	o = san("<img src=\"https://t.example/p.gif\" alt=\"logo\">", false);
	assert_string_equal(o, "<span title=\"remote image not loaded\">"
			       "[image: logo]</span>");
	o = san("<img src=\"https://t.example/p.gif\">", true);
	assert_string_equal(o, "<img src=\"https://t.example/p.gif\">");
	o = san("<img src=\"data:image/png;base64,AAAA\">"
		"<img src=\"data:image/svg+xml,<svg onload=x()>\">",
		false);
	assert_string_equal(o, "<img src=\"data:image/png;base64,AAAA\">");
}

static const char *
cid_map(void *arg, const char *cid)
{
	(void)arg;
	return strcmp(cid, "logo@x") == 0 ? "../a/ab/abcd.png" : NULL;
}

static void
test_sanitize_cid(void **state)
{
	struct buf b;
	struct html_policy pol = {.cid_url = cid_map};
	const char *h = "<img src=\"cid:logo%40x\"><img src=\"cid:nope\">";

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(html_sanitize(&b, h, strlen(h), &pol), MA_OK);
	assert_string_equal(b.data, "<img src=\"../a/ab/abcd.png\">");
	buf_release(&b);
}

static void
test_sanitize_deep_nesting_is_iterative(void **state)
{
	struct buf in, out;
	struct html_policy pol = {0};

	(void)state;
	buf_init(&in, 1 << 24);
	buf_init(&out, 1 << 26);
	for (int i = 0; i < 900; i++)
		assert_int_equal(buf_adds(&in, "<div><p>x"), MA_OK);
	assert_int_equal(buf_adds(&in, "deep"), MA_OK);
	assert_int_equal(html_sanitize(&out, in.data, in.len, &pol), MA_OK);
	assert_non_null(strstr(out.data, "deep"));
	/* Deeper than the parser can take: refused, quickly. */
	buf_reset(&out);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_adds(&in, "<b>"), MA_OK);
	assert_int_equal(html_sanitize(&out, in.data, in.len, &pol), MA_EDATA);
	assert_int_equal(out.len, 0);
	buf_release(&in);
	buf_release(&out);
}

static void
test_nesting_estimate(void **state)
{
	const char *h = "<div><p>a<p>b<br><img src=x><span>c</span>"
			"<script><div><div><div></script><!-- <div><div> -->"
			"<i/></div>";

	(void)state;
	assert_int_equal(html_nesting(h, strlen(h)), 2);
}

static void
test_url_scheme(void **state)
{
	char s[16];

	(void)state;
	html_url_scheme("\x01 jav\tas\ncript:x", s, sizeof s);
	assert_string_equal(s, "javascript");
	html_url_scheme("/relative:path", s, sizeof s);
	assert_string_equal(s, "");
	html_url_scheme("HTTPS://x", s, sizeof s);
	assert_string_equal(s, "https");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape_specials),
	    cmocka_unit_test(test_escape_repairs_invalid_utf8),
	    cmocka_unit_test(test_escape_drops_controls),
	    cmocka_unit_test(test_text_links_urls_safely),
	    cmocka_unit_test(test_text_folds_long_quotes),
	    cmocka_unit_test(test_sanitize_drops_scripts_and_handlers),
	    cmocka_unit_test(test_sanitize_javascript_urls),
	    cmocka_unit_test(test_sanitize_foreign_content),
	    cmocka_unit_test(test_sanitize_mxss_noscript_comment),
	    cmocka_unit_test(test_sanitize_images),
	    cmocka_unit_test(test_sanitize_cid),
	    cmocka_unit_test(test_sanitize_deep_nesting_is_iterative),
	    cmocka_unit_test(test_nesting_estimate),
	    cmocka_unit_test(test_url_scheme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
