/*
 * The lines of a thread name bucket (store.c has the files): one name's
 * line, a bucket's lines once an incremental run's names are merged
 * into those the manifest has (store.c's save; calls nothing of it), and
 * the lines an incremental run picks out of a bucket it reads
 * (store_names_pick(), for store_check.c and store_tomb.c).
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* One name's line: NAME TAB ROOT (escaped) TAB TARGET. */
enum ma_status
name_line(const struct run *r, struct buf *b, const struct tname *t)
{
	enum ma_status st = buf_addf(b, "%s\t", t->name);

	if (st == MA_OK)
		st = sitename_state_escape(b, tname_root(t));
	if (st == MA_OK)
		st = buf_addf(b, "\t%s\n", tname_target(r, t));
	return st;
}

static int
line_cmp(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = strcspn(x, "\t"), ny = strcspn(y, "\t");
	int c = memcmp(x, y, nx < ny ? nx : ny);

	return c != 0 ? c : (nx > ny) - (nx < ny);
}

/*
 * A NAME of data's line p (NUL-terminated at its first tab, n bytes)
 * that a run reading the whole bucket keeps (names_note() skips the
 * others): a NAME of the rule, a ROOT and a TARGET after it.
 */
static bool
name_kept(const char *p, size_t n)
{
	char hh[3];

	return n > 0 && n < PERMALINK_NAME_MAX && strchr(p, '/') == NULL &&
	       strchr(p + n + 1, '\t') != NULL &&
	       permalink_shard(p, hh) == MA_OK;
}

GHashTable *
names_retired(struct run *r)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < r->names_gone->len; i++) {
		const struct tname *t = r->names_gone->pdata[i];

		if (names_get(r, t->name) == NULL)
			g_hash_table_add(h, (gpointer)t->name);
	}
	return h;
}

/* The lines of data[0..len) a merge keeps, into lines (seen: their
 * NAMEs; retired: NAMEs whose lines go). */
static void
names_old_lines(struct run *r, char *data, size_t len, GPtrArray *lines,
		GHashTable *seen, GHashTable *retired)
{
	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = strcspn(p, "\t\n");
		bool keep;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (p[n] == '\t') {
			p[n] = '\0';
			keep = names_get(r, p) == NULL &&
			       !g_hash_table_contains(seen, p) &&
			       !g_hash_table_contains(retired, p) &&
			       name_kept(p, n);
			if (keep)
				g_hash_table_add(seen, p);
			p[n] = '\t';
			if (keep)
				g_ptr_array_add(lines,
						g_strdup_printf("%s\n", p));
		}
		p = nl + 1;
	}
}

enum ma_status
names_bucket_lines(struct run *r, char *data, size_t len, GPtrArray *in,
		   GHashTable *retired, GPtrArray **linesp)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	struct buf one;
	enum ma_status st = MA_OK;

	buf_init(&one, STATE_MAX);
	if (data != NULL)
		names_old_lines(r, data, len, lines, seen, retired);
	for (guint j = 0; j < in->len && st == MA_OK; j++) {
		buf_reset(&one);
		st = name_line(r, &one, names_get(r, in->pdata[j]));
		if (st == MA_OK)
			g_ptr_array_add(lines, g_strdup(buf_cstr(&one)));
	}
	g_ptr_array_sort(lines, line_cmp);
	buf_release(&one);
	g_hash_table_destroy(seen);
	*linesp = lines;
	return st;
}

enum ma_status
store_names_pick(struct run *r, const char *fkey,
		 bool (*want)(struct run *r, const char *name,
			      const char *target, void *arg),
		 void *arg)
{
	enum ma_status st;
	size_t len;
	char *data;

	if ((st = store_bucket_read(r, fkey, &data, &len)) != MA_OK ||
	    data == NULL)
		return st;
	for (char *p = data, *end = data + len; p < end && st == MA_OK;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = strcspn(p, "\t\n");
		char *last;
		bool wanted;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (p[n] == '\t') {
			last = strrchr(p, '\t');
			p[n] = '\0';
			wanted =
			    want(r, p, last != p + n ? last + 1 : NULL, arg);
			p[n] = '\t';
			if (wanted)
				st = names_note(r, p);
		}
		p = nl + 1;
	}
	free(data);
	return st;
}
