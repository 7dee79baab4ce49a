/*
 * A conversation: its messages walked depth first from notmuch, each
 * parsed once and published (.eml, fragment, permalink page), then the
 * thread page t/THREAD.html, its feed and its mbox.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "log.h"
#include "render_int.h"

static void
thread_ctx_release(struct thread_ctx *tc)
{
	for (size_t i = 0; i < tc->n; i++) {
		struct tmsg *t = &tc->m[i];

		buf_release(&t->frag);
		for (size_t k = 0; t->att_urls && t->mm && k < t->mm->natt; k++)
			free(t->att_urls[k]);
		free(t->att_urls);
		free(t->raw);
		mime_free(t->mm);
	}
	free(tc->m);
}

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

static enum ma_status
thread_page(struct run *r, struct thread_ctx *tc)
{
	struct tmsg *root = &tc->m[0];
	char month[8], crumbs[128], rel[64], first[32], last[32];
	struct buf b;
	enum ma_status st;
	time_t newest, oldest;

	/* The thread's span: both ends start at its root message. */
	newest = root->e->date;
	oldest = newest;
	for (size_t i = 0; i < tc->n; i++) {
		if (tc->m[i].e->date > newest)
			newest = tc->m[i].e->date;
		if (tc->m[i].e->date < oldest)
			oldest = tc->m[i].e->date;
	}
	human_date(oldest, first);
	human_date(newest, last);
	render_month_of(oldest, month);
	snprintf(crumbs, sizeof crumbs,
		 "<a href=\"../%s/threads.html\">%.4s-%.2s</a>", month, month,
		 month + 5);
	snprintf(rel, sizeof rel, "%s.atom", tc->id);
	buf_init(&b, PAGE_MAX);
	st = page_begin(r, &b, "../", root->e->subject, rel, crumbs);
	if (st == MA_OK)
		st = buf_adds(&b, "<h1>");
	if (st == MA_OK)
		st = html_escapes(&b, root->e->subject);
	if (st == MA_OK)
		st = buf_addf(&b,
			      "</h1>\n<p class=\"meta\">%zu message%s, "
			      "%s \xe2\x80\x93 %s \xc2\xb7 <a href=\"%s."
			      "mbox\" download>mbox</a> \xc2\xb7 <a "
			      "href=\"%s.atom\">Atom</a></p>\n",
			      tc->n, tc->n == 1 ? "" : "s", first, last, tc->id,
			      tc->id);
	if (st == MA_OK && tc->n > 1) {
		st = buf_adds(&b, "<nav aria-label=\"Conversation\"><ol "
				  "class=\"tree\">");
		for (size_t i = 0; i < tc->n && st == MA_OK; i++) {
			struct tmsg *t = &tc->m[i];
			char when[32];

			human_date(t->e->date, when);
			st = buf_addf(&b,
				      "<li class=\"d%d\"><a href=\"#%s\">%s"
				      "</a> <span class=\"meta\">%s</span>",
				      t->depth > 6 ? 6 : t->depth, t->name,
				      t->e->from, when);
			/* A subject that changes mid-thread is news. */
			if (st == MA_OK &&
			    strcmp(subject_core(t->e->subject),
				   subject_core(root->e->subject)) != 0) {
				st = buf_adds(&b, " \xe2\x80\x94 ");
				if (st == MA_OK)
					st = html_escapes(&b, t->e->subject);
			}
			if (st == MA_OK)
				st = buf_adds(&b, "</li>");
		}
		if (st == MA_OK)
			st = buf_adds(&b, "</ol></nav>\n");
	}
	for (size_t i = 0; i < tc->n && st == MA_OK; i++) {
		struct tmsg *t = &tc->m[i];

		st = buf_addf(&b,
			      "<article class=\"msg d%d\" id=\"%s\" "
			      "aria-label=\"Message %zu\"><h2>",
			      t->depth > 6 ? 6 : t->depth, t->name, i + 1);
		if (st == MA_OK)
			st = msg_link(&b, t, NULL);
		if (st == MA_OK)
			st = buf_adds(&b, "</h2>\n");
		if (st == MA_OK)
			st = buf_add(&b, t->frag.data, t->frag.len);
		if (st == MA_OK && t->parent >= 0)
			st = buf_addf(&b,
				      "<p class=\"msgnav\"><a href=\"#%s\">"
				      "\xe2\x86\x91 In reply to %s</a></p>\n",
				      tc->m[t->parent].name,
				      tc->m[t->parent].e->from);
		if (st == MA_OK)
			st = buf_adds(&b, "</article>\n");
	}
	if (st == MA_OK)
		st = page_end(&b, "../");
	snprintf(rel, sizeof rel, "t/%s.html", tc->id);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);

	/* The thread's feed (its latest messages) and mbox (all). */
	buf_reset(&b);
	if (st == MA_OK) {
		char alt[64], fid[64];

		snprintf(alt, sizeof alt, "%s.html", tc->id);
		snprintf(fid, sizeof fid, ":thread:%s", tc->id);
		st = atom_begin(r, &b, root->e->subject, fid, alt, newest);
	}
	{
		/* The thread's messages in the site's order (by date). */
		GPtrArray *byd = g_ptr_array_new();

		for (size_t i = 0; i < tc->n; i++)
			g_ptr_array_add(byd, &tc->m[i]);
		g_ptr_array_sort(byd, tmsg_cmp_pos);
		/* The feed: newest first. */
		for (guint k = byd->len, j = 0;
		     k-- > 0 && j < THREAD_FEED_ENTRIES && st == MA_OK; j++)
			st = atom_entry(&b, ((struct tmsg *)byd->pdata[k])->e,
					"../");
		if (st == MA_OK)
			st = buf_adds(&b, "</feed>\n");
		snprintf(rel, sizeof rel, "t/%s.atom", tc->id);
		if (st == MA_OK)
			st = site_put_buf(r->site, rel, &b);
		/* The mbox: oldest first, streamed, from the copies in
		 * memory or the files. */
		snprintf(rel, sizeof rel, "t/%s.mbox", tc->id);
		if (st == MA_OK) {
			struct site_file *f = NULL;

			st = site_file_open(r->site, rel, &f);
			for (guint k = 0; k < byd->len && st == MA_OK; k++) {
				struct tmsg *t = byd->pdata[k];

				buf_reset(&b);
				if (t->raw != NULL)
					st = mbox_add_mem(
					    &b, t->raw, t->raw_len, t->e->date);
				else if (t->e->file != NULL)
					st = mbox_add(&b, t->e->file,
						      t->e->date);
				if (st == MA_OK && b.len > 0)
					st = site_file_write(f, b.data, b.len);
			}
			if (st == MA_OK)
				st = site_file_commit(r->site, f);
			else
				site_file_abort(f);
		}
		g_ptr_array_free(byd, TRUE);
	}
	buf_release(&b);
	return st;
}

