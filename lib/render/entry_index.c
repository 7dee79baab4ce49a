/*
 * The entries by Message-ID (render_int.h, "entry_index.c"): an open
 * addressing table of 32-bit entry numbers (block * ENTRY_BLOCK + place,
 * plus one; 0 is a free slot), probed linearly, at most three quarters
 * full. A full run holds one entry per message, so the table is part of
 * what a message costs it: glib's hash table held a key, a value and a
 * hash per slot (20 bytes) and doubled past 15/16 full, about 40 bytes a
 * message at a million; this one holds 4 bytes a slot and grows by half
 * (a hash is mapped onto any size by multiplication, not a mask), so it
 * is between half and three quarters full: about 6 bytes a message (8
 * when it doubled). The Message-ID is the entry's own (e->msgid),
 * compared in place; nothing is copied.
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define EIDX_MIN ((size_t)1 << 10)
/* Entry numbers are 32-bit: a run holds at most this many entries. */
#define EIDX_ENTRIES_MAX ((size_t)UINT32_MAX - 1)

struct entry_index {
	uint32_t *slot;
	size_t cap; /* at most UINT32_MAX, or 0 before the first entry */
	size_t n;
};

static uint32_t
eidx_hash(const char *s)
{
	/* FNV-1a: Message-IDs often share long prefixes and suffixes. */
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct entry *
eidx_entry(const struct run *r, uint32_t v)
{
	size_t num = (size_t)v - 1;
	struct entry *block = r->blocks->pdata[num / ENTRY_BLOCK];

	return &block[num % ENTRY_BLOCK];
}

/* Where a probe for msgid starts: its hash times the size, over 2^32
 * (the size is at most 2^32: no overflow). */
static size_t
eidx_home(const struct entry_index *x, const char *msgid)
{
	return (size_t)(((uint64_t)eidx_hash(msgid) * x->cap) >> 32);
}

static size_t
eidx_next(const struct entry_index *x, size_t i)
{
	return i + 1 == x->cap ? 0 : i + 1;
}

/* The slot that holds msgid, or the free slot where it would go. */
static size_t
eidx_probe(const struct run *r, const char *msgid)
{
	const struct entry_index *x = r->eidx;
	size_t i = eidx_home(x, msgid);

	while (x->slot[i] != 0 &&
	       strcmp(eidx_entry(r, x->slot[i])->msgid, msgid) != 0)
		i = eidx_next(x, i);
	return i;
}

static enum ma_status
eidx_grow(struct run *r)
{
	struct entry_index *x = r->eidx;
	size_t cap = x->cap == 0 ? EIDX_MIN : x->cap + x->cap / 2;
	uint32_t *old = x->slot, *slot;
	size_t oldcap = x->cap;

	if (cap > (size_t)UINT32_MAX + 1)
		return MA_ETOOBIG;
	if ((slot = calloc(cap, sizeof *slot)) == NULL)
		return MA_ENOMEM;
	x->slot = slot;
	x->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != 0)
			slot[eidx_probe(r, eidx_entry(r, old[i])->msgid)] =
			    old[i];
	free(old);
	return MA_OK;
}

enum ma_status
entry_index_new(struct run *r)
{
	entry_index_free(r);
	r->eidx = calloc(1, sizeof *r->eidx);
	return r->eidx != NULL ? MA_OK : MA_ENOMEM;
}

void
entry_index_free(struct run *r)
{
	if (r->eidx == NULL)
		return;
	free(r->eidx->slot);
	free(r->eidx);
	r->eidx = NULL;
}

struct entry *
entry_find(const struct run *r, const char *msgid)
{
	size_t i;

	if (r->eidx == NULL || r->eidx->cap == 0)
		return NULL;
	i = eidx_probe(r, msgid);
	return r->eidx->slot[i] != 0 ? eidx_entry(r, r->eidx->slot[i]) : NULL;
}

enum ma_status
entry_index_put(struct run *r, struct entry *e, size_t num)
{
	struct entry_index *x = r->eidx;
	enum ma_status st;

	if (x == NULL)
		return MA_ENOMEM;
	if (num >= EIDX_ENTRIES_MAX)
		return MA_ETOOBIG;
	if ((x->n + 1) * 4 > x->cap * 3 && (st = eidx_grow(r)) != MA_OK)
		return st;
	x->slot[eidx_probe(r, e->msgid)] = (uint32_t)(num + 1);
	x->n++;
	e->indexed = true;
	return MA_OK;
}

/*
 * Backward-shift deletion: the entries after the freed slot that would
 * not be found past it move back, so that no probe stops early.
 */
void
entry_forget(struct run *r, struct entry *e)
{
	struct entry_index *x = r->eidx;
	size_t i, j;

	if (x == NULL || x->cap == 0 || !e->indexed)
		return;
	i = eidx_probe(r, e->msgid);
	if (x->slot[i] == 0 || eidx_entry(r, x->slot[i]) != e)
		return;
	x->slot[i] = 0;
	x->n--;
	e->indexed = false;
	for (j = eidx_next(x, i); x->slot[j] != 0; j = eidx_next(x, j)) {
		size_t k = eidx_home(x, eidx_entry(r, x->slot[j])->msgid);

		/* Stays when its home k is cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		x->slot[i] = x->slot[j];
		x->slot[j] = 0;
		i = j;
	}
}

size_t
entry_index_bytes(const struct run *r)
{
	return r->eidx != NULL ? r->eidx->cap * sizeof *r->eidx->slot : 0;
}

size_t
entries_indexed(const struct run *r)
{
	return r->eidx != NULL ? r->eidx->n : 0;
}

struct entry *
entry_next(const struct run *r, size_t *it)
{
	size_t made = r->blocks->len == 0
			  ? 0
			  : (r->blocks->len - 1) * ENTRY_BLOCK + r->block_used;

	while (*it < made) {
		struct entry *e = eidx_entry(r, (uint32_t)(*it + 1));

		(*it)++;
		if (e->indexed)
			return e;
	}
	return NULL;
}
