/*
 * A full run in steps: memory that follows a step, not the archive.
 *
 * A full run holds an entry for every message of the archive (some 110
 * bytes each: 138 MB at a million): the first render of a space after a
 * big import, and a full run over a published site (a changed setting,
 * a rebuilt database, --full). It is done as a series of incremental
 * runs instead, each over the next steps_size() messages in the site's
 * order (date, then Message-ID):
 *
 *	step 0	 the full run, with no entries: the state written empty,
 *		 the home page, feed and search index of no mail, the pages
 *		 of the messages tombstones removed;
 *	step k	 an incremental run that adds the next messages, reading
 *		 the part of the state they touch (store_load.c), as one
 *		 after an import does.
 *
 * Every step sees the archive as it was when its messages were the
 * newest, so each step's state is one an incremental run could have
 * left; the last step's is the one a single full run writes, and every
 * page ends as that run writes it (an incremental run and a full run
 * write the same bytes: render.h). A thread's root is its first message
 * in the order, which comes in the step that first shows the thread, so
 * no step ever renames a thread.
 *
 * The order comes from a first pass over every message (its date from
 * its own files, as the entries have it), sorted on disk (extsort.h).
 * The site stays open from step 0 to the last step: the pages of a
 * first render go straight into place and index.html comes last
 * (site_fresh.c); a site of ours commits once, at the end, and a step
 * reads back what an earlier one wrote from the staging folder (a
 * month's mbox is written whole, a search segment staged counts). The
 * state saved after each step is marked as publishing (run.c) until the
 * last step's is saved, so a run killed part way is followed by a full
 * run.
 *
 * The thread NAMEs a published site has wait beside the state
 * (store_carry.c) while the steps start from a state without them, as a
 * first render: every live thread is named by the step that shows its
 * root, as one full run names it. The last step gives each other NAME
 * its target as one full run's names_publish() would, from what the
 * state the steps saved says of its root (names.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "extsort.h"
#include "log.h"
#include "path.h"
#include "progress.h"
#include "space.h"
#include "render_int.h"

/* Messages a step adds: MAILARC_RENDER_STEP sets it ("0": one full
 * run whatever the archive's size; the tests make steps of a few). A
 * step after the first also holds the older months its conversations
 * reach: with 65,536 a step held twice as many entries in an archive of
 * a million as in one of 100,000 (whose second step is its last);
 * 16,384 holds about 23 MB at either size for 1% more CPU in a first
 * render (docs/scaling.md). */
#define STEP_SIZE 16384

/* The order's sort key: the date as 16 hex digits of its offset binary
 * (so that bytes order as dates do, before 1970 too), then the
 * Message-ID. */
#define STEP_DATE_HEX 16

/* The order's files in the space's state folder (unnamed where the file
 * system allows: extsort.h). */
#define STEP_ORDER_PREFIX ".render-order"

struct step_msg {
	char *msgid;
	time_t date;
	char thread[32]; /* sitename_set_thread()'s ("": none) */
	bool found;	 /* still indexed */
};

struct steps {
	struct extsort *order;
	size_t size;  /* messages a step */
	size_t total; /* in the order */
	size_t taken; /* given to steps so far */
	size_t index; /* steps begun (0: the full one) */
	bool end;     /* the order is read to its end */
	char *uuid;   /* the database's, when the first pass ran */
	unsigned long rev;
	struct site *site;
	struct progress progress;
	bool progressing;
	bool carry; /* the NAMEs the site published wait (store_carry.c) */
};

static size_t
steps_size(void)
{
	const char *v = getenv("MAILARC_RENDER_STEP");

	if (v != NULL && strcmp(v, "0") == 0)
		return 0;
	return env_count("MAILARC_RENDER_STEP", STEP_SIZE, SIZE_MAX);
}

void
steps_free(struct steps *s)
{
	if (s == NULL)
		return;
	if (s->progressing)
		progress_end(&s->progress);
	extsort_free(s->order);
	free(s->uuid);
	free(s);
}

/* How many messages notmuch holds. */
static enum ma_status
count_messages(struct run *r, size_t *np)
{
	notmuch_query_t *q = notmuch_query_create(r->db, "*");
	unsigned int n = 0;

	if (q == NULL)
		return MA_ENOMEM;
	if (notmuch_query_count_messages(q, &n) != NOTMUCH_STATUS_SUCCESS) {
		notmuch_query_destroy(q);
		log_err("notmuch: cannot count the messages");
		return MA_EIO;
	}
	notmuch_query_destroy(q);
	*np = n;
	return MA_OK;
}

