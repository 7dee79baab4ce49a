/*
 * The chrome every page shares: the head with its Content-Security-Policy,
 * the site header and breadcrumbs, the footer, and addresses shown as the
 * space wants them (full, name only, obfuscated).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "log.h"
#include "render_int.h"

/* The style of the HTML mail frame; its hash is in every page's CSP. */
enum ma_status
render_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		log_err("a site path or query does not fit in %zu bytes: '%s'",
			size, buf);
		return MA_ETOOBIG;
	}
	return MA_OK;
}

const char frame_css[] =
    "body.mail{margin:0;padding:12px 14px;background:#fff;color:#1d1f21;"
    "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",sans-serif;overflow-wrap:anywhere}"
    "body.mail img{max-width:100%;height:auto}"
    "body.mail table{border-collapse:collapse;max-width:100%}"
    "body.mail td,body.mail th{padding:2px 6px}"
    "body.mail a{color:#0b57d0}";

const char *
frame_css_hash(void)
{
	static char b64[64];

	if (b64[0] == '\0') {
		GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
		guint8 md[32];
		gsize n = sizeof md;
		gchar *e;

		g_checksum_update(c, (const guchar *)frame_css,
				  sizeof frame_css - 1);
		g_checksum_get_digest(c, md, &n);
		g_checksum_free(c);
		e = g_base64_encode(md, n);
		snprintf(b64, sizeof b64, "%s", e);
		g_free(e);
	}
	return b64;
}

size_t
text_cap_len(const char *s, size_t n, size_t max_chars)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++) {
		/* A lead byte (not a continuation) starts a character. */
		if (((unsigned char)s[i] & 0xc0) != 0x80 &&
		    chars++ == max_chars)
			return i;
	}
	return n;
}

/* before, s, after: what buf_addf(b, "before%safter", s) writes, without
 * printf's walk through the long literals (every page has some). */
static enum ma_status
add_around(struct buf *b, const char *before, const char *s, const char *after)
{
	enum ma_status st;

	ADD(buf_adds(b, before));
	ADD(buf_adds(b, s));
	return buf_adds(b, after);
}

/*
 * Every page: a strict Content-Security-Policy (no script at all; styles
 * and images from the site; images from anywhere only when the space
 * allows remote images), no referrer, landmarks and a skip link. pre is
 * the way back to the site's root ("", "../", "../../").
 */
enum ma_status
page_begin(struct run *r, struct buf *b, const char *pre, const char *title,
	   const char *feed, const char *crumbs)
{
	enum ma_status st;

	ADD(buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			"<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, "
			"initial-scale=1\">\n"
			"<meta http-equiv=\"Content-Security-Policy\" "
			"content=\"default-src 'none'; script-src 'none'; "
			"object-src 'none'; style-src 'self' 'sha256-"));
	/* The hash admits the HTML mail frame's own style and nothing
	 * else (message.c). */
	ADD(buf_adds(b, frame_css_hash()));
	ADD(buf_adds(b, "'; img-src 'self' data:"));
	if (r->o->remote_images)
		ADD(buf_adds(b, " https: http:"));
	ADD(buf_adds(b, "; frame-src 'self'; base-uri 'none'; "
			"form-action 'self'\">\n"
			"<meta name=\"referrer\" content=\"no-referrer\">\n"
			"<title>"));
	ADD(html_escapes(b, title));
	if (strcmp(title, r->o->name) != 0) {
		ADD(buf_adds(b, " \xe2\x80\x94 "));
		ADD(html_escapes(b, r->o->name));
	}
	ADD(add_around(b, "</title>\n<link rel=\"stylesheet\" href=\"", pre,
		       "style.css\">\n"));
	if (feed != NULL)
		ADD(add_around(b,
			       "<link rel=\"alternate\" "
			       "type=\"application/atom+xml\" href=\"",
			       feed, "\">\n"));
	ADD(add_around(b,
		       "</head>\n<body>\n<a class=\"skip\" href=\"#main\">"
		       "Skip to content</a>\n<header class=\"site\"><div>"
		       "<a class=\"name\" href=\"",
		       pre, "index.html\">"));
	ADD(html_escapes(b, r->o->name));
	ADD(buf_adds(b, "</a>"));
	if (crumbs != NULL && crumbs[0] != '\0')
		ADD(add_around(b, "<nav aria-label=\"Breadcrumb\">", crumbs,
			       "</nav>"));
	/* A plain form: search.html says what to do without script. */
	ADD(add_around(
	    b, "<form class=\"find\" role=\"search\" action=\"", pre,
	    "search.html\" method=\"get\"><input type=\"search\" "
	    "name=\"q\" aria-label=\"Search the archive\" "
	    "placeholder=\"Search\"><button>Search</button></form>"));
	return buf_adds(b, "</div></header>\n<main id=\"main\">\n");
}

