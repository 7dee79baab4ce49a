/*
 * HTML that shows nothing (html.h): a Klez-style body whose <iframe> is
 * never closed holds all the letter's text as the frame's raw text, which
 * a browser does not show and html_sanitize() drops; a body that is only
 * a <title>, a <noscript> or a form's <textarea> shows nothing either.
 * html_shows_text() tells such a body apart by sanitising it;
 * html_hidden_text() recovers the text it hides, for the page to show as
 * plain text instead.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gumbo.h>

#include "html.h"

/* Rounds of parsing the raw text of an element again as HTML (an
 * unclosed iframe inside the text of another): bounded. */
#define HIDDEN_MAX_ROUNDS 4

static const char *
cid_any(void *arg, const char *cid)
{
	(void)arg;
	(void)cid;
	return "cid";
}

/* A character a reader sees: not white space, not a format or control
 * character (U+00A0, U+200B, U+FEFF, U+00AD are not). */
static bool
visible_char(gunichar c)
{
	switch (g_unichar_type(c)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT:
	case G_UNICODE_SPACE_SEPARATOR:
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR:
	case G_UNICODE_UNASSIGNED:
		return false;
	default:
		return !g_unichar_isspace(c);
	}
}

/* Whether sanitised markup s[0..n) holds an image or a visible character
 * outside its tags (an entity counts as one). */
static bool
markup_shows(const char *s, size_t n)
{
	bool tag = false;

	for (size_t i = 0; i < n;) {
		if (s[i] == '<') {
			if (n - i > 4 &&
			    g_ascii_strncasecmp(s + i, "<img", 4) == 0)
				return true;
			tag = true;
		} else if (s[i] == '>') {
			tag = false;
		} else if (!tag && s[i] == '&') {
			if (n - i >= 6 && strncmp(s + i, "&nbsp;", 6) != 0)
				return true;
		} else if (!tag) {
			const char *end;
			gunichar c =
			    g_utf8_get_char_validated(s + i, (gssize)(n - i));

			if (c == (gunichar)-1 || c == (gunichar)-2)
				return true;
			if (visible_char(c))
				return true;
			end = g_utf8_next_char(s + i);
			i = (size_t)(end - s);
			continue;
		}
		i++;
	}
	return false;
}

/* The length of the tag name at s[0..n) (letters and digits). */
static size_t
name_len(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && g_ascii_isalnum(s[k]))
		k++;
	return k;
}

static bool
name_is(const char *s, size_t k, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == k &&
		    g_ascii_strncasecmp(s, names[i], k) == 0)
			return true;
	return false;
}

/* The end of the tag that starts at s[i] ('<'): after its '>', quoted
 * attribute values skipped; n when it has none. */
static size_t
tag_end(const char *s, size_t n, size_t i)
{
	char q = 0;

	for (i++; i < n; i++) {
		if (q != 0) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			if (s[i - 1] == '=' || s[i - 1] == ' ')
				q = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		}
	}
	return n;
}

/* After the end tag of the raw text element name[0..k) from s[i] on
 * (the tokenizer ends it at the first one); n when there is none. */
static size_t
raw_end(const char *s, size_t n, size_t i, const char *name, size_t k)
{
	for (; i + 2 + k <= n; i++)
		if (s[i] == '<' && s[i + 1] == '/' &&
		    g_ascii_strncasecmp(s + i + 2, name, k) == 0 &&
		    (i + 2 + k == n || !g_ascii_isalnum(s[i + 2 + k])))
			return tag_end(s, n, i);
	return n;
}

/*
 * A quick answer for most mail: true when a visible character comes
 * before any element that could hide it, skipping comments, tags and
 * the raw text elements whose end the tokenizer finds without a tree
 * (script, style, title, textarea, iframe, xmp, noembed, noframes).
 * False when it cannot tell: html_shows_text() then sanitises.
 */
