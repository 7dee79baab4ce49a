/*
 * The pages of a month, YYYY/MM/: by date (index.html, page-N.html), by
 * conversation (threads.html, threads-N.html) and its mbox; a month left
 * empty loses its pages.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "render_int.h"

const char *const month_names[12] = {
    "January", "February", "March",	"April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* The first place in the order whose month is after month (past: a
 * month after it), or not before it. */
static size_t
month_bound(struct run *r, const char *month, bool past)
{
	size_t a = 0, b = r->order->len;
	char m[8];

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		int c;

		render_month_of(((struct entry *)r->order->pdata[mid])->date,
				m);
		c = strcmp(m, month);
		if (c < 0 || (past && c == 0))
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

size_t
month_start(struct run *r, const char *month)
{
	return month_bound(r, month, false);
}

void
month_range(struct run *r, const char *month, size_t *lo, size_t *hi)
{
	*lo = month_bound(r, month, false);
	*hi = month_bound(r, month, true);
}

/* "YYYY/MM" -> 1..12 (render_month_of() wrote it: two digits). */
int
month_num(const char *month)
{
	int m = (month[5] - '0') * 10 + (month[6] - '0');

	return m >= 1 && m <= 12 ? m : 1;
}

/* Remove numbered pages from "from" on, as long as they exist. */
static enum ma_status
remove_pages(struct run *r, const char *month, const char *stem, size_t from)
{
	enum ma_status st = MA_OK;

	for (size_t k = from; st == MA_OK; k++) {
		char rel[64];

		if (render_fmt(rel, sizeof rel, "%s/%s-%zu.html", month, stem,
			       k) != MA_OK)
			return MA_ETOOBIG;
		if (!site_exists(r->site, rel))
			break;
		st = site_remove(r->site, rel);
	}
	return st;
}

/*
 * The head of page p of a month. Only its first page counts the month's
 * messages and lists every page: the others then depend on their own
 * messages alone (and on the two pages after them, pager()), so new mail
 * at the end of a busy month rewrites its last pages and its first, not
 * all of them (month_change()).
 */
static enum ma_status
month_head(struct run *r, struct buf *b, const char *month, size_t n,
	   bool by_thread, size_t p)
{
	char title[64], count[48];
	enum ma_status st;

	ADD(render_fmt(title, sizeof title, "%s %.4s",
		       month_names[month_num(month) - 1], month));
	if (p == 1)
		ADD(render_fmt(count, sizeof count, "%zu message%s", n,
			       n == 1 ? "" : "s"));
	else
		ADD(render_fmt(count, sizeof count, "Page %zu", p));
	ADD(page_begin(r, b, "../../", title, NULL,
		       "<a href=\"../../index.html#months\">All months</a>"));
	ADD(buf_addf(b,
		     "<h1>%s</h1>\n<p class=\"meta\">%s \xc2\xb7 "
		     "%s \xc2\xb7 %s \xc2\xb7 <a href=\"%.4s-%.2s.mbox\" "
		     "download>mbox</a></p>\n",
		     title, count,
		     by_thread ? "<a href=\"index.html\">By date</a>"
			       : "<strong>By date</strong>",
		     by_thread ? "<strong>By conversation</strong>"
			       : "<a href=\"threads.html\">By conversation</a>",
		     month, month + 5));
	return MA_OK;
}

/* Pages a pager shows on either side of the current one (after page
 * 1): a page's bytes depend on whether the PAGER_NEAR pages after it
 * exist. */
#define PAGER_NEAR 2

/* Links to the month's pages: every one on the first page; on the
 * others the first, then those within PAGER_NEAR of this one. */
static enum ma_status
pager(struct buf *b, const char *stem, const char *first, size_t page,
      size_t pages)
{
	enum ma_status st;

	if (pages <= 1)
		return MA_OK;
	ADD(buf_adds(b, "<nav class=\"pager\" aria-label=\"Pages\">"));
	for (size_t k = 1; k <= pages; k++) {
		if (page > 1 && k > 1 && k + PAGER_NEAR < page) {
			ADD(buf_adds(b, "<span>\xe2\x80\xa6</span>"));
			k = page - PAGER_NEAR - 1;
			continue;
		}
		if (page > 1 && k > page + PAGER_NEAR)
			break;
		if (k == page)
			ADD(buf_addf(b,
				     "<strong aria-current=\"page\">%zu"
				     "</strong>",
				     k));
		else if (k == 1)
			ADD(buf_addf(b, "<a href=\"%s\">1</a>", first));
		else
			ADD(buf_addf(b, "<a href=\"%s-%zu.html\">%zu</a>", stem,
				     k, k));
	}
	return buf_adds(b, "</nav>\n");
}

static enum ma_status
list_item(struct run *r, struct buf *b, struct entry *e, bool with_thread)
{
	char name[PERMALINK_NAME_MAX], iso[32], when[32], anchor[16],
	    stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	if (!entry_fill(r, e) ||
	    permalink_of_message(e->msgid, e->lst->file, name) != MA_OK)
		return MA_OK;
	iso_date(e->date, iso);
	human_date(e->date, when);
	anchor_of(e->msgid, anchor);
	ADD(buf_addf(b, "<li><a class=\"subj\" href=\"../../m/%s.html\">",
		     name_stem(name, stem)));
	/* Under a conversation's heading the subject would repeat: name
	 * the sender instead. */
	if (with_thread)
		ADD(html_escapes(b, e->lst->subject));
	else
		ADD(buf_adds(b, e->lst->from));
	ADD(buf_addf(b,
		     "</a><time datetime=\"%s\">%.16s</time><span "
		     "class=\"meta\">%s",
		     iso, when, with_thread ? e->lst->from : ""));
	if (with_thread && entry_tname(e) != NULL)
		ADD(buf_addf(b,
			     " \xc2\xb7 <a href=\"../../t/%s.html#%s\">"
			     "conversation</a>",
			     name_stem(entry_tname(e), stem), anchor));
	return buf_adds(b, "</span></li>\n");
}

static enum ma_status
month_gone(struct run *r, const char *month)
{
	enum ma_status st = MA_OK;
	char rel[64];

	ADD(render_fmt(rel, sizeof rel, "%s/index.html", month));
	ADD(site_remove(r->site, rel));
	ADD(render_fmt(rel, sizeof rel, "%s/threads.html", month));
	ADD(site_remove(r->site, rel));
	ADD(render_fmt(rel, sizeof rel, "%s/%.4s-%.2s.mbox", month, month,
		       month + 5));
	ADD(site_remove(r->site, rel));
	ADD(remove_pages(r, month, "page", 2));
	return remove_pages(r, month, "threads", 2);
}

/* YYYY/MM/FIRST for page 1, else YYYY/MM/STEM-P.html */
static enum ma_status
month_page_rel(char rel[64], const char *month, const char *first,
	       const char *stem, size_t p)
{
	if (p == 1)
		return render_fmt(rel, 64, "%s/%s", month, first);
	return render_fmt(rel, 64, "%s/%s-%zu.html", month, stem, p);
}

/*
 * What of a month's pages an incremental run that read part of the state
 * can leave as published (render_int.h). Any other run (a full one, or
 * one that read everything: an entry may have moved or changed thread)
 * renders every page: first 0.
 */
void
month_change(struct run *r, const char *month, size_t lo, size_t hi,
	     struct month_change *c)
{
	char m[8];

	c->first = 0;
	c->threads = NULL;
	c->left = false;
	if (!r->pages_partial || !store_partial(r) || r->moved->len > 0)
		return;
	c->threads = g_hash_table_new(g_str_hash, g_str_equal);
	c->first = hi - lo;
	for (size_t i = lo; i < hi; i++) {
		struct entry *e = r->order->pdata[i];

		if (!e->dirty)
			continue;
		if (i - lo < c->first)
			c->first = i - lo;
		g_hash_table_add(c->threads, e->thread);
	}
	/* What left: where it was, and its thread's group. */
	for (guint k = 0; k < r->gone->len; k++) {
		struct entry *e = r->gone->pdata[k];
		size_t p;

		render_month_of(e->date, m);
		if (strcmp(m, month) != 0)
			continue;
		c->left = true;
		p = order_position(r, e);
		p = p > lo ? p - lo : 0;
		if (p < c->first)
			c->first = p;
		g_hash_table_add(c->threads, e->thread);
	}
}

void
month_change_free(struct month_change *c)
{
	if (c->threads != NULL)
		g_hash_table_destroy(c->threads);
	c->threads = NULL;
}

/* How many of the month's first entries its published mbox holds, when
 * it holds them alone: none left, and every entry from c->first on came
 * this run (0: the mbox is written whole). */
static size_t
mbox_kept(struct run *r, size_t lo, size_t hi, const struct month_change *c)
{
	/* A step over a published site: what the state holds of the month
	 * came from earlier steps, which the published mbox does not have
	 * (it waits in the staging folder). */
	if (c->threads == NULL || c->left ||
	    (r->steps != NULL && !site_reads_own(r->site)))
		return 0;
	for (size_t i = lo + c->first; i < hi; i++)
		if (!((struct entry *)r->order->pdata[i])->added)
			return 0;
	return c->first;
}

/* The first page to render again after page 1 (always rendered), given
 * the first whose messages may differ (pages + 1: none): the PAGER_NEAR
 * pages before it link to it, which may be new or gone. */
static size_t
first_page(size_t changed, size_t pages)
{
	size_t p = changed > PAGER_NEAR + 2 ? changed - PAGER_NEAR : 2;

	return p <= pages ? p : pages + 1;
}

/* Page p of the month by date: MONTH_PAGE messages, oldest first. */
static enum ma_status
date_page(struct run *r, struct buf *b, const char *month, size_t lo, size_t hi,
	  size_t p, size_t pages)
{
	enum ma_status st;

	ADD(month_head(r, b, month, hi - lo, false, p));
	ADD(pager(b, "page", "index.html", p, pages));
	ADD(buf_adds(b, "<ul class=\"plain list\">\n"));
	for (size_t i = lo + (p - 1) * MONTH_PAGE;
	     i < hi && i < lo + p * MONTH_PAGE; i++)
		ADD(list_item(r, b, r->order->pdata[i], true));
	ADD(buf_adds(b, "</ul>\n"));
	ADD(pager(b, "page", "index.html", p, pages));
	return page_end(b, "../../");
}

/* The month by date: index.html, page-2.html... (those before
 * c->first's page less PAGER_NEAR left as published). */
static enum ma_status
date_pages(struct run *r, const char *month, size_t lo, size_t hi,
	   const struct month_change *c)
{
	size_t pages = (hi - lo + MONTH_PAGE - 1) / MONTH_PAGE;
	size_t again = first_page(c->first / MONTH_PAGE + 1, pages);
	enum ma_status st = MA_OK;
	struct buf b;
	char rel[64];

	buf_init(&b, PAGE_MAX);
	for (size_t p = 1; p <= pages && st == MA_OK;
	     p = p == 1 ? again : p + 1) {
		buf_reset(&b);
		st = date_page(r, &b, month, lo, hi, p, pages);
		if (st == MA_OK)
			st =
			    month_page_rel(rel, month, "index.html", "page", p);
		if (st == MA_OK)
			st = site_put_buf(r->site, rel, &b);
		entries_unfill_many(r);
	}
	buf_release(&b);
	if (st == MA_OK)
		st = remove_pages(r, month, "page", pages + 1);
	return st;
}

/* The month's conversations: the entries of each thread, in the order of
 * their first message this month. */
static GPtrArray *
month_groups(struct run *r, size_t lo, size_t hi)
{
	GHashTable *gi = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *groups =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);

	for (size_t i = lo; i < hi; i++) {
		struct entry *e = r->order->pdata[i];
		GPtrArray *g = g_hash_table_lookup(gi, e->thread);

		if (g == NULL) {
			g = g_ptr_array_new();
			g_ptr_array_add(groups, g);
			g_hash_table_insert(gi, e->thread, g);
		}
		g_ptr_array_add(g, e);
	}
	g_hash_table_destroy(gi);
	return groups;
}

