/*
 * The table of thread NAMEs (run.names, render_int.h "name_table.c"). A
 * full run holds every NAME the site ever published (about 0.4 a
 * message): each was a malloc'd struct tname (a header and a rounding
 * of 16 bytes) in glib's hash table (a key, a value and a hash, 20 bytes
 * a slot, which doubles). Here the records lie byte after byte in
 * blocks, a flags byte and their strings (no pointers: a NAME's root
 * and target are most often the NAME itself), and one open-addressing
 * table of 4-byte handles (block and place; at most 3/4 full, linear
 * probing) finds them by NAME. A target set later (names_publish(): a NAME
 * whose thread moved) is a copy in a small hash table by record. A record taken
 * out (names_take()) stays in its block until the table is freed, as an entry's
 * thread may still point to its NAME (names_retire()).
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

/* Blocks of 64 KiB: a handle is the block's number and the record's
 * place in it (16 bits each), plus one (0 is a free slot). A record of
 * more than a quarter block has a block of its own, at place 0. */
#define NT_BLOCK_BITS 16
#define NT_BLOCK      ((size_t)1 << NT_BLOCK_BITS)
#define NT_BLOCKS_MAX ((size_t)0xffff)
#define NT_MIN	      ((size_t)1 << 10)

struct name_table {
	uint32_t *slot; /* handles */
	size_t cap, n;
	GPtrArray *blocks; /* of NT_BLOCK bytes, or one big record each */
	size_t cur;	   /* the block small records go to, plus one */
	size_t used;	   /* in it */
	size_t big, nbig;  /* bytes and number of the big records' blocks */
	uint32_t last;	   /* the handle names_alloc() gave last */
	GHashTable *later; /* struct tname * -> its target set later */
};

struct name_table *
name_table_new(void)
{
	struct name_table *t = g_new0(struct name_table, 1);

	t->blocks = g_ptr_array_new_with_free_func(free);
	t->later =
	    g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free);
	return t;
}

/* The targets set later, the slots, then the blocks (the records taken
 * out too). */
void
name_table_free(struct name_table *t)
{
	if (t == NULL)
		return;
	g_hash_table_destroy(t->later);
	g_free(t->slot);
	g_ptr_array_free(t->blocks, TRUE);
	g_free(t);
}

static uint32_t
nt_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The record of handle v. */
static struct tname *
nt_rec(const struct name_table *t, uint32_t v)
{
	size_t h = (size_t)v - 1;

	return (struct tname *)(void *)((char *)t->blocks
					    ->pdata[h >> NT_BLOCK_BITS] +
					(h & (NT_BLOCK - 1)));
}

static size_t
nt_probe(const struct name_table *t, const char *name)
{
	size_t mask = t->cap - 1, i = nt_hash(name) & mask;

	while (t->slot[i] != 0 &&
	       strcmp(nt_rec(t, t->slot[i])->name, name) != 0)
		i = (i + 1) & mask;
	return i;
}

static void
nt_grow(struct name_table *t)
{
	size_t cap = t->cap == 0 ? NT_MIN : t->cap * 2, old = t->cap;
	uint32_t *was = t->slot;

	t->slot = g_new0(uint32_t, cap);
	t->cap = cap;
	for (size_t i = 0; i < old; i++)
		if (was[i] != 0)
			t->slot[nt_probe(t, nt_rec(t, was[i])->name)] = was[i];
	g_free(was);
}

/* A new block of size bytes (NULL: no memory, or no handle left for
 * it); its number in *bp. */
static char *
nt_block(struct name_table *t, size_t size, size_t *bp)
{
	char *p;

	if (t->blocks->len >= NT_BLOCKS_MAX || (p = malloc(size)) == NULL)
		return NULL;
	g_ptr_array_add(t->blocks, p);
	*bp = t->blocks->len - 1;
	return p;
}

struct tname *
names_alloc(struct run *r, size_t size)
{
	struct name_table *t = r->names;
	size_t b, at = 0; /* a record is bytes: no alignment */
	char *p;

	if (size > NT_BLOCK / 4) {
		if ((p = nt_block(t, size, &b)) == NULL)
			return NULL;
		t->big += size;
		t->nbig++;
	} else {
		if (t->cur == 0 || t->used + size > NT_BLOCK) {
			if (nt_block(t, NT_BLOCK, &b) == NULL)
				return NULL;
			t->cur = b + 1;
			t->used = 0;
		}
		b = t->cur - 1;
		at = t->used;
		p = (char *)t->blocks->pdata[b] + at;
		t->used += size;
	}
	t->last = (uint32_t)((b << NT_BLOCK_BITS | at) + 1);
	return (struct tname *)(void *)p;
}