static bool
quick_shows(const char *s, size_t n)
{
	static const char *const raw[] = {"script",   "style",	  "title",
					  "textarea", "iframe",	  "xmp",
					  "noembed",  "noframes", NULL};
	/* Elements html_sanitize() drops with their content (html.c),
	 * but for the raw text ones above. */
	static const char *const hiding[] = {
	    "noscript", "plaintext", "template", "select", "option",
	    "optgroup", "object",    "applet",	 "svg",	   "math",
	    "frameset", "frame",     "datalist", "button", "audio",
	    "video",	"canvas",    "map",	 "embed",  "menuitem",
	    "details",	NULL};
	size_t i = 0;

	while (i < n) {
		if (s[i] == '<' && i + 1 < n && g_ascii_isalpha(s[i + 1])) {
			size_t k = name_len(s + i + 1, n - i - 1);
			const char *name = s + i + 1;

			if (name_is(name, k, hiding))
				return false;
			i = tag_end(s, n, i);
			if (name_is(name, k, raw))
				i = raw_end(s, n, i, name, k);
		} else if (s[i] == '<' && n - i >= 4 &&
			   memcmp(s + i, "<!--", 4) == 0) {
			const char *e =
			    g_strstr_len(s + i + 4, (gssize)(n - i - 4), "-->");

			i = e != NULL ? (size_t)(e - s) + 3 : n;
		} else if (s[i] == '<' && i + 1 < n &&
			   (s[i + 1] == '!' || s[i + 1] == '?' ||
			    s[i + 1] == '/')) {
			i = tag_end(s, n, i);
		} else if (s[i] == '&') {
			/* An entity may be a space or a format character:
			 * only the plain ones count; a bare '&' shows. */
			static const char *const shown[] = {"amp", "lt", "gt",
							    "quot", NULL};
			size_t k = i + 1;

			if (k < n && s[k] == '#')
				k++;
			k += name_len(s + k, n - k);
			if (k == i + 1 || k >= n || s[k] != ';' ||
			    name_is(s + i + 1, k - i - 1, shown))
				return true;
			i = k + 1;
		} else {
			gunichar c =
			    g_utf8_get_char_validated(s + i, (gssize)(n - i));

			if (c == (gunichar)-1 || c == (gunichar)-2 ||
			    visible_char(c))
				return s[i] != '<';
			i = (size_t)(g_utf8_next_char(s + i) - s);
		}
	}
	return false;
}

bool
html_shows_text(const char *html, size_t n)
{
	struct html_policy pol = {.remote_images = true, .cid_url = cid_any};
	struct buf b;
	enum ma_status st;
	bool shows;

	if (quick_shows(html, n))
		return true;
	buf_init(&b, n * 2 + 4096);
	st = html_sanitize(&b, html, n, &pol);
	/* Too deep (the page shows its source), or no memory to tell: as
	 * it was. */
	shows = st != MA_OK || markup_shows(b.data ? b.data : "", b.len);
	buf_release(&b);
	return shows;
}

static bool
block_tag(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P:
	case GUMBO_TAG_DIV:
	case GUMBO_TAG_BR:
	case GUMBO_TAG_TR:
	case GUMBO_TAG_LI:
	case GUMBO_TAG_H1:
	case GUMBO_TAG_H2:
	case GUMBO_TAG_H3:
	case GUMBO_TAG_H4:
	case GUMBO_TAG_H5:
	case GUMBO_TAG_H6:
	case GUMBO_TAG_TABLE:
	case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_TITLE:
	case GUMBO_TAG_HR:
		return true;
	default:
		return false;
	}
}

/* Elements whose content the parser keeps as raw text: what a browser
 * would have shown had the markup been closed. Read again as HTML. */
static bool
reparse_tag(GumboTag t)
{
	return t == GUMBO_TAG_IFRAME || t == GUMBO_TAG_NOSCRIPT ||
	       t == GUMBO_TAG_NOEMBED || t == GUMBO_TAG_NOFRAMES ||
	       t == GUMBO_TAG_XMP || t == GUMBO_TAG_PLAINTEXT;
}

/*
 * The text of one parse of html[0..n) into g, blocks on their own lines;
 * the raw text of reparse_tag() elements into again (read in the next
 * round) instead. Script and style hold no text. Iterative.
 */
