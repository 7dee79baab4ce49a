/*
 * A conversation: its messages walked depth first from notmuch, each
 * parsed once and published (.eml, fragment, permalink page), then the
 * thread page t/NAME.html (NAME: names.c), its feed and its mbox.
 * What it holds of its messages meanwhile: thread_hold.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "log.h"
#include "render_int.h"
#include "erased.h"

/* A subject without its reply and forward prefixes. */
static const char *
subject_core(const char *s)
{
	static const char *const prefixes[] = {
	    "re:", "aw:", "sv:", "fwd:", "fw:", "wg:"};
	bool again = true;

	while (again) {
		again = false;
		while (*s == ' ' || *s == '\t')
			s++;
		for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0];
		     i++) {
			size_t n = strlen(prefixes[i]);

			if (strncasecmp(s, prefixes[i], n) == 0) {
				s += n;
				again = true;
			}
		}
	}
	return s;
}

static gint
tmsg_cmp_pos(gconstpointer a, gconstpointer b)
{
	const struct tmsg *x = *(struct tmsg *const *)a;
	const struct tmsg *y = *(struct tmsg *const *)b;

	return x->e->pos < y->e->pos ? -1 : x->e->pos > y->e->pos ? 1 : 0;
}

/* The thread's span: both ends start at its root message. */
static void
thread_span(const struct thread_ctx *tc, time_t *oldest, time_t *newest)
{
	*newest = tc->m[0].e->date;
	*oldest = *newest;
	for (size_t i = 0; i < tc->n; i++) {
		if (tc->m[i].e->date > *newest)
			*newest = tc->m[i].e->date;
		if (tc->m[i].e->date < *oldest)
			*oldest = tc->m[i].e->date;
	}
}

/* The chrome, the subject, and a line: how many, when, mbox, Atom. */
static enum ma_status
thread_head(struct run *r, struct buf *b, const struct thread_ctx *tc,
	    time_t oldest, time_t newest)
{
	const char *subject = tc->m[0].e->lst->subject;
	char month[8], crumbs[160], feed[PERMALINK_NAME_MAX + 8], first[32],
	    last[32];
	enum ma_status st;

	human_date(oldest, first);
	human_date(newest, last);
	render_month_of(oldest, month);
	ADD(render_fmt(crumbs, sizeof crumbs,
		       "<a href=\"../../%s/threads.html\">%.4s-%.2s</a>", month,
		       month, month + 5));
	ADD(render_fmt(feed, sizeof feed, "%s.atom", tc->name));
	ADD(page_begin(r, b, "../../", subject, feed, crumbs));
	ADD(buf_adds(b, "<h1>"));
	ADD(html_escapes(b, subject));
	return buf_addf(b,
			"</h1>\n<p class=\"meta\">%zu message%s, "
			"%s \xe2\x80\x93 %s \xc2\xb7 <a href=\"%s."
			"mbox\" download>mbox</a> \xc2\xb7 <a "
			"href=\"%s.atom\">Atom</a></p>\n",
			tc->n, tc->n == 1 ? "" : "s", first, last, tc->name,
			tc->name);
}

/* One line of the tree: sender and date, the subject when it changed. */
static enum ma_status
tree_item(struct buf *b, const struct tmsg *t, const struct tmsg *root)
{
	char when[32];
	enum ma_status st;

	human_date(t->e->date, when);
	ADD(buf_addf(b,
		     "<li class=\"d%d\"><a href=\"#%s\">%s"
		     "</a> <span class=\"meta\">%s</span>",
		     t->depth > 6 ? 6 : t->depth, t->anchor, t->e->lst->from,
		     when));
	/* A subject that changes mid-thread is news. */
	if (strcmp(subject_core(t->e->lst->subject),
		   subject_core(root->e->lst->subject)) != 0) {
		ADD(buf_adds(b, " \xe2\x80\x94 "));
		ADD(html_escapes(b, t->e->lst->subject));
	}
	return buf_adds(b, "</li>");
}

/* The conversation as a tree of links, when there is more than one
 * message (removed ones included: gap.c). */
