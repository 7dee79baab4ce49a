/*
 * What the state on disk says of the run, asked by the renderer's files
 * and by the state's own (store.c, store_load.c): whether the run read
 * only part of it, whether a file was damaged, the archive's totals;
 * and the hashes that name its buckets and check its files. A leaf: it
 * reads struct store and calls nothing back.
 */
#include "store_int.h"

bool
store_damaged(const struct run *r)
{
	return r->store != NULL && r->store->damaged;
}

bool
store_partial(const struct run *r)
{
	return r->store != NULL && r->store->partial;
}

bool
store_totals(const struct run *r, size_t *messages, size_t *threads)
{
	if (!store_partial(r))
		return false;
	/* What this run removed was read from the state (removed.c). */
	*messages = r->store->messages + r->store->added - r->gone->len;
	*threads =
	    r->store->nthreads + r->store->new_threads - r->store->gone_threads;
	return true;
}

bool
store_renamed(const struct run *r)
{
	return store_partial(r) && r->store->renamed != NULL &&
	       g_hash_table_size(r->store->renamed) > 0;
}

uint64_t
store_fnv64(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

unsigned
store_bucket(const char *key)
{
	uint32_t h = 2166136261u;

	for (const char *s = key; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % STORE_BUCKETS;
}
