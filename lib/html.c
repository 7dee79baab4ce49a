/*
 * HTML escaping, plain text to HTML, and the allowlist sanitiser for HTML
 * mail. The sanitiser parses with gumbo, which implements the WHATWG HTML5
 * parsing algorithm: what it builds is the tree a browser would build from
 * the same bytes, so markup that a browser would "repair" into a script is
 * seen as a script here too and dropped.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gumbo.h>

#include "html.h"
#include "html_int.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;

		return n >= 3 && s[1] >= lo && s[1] <= hi &&
			       (s[2] & 0xc0) == 0x80
			   ? 3
			   : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;

		return n >= 4 && s[1] >= lo && s[1] <= hi &&
			       (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80
			   ? 4
			   : 0;
	}
	return 0;
}

/*
 * Is the valid sequence s[0..len) a noncharacter (U+FDD0..U+FDEF, or
 * U+xFFFE/U+xFFFF)? XML 1.0 forbids U+FFFE and U+FFFF in a document and
 * HTML calls every noncharacter a parse error: a feed that holds one is
 * not XML at all.
 */
static bool
noncharacter(const unsigned char *s, size_t len)
{
	uint32_t cp;

	if (len == 3)
		cp = (uint32_t)(s[0] & 0x0f) << 12 |
		     (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	else
		cp = (uint32_t)(s[0] & 0x07) << 18 |
		     (uint32_t)(s[1] & 0x3f) << 12 |
		     (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

enum ma_status
html_escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	struct html_bidi bd = {0};
	enum ma_status st;

	while (i < n) {
		unsigned char c = p[i];
		const char *rep = NULL;
		size_t len = 1;

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if (c < 0x80) {
				if ((c < 0x20 && c != '\t' && c != '\n') ||
				    c == 0x7f)
					rep = "";
			} else if ((len = utf8_len(p + i, n - i)) == 0) {
				rep = "\xef\xbf\xbd"; /* U+FFFD */
				len = 1;
			} else if (len == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
				rep = ""; /* C1 controls */
			} else if (len > 2 && noncharacter(p + i, len)) {
				rep = "\xef\xbf\xbd"; /* U+FFFD */
			} else if (len == 3 && c == 0xe2) {
				html_bidi_track(&bd, p + i);
			}
		}
		if (rep == NULL) {
			i += len;
			run += len;
			continue;
		}
		if (run > 0 && (st = buf_add(b, s + i - run, run)) != MA_OK)
			return st;
		run = 0;
		if ((st = buf_adds(b, rep)) != MA_OK)
			return st;
		i += len;
	}
	if (run > 0 && (st = buf_add(b, s + i - run, run)) != MA_OK)
		return st;
	return html_bidi_close(&bd, b);
}

enum ma_status
html_escapes(struct buf *b, const char *s)
{
	return s == NULL ? MA_OK : html_escape(b, s, strlen(s));
}

/* ---- plain text ---------------------------------------------------- */

static bool
url_start(const char *s, size_t n, size_t i)
{
	if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '/' ||
		      s[i - 1] == '@'))
		return false;
	if (n - i > 8 && strncasecmp(s + i, "https://", 8) == 0)
		return true;
	return n - i > 7 && strncasecmp(s + i, "http://", 7) == 0;
}

/* Where the URL at s[i] ends: at a blank or a character that cannot be in
 * a URL written in text, less trailing punctuation and an unbalanced ')'. */
static size_t
url_end(const char *s, size_t n, size_t i)
{
	size_t j = i, open = 0, close = 0;

	while (j < n) {
		unsigned char c = (unsigned char)s[j];

		if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' ||
		    c == 0x7f)
			break;
		j++;
	}
	while (j > i) {
		char c = s[j - 1];

		if (strchr(".,;:!?'*", c) != NULL) {
			j--;
			continue;
		}
		if (c == ')') {
			open = close = 0;
			for (size_t k = i; k < j; k++) {
				open += s[k] == '(';
				close += s[k] == ')';
			}
			if (close > open) {
				j--;
				continue;
			}
		}
		break;
	}
	return j;
}

