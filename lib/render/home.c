/*
 * The site's home page, index.html: the space's name and description, its
 * counts, the latest conversations, and the months grouped by year.
 */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "render_int.h"

enum ma_status
index_page(struct run *r)
{
	struct buf b;
	enum ma_status st;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	size_t nthreads, shown = 0;

	for (guint i = 0; i < r->order->len; i++)
		g_hash_table_add(seen,
				 ((struct entry *)r->order->pdata[i])->thread);
	nthreads = g_hash_table_size(seen);
	g_hash_table_remove_all(seen);
	buf_init(&b, PAGE_MAX);
	st = page_begin(r, &b, "", r->o->name, "feed.atom", NULL);
	if (st == MA_OK)
		st = buf_adds(&b, "<h1>");
	if (st == MA_OK)
		st = html_escapes(&b, r->o->name);
	if (st == MA_OK)
		st = buf_adds(&b, "</h1>\n");
	if (st == MA_OK && r->o->description[0] != '\0') {
		st = buf_adds(&b, "<p class=\"lede\">");
		if (st == MA_OK)
			st = html_escapes(&b, r->o->description);
		if (st == MA_OK)
			st = buf_adds(&b, "</p>\n");
	}
	if (st == MA_OK)
		st = buf_addf(&b,
			      "<p class=\"meta\">%u message%s in %zu "
			      "conversation%s.</p>\n",
			      r->order->len, r->order->len == 1 ? "" : "s",
			      nthreads, nthreads == 1 ? "" : "s");
	if (st == MA_OK && r->order->len == 0)
		st = buf_adds(&b, "<p>The archive is empty.</p>\n");
	if (st == MA_OK && r->order->len > 0)
		st = buf_adds(&b, "<h2>Latest conversations</h2>\n"
				  "<ul class=\"plain list\">\n");
	for (guint i = r->order->len;
	     i-- > 0 && shown < LATEST_THREADS && st == MA_OK;) {
		struct entry *e = r->order->pdata[i];
		notmuch_query_t *q;
		notmuch_threads_t *ts = NULL;
		char qs[64], iso[32], when[32];

		if (g_hash_table_contains(seen, e->thread) ||
		    !thread_id_ok(e->thread) || !entry_fill(r, e))
			continue;
		g_hash_table_add(seen, e->thread);
		snprintf(qs, sizeof qs, "thread:%s", e->thread);
		if ((q = notmuch_query_create(r->db, qs)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		if (notmuch_query_search_threads(q, &ts) ==
			NOTMUCH_STATUS_SUCCESS &&
		    notmuch_threads_valid(ts)) {
			notmuch_thread_t *th = notmuch_threads_get(ts);
			const char *subj = notmuch_thread_get_subject(th);
			int total = notmuch_thread_get_total_messages(th);

			iso_date(e->date, iso);
			human_date(e->date, when);
			st = buf_addf(&b,
				      "<li><a class=\"subj\" href=\"t/%s."
				      "html\">",
				      e->thread);
			if (st == MA_OK)
				st = html_escapes(&b, subj && subj[0]
							  ? subj
							  : "(no subject)");
			if (st == MA_OK)
				st = buf_addf(&b,
					      "</a><time datetime=\"%s\">"
					      "%.10s</time><span "
					      "class=\"meta\">%d message%s"
					      " \xc2\xb7 latest from %s"
					      "</span></li>\n",
					      iso, when, total,
					      total == 1 ? "" : "s", e->from);
			shown++;
			notmuch_thread_destroy(th);
		}
		notmuch_query_destroy(q);
	}
	if (st == MA_OK && r->order->len > 0)
		st = buf_adds(&b, "</ul>\n<h2 id=\"months\">Months</h2>\n");
	/* Months, newest first, grouped by year. */
	{
		char cur[8] = "", year[5] = "";
		size_t count = 0;

		for (guint i = r->order->len; st == MA_OK;) {
			char m[8] = "";

			if (i > 0)
				render_month_of(
				    ((struct entry *)r->order->pdata[i - 1])
					->date,
				    m);
			if (cur[0] != '\0' && strcmp(m, cur) != 0) {
				if (strncmp(year, cur, 4) != 0) {
					if (year[0] != '\0')
						st = buf_adds(&b,
							      "</ul>"
							      "</section>\n");
					memcpy(year, cur, 4);
					year[4] = '\0';
					if (st == MA_OK)
						st = buf_addf(
						    &b,
						    "<section class="
						    "\"months\"><h3>%s</h3>"
						    "<ul class=\"plain\">",
						    year);
				}
				if (st == MA_OK)
					st = buf_addf(
					    &b,
					    "<li><a href=\"%s/"
					    "index.html\">%s</a> "
					    "<span class=\"count\">"
					    "(%zu)</span></li>",
					    cur,
					    month_names[month_num(cur) - 1],
					    count);
				count = 0;
			}
			if (i == 0)
				break;
			memcpy(cur, m, 8);
			count++;
			i--;
		}
		if (st == MA_OK && year[0] != '\0')
			st = buf_adds(&b, "</ul></section>\n");
	}
	if (st == MA_OK)
		st = page_end(&b, "");
	if (st == MA_OK)
		st = site_put_buf(r->site, "index.html", &b);
	buf_release(&b);
	g_hash_table_destroy(seen);
	return st;
}
