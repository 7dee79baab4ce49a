/*
 * The site's search index (site/search/) and its page (search.html):
 * search in the browser with no server. docs/format.md ("The search
 * index") is the reference for the files; this is why they look so.
 *
 * One segment per month of mail, in a folder named by the month and a
 * hash of its content (search/2024-07.HASH/), so a file never changes
 * once written and hosts may cache it forever. A segment holds its
 * documents (d0.json, d1.json... SEARCH_CHUNK a file, oldest first) and
 * its terms, split into 2^b shards by a hash of the term (t0.json...),
 * b chosen so that a shard stays near SEARCH_SHARD bytes. The only file
 * that changes in place is search/index.json, the list of segments.
 *
 * A query is then a few GETs of small files: the list, one shard per
 * word in the newest segment, one document file; older segments only
 * when the newest do not fill the page. New mail lands in its month, so
 * a run rewrites that month's segment and the list, nothing else: the
 * cost of a run follows the months it touches, not the archive's size.
 * search_segment.c writes a segment's files.
 *
 * A busy month is several segments, its parts: its first SEARCH_PART
 * messages by date, the next SEARCH_PART, and so on. New mail lands at
 * the end of its month, so it rewrites the month's last part, whose size
 * is bounded, not the month: the time and memory of a run follow the
 * part, however busy the month. A message dated into the middle of a
 * month, or one that leaves it, rewrites the parts from its own on.
 *
 * A part is rebuilt from its messages' terms: those parsed by this run
 * (search_add(), called as each message is rendered, so nothing is
 * parsed twice), the others from a cache the previous run left in
 * SPACE/state/search/YYYY-MM[.K] (the same terms, a line per message).
 * The files depend only on the messages, so a full run and any series
 * of incremental runs write the same bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "render_int.h"
#include "search_int.h"
#include "space.h"

/* A run's documents wait on disk, a file a part of a month
 * (dir/.fresh-YYYY-MM.K), until their part is rebuilt: memory stays
 * bounded by one part, not the month or the archive. */
struct search {
	char *dir;   /* SPACE/state/search */
	gint64 usec; /* spent on the index, for the log */
	/* The fresh file last appended to, kept open: a thread's messages
	 * are mostly of one part (NULL: none). */
	FILE *fresh;
	char fresh_month[8];
	unsigned fresh_part;
};

void
search_free(struct search *s)
{
	if (s == NULL)
		return;
	if (s->fresh != NULL)
		fclose(s->fresh);
	free(s->dir);
	g_free(s);
}

/* The folder of the cache, made, and swept of what a killed run left. */
static enum ma_status
search_init(struct run *r)
{
	DIR *d;
	struct dirent *de;

	if (r->search != NULL)
		return MA_OK;
	r->search = g_new0(struct search, 1);
	r->search->dir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	if (r->search->dir == NULL)
		return MA_ENOMEM;
	if (g_mkdir_with_parents(r->search->dir, 0700) != 0) {
		log_err("cannot create '%s': %s", r->search->dir,
			strerror(errno));
		return MA_EIO;
	}
	if ((d = opendir(r->search->dir)) == NULL)
		return MA_OK;
	while ((de = readdir(d)) != NULL)
		if (search_cache_scratch(de->d_name))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return MA_OK;
}

static char *
fresh_path(struct run *r, const char *month, unsigned part)
{
	return path_fmt("%s/.fresh-%s.%u", r->search->dir, month, part);
}

/* Close the fresh file kept open, its bytes written (before a month's
 * segment reads it, and before the run moves to another month). */
static enum ma_status
fresh_close(struct run *r)
{
	struct search *s = r->search;
	enum ma_status st = MA_OK;

	if (s == NULL || s->fresh == NULL)
		return MA_OK;
	if (fclose(s->fresh) != 0) {
		log_err("cannot write '%s/.fresh-%s.%u': %s", s->dir,
			s->fresh_month, s->fresh_part, strerror(errno));
		st = errno == ENOSPC ? MA_ETEMP : MA_EIO;
	}
	s->fresh = NULL;
	return st;
}

