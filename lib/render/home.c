/*
 * The site's home page, index.html: the space's name and description, its
 * counts, the latest conversations, and the months grouped by year.
 */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "render_int.h"

/* How many conversations the site holds. */
static size_t
thread_count(struct run *r)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	size_t n;

	for (guint i = 0; i < r->order->len; i++)
		g_hash_table_add(seen,
				 ((struct entry *)r->order->pdata[i])->thread);
	n = g_hash_table_size(seen);
	g_hash_table_destroy(seen);
	return n;
}

/* The space's name and description, and what the archive holds. */
static enum ma_status
home_head(struct run *r, struct buf *b)
{
	size_t msgs = r->order->len, nthreads;
	enum ma_status st;

	/* A run that read part of the state has the counts from it. */
	if (!store_totals(r, &msgs, &nthreads))
		nthreads = thread_count(r);

	ADD(page_begin(r, b, "", r->o->name, "feed.atom", NULL));
	ADD(buf_adds(b, "<h1>"));
	ADD(html_escapes(b, r->o->name));
	ADD(buf_adds(b, "</h1>\n"));
	if (r->o->description[0] != '\0') {
		ADD(buf_adds(b, "<p class=\"lede\">"));
		ADD(html_escapes(b, r->o->description));
		ADD(buf_adds(b, "</p>\n"));
	}
	ADD(buf_addf(b,
		     "<p class=\"meta\">%zu message%s in %zu "
		     "conversation%s.</p>\n",
		     msgs, msgs == 1 ? "" : "s", nthreads,
		     nthreads == 1 ? "" : "s"));
	if (msgs == 0)
		return buf_adds(b, "<p>The archive is empty.</p>\n");
	return MA_OK;
}

/*
 * A conversation's oldest message as the site orders them: its subject
 * is the conversation's, cut for listing. Not notmuch's thread subject,
 * which comes from whichever file of a message notmuch met first, and
 * is whole.
 */
static struct entry *
oldest_entry(struct run *r, notmuch_thread_t *th)
{
	notmuch_messages_t *ms = notmuch_thread_get_messages(th);
	struct entry *first = NULL;

	for (; ms != NULL && notmuch_messages_valid(ms);
	     notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		const char *id = notmuch_message_get_message_id(m);
		struct entry *e = id != NULL ? entry_find(r, id) : NULL;

		if (e != NULL && (first == NULL || entry_cmp(&e, &first) < 0))
			first = e;
		/* m belongs to the thread: not destroyed here. */
	}
	return first;
}

/* The line of a latest conversation: e its latest message, first its
 * oldest, total its messages as notmuch counts them. */
static enum ma_status
latest_line(struct run *r, struct buf *b, struct entry *e, struct entry *first,
	    int total, bool *shown)
{
	const char *subj =
	    first != NULL && entry_fill(r, first) ? first->lst->subject : NULL;
	char iso[32], when[32], stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	iso_date(e->date, iso);
	human_date(e->date, when);
	st = buf_addf(b, "<li><a class=\"subj\" href=\"t/%s.html\">",
		      name_stem(entry_tname(e), stem));
	if (st == MA_OK)
		st = html_escapes(b, subj && subj[0] ? subj : "(no subject)");
	if (st == MA_OK)
		st = buf_addf(b,
			      "</a><time datetime=\"%s\">%.10s</time>"
			      "<span class=\"meta\">%d message%s"
			      " \xc2\xb7 latest from %s</span></li>\n",
			      iso, when, total, total == 1 ? "" : "s",
			      e->lst->from);
	*shown = true;
	return st;
}

/* A latest conversation, e its latest message: its subject, size, date
 * and latest sender, as notmuch knows the thread (a long one rendered
 * this run, as its walk found it: run.known). *shown when listed. */