/*
 * Render one conversation: each message parsed once, its fragment used
 * by its permalink page and by the thread page. Months of its messages
 * are marked for rendering.
 */
enum ma_status
render_thread(struct run *r, notmuch_thread_t *th)
{
	struct thread_ctx tc = {0};
	struct {
		notmuch_messages_t *it;
		int depth;
		ssize_t parent;
	} *stack = NULL;
	size_t depth = 0, cap = 0, mcap = 0;
	enum ma_status st = MA_OK;

	tc.id = notmuch_thread_get_thread_id(th);
	/* Depth first through the replies, with a stack of iterators. */
	cap = 16;
	if ((stack = malloc(cap * sizeof *stack)) == NULL)
		return MA_ENOMEM;
	stack[depth].it = notmuch_thread_get_toplevel_messages(th);
	stack[depth].depth = 0;
	stack[depth++].parent = -1;
	while (depth > 0 && st == MA_OK) {
		notmuch_messages_t *it = stack[depth - 1].it;
		notmuch_message_t *m;
		struct tmsg *t;

		if (!notmuch_messages_valid(it)) {
			depth--;
			continue;
		}
		m = notmuch_messages_get(it);
		notmuch_messages_move_to_next(it);
		if (tc.n == mcap) {
			size_t nc = mcap ? mcap * 2 : 8;
			struct tmsg *nm = realloc(tc.m, nc * sizeof *nm);

			if (nm == NULL) {
				st = MA_ENOMEM;
				break;
			}
			tc.m = nm;
			mcap = nc;
		}
		t = &tc.m[tc.n];
		memset(t, 0, sizeof *t);
		t->nm = m;
		t->depth = stack[depth - 1].depth;
		t->parent = stack[depth - 1].parent;
		buf_init(&t->frag, PAGE_MAX);
		tc.n++;
		if (permalink_name(notmuch_message_get_message_id(m),
				   t->name) != MA_OK ||
		    (t->e = g_hash_table_lookup(
			 r->by_id, notmuch_message_get_message_id(m))) ==
			NULL) {
			/* Not in the site's order (an empty id, or a
			 * message that arrived after this run's query):
			 * the next run shows it. */
			tc.n--;
			buf_release(&t->frag);
			continue;
		}
		entry_fill_from(r, t->e, m);
		if (depth == cap) {
			void *ns = realloc(stack, 2 * cap * sizeof *stack);

			if (ns == NULL) {
				st = MA_ENOMEM;
				break;
			}
			stack = ns;
			cap *= 2;
		}
		stack[depth].it = notmuch_message_get_replies(m);
		stack[depth].depth = t->depth + 1;
		stack[depth].parent = (ssize_t)tc.n - 1;
		depth++;
	}
	free(stack);
	for (size_t i = 0; i < tc.n && st == MA_OK; i++) {
		struct tmsg *t = &tc.m[i];
		char month[8];

		render_month_of(t->e->date, month);
		g_hash_table_add(r->months, strdup(month));
		/* Read once: parsed here, copied to the .eml and mbox. */
		if (t->e->file != NULL &&
		    read_raw(t->e->file, &t->raw, &t->raw_len) == MA_OK &&
		    mime_parse(t->raw, t->raw_len, t->e->file,
			       r->o->prefer_html, &t->mm) == MA_ENOMEM)
			st = MA_ENOMEM;
		if (st == MA_OK)
			st = write_attachments(r, t);
		if (st == MA_OK)
			st = message_frag(r, t);
		/* What is published needs no copy in memory: a thread of
		 * big messages must not hold them all. */
		for (size_t k = 0; t->mm != NULL && k < t->mm->natt; k++) {
			free(t->mm->att[k].data);
			t->mm->att[k].data = NULL;
		}
		if (st == MA_OK && t->raw != NULL) {
			char rel[PERMALINK_NAME_MAX + 16];

			snprintf(rel, sizeof rel, "m/%s.eml", t->name);
			st = site_put(r->site, rel, t->raw, t->raw_len);
		}
		if (t->raw_len > RAW_KEEP) {
			free(t->raw);
			t->raw = NULL;
		}
	}
	if (st == MA_OK && tc.n == 0)
		st = thread_gone(r, tc.id);
	else if (st == MA_OK) {
		for (size_t i = 0; i < tc.n && st == MA_OK; i++)
			st = permalink_page(r, &tc, i);
		if (st == MA_OK)
			st = thread_page(r, &tc);
		r->stats->threads_rendered++;
	}
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
	bool found = false;

	if (!thread_id_ok(id))
		return MA_OK;
	snprintf(q, sizeof q, "thread:%s", id);
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

		found = true;
		st = render_thread(r, th);
		notmuch_thread_destroy(th);
	}
	notmuch_query_destroy(query);
	if (st == MA_OK && !found)
		st = thread_gone(r, id);
	return st;
}
