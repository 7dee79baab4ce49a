/*
 * The run: open the space's notmuch database, load the state, decide
 * between a full and an incremental run, ask notmuch what changed, apply
 * tombstones, order the entries, render what they touch, and save the
 * state. render_run() is the entry point render.h declares.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index.h"
#include "log.h"
#include "path.h"
#include "space.h"
#include "tombstone.h"
#include "render_int.h"
#include "tomb_map.h"
#include "erased.h"

static void
touch_pos(struct run *r, size_t pos)
{
	if (pos < r->order->len)
		touch_thread(r, ((struct entry *)r->order->pdata[pos])->thread);
}

/*
 * The threads of the neighbours by date of what came and went: they
 * show them as previous and next.
 */
static void
touch_neighbours(struct run *r, GPtrArray *changed)
{
	for (guint i = 0; i < changed->len; i++) {
		struct entry *e = changed->pdata[i];

		if (e->pos > 0)
			touch_pos(r, e->pos - 1);
		touch_pos(r, e->pos + 1);
	}
	for (guint i = 0; i < r->gone->len; i++) {
		size_t p = order_position(r, r->gone->pdata[i]);

		if (p > 0)
			touch_pos(r, p - 1);
		touch_pos(r, p);
	}
	for (guint i = 0; i < r->moved->len; i++) {
		struct entry *old = &g_array_index(r->moved, struct entry, i);
		size_t p = order_position(r, old);

		/* The entries now at p-1 and p (or p+1: the moved one may
		 * sort there itself) were its neighbours. */
		if (p > 0)
			touch_pos(r, p - 1);
		touch_pos(r, p);
		touch_pos(r, p + 1);
	}
}

/* An incremental run: the threads touched (touch_neighbours() marked
 * those of the neighbours). */
static enum ma_status
render_touched_threads(struct run *r)
{
	enum ma_status st = MA_OK;
	GPtrArray *keys = sorted_keys(r->threads);

	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		st = render_thread_id(r, keys->pdata[i]);
		entries_unfill(r);
	}
	g_ptr_array_free(keys, TRUE);
	return st;
}

static enum ma_status
render_months(struct run *r)
{
	GPtrArray *keys = sorted_keys(r->months);
	enum ma_status st = MA_OK;

	for (guint i = 0; i < keys->len && st == MA_OK; i++) {
		st = month_pages(r, keys->pdata[i]);
		entries_unfill(r);
	}
	g_ptr_array_free(keys, TRUE);
	return st;
}

/* Whether the run ends a full one: legacy notices and what no message
 * has swept (a first render in steps: its last step). */
static bool
run_ends_full(const struct run *r, bool full)
{
	return r->steps != NULL ? steps_last(r->steps) : full;
}

/* Every page the run touches, in the order a reader's links need. */
static enum ma_status
render_all(struct run *r, bool full)
{
	enum ma_status st;

	/* What the attachments of the threads to render are used by. */
	st = full ? MA_OK : store_atts_before(r);
	/* Step 0 of a first render in steps has no entries. */
	if (st == MA_OK && full && r->steps == NULL)
		st = walk_every_thread(r);
	else if (st == MA_OK && !full)
		st = render_touched_threads(r);
	/* A run that read part of the state changed no name's target
	 * (store_names_check()), unless it removed a thread's root: then
	 * it holds that NAME and those that led to it. */
	if (st == MA_OK && (!store_partial(r) || store_renamed(r)))
		st = names_publish(r, full);
	/* The last step of a full run in steps: the NAMEs it carried. */
	if (st == MA_OK && r->steps != NULL && steps_last(r->steps) &&
	    steps_carry(r->steps))
		st = names_settle_carried(r);
	if (st == MA_OK)
		st = removed_message_pages(r, full);
	if (st == MA_OK)
		st = render_months(r);
	if (st == MA_OK)
		st = search_publish(r, full);
	entries_unfill(r);
	if (st == MA_OK)
		st = index_page(r);
	entries_unfill(r);
	if (st == MA_OK)
		st = feed_page(r);
	if (st == MA_OK)
		st = site_put(r->site, "style.css", site_stylesheet(),
			      strlen(site_stylesheet()));
	if (st == MA_OK && !full)
		st = store_atts_counted(r) ? store_atts_settle(r)
					   : store_atts_drop(r);
	if (st == MA_OK && run_ends_full(r, full))
		st = legacy_publish(r);
	if (st == MA_OK && run_ends_full(r, full))
		st = site_gc(r->site);
	return st;
}

