/*
 * The entries by Message-ID (render_int.h, "entry_index.c"): an open
 * addressing table of 32-bit entry numbers (block * ENTRY_BLOCK + place,
 * plus one; 0 is a free slot), probed linearly, at most three quarters
 * full. A full run holds one entry per message, so the table is part of
 * what a message costs it: glib's hash table held a key, a value and a
 * hash per slot (20 bytes) and doubled past 15/16 full, about 40 bytes a
 * message at a million; this one holds 4 bytes a slot and grows by half
 * (a hash is mapped onto any size by multiplication, not a mask), so it
 * is between half and three quarters full. The Message-ID is the
 * entry's own (e->msgid), compared in place; nothing is copied. A byte
 * a slot more holds 8 other bits of the hash: a probe compares the
 * Message-ID only where they match, so passing another entry's slot
 * costs no visit to the entry (a cache miss, then another for its
 * Message-ID); growing the table compares none, its entries being
 * distinct. 5 bytes a slot: about 7.5 bytes a message.
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define EIDX_MIN ((size_t)1 << 10)
/* Entry numbers are 32-bit: a run holds at most this many entries. */
#define EIDX_ENTRIES_MAX ((size_t)UINT32_MAX - 1)

struct entry_index {
	uint32_t *slot;
	uint8_t *tag; /* slot[i]'s hash bits (after slot, one block) */
	size_t cap;   /* at most UINT32_MAX, or 0 before the first entry */
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

/* Where a probe for hash h starts: h times the size, over 2^32 (the
 * size is at most 2^32: no overflow). */
static size_t
eidx_home(const struct entry_index *x, uint32_t h)
{
	return (size_t)(((uint64_t)h * x->cap) >> 32);
}

/* A slot's tag: bits of h that its home does not follow (the home is
 * made of the high ones, which neighbours share). */
static uint8_t
eidx_tag(uint32_t h)
{
	return (uint8_t)(h ^ (h >> 11));
}

static size_t
eidx_next(const struct entry_index *x, size_t i)
{
	return i + 1 == x->cap ? 0 : i + 1;
}

/* The slot that holds msgid (hash h), or the free slot where it would
 * go. */
static size_t
eidx_probe(const struct run *r, const char *msgid, uint32_t h)
{
	const struct entry_index *x = r->eidx;
	size_t i = eidx_home(x, h);
	uint8_t t = eidx_tag(h);

	while (x->slot[i] != 0 &&
	       (x->tag[i] != t ||
		strcmp(eidx_entry(r, x->slot[i])->msgid, msgid) != 0))
		i = eidx_next(x, i);
	return i;
}

/* Slot i takes entry number v, of hash h. */
static void
eidx_set(struct entry_index *x, size_t i, uint32_t v, uint32_t h)
{
	x->slot[i] = v;
	x->tag[i] = eidx_tag(h);
}

/* The table made cap slots, its entries placed again. */
static enum ma_status
eidx_resize(struct run *r, size_t cap)
{
	struct entry_index *x = r->eidx;
	uint32_t *old = x->slot, *slot;
	size_t oldcap = x->cap;

	if (cap > (size_t)UINT32_MAX + 1)
		return MA_ETOOBIG;
	if ((slot = calloc(cap, sizeof *slot + 1)) == NULL)
		return MA_ENOMEM;
	x->slot = slot;
	x->tag = (uint8_t *)(slot + cap);
	x->cap = cap;
	for (size_t k = 0; k < oldcap; k++) {
		uint32_t h;
		size_t i;

		if (old[k] == 0)
			continue;
		/* Distinct: the first free slot from its home. */
		h = eidx_hash(eidx_entry(r, old[k])->msgid);
		for (i = eidx_home(x, h); slot[i] != 0; i = eidx_next(x, i))
			;
		eidx_set(x, i, old[k], h);
	}
	free(old);
	return MA_OK;
}

static enum ma_status
eidx_grow(struct run *r)
{
	const struct entry_index *x = r->eidx;

	return eidx_resize(r, x->cap == 0 ? EIDX_MIN : x->cap + x->cap / 2);
}

enum ma_status
entry_index_reserve(struct run *r, size_t more)
{
	const struct entry_index *x = r->eidx;
	size_t n;

	if (x == NULL)
		return MA_ENOMEM;
	n = x->n + more;
	/* Two thirds full then: room for what comes after. */
	if (n > EIDX_ENTRIES_MAX || n * 4 <= x->cap * 3)
		return MA_OK;
	return eidx_resize(r, n + n / 2 < EIDX_MIN ? EIDX_MIN
			      : n + n / 2 > (size_t)UINT32_MAX + 1
				  ? (size_t)UINT32_MAX + 1
				  : n + n / 2);
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
	i = eidx_probe(r, msgid, eidx_hash(msgid));
	return r->eidx->slot[i] != 0 ? eidx_entry(r, r->eidx->slot[i]) : NULL;
}

enum ma_status
entry_index_put(struct run *r, struct entry *e, size_t num)
{
	struct entry_index *x = r->eidx;
	enum ma_status st;
	uint32_t h = eidx_hash(e->msgid);

	if (x == NULL)
		return MA_ENOMEM;
	if (num >= EIDX_ENTRIES_MAX)
		return MA_ETOOBIG;
	if ((x->n + 1) * 4 > x->cap * 3 && (st = eidx_grow(r)) != MA_OK)
		return st;
	eidx_set(x, eidx_probe(r, e->msgid, h), (uint32_t)(num + 1), h);
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
	i = eidx_probe(r, e->msgid, eidx_hash(e->msgid));
	if (x->slot[i] == 0 || eidx_entry(r, x->slot[i]) != e)
		return;
	x->slot[i] = 0;
	x->n--;
	e->indexed = false;
	for (j = eidx_next(x, i); x->slot[j] != 0; j = eidx_next(x, j)) {
		size_t k =
		    eidx_home(x, eidx_hash(eidx_entry(r, x->slot[j])->msgid));

		/* Stays when its home k is cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		x->slot[i] = x->slot[j];
		x->tag[i] = x->tag[j];
		x->slot[j] = 0;
		i = j;
	}
}

size_t
entry_index_bytes(const struct run *r)
{
	return r->eidx != NULL ? r->eidx->cap * (sizeof *r->eidx->slot + 1) : 0;
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