enum ma_status
page_end(struct buf *b, const char *pre)
{
	return add_around(b,
			  "</main>\n<footer class=\"foot\">Archived with "
			  "mailarc \xc2\xb7 <a href=\"",
			  pre,
			  "feed.atom\">Atom feed</a></footer>\n</body>\n"
			  "</html>\n");
}

/* s escaped, cut at DISPLAY_CHARS when brief (listings). */
static enum ma_status
part_html(struct buf *b, const char *s, size_t n, bool brief)
{
	enum ma_status st;
	size_t k = brief ? text_cap_len(s, n, DISPLAY_CHARS) : n;

	ADD(html_escape(b, s, k));
	return k < n ? buf_adds(b, "\xe2\x80\xa6") : MA_OK;
}

/* An address as the space wants it shown; short drops the address when
 * there is a name (listings), and cuts what is too long to list. */
static enum ma_status
addr_html(struct run *r, struct buf *b, const struct mime_addr *a, bool brief)
{
	enum ma_status st;
	const char *at = strchr(a->addr, '@');
	bool named = a->name[0] != '\0';

	if (named)
		ADD(part_html(b, a->name, strlen(a->name), brief));
	if (named && (brief || r->o->addr == RENDER_ADDR_NAME))
		return MA_OK;
	if (!named && r->o->addr == RENDER_ADDR_NAME)
		return part_html(b, a->addr,
				 at ? (size_t)(at - a->addr) : strlen(a->addr),
				 brief);
	if (named)
		ADD(buf_adds(b, " &lt;"));
	if (r->o->addr == RENDER_ADDR_OBFUSCATED && at != NULL) {
		/* The first character of the local part, then the
		 * domain: enough to tell people apart, not to harvest. */
		size_t first = a->addr == at ? 0 : 1;

		while (first < (size_t)(at - a->addr) &&
		       ((unsigned char)a->addr[first] & 0xc0) == 0x80)
			first++;
		ADD(html_escape(b, a->addr, first));
		ADD(buf_adds(b, "\xe2\x80\xa6"));
		ADD(part_html(b, at, strlen(at), brief));
	} else {
		ADD(part_html(b, a->addr, strlen(a->addr), brief));
	}
	if (named)
		ADD(buf_adds(b, "&gt;"));
	return MA_OK;
}

/* Whether a list shows anything: a name or an address. */
bool
addrs_usable(const struct mime_addr *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].name[0] != '\0' || a[i].addr[0] != '\0')
			return true;
	return false;
}

enum ma_status
addrs_html(struct run *r, struct buf *b, const struct mime_addr *a, size_t n,
	   bool brief)
{
	enum ma_status st;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ADD(buf_adds(b, ", "));
		ADD(addr_html(r, b, &a[i], brief));
	}
	return MA_OK;
}

/*
 * The From header (notmuch's copy) as a listing shows it, malloc'd HTML:
 * up to three senders, or the header's text itself when it names no
 * usable address (MAILER-DAEMON <>, a bare word) or the addresses leave
 * out words of it (mime_addrs_cover()), cut at DISPLAY_CHARS.
 */
