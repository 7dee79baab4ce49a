#ifndef MA_RENDER_FILL_SPILL_H
#define MA_RENDER_FILL_SPILL_H

/*
 * Private to fill_cache.c: the listing fields of every entry filled this
 * run, on disk (fill_spill.c says why and how).
 */
#include "render_int.h"

struct fill_spill;

/* fill_spill_new - an empty spill in unnamed temp files of dir (NULL: no
 * memory, or dir takes no file: the run goes without). Freed with
 * fill_spill_free() (NULL does nothing), which removes the files. */
struct fill_spill *fill_spill_new(const char *dir);
void fill_spill_free(struct fill_spill *s);

/* fill_spill_put - keep a filled e's listing fields and nfiles, under
 * its position (a later put for the position replaces it). A failure
 * turns the spill off: every get misses from then on. */
void fill_spill_put(struct fill_spill *s, const struct entry *e);

/* fill_spill_get - set e's listing fields, nfiles and filled from what
 * was put for e (true), or do nothing (false: none, another Message-ID
 * at e's position, no memory). */
bool fill_spill_get(struct fill_spill *s, struct entry *e);

/* fill_dup - a copy of s (NULL for NULL); without memory NULL, and *ok
 * set false. */
char *fill_dup(const char *s, bool *ok);

/* fill_set - set e's listing fields to copies of subject, from and file
 * (each may be NULL), its nfiles, and filled (true); false, e unchanged,
 * without memory. For the cache's slots and the spill's records alike. */
bool fill_set(struct entry *e, const char *subject, const char *from,
	      const char *file, uint16_t nfiles);

#endif