/* The run's strings come in pieces of this size: a full run's peak is
 * then at most one piece above what its strings need. */
#define RUN_STRINGS_CHUNK ((gsize)64 << 10)

static void
run_init(struct run *r, const struct render_opts *o, struct render_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	r->o = o;
	r->stats = stats;
	r->blocks = g_ptr_array_new();
	r->strings = g_string_chunk_new(RUN_STRINGS_CHUNK);
	r->filled = g_ptr_array_new();
	/* An index that cannot be made fails the first entry_add(). */
	(void)entry_index_new(r);
	r->order = g_ptr_array_new();
	r->threads = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r->months = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r->tombs =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, tomb_free);
	r->tomb_threads =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r->known = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	r->gone = g_ptr_array_new();
	r->moved = g_array_new(FALSE, TRUE, sizeof(struct entry));
	/* A NAME is held in its struct tname (names.c). */
	r->names = name_table_new();
	r->names_gone = g_ptr_array_new();
	r->relog = g_ptr_array_new();
	r->dropped = g_ptr_array_new();
}

static void
run_release(struct run *r)
{
	if (r->db != NULL)
		notmuch_database_destroy(r->db);
	g_ptr_array_free(r->order, TRUE);
	g_ptr_array_free(r->gone, TRUE);
	g_array_free(r->moved, TRUE);
	entry_index_free(r);
	entries_free(r);
	g_ptr_array_free(r->filled, TRUE);
	g_hash_table_destroy(r->threads);
	g_hash_table_destroy(r->months);
	g_hash_table_destroy(r->tombs);
	g_hash_table_destroy(r->tomb_threads);
	tomb_map_free(r->tmap);
	erased_names_free(r);
	g_hash_table_destroy(r->known);
	/* The records taken out first: they lie in the table's blocks. */
	g_ptr_array_free(r->names_gone, TRUE);
	name_table_free(r->names);
	thread_ids_free(r);
	g_ptr_array_free(r->relog, TRUE);
	g_ptr_array_free(r->dropped, TRUE);
	free(r->uuid);
	free(r->settings);
	search_free(r->search);
	store_free(r->store);
	steps_free(r->steps);
	fill_cache_free(r->fills);
	raw_release();
}

/*
 * MAILARC_RENDER_STATS set: one line on stderr with what a run's memory
 * and reading follow, for the tests that hold them bounded: the most
 * entries with listing fields at once, the entries in the site and
 * those allocated, the bytes of the state read, the files of the state
 * written, the thread names held, the most bytes allocated at the
 * points where the run holds what grows with the archive (its entries,
 * their index and order, the names: before and after the pages, after
 * the state is staged), and what the entries, their index and the order
 * hold per message.
 */
static void
run_debug(const struct run *r)
{
	if (getenv("MAILARC_RENDER_STATS") == NULL)
		return;
	size_t made = r->blocks->len == 0
			  ? 0
			  : (r->blocks->len - 1) * ENTRY_BLOCK + r->block_used;

	size_t n = entries_indexed(r);
	/* What the entries, their index and the order hold, a message. */
	size_t per = (made * sizeof(struct entry) + entry_index_bytes(r) +
		      r->order->len * sizeof(void *)) /
		     (n > 0 ? n : 1);

	fprintf(stderr,
		"render-stats: filled-peak %zu entries %zu made %zu "
		"state-read %zu state-files %zu names %zu heap-peak %zu "
		"entry-bytes %zu search-read %zu thread-heap %zu\n",
		r->filled_peak, n, made, r->state_read, r->state_written,
		names_count(r), r->heap_peak, per, r->search_read,
		r->thread_heap);
}