static enum ma_status
text_line(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, from = 0;
	enum ma_status st;

	while (i < n) {
		size_t e;

		if ((s[i] != 'h' && s[i] != 'H') || !url_start(s, n, i)) {
			i++;
			continue;
		}
		e = url_end(s, n, i);
		if (e - i <= 8) {
			i++;
			continue;
		}
		if ((st = html_escape(b, s + from, i - from)) != MA_OK ||
		    (st = buf_adds(b, "<a href=\"")) != MA_OK ||
		    (st = html_escape(b, s + i, e - i)) != MA_OK ||
		    (st = buf_adds(b, "\" rel=\"nofollow noopener "
				      "noreferrer\">")) != MA_OK ||
		    (st = html_escape(b, s + i, e - i)) != MA_OK ||
		    (st = buf_adds(b, "</a>")) != MA_OK)
			return st;
		i = from = e;
	}
	return html_escape(b, s + from, n - from);
}

/* Runs of this many quoted lines or more are folded away. */
#define QUOTE_FOLD_LINES 4

struct line {
	size_t off, len; /* without the line break (and a CR before it) */
};

static enum ma_status
text_lines(struct buf *b, const char *text, const struct line *l, size_t from,
	   size_t to)
{
	enum ma_status st = MA_OK;

	for (size_t k = from; k < to && st == MA_OK; k++) {
		st = text_line(b, text + l[k].off, l[k].len);
		if (st == MA_OK && k + 1 < to)
			st = buf_addc(b, '\n');
	}
	return st;
}

enum ma_status
html_text(struct buf *b, const char *text, size_t n)
{
	size_t nl = 1, cnt = 0, sig = SIZE_MAX, k = 0;
	struct line *l;
	enum ma_status st;

	for (size_t i = 0; i < n; i++)
		nl += text[i] == '\n';
	if ((l = malloc(nl * sizeof *l)) == NULL)
		return MA_ENOMEM;
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i < n && text[i] != '\n')
			continue;
		if (i == n && start == n && cnt > 0)
			break; /* a final newline opens no line */
		l[cnt].off = start;
		l[cnt].len = i - start;
		if (l[cnt].len > 0 && text[i - 1] == '\r')
			l[cnt].len--;
		cnt++;
		start = i + 1;
	}
	/* RFC 3676 4.3: the signature starts at the last "-- " line. */
	for (size_t i = 0; i < cnt; i++)
		if (l[i].len == 3 && memcmp(text + l[i].off, "-- ", 3) == 0)
			sig = i;
	st = buf_adds(b, "<div class=\"text\">");
	while (k < cnt && st == MA_OK) {
		size_t end = k;

		if (k == sig) {
			if ((st = buf_adds(b, "<div class=\"sig\">")) ==
				MA_OK &&
			    (st = text_lines(b, text, l, k, cnt)) == MA_OK)
				st = buf_adds(b, "</div>");
			k = cnt;
			break;
		}
		if (l[k].len == 0 || text[l[k].off] != '>') {
			while (end < cnt && end != sig &&
			       (l[end].len == 0 || text[l[end].off] != '>'))
				end++;
			/* No newline before a quote or signature block:
			 * the block starts a line of its own. */
			st = text_lines(b, text, l, k, end);
			k = end;
			continue;
		}
		while (end < cnt && end != sig && l[end].len > 0 &&
		       text[l[end].off] == '>')
			end++;
		if (end - k >= QUOTE_FOLD_LINES) {
			st = buf_addf(b,
				      "<details class=\"quote\"><summary>%zu "
				      "quoted lines</summary><blockquote>",
				      end - k);
			if (st == MA_OK &&
			    (st = text_lines(b, text, l, k, end)) == MA_OK)
				st = buf_adds(b, "</blockquote></details>");
		} else {
			if ((st = buf_adds(b, "<blockquote>")) == MA_OK &&
			    (st = text_lines(b, text, l, k, end)) == MA_OK)
				st = buf_adds(b, "</blockquote>");
		}
		k = end;
	}
	if (st == MA_OK)
		st = buf_adds(b, "</div>");
	free(l);
	return st;
}

/* ---- the sanitiser ------------------------------------------------- */

enum tag_action {
	TAG_UNWRAP = 0, /* drop the tag, keep what is inside */
	TAG_KEEP,
	TAG_DROP, /* drop the tag and everything inside */
};

/*
 * What the sanitiser does with each element: what is not named here
 * (html, body, form, font, section, unknown tags, ...) is unwrapped: the
 * text inside is the mail; the tag is not needed.
 */
