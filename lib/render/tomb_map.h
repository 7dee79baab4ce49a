#ifndef MA_RENDER_TOMB_MAP_H
#define MA_RENDER_TOMB_MAP_H

/*
 * The threads of tombstones written against an earlier notmuch database
 * (tomb_map.c), in the database's thread ids of now.
 */
#include "render_int.h"

/*
 * tomb_map_settle - read STATE.tombs into r->tmap. On the first run on a
 * new database (its uuid is not the one the state or the file is of),
 * find the thread of every tombstone again first, and write the file
 * (fsynced) before the run saves anything. Call it with the state read
 * and the database open, before tombs_read().
 */
enum ma_status tomb_map_settle(struct run *r, const char *state,
			       const char *uuid);

/*
 * tomb_map_thread - the thread id of now of the tombstone line at byte
 * off that names raw ("-": none known).
 */
const char *tomb_map_thread(const struct run *r, long off, const char *raw);

void tomb_map_free(struct tomb_map *m);

#endif
