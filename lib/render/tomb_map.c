/*
 * The threads of tombstones written against an earlier notmuch database.
 *
 * A tombstone names the notmuch thread its message was in when it went
 * (tombstone.h), and the render places the message's "removed" note in
 * that thread's page, and leads the NAME of a removed root to it. notmuch
 * numbers threads in the order it meets them, so a rebuilt database
 * (`mailarc rebuild`, or one indexed again after it was lost) gives the
 * same number to another conversation, or to none: the note would show
 * in a stranger's conversation, and the address of a conversation
 * removed whole would lead to it.
 *
 * So the first run on a new database finds each such thread again, by
 * the root the state recorded for it (that message, or its ghost while
 * a reply names it, is in the new database as long as anything of the
 * thread is), and writes what it found to STATE.tombs before the run
 * saves anything:
 *
 *   mailarc tombstone threads 1
 *   uuid UUID           the database the ids below are of
 *   part END            the tombstone lines before byte END ...
 *   OLD<TAB>NOW         ... that name OLD are of thread NOW ("-": none)
 *   part END2           the lines from the part before's END to END2
 *   ...
 *
 * Lines past the last END name the database's threads as they are. Each
 * new database adds a part, up to where lib/index.c noted the tombstones
 * ended when it made the database (notmuch/tombstones.before: a removal
 * made on the new database before its first render is its own), and
 * finds the threads of the earlier parts again.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "path.h"
#include "space.h"
#include "tombstone.h"
#include "tomb_map.h"

#define TOMB_MAP_MAGIC "mailarc tombstone threads 1"
#define TOMB_MAP_MAX   ((size_t)1 << 30)

struct tomb_part {
	long end;
	GHashTable *map; /* OLD -> NOW ("-": none) */
};

struct tomb_map {
	char *uuid;
	GPtrArray *parts; /* struct tomb_part *, by end */
};

static void
part_free(void *p)
{
	struct tomb_part *t = p;

	if (t != NULL)
		g_hash_table_destroy(t->map);
	free(t);
}

void
tomb_map_free(struct tomb_map *m)
{
	if (m == NULL)
		return;
	free(m->uuid);
	g_ptr_array_free(m->parts, TRUE);
	free(m);
}

static struct tomb_map *
map_new(const char *uuid)
{
	struct tomb_map *m = calloc(1, sizeof *m);

	if (m == NULL || (m->uuid = strdup(uuid)) == NULL) {
		free(m);
		return NULL;
	}
	m->parts = g_ptr_array_new_with_free_func(part_free);
	return m;
}

static struct tomb_part *
part_add(struct tomb_map *m, long end)
{
	struct tomb_part *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->end = end;
	p->map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_ptr_array_add(m->parts, p);
	return p;
}

static long
map_end(const struct tomb_map *m)
{
	if (m == NULL || m->parts->len == 0)
		return 0;
	return ((const struct tomb_part *)m->parts->pdata[m->parts->len - 1])
	    ->end;
}

const char *
tomb_map_thread(const struct run *r, long off, const char *raw)
{
	const struct tomb_map *m = r->tmap;

	for (guint i = 0; m != NULL && i < m->parts->len; i++) {
		const struct tomb_part *p = m->parts->pdata[i];

		if (off < p->end) {
			const char *now = g_hash_table_lookup(p->map, raw);

			return now != NULL ? now : "-";
		}
	}
	return raw;
}

/* One line of the file into m: false when it is not what a line there
 * can be. */
static bool
map_line(struct tomb_map *m, char *line, bool first)
{
	struct tomb_part *p;
	char *tab, *end;
	long n;

	if (first)
		return strcmp(line, TOMB_MAP_MAGIC) == 0;
	if (strncmp(line, "uuid ", 5) == 0 && m->uuid == NULL)
		return (m->uuid = strdup(line + 5)) != NULL;
	if (m->uuid == NULL)
		return false;
	if (strncmp(line, "part ", 5) == 0) {
		n = strtol(line + 5, &end, 10);
		return *end == '\0' && n > map_end(m) && part_add(m, n) != NULL;
	}
	if ((tab = strchr(line, '\t')) == NULL || m->parts->len == 0)
		return false;
	*tab = '\0';
	p = m->parts->pdata[m->parts->len - 1];
	g_hash_table_insert(p->map, g_strdup(line), g_strdup(tab + 1));
	return true;
}

