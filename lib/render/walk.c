/*
 * What a run asks notmuch for: the messages that changed (each dated
 * from its own file), and in a full run every message and every thread,
 * in windows so that notmuch never holds a match for every message of
 * the archive at once. run.c decides what to ask for; the functions are
 * declared in render_int.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "env.h"
#include "log.h"
#include "progress.h"
#include "render_int.h"

/* The date of the primary version (date.c), not notmuch's: notmuch
 * keeps 0 for dates before 1970 and for missing or unreadable ones, and
 * takes the headers of whichever file came first. */
enum ma_status
walk_entry_date(struct entry *e, notmuch_message_t *m)
{
	struct version *v;
	size_t n;
	enum ma_status st = versions_of(m, &v, &n);

	if (st != MA_OK)
		return st;
	e->date = n > 0 ? v[0].date : 0;
	versions_free(v, n);
	return MA_OK;
}

/*
 * An entry whose date changed (a version older than its first came):
 * the month it leaves is rendered again, and so are the neighbours it
 * had (render_touched_threads()).
 */
static void
entry_moved(struct run *r, struct entry *e, time_t was)
{
	struct entry old = {.msgid = e->msgid, .date = was};
	char month[8];

	render_month_of(was, month);
	if (!g_hash_table_contains(r->months, month))
		g_hash_table_add(r->months, strdup(month));
	g_array_append_val(r->moved, old);
}

/* The messages of query qs, unsorted, into *qp and *msp. */
enum ma_status
walk_query(struct run *r, const char *qs, notmuch_query_t **qp,
	   notmuch_messages_t **msp)
{
	if ((*qp = notmuch_query_create(r->db, qs)) == NULL)
		return MA_ENOMEM;
	notmuch_query_set_sort(*qp, NOTMUCH_SORT_UNSORTED);
	if (notmuch_query_search_messages(*qp, msp) != NOTMUCH_STATUS_SUCCESS) {
		log_err("notmuch: cannot query '%s'", qs);
		notmuch_query_destroy(*qp);
		return MA_EIO;
	}
	return MA_OK;
}

enum ma_status
walk_messages(struct run *r, const char *qs, GPtrArray *changed)
{
	notmuch_query_t *q = NULL;
	notmuch_messages_t *ms = NULL;
	enum ma_status st = walk_query(r, qs, &q, &ms);

	if (st != MA_OK)
		return st;
	for (; notmuch_messages_valid(ms) && st == MA_OK;
	     notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		const char *id = notmuch_message_get_message_id(m);
		const char *th = notmuch_message_get_thread_id(m);
		struct entry *e = id != NULL && id[0] ? entry_add(r, id) : NULL;

		if (id != NULL && id[0] && e == NULL) {
			st = MA_ENOMEM;
		} else if (e != NULL) {
			/* A thread merged into another: its old page must
			 * go or be redone. */
			bool known = e->thread[0] != '\0';
			time_t was = e->date;

			if (known && strcmp(e->thread, th) != 0)
				touch_thread(r, e->thread);
			if (!known)
				e->added = true;
			entry_set_thread(r, e, th);
			st = walk_entry_date(e, m);
			if (st == MA_OK && known && was != e->date)
				entry_moved(r, e, was);
			if (changed != NULL) {
				g_ptr_array_add(changed, e);
				touch_thread(r, e->thread);
			}
		}
		notmuch_message_destroy(m);
	}
	notmuch_query_destroy(q);
	return st;
}

/*
 * A full run walks the threads in windows of about this many messages
 * (by the order's dates): notmuch holds a window's matches, not the
 * archive's. MAILARC_RENDER_WINDOW sets it (the tests make windows of a
 * few messages).
 */
#define WALK_WINDOW 16384

static size_t
walk_window(void)
{
	return env_count("MAILARC_RENDER_WINDOW", WALK_WINDOW, SIZE_MAX);
}

/* The oldest of notmuch's dates of th's messages, matched or not
 * (notmuch_thread_get_oldest_date() counts the matched ones only). */
static time_t
thread_oldest(notmuch_thread_t *th)
{
	notmuch_messages_t *ms = notmuch_thread_get_messages(th);
	time_t oldest = 0;
	bool any = false;

	for (; notmuch_messages_valid(ms); notmuch_messages_move_to_next(ms)) {
		time_t d = notmuch_message_get_date(notmuch_messages_get(ms));

		if (!any || d < oldest)
			oldest = d;
		any = true;
	}
	notmuch_messages_destroy(ms);
	return oldest;
}