static const unsigned char tag_actions[GUMBO_TAG_LAST] = {
    [GUMBO_TAG_A] = TAG_KEEP,	     [GUMBO_TAG_ABBR] = TAG_KEEP,
    [GUMBO_TAG_ADDRESS] = TAG_KEEP,  [GUMBO_TAG_B] = TAG_KEEP,
    [GUMBO_TAG_BDI] = TAG_KEEP,	     [GUMBO_TAG_BDO] = TAG_KEEP,
    [GUMBO_TAG_BIG] = TAG_KEEP,	     [GUMBO_TAG_BLOCKQUOTE] = TAG_KEEP,
    [GUMBO_TAG_BR] = TAG_KEEP,	     [GUMBO_TAG_CAPTION] = TAG_KEEP,
    [GUMBO_TAG_CENTER] = TAG_KEEP,   [GUMBO_TAG_CITE] = TAG_KEEP,
    [GUMBO_TAG_CODE] = TAG_KEEP,     [GUMBO_TAG_COL] = TAG_KEEP,
    [GUMBO_TAG_COLGROUP] = TAG_KEEP, [GUMBO_TAG_DD] = TAG_KEEP,
    [GUMBO_TAG_DEL] = TAG_KEEP,	     [GUMBO_TAG_DFN] = TAG_KEEP,
    [GUMBO_TAG_DIV] = TAG_KEEP,	     [GUMBO_TAG_DL] = TAG_KEEP,
    [GUMBO_TAG_DT] = TAG_KEEP,	     [GUMBO_TAG_EM] = TAG_KEEP,
    [GUMBO_TAG_H1] = TAG_KEEP,	     [GUMBO_TAG_H2] = TAG_KEEP,
    [GUMBO_TAG_H3] = TAG_KEEP,	     [GUMBO_TAG_H4] = TAG_KEEP,
    [GUMBO_TAG_H5] = TAG_KEEP,	     [GUMBO_TAG_H6] = TAG_KEEP,
    [GUMBO_TAG_HR] = TAG_KEEP,	     [GUMBO_TAG_I] = TAG_KEEP,
    [GUMBO_TAG_IMG] = TAG_KEEP,	     [GUMBO_TAG_INS] = TAG_KEEP,
    [GUMBO_TAG_KBD] = TAG_KEEP,	     [GUMBO_TAG_LI] = TAG_KEEP,
    [GUMBO_TAG_MARK] = TAG_KEEP,     [GUMBO_TAG_OL] = TAG_KEEP,
    [GUMBO_TAG_P] = TAG_KEEP,	     [GUMBO_TAG_PRE] = TAG_KEEP,
    [GUMBO_TAG_Q] = TAG_KEEP,	     [GUMBO_TAG_S] = TAG_KEEP,
    [GUMBO_TAG_SAMP] = TAG_KEEP,     [GUMBO_TAG_SMALL] = TAG_KEEP,
    [GUMBO_TAG_SPAN] = TAG_KEEP,     [GUMBO_TAG_STRIKE] = TAG_KEEP,
    [GUMBO_TAG_STRONG] = TAG_KEEP,   [GUMBO_TAG_SUB] = TAG_KEEP,
    [GUMBO_TAG_SUP] = TAG_KEEP,	     [GUMBO_TAG_TABLE] = TAG_KEEP,
    [GUMBO_TAG_TBODY] = TAG_KEEP,    [GUMBO_TAG_TD] = TAG_KEEP,
    [GUMBO_TAG_TFOOT] = TAG_KEEP,    [GUMBO_TAG_TH] = TAG_KEEP,
    [GUMBO_TAG_THEAD] = TAG_KEEP,    [GUMBO_TAG_TR] = TAG_KEEP,
    [GUMBO_TAG_TT] = TAG_KEEP,	     [GUMBO_TAG_U] = TAG_KEEP,
    [GUMBO_TAG_UL] = TAG_KEEP,	     [GUMBO_TAG_VAR] = TAG_KEEP,
    [GUMBO_TAG_WBR] = TAG_KEEP,	     [GUMBO_TAG_SCRIPT] = TAG_DROP,
    [GUMBO_TAG_STYLE] = TAG_DROP,    [GUMBO_TAG_HEAD] = TAG_DROP,
    [GUMBO_TAG_TITLE] = TAG_DROP,    [GUMBO_TAG_TEMPLATE] = TAG_DROP,
    [GUMBO_TAG_SVG] = TAG_DROP,	     [GUMBO_TAG_MATH] = TAG_DROP,
    [GUMBO_TAG_IFRAME] = TAG_DROP,   [GUMBO_TAG_FRAME] = TAG_DROP,
    [GUMBO_TAG_FRAMESET] = TAG_DROP, [GUMBO_TAG_NOFRAMES] = TAG_DROP,
    [GUMBO_TAG_OBJECT] = TAG_DROP,   [GUMBO_TAG_EMBED] = TAG_DROP,
    [GUMBO_TAG_APPLET] = TAG_DROP,   [GUMBO_TAG_PARAM] = TAG_DROP,
    [GUMBO_TAG_NOSCRIPT] = TAG_DROP, [GUMBO_TAG_NOEMBED] = TAG_DROP,
    [GUMBO_TAG_XMP] = TAG_DROP,	     [GUMBO_TAG_PLAINTEXT] = TAG_DROP,
    [GUMBO_TAG_TEXTAREA] = TAG_DROP, [GUMBO_TAG_SELECT] = TAG_DROP,
    [GUMBO_TAG_OPTION] = TAG_DROP,   [GUMBO_TAG_OPTGROUP] = TAG_DROP,
    [GUMBO_TAG_INPUT] = TAG_DROP,    [GUMBO_TAG_BUTTON] = TAG_DROP,
    [GUMBO_TAG_KEYGEN] = TAG_DROP,   [GUMBO_TAG_DATALIST] = TAG_DROP,
    [GUMBO_TAG_META] = TAG_DROP,     [GUMBO_TAG_LINK] = TAG_DROP,
    [GUMBO_TAG_BASE] = TAG_DROP,     [GUMBO_TAG_AUDIO] = TAG_DROP,
    [GUMBO_TAG_VIDEO] = TAG_DROP,    [GUMBO_TAG_SOURCE] = TAG_DROP,
    [GUMBO_TAG_TRACK] = TAG_DROP,    [GUMBO_TAG_CANVAS] = TAG_DROP,
    [GUMBO_TAG_MAP] = TAG_DROP,	     [GUMBO_TAG_AREA] = TAG_DROP,
    [GUMBO_TAG_IMAGE] = TAG_DROP,    [GUMBO_TAG_MENUITEM] = TAG_DROP,
};

