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

/* site_set_count - how many distinct values the sorted part holds plus
 * the values of the tail; site_set_bytes() - the bytes the set holds. */
size_t site_set_count(const struct site_set *s);
size_t site_set_bytes(const struct site_set *s);

#endif
