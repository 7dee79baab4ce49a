/*
 * A message as the search index knows it (struct sdoc): the terms of its
 * subject, addresses and body (the text its page shows), and what a
 * result shows of it (date, subject, sender, a snippet), as one line of
 * text in the renderer's cache. search.c builds the index from these.
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"
#include "search_int.h"

#define SEARCH_BODY_MAX ((size_t)256 << 10) /* body bytes indexed */
#define SEARCH_SNIPPET	160		    /* characters */

void
sdoc_free(void *p)
{
	struct sdoc *d = p;

	if (d == NULL)
		return;
	g_free(d->name);
	g_free(d->thread);
	g_free(d->subject);
	g_free(d->from);
	g_free(d->snippet);
	g_free(d->terms);
	g_free(d);
}

/* Valid UTF-8 with every control character a space, at most max
 * characters (0: all). */
static char *
clean_text(const char *s, size_t n, size_t max)
{
	char *v = g_utf8_make_valid(s, (gssize)n);
	GString *g = g_string_sized_new(strlen(v));
	size_t chars = 0;
	bool space = true;

	for (const char *p = v; *p && (max == 0 || chars < max);
	     p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || c == 0x7f || g_unichar_isspace(c)) {
			if (!space)
				g_string_append_c(g, ' ');
			space = true;
		} else {
			g_string_append_unichar(g, c);
			space = false;
		}
		chars++;
	}
	g_free(v);
	if (g->len > 0 && g->str[g->len - 1] == ' ')
		g_string_truncate(g, g->len - 1);
	return g_string_free(g, FALSE);
}

/*
 * The text of an HTML body, roughly as a reader sees it: tags dropped
 * (with what style and script elements hold), a few entities decoded.
 * It only feeds the index; nothing of it is shown as HTML.
 */
static char *
html_plain(const char *h, size_t n)
{
	GString *g = g_string_sized_new(n / 2);
	size_t i = 0;

	while (i < n) {
		if (h[i] == '<') {
			bool skip =
			    g_ascii_strncasecmp(h + i, "<style", 6) == 0 ||
			    g_ascii_strncasecmp(h + i, "<script", 7) == 0;
			const char *end = memchr(h + i, '>', n - i);
			const char *close = NULL;

			i = end ? (size_t)(end - h) + 1 : n;
			if (skip) {
				for (size_t k = i; k + 1 < n; k++)
					if (h[k] == '<' && h[k + 1] == '/') {
						close = h + k;
						break;
					}
				i = close ? (size_t)(close - h) : n;
			}
			g_string_append_c(g, ' ');
			continue;
		}
		if (h[i] == '&') {
			static const struct {
				const char *e, *c;
			} ent[] = {{"&amp;", "&"}, {"&lt;", "<"},
				   {"&gt;", ">"},  {"&quot;", "\""},
				   {"&#39;", "'"}, {"&nbsp;", " "}};
			bool done = false;

			for (size_t k = 0; k < G_N_ELEMENTS(ent) && !done; k++)
				if (n - i >= strlen(ent[k].e) &&
				    strncmp(h + i, ent[k].e,
					    strlen(ent[k].e)) == 0) {
					g_string_append(g, ent[k].c);
					i += strlen(ent[k].e);
					done = true;
				}
			if (done)
				continue;
		}
		g_string_append_c(g, h[i++]);
	}
	return g_string_free(g, FALSE);
}

/* The first lines of the body that are not quoted, as one line. */
static char *
snippet_of(const char *text)
{
	GString *g = g_string_new(NULL);
	const char *p = text;
	char *s;

	while (*p && g->len < 4 * SEARCH_SNIPPET) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		/* Quoted lines, and the "X wrote:" line that leads them. */
		bool quote =
		    p[0] == '>' ||
		    (len >= 6 && strncmp(p + len - 6, "wrote:", 6) == 0);

		if (!quote) {
			g_string_append_len(g, p, (gssize)len);
			g_string_append_c(g, ' ');
		}
		p += len + (nl ? 1 : 0);
	}
	s = clean_text(g->str, g->len, SEARCH_SNIPPET);
	g_string_free(g, TRUE);
	return s;
}

/* The address terms the site may show: all of it, or (names only or
 * obfuscated addresses) the name and the domain. */
static void
addr_terms(GHashTable *set, const char *prefix, enum render_addr mode,
	   const struct mime_addr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *at = strchr(a[i].addr, '@');
		const char *shown = a[i].addr;

		search_terms(set, prefix, a[i].name, strlen(a[i].name));
		if (mode != RENDER_ADDR_FULL)
			shown = at ? at : "";
		search_terms(set, prefix, shown, strlen(shown));
	}
}