static enum tag_action
tag_action(GumboTag t)
{
	return t < GUMBO_TAG_LAST ? (enum tag_action)tag_actions[t]
				  : TAG_UNWRAP;
}

static bool
is_void(GumboTag t)
{
	return t == GUMBO_TAG_BR || t == GUMBO_TAG_HR || t == GUMBO_TAG_IMG ||
	       t == GUMBO_TAG_COL || t == GUMBO_TAG_WBR;
}

void
html_url_scheme(const char *url, char *out, size_t size)
{
	size_t o = 0;

	/* The URL parser strips leading and trailing C0 controls and
	 * spaces and removes tabs and newlines anywhere; ignoring every
	 * byte <= 0x20 reads the scheme at least as generously. */
	for (const char *p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c == 0x7f)
			continue;
		if (c == ':') {
			out[o < size ? o : size - 1] = '\0';
			return;
		}
		if (!(isalnum(c) || c == '+' || c == '-' || c == '.'))
			break;
		if (o + 1 < size)
			out[o++] = (char)tolower(c);
	}
	out[0] = '\0';
}

/* The URL with every byte <= 0x20 and DEL removed: what is emitted is
 * what was checked. Caller frees. */
static char *
url_clean(const char *url)
{
	size_t n = strlen(url), o = 0;
	char *r = malloc(n + 1);

	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] > 0x20 && url[i] != 0x7f)
			r[o++] = url[i];
	r[o] = '\0';
	return r;
}

static bool
data_image_ok(const char *url)
{
	static const char *const types[] = {"png", "gif", "jpeg", "jpg",
					    "webp"};

	if (strncasecmp(url, "data:image/", 11) != 0)
		return false;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t n = strlen(types[i]);

		if (strncasecmp(url + 11, types[i], n) == 0 &&
		    (url[11 + n] == ';' || url[11 + n] == ','))
			return true;
	}
	return false;
}

static bool
number_ok(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]) &&
		    !(v[i] == '%' && i == n - 1 && i > 0))
			return false;
	return true;
}

static bool
word_ok(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcasecmp(v, *allowed) == 0)
			return true;
	return false;
}

