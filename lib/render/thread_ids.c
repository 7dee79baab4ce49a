/*
 * The thread ids of the run's entries, each kept once with the NAME of
 * its thread page (render_int.h, "thread_ids.c"). A full run holds one
 * per thread of the archive (about 0.4 a message): they were a string
 * in the run's string chunk, indexed by the chunk's own hash table (12
 * bytes a slot), and the NAME of each was in a second table, tname_of
 * (20 bytes a slot), both doubling. Here a record is the NAME pointer
 * and the id, packed byte after byte in blocks (no padding: a notmuch
 * id is 16 digits, so a record is 25 bytes, not 32 aligned), and one
 * open-addressing table of 4-byte handles (block and place, at most
 * 3/4 full) finds them. An entry's thread (e->thread) is the record's
 * id, so its thread's NAME is the record's (entry_tname()): an entry
 * holds no NAME pointer of its own.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

/* Blocks of 64 KiB: a handle is the block's number and the record's
 * place in it (16 bits each), plus one (0 is a free slot). */
#define TID_BLOCK_BITS 16
#define TID_BLOCK      ((size_t)1 << TID_BLOCK_BITS)
#define TID_MIN	       ((size_t)1 << 10)
/* A record: the NAME pointer (memcpy'd: records are not aligned), then
 * the id and its NUL. */
#define TREC_NAME 0
#define TREC_ID	  sizeof(const char *)

struct thread_ids {
	uint32_t *slot;
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

/* The record of handle v. */
static char *
trec(const struct thread_ids *t, uint32_t v)
{
	size_t h = (size_t)v - 1;

	return (char *)t->blocks->pdata[h >> TID_BLOCK_BITS] +
	       (h & (TID_BLOCK - 1));
}

static size_t
tid_probe(const struct thread_ids *t, const char *id)
{
	size_t mask = t->cap - 1, i = tid_hash(id) & mask;

	while (t->slot[i] != 0 &&
	       strcmp(trec(t, t->slot[i]) + TREC_ID, id) != 0)
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
	uint32_t *was = t->slot;

	t->slot = g_new0(uint32_t, cap);
	t->cap = cap;
	for (size_t i = 0; i < old; i++)
		if (was[i] != 0)
			t->slot[tid_probe(t, trec(t, was[i]) + TREC_ID)] =
			    was[i];
	g_free(was);
}

/* A record for id (at most SITENAME_THREAD_MAX bytes with its NUL, as
 * sitename_set_thread() makes it), from the blocks (glib's allocator:
 * out of memory ends the run, as everywhere glib allocates); its
 * handle. */
static uint32_t
tid_new(struct thread_ids *t, const char *id)
{
	size_t n = strlen(id) + 1, need = TREC_ID + n, at;
	const char *none = NULL;
	char *rec;

	if (t->blocks->len == 0 || t->used + need > TID_BLOCK) {
		/* 65,535 blocks (4 GiB of ids) is past what a run could
		 * hold anyway. */
		if (t->blocks->len >= 0xffff)
			g_error("too many thread ids");
		g_ptr_array_add(t->blocks, g_malloc(TID_BLOCK));
		t->used = 0;
	}
	at = t->used;
	rec = (char *)t->blocks->pdata[t->blocks->len - 1] + at;
	memcpy(rec + TREC_NAME, &none, sizeof none);
	memcpy(rec + TREC_ID, id, n);
	t->used += need;
	at |= (size_t)(t->blocks->len - 1) << TID_BLOCK_BITS;
	return (uint32_t)(at + 1);
}

static const char *
trec_name(const char *rec)
{
	const char *name;

	memcpy(&name, rec + TREC_NAME, sizeof name);
	return name;
}

static void
trec_set_name(char *rec, const char *name)
{
	memcpy(rec + TREC_NAME, &name, sizeof name);
}

const char *
thread_id_keep(struct run *r, const char *id)
{
	struct thread_ids *t = tids(r);
	size_t i;

	if ((t->n + 1) * 4 > t->cap * 3)
		tid_grow(t);
	i = tid_probe(t, id);
	if (t->slot[i] == 0) {
		t->slot[i] = tid_new(t, id);
		t->n++;
	}
	return trec(t, t->slot[i]) + TREC_ID;
}

/* The record of id (NULL: none). */
static char *
tid_find(const struct run *r, const char *id)
{
	const struct thread_ids *t = r->tids;
	uint32_t v;

	if (t == NULL || t->cap == 0)
		return NULL;
	v = t->slot[tid_probe(t, id)];
	return v != 0 ? trec(t, v) : NULL;
}

const char *
thread_name_of(const struct run *r, const char *id)
{
	const char *rec = tid_find(r, id);

	return rec != NULL ? trec_name(rec) : NULL;
}

void
thread_name_set(struct run *r, const char *id, const char *name)
{
	char *rec = tid_find(r, id);

	if (rec != NULL)
		trec_set_name(rec, name);
}

void
thread_names_forget(struct run *r)
{
	struct thread_ids *t = r->tids;

	for (size_t i = 0; t != NULL && i < t->cap; i++)
		if (t->slot[i] != 0)
			trec_set_name(trec(t, t->slot[i]), NULL);
}

const char *
entry_tname(const struct entry *e)
{
	if (e->noname || e->thread == NULL)
		return NULL;
	return trec_name(e->thread - TREC_ID);
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
