#ifndef MA_UIDSET_H
#define MA_UIDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/*
 * A set of IMAP UIDs kept as sorted, disjoint, non-adjacent ranges. A
 * folder's UIDs grow in the order its messages arrived (RFC 3501
 * 2.3.1.1), so the UIDs a server lists and those the state has taken are
 * mostly runs: a million of them take a few ranges, and what fetch holds
 * for a folder stays the same size however many messages it has. Gaps
 * (expunged messages) cost one range each.
 *
 * The struct is plain data: zeroed it is the empty set; uidset_free()
 * releases it. The caller owns it.
 */
struct uid_range {
	uint32_t lo, hi; /* lo <= hi */
};

struct uidset {
	struct uid_range *r; /* r[0..n) ascending, never touching */
	size_t n, cap;
	size_t count; /* UIDs in the set */
};

bool uidset_has(const struct uidset *s, uint32_t uid);

/*
 * uidset_add_range - add lo..hi (lo <= hi), joining the ranges it meets.
 * Adding past the end (the common case) is O(1); elsewhere O(ranges).
 * MA_ENOMEM leaves s as it was.
 */
enum ma_status uidset_add_range(struct uidset *s, uint32_t lo, uint32_t hi);

static inline enum ma_status
uidset_add(struct uidset *s, uint32_t uid)
{
	return uidset_add_range(s, uid, uid);
}

/* uidset_keep - s becomes its intersection with t. MA_ENOMEM leaves s as
 * it was. */
enum ma_status uidset_keep(struct uidset *s, const struct uidset *t);

/* uidset_clear - empty s, keeping its memory. */
void uidset_clear(struct uidset *s);

void uidset_free(struct uidset *s);

#endif