/* The file at path into *mp (NULL: none, or not one such a run wrote). */
static enum ma_status
map_read(const char *path, struct tomb_map **mp)
{
	struct tomb_map *m = calloc(1, sizeof *m);
	char *data;
	size_t len, pos = 0;
	bool ok = true;
	enum ma_status st = path_file_read_all(path, TOMB_MAP_MAX, &data, &len);

	*mp = NULL;
	if (st != MA_OK || m == NULL) {
		free(m);
		return st == MA_ENOTFOUND ? MA_OK : m == NULL ? MA_ENOMEM : st;
	}
	m->parts = g_ptr_array_new_with_free_func(part_free);
	while (pos < len && ok) {
		char *nl = memchr(data + pos, '\n', len - pos);

		if (nl == NULL)
			break;
		*nl = '\0';
		ok = map_line(m, data + pos, pos == 0);
		pos = (size_t)(nl - data) + 1;
	}
	free(data);
	if (!ok || pos != len || m->uuid == NULL) {
		log_warn("'%s' is damaged: the tombstones' conversations are "
			 "taken as they are written",
			 path);
		tomb_map_free(m);
		return MA_OK;
	}
	*mp = m;
	return MA_OK;
}

static enum ma_status
map_write(const char *path, const struct tomb_map *m)
{
	struct buf b;
	enum ma_status st;

	buf_init(&b, TOMB_MAP_MAX);
	st = buf_addf(&b, "%s\nuuid %s\n", TOMB_MAP_MAGIC, m->uuid);
	for (guint i = 0; i < m->parts->len && st == MA_OK; i++) {
		const struct tomb_part *p = m->parts->pdata[i];
		GPtrArray *keys = sorted_keys(p->map);

		st = buf_addf(&b, "part %ld\n", p->end);
		for (guint j = 0; j < keys->len && st == MA_OK; j++)
			st = buf_addf(&b, "%s\t%s\n", (char *)keys->pdata[j],
				      (char *)g_hash_table_lookup(
					  p->map, keys->pdata[j]));
		g_ptr_array_free(keys, TRUE);
	}
	return path_write_buf_atomic(path, &b, st, 0644);
}

/* What a new database's first run gathers: the old map, the thread ids
 * in it and past it (ids), and those past it by the line (fresh). */
struct rebase {
	struct run *r;
	const struct tomb_map *old;
	long from, to;	   /* the old map's end; the database's start */
	GHashTable *ids;   /* OLD -> its root, then its thread now */
	GHashTable *fresh; /* the ids of the lines past the old map */
};

static enum ma_status
rebase_line(void *arg, const struct tombstone_line *l)
{
	struct rebase *b = arg;

	if (l->off < b->from || l->off >= b->to ||
	    !sitename_thread_ok(l->thread_id))
		return MA_OK;
	g_hash_table_add(b->fresh, g_strdup(l->thread_id));
	g_hash_table_replace(b->ids, g_strdup(l->thread_id), NULL);
	return MA_OK;
}

/* The thread the database holds msgid in (a ghost too: a reply still
 * names it), g_strdup'd; NULL: none. */
static char *
thread_now(struct run *r, const char *msgid)
{
	notmuch_message_t *m = NULL;
	const char *t;
	char *out = NULL;

	if (notmuch_database_find_message(r->db, msgid, &m) !=
		NOTMUCH_STATUS_SUCCESS ||
	    m == NULL)
		return NULL;
	t = notmuch_message_get_thread_id(m);
	if (t != NULL && sitename_thread_ok(t))
		out = g_strdup(t);
	notmuch_message_destroy(m);
	return out;
}

/* Each id's root (from the state, when trusted) to its thread now. */
static enum ma_status
rebase_find(struct rebase *b, bool trusted, size_t *found)
{
	GHashTableIter it;
	gpointer k, v;
	enum ma_status st = trusted ? store_thread_roots(b->r, b->ids) : MA_OK;

	if (st == MA_ENOTFOUND) {
		log_warn("the render state of space '%s' is damaged: the "
			 "conversations of its tombstones are not known",
			 b->r->o->key);
		st = MA_OK;
	}
	*found = 0;
	g_hash_table_iter_init(&it, b->ids);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v)) {
		char *now = v != NULL ? thread_now(b->r, v) : NULL;

		*found += now != NULL;
		g_hash_table_iter_replace(&it,
					  now != NULL ? now : g_strdup("-"));
	}
	return st;
}

/* The new map: each old part's ids to their threads now, and a part for
 * the lines past it. */