/* Where each page by conversation starts: a page holds whole threads,
 * about MONTH_PAGE messages. */
static GArray *
group_page_starts(GPtrArray *groups)
{
	GArray *starts = g_array_new(FALSE, FALSE, sizeof(guint));
	size_t count = 0;

	for (guint k = 0; k < groups->len; k++) {
		GPtrArray *g = groups->pdata[k];

		if (k == 0 || count + g->len > MONTH_PAGE) {
			g_array_append_val(starts, k);
			count = 0;
		}
		count += g->len;
	}
	return starts;
}

/* One conversation of a page by conversation: its subject, then its
 * messages by sender. */
static enum ma_status
thread_group(struct run *r, struct buf *b, GPtrArray *g)
{
	struct entry *e0 = g->pdata[0];
	char stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	if (entry_tname(e0) == NULL || !entry_fill(r, e0))
		return MA_OK;
	ADD(buf_addf(b,
		     "<section class=\"tgroup\"><h3><a href=\"../../t/%s."
		     "html\">",
		     name_stem(entry_tname(e0), stem)));
	ADD(html_escapes(b, e0->lst->subject));
	ADD(buf_adds(b, "</a></h3><ul class=\"plain list\">\n"));
	for (guint j = 0; j < g->len; j++)
		ADD(list_item(r, b, g->pdata[j], false));
	return buf_adds(b, "</ul></section>\n");
}