/* The fresh file of part of month, open for appending. */
static enum ma_status
fresh_open(struct run *r, const char *month, unsigned part)
{
	struct search *s = r->search;
	enum ma_status st;
	char *p;

	if (s->fresh != NULL && strcmp(s->fresh_month, month) == 0 &&
	    s->fresh_part == part)
		return MA_OK;
	if ((st = fresh_close(r)) != MA_OK)
		return st;
	if ((p = fresh_path(r, month, part)) == NULL)
		return MA_ENOMEM;
	if ((s->fresh = fopen(p, "a")) == NULL) {
		log_err("cannot write '%s': %s", p, strerror(errno));
		st = errno == ENOSPC ? MA_ETEMP : MA_EIO;
	} else {
		g_strlcpy(s->fresh_month, month, sizeof s->fresh_month);
		s->fresh_part = part;
	}
	free(p);
	return st;
}

/* The part of its month that e falls in, by its place in the order
 * (which the run set before it renders) and the month's size. */
static unsigned
part_of(struct run *r, const struct entry *e, const char *month)
{
	size_t at = order_position(r, e), lo, hi;

	month_range(r, month, &lo, &hi);
	return at >= lo ? search_part_at(hi - lo, at - lo) : 0;
}

/* Called for each message a run renders, after it is parsed. */
enum ma_status
search_add(struct run *r, struct tmsg *t)
{
	gint64 t0 = g_get_monotonic_time();
	enum ma_status st;
	struct sdoc *d;
	GString *g;
	char month[8];
	unsigned part;

	if ((st = search_init(r)) != MA_OK)
		return st;
	d = sdoc_make(r, t->e, t->name, t->mm);
	g = g_string_new(NULL);
	sdoc_line(g, d);
	render_month_of(t->e->date, month);
	part = part_of(r, t->e, month);
	month[4] = '-';
	if ((st = fresh_open(r, month, part)) == MA_OK &&
	    fwrite(g->str, 1, g->len, r->search->fresh) != g->len) {
		log_err("cannot write '%s/.fresh-%s.%u': %s", r->search->dir,
			month, part, strerror(errno));
		st = errno == ENOSPC ? MA_ETEMP : MA_EIO;
	}
	g_string_free(g, TRUE);
	sdoc_free(d);
	r->search->usec += g_get_monotonic_time() - t0;
	return st;
}

/* ---- The run ---- */

/* "YYYY/MM" as the renderer writes months to "YYYY-MM". */
static void
month_key(time_t t, char out[8])
{
	render_month_of(t, out);
	out[4] = '-';
}

static bool
month_touched(struct run *r, GHashTable *gone, const char *month)
{
	char slash[8];

	memcpy(slash, month, 8);
	slash[4] = '/';
	return g_hash_table_contains(r->months, slash) ||
	       g_hash_table_contains(gone, month);
}

/* Rebuild a part from the entries order[lo..hi): their documents from
 * this run's fresh file of the part, else from the month's old cache
 * (an entry the run did not change), else from the message. */
static enum ma_status
part_rebuild(struct run *r, bool full, guint lo, guint hi,
	     struct search_old *old, struct seg *sg)
{
	GPtrArray *docs = g_ptr_array_new();
	GPtrArray *own = g_ptr_array_new_with_free_func(sdoc_free);
	char *fp = fresh_path(r, sg->month, sg->part);
	GHashTable *fresh = docs_load(fp ? strdup(fp) : NULL, 0);
	enum ma_status st;

