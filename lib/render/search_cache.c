/*
 * The search index's cache, SPACE/state/search/YYYY-MM[.K]: each part of
 * a month's segment, its line in index.json then its documents' terms,
 * which search.c writes with the part and reads to keep a part it does
 * not rebuild, or to rebuild one without parsing its mail. The state's
 * reader (store_load.c) asks here whether a month can be kept, without
 * calling into search.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "log.h"
#include "path.h"
#include "render_int.h"
#include "search_int.h"
#include "space.h"

size_t
search_part_size(void)
{
	static size_t size;

	if (size == 0)
		size =
		    env_count("MAILARC_SEARCH_PART", SEARCH_PART, SEARCH_PART);
	return size;
}

/* A month's last part holds what is left after its full parts, unless
 * that is under a quarter of a part: then the part before holds it too
 * (between one and one and a quarter parts). */
static size_t
part_tail_min(void)
{
	size_t t = search_part_size() / 4;

	return t > 0 ? t : 1;
}

unsigned
search_parts(size_t count)
{
	size_t full = count / search_part_size();

	if (count == 0)
		return 0;
	if (full == 0)
		return 1;
	return (unsigned)(count % search_part_size() >= part_tail_min()
			      ? full + 1
			      : full);
}

unsigned
search_part_docs(size_t count, unsigned k)
{
	unsigned parts = search_parts(count);
	size_t from = (size_t)k * search_part_size();

	if (k >= parts)
		return 0;
	return (unsigned)(k + 1 < parts ? search_part_size() : count - from);
}

unsigned
search_part_at(size_t count, size_t at)
{
	unsigned parts = search_parts(count);
	size_t k = at / search_part_size();

	return parts == 0 ? 0 : k < parts ? (unsigned)k : parts - 1;
}

char *
search_cache_path(struct run *r, const char *month, unsigned part)
{
	char *dir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	char *p = NULL;

	if (dir != NULL)
		p = part == 0 ? path_fmt("%s/%s", dir, month)
			      : path_fmt("%s/%s.%u", dir, month, part);
	free(dir);
	return p;
}

/* line (a cache's first) of month into *sg; false when it is not one. */
static bool
seg_parse(const char *line, const char *month, struct seg *sg)
{
	char tag[32], hash[32];
	unsigned n, bits;
	long long lo, hi;

	if (sscanf(line, "%31[^\t]\t%31[0-9a-f]\t%u\t%u\t%lld\t%lld", tag, hash,
		   &n, &bits, &lo, &hi) != 6 ||
	    strcmp(tag, SEARCH_CACHE_TAG) != 0 || strlen(hash) != 16 ||
	    bits > SEARCH_BITS_MAX)
		return false;
	memset(sg, 0, sizeof *sg);
	g_strlcpy(sg->month, month, sizeof sg->month);
	memcpy(sg->hash, hash, 17);
	sg->n = n;
	sg->bits = bits;
	sg->lo = lo;
	sg->hi = hi;
	return true;
}

bool
search_cache_head(struct run *r, const char *month, unsigned part, unsigned n,
		  struct seg *sg)
{
	char *p = search_cache_path(r, month, part), line[256];
	FILE *f = p != NULL ? fopen(p, "r") : NULL;
	bool ok = false;

	if (f != NULL && fgets(line, sizeof line, f) != NULL)
		ok = seg_parse(line, month, sg) && sg->n == n;
	if (f != NULL)
		fclose(f);
	free(p);
	sg->part = part;
	return ok;
}

bool
search_cache_usable(struct run *r, const char *month, size_t count)
{
	struct site *held = r->held_site;
	char m[8], rel[64];
	struct seg sg;
	bool ok = true;

	memcpy(m, month, 8);
	m[4] = '-';
	for (unsigned k = 0; ok && k < search_parts(count); k++) {
		char *p;

		ok =
		    search_cache_head(r, m, k, search_part_docs(count, k), &sg);
		if (ok && held != NULL) {
			/* A step: what an earlier step staged counts. */
			ok = snprintf(rel, sizeof rel, "search/%s.%s/t0.json",
				      m, sg.hash) < (int)sizeof rel &&
			     site_exists(held, rel);
		} else if (ok) {
			p = path_fmt("%s/search/%s.%s/t0.json", r->o->site_dir,
				     m, sg.hash);
			ok = p != NULL && path_exists(p);
			free(p);
		}
	}
	return ok;
}

/* What a run leaves in the cache's folder only while it runs: a part's
 * fresh documents, a part's new cache before its month is done. */
bool
search_cache_scratch(const char *name)
{
	return strncmp(name, ".fresh-", 7) == 0 ||
	       strncmp(name, ".new-", 5) == 0;
}