static enum ma_status
rebase_map(struct rebase *b, struct tomb_map *m)
{
	GHashTableIter it;
	gpointer k, v;
	struct tomb_part *p;

	for (guint i = 0; b->old != NULL && i < b->old->parts->len; i++) {
		const struct tomb_part *op = b->old->parts->pdata[i];

		if ((p = part_add(m, op->end)) == NULL)
			return MA_ENOMEM;
		g_hash_table_iter_init(&it, op->map);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			const char *now = g_hash_table_lookup(b->ids, v);

			g_hash_table_insert(p->map, g_strdup(k),
					    g_strdup(now != NULL ? now : "-"));
		}
	}
	if (b->to <= b->from)
		return MA_OK;
	if ((p = part_add(m, b->to)) == NULL)
		return MA_ENOMEM;
	g_hash_table_iter_init(&it, b->fresh);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_hash_table_insert(p->map, g_strdup(k),
				    g_strdup(g_hash_table_lookup(b->ids, k)));
	return MA_OK;
}

/*
 * Where the lines of the database of now begin in SPACE/tombstones
 * (lib/index.c writes it as it makes the database); one made before
 * that was written: every line is an earlier database's.
 */
static enum ma_status
db_start(struct run *r, long *top)
{
	char *p = space_part_path(r->o->space_dir, SPACE_NOTMUCH_TOMBS), *data;
	char *end;
	size_t len;
	enum ma_status st =
	    p == NULL ? MA_ENOMEM : path_file_read_all(p, 64, &data, &len);

	*top = LONG_MAX;
	if (st == MA_OK) {
		long n = strtol(data, &end, 10);

		if (end != data && *end == '\n' && n >= 0)
			*top = n;
		else
			log_warn("'%s' is damaged: every tombstone is taken "
				 "for one of an earlier database",
				 p);
		free(data);
	}
	free(p);
	return st == MA_ENOTFOUND ? MA_OK : st;
}

/* The first run on the database uuid: every tombstone's thread found
 * again (trusted: the state describes the database the ids are of). */
static enum ma_status
rebase(struct run *r, const char *path, const char *uuid, bool trusted)
{
	char *tspath = space_part_path(r->o->space_dir, SPACE_TOMBSTONES);
	struct rebase b = {.r = r, .old = r->tmap, .from = map_end(r->tmap)};
	struct tomb_map *m = map_new(uuid);
	enum ma_status st = tspath == NULL || m == NULL ? MA_ENOMEM : MA_OK;
	GHashTableIter it;
	gpointer v;
	size_t found = 0;
	long end = 0;

	b.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	b.fresh = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; b.old != NULL && i < b.old->parts->len; i++) {
		g_hash_table_iter_init(
		    &it, ((struct tomb_part *)b.old->parts->pdata[i])->map);
		while (g_hash_table_iter_next(&it, NULL, &v))
			if (strcmp(v, "-") != 0)
				g_hash_table_replace(b.ids, g_strdup(v), NULL);
	}
	if (st == MA_OK)
		st = db_start(r, &b.to);
	if (st == MA_OK)
		st = tombstones_scan(tspath, 0, rebase_line, &b, &end);
	if (b.to > end)
		b.to = end;
	if (st == MA_OK && end < b.from) {
		log_warn("'%s' is shorter than '%s' says: the conversations "
			 "of its tombstones are not known",
			 tspath, path);
		trusted = false;
	}
	if (st == MA_OK)
		st = rebase_find(&b, trusted, &found);
	if (st == MA_OK)
		st = rebase_map(&b, m);
	if (st == MA_OK && m->parts->len > 0)
		st = map_write(path, m);
	if (st == MA_OK && m->parts->len > 0)
		log_info("space '%s': the database was rebuilt: %zu of the %u "
			 "conversations tombstones name found again",
			 r->o->key, found, g_hash_table_size(b.ids));
	g_hash_table_destroy(b.ids);
	g_hash_table_destroy(b.fresh);
	free(tspath);
	if (st != MA_OK) {
		tomb_map_free(m);
		return st;
	}
	tomb_map_free(r->tmap);
	r->tmap = m;
	return MA_OK;
}

enum ma_status
tomb_map_settle(struct run *r, const char *state, const char *uuid)
{
	char *path = path_fmt("%s.tombs", state);
	const char *of;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	tomb_map_free(r->tmap);
	r->tmap = NULL;
	st = map_read(path, &r->tmap);
	/* The ids the tombstones' threads are of: the map's, or (none)
	 * the database the state was rendered from. */
	of = r->tmap != NULL ? r->tmap->uuid : r->uuid;
	if (st == MA_OK && of != NULL && strcmp(of, uuid) != 0) {
		bool trusted = r->uuid != NULL && strcmp(of, r->uuid) == 0;

		if (!trusted)
			log_warn("space '%s': the database was rebuilt and "
				 "the render state is not of the one before: "
				 "removed messages are not shown in their "
				 "conversations",
				 r->o->key);
		st = rebase(r, path, uuid, trusted);
	}
	free(path);
	return st;
}
