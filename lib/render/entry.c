/*
 * The entries of the run: one per message in the site, allocated in blocks
 * and freed at once, ordered by (date, Message-ID); their thread ids,
 * attachment tokens and dates as pages print them, and the listing fields
 * (subject, sender, file) read from notmuch on demand.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "env.h"
#include "render_int.h"
#include "erased.h"

/*
 * Entries live in blocks, and their Message-IDs and attachment lists in a
 * string chunk, all freed at once at the end of the run: a run over
 * 100,000 messages would otherwise spend a good part of an incremental
 * render freeing them one by one.
 */
void
touch_thread(struct run *r, const char *id)
{
	if (sitename_thread_ok(id) && !g_hash_table_contains(r->threads, id))
		g_hash_table_add(r->threads, strdup(id));
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of a set of strings, sorted: runs do things in one order. */
GPtrArray *
sorted_keys(GHashTable *h)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, str_cmp);
	return a;
}

/* A run holds one entry per message: keep it at 40 bytes on LP64. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct entry) <= 40,
	       "struct entry grew past 40 bytes");

static struct entry *
entry_new(struct run *r)
{
	struct entry *block;

	if (r->blocks->len == 0 || r->block_used == ENTRY_BLOCK) {
		if ((block = calloc(ENTRY_BLOCK, sizeof *block)) == NULL)
			return NULL;
		g_ptr_array_add(r->blocks, block);
		r->block_used = 0;
	}
	block = r->blocks->pdata[r->blocks->len - 1];
	block[r->block_used].lst = &listing_none;
	return &block[r->block_used++];
}

/* What an entry owns itself: the listing fields (filled on demand). */
void
entries_free(struct run *r)
{
	for (guint b = 0; b < r->blocks->len; b++) {
		struct entry *block = r->blocks->pdata[b];
		size_t used =
		    b + 1 == r->blocks->len ? r->block_used : ENTRY_BLOCK;

		for (size_t i = 0; i < used; i++)
			listing_drop(&block[i]);
		free(block);
	}
	g_ptr_array_free(r->blocks, TRUE);
	g_string_chunk_free(r->strings);
}

/*
 * The copy of msgid an entry keeps. A thread's root is most often named
 * by its Message-ID as it is, and a full run reads every NAME the site
 * published before it makes the entries (about 0.4 a message): such a
 * root's Message-ID is the NAME record's bytes, not a second copy. A
 * record stays allocated until the run ends, even once retired
 * (name_table.c).
 */
static char *
entry_msgid_copy(struct run *r, const char *msgid)
{
	const struct tname *t = names_get(r, msgid);

	if (t != NULL && strcmp(tname_root(t), msgid) == 0)
		return (char *)tname_root(t);
	return g_string_chunk_insert(r->strings, msgid);
}

struct entry *
entry_add(struct run *r, const char *msgid)
{
	struct entry *e = entry_find(r, msgid);

	if (e != NULL)
		return e;
	if ((e = entry_new(r)) == NULL)
		return NULL;
	e->msgid = entry_msgid_copy(r, msgid);
	/* A kept id, as entry_tname() needs, until its thread is set. */
	e->thread = (char *)thread_id_keep(r, "");
	/* Its number: the last made (entry_new()). */
	if (entry_index_put(
		r, e, (r->blocks->len - 1) * ENTRY_BLOCK + r->block_used - 1) !=
	    MA_OK) {
		memset(e, 0, sizeof *e);
		r->block_used--;
		return NULL;
	}
	return e;
}

/*
 * A thread's id is kept once (a 32-byte array in each entry was the
 * biggest part of it; a thread has three messages on average).
 */
void
entry_set_thread(struct run *r, struct entry *e, const char *src)
{
	char id[SITENAME_THREAD_MAX];

	sitename_set_thread(id, src);
	e->thread = (char *)thread_id_keep(r, id);
}