/* MAILARC_RENDER_STATS: the heap now, if the most so far. */
static void
heap_mark(struct run *r)
{
	size_t n;

	if (getenv("MAILARC_RENDER_STATS") == NULL)
		return;
	if ((n = render_heap_now()) > r->heap_peak)
		r->heap_peak = n;
}

/* Forget the state: the run renders everything. */
static void
run_go_full(struct run *r, bool *full)
{
	*full = true;
	g_ptr_array_set_size(r->order, 0);
	g_ptr_array_set_size(r->relog, 0);
	g_ptr_array_set_size(r->dropped, 0);
	g_ptr_array_set_size(r->filled, 0);
	/* The entries the state listed go now, not at the end: the full
	 * run makes its own, and would otherwise hold both. */
	entries_free(r);
	thread_ids_free(r);
	/* An index that cannot be made fails the first entry_add(). */
	(void)entry_index_new(r);
	r->blocks = g_ptr_array_new();
	r->block_used = 0;
	r->strings = g_string_chunk_new(RUN_STRINGS_CHUNK);
	r->tomb_off = 0;
}

/* A state that still describes the site: same database, same settings. */
static enum ma_status
state_usable(struct run *r, const char *uuid, unsigned long rev, bool *full)
{
	char *set;

	if (strcmp(r->uuid, uuid) != 0 || r->rev > rev) {
		log_notice("the notmuch database of space '%s' was "
			   "rebuilt: rendering everything",
			   r->o->key);
		*full = true;
		return MA_OK;
	}
	if ((set = settings_line(r->o)) == NULL)
		return MA_ENOMEM;
	if (r->settings == NULL || strcmp(set, r->settings) != 0) {
		log_notice("the settings of space '%s' changed: "
			   "rendering everything",
			   r->o->key);
		*full = true;
	}
	free(set);
	return MA_OK;
}

/*
 * STATE.publishing, from before the site's commit until the state that
 * records it is saved. A run killed between the two (or whose commit
 * failed part way) published pages that the state does not know of; if
 * their messages then go before the next run, nothing would ever take
 * those pages down. So a run that finds the mark renders everything: a
 * full run sweeps what no message has.
 */
static enum ma_status
publishing_mark(const char *state, bool set)
{
	static const char text[] = "a run is publishing: the state does not "
				   "record every page yet\n";
	char *p = path_fmt("%s.publishing", state);
	enum ma_status st = MA_OK;

	if (p == NULL)
		return MA_ENOMEM;
	if (set)
		st = path_write_file_atomic(p, text, sizeof text - 1, 0644);
	else if (unlink(p) != 0 && errno != ENOENT)
		log_warn("cannot remove '%s': %s", p, strerror(errno));
	free(p);
	return st;
}

/* Whether the last run stopped between its commit and its state. */
static bool
publishing_left(const char *state)
{
	char *p = path_fmt("%s.publishing", state);
	bool r = p == NULL || path_exists(p);

	free(p);
	return r;
}

/*
 * Full or incremental: an incremental run needs a usable state and a
 * site to update (one removed by hand, or never published, is rebuilt
 * whole).
 */