/*
 * The threads of the messages notmuch dates lo..hi (lo 0: no lower
 * bound, hi 0: no upper), oldest first, that have their oldest message
 * there: a thread with messages in an earlier window was rendered
 * there. No lower bound is "NOT date:@HI+1..": "date:..@HI" leaves out
 * the messages notmuch dates 0.
 */
static enum ma_status
walk_dates(struct run *r, time_t lo, time_t hi, struct progress *p)
{
	char qs[64];
	notmuch_query_t *q;
	notmuch_threads_t *ts = NULL;
	enum ma_status st;

	if (lo == 0 && hi == 0)
		st = render_fmt(qs, sizeof qs, "*");
	else if (lo == 0)
		st = render_fmt(qs, sizeof qs, "NOT date:@%lld..",
				(long long)hi + 1);
	else if (hi == 0)
		st = render_fmt(qs, sizeof qs, "date:@%lld..", (long long)lo);
	else
		st = render_fmt(qs, sizeof qs, "date:@%lld..@%lld",
				(long long)lo, (long long)hi);
	if (st != MA_OK)
		return st;
	if ((q = notmuch_query_create(r->db, qs)) == NULL)
		return MA_ENOMEM;
	notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
	if (notmuch_query_search_threads(q, &ts) != NOTMUCH_STATUS_SUCCESS) {
		log_err("notmuch: cannot list the threads of '%s'", qs);
		notmuch_query_destroy(q);
		return MA_EIO;
	}
	for (; notmuch_threads_valid(ts) && st == MA_OK;
	     notmuch_threads_move_to_next(ts)) {
		notmuch_thread_t *th = notmuch_threads_get(ts);

		if (lo == 0 || thread_oldest(th) >= lo) {
			st = render_thread(r, th);
			entries_unfill(r);
			progress_add(
			    p, (uint64_t)notmuch_thread_get_total_messages(th),
			    0);
		}
		notmuch_thread_destroy(th);
	}
	notmuch_query_destroy(q);
	return st;
}

/*
 * A full run: every thread (names_publish() does the removed ones), in
 * notmuch's order of their oldest messages, each once. One query over
 * the archive would hold its every match for the whole walk; the walk
 * goes through windows of notmuch's dates instead, each about
 * walk_window() messages of the order, in date order. notmuch sorts
 * by date, then by document: a thread comes in the window of its oldest
 * message at the place one query gives it, as every message of one
 * second is in one window. notmuch dates mail before 1970 or without
 * a date 0: the first window has no lower bound, the last no upper.
 */
enum ma_status
walk_every_thread(struct run *r)
{
	size_t step = walk_window();
	struct progress p;
	enum ma_status st = MA_OK;
	time_t lo = 0;

	/* On a terminal, a long run shows how far it is (progress.h). */
	progress_start(&p, r->o->key, r->order->len, 0);
	for (size_t i = step; i < r->order->len && st == MA_OK; i += step) {
		time_t hi = ((struct entry *)r->order->pdata[i])->date;

		/* Windows of whole seconds after 1970, each after the
		 * last. */
		if (hi < 1 || hi < lo)
			continue;
		st = walk_dates(r, lo, hi, &p);
		lo = hi + 1;
	}
	if (st == MA_OK)
		st = walk_dates(r, lo, 0, &p);
	progress_end(&p);
	return st;
}

/*
 * A full run's entries: every message, asked for in windows of
 * revisions of walk_window() each ("lastmod:LO..HI", the last window
 * "NOT lastmod:1..REV", for any message outside them), not in one
 * query: notmuch holds a query's every match (Xapian's 88 bytes each,
 * all written as the run reads them: 88 MB at a million messages) until
 * it is destroyed. Each message has one revision, so each comes once;
 * the order is sorted after.
 */
enum ma_status
walk_every_message(struct run *r, unsigned long rev)
{
	unsigned long step = walk_window();
	enum ma_status st = MA_OK;
	char qs[96];

	if (rev == 0)
		return walk_messages(r, "*", NULL);
	for (unsigned long lo = 1; lo <= rev && st == MA_OK;) {
		unsigned long hi = rev - lo < step ? rev : lo + step - 1;

		st = render_fmt(qs, sizeof qs, "lastmod:%lu..%lu", lo, hi);
		if (st == MA_OK)
			st = walk_messages(r, qs, NULL);
		if (hi == rev)
			break;
		lo = hi + 1;
	}
	if (st == MA_OK)
		st = render_fmt(qs, sizeof qs, "NOT lastmod:1..%lu", rev);
	return st == MA_OK ? walk_messages(r, qs, NULL) : st;
}