char *
text_capped(const char *s)
{
	size_t n = strlen(s), k = text_cap_len(s, n, DISPLAY_CHARS);
	char *r = malloc(k + 4);

	if (r == NULL)
		return NULL;
	memcpy(r, s, k);
	if (k < n)
		memcpy(r + k, "\xe2\x80\xa6", 3), k += 3; /* an ellipsis */
	r[k] = '\0';
	return r;
}

/* How many files notmuch holds for m. */
static size_t
file_count(notmuch_message_t *m)
{
	notmuch_filenames_t *fs = notmuch_message_get_filenames(m);
	size_t n = 0;

	for (; fs != NULL && notmuch_filenames_valid(fs);
	     notmuch_filenames_move_to_next(fs))
		n++;
	if (fs != NULL)
		notmuch_filenames_destroy(fs);
	return n;
}

/* e joins the filled entries that entries_unfill() empties. */
static void
entry_listed(struct run *r, struct entry *e)
{
	if (!e->listed) {
		e->listed = true;
		g_ptr_array_add(r->filled, e);
		if (r->filled->len > r->filled_peak)
			r->filled_peak = r->filled->len;
	}
}

/*
 * The listing fields. notmuch keeps the headers of whichever file of a
 * message it met first; with several versions they come from the
 * primary one (versions.c), so that the order of arrival decides
 * nothing.
 */
void
entry_fill_from(struct run *r, struct entry *e, notmuch_message_t *m)
{
	const char *subj = notmuch_message_get_header(m, "subject");
	const char *from = notmuch_message_get_header(m, "from");
	const char *file = notmuch_message_get_filename(m);
	struct version *v = NULL;
	struct mime_msg *mm = NULL;
	struct listing *l;
	size_t n = 0, nf = file_count(m);

	e->nfiles = nf > UINT16_MAX ? UINT16_MAX : (uint16_t)nf;
	if (e->nfiles > 1 && versions_of(m, &v, &n) == MA_OK && n > 0) {
		file = v[0].file;
		if (mime_open(file, false, &mm) == MA_OK) {
			subj = mm->subject;
			from = mm->from_text;
		}
	}
	if ((l = entry_listing(e)) != NULL) {
		free(l->subject);
		free(l->from);
		free(l->file);
		l->subject = text_capped(
		    subj != NULL && subj[0] ? subj : "(no subject)");
		l->from = from_brief(r, from != NULL ? from : "");
		l->file = file != NULL ? strdup(file) : NULL;
	}
	e->filled = l != NULL && l->subject != NULL && l->from != NULL;
	entry_listed(r, e);
	fill_cache_put(r, e);
	mime_free(mm);
	versions_free(v, n);
}

void
entries_unfill(struct run *r)
{
	for (guint i = 0; i < r->filled->len; i++) {
		struct entry *e = r->filled->pdata[i];

		listing_drop(e);
		e->nfiles = 0;
		e->filled = e->listed = false;
	}
	g_ptr_array_set_size(r->filled, 0);
}

void
entries_unfill_many(struct run *r)
{
	static size_t max;

	if (max == 0)
		max = env_count("MAILARC_RENDER_FILLED", ENTRIES_FILLED_MAX,
				SIZE_MAX);
	if (r->filled->len > max)
		entries_unfill(r);
}

bool
entry_fill(struct run *r, struct entry *e)
{
	notmuch_message_t *m = NULL;

	if (e->filled)
		return true;
	/* Filled before in this run (fill_cache.c). */
	if (fill_cache_get(r, e)) {
		entry_listed(r, e);
		return true;
	}
	if (notmuch_database_find_message(r->db, e->msgid, &m) !=
		NOTMUCH_STATUS_SUCCESS ||
	    m == NULL)
		return false;
	entry_fill_from(r, e, m);
	notmuch_message_destroy(m);
	return e->filled;
}

/*
 * The NAME of e's page, as permalink_of_message() gives it: a Message-ID
 * notmuch shortened is named by the real one, read from e's file (the
 * entry is filled for that, which only such messages need), or, once
 * the message is removed, from its tombstone.
 */