/* Plain attributes that may stay, checked by value. */
static bool
attr_ok(GumboTag t, const char *name, const char *v)
{
	static const char *const aligns[] = {"left", "right", "center",
					     "justify", NULL};
	static const char *const valigns[] = {"top", "middle", "bottom",
					      "baseline", NULL};
	static const char *const dirs[] = {"ltr", "rtl", "auto", NULL};
	static const char *const oltypes[] = {"1", "a", "A", "i", "I", NULL};

	if (strcmp(name, "title") == 0)
		return true;
	if (strcmp(name, "lang") == 0)
		return strspn(v, "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") ==
		       strlen(v);
	if (strcmp(name, "dir") == 0)
		return word_ok(v, dirs);
	if (strcmp(name, "align") == 0)
		return word_ok(v, aligns);
	if (strcmp(name, "valign") == 0)
		return word_ok(v, valigns);
	switch (t) {
	case GUMBO_TAG_IMG:
		return strcmp(name, "alt") == 0 ||
		       ((strcmp(name, "width") == 0 ||
			 strcmp(name, "height") == 0) &&
			number_ok(v));
	case GUMBO_TAG_TD:
	case GUMBO_TAG_TH:
		return (strcmp(name, "colspan") == 0 ||
			strcmp(name, "rowspan") == 0 ||
			strcmp(name, "width") == 0) &&
		       number_ok(v);
	case GUMBO_TAG_TABLE:
		return (strcmp(name, "border") == 0 ||
			strcmp(name, "cellpadding") == 0 ||
			strcmp(name, "cellspacing") == 0 ||
			strcmp(name, "width") == 0) &&
		       number_ok(v);
	case GUMBO_TAG_COL:
	case GUMBO_TAG_COLGROUP:
		return (strcmp(name, "span") == 0 ||
			strcmp(name, "width") == 0) &&
		       number_ok(v);
	case GUMBO_TAG_OL:
		return (strcmp(name, "start") == 0 && number_ok(v)) ||
		       (strcmp(name, "type") == 0 && word_ok(v, oltypes));
	case GUMBO_TAG_LI:
		return strcmp(name, "value") == 0 && number_ok(v);
	default:
		return false;
	}
}

static enum ma_status
add_attr(struct buf *b, const char *name, const char *v)
{
	enum ma_status st;

	if ((st = buf_addf(b, " %s=\"", name)) != MA_OK ||
	    (st = html_escapes(b, v)) != MA_OK)
		return st;
	return buf_addc(b, '"');
}