static enum ma_status
decide_full(struct run *r, const char *state, const char *uuid,
	    unsigned long rev, bool *full)
{
	enum ma_status st;
	char *index;

	if (*full) {
		/* Everything is rendered, but the thread names published
		 * before stay (names.c). */
		st = render_state_load(r, state, false);
		if (st != MA_OK && st != MA_ENOTFOUND)
			return st;
		run_go_full(r, full);
		return MA_OK;
	}
	st = render_state_load(r, state, true);
	if (st == MA_ENOTFOUND)
		*full = true;
	else if (st != MA_OK ||
		 (st = state_usable(r, uuid, rev, full)) != MA_OK)
		return st;
	if (*full) {
		run_go_full(r, full);
		return store_go_full(r);
	}
	if ((index = path_fmt("%s/index.html", r->o->site_dir)) == NULL)
		return MA_ENOMEM;
	if (!path_exists(index)) {
		log_notice("'%s' is missing: rendering everything", index);
		run_go_full(r, full);
		st = store_go_full(r);
	} else if (publishing_left(state)) {
		log_notice("the last render of space '%s' stopped after "
			   "publishing pages and before recording them: "
			   "rendering everything",
			   r->o->key);
		run_go_full(r, full);
		st = store_go_full(r);
	}
	free(index);
	return st;
}

/*
 * An incremental run that reads part of the state: the months of what
 * notmuch changed (store_prefetch()) and of the messages fresh
 * tombstones remove (store_prefetch_tomb()).
 */
static enum ma_status
prefetch(struct run *r, const char *qs)
{
	notmuch_query_t *q;
	notmuch_messages_t *ms = NULL;
	enum ma_status st = MA_OK;
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, r->tombs);
	while (st == MA_OK && store_partial(r) &&
	       g_hash_table_iter_next(&it, &k, &v))
		if (((struct tomb *)v)->fresh)
			st = store_prefetch_tomb(r, k, v);
	if (st != MA_OK || !store_partial(r) || qs == NULL)
		return st;
	if ((st = walk_query(r, qs, &q, &ms)) != MA_OK)
		return st;
	for (; notmuch_messages_valid(ms) && st == MA_OK && store_partial(r);
	     notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		const char *id = notmuch_message_get_message_id(m);
		struct entry tmp = {0};
		char th[32];

		sitename_set_thread(th, notmuch_message_get_thread_id(m));
		if (id != NULL && id[0] &&
		    (st = walk_entry_date(&tmp, m)) == MA_OK)
			st = store_prefetch(r, id, th, tmp.date);
		notmuch_message_destroy(m);
	}
	notmuch_query_destroy(q);
	return st;
}

/* The order set (sorted, positions) and the neighbours' threads
 * marked. */
static void
order_set(struct run *r, bool full, GPtrArray *changed)
{
	/* An incremental run keeps the state's order and places only what
	 * changed (order_merge()); a full run sorts everything, and so
	 * does one that read part of the state (what it read). */
	if (store_partial(r)) {
		store_sort(r);
	} else if (full || !order_merge(r, changed)) {
		size_t at = 0;
		struct entry *e;

		g_ptr_array_set_size(r->order, 0);
		while ((e = entry_next(r, &at)) != NULL)
			g_ptr_array_add(r->order, e);
		g_ptr_array_sort(r->order, entry_cmp);
	}
	for (guint i = 0; i < r->order->len; i++)
		((struct entry *)r->order->pdata[i])->pos = i;
	if (!full)
		touch_neighbours(r, changed);
}

/*
 * The entries after this run's changes: what notmuch changed since the
 * state's revision (everything in a full run), less what new tombstones
 * remove (a full run has no entry for a message no longer indexed; a
 * tombstoned message still indexed is shown), sorted by date.
 */