/* The messages of query qs into the sort, each by its date and
 * Message-ID; *longp when one's Message-ID is too long for a key. */
static enum ma_status
order_add(struct run *r, struct steps *s, const char *qs, bool *longp)
{
	notmuch_query_t *q = NULL;
	notmuch_messages_t *ms = NULL;
	enum ma_status st = walk_query(r, qs, &q, &ms);
	char key[EXTSORT_KEY_MAX];

	if (st != MA_OK)
		return st;
	for (; notmuch_messages_valid(ms) && st == MA_OK && !*longp;
	     notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		const char *id = notmuch_message_get_message_id(m);
		struct entry e = {0};
		size_t n = id != NULL ? strlen(id) : 0;

		if (n == 0) {
			notmuch_message_destroy(m);
			continue;
		}
		if (n > sizeof key - STEP_DATE_HEX) {
			*longp = true;
		} else if ((st = walk_entry_date(&e, m)) == MA_OK) {
			snprintf(key, sizeof key, "%016" PRIx64,
				 (uint64_t)(int64_t)e.date ^ UINT64_C(1) << 63);
			memcpy(key + STEP_DATE_HEX, id, n);
			st = extsort_add(s->order, key, STEP_DATE_HEX + n, 0);
			s->total++;
		}
		notmuch_message_destroy(m);
	}
	notmuch_query_destroy(q);
	return st;
}

/* Every message into the sort, in windows of revisions as
 * walk_every_message() asks for them. */
static enum ma_status
order_build(struct run *r, struct steps *s, bool *longp)
{
	unsigned long step = s->size, rev = s->rev;
	enum ma_status st = MA_OK;
	char qs[96];

	if (rev == 0)
		return order_add(r, s, "*", longp);
	for (unsigned long lo = 1; lo <= rev && st == MA_OK && !*longp;) {
		unsigned long hi = rev - lo < step ? rev : lo + step - 1;

		st = render_fmt(qs, sizeof qs, "lastmod:%lu..%lu", lo, hi);
		if (st == MA_OK)
			st = order_add(r, s, qs, longp);
		if (hi == rev)
			break;
		lo = hi + 1;
	}
	if (st == MA_OK && !*longp)
		st = render_fmt(qs, sizeof qs, "NOT lastmod:1..%lu", rev);
	if (st == MA_OK && !*longp)
		st = order_add(r, s, qs, longp);
	return st;
}

/*
 * A full run over a site that published thread NAMEs: they wait in a
 * file beside the state (with those of a run of steps killed part way,
 * which left it), and the steps start from a state without them, as a
 * first render does; the last step settles those no live thread has
 * (names.c).
 */
static enum ma_status
steps_carry_begin(struct run *r, struct steps *s)
{
	char *path = store_carry_path(r);
	enum ma_status st = MA_OK;

	if (path == NULL)
		return MA_ENOMEM;
	if (store_names_held(r))
		st = store_carry_write(r, path);
	s->carry = st == MA_OK && path_exists(path);
	free(path);
	return st;
}

enum ma_status
steps_begin(struct run *r, const char *uuid, unsigned long rev,
	    struct steps **sp)
{
	struct steps *s;
	size_t n = 0;
	bool too_long = false;
	enum ma_status st;
	char *dir;

	*sp = NULL;
	if (steps_size() == 0 || names_count(r) > 0)
		return MA_OK;
	if ((st = count_messages(r, &n)) != MA_OK || n <= steps_size())
		return st;
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->uuid = strdup(uuid)) == NULL) {
		free(s);
		return MA_ENOMEM;
	}
	s->size = steps_size();
	s->rev = rev;
	if ((dir = space_part_path(r->o->space_dir, SPACE_STATE)) == NULL) {
		st = MA_ENOMEM;
	} else {
		/* What a killed run left where files cannot be unnamed (the
		 * render lock keeps other runs away). */
		extsort_clean(dir, STEP_ORDER_PREFIX);
		st = extsort_new(dir, STEP_ORDER_PREFIX, 0, &s->order);
	}
	if (st == MA_OK)
		st = order_build(r, s, &too_long);
	if (st == MA_OK && !too_long)
		st = extsort_finish(s->order);
	free(dir);
	if (st != MA_OK || too_long) {
		/* A Message-ID past a key's length: one full run. */
		steps_free(s);
		return st;
	}
	if ((st = steps_carry_begin(r, s)) != MA_OK) {
		steps_free(s);
		return st;
	}
	log_info("rendering the %zu messages of space '%s' in steps of %zu",
		 s->total, r->o->key, s->size);
	progress_start(&s->progress, r->o->key, s->total, 0);
	s->progressing = true;
	*sp = s;
	return MA_OK;
}