/* RFC 2392: a cid: URL is the Content-ID, %-encoded. */
static void
cid_decode(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s && o + 1 < size; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			char hex[3] = {s[1], s[2], 0};

			out[o++] = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

/*
 * open_img - "<img src=..." for an image the policy shows (*opened then),
 * a note in its place for a remote image it does not load, nothing for
 * one it cannot show.
 */
static enum ma_status
open_img(struct buf *b, GumboElement *e, const GumboAttribute *src,
	 struct html_policy *pol, bool *opened)
{
	GumboAttribute *alt = gumbo_get_attribute(&e->attributes, "alt");
	const char *url = NULL;
	char scheme[16], *clean, cid[512];
	enum ma_status st;

	if (src == NULL)
		return MA_OK;
	if ((clean = url_clean(src->value)) == NULL)
		return MA_ENOMEM;
	html_url_scheme(clean, scheme, sizeof scheme);
	if (strcmp(scheme, "cid") == 0 && pol->cid_url != NULL) {
		cid_decode(clean + 4, cid, sizeof cid);
		url = pol->cid_url(pol->arg, cid);
	} else if (strcmp(scheme, "data") == 0 && data_image_ok(clean)) {
		url = clean;
	} else if (strcmp(scheme, "http") == 0 ||
		   strcmp(scheme, "https") == 0) {
		if (pol->remote_images) {
			url = clean;
		} else {
			pol->blocked_images++;
			st = buf_adds(b, "<span title=\"remote image "
					 "not loaded\">[image");
			if (st == MA_OK && alt != NULL &&
			    alt->value[0] != '\0' &&
			    (st = buf_adds(b, ": ")) == MA_OK)
				st = html_escapes(b, alt->value);
			if (st == MA_OK)
				st = buf_adds(b, "]</span>");
			free(clean);
			return st;
		}
	}
	if (url == NULL) {
		free(clean);
		return MA_OK;
	}
	st = buf_adds(b, "<img");
	if (st == MA_OK)
		st = add_attr(b, "src", url);
	free(clean);
	*opened = st == MA_OK;
	return st;
}

/* open_a - "<a", with href when it is a web or mail address. */
static enum ma_status
open_a(struct buf *b, const GumboAttribute *href)
{
	enum ma_status st = buf_adds(b, "<a");

	if (st == MA_OK && href != NULL) {
		char scheme[16], *clean = url_clean(href->value);

		if (clean == NULL)
			return MA_ENOMEM;
		html_url_scheme(clean, scheme, sizeof scheme);
		if (strcmp(scheme, "http") == 0 ||
		    strcmp(scheme, "https") == 0 ||
		    strcmp(scheme, "mailto") == 0)
			st = add_attr(b, "href", clean);
		free(clean);
		if (st == MA_OK)
			st = buf_adds(b, " rel=\"nofollow noopener "
					 "noreferrer\" target=\"_blank\"");
	}
	return st;
}

static enum ma_status
open_tag(struct buf *b, GumboElement *e, struct html_policy *pol,
	 bool *skip_children)
{
	const char *name = gumbo_normalized_tagname(e->tag);
	GumboAttribute *href = NULL, *src = NULL;
	enum ma_status st;

	*skip_children = false;
	if (e->tag == GUMBO_TAG_IMG) {
		bool opened = false;

		src = gumbo_get_attribute(&e->attributes, "src");
		st = open_img(b, e, src, pol, &opened);
		if (st != MA_OK || !opened)
			return st;
	} else if (e->tag == GUMBO_TAG_A) {
		href = gumbo_get_attribute(&e->attributes, "href");
		if ((st = open_a(b, href)) != MA_OK)
			return st;
	} else if ((st = buf_addf(b, "<%s", name)) != MA_OK) {
		return st;
	}
	for (unsigned i = 0; i < e->attributes.length; i++) {
		GumboAttribute *a = e->attributes.data[i];

		if (a == href || a == src)
			continue;
		if (a->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE ||
		    !attr_ok(e->tag, a->name, a->value))
			continue;
		if ((st = add_attr(b, a->name, a->value)) != MA_OK)
			return st;
	}
	return buf_addc(b, '>');
}

/* Deeper than this, tags are unwrapped: their text still shows. */
#define SANITIZE_MAX_DEPTH 256

/* Tags that never hold others, or that the parser closes by itself when
 * the next one opens: they do not deepen the tree. */
static bool
flat_tag(const char *name, size_t n)
{
	static const char *const flat[] = {
	    "area",  "base",  "br",	  "col",     "embed",	 "hr",
	    "img",   "input", "link",	  "meta",    "param",	 "source",
	    "track", "wbr",   "p",	  "li",	     "td",	 "th",
	    "tr",    "dt",    "dd",	  "option",  "optgroup", "thead",
	    "tbody", "tfoot", "colgroup", "caption", "rb",	 "rt",
	    "rp",    "html",  "head",	  "body",    "keygen",	 "image",
	};

	for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++)
		if (strlen(flat[i]) == n && strncasecmp(flat[i], name, n) == 0)
			return true;
	return false;
}

static bool
raw_text_tag(const char *name, size_t n)
{
	static const char *const raw[] = {"script", "style", "textarea",
					  "title", "xmp"};

	for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++)
		if (strlen(raw[i]) == n && strncasecmp(raw[i], name, n) == 0)
			return true;
	return false;
}

size_t
html_nesting(const char *s, size_t n)
{
	size_t depth = 0, max = 0, i = 0;

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		size_t name, len;
		bool end;

		if (lt == NULL)
			break;
		i = (size_t)(lt - s) + 1;
		if (i + 3 <= n && memcmp(s + i, "!--", 3) == 0) {
			const char *e = memmem(s + i, n - i, "-->", 3);

			i = e ? (size_t)(e - s) + 3 : n;
			continue;
		}
		end = i < n && s[i] == '/';
		name = i + end;
		len = 0;
		while (name + len < n && isalnum((unsigned char)s[name + len]))
			len++;
		if (len == 0 || !isalpha((unsigned char)s[name]))
			continue;
		i = name + len;
		if (flat_tag(s + name, len))
			continue;
		if (end) {
			depth -= depth > 0;
			continue;
		}
		{
			const char *gt = memchr(s + i, '>', n - i);

			if (gt != NULL && gt > s + i && gt[-1] == '/')
				continue; /* <x/> */
		}
		if (++depth > max)
			max = depth;
		/* Raw text: what follows is not markup until the end tag. */
		if (raw_text_tag(s + name, len)) {
			char close[12];
			const char *e;

			snprintf(close, sizeof close, "</%.*s", (int)len,
				 s + name);
			e = memmem(s + i, n - i, close, len + 2);
			/* Case-sensitive search: an upper-case end tag is
			 * missed and the rest counted as markup, which only
			 * overestimates the depth. */
			i = e ? (size_t)(e - s) : n;
		}
	}
	return max;
}