/* Whether name is the cache of a part that months (month -> its number
 * of parts) does not have. */
bool
search_cache_stale(const char *name, GHashTable *months)
{
	char month[8], *end;
	unsigned long k = 0;
	gpointer parts;

	if (strlen(name) < 7 || name[4] != '-')
		return false;
	if (name[7] != '\0') {
		if (name[7] != '.' || !g_ascii_isdigit(name[8]))
			return false;
		k = strtoul(name + 8, &end, 10);
		if (*end != '\0')
			return false;
	}
	g_strlcpy(month, name, sizeof month);
	return !g_hash_table_lookup_extended(months, month, NULL, &parts) ||
	       k >= GPOINTER_TO_UINT(parts);
}

/* The line of a part the run keeps; false when its cache has none for
 * n documents, or when the site lost the segment it names (a folder
 * removed by hand). */
bool
search_cache_kept(struct run *r, const char *month, unsigned part, unsigned n,
		  struct seg *sg)
{
	char rel[64];
	int k;

	if (!search_cache_head(r, month, part, n, sg))
		return false;
	k = snprintf(rel, sizeof rel, "search/%s.%s/t0.json", month, sg->hash);
	return k > 0 && (size_t)k < sizeof rel && site_exists(r->site, rel);
}

/* Where a part's new cache waits until its month is done: the old
 * caches of the month's later parts are still read while it is rebuilt
 * (search_old_find()), and a killed run leaves the old ones whole. */
static char *
cache_new_path(struct run *r, const struct seg *sg)
{
	char *dir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	char *p = dir != NULL
		      ? path_fmt("%s/.new-%s.%u", dir, sg->month, sg->part)
		      : NULL;

	free(dir);
	return p;
}

enum ma_status
search_cache_save(struct run *r, const struct seg *sg, GPtrArray *docs)
{
	GString *g = g_string_new(NULL);
	char *p = cache_new_path(r, sg);
	GError *err = NULL;
	enum ma_status st = MA_OK;

	g_string_append_printf(
	    g, "%s\t%s\t%u\t%u\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
	    SEARCH_CACHE_TAG, sg->hash, sg->n, sg->bits, sg->lo, sg->hi);
	for (guint i = 0; i < docs->len; i++)
		sdoc_line(g, docs->pdata[i]);
	if (p == NULL) {
		st = MA_ENOMEM;
	} else if (!g_file_set_contents(p, g->str, (gssize)g->len, &err)) {
		log_err("cannot write '%s': %s", p, err->message);
		st = err->domain == G_FILE_ERROR &&
			     err->code == G_FILE_ERROR_NOSPC
			 ? MA_ETEMP
			 : MA_EIO;
		g_error_free(err);
	}
	free(p);
	g_string_free(g, TRUE);
	return st;
}

/* The new caches of a month's parts from..to, put in place. */
enum ma_status
search_cache_commit(struct run *r, const char *month, unsigned from,
		    unsigned to)
{
	enum ma_status st = MA_OK;

	for (unsigned k = from; k < to && st == MA_OK; k++) {
		struct seg sg = {.part = k};
		char *np, *p;

		g_strlcpy(sg.month, month, sizeof sg.month);
		np = cache_new_path(r, &sg);
		p = search_cache_path(r, month, k);
		if (np == NULL || p == NULL) {
			st = MA_ENOMEM;
		} else if (rename(np, p) != 0) {
			log_err("cannot rename '%s' to '%s': %s", np, p,
				strerror(errno));
			st = MA_EIO;
		}
		free(np);
		free(p);
	}
	return st;
}

struct sdoc *
search_old_find(struct run *r, struct search_old *o, const char *name)
{
	for (int read = 0;; read++) {
		GHashTable *h[2] = {o->cur, o->prev};
		gpointer d;
		char *p;

		for (int i = 0; i < 2; i++)
			if (h[i] != NULL &&
			    g_hash_table_steal_extended(h[i], name, NULL, &d))
				return d;
		if (o->end || read > 0)
			return NULL;
		p = search_cache_path(r, o->month, o->next);
		if (p == NULL || !path_exists(p)) {
			free(p);
			o->end = true;
			return NULL;
		}
		if (o->prev != NULL)
			g_hash_table_destroy(o->prev);
		o->prev = o->cur;
		o->cur = docs_load(p, 1);
		o->next++;
	}
}

void
search_old_free(struct search_old *o)
{
	if (o->prev != NULL)
		g_hash_table_destroy(o->prev);
	if (o->cur != NULL)
		g_hash_table_destroy(o->cur);
}