static enum ma_status
thread_tree(struct page_out *o, const struct thread_ctx *tc,
	    const struct gap_slot *sl, size_t ns)
{
	struct buf *b = &o->b;
	enum ma_status st;

	if (ns <= 1)
		return MA_OK;
	ADD(buf_adds(b, "<nav aria-label=\"Conversation\"><ol "
			"class=\"tree\">"));
	for (size_t i = 0; i < ns; i++) {
		if (sl[i].msg < 0) {
			ADD(gap_tree_item(b, &sl[i]));
			continue;
		}
		tc->m[sl[i].msg].depth = sl[i].depth;
		ADD(tree_item(b, &tc->m[sl[i].msg], &tc->m[0]));
		ADD(page_out_flush(o, thread_keep()));
	}
	return buf_adds(b, "</ol></nav>\n");
}

/* Each message in full, indented by its depth in the tree; a removed
 * one as a notice (gap.c). */
static enum ma_status
thread_articles(struct run *r, struct page_out *o, struct thread_ctx *tc,
		const struct gap_slot *sl, size_t ns)
{
	char stem[PERMALINK_STEM_MAX];
	struct buf *b = &o->b;
	enum ma_status st;

	for (size_t i = 0; i < ns; i++) {
		ADD(page_out_flush(o, thread_keep()));
		const struct gap_slot *up =
		    sl[i].parent >= 0 ? &sl[sl[i].parent] : NULL;
		struct tmsg *t;

		if (sl[i].msg < 0) {
			ADD(gap_article(r, b, &sl[i], i + 1));
			continue;
		}
		t = &tc->m[sl[i].msg];
		t->depth = sl[i].depth;
		ADD(buf_addf(b,
			     "<article class=\"msg d%d\" id=\"%s\" "
			     "aria-label=\"Message %zu\"><h2>",
			     t->depth > 6 ? 6 : t->depth, t->anchor, i + 1));
		ADD(msg_link(b, t, NULL));
		ADD(buf_adds(b, "</h2>\n"));
		ADD(frag_add(b, tc, t));
		if (t->nver > 1)
			ADD(buf_addf(b,
				     "<p class=\"note\">This message came in "
				     "%zu versions with different content: <a "
				     "href=\"../../m/%s.html#versions\">see "
				     "every version</a>.</p>\n",
				     t->nver, name_stem(t->name, stem)));
		if (up != NULL && up->msg < 0)
			ADD(buf_addf(b,
				     "<p class=\"msgnav\"><a href=\"#%s\">"
				     "\xe2\x86\x91 In reply to a removed "
				     "message</a></p>\n",
				     up->anchor));
		else if (up != NULL)
			ADD(buf_addf(b,
				     "<p class=\"msgnav\"><a href=\"#%s\">"
				     "\xe2\x86\x91 In reply to %s</a></p>\n",
				     up->anchor, tc->m[up->msg].e->lst->from));
		ADD(buf_adds(b, "</article>\n"));
	}
	return MA_OK;
}

/* t/NAME.html */
static enum ma_status
thread_html(struct run *r, struct thread_ctx *tc, time_t oldest, time_t newest)
{
	char rel[PERMALINK_STEM_MAX + 16], stem[PERMALINK_STEM_MAX];
	struct page_out o = {.site = r->site, .rel = rel};
	struct gap_slot *sl = NULL;
	size_t ns = 0;
	enum ma_status st;

	buf_init(&o.b, PAGE_MAX);
	st =
	    render_fmt(rel, sizeof rel, "t/%s.html", name_stem(tc->name, stem));
	if (st == MA_OK)
		st = gap_slots(r, tc, &sl, &ns);
	if (st == MA_OK)
		st = thread_head(r, &o.b, tc, oldest, newest);
	if (st == MA_OK)
		st = thread_tree(&o, tc, sl, ns);
	if (st == MA_OK)
		st = thread_articles(r, &o, tc, sl, ns);
	free(sl);
	if (st == MA_OK)
		st = page_end(&o.b, "../../");
	return page_out_end(&o, st);
}

/* The thread page, then its feed (its latest messages) and its mbox
 * (all), both in the site's order (by date). */
static enum ma_status
thread_page(struct run *r, struct thread_ctx *tc)
{
	time_t oldest, newest;
	GPtrArray *byd;
	enum ma_status st;

	thread_span(tc, &oldest, &newest);
	if ((st = thread_html(r, tc, oldest, newest)) != MA_OK)
		return st;
	byd = g_ptr_array_new();
	for (size_t i = 0; i < tc->n; i++)
		g_ptr_array_add(byd, &tc->m[i]);
	g_ptr_array_sort(byd, tmsg_cmp_pos);
	st = thread_feed(r, tc, byd, newest);
	if (st == MA_OK)
		st = thread_mbox(r, tc, byd);
	g_ptr_array_free(byd, TRUE);
	return st;
}