char *
from_brief(struct run *r, const char *header)
{
	struct mime_addr *a;
	size_t n;
	struct buf b;
	enum ma_status st;
	char *html;

	/* Senders repeat: made once per run (fill_cache.c). */
	if ((html = fill_cache_from_get(r, header)) != NULL)
		return html;
	buf_init(&b, 64 * 1024);
	if (mime_parse_addrs(header, &a, &n) != MA_OK)
		return NULL;
	if (!addrs_usable(a, n) || !mime_addrs_cover(header, a, n))
		st = part_html(&b, header[0] ? header : "(unknown sender)",
			       header[0] ? strlen(header) : 16, true);
	else
		st = addrs_html(r, &b, a, n > 3 ? 3 : n, true);
	mime_addrs_free(a, n);
	if (st != MA_OK) {
		buf_release(&b);
		return NULL;
	}
	html = b.data == NULL ? strdup("") : buf_steal(&b);
	if (html != NULL)
		fill_cache_from_put(r, header, html);
	return html;
}

/*
 * The stems of the names asked for last. A stem's shard is a SHA-256 of
 * the name (permalink.c), and a full run asks for each name's stem some
 * ten times (its page, its thread's page, feed and mbox, its neighbours'
 * links, the search index), close together: a hash per call was a
 * twentieth of the run's instructions. The stem is a function of the
 * name alone, so a remembered one is the one permalink_stem() would
 * give. One slot per hash of the name, replaced on a clash; names over
 * STEM_MEMO_NAME bytes (rare) are not kept.
 */
#define STEM_MEMO_SLOTS 1024
#define STEM_MEMO_NAME	96

static struct {
	char name[STEM_MEMO_NAME + 1]; /* "": empty */
	char shard[3];
} stem_memo[STEM_MEMO_SLOTS];

static size_t
stem_slot(const char *name, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return h % STEM_MEMO_SLOTS;
}

const char *
name_stem(const char *name, char out[PERMALINK_STEM_MAX])
{
	size_t n = strlen(name), k = 0;

	if (n > 0 && n <= STEM_MEMO_NAME) {
		k = stem_slot(name, n);
		if (strcmp(stem_memo[k].name, name) == 0) {
			memcpy(out, stem_memo[k].shard, 2);
			out[2] = '/';
			memcpy(out + 3, name, n + 1);
			return out;
		}
	}
	if (permalink_stem(name, out) != MA_OK) {
		snprintf(out, PERMALINK_STEM_MAX, "%s", name);
		return out;
	}
	if (n > 0 && n <= STEM_MEMO_NAME) {
		memcpy(stem_memo[k].name, name, n + 1);
		memcpy(stem_memo[k].shard, out, 2);
		stem_memo[k].shard[2] = '\0';
	}
	return out;
}

/*
 * A page at rel that leads to url: a notice with a link, and a refresh in
 * its head (no script: the CSP allows none). up is the way from rel's
 * folder to the site's top.
 */
enum ma_status
redirect_page(struct run *r, const char *rel, const char *up,
	      const struct moved_notice *n, const char *url)
{
	struct buf b, out;
	const char *head;
	enum ma_status st;

	buf_init(&b, 1 << 20);
	buf_init(&out, 1 << 20);
	st = page_begin(r, &b, up, n->title, NULL, NULL);
	if (st == MA_OK)
		st = buf_addf(&b,
			      "<div class=\"removed\"><h1>%s</h1>\n<p>%s <a "
			      "href=\"%s\">%s</a>%s This address stays, so "
			      "that links to it keep working.</p></div>\n",
			      n->title, n->lead, url, n->link, n->why);
	if (st == MA_OK)
		st = page_end(&b, up);
	if (st == MA_OK && (st = buf_addc(&b, '\0')) == MA_OK &&
	    (head = strstr(b.data, "</head>")) != NULL) {
		st = buf_add(&out, b.data, (size_t)(head - b.data));
		if (st == MA_OK)
			st = buf_addf(&out,
				      "<meta http-equiv=\"refresh\" "
				      "content=\"0; url=%s\">\n",
				      url);
		if (st == MA_OK)
			st = buf_adds(&out, head);
	}
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &out);
	buf_release(&b);
	buf_release(&out);
	return st;
}
