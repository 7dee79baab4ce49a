/*
 * Atom feeds: the site's feed.atom (the latest messages) and the parts a
 * thread's feed is made of, with mid: URLs as stable entry ids.
 */
#include <string.h>

#include "html.h"
#include "render_int.h"

enum ma_status
atom_begin(struct run *r, struct buf *b, const char *title, const char *id,
	   const char *alt, time_t updated)
{
	char iso[32];
	enum ma_status st;

	iso_date(updated, iso);
	ADD(buf_adds(b,
		     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>"));
	ADD(html_escapes(b, title));
	ADD(buf_adds(b, "</title>\n<id>urn:mailarc:"));
	ADD(html_escapes(b, r->o->key));
	ADD(buf_addf(b,
		     "%s</id>\n<link rel=\"alternate\" type=\"text/html\" "
		     "href=\"%s\"/>\n<updated>%s</updated>\n",
		     id, alt, iso));
	return MA_OK;
}

enum ma_status
atom_entry(struct buf *b, struct entry *e, const char *pre)
{
	char iso[32], name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	if (permalink_of_message(e->msgid, e->lst->file, name) != MA_OK)
		return MA_OK;
	iso_date(e->date, iso);
	ADD(buf_adds(b, "<entry>\n<title>"));
	ADD(html_escapes(b, e->lst->subject));
	ADD(buf_adds(b, "</title>\n<id>"));
	ADD(sitename_mid_url(b, e->msgid));
	/* e->lst->from is HTML already (escaped by html_escape()); in XML it
	 * reads the same. */
	ADD(buf_addf(b,
		     "</id>\n<link rel=\"alternate\" type=\"text/html\" "
		     "href=\"%sm/%s.html\"/>\n<updated>%s</updated>\n"
		     "<author><name>%s</name></author>\n</entry>\n",
		     pre, name_stem(name, stem), iso, e->lst->from));
	return MA_OK;
}

enum ma_status
feed_page(struct run *r)
{
	struct buf b;
	enum ma_status st;
	time_t updated = 0;

	if (r->order->len > 0)
		updated =
		    ((struct entry *)r->order->pdata[r->order->len - 1])->date;
	buf_init(&b, PAGE_MAX);
	st = atom_begin(r, &b, r->o->name, "", "index.html", updated);
	for (guint i = r->order->len, k = 0;
	     i-- > 0 && k < FEED_ENTRIES && st == MA_OK; k++) {
		struct entry *e = r->order->pdata[i];

		if (entry_fill(r, e))
			st = atom_entry(&b, e, "");
	}
	if (st == MA_OK)
		st = buf_adds(&b, "</feed>\n");
	if (st == MA_OK)
		st = site_put_buf(r->site, "feed.atom", &b);
	buf_release(&b);
	return st;
}

/* The feed of a thread for a file in folder pre leads back from (its
 * links are relative). */
static enum ma_status
thread_feed_buf(struct run *r, const struct thread_ctx *tc, GPtrArray *byd,
		time_t newest, const char *pre, struct buf *b)
{
	char alt[PERMALINK_STEM_MAX + 32], fid[PERMALINK_NAME_MAX + 16],
	    stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	/* The thread page: beside a feed in t/HH/, in HH/ from t/. */
	if (strcmp(pre, "../../") == 0)
		st = render_fmt(alt, sizeof alt, "%s.html", tc->name);
	else
		st = render_fmt(alt, sizeof alt, "%s.html",
				name_stem(tc->name, stem));
	if (st == MA_OK)
		st = render_fmt(fid, sizeof fid, ":thread:%s", tc->name);
	if (st == MA_OK)
		st = atom_begin(r, b, tc->m[0].e->lst->subject, fid, alt,
				newest);
	for (guint k = byd->len, j = 0;
	     k-- > 0 && j < THREAD_FEED_ENTRIES && st == MA_OK; j++)
		st = atom_entry(b, ((struct tmsg *)byd->pdata[k])->e, pre);
	if (st == MA_OK)
		st = buf_adds(b, "</feed>\n");
	return st;
}

/* t/HH/NAME.atom: the thread's latest messages, newest first; byd holds
 * its messages in the site's order. */
enum ma_status
thread_feed(struct run *r, const struct thread_ctx *tc, GPtrArray *byd,
	    time_t newest)
{
	char rel[PERMALINK_STEM_MAX + 16], stem[PERMALINK_STEM_MAX];
	struct buf b;
	enum ma_status st;

	buf_init(&b, PAGE_MAX);
	st = thread_feed_buf(r, tc, byd, newest, "../../", &b);
	if (st == MA_OK)
		st = render_fmt(rel, sizeof rel, "t/%s.atom",
				name_stem(tc->name, stem));
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	/* The flat layout's address of the feed stays live (legacy.c),
	 * its links made for t/. */
	if (st == MA_OK && legacy_twin(r, tc->name, "atom", rel, sizeof rel)) {
		buf_reset(&b);
		st = thread_feed_buf(r, tc, byd, newest, "../", &b);
		if (st == MA_OK)
			st = site_put_buf(r->site, rel, &b);
	}
	buf_release(&b);
	return st;
}