enum ma_status
entry_page_name(struct run *r, struct entry *e, char name[PERMALINK_NAME_MAX])
{
	const struct tomb *t;

	if (strncmp(e->msgid, PERMALINK_NOTMUCH_SHA1,
		    sizeof PERMALINK_NOTMUCH_SHA1 - 1) != 0)
		return permalink_of_message(e->msgid, NULL, name);
	/* Removed: its file is gone, and its tombstone holds the id its
	 * page is named after. */
	if ((t = g_hash_table_lookup(r->tombs, e->msgid)) != NULL)
		return permalink_of_message(t->id, NULL, name);
	if (e->lst->file == NULL)
		(void)entry_fill(r, e);
	/* Erased: its tombstone holds a hash; the site finds its page. */
	if ((e->lst->file == NULL || e->lst->file[0] == '\0') &&
	    erased_page_name(r, e->msgid, name) == MA_OK)
		return MA_OK;
	return permalink_of_message(e->msgid, e->lst->file, name);
}

void
render_month_of(time_t t, char out[8])
{
	struct tm tm;

	/* Dates before 1970 are real (time_t is signed); years outside
	 * 1000..9999 are not dates (date.c never makes them). */
	unsigned y, m;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 1000) {
		memcpy(out, "1970/01", 8);
		return;
	}
	/* "YYYY/MM" by hand: asked for some eight times a message, and
	 * snprintf() cost more than the rest of the run's dates. */
	y = (unsigned)(tm.tm_year + 1900);
	m = (unsigned)(tm.tm_mon + 1) % 100u;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '/';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

/* t in UTC for a page: ISO 8601 in markup, or as people read it. A time
 * gmtime_r() cannot hold is written from a zeroed struct tm. */
static void
page_date(time_t t, bool human, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(out, 32, human ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%dT%H:%M:%SZ",
		 &tm);
}

void
iso_date(time_t t, char out[32])
{
	page_date(t, false, out);
}

void
human_date(time_t t, char out[32])
{
	page_date(t, true, out);
}

gint
entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(x->msgid, y->msgid);
}

