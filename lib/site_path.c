/*
 * The names and paths of a site: which names are ours to publish, where a
 * name is staged and published, and the folders above a path. The lowest
 * room of the site family: site.c, site_fresh.c and site_journal.c use
 * it, and it uses none of them.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "log.h"
#include "path.h"
#include "site.h"
#include "site_int.h"

/* Our own names only: relative, no "." or ".." step, no newline (the
 * journal is one step a line), no hidden name at the top. */
enum ma_status
site_check_rel(const char *rel)
{
	const char *p = rel;

	if (rel[0] == '\0' || rel[0] == '/' || rel[0] == '.' ||
	    strchr(rel, '\n') != NULL)
		goto bad;
	while (p != NULL) {
		const char *end = strchr(p, '/');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
		p = end != NULL ? end + 1 : NULL;
	}
	return MA_OK;
bad:
	log_err("refusing to publish '%s': not a name inside the site", rel);
	return MA_EDATA;
}

char *
site_stage_path(const struct site *s, const char *rel)
{
	return path_fmt("%s/%s", s->stage, rel);
}

char *
site_final_path(const struct site *s, const char *rel)
{
	return path_fmt("%s/%s", s->dir, rel);
}

/*
 * Add to set every folder above path whose name is at least root bytes
 * long: the folder that holds it and those above, up to the top one. A
 * folder made by a run is durable only once the one holding it is synced.
 */
void
site_note_parents(GHashTable *set, const char *path, size_t root)
{
	char *d = strdup(path), *slash;

	while (d != NULL && (slash = strrchr(d, '/')) != NULL &&
	       (size_t)(slash - d) >= root) {
		*slash = '\0';
		if (g_hash_table_contains(set, d))
			break;
		g_hash_table_add(set, strdup(d));
	}
	free(d);
}

/*
 * The names a site's top level may hold that are ours: a site_dir may be
 * a web server's folder with files of its own, which stay.
 */
bool
site_owns(const char *name)
{
	static const char *const ours[] = {
	    "index.html", "style.css", "feed.atom", "a", "m", "t"};

	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		if (strcmp(name, ours[i]) == 0)
			return true;
	/* Years: four digits. */
	return strlen(name) == 4 && strspn(name, "0123456789") == 4;
}

/*
 * A path's 64-bit FNV-1a hash: what a run remembers of each path it
 * produced, about 6 bytes in a site_set (site_set.h) rather than the
 * path and a hash table node (a full run of a million messages
 * produces some 3.5 million). Two paths with one hash (odds about 1 in 10^12 at
 * that size) would only keep a stale file that site_gc() should have removed,
 * never remove a live one.
 */
guint64
site_path_hash(const char *rel)
{
	guint64 h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}