static enum ma_status
collect_entries(struct run *r, unsigned long rev, bool full, GPtrArray *changed)
{
	enum ma_status st = MA_OK;
	GHashTableIter it;
	gpointer k, v;
	char qs[96];

	if (full) {
		/* Step 0 of a first render in steps: none yet. */
		st = r->steps != NULL ? MA_OK : walk_every_message(r, rev);
	} else if (r->steps != NULL) {
		st = steps_collect(r, changed);
	} else {
		st = rev > r->rev
			 ? render_fmt(qs, sizeof qs, "lastmod:%lu..%lu",
				      r->rev + 1, rev)
			 : MA_OK;
		if (st == MA_OK)
			st = prefetch(r, rev > r->rev ? qs : NULL);
		if (st == MA_OK && rev > r->rev)
			st = walk_messages(r, qs, changed);
	}
	g_hash_table_iter_init(&it, r->tombs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v))
		if (!full && ((struct tomb *)v)->fresh)
			st = apply_tomb(r, k, v);
	if (st != MA_OK)
		return st;
	order_set(r, full, changed);
	/* What the threads to render need, read; reading everything
	 * instead orders everything. */
	if (store_partial(r)) {
		st = store_widen(r);
		if (st == MA_OK) {
			order_set(r, full, changed);
			st = store_names_check(r);
		}
		if (st == MA_OK)
			order_set(r, full, changed);
	}
	for (guint i = 0; i < changed->len; i++)
		((struct entry *)changed->pdata[i])->dirty = true;
	return st == MA_OK ? thread_names(r) : st;
}

/*
 * A full run keeps the paths it writes (some 3.5 a message) in files
 * beside the state, STATE.spill/, rather than in memory (site_spill());
 * site_close() removes them. Every run first removes what a killed full
 * run left there (spill false).
 */
static enum ma_status
written_spill(struct run *r, const char *state, bool spill)
{
	char *dir = path_fmt("%s.spill", state);
	enum ma_status st = MA_OK;

	if (dir == NULL)
		return MA_ENOMEM;
	if (spill)
		st = site_spill(r->site, dir);
	else if (path_exists(dir))
		site_spill_remove(dir);
	free(dir);
	return st;
}

/* The site, opened (and its spill set up, for a full run); a first
 * render in steps opens it in step 0 and keeps it to its last. */
static enum ma_status
publish_open(struct run *r, const char *state, bool full)
{
	struct site **held = r->steps != NULL ? steps_site(r->steps) : NULL;
	enum ma_status st;

	if (held != NULL && *held != NULL) {
		r->site = *held;
		return MA_OK;
	}
	st = site_open(r->o->site_dir, r->o->out, r->o->sep, &r->site);
	if (st != MA_OK)
		return st;
	if ((st = written_spill(r, state, full)) != MA_OK) {
		site_close(r->site, false);
		r->site = NULL;
		return st;
	}
	if (held != NULL) {
		/* Steps write some pages more than once: the paths once,
		 * at the last step (site_list()). */
		site_defer_list(r->site);
		*held = r->site;
	}
	return MA_OK;
}

/*
 * A step of a first render in steps that is not the last: the state
 * that records it, saved with the publishing mark (set in step 0), and
 * the site left open for the next step.
 */
static enum ma_status
publish_step(struct run *r, GPtrArray *changed, long tomb_end,
	     const char *state, const char *uuid, unsigned long rev)
{
	enum ma_status st = render_state_stage(r, state, changed);

	heap_mark(r);
	if (st == MA_OK && steps_first(r->steps))
		st = publishing_mark(state, true);
	r->site = NULL;
	if (!r->tomb_pending)
		r->tomb_off = tomb_end;
	if (st == MA_OK)
		st = render_state_save(r, state, uuid, rev);
	r->stats->messages = render_messages(r);
	return st;
}

/*
 * The file of the NAMEs a full run in steps carried (store_carry.c) once
 * the state holds them again: after the last step's save, or found by a
 * run the publishing mark does not say followed one killed part way
 * (stale).
 */
static void
carried_gone(const struct run *r, bool stale)
{
	char *p = store_carry_path(r), *tmp = NULL;

	if (p == NULL)
		return;
	if (unlink(p) == 0) {
		if (stale)
			log_info("removed '%s', left by an earlier run", p);
	} else if (errno != ENOENT) {
		log_warn("cannot remove '%s': %s", p, strerror(errno));
	}
	/* And what a run killed while it wrote the file left. */
	if (stale && (tmp = path_fmt("%s.tmp", p)) != NULL)
		(void)unlink(tmp);
	free(tmp);
	free(p);
}

