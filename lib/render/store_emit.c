/*
 * Writing the render state's files (store.c has the save): a file is
 * written under the save's generation unless the manifest already has
 * the same bytes, and a bucket is merged from its old lines and the
 * lines a run changed (dirty_*()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "store_int.h"

/* Files written this many and more are made durable by one syncfs(2)
 * (store.c, when the save ends). */
#define STORE_SYNC_EACH 16

/* Write b as the file KEY of this save unless the manifest has the
 * same bytes; b is emptied. */
enum ma_status
store_emit(struct store_out *o, const char *key, struct buf *b, size_t count)
{
	const struct sfile *old =
	    o->r->store != NULL ? g_hash_table_lookup(o->r->store->files, key)
				: NULL;
	struct sfile *f = malloc(sizeof *f);
	enum ma_status st = MA_OK;
	char *k = strdup(key), *file = NULL;
	int fd = -1;

	if (f == NULL || k == NULL) {
		free(f);
		free(k);
		return MA_ENOMEM;
	}
	f->digest = store_fnv64(b->data != NULL ? b->data : "", b->len);
	f->count = count;
	f->gen = o->gen;
	g_hash_table_replace(o->files, k, f);
	/* The same bytes, still there: kept under their generation. */
	if (old != NULL && old->digest == f->digest && old->count == count &&
	    (file = path_fmt("%s/%s.%lu", o->dir, key, old->gen)) != NULL &&
	    path_exists(file)) {
		f->gen = old->gen;
		free(file);
		buf_reset(b);
		return MA_OK;
	}
	free(file);
	if ((file = path_fmt("%s/%s.%lu", o->dir, key, o->gen)) == NULL)
		st = MA_ENOMEM;
	else if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			    0644)) < 0)
		st = path_errno_status(errno);
	else if ((st = path_write_all(fd, b->data, b->len)) == MA_OK &&
		 o->written < STORE_SYNC_EACH && fsync(fd) != 0)
		st = path_errno_status(errno);
	if (fd >= 0 && close(fd) != 0 && st == MA_OK)
		st = path_errno_status(errno);
	if (st != MA_OK && file != NULL)
		log_err("cannot write '%s': %s", file, strerror(errno));
	if (++o->written > STORE_SYNC_EACH)
		o->sync_all = true;
	free(file);
	buf_reset(b);
	return st;
}

/* The bucket fkey as the manifest has it, each line whose first field
 * is a key of lines replaced by its value, then the values no line had
 * (in key order); written. */
static enum ma_status
store_merge(struct store_out *o, struct buf *b, const char *fkey,
	    GHashTable *lines)
{
	const struct sfile *old = g_hash_table_lookup(o->r->store->files, fkey);
	/* Copies: a line's key is cut at its tab only while it is
	 * looked up. */
	GHashTable *used =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *keys;
	char *data = NULL;
	size_t len = 0, count = 0;
	enum ma_status st = MA_OK;

	if (old != NULL)
		st = store_read(o->r->store->path, fkey, old->gen, &data, &len);
	for (char *p = data, *end = data + len; st == MA_OK && p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *tab;
		const char *v = NULL;
		bool known;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if ((tab = strchr(p, '\t')) != NULL)
			*tab = '\0';
		/* A key whose line is NULL: the line goes. */
		known = g_hash_table_lookup_extended(lines, p, NULL,
						     (gpointer *)&v);
		if (known)
			g_hash_table_add(used, g_strdup(p));
		if (tab != NULL)
			*tab = '\t';
		if (!known || v != NULL) {
			st = buf_addf(b, "%s\n", v != NULL ? v : p);
			count++;
		}
		p = nl + 1;
	}
	keys = sorted_keys(lines);
	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		if (!g_hash_table_contains(used, keys->pdata[i]) &&
		    g_hash_table_lookup(lines, keys->pdata[i]) != NULL) {
			st = buf_addf(b, "%s\n",
				      (const char *)g_hash_table_lookup(
					  lines, keys->pdata[i]));
			count++;
		}
	g_ptr_array_free(keys, TRUE);
	g_hash_table_destroy(used);
	if (st == MA_OK)
		st = store_emit(o, fkey, b, count);
	free(data);
	return st;
}

/* fkey -> (key -> line), each owned. */
GHashTable *
dirty_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				     (GDestroyNotify)g_hash_table_destroy);
}

void
dirty_add(GHashTable *dirty, const char *fkey, char *key, char *line)
{
	GHashTable *lines = g_hash_table_lookup(dirty, fkey);

	if (lines == NULL) {
		lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					      g_free);
		g_hash_table_insert(dirty, g_strdup(fkey), lines);
	}
	g_hash_table_replace(lines, key, line);
}

enum ma_status
dirty_write(struct store_out *o, struct buf *b, GHashTable *dirty)
{
	GPtrArray *keys = sorted_keys(dirty);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		st = store_merge(o, b, keys->pdata[i],
				 g_hash_table_lookup(dirty, keys->pdata[i]));
	g_ptr_array_free(keys, TRUE);
	g_hash_table_destroy(dirty);
	return st;
}