/* The oldest message so far, in the site's order, of those it has. */
static void
thread_first(struct run *r, struct thread_ctx *tc, const char *id)
{
	struct entry *e = entry_find(r, id);

	if (e != NULL && (tc->first == NULL || entry_cmp(&e, &tc->first) < 0))
		tc->first = e;
}

/* A long thread's figures for the home page (struct thread_known). */
static enum ma_status
thread_known_put(struct run *r, notmuch_thread_t *th,
		 const struct thread_ctx *tc)
{
	int total = notmuch_thread_get_total_messages(th);
	struct thread_known *k;
	char *id;

	if (total < THREAD_KNOWN_MIN)
		return MA_OK;
	if ((k = malloc(sizeof *k)) == NULL || (id = strdup(tc->id)) == NULL) {
		free(k);
		return MA_ENOMEM;
	}
	k->total = total;
	k->first = tc->first;
	g_hash_table_replace(r->known, id, k);
	return MA_OK;
}

/* A level of the walk: the replies left to visit at one depth. */
struct walk_level {
	notmuch_messages_t *it;
	int depth;
	ssize_t parent;
};

struct walk {
	struct walk_level *stack;
	size_t depth, cap;
	size_t mcap; /* of tc->m */
};

static enum ma_status
walk_push(struct walk *w, notmuch_messages_t *it, int depth, ssize_t parent)
{
	if (w->depth == w->cap) {
		void *ns = array_grow(w->stack, &w->cap, w->depth,
				      sizeof *w->stack, 16);

		if (ns == NULL)
			return MA_ENOMEM;
		w->stack = ns;
	}
	w->stack[w->depth].it = it;
	w->stack[w->depth].depth = depth;
	w->stack[w->depth++].parent = parent;
	return MA_OK;
}

/*
 * Add m to the conversation at the walk's level; *tp is NULL when it is
 * not in the site's order (an empty id, or a message that arrived after
 * this run's query): the next run shows it.
 */
static enum ma_status
thread_add(struct run *r, struct thread_ctx *tc, struct walk *w,
	   notmuch_message_t *m, struct tmsg **tp)
{
	const char *id = notmuch_message_get_message_id(m);
	struct tmsg *t;

	*tp = NULL;
	if (tc->n == w->mcap) {
		struct tmsg *nm =
		    array_grow(tc->m, &w->mcap, tc->n, sizeof *nm, 8);

		if (nm == NULL)
			return MA_ENOMEM;
		tc->m = nm;
	}
	t = &tc->m[tc->n];
	memset(t, 0, sizeof *t);
	t->reply = t->reply_last = t->next = -1;
	if (permalink_of_message(id, notmuch_message_get_filename(m),
				 t->name) != MA_OK ||
	    (t->e = entry_find(r, id)) == NULL)
		return MA_OK;
	anchor_of(t->e->msgid, t->anchor);
	t->nm = m;
	t->depth = w->stack[w->depth - 1].depth;
	t->parent = w->stack[w->depth - 1].parent;
	if (t->parent >= 0) {
		struct tmsg *up = &tc->m[t->parent];

		if (up->reply_last >= 0)
			tc->m[up->reply_last].next = (ssize_t)tc->n;
		else
			up->reply = (ssize_t)tc->n;
		up->reply_last = (ssize_t)tc->n;
	}
	buf_init(&t->frag, PAGE_MAX);
	tc->n++;
	/* A neighbour's page may have filled it already, from the same
	 * message. */
	if (!t->e->filled)
		entry_fill_from(r, t->e, m);
	*tp = t;
	return MA_OK;
}

/*
 * The messages of th into tc, depth first through the replies, with a
 * stack of iterators, each message once. The tree from the top-level
 * messages does not reach every message: notmuch makes a message whose
 * In-Reply-To names itself a reply of its own, and the messages of a
 * reply loop (A answers B, B answers A) replies of each other, so none
 * of them is top-level when the thread has another root. Under the
 * top-level iterator lies the thread's flat list: what the tree left
 * out comes from it as a top-level message of its own, with its replies.
 * A message already seen is skipped, so a loop of replies ends.
 */
