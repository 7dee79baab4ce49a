/*
 * The table of thread NAMEs (run.names, render_int.h "name_table.c"). A
 * full run holds every NAME the site ever published (about 0.4 a
 * message): each was a malloc'd struct tname (a header and a rounding
 * of 16 bytes) in glib's hash table (a key, a value and a hash, 20 bytes
 * a slot, which doubles). Here the records lie byte after byte in
 * blocks, a flags byte and their strings (no pointers: a NAME's root
 * and target are most often the NAME itself), and one open-addressing
 * table of pointers (8 bytes a slot, at most 3/4 full, linear probing)
 * finds them by NAME. A target set later (names_publish(): a NAME whose
 * thread moved) is a copy in a small hash table by record. A record
 * taken out (names_take()) stays in its block until the table is freed,
 * as an entry's thread may still point to its NAME (names_retire()).
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define NT_BLOCK ((size_t)64 << 10)
#define NT_MIN	 ((size_t)1 << 10)

struct name_table {
	struct tname **slot;
	size_t cap, n;
	GPtrArray *blocks; /* of NT_BLOCK bytes */
	size_t used;	   /* in the last block */
	GPtrArray *big;	   /* records of more than NT_BLOCK / 4, one each */
	GHashTable *later; /* struct tname * -> its target set later */
};

struct name_table *
name_table_new(void)
{
	struct name_table *t = g_new0(struct name_table, 1);

	t->blocks = g_ptr_array_new_with_free_func(free);
	t->big = g_ptr_array_new_with_free_func(free);
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
	g_ptr_array_free(t->big, TRUE);
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

static size_t
nt_probe(const struct name_table *t, const char *name)
{
	size_t mask = t->cap - 1, i = nt_hash(name) & mask;

	while (t->slot[i] != NULL && strcmp(t->slot[i]->name, name) != 0)
		i = (i + 1) & mask;
	return i;
}

static void
nt_grow(struct name_table *t)
{
	size_t cap = t->cap == 0 ? NT_MIN : t->cap * 2, old = t->cap;
	struct tname **was = t->slot;

	t->slot = g_new0(struct tname *, cap);
	t->cap = cap;
	for (size_t i = 0; i < old; i++)
		if (was[i] != NULL)
			t->slot[nt_probe(t, was[i]->name)] = was[i];
	g_free(was);
}

struct tname *
names_alloc(struct run *r, size_t size)
{
	struct name_table *t = r->names;
	size_t need = size; /* a record is bytes: no alignment */
	char *p;

	if (need > NT_BLOCK / 4) {
		if ((p = malloc(need)) == NULL)
			return NULL;
		g_ptr_array_add(t->big, p);
		return (struct tname *)(void *)p;
	}
	if (t->blocks->len == 0 || t->used + need > NT_BLOCK) {
		if ((p = malloc(NT_BLOCK)) == NULL)
			return NULL;
		g_ptr_array_add(t->blocks, p);
		t->used = 0;
	}
	p = (char *)t->blocks->pdata[t->blocks->len - 1] + t->used;
	t->used += need;
	return (struct tname *)(void *)p;
}

void
names_put(struct run *r, struct tname *rec)
{
	struct name_table *t = r->names;
	size_t i;

	if ((t->n + 1) * 4 > t->cap * 3)
		nt_grow(t);
	i = nt_probe(t, rec->name);
	if (t->slot[i] == NULL)
		t->n++;
	t->slot[i] = rec;
}

struct tname *
names_get(const struct run *r, const char *name)
{
	const struct name_table *t = r->names;

	if (t == NULL || t->cap == 0)
		return NULL;
	return t->slot[nt_probe(t, name)];
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
	if ((rec = t->slot[i]) == NULL)
		return NULL;
	/* Backward shift: the records after it in its run of full slots
	 * move up where their probe allows, so that no search stops at
	 * the hole. */
	mask = t->cap - 1;
	t->slot[i] = NULL;
	t->n--;
	for (j = (i + 1) & mask; t->slot[j] != NULL; j = (j + 1) & mask) {
		size_t home = nt_hash(t->slot[j]->name) & mask;

		/* j's record may move to i when home is not in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slot[i] = t->slot[j];
			t->slot[j] = NULL;
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
	size_t n = 0;

	if (t == NULL)
		return 0;
	for (guint i = 0; i < t->big->len; i++)
		n += NT_BLOCK / 4; /* at least */
	return n + t->cap * sizeof *t->slot + t->blocks->len * NT_BLOCK;
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
		if (t->slot[i] != NULL)
			g_ptr_array_add(a, t->slot[i]->name);
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
