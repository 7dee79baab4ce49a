/*
 * search.html, the one page of the site allowed to run a script: its own
 * search.js, nothing else (script-src 'self', connect-src 'self' for the
 * index). The client and its stylesheet are plain files beside this one
 * (lib/render/search.js, search.css), built into the program as they
 * are: no build step, and the site needs nothing from the outside.
 */
#include <string.h>

#include "html.h"
#include "log.h"
#include "render_int.h"

/* The client's files, as they are in the source tree (make runs from the
 * top of the tree; the Makefile names them as this file's dependencies). */
__asm__(".section .rodata\n"
	"search_js:\n"
	".incbin \"lib/render/search.js\"\n"
	".byte 0\n"
	"search_css:\n"
	".incbin \"lib/render/search.css\"\n"
	".byte 0\n"
	".previous\n");
/* Each ended by a NUL, which text files do not hold. */
extern const char search_js[], search_css[];

static const char csp_page[] = "script-src 'none';";
static const char csp_search[] = "script-src 'self'; connect-src 'self';";

/* The chrome every page has, with the one CSP change this page needs. */
static enum ma_status
search_head(struct run *r, struct buf *b)
{
	struct buf head;
	const char *at;
	enum ma_status st;

	buf_init(&head, PAGE_MAX);
	st = page_begin(r, &head, "", "Search", NULL, NULL);
	at = st == MA_OK ? strstr(buf_cstr(&head), csp_page) : NULL;
	if (st == MA_OK && at == NULL) {
		log_err("search page: the page head has no script policy");
		st = MA_EDATA;
	}
	if (st == MA_OK)
		st = buf_add(b, head.data, (size_t)(at - head.data));
	if (st == MA_OK)
		st = buf_adds(b, csp_search);
	if (st == MA_OK)
		st = buf_adds(b, at + strlen(csp_page));
	buf_release(&head);
	return st;
}

static enum ma_status
search_html(struct run *r, struct buf *b)
{
	enum ma_status st;

	ADD(search_head(r, b));
	ADD(buf_adds(b,
		     "<link rel=\"stylesheet\" href=\"search/search.css\">\n"
		     "<h1>Search</h1>\n"
		     "<form id=\"search\" class=\"searchpage\" role=\"search\" "
		     "action=\"search.html\" method=\"get\">\n"
		     "<label for=\"q\">Words to find</label>\n"
		     "<input id=\"q\" type=\"search\" name=\"q\" "
		     "autocomplete=\"off\">\n"
		     "<select name=\"sort\" aria-label=\"Order\">"
		     "<option value=\"\">Newest first</option>"
		     "<option value=\"best\">Best match</option></select>\n"
		     "<button type=\"submit\">Search</button>\n</form>\n"
		     "<noscript><p class=\"note\">Search in the browser needs "
		     "JavaScript, which is turned off. On the server, "
		     "<code>mailarc search "));
	ADD(html_escapes(b, r->o->key));
	ADD(buf_adds(
	    b,
	    " WORDS</code> finds the same messages.</p></noscript>\n"
	    "<p id=\"status\" class=\"meta\" role=\"status\" "
	    "aria-live=\"polite\"></p>\n"
	    "<ol id=\"results\" class=\"results\"></ol>\n"
	    "<nav id=\"pages\" class=\"pages\" aria-label=\"Result "
	    "pages\"></nav>\n"
	    "<details class=\"help\"><summary>How to search</summary>\n"
	    "<ul>\n"
	    "<li>All the words must match: <code>budget meeting</code>. "
	    "Case and accents do not matter (<code>reunion</code> finds "
	    "R\xc3\xa9union).</li>\n"
	    "<li><code>from:tanaka</code>, <code>to:ben</code>, "
	    "<code>subject:invoice</code>: words in the sender, the "
	    "recipients (To and Cc), the subject.</li>\n"
	    "<li><code>after:2024-01</code>, <code>before:2024-07-15</code>: "
	    "dates in UTC; after is inclusive, before is not.</li>\n"
	    "<li>Japanese, Chinese and Korean need no spaces: every two "
	    "characters in a row are matched, so one character alone finds "
	    "only one-character words.</li>\n"
	    "<li><code>\"a phrase\"</code> is searched as its words, in any "
	    "order: the index does not record where words are.</li>\n"
	    "<li>Words are matched whole: <code>meet</code> does not find "
	    "meeting.</li>\n"
	    "</ul></details>\n"
	    "<script src=\"search/search.js\"></script>\n"));
	return page_end(b, "");
}

enum ma_status
search_page(struct run *r)
{
	enum ma_status st = page_publish(r, "search.html", search_html);

	if (st == MA_OK)
		st = site_put(r->site, "search/search.js", search_js,
			      strlen(search_js));
	if (st == MA_OK)
		st = site_put(r->site, "search/search.css", search_css,
			      strlen(search_css));
	return st;
}
