#ifndef MA_SITE_SET_H
#define MA_SITE_SET_H

/*
 * A set of 64-bit values (the hashes of the paths a run produced,
 * site.c) in about 6 bytes each: a full run over a million messages
 * produces some 3.5 million paths, and site_gc() must know each of them.
 * The values are kept sorted, bucketed by their top 16 bits, the other
 * 48 stored; new ones wait in a small unsorted tail until it is merged.
 * The set is exact: a value is in it if and only if it was added.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct site_set;

/* site_set_new - an empty set; NULL when out of memory. Freed with
 * site_set_free() (NULL does nothing). */
struct site_set *site_set_new(void);
void site_set_free(struct site_set *s);

/* site_set_add - add v (again: no change). MA_ENOMEM, MA_ETOOBIG (more
 * than UINT32_MAX values); on an error the set holds what it held. */
enum ma_status site_set_add(struct site_set *s, uint64_t v);

/* site_set_has - whether v was added. A binary search, and a look at
 * each value of the tail: site_set_settle() empties the tail when many
 * lookups follow. */
bool site_set_has(const struct site_set *s, uint64_t v);

/* site_set_settle - merge the tail when it holds more than max values;
 * MA_ENOMEM (the set is unchanged). */
enum ma_status site_set_settle(struct site_set *s, size_t max);

/*
 * Spilled to disk: site_set_spill() - from now on, a full tail goes to
 * files under dir (made, with mode 0700, and emptied first), 256 of
 * them by the values' top 8 bits, instead of the sorted part: the set
 * then holds its tail (512 kB) whatever its size. Only for an empty set
 * (otherwise nothing changes); MA_EIO or MA_ENOMEM. site_set_free()
 * removes the files and dir. site_set_spilled() - whether it is so.
 * site_set_bucket() - the values whose top 8 bits are b, sorted (with
 * repeats), malloc'd into *vp (the caller frees it): a spilled set is
 * looked up a bucket at a time (MA_EIO when not spilled).
 * site_set_load() - a spilled set back in memory (its files removed),
 * for site_set_has(); site_set_settle() does it first.
 * site_set_spill_clear() - remove the files under dir (what a killed
 * run left).
 */
enum ma_status site_set_spill(struct site_set *s, const char *dir);
bool site_set_spilled(const struct site_set *s);
enum ma_status site_set_bucket(struct site_set *s, unsigned b, uint64_t **vp,
			       size_t *np);
enum ma_status site_set_load(struct site_set *s);
void site_set_spill_clear(const char *dir);

/* site_set_count - how many distinct values the sorted part holds plus
 * the values of the tail; site_set_bytes() - the bytes the set holds. */
size_t site_set_count(const struct site_set *s);
size_t site_set_bytes(const struct site_set *s);

#endif