/* Where e would sit in the order (for a message just removed). */
size_t
order_position(struct run *r, const struct entry *e)
{
	size_t a = 0, b = r->order->len;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (entry_cmp(&r->order->pdata[mid], &e) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

/* The entries changed this run or set by the state's log and still in
 * the site, sorted, once each; their pointers into skip (so are those
 * gone). */
static GPtrArray *
order_changed(struct run *r, GPtrArray *changed, GHashTable *skip)
{
	GPtrArray *a = g_ptr_array_new();

	for (guint i = 0; i < r->gone->len; i++)
		g_hash_table_add(skip, r->gone->pdata[i]);
	for (guint i = 0; i < r->dropped->len; i++)
		g_hash_table_add(skip, r->dropped->pdata[i]);
	for (guint i = 0; i < changed->len + r->relog->len; i++) {
		struct entry *e = i < changed->len
				      ? changed->pdata[i]
				      : r->relog->pdata[i - changed->len];

		if (g_hash_table_contains(skip, e))
			continue;
		g_hash_table_add(skip, e);
		if (entry_find(r, e->msgid) == e)
			g_ptr_array_add(a, e);
	}
	g_ptr_array_sort(a, entry_cmp);
	return a;
}

/*
 * Linear in the site plus what changed: the state lists the entries
 * sorted, so only the few changed ones are sorted and merged in, where
 * sorting them all took most of a small incremental run.
 */
bool
order_merge(struct run *r, GPtrArray *changed)
{
	GHashTable *skip = g_hash_table_new(g_direct_hash, g_direct_equal);
	GPtrArray *fresh = order_changed(r, changed, skip);
	GPtrArray *out = g_ptr_array_sized_new(r->order->len + fresh->len);
	struct entry *last = NULL;
	guint j = 0;
	bool ok = true;

	for (guint i = 0; i < r->order->len && ok; i++) {
		struct entry *e = r->order->pdata[i];

		if (g_hash_table_contains(skip, e))
			continue;
		if (last != NULL && entry_cmp(&last, &e) >= 0)
			ok = false; /* not sorted: the caller sorts */
		while (j < fresh->len && entry_cmp(&fresh->pdata[j], &e) < 0)
			g_ptr_array_add(out, fresh->pdata[j++]);
		g_ptr_array_add(out, e);
		last = e;
	}
	while (j < fresh->len)
		g_ptr_array_add(out, fresh->pdata[j++]);
	g_hash_table_destroy(skip);
	g_ptr_array_free(fresh, TRUE);
	if (ok && out->len == entries_indexed(r)) {
		g_ptr_array_free(r->order, TRUE);
		r->order = out;
		return true;
	}
	g_ptr_array_free(out, TRUE);
	return false;
}

void
entry_set_fields(struct run *r, struct entry *e, char *const f[4])
{
	entry_set_thread(r, e, f[1]);
	e->date = (time_t)strtoll(f[2], NULL, 10);
	entry_set_atts(r, e, strcmp(f[3], "-") != 0 ? f[3] : "");
}

const char *
entry_atts(const struct entry *e)
{
	return e->atts ? e->msgid + strlen(e->msgid) + 1 : "";
}

/*
 * An entry held a pointer to its tokens (8 bytes a message), though
 * most messages have no attachment. Now a message with some has its
 * Message-ID copied with its tokens after it, in one string of the
 * run's chunk (a copy per setting: a message's are set once or twice a
 * run); one with none keeps the Message-ID it has.
 */
void
entry_set_atts(struct run *r, struct entry *e, const char *atts)
{
	size_t n, m;
	GString *s;

	if (atts[0] == '\0') {
		/* The copy before the tokens has the same bytes: it stays
		 * as the Message-ID. */
		e->atts = false;
		return;
	}
	if (e->atts && strcmp(entry_atts(e), atts) == 0)
		return;
	n = strlen(e->msgid);
	m = strlen(atts);
	s = g_string_sized_new(n + m + 2);
	g_string_append_len(s, e->msgid, (gssize)n + 1);
	g_string_append_len(s, atts, (gssize)m);
	e->msgid = g_string_chunk_insert_len(r->strings, s->str, s->len);
	e->atts = true;
	g_string_free(s, TRUE);
}

/* One entry line, from line to nl: MESSAGE-ID TAB THREAD TAB DATE TAB
 * ATTACHMENTS ("-" for none); a line with fewer fields is skipped. From
 * the log, the entry goes to r->relog (order_merge() places it). */
enum ma_status
state_entry(struct run *r, char *line, char *nl, bool log)
{
	char *f[4], *id;
	size_t nf = 0;
	size_t n;
	struct entry *e;

	f[nf++] = line;
	for (char *q = line; q < nl && nf < 4; q++)
		if (*q == '\t') {
			*q = '\0';
			f[nf++] = q + 1;
		}
	*nl = '\0';
	if (nf != 4)
		return MA_OK;
	/* Most Message-IDs have nothing escaped: used in place. */
	if (strchr(f[0], '\\') == NULL)
		id = f[0];
	else if ((id = sitename_state_unescape(f[0], strlen(f[0]))) == NULL)
		return MA_ENOMEM;
	n = entries_indexed(r);
	e = entry_add(r, id);
	if (id != f[0])
		free(id);
	if (e == NULL)
		return MA_ENOMEM;
	/* The file is in the site's order: kept as loaded (entry.c). */
	if (log)
		g_ptr_array_add(r->relog, e);
	else if (entries_indexed(r) > n)
		g_ptr_array_add(r->order, e);
	/* A log line may set an entry the file listed before. */
	entry_set_fields(r, e, f);
	return MA_OK;
}