/* The pages, made durable, then the state that records them. */
static enum ma_status
publish(struct run *r, GPtrArray *changed, bool full, long tomb_end,
	const char *state, const char *uuid, unsigned long rev)
{
	enum ma_status st;

	if ((st = publish_open(r, state, full)) != MA_OK)
		return st;
	heap_mark(r);
	st = render_all(r, full);
	heap_mark(r);
	if (st == MA_OK && r->steps != NULL && steps_last(r->steps))
		st = site_list(r->site);
	r->stats->files_written = site_written(r->site);
	if (st == MA_OK && r->steps != NULL && !steps_last(r->steps))
		return publish_step(r, changed, tomb_end, state, uuid, rev);
	if (r->steps != NULL)
		*steps_site(r->steps) = NULL;
	/* The state's files are made before the commit, so that only the
	 * manifest (one small atomic write) comes between the commit and
	 * the state that records it: a run killed there leaves pages the
	 * state does not know of. */
	if (st == MA_OK)
		st = render_state_stage(r, state, changed);
	heap_mark(r);
	if (st == MA_OK)
		st = publishing_mark(state, true);
	if (st == MA_OK)
		st = site_close(r->site, true);
	else
		site_close(r->site, false);
	r->site = NULL;
	if (!r->tomb_pending)
		r->tomb_off = tomb_end;
	if (st == MA_OK)
		st = render_state_save(r, state, uuid, rev);
	if (st == MA_OK)
		st = publishing_mark(state, false);
	if (st == MA_OK)
		carried_gone(r, false);
	r->stats->messages = render_messages(r);
	return st;
}

/* The run once the database is open: see render.h. */
static enum ma_status
run_update(struct run *r, const char *state, GPtrArray *changed)
{
	const char *uuid = NULL;
	unsigned long rev = notmuch_database_get_revision(r->db, &uuid);
	bool full = r->o->full;
	long tomb_end = 0;
	enum ma_status st;

	if (!publishing_left(state))
		carried_gone(r, true);
	if ((st = written_spill(r, state, false)) != MA_OK ||
	    (st = decide_full(r, state, uuid, rev, &full)) != MA_OK)
		return st;
	r->stats->full = full;
	if ((st = tomb_map_settle(r, state, uuid)) != MA_OK ||
	    (st = tombs_read(r, full ? 0 : r->tomb_off, &tomb_end)) != MA_OK)
		return st;
	/* A full run goes in steps over a big archive (steps.c); one that
	 * does not reads the thread NAMEs now. */
	if (full && (st = steps_begin(r, uuid, rev, &r->steps)) != MA_OK)
		return st;
	if (full && r->steps == NULL && (st = store_full_names(r)) != MA_OK)
		return st;
	if (!full && rev == r->rev && tomb_end == r->tomb_off &&
	    !site_unfinished(r->o->site_dir)) {
		log_info("site of space '%s' is up to date", r->o->key);
		r->stats->messages = render_messages(r);
		return MA_OK;
	}
	if ((st = collect_entries(r, rev, full, changed)) != MA_OK)
		return st;
	return publish(r, changed, full, tomb_end, state, uuid, rev);
}

/* The next step of a first render in steps (steps.c), in a run of its
 * own: the state the last step saved, read in part, and the step's
 * messages added. */
static enum ma_status
run_step(struct run *r, const char *state, GPtrArray *changed)
{
	unsigned long rev;
	const char *uuid = steps_uuid(r->steps, &rev);
	long tomb_end = 0;
	enum ma_status st = render_state_load(r, state, true);

	r->held_site = *steps_site(r->steps);
	if (st == MA_OK)
		st = tomb_map_settle(r, state, uuid);
	if (st == MA_OK)
		st = tombs_read(r, r->tomb_off, &tomb_end);
	if (st == MA_OK)
		st = collect_entries(r, rev, false, changed);
	return st == MA_OK
		   ? publish(r, changed, false, tomb_end, state, uuid, rev)
		   : st;
}