gint
search_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The set's terms, sorted, one string. */
static char *
terms_join(GHashTable *set)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;
	GString *g = g_string_new(NULL);

	g_hash_table_iter_init(&it, set);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, search_strcmp);
	for (guint i = 0; i < a->len; i++) {
		if (i > 0)
			g_string_append_c(g, ' ');
		g_string_append(g, a->pdata[i]);
	}
	g_ptr_array_free(a, TRUE);
	return g_string_free(g, FALSE);
}

/* The document of entry e (permalink name) from its parsed message mm
 * (NULL when it could not be read: its headers alone). */
struct sdoc *
sdoc_make(struct run *r, struct entry *e, const char *name,
	  const struct mime_msg *mm)
{
	struct sdoc *d = g_new0(struct sdoc, 1);
	GHashTable *set =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *subject = e->lst->subject ? e->lst->subject : "";
	const char *who = "";
	char *body = NULL;

	d->date = e->date;
	d->name = g_strdup(name);
	d->thread = search_thread_place(e);
	d->subject = clean_text(subject, strlen(subject), 0);
	search_terms(set, "", subject, strlen(subject));
	search_terms(set, "s:", subject, strlen(subject));
	if (mm != NULL) {
		size_t blen = mm->body_len < SEARCH_BODY_MAX ? mm->body_len
							     : SEARCH_BODY_MAX;

		body = mm->body_html ? html_plain(mm->body, blen)
				     : g_strndup(mm->body, blen);
		search_terms(set, "", body, strlen(body));
		addr_terms(set, "", r->o->addr, mm->from, mm->nfrom);
		addr_terms(set, "f:", r->o->addr, mm->from, mm->nfrom);
		addr_terms(set, "", r->o->addr, mm->to, mm->nto);
		addr_terms(set, "t:", r->o->addr, mm->to, mm->nto);
		addr_terms(set, "", r->o->addr, mm->cc, mm->ncc);
		addr_terms(set, "t:", r->o->addr, mm->cc, mm->ncc);
		if (mm->nfrom > 0)
			who = mm->from[0].name[0] ? mm->from[0].name
			      : r->o->addr == RENDER_ADDR_FULL
				  ? mm->from[0].addr
				  : "";
	}
	d->from = clean_text(who, strlen(who), 80);
	d->snippet = snippet_of(body ? body : "");
	d->terms = terms_join(set);
	g_free(body);
	g_hash_table_destroy(set);
	return d;
}

/* A document as a line of the cache: tab-separated, no tab inside. */
void
sdoc_line(GString *g, const struct sdoc *d)
{
	g_string_append_printf(
	    g, "%s\t%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\t%s\n", d->name,
	    d->date, d->thread, d->subject, d->from, d->snippet, d->terms);
}

/* A message rendered by no thread this run, and not in the cache: read
 * it here (a cache lost or from an older mailarc). */
struct sdoc *
sdoc_read(struct run *r, struct entry *e, const char *name)
{
	struct mime_msg *mm = NULL;
	char *raw = NULL;
	size_t len = 0;
	struct sdoc *d;

	if (entry_fill(r, e) && e->lst->file != NULL &&
	    read_raw(e->lst->file, &raw, &len) == MA_OK)
		mime_parse(raw, len, e->lst->file, r->o->prefer_html, &mm);
	d = sdoc_make(r, e, name, mm);
	mime_free(mm);
	free(raw);
	return d;
}

/* The documents of a file of lines (a cache: after its first line), by
 * permalink name; empty when there is no file. Frees p. */
GHashTable *
docs_load(char *p, size_t first)
{
	GHashTable *h =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, sdoc_free);
	char *data = NULL;
	char **lines;

	if (p == NULL || !g_file_get_contents(p, &data, NULL, NULL)) {
		free(p);
		return h;
	}
	free(p);
	lines = g_strsplit(data, "\n", -1);
	g_free(data);
	for (size_t i = first; lines[0] != NULL && lines[i] != NULL; i++) {
		char **f = g_strsplit(lines[i], "\t", 8);
		struct sdoc *d;
		char *end;

		if (g_strv_length(f) != 7) {
			g_strfreev(f);
			continue;
		}
		d = g_new0(struct sdoc, 1);
		d->name = g_strdup(f[0]);
		d->date = g_ascii_strtoll(f[1], &end, 10);
		d->thread = g_strdup(f[2]);
		d->subject = g_strdup(f[3]);
		d->from = g_strdup(f[4]);
		d->snippet = g_strdup(f[5]);
		d->terms = g_strdup(f[6]);
		g_hash_table_replace(h, d->name, d);
		g_strfreev(f);
	}
	g_strfreev(lines);
	return h;
}