static enum ma_status
thread_walk(struct run *r, notmuch_thread_t *th, struct thread_ctx *tc)
{
	struct walk w = {0};
	GHashTable *seen;
	enum ma_status st;

	/* Room for all at once: a copy while growing would double a long
	 * conversation's peak. */
	w.mcap = (size_t)notmuch_thread_get_total_messages(th);
	if (w.mcap > 0 && (tc->m = calloc(w.mcap, sizeof *tc->m)) == NULL)
		return MA_ENOMEM;
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	st = walk_push(&w, notmuch_thread_get_messages(th), 0, -1);
	if (st == MA_OK)
		st = walk_push(&w, notmuch_thread_get_toplevel_messages(th), 0,
			       -1);
	while (w.depth > 0 && st == MA_OK) {
		notmuch_messages_t *it = w.stack[w.depth - 1].it;
		notmuch_message_t *m;
		struct tmsg *t;
		const char *id;

		if (!notmuch_messages_valid(it)) {
			w.depth--;
			continue;
		}
		m = notmuch_messages_get(it);
		notmuch_messages_move_to_next(it);
		/* The id lives as long as the thread (its talloc owner). */
		id = notmuch_message_get_message_id(m);
		if (id == NULL || !g_hash_table_add(seen, (char *)id))
			continue;
		thread_first(r, tc, id);
		st = thread_add(r, tc, &w, m, &t);
		if (st == MA_OK && t != NULL)
			st = walk_push(&w, notmuch_message_get_replies(m),
				       t->depth + 1, (ssize_t)tc->n - 1);
	}
	g_hash_table_destroy(seen);
	free(w.stack);
	return st;
}

/*
 * One version of a message, read once: parsed, its attachments and its
 * raw form published, its fragment made. m/NAME.eml is the primary version,
 * m/NAME=v-HASH16.eml another, named by the SHA-256 of its file.
 */
static enum ma_status
version_load(struct run *r, struct tmsg *t, const char *file)
{
	enum ma_status st = MA_OK;
	struct stat sb = {0};

	if (file != NULL &&
	    read_raw_stat(file, &t->raw, &t->raw_len, &sb) == MA_OK &&
	    mime_parse(t->raw, t->raw_len, file, r->o->prefer_html, &t->mm) ==
		MA_ENOMEM)
		st = MA_ENOMEM;
	/* The only file of a message is dated from the bytes just read
	 * (versions_of_undated()). */
	if (t->nver == 1 && t->vtag[0] == '\0' && t->ver[0].date == 0) {
		version_date(&t->ver[0], t->raw, t->raw_len);
		t->date_src = t->ver[0].src;
	}
	/* The Reply link is made from the primary version, never from
	 * whichever file notmuch read first. */
	if (st == MA_OK && t->raw != NULL && t->vtag[0] == '\0' &&
	    r->o->reply_links)
		st = reply_note(t, t->raw, t->raw_len);
	if (st == MA_OK && t->raw != NULL && t->vtag[0] == '\0')
		st = gap_note(r, t, t->raw, t->raw_len);
	if (st == MA_OK)
		st = write_attachments(r, t);
	if (st == MA_OK)
		st = message_frag(r, t);
	if (st == MA_OK)
		st = search_add(r, t);
	/* What is published needs no copy in memory: a thread of big
	 * messages must not hold them all. */
	for (size_t k = 0; t->mm != NULL && k < t->mm->natt; k++) {
		free(t->mm->att[k].data);
		t->mm->att[k].data = NULL;
	}
	if (st == MA_OK && t->raw != NULL) {
		char rel[PERMALINK_STEM_MAX + 32], stem[PERMALINK_STEM_MAX];

		/* "=v" appears in no NAME (permalink.h): a version's
		 * file cannot be another message's. */
		st = render_fmt(rel, sizeof rel, "m/%s%s%s.eml",
				name_stem(t->name, stem), t->vtag[0] ? "=" : "",
				t->vtag);
		if (st == MA_OK)
			st =
			    site_put_file_stat(r->site, rel, file,
					       S_ISREG(sb.st_mode) ? &sb : NULL,
					       t->raw, t->raw_len);
	}
	if (t->raw_len > RAW_KEEP || t->vtag[0] != '\0') {
		free(t->raw);
		t->raw = NULL;
	}
	return st;
}

/*
 * A message: each of its versions (versions.c) loaded, the primary one
 * first. Its month is marked for rendering.
 */
