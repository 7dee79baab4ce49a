/*
 * The search index's cache, SPACE/state/search/YYYY-MM: each month's
 * segment line, which search.c writes with the segment and reads to
 * keep a month it does not rebuild. The state's reader (store_load.c)
 * asks here whether a month can be kept, without calling into search.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "render_int.h"
#include "search_int.h"
#include "space.h"

char *
search_cache_path(struct run *r, const char *month)
{
	char *dir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	char *p = dir != NULL ? path_fmt("%s/%s", dir, month) : NULL;

	free(dir);
	return p;
}

bool
search_seg_parse(const char *line, const char *month, struct seg *sg)
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
search_cache_usable(struct run *r, const char *month)
{
	char m[8], *p = NULL, line[256];
	struct seg sg;
	bool ok = false;
	FILE *f;

	memcpy(m, month, 8);
	m[4] = '-';
	if ((p = search_cache_path(r, m)) != NULL &&
	    (f = fopen(p, "r")) != NULL) {
		ok = fgets(line, sizeof line, f) != NULL &&
		     search_seg_parse(line, m, &sg);
		fclose(f);
	}
	free(p);
	if (ok) {
		p = path_fmt("%s/search/%s.%s/t0.json", r->o->site_dir, m,
			     sg.hash);
		ok = p != NULL && path_exists(p);
		free(p);
	}
	return ok;
}