/* Page p of the month by conversation: groups from..to-1. */
static enum ma_status
conversation_page(struct run *r, struct buf *b, const char *month, size_t n,
		  GPtrArray *groups, guint from, guint to, size_t p,
		  size_t pages)
{
	enum ma_status st;

	ADD(month_head(r, b, month, n, true, p));
	ADD(pager(b, "threads", "threads.html", p, pages));
	for (guint k = from; k < to; k++)
		ADD(thread_group(r, b, groups->pdata[k]));
	ADD(pager(b, "threads", "threads.html", p, pages));
	return page_end(b, "../../");
}

/* The first group that may differ from the published pages: the first
 * at or after c->first, or one of c->threads. */
static guint
first_group(GPtrArray *groups, size_t lo, const struct month_change *c)
{
	for (guint k = 0; k < groups->len; k++) {
		struct entry *e = ((GPtrArray *)groups->pdata[k])->pdata[0];

		if (c->threads == NULL || e->pos - lo >= c->first ||
		    g_hash_table_contains(c->threads, e->thread))
			return k;
	}
	return groups->len;
}

/* The month by conversation: threads.html, threads-2.html... (as
 * date_pages()). A page holds whole threads, so its groups are those
 * before the first changed one only if they and their sizes are. */
static enum ma_status
conversation_pages(struct run *r, const char *month, size_t lo, size_t hi,
		   const struct month_change *c)
{
	GPtrArray *groups = month_groups(r, lo, hi);
	GArray *starts = group_page_starts(groups);
	size_t pages = starts->len, again, changed = 1;
	guint g = first_group(groups, lo, c);
	enum ma_status st = MA_OK;
	struct buf b;
	char rel[64];

	while (changed < pages && g_array_index(starts, guint, changed) <= g)
		changed++;
	again = first_page(g < groups->len ? changed : pages + 1, pages);
	buf_init(&b, PAGE_MAX);
	for (size_t p = 1; p <= pages && st == MA_OK;
	     p = p == 1 ? again : p + 1) {
		guint from = g_array_index(starts, guint, p - 1);
		guint to =
		    p < pages ? g_array_index(starts, guint, p) : groups->len;

		buf_reset(&b);
		st = conversation_page(r, &b, month, hi - lo, groups, from, to,
				       p, pages);
		if (st == MA_OK)
			st = month_page_rel(rel, month, "threads.html",
					    "threads", p);
		if (st == MA_OK)
			st = site_put_buf(r->site, rel, &b);
		entries_unfill_many(r);
	}
	buf_release(&b);
	if (st == MA_OK)
		st = remove_pages(r, month, "threads", pages + 1);
	g_array_free(starts, TRUE);
	g_ptr_array_free(groups, TRUE);
	return st;
}

/* The pages of a month by date and by conversation, and its mbox; a
 * month left without messages loses them. */
enum ma_status
month_pages(struct run *r, const char *month)
{
	size_t lo, hi;
	enum ma_status st;
	struct month_change c;

	month_range(r, month, &lo, &hi);
	if (lo == hi)
		return month_gone(r, month);
	month_change(r, month, lo, hi, &c);
	st = date_pages(r, month, lo, hi, &c);
	if (st == MA_OK)
		st = conversation_pages(r, month, lo, hi, &c);
	if (st == MA_OK)
		st = month_mbox(r, month, lo, hi, mbox_kept(r, lo, hi, &c));
	month_change_free(&c);
	r->stats->months_rendered++;
	return st;
}