/* The next record of the order into m (*endp at its end). */
static enum ma_status
order_next(struct steps *s, struct step_msg *m, bool *endp)
{
	const char *k;
	size_t n;
	uint32_t v;
	uint64_t d = 0;
	enum ma_status st = extsort_next(s->order, &k, &n, &v, endp);

	if (st != MA_OK || *endp)
		return st;
	if (n <= STEP_DATE_HEX) {
		log_err("the render's order on disk is damaged");
		return MA_EIO;
	}
	for (size_t i = 0; i < STEP_DATE_HEX; i++)
		d = d << 4 | (uint64_t)g_ascii_xdigit_value(k[i]);
	m->date = (time_t)(int64_t)(d ^ UINT64_C(1) << 63);
	if ((m->msgid = g_strndup(k + STEP_DATE_HEX, n - STEP_DATE_HEX)) ==
	    NULL)
		return MA_ENOMEM;
	return MA_OK;
}

static void
step_msgs_free(struct step_msg *ms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		g_free(ms[i].msgid);
	free(ms);
}

/* The step's messages: the next ones of the order, each with the thread
 * notmuch gives it now (found false: no longer indexed). */
static enum ma_status
step_read(struct run *r, struct steps *s, struct step_msg **msp, size_t *np)
{
	size_t want =
	    s->size < s->total - s->taken ? s->size : s->total - s->taken;
	struct step_msg *ms = calloc(want > 0 ? want : 1, sizeof *ms);
	size_t n = 0;
	enum ma_status st = MA_OK;

	if (ms == NULL)
		return MA_ENOMEM;
	while (n < want && !s->end && st == MA_OK) {
		notmuch_message_t *m = NULL;

		st = order_next(s, &ms[n], &s->end);
		if (st != MA_OK || s->end)
			break;
		if (notmuch_database_find_message(r->db, ms[n].msgid, &m) !=
		    NOTMUCH_STATUS_SUCCESS) {
			log_err("notmuch: cannot look up a message");
			st = MA_EIO;
		} else if (m != NULL) {
			notmuch_bool_t ghost = FALSE;

			/* Removed since the first pass, and still named by
			 * a reply: notmuch keeps a ghost. */
			notmuch_message_get_flag_st(
			    m, NOTMUCH_MESSAGE_FLAG_GHOST, &ghost);
			sitename_set_thread(ms[n].thread,
					    notmuch_message_get_thread_id(m));
			ms[n].found = !ghost;
			notmuch_message_destroy(m);
		}
		n++;
	}
	s->taken += n;
	*msp = ms;
	*np = n;
	return st;
}

enum ma_status
steps_collect(struct run *r, GPtrArray *changed)
{
	struct steps *s = r->steps;
	struct step_msg *ms = NULL;
	size_t n = 0;
	char last[8] = "";
	enum ma_status st = step_read(r, s, &ms, &n);

	/* Their months first, as store_prefetch() goes before the walk. */
	for (size_t i = 0; i < n && st == MA_OK; i++) {
		char month[8];

		if (!ms[i].found)
			continue;
		render_month_of(ms[i].date, month);
		st = store_prefetch_new(
		    r, ms[i].thread, strcmp(month, last) != 0 ? month : NULL);
		memcpy(last, month, sizeof last);
	}
	for (size_t i = 0; i < n && st == MA_OK; i++) {
		struct entry *e;

		if (!ms[i].found)
			continue;
		if ((e = entry_add(r, ms[i].msgid)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		entry_set_thread(r, e, ms[i].thread);
		e->date = ms[i].date;
		e->added = true;
		g_ptr_array_add(changed, e);
		touch_thread(r, e->thread);
	}
	if (st == MA_OK)
		st = store_threads_read(r);
	step_msgs_free(ms, n);
	progress_add(&s->progress, n, 0);
	return st;
}

bool
steps_more(const struct steps *s)
{
	return !s->end && s->taken < s->total;
}

bool
steps_first(const struct steps *s)
{
	return s->index == 0;
}

bool
steps_last(const struct steps *s)
{
	return !steps_more(s);
}

void
steps_advance(struct steps *s)
{
	s->index++;
}

struct site **
steps_site(struct steps *s)
{
	return &s->site;
}

const char *
steps_uuid(const struct steps *s, unsigned long *revp)
{
	*revp = s->rev;
	return s->uuid;
}

bool
steps_carry(const struct steps *s)
{
	return s->carry;
}
