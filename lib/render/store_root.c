/*
 * render_thread_root() on a state of version 4 (store.c): the Message-ID
 * bucket gives the message's date, its month file its thread, the
 * thread's bucket its root. Three small files, whatever the archive.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"
#include "store_int.h"

/* The line of data[0..len) whose first field is the escaped key, its
 * newline cut; NULL when none. */
static char *
store_line(char *data, size_t len, const char *key)
{
	size_t n = strlen(key);

	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > n && p[n] == '\t' &&
		    memcmp(p, key, n) == 0) {
			*nl = '\0';
			return p;
		}
		p = nl + 1;
	}
	return NULL;
}

/* Field i (0: the first) of a line, up to its next tab, into out. */
static bool
store_field(const char *line, int i, char *out, size_t size)
{
	const char *p = line, *tab;
	size_t n;

	for (; i > 0 && p != NULL; i--)
		p = (p = strchr(p, '\t')) != NULL ? p + 1 : NULL;
	if (p == NULL)
		return false;
	tab = strchr(p, '\t');
	n = tab != NULL ? (size_t)(tab - p) : strlen(p);
	if (n >= size)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* The line of key in the bucket or month file fkey, field i into out. */
static enum ma_status
store_find(const char *path, struct store *s, const char *fkey, const char *key,
	   int i, char *out, size_t size)
{
	const struct sfile *f = g_hash_table_lookup(s->files, fkey);
	enum ma_status st;
	char *data, *line;
	size_t len;

	if (f == NULL)
		return MA_ENOTFOUND;
	if ((st = store_read(path, fkey, f->gen, &data, &len)) != MA_OK)
		return st;
	line = store_line(data, len, key);
	st = line != NULL && store_field(line, i, out, size) ? MA_OK
							     : MA_ENOTFOUND;
	free(data);
	return st;
}

enum ma_status
store_thread_root(const char *path, char *manifest, size_t len,
		  const char *msgid, char **rootp)
{
	struct store *s = store_new();
	struct buf id;
	char fkey[16], date[32], thread[32], month[8], root[4096];
	enum ma_status st;

	if (s == NULL)
		return MA_ENOMEM;
	buf_init(&id, STATE_MAX);
	st = store_manifest(s, manifest, len);
	if (st == MA_OK)
		st = sitename_state_escape(&id, msgid);
	if (st == MA_OK)
		st = render_fmt(fkey, sizeof fkey, "i-%02x",
				store_bucket(msgid));
	if (st == MA_OK)
		st = store_find(path, s, fkey, buf_cstr(&id), 1, date,
				sizeof date);
	if (st == MA_OK) {
		render_month_of((time_t)strtoll(date, NULL, 10), month);
		st = render_fmt(fkey, sizeof fkey, "m-%.4s-%.2s", month,
				month + 5);
	}
	if (st == MA_OK)
		st = store_find(path, s, fkey, buf_cstr(&id), 1, thread,
				sizeof thread);
	if (st == MA_OK && thread[0] == '\0')
		st = MA_ENOTFOUND;
	if (st == MA_OK)
		st = render_fmt(fkey, sizeof fkey, "t-%02x",
				store_bucket(thread));
	if (st == MA_OK)
		st = store_find(path, s, fkey, thread, 2, root, sizeof root);
	if (st == MA_OK &&
	    (*rootp = sitename_state_unescape(root, strlen(root))) == NULL)
		st = MA_ENOMEM;
	buf_release(&id);
	store_free(s);
	return st;
}