/* The handle of rec: the last allocated, as tname_record() puts it
 * right after; else found among the blocks. */
static uint32_t
nt_handle(const struct name_table *t, const struct tname *rec)
{
	const char *p = (const char *)rec;

	if (t->last != 0 && nt_rec(t, t->last) == rec)
		return t->last;
	for (guint b = 0; b < t->blocks->len; b++) {
		const char *base = t->blocks->pdata[b];

		if (p >= base && p < base + NT_BLOCK)
			return (uint32_t)(((size_t)b << NT_BLOCK_BITS |
					   (size_t)(p - base)) +
					  1);
	}
	return 0;
}

void
names_put(struct run *r, struct tname *rec)
{
	struct name_table *t = r->names;
	uint32_t v = nt_handle(t, rec);
	size_t i;

	if (v == 0)
		g_error("a NAME record not of its table");
	if ((t->n + 1) * 4 > t->cap * 3)
		nt_grow(t);
	i = nt_probe(t, rec->name);
	if (t->slot[i] == 0)
		t->n++;
	t->slot[i] = v;
}

struct tname *
names_get(const struct run *r, const char *name)
{
	const struct name_table *t = r->names;
	uint32_t v;

	if (t == NULL || t->cap == 0)
		return NULL;
	v = t->slot[nt_probe(t, name)];
	return v != 0 ? nt_rec(t, v) : NULL;
}

struct tname *
names_take(struct run *r, const char *name)
{
	struct name_table *t = r->names;
	struct tname *rec;
	size_t i, j, mask;

	if (t == NULL || t->cap == 0)
		return NULL;
	i = nt_probe(t, name);
	if (t->slot[i] == 0)
		return NULL;
	rec = nt_rec(t, t->slot[i]);
	/* Backward shift: the records after it in its run of full slots
	 * move up where their probe allows, so that no search stops at
	 * the hole. */
	mask = t->cap - 1;
	t->slot[i] = 0;
	t->n--;
	for (j = (i + 1) & mask; t->slot[j] != 0; j = (j + 1) & mask) {
		size_t home = nt_hash(nt_rec(t, t->slot[j])->name) & mask;

		/* j's record may move to i when home is not in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slot[i] = t->slot[j];
			t->slot[j] = 0;
			i = j;
		}
	}
	return rec;
}

size_t
names_count(const struct run *r)
{
	return r->names != NULL ? r->names->n : 0;
}

size_t
names_bytes(const struct run *r)
{
	const struct name_table *t = r->names;

	if (t == NULL)
		return 0;
	return t->cap * sizeof *t->slot + t->big +
	       (t->blocks->len - t->nbig) * NT_BLOCK;
}

static int
name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
names_sorted(const struct run *r)
{
	const struct name_table *t = r->names;
	GPtrArray *a = g_ptr_array_sized_new((guint)names_count(r));

	for (size_t i = 0; t != NULL && i < t->cap; i++)
		if (t->slot[i] != 0)
			g_ptr_array_add(a, nt_rec(t, t->slot[i])->name);
	g_ptr_array_sort(a, name_cmp);
	return a;
}

const char *
tname_root(const struct tname *t)
{
	return t->flags & TNAME_ROOT ? t->name + strlen(t->name) + 1 : t->name;
}

const char *
tname_target(const struct run *r, const struct tname *t)
{
	const char *p;

	if (t->flags & TNAME_LATER)
		return g_hash_table_lookup(r->names->later, t);
	if (!(t->flags & TNAME_TARGET))
		return t->name;
	p = t->name + strlen(t->name) + 1;
	return t->flags & TNAME_ROOT ? p + strlen(p) + 1 : p;
}

enum ma_status
tname_set_target(struct run *r, struct tname *t, const char *to)
{
	char *copy = strdup(to);

	if (copy == NULL)
		return MA_ENOMEM;
	g_hash_table_replace(r->names->later, t, copy);
	t->flags |= TNAME_LATER;
	return MA_OK;
}
