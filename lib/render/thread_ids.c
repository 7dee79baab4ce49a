/*
 * The thread ids of the run's entries, each kept once with the NAME of
 * its thread page (render_int.h, "thread_ids.c"). A full run holds one
 * per thread of the archive (about 0.4 a message): they were a string
 * in the run's string chunk, indexed by the chunk's own hash table (12
 * bytes a slot), and the NAME of each was in a second table, tname_of
 * (20 bytes a slot), both doubling. Here a record holds the NAME pointer
 * and the id, 8-aligned in blocks, and one open-addressing table of
 * pointers (8 bytes a slot, at most 3/4 full) finds them. An entry's
 * thread (e->thread) is the record's id, so its thread's NAME is the
 * record's (entry_tname()): an entry holds no NAME pointer of its own.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define TID_BLOCK ((size_t)64 << 10)
#define TID_MIN	  ((size_t)1 << 10)

struct trec {
	const char *tname; /* the thread page's NAME, or NULL */
	char id[];
};

struct thread_ids {
	struct trec **slot;
	size_t cap, n;
	GPtrArray *blocks; /* of TID_BLOCK bytes */
	size_t used;	   /* in the last block */
};

static uint32_t
tid_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static size_t
tid_probe(const struct thread_ids *t, const char *id)
{
	size_t mask = t->cap - 1, i = tid_hash(id) & mask;

	while (t->slot[i] != NULL && strcmp(t->slot[i]->id, id) != 0)
		i = (i + 1) & mask;
	return i;
}

static struct thread_ids *
tids(struct run *r)
{
	if (r->tids == NULL) {
		r->tids = g_new0(struct thread_ids, 1);
		r->tids->blocks = g_ptr_array_new_with_free_func(g_free);
	}
	return r->tids;
}

static void
tid_grow(struct thread_ids *t)
{
	size_t cap = t->cap == 0 ? TID_MIN : t->cap * 2, old = t->cap;
	struct trec **was = t->slot;

	t->slot = g_new0(struct trec *, cap);
	t->cap = cap;
	for (size_t i = 0; i < old; i++)
		if (was[i] != NULL)
			t->slot[tid_probe(t, was[i]->id)] = was[i];
	g_free(was);
}

/* A record for id, from the blocks (glib's allocator: out of memory
 * ends the run, as everywhere glib allocates). */
static struct trec *
tid_new(struct thread_ids *t, const char *id)
{
	size_t n = strlen(id) + 1,
	       need = (sizeof(struct trec) + n + 7) & ~(size_t)7;
	struct trec *rec;

	if (t->blocks->len == 0 || t->used + need > TID_BLOCK) {
		g_ptr_array_add(t->blocks,
				g_malloc(need > TID_BLOCK ? need : TID_BLOCK));
		t->used = 0;
	}
	rec = (struct trec *)((char *)t->blocks->pdata[t->blocks->len - 1] +
			      t->used);
	t->used += need;
	rec->tname = NULL;
	memcpy(rec->id, id, n);
	return rec;
}

const char *
thread_id_keep(struct run *r, const char *id)
{
	struct thread_ids *t = tids(r);
	size_t i;

	if ((t->n + 1) * 4 > t->cap * 3)
		tid_grow(t);
	i = tid_probe(t, id);
	if (t->slot[i] == NULL) {
		t->slot[i] = tid_new(t, id);
		t->n++;
	}
	return t->slot[i]->id;
}

static struct trec *
tid_find(const struct run *r, const char *id)
{
	const struct thread_ids *t = r->tids;

	if (t == NULL || t->cap == 0)
		return NULL;
	return t->slot[tid_probe(t, id)];
}

const char *
thread_name_of(const struct run *r, const char *id)
{
	const struct trec *rec = tid_find(r, id);

	return rec != NULL ? rec->tname : NULL;
}

void
thread_name_set(struct run *r, const char *id, const char *name)
{
	struct trec *rec = tid_find(r, id);

	if (rec != NULL)
		rec->tname = name;
}

void
thread_names_forget(struct run *r)
{
	struct thread_ids *t = r->tids;

	for (size_t i = 0; t != NULL && i < t->cap; i++)
		if (t->slot[i] != NULL)
			t->slot[i]->tname = NULL;
}

const char *
entry_tname(const struct entry *e)
{
	const struct trec *rec;

	if (e->noname || e->thread == NULL)
		return NULL;
	rec = (const struct trec *)(const void *)(e->thread -
						  offsetof(struct trec, id));
	return rec->tname;
}

void
thread_ids_free(struct run *r)
{
	if (r->tids == NULL)
		return;
	g_free(r->tids->slot);
	g_ptr_array_free(r->tids->blocks, TRUE);
	g_free(r->tids);
	r->tids = NULL;
}