struct frame {
	GumboNode *node;
	unsigned next; /* next child to visit */
	bool open;     /* a tag was emitted and needs closing */
};

/* body_of - the document's body element, or NULL. */
static GumboNode *
body_of(const GumboOutput *out)
{
	GumboNode *root = NULL;

	for (unsigned i = 0; i < out->root->v.element.children.length; i++) {
		GumboNode *c = out->root->v.element.children.data[i];

		if (c->type == GUMBO_NODE_ELEMENT &&
		    c->v.element.tag == GUMBO_TAG_BODY)
			root = c;
	}
	return root;
}

/*
 * visit_element - element c met in the walk: dropped, or opened (when kept
 * and not too deep) and pushed on the stack (*stack, *depth, *cap) so that
 * its children come next.
 */
static enum ma_status
visit_element(struct buf *b, GumboNode *c, struct html_policy *pol,
	      struct frame **stack, size_t *depth, size_t *cap)
{
	GumboElement *e = &c->v.element;
	enum tag_action act = tag_action(e->tag);
	bool open = false, skip = false;
	enum ma_status st = MA_OK;

	/* SVG and MathML content: foreign, never kept. */
	if (e->tag_namespace != GUMBO_NAMESPACE_HTML ||
	    c->type == GUMBO_NODE_TEMPLATE || act == TAG_DROP)
		return MA_OK;
	if (act == TAG_KEEP && *depth < SANITIZE_MAX_DEPTH) {
		size_t before = b->len;

		st = open_tag(b, e, pol, &skip);
		open = b->len > before && !is_void(e->tag);
	}
	if (st != MA_OK || skip || is_void(e->tag))
		return st;
	if (*depth == *cap) {
		struct frame *ns =
		    array_grow(*stack, cap, *depth, sizeof *ns, *cap);

		if (ns == NULL)
			return MA_ENOMEM;
		*stack = ns;
	}
	(*stack)[(*depth)++] = (struct frame){c, 0, open};
	return MA_OK;
}

enum ma_status
html_sanitize(struct buf *b, const char *html, size_t n,
	      struct html_policy *pol)
{
	GumboOutput *out;
	GumboNode *root = NULL;
	struct frame *stack = NULL;
	size_t depth = 0, cap = 0;
	enum ma_status st = MA_OK;

	/* gumbo's time and memory grow with the square of the nesting
	 * depth (5000 nested <b> take gigabytes): refuse it up front. */
	if (html_nesting(html, n) > HTML_MAX_NESTING)
		return MA_EDATA;
	out = gumbo_parse_with_options(&kGumboDefaultOptions, html, n);
	if (out == NULL)
		return MA_ENOMEM;
	/* Only the body: the head holds nothing a reader sees. */
	if ((root = body_of(out)) == NULL)
		goto done;
	cap = 64;
	if ((stack = malloc(cap * sizeof *stack)) == NULL) {
		st = MA_ENOMEM;
		goto done;
	}
	stack[depth++] = (struct frame){root, 0, false};
	while (depth > 0 && st == MA_OK) {
		struct frame *f = &stack[depth - 1];
		GumboVector *kids = &f->node->v.element.children;
		GumboNode *c;

		if (f->next >= kids->length) {
			if (f->open)
				st = buf_addf(b, "</%s>",
					      gumbo_normalized_tagname(
						  f->node->v.element.tag));
			depth--;
			continue;
		}
		c = kids->data[f->next++];
		switch (c->type) {
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_WHITESPACE:
		case GUMBO_NODE_CDATA:
			st = html_escapes(b, c->v.text.text);
			break;
		case GUMBO_NODE_ELEMENT:
		case GUMBO_NODE_TEMPLATE:
			st = visit_element(b, c, pol, &stack, &depth, &cap);
			break;
		default:
			break; /* comments, documents */
		}
	}
done:
	free(stack);
	gumbo_destroy_output(&kGumboDefaultOptions, out);
	return st;
}
