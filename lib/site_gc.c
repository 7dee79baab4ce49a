/*
 * site_gc(): the files of ours in the site that this run did not
 * produce are removed at the commit (site.h). A full run whose set of
 * produced paths went to disk (site_spill()) compares a 256th of the
 * site at a time against it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "log.h"
#include "path.h"
#include "site.h"
#include "site_int.h"

/* The files site_gc() found, by the top 8 bits of their path's hash
 * (256 of them), as "HASH PATH" lines in SPILL/g-HH: each buffer goes to
 * its file when it holds GC_BUF bytes. */
#define GC_BUF 8192

struct gc_found {
	const char *dir;
	GString *buf[256];
};

static enum ma_status
found_flush(struct gc_found *g, unsigned b)
{
	char *p;
	enum ma_status st;

	if (g->buf[b] == NULL || g->buf[b]->len == 0)
		return MA_OK;
	if ((p = path_fmt("%s/g-%02x", g->dir, b)) == NULL)
		return MA_ENOMEM;
	st = path_append(p, g->buf[b]->str, g->buf[b]->len);
	free(p);
	g_string_truncate(g->buf[b], 0);
	return st;
}

/* A file of ours that site_gc() found: kept for its bucket's turn. */
static enum ma_status
found_add(struct gc_found *g, const char *rel)
{
	guint64 h = site_path_hash(rel);
	unsigned b = (unsigned)(h >> 56);

	if (g->buf[b] == NULL)
		g->buf[b] = g_string_sized_new(GC_BUF);
	g_string_append_printf(g->buf[b], "%016" G_GINT64_MODIFIER "x %s\n", h,
			       rel);
	return g->buf[b]->len >= GC_BUF ? found_flush(g, b) : MA_OK;
}

static int
u64_cmp(const void *a, const void *b)
{
	guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;

	return x < y ? -1 : x > y;
}

/* Bucket b: each file found whose path this run did not produce is
 * removed (site_remove()). */
static enum ma_status
found_sweep(struct site *s, struct gc_found *g, unsigned b)
{
	char *p = path_fmt("%s/g-%02x", g->dir, b), *data = NULL;
	uint64_t *v = NULL;
	size_t n = 0, len = 0;
	enum ma_status st;

	if (p == NULL)
		return MA_ENOMEM;
	st = found_flush(g, b);
	if (st == MA_OK)
		st = path_file_read_all(p, (size_t)1 << 31, &data, &len);
	if (st == MA_ENOTFOUND) {
		free(p);
		return MA_OK; /* no file of that bucket */
	}
	if (st == MA_OK)
		st = site_set_bucket(s->written, b, &v, &n);
	for (char *q = data, *end = data + len; st == MA_OK && q < end;) {
		char *nl = memchr(q, '\n', (size_t)(end - q)), *sp;
		guint64 h;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		h = g_ascii_strtoull(q, &sp, 16);
		if (sp != NULL && *sp == ' ' &&
		    bsearch(&h, v, n, sizeof *v, u64_cmp) == NULL)
			st = site_remove(s, sp + 1);
		q = nl + 1;
	}
	free(v);
	free(data);
	unlink(p);
	free(p);
	return st;
}

/* The site walked folder by folder (our own tree: depth is bounded by
 * the layout, but walk it with a list anyway) for what the run did not
 * produce. */
static enum ma_status
gc_walk(struct site *s)
{
	GPtrArray *todo = g_ptr_array_new_with_free_func(free);
	GPtrArray *seen = g_ptr_array_new_with_free_func(free);
	/* Spilled, unless site_produced() took the paths back. */
	bool spilled = s->spill != NULL && site_set_spilled(s->written);
	struct gc_found g = {.dir = s->spill};
	enum ma_status st = MA_OK;

	/* Each file of the site is looked up: no tail to look through
	 * (spilled: a bucket at a time, once the site is walked). */
	if (!spilled && (st = site_set_settle(s->written, 0)) != MA_OK) {
		g_ptr_array_free(todo, TRUE);
		g_ptr_array_free(seen, TRUE);
		return st;
	}
	g_ptr_array_add(todo, strdup(""));
	while (todo->len > 0 && st == MA_OK) {
		char *rel = g_ptr_array_steal_index(todo, todo->len - 1);
		char *full = rel != NULL && rel[0] ? site_final_path(s, rel)
						   : strdup(s->dir);
		struct dirent *de;
		DIR *d;

		if (rel == NULL || full == NULL ||
		    (d = opendir(full)) == NULL) {
			free(rel);
			free(full);
			continue;
		}
		g_ptr_array_add(seen, rel);
		while ((de = readdir(d)) != NULL && st == MA_OK) {
			char *sub;

			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0 ||
			    (rel[0] == '\0' && !site_owns(de->d_name)) ||
			    strncmp(de->d_name, SITE_TMP_PREFIX,
				    strlen(SITE_TMP_PREFIX)) == 0)
				continue;
			sub = rel[0] ? path_fmt("%s/%s", rel, de->d_name)
				     : strdup(de->d_name);
			if (sub == NULL) {
				st = MA_ENOMEM;
				break;
			}
			if (de->d_type == DT_DIR) {
				g_ptr_array_add(todo, sub);
				continue;
			}
			if (spilled)
				st = found_add(&g, sub);
			else if (!site_remembered(s, sub))
				st = site_remove(s, sub);
			free(sub);
		}
		closedir(d);
		free(full);
	}
	for (unsigned b = 0; spilled && b < 256; b++) {
		if (st == MA_OK)
			st = found_sweep(s, &g, b);
		if (g.buf[b] != NULL)
			g_string_free(g.buf[b], TRUE);
	}
	/* Folders already empty (no page in them: no link can point
	 * there) go now, deepest first; those the removals empty go at the
	 * commit. */
	for (guint i = seen->len; i-- > 1 && st == MA_OK;) {
		char *full = site_final_path(s, g_ptr_array_index(seen, i));

		if (full != NULL)
			rmdir(full); /* fails, harmlessly, when not empty */
		free(full);
	}
	g_ptr_array_free(todo, TRUE);
	g_ptr_array_free(seen, TRUE);
	return st;
}

/* Record the removal of what the run did not produce. The removals
 * happen at the commit, after every page that replaces a link to them
 * is published. */
enum ma_status
site_gc(struct site *s)
{
	/* A first render into a site without a file of ours wrote them all:
	 * nothing to look up (site_fresh.c). */
	if (s->fresh && s->empty)
		return site_fresh_gc(s);
	return gc_walk(s);
}