	for (guint i = lo; i < hi; i++) {
		struct entry *e = r->order->pdata[i];
		char name[PERMALINK_NAME_MAX];
		struct sdoc *d = NULL;

		if (entry_page_name(r, e, name) != MA_OK)
			continue;
		d = g_hash_table_lookup(fresh, name);
		if (d == NULL && !full && !e->dirty && !e->added &&
		    (d = search_old_find(r, old, name)) != NULL)
			g_ptr_array_add(own, d);
		if (d == NULL) {
			d = sdoc_read(r, e, name);
			g_ptr_array_add(own, d);
			r->search_read++;
		}
		/* The thread's NAME now, whatever it was when cached. */
		g_free(d->thread);
		d->thread = search_thread_place(e);
		g_ptr_array_add(docs, d);
	}
	st = search_segment_write(r, docs, sg);
	if (st == MA_OK)
		st = search_cache_save(r, sg, docs);
	entries_unfill(r); /* what sdoc_read() filled: a part at most */
	if (st == MA_OK && fp != NULL)
		unlink(fp);
	free(fp);
	g_hash_table_destroy(fresh);
	g_ptr_array_free(own, TRUE);
	g_ptr_array_free(docs, TRUE);
	return st;
}

static void
seg_json(GString *g, const struct seg *sg, bool first)
{
	g_string_append_printf(g,
			       "%s\n{\"m\":\"%s\",\"h\":\"%s\",\"n\":%u,"
			       "\"b\":%u,\"lo\":%" G_GINT64_FORMAT
			       ",\"hi\":%" G_GINT64_FORMAT "}",
			       first ? "" : ",", sg->month, sg->hash, sg->n,
			       sg->bits, sg->lo, sg->hi);
}

/* The files of the segment folder name under dir (the search folder,
 * published or staged) removed from the site. */
static enum ma_status
sweep_segment(struct run *r, const char *dir, const char *name)
{
	char *sub = path_fmt("%s/%s", dir, name);
	DIR *sd = sub != NULL ? opendir(sub) : NULL;
	struct dirent *de;
	enum ma_status st = MA_OK;
	bool any = false;

	while (sd != NULL && st == MA_OK && (de = readdir(sd)) != NULL) {
		char rel[128];
		int n;

		if (de->d_name[0] == '.')
			continue;
		any = true;
		n = snprintf(rel, sizeof rel, "search/%s/%s", name, de->d_name);
		if (n < 0 || (size_t)n >= sizeof rel)
			continue; /* not a name of ours */
		st = site_remove(r->site, rel);
	}
	if (sd != NULL)
		closedir(sd);
	/* The folder goes when the commit has removed its files (site.c
	 * removes the folders it empties); one a killed run left empty
	 * goes now. */
	if (sub != NULL && !any && st == MA_OK)
		(void)rmdir(sub);
	free(sub);
	return sub == NULL ? MA_ENOMEM : st;
}

/* The segment folders of dir that keep ("MONTH.HASH") does not hold,
 * removed. */
static enum ma_status
sweep_segments(struct run *r, const char *dir, GHashTable *keep)
{
	GPtrArray *gone;
	struct dirent *de;
	enum ma_status st = MA_OK;
	DIR *d;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return MA_OK;
	gone = g_ptr_array_new_with_free_func(g_free);
	while ((de = readdir(d)) != NULL)
		if (strlen(de->d_name) == 24 && de->d_name[7] == '.' &&
		    !g_hash_table_contains(keep, de->d_name))
			g_ptr_array_add(gone, g_strdup(de->d_name));
	closedir(d);
	for (guint i = 0; i < gone->len && st == MA_OK; i++)
		st = sweep_segment(r, dir, gone->pdata[i]);
	g_ptr_array_free(gone, TRUE);
	return st;
}

/* Remove what a run of ours left that the index no longer names: a
 * segment's old folder (published, or staged by an earlier step of a run
 * in steps over a published site), a part's cache. keep holds
 * "MONTH.HASH". */