static enum ma_status
latest_item(struct run *r, struct buf *b, struct entry *e, bool *shown)
{
	const struct thread_known *k;
	notmuch_query_t *q;
	notmuch_threads_t *ts = NULL;
	char qs[64];
	enum ma_status st = MA_OK;

	if (entry_tname(e) == NULL)
		return MA_OK;
	if ((k = g_hash_table_lookup(r->known, e->thread)) != NULL)
		return latest_line(r, b, e, k->first, k->total, shown);
	if (render_fmt(qs, sizeof qs, "thread:%s", e->thread) != MA_OK)
		return MA_ETOOBIG;
	if ((q = notmuch_query_create(r->db, qs)) == NULL)
		return MA_ENOMEM;
	if (notmuch_query_search_threads(q, &ts) == NOTMUCH_STATUS_SUCCESS &&
	    notmuch_threads_valid(ts)) {
		notmuch_thread_t *th = notmuch_threads_get(ts);

		st = latest_line(r, b, e, oldest_entry(r, th),
				 notmuch_thread_get_total_messages(th), shown);
		notmuch_thread_destroy(th);
	}
	notmuch_query_destroy(q);
	return st;
}

/* The LATEST_THREADS conversations with the newest messages. */
static enum ma_status
latest_threads(struct run *r, struct buf *b)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	enum ma_status st;
	size_t shown = 0;

	st = buf_adds(b, "<h2>Latest conversations</h2>\n"
			 "<ul class=\"plain list\">\n");
	for (guint i = r->order->len;
	     i-- > 0 && shown < LATEST_THREADS && st == MA_OK;) {
		struct entry *e = r->order->pdata[i];
		bool listed = false;

		if (g_hash_table_contains(seen, e->thread) ||
		    !sitename_thread_ok(e->thread) || !entry_fill(r, e))
			continue;
		g_hash_table_add(seen, e->thread);
		st = latest_item(r, b, e, &listed);
		shown += listed;
	}
	g_hash_table_destroy(seen);
	if (st == MA_OK)
		st = buf_adds(b, "</ul>\n");
	return st;
}

/* One month of the list, opening its year's section when it is new. */
static enum ma_status
month_item(struct buf *b, const char *month, size_t count, char year[5])
{
	enum ma_status st;

	if (strncmp(year, month, 4) != 0) {
		if (year[0] != '\0')
			ADD(buf_adds(b, "</ul></section>\n"));
		memcpy(year, month, 4);
		year[4] = '\0';
		ADD(buf_addf(b,
			     "<section class=\"months\"><h3>%s</h3>"
			     "<ul class=\"plain\">",
			     year));
	}
	return buf_addf(b,
			"<li><a href=\"%s/index.html\">%s</a> "
			"<span class=\"count\">(%zu)</span></li>",
			month, month_names[month_num(month) - 1], count);
}

/* The months of a run that read part of the state: its counts. */
static enum ma_status
month_list_counted(struct buf *b, GArray *mc, char year[5])
{
	enum ma_status st = MA_OK;

	for (guint i = mc->len; i-- > 0 && st == MA_OK;) {
		const struct month_count *m =
		    &g_array_index(mc, struct month_count, i);

		st = month_item(b, m->month, m->count, year);
	}
	g_array_free(mc, TRUE);
	return st;
}

/* The months, newest first, grouped by year, with their counts. */
static enum ma_status
month_list(struct run *r, struct buf *b)
{
	char cur[8] = "", year[5] = "";
	size_t count = 0;
	GArray *mc;
	enum ma_status st;

	ADD(buf_adds(b, "<h2 id=\"months\">Months</h2>\n"));
	if ((mc = store_month_counts(r)) != NULL) {
		ADD(month_list_counted(b, mc, year));
		return year[0] != '\0' ? buf_adds(b, "</ul></section>\n")
				       : MA_OK;
	}
	for (guint i = r->order->len;;) {
		char m[8] = "";

		if (i > 0)
			render_month_of(
			    ((struct entry *)r->order->pdata[i - 1])->date, m);
		if (cur[0] != '\0' && strcmp(m, cur) != 0) {
			ADD(month_item(b, cur, count, year));
			count = 0;
		}
		if (i == 0)
			break;
		memcpy(cur, m, 8);
		count++;
		i--;
	}
	if (year[0] != '\0')
		return buf_adds(b, "</ul></section>\n");
	return MA_OK;
}

static enum ma_status
index_html(struct run *r, struct buf *b)
{
	enum ma_status st = home_head(r, b);

	if (st == MA_OK && render_messages(r) > 0)
		st = latest_threads(r, b);
	if (st == MA_OK && render_messages(r) > 0)
		st = month_list(r, b);
	if (st == MA_OK)
		st = page_end(b, "");
	return st;
}

/* index.html */
enum ma_status
index_page(struct run *r)
{
	return page_publish(r, "index.html", index_html);
}