/* A first render in steps renders some conversations and months in more
 * than one step: the summary counts each once, as one full run would
 * (every conversation, every month with mail). */
static void
steps_summary(struct run *r, struct render_stats *stats)
{
	GArray *months = store_month_counts(r);
	size_t m, t;

	if (store_totals(r, &m, &t))
		stats->threads_rendered = t;
	if (months == NULL)
		return;
	stats->months_rendered = 0;
	for (guint i = 0; i < months->len; i++)
		stats->months_rendered +=
		    g_array_index(months, struct month_count, i).count > 0;
	g_array_free(months, TRUE);
}

/* The steps after step 0 of a first render in steps, each a run of its
 * own in r (the database and the plan passed on); stats add up. */
static enum ma_status
run_steps(struct run *r, const char *state, GPtrArray *changed,
	  struct render_stats *stats)
{
	enum ma_status st = MA_OK;

	while (st == MA_OK && steps_more(r->steps)) {
		struct render_stats one;
		struct run next = {0};

		run_init(&next, r->o, &one);
		next.db = r->db;
		next.steps = r->steps;
		next.heap_peak = r->heap_peak;
		next.thread_heap = r->thread_heap;
		next.filled_peak = r->filled_peak;
		r->db = NULL;
		r->steps = NULL;
		run_release(r);
#ifdef __GLIBC__
		/* What a step held is small blocks spread over the heap,
		 * and the buffers its state files were read into; without
		 * this the next step finds them only partly reusable and
		 * the heap grows from step to step. */
		malloc_trim(0);
#endif
		*r = next;
		steps_advance(r->steps);
		g_ptr_array_set_size(changed, 0);
		st = run_step(r, state, changed);
		stats->threads_rendered += one.threads_rendered;
		stats->months_rendered += one.months_rendered;
		stats->removed += one.removed;
		stats->files_written = one.files_written;
		stats->messages = one.messages;
		r->stats = stats;
	}
	if (st == MA_OK)
		steps_summary(r, stats);
	return st;
}

enum ma_status
render_run(const struct render_opts *o, struct render_stats *stats)
{
	struct run r = {0};
	GPtrArray *changed = g_ptr_array_new();
	char *state = space_part_path(o->space_dir, SPACE_RENDER_STATE);
	enum ma_status st;

	run_init(&r, o, stats);
	if (state == NULL)
		st = MA_ENOMEM;
	else if ((st = index_open_notmuch(o->space_dir, o->key, &r.db)) ==
		 MA_OK)
		st = run_update(&r, state, changed);
	if (st == MA_OK && r.steps != NULL)
		st = run_steps(&r, state, changed, stats);
	/* A step that failed leaves the site open: what it placed stays
	 * for the next run, which renders everything (the publishing
	 * mark). */
	if (r.steps != NULL && *steps_site(r.steps) != NULL) {
		site_close(*steps_site(r.steps), false);
		*steps_site(r.steps) = NULL;
	}
	/* An incremental run met a damaged state before it published
	 * anything: a full run instead (it reads only the names). */
	if (st != MA_OK && !o->full && store_damaged(&r)) {
		struct render_opts full = *o;

		full.full = true;
		run_release(&r);
		g_ptr_array_set_size(changed, 0);
		memset(&r, 0, sizeof r);
		run_init(&r, &full, stats);
		if ((st = index_open_notmuch(o->space_dir, o->key, &r.db)) ==
		    MA_OK)
			st = run_update(&r, state, changed);
		r.o = o;
	}
	run_debug(&r);
	run_release(&r);
	g_ptr_array_free(changed, TRUE);
	free(state);
	return st;
}