static enum ma_status
thread_message(struct run *r, struct tmsg *t)
{
	enum ma_status st;
	char month[8];

	render_month_of(t->e->date, month);
	g_hash_table_add(r->months, strdup(month));
	if ((st = versions_of_undated(t->nm, &t->ver, &t->nver)) != MA_OK)
		return st;
	/* The entry's date orders the site; it was made from the same
	 * primary file. */
	t->date = t->e->date;
	t->date_src = t->nver > 0 ? t->ver[0].src : DATE_HEADER;
	entry_set_atts(r, t->e, "");
	st = version_load(r, t, t->nver > 0 ? t->ver[0].file : t->e->lst->file);
	if (st != MA_OK || t->nver < 2)
		return st == MA_OK ? stale_versions(r, t) : st;
	if ((t->alt = calloc(t->nver - 1, sizeof *t->alt)) == NULL)
		return MA_ENOMEM;
	for (size_t k = 1; k < t->nver && st == MA_OK; k++) {
		struct tmsg *a = &t->alt[k - 1];

		a->e = t->e;
		memcpy(a->name, t->name, sizeof a->name);
		memcpy(a->anchor, t->anchor, sizeof a->anchor);
		a->date = t->ver[k].date;
		a->date_src = t->ver[k].src;
		snprintf(a->vtag, sizeof a->vtag, "v-%.16s",
			 t->ver[k].hash[0] ? t->ver[k].hash
					   : "0000000000000000");
		buf_init(&a->frag, PAGE_MAX);
		st = version_load(r, a, t->ver[k].file);
	}
	return st == MA_OK ? stale_versions(r, t) : st;
}

/*
 * Render one conversation: each message parsed once, its fragment used
 * by its permalink page and by the thread page. Months of its messages
 * are marked for rendering.
 */
enum ma_status
render_thread(struct run *r, notmuch_thread_t *th)
{
	struct thread_ctx tc = {.id = notmuch_thread_get_thread_id(th),
				.spill = -1};
	bool stats = getenv("MAILARC_RENDER_STATS") != NULL;
	size_t heap0 = stats ? render_heap_now() : 0;
	enum ma_status st;

	/* Paths hold the id in fixed buffers: check it here too, not only
	 * where the ids of incremental runs come in. */
	if (tc.id == NULL || !sitename_thread_ok(tc.id)) {
		log_warn("skipping a thread whose id is not notmuch's");
		return MA_OK;
	}
	st = thread_walk(r, th, &tc);
	/* A thread with no message left: names_publish() does its page. */
	if (st == MA_OK && tc.n > 0)
		tc.name = entry_tname(tc.m[0].e);
	/* A message's page needs of the others only what the walk got. */
	for (size_t i = 0; i < tc.n && st == MA_OK; i++) {
		st = thread_message(r, &tc.m[i]);
		if (st == MA_OK && tc.name != NULL)
			st = permalink_page(r, &tc, i);
		if (st == MA_OK)
			tmsg_settle(r, &tc, &tc.m[i]);
	}
	/* Whatever it holds for its page and mbox is held now. */
	if (stats) {
		size_t h = render_heap_now();

		if (h > heap0 && h - heap0 > r->thread_heap)
			r->thread_heap = h - heap0;
	}
	if (st == MA_OK && tc.name != NULL) {
		st = thread_page(r, &tc);
		r->stats->threads_rendered++;
	}
	if (st == MA_OK)
		st = thread_known_put(r, th, &tc);
	thread_ctx_release(&tc);
	return st;
}

enum ma_status
render_thread_id(struct run *r, const char *id)
{
	char q[64];
	notmuch_query_t *query;
	notmuch_threads_t *threads = NULL;
	enum ma_status st = MA_OK;

	if (!sitename_thread_ok(id))
		return MA_OK;
	if (render_fmt(q, sizeof q, "thread:%s", id) != MA_OK)
		return MA_ETOOBIG;
	if ((query = notmuch_query_create(r->db, q)) == NULL)
		return MA_ENOMEM;
	notmuch_query_set_sort(query, NOTMUCH_SORT_OLDEST_FIRST);
	if (notmuch_query_search_threads(query, &threads) !=
	    NOTMUCH_STATUS_SUCCESS) {
		log_err("notmuch: cannot query '%s'", q);
		notmuch_query_destroy(query);
		return MA_EIO;
	}
	for (; notmuch_threads_valid(threads) && st == MA_OK;
	     notmuch_threads_move_to_next(threads)) {
		notmuch_thread_t *th = notmuch_threads_get(threads);

		st = render_thread(r, th);
		notmuch_thread_destroy(th);
	}
	notmuch_query_destroy(query);
	return st;
}