static bool
hidden_round(GString *g, const char *html, size_t n, GPtrArray *again)
{
	GumboOutput *out =
	    gumbo_parse_with_options(&kGumboDefaultOptions, html, n);
	GPtrArray *stack;

	if (out == NULL)
		return false;
	stack = g_ptr_array_new();
	g_ptr_array_add(stack, out->document);
	while (stack->len > 0) {
		GumboNode *c = g_ptr_array_remove_index(stack, stack->len - 1);
		GumboTag pt = GUMBO_TAG_UNKNOWN;

		if (c == NULL) {
			g_string_append_c(g, '\n');
			continue;
		}
		if (c->parent != NULL && c->parent->type == GUMBO_NODE_ELEMENT)
			pt = c->parent->v.element.tag;
		if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
		    c->type == GUMBO_NODE_WHITESPACE) {
			if (pt == GUMBO_TAG_SCRIPT || pt == GUMBO_TAG_STYLE)
				continue;
			if (reparse_tag(pt))
				g_ptr_array_add(again,
						g_strdup(c->v.text.text));
			else
				g_string_append(g, c->v.text.text);
			continue;
		}
		if (c->type != GUMBO_NODE_ELEMENT &&
		    c->type != GUMBO_NODE_TEMPLATE &&
		    c->type != GUMBO_NODE_DOCUMENT)
			continue;
		{
			GumboVector *kids = c->type == GUMBO_NODE_DOCUMENT
						? &c->v.document.children
						: &c->v.element.children;

			if (c->type != GUMBO_NODE_DOCUMENT &&
			    block_tag(c->v.element.tag))
				g_ptr_array_add(stack, NULL);
			for (unsigned i = kids->length; i > 0; i--)
				g_ptr_array_add(stack, kids->data[i - 1]);
		}
	}
	g_ptr_array_free(stack, TRUE);
	gumbo_destroy_output(&kGumboDefaultOptions, out);
	return true;
}

/* Lines of g trimmed, runs of blank lines made one, into a new string. */
static char *
tidy_lines(const GString *g, size_t *lenp)
{
	GString *o = g_string_sized_new(g->len);
	size_t blank = 1;

	for (const char *p = g->str; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *s = p, *e = p + len;

		while (s < e && g_ascii_isspace(*s))
			s++;
		while (e > s && g_ascii_isspace(e[-1]))
			e--;
		if (e > s) {
			if (blank > 1 && o->len > 0)
				g_string_append_c(o, '\n');
			g_string_append_len(o, s, e - s);
			g_string_append_c(o, '\n');
			blank = 0;
		}
		blank++;
		p = nl ? nl + 1 : p + len;
	}
	*lenp = o->len;
	return g_string_free(o, FALSE);
}

enum ma_status
html_hidden_text(const char *html, size_t n, char **textp, size_t *lenp)
{
	GString *g = g_string_sized_new(n);
	GPtrArray *todo = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *again = g_ptr_array_new_with_free_func(g_free);
	enum ma_status st = MA_OK;
	char *text, *copy;

	g_ptr_array_add(todo, g_strndup(html, n));
	for (unsigned round = 0; round < HIDDEN_MAX_ROUNDS && todo->len > 0;
	     round++) {
		for (unsigned i = 0; i < todo->len && st == MA_OK; i++) {
			const char *h = todo->pdata[i];
			size_t hn = strlen(h);

			if (round + 1 == HIDDEN_MAX_ROUNDS ||
			    html_nesting(h, hn) > HTML_MAX_NESTING)
				g_string_append(g, h); /* as written */
			else if (!hidden_round(g, h, hn, again))
				st = MA_ENOMEM;
			g_string_append_c(g, '\n');
		}
		g_ptr_array_set_size(todo, 0);
		{
			GPtrArray *t = todo;

			todo = again;
			again = t;
		}
	}
	g_ptr_array_free(todo, TRUE);
	g_ptr_array_free(again, TRUE);
	if (st != MA_OK) {
		g_string_free(g, TRUE);
		return st;
	}
	text = tidy_lines(g, lenp);
	g_string_free(g, TRUE);
	copy = malloc(*lenp + 1);
	if (copy == NULL) {
		g_free(text);
		return MA_ENOMEM;
	}
	memcpy(copy, text, *lenp + 1);
	g_free(text);
	*textp = copy;
	return MA_OK;
}