static enum ma_status
sweep(struct run *r, GHashTable *keep, GHashTable *months)
{
	char *dir = path_fmt("%s/search", r->o->site_dir);
	char *staged = site_staged_dir(r->site, "search");
	char *cdir = space_part_path(r->o->space_dir, SPACE_SEARCH_CACHE);
	DIR *d;
	struct dirent *de;
	enum ma_status st = MA_OK;

	if (dir == NULL || cdir == NULL) {
		free(dir);
		free(staged);
		free(cdir);
		return MA_ENOMEM;
	}
	st = sweep_segments(r, dir, keep);
	if (st == MA_OK && r->steps != NULL)
		st = sweep_segments(r, staged, keep);
	if ((d = opendir(cdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *p;

			if (!search_cache_scratch(de->d_name) &&
			    !search_cache_stale(de->d_name, months))
				continue;
			if ((p = path_fmt("%s/%s", cdir, de->d_name)) != NULL)
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	free(dir);
	free(staged);
	free(cdir);
	return st;
}

/* A month of the site, "YYYY-MM", of count messages: its entries
 * r->order[lo..hi), or none held (a run that read part of the state did
 * not need them). */
struct seg_month {
	char m[8];
	guint lo, hi;
	size_t count;
	bool held;
};

/* The months of the site, newest first. */
static GArray *
seg_months(struct run *r)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(struct seg_month));
	GArray *mc = store_month_counts(r);

	if (mc != NULL) {
		for (guint i = mc->len; i-- > 0;) {
			struct seg_month sm = {0};
			size_t lo, hi;

			month_range(
			    r, g_array_index(mc, struct month_count, i).month,
			    &lo, &hi);
			memcpy(sm.m,
			       g_array_index(mc, struct month_count, i).month,
			       8);
			sm.m[4] = '-';
			sm.lo = (guint)lo;
			sm.hi = (guint)hi;
			sm.count =
			    g_array_index(mc, struct month_count, i).count;
			sm.held = lo < hi;
			g_array_append_val(a, sm);
		}
		g_array_free(mc, TRUE);
		return a;
	}
	for (guint hi = r->order->len; hi > 0;) {
		struct seg_month sm = {.hi = hi, .held = true};
		guint lo = hi;

		month_key(((struct entry *)r->order->pdata[hi - 1])->date,
			  sm.m);
		while (lo > 0) {
			char p[8];

			month_key(
			    ((struct entry *)r->order->pdata[lo - 1])->date, p);
			if (strcmp(p, sm.m) != 0)
				break;
			lo--;
		}
		sm.lo = lo;
		sm.count = sm.hi - lo;
		g_array_append_val(a, sm);
		hi = lo;
	}
	return a;
}

/*
 * The first of a held month's parts to rebuild: none (its number of
 * parts) when the month is neither touched nor without a cache; else
 * the part of its first change (month_change()), or every part (a full
 * run, or one that read the whole state); earlier when a part before
 * it has no usable cache.
 */
static unsigned
first_rebuilt(struct run *r, bool full, GHashTable *gone,
	      const struct seg_month *sm, GArray *kept)
{
	unsigned parts = search_parts(sm->count), from = parts;
	char slash[8];

	if (full)
		return 0;
	if (month_touched(r, gone, sm->m)) {
		struct month_change c;

		memcpy(slash, sm->m, 8);
		slash[4] = '/';
		month_change(r, slash, sm->lo, sm->hi, &c);
		month_change_free(&c);
		/* c.first at the end: nothing changed, unless the month's
		 * last entries left it (its last part is smaller). */
		if ((c.first < sm->count || c.left) &&
		    search_part_at(sm->count, c.first) < from)
			from = search_part_at(sm->count, c.first);
	}
	for (unsigned k = 0; k < from; k++) {
		struct seg sg = {0};

		if (!search_cache_kept(r, sm->m, k,
				       search_part_docs(sm->count, k), &sg))
			return k;
		g_array_append_val(kept, sg);
	}
	return from;
}

/* The parts of a month into segs, oldest first: kept as their caches
 * recorded them, or rebuilt. */
static enum ma_status
month_parts(struct run *r, bool full, GHashTable *gone,
	    const struct seg_month *sm, GArray *segs)
{
	unsigned parts = search_parts(sm->count), from;
	struct search_old old = {.month = sm->m};
	enum ma_status st = MA_OK;

	if (!sm->held) {
		/* Not read this run: store_widen() read any month without
		 * a usable cache. */
		for (unsigned k = 0; k < parts && st == MA_OK; k++) {
			struct seg sg = {0};

			if (!search_cache_kept(r, sm->m, k,
					       search_part_docs(sm->count, k),
					       &sg)) {
				log_err("search: no segment for %s (part %u)",
					sm->m, k);
				st = MA_EIO;
			}
			g_array_append_val(segs, sg);
		}
		return st;
	}
	from = first_rebuilt(r, full, gone, sm, segs);
	old.next = from;
	for (unsigned k = from; k < parts && st == MA_OK; k++) {
		struct seg sg = {.part = k};
		guint lo = sm->lo + k * (guint)search_part_size();

		g_strlcpy(sg.month, sm->m, sizeof sg.month);
		st = part_rebuild(r, full, lo,
				  lo + search_part_docs(sm->count, k), &old,
				  &sg);
		g_array_append_val(segs, sg);
	}
	search_old_free(&old);
	return st == MA_OK ? search_cache_commit(r, sm->m, from, parts) : st;
}

/* Every month of the site, newest first, each part of it newest first;
 * then index.json, then the sweep. */
static enum ma_status
segments(struct run *r, bool full, GString *list)
{
	GHashTable *gone =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *keep =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *months =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	enum ma_status st = MA_OK;
	GArray *ms = seg_months(r);
	GArray *segs = g_array_new(FALSE, TRUE, sizeof(struct seg));
	bool first = true;

	for (guint i = 0; i < r->gone->len; i++) {
		char m[8];

		month_key(((struct entry *)r->gone->pdata[i])->date, m);
		g_hash_table_add(gone, g_strdup(m));
	}
	for (guint i = 0; i < ms->len && st == MA_OK; i++) {
		const struct seg_month *sm =
		    &g_array_index(ms, struct seg_month, i);

		g_array_set_size(segs, 0);
		st = month_parts(r, full, gone, sm, segs);
		for (guint k = segs->len; st == MA_OK && k-- > 0;) {
			const struct seg *sg =
			    &g_array_index(segs, struct seg, k);

			seg_json(list, sg, first);
			first = false;
			g_hash_table_add(
			    keep, g_strdup_printf("%s.%s", sm->m, sg->hash));
		}
		g_hash_table_insert(months, g_strdup(sm->m),
				    GUINT_TO_POINTER(search_parts(sm->count)));
	}
	g_array_free(segs, TRUE);
	g_array_free(ms, TRUE);
	if (st == MA_OK)
		st = sweep(r, keep, months);
	g_hash_table_destroy(gone);
	g_hash_table_destroy(keep);
	g_hash_table_destroy(months);
	return st;
}

enum ma_status
search_publish(struct run *r, bool full)
{
	gint64 t0 = g_get_monotonic_time();
	GString *list = g_string_new(NULL);
	size_t before = site_written(r->site);
	enum ma_status st = search_init(r);

	if (st == MA_OK)
		st = fresh_close(r);
	if (st != MA_OK) {
		g_string_free(list, TRUE);
		return st;
	}
	g_string_append_printf(list,
			       "{\"v\":1,\"chunk\":%u,\"messages\":%zu,"
			       "\"segments\":[",
			       SEARCH_CHUNK, render_messages(r));
	st = segments(r, full, list);
	g_string_append(list, "\n]}\n");
	if (st == MA_OK)
		st = site_put(r->site, "search/index.json", list->str,
			      list->len);
	g_string_free(list, TRUE);
	r->search->usec += g_get_monotonic_time() - t0;
	if (st == MA_OK)
		log_info("search index: %.3f s, %zu files written",
			 (double)r->search->usec / 1e6,
			 site_written(r->site) - before);
	if (st == MA_OK)
		st = search_page(r);
	return st;
}
