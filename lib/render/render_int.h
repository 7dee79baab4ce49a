#ifndef MA_RENDER_INT_H
#define MA_RENDER_INT_H

/*
 * Private to lib/render/: the run every file of the renderer works on
 * (struct run), the entries of the site's order, a conversation being
 * rendered (struct thread_ctx), and the functions the files share. Only
 * files in this folder include it; everything else uses render.h. See
 * render.h for the site's layout and how incremental runs stay equal to
 * full ones. glib (which comes with gmime) provides the hash tables and
 * arrays.
 */
#include <stdbool.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <glib.h>

#include "buf.h"
#include "index_read.h" /* libnotmuch, through the index family */
#include "mime.h"
#include "permalink.h"
#include "render.h"
#include "site.h"
#include "sitename.h"

/* 2: dates come from the message files (date.c), not from notmuch.
 * 3: thread pages are named by their root's Message-ID, and the state
 * remembers every thread name published ("thread" lines, names.c). A
 * state of another version makes a full run. */
#define STATE_MAGIC_STEM "mailarc-render-state "
#define STATE_MAGIC	 STATE_MAGIC_STEM "3"
/* 4: kept per month and per bucket in files beside the manifest
 * (store.c); a state of version 3 is read once and written as 4. */
#define STATE_MAGIC4 STATE_MAGIC_STEM "4"
/* Caps: pages and state are built in memory. */
#define PAGE_MAX  ((size_t)1 << 30)
#define STATE_MAX ((size_t)1 << 31)
#define RAW_MAX	  ((size_t)256 << 20)
/* Messages up to this size stay in memory for their thread's mbox;
 * bigger ones are read again. */
#define RAW_KEEP ((size_t)256 << 10)
/* A thread holds its messages' fragments and raw copies up to this many
 * bytes in all (MAILARC_RENDER_THREAD_KEEP): past it a fragment waits
 * on disk for the thread page and a raw copy is read again for the
 * mbox, so that a conversation of thousands is not held whole. */
#define THREAD_KEEP	    ((size_t)2 << 20)
#define MONTH_PAGE	    200 /* messages per month page */
#define LATEST_THREADS	    20
#define FEED_ENTRIES	    30
#define THREAD_FEED_ENTRIES 50
/* Header text shown anywhere but the message's own page (listings,
 * titles, feeds, neighbours' links) stops at this many characters. */
#define DISPLAY_CHARS 200
/* The markup that incremental runs leave on pages they do not render
 * again (month.c: a month page after the first is not rendered again
 * for new mail after it): in the settings line, so that a site whose
 * pages have other markup is rendered whole once. */
#define PAGES_MARKUP "pages-2"

/*
 * Paths and queries below are built with snprintf() into fixed buffers
 * sized for what goes in, which is bounded before it gets there: thread
 * ids by sitename_set_thread() and sitename_thread_ok() (under 32 bytes),
 * permalink
 * names by PERMALINK_NAME_MAX, months are "YYYY/MM", attachment tokens
 * are checked by sitename_att_token_ok().
 */

/* Entries are allocated this many at a time (entry.c). */
#define ENTRY_BLOCK 4096

/*
 * An entry's listing fields, filled on demand for listings (subject is
 * capped at DISPLAY_CHARS, from is HTML); listing_none, all NULL, for an
 * entry not filled. A few entries are filled at once (entry.c), so they
 * are held apart from the entries: 24 bytes a message less.
 */
struct listing {
	char *subject, *from, *file;
};
extern struct listing listing_none;

/*
 * One message of the archive, as the state file records it. A run holds
 * one per message (O(archive)), so the fields are laid out to fit 40
 * bytes on LP64 (entry.c checks): pointers first, then the small fields.
 * The thread page's NAME is not one of them: it is kept once per thread
 * with the thread id (entry_tname(), thread_ids.c). Nor are its
 * attachments, which most messages have none of: they follow the
 * Message-ID's NUL when atts is set (entry_atts()).
 */
struct entry {
	char *msgid;
	time_t date;
	/* Filled on demand for listings, never NULL (listing_none when
	 * not filled); not in the state file. */
	struct listing *lst;
	/* notmuch's thread id as sitename_set_thread() keeps it, "" for
	 * none: one copy per thread, in run.strings (entry_set_thread()). */
	char *thread;
	uint32_t pos;	 /* in run.order */
	uint16_t nfiles; /* versions (files) of the message, at most
			    UINT16_MAX */
	bool filled : 1;
	bool listed : 1;  /* in run.filled (entry.c) */
	bool erased : 1;  /* gone this run by an erasure (removed.c) */
	bool indexed : 1; /* found by entry_find() (entry_index.c) */
	/* entry_tname() is NULL for this entry whatever its thread's NAME
	 * (names.c: its own page name could not be made when it was the
	 * root; the state said "-"). */
	bool noname : 1;
	bool atts : 1; /* entry_atts() follows msgid's NUL */
	/* Its line on a month page may differ from the published one: it
	 * changed or came this run, or its thread's NAME did (month.c). */
	bool dirty : 1;
	bool added : 1; /* not in the state before this run */
};

struct tomb {
	char *when; /* ISO 8601 */
	char *id;   /* the Message-ID the page is named after */
	char thread[32];
	bool fresh; /* not applied by an earlier run */
};

struct run {
	const struct render_opts *o;
	struct render_stats *stats;
	notmuch_database_t *db;
	struct site *site;
	struct entry_index *eidx; /* msgid -> entry (entry_index.c) */
	GPtrArray *order;	  /* entries by (date, msgid); as the state
				     listed them until collect_entries() */
	GHashTable *threads;	  /* thread ids to render */
	GHashTable *months;	  /* "YYYY/MM" to render */
	GHashTable *tombs;	  /* msgid -> struct tomb * */
	GHashTable *tomb_threads; /* thread ids named by tombstones */
	struct tomb_map *tmap;	  /* tomb_map.c (NULL: none) */
	/* thread id -> struct thread_known, for the long threads rendered
	 * this run (thread.c): the home page lists them without asking
	 * notmuch to load them again. */
	GHashTable *known;
	GPtrArray *gone; /* entries deleted this run (owned) */
	GArray *moved;	 /* struct entry: msgid and old date of entries whose
			    date changed this run (a new first version) */
	char *uuid;
	unsigned long rev;
	long tomb_off;
	/* removed.c: the fresh erasures are applied; a fresh tombstone's
	 * message is still indexed (its removal is not finished: the state
	 * keeps tomb_off, so that the next run applies it again). */
	bool erasures_applied, tomb_pending;
	char *settings;	       /* what the last run rendered with */
	GPtrArray *blocks;     /* of ENTRY_BLOCK entries */
	size_t block_used;     /* in the last block */
	GStringChunk *strings; /* msgid, atts and thread of the entries */
	/* entry.c: the entries whose listing fields are filled; emptied
	 * by entries_unfill() wherever no page is being written, so that
	 * they follow a thread or a month, not the archive. The most at
	 * once, for MAILARC_RENDER_STATS. */
	GPtrArray *filled;
	size_t filled_peak;
	size_t heap_peak;   /* MAILARC_RENDER_STATS: the heap's most (run.c) */
	size_t thread_heap; /* the same, the most a thread adds (thread.c) */
	size_t state_read;  /* bytes of the state read this run */
	/* search.c: messages read again for the index (neither parsed by
	 * this run's pages nor in the index's cache) */
	size_t search_read;
	size_t state_written;  /* files of the state written this run */
	struct store *store;   /* store.c: the files the state had */
	struct search *search; /* search.c's documents of this run */
	/* names.c: every thread NAME published, a struct tname each
	 * (name_table.c); the NAME of this run's threads is kept with
	 * their ids (tids). */
	struct name_table *names;
	struct thread_ids *tids; /* thread_ids.c */
	/* The struct tname taken out of names (names_retire()): freed with
	 * the run, since an entry's tname may be the NAME they hold. */
	GPtrArray *names_gone;
	/* state_log.c, reading a version 3 state: the bytes of the state
	 * file up to its last record, of which the log's (0: none); the
	 * entries the log set (not in order) and removed. */
	size_t state_end, log_len;
	GPtrArray *relog, *dropped;
	struct fill_cache *fills; /* fill_cache.c (NULL: none yet) */
	struct steps *steps;	  /* steps.c: a run in steps (NULL: none) */
	/* names.c: what the state says of NAMEs the last step settles;
	 * the site earlier steps staged into (NULL: not a step). */
	struct carry *carry;
	struct site *held_site;
	int legacy_flat; /* legacy.c: t/ flat? 0: not looked, 1: no, 2: yes */
	GHashTable *erased_names;   /* erased.c (NULL: not looked yet) */
	GHashTable *erased_threads; /* removed.c: of this run's erasures */
	/* names.c: the run read part of the state when it named the
	 * threads, and marked the entries whose NAME changed (dirty): a
	 * month's pages before its first dirty entry are as published. */
	bool pages_partial;
};

/* A thread NAME the site has published: the Message-ID it was named
 * after (tname_root()) and where the address leads now (tname_target():
 * itself while it names a live thread, another NAME when the thread now
 * has another root, "-" when its messages were removed). A full run
 * holds one per thread the site ever published, so a record is its
 * flags and its bytes (name_table.c): NAME, then ROOT when it is not
 * NAME, then TARGET when it is neither NAME nor set later (a target set
 * later is held by the table, tname_set_target()). */
struct tname {
	uint8_t flags; /* TNAME_* */
	char name[];
};
#define TNAME_ROOT   1u /* the root follows the NAME's NUL */
#define TNAME_TARGET 2u /* the target follows (the root's, if any) NUL */
#define TNAME_LATER  4u /* the target is the table's (name_table.c) */

/* Where a shown date comes from (date.c). */
enum date_src {
	DATE_HEADER,   /* the Date header */
	DATE_RECEIVED, /* the first Received header: Date missing or absurd */
	DATE_DELIVERY, /* the Maildir name's time or the file's mtime */
};

/* One file of a message (versions.c). */
struct version {
	char *file;
	time_t date;
	enum date_src src;
	char hash[65]; /* SHA-256 of the file; "" when it is the only one */
};

struct tmsg {
	notmuch_message_t *nm; /* owned by the thread; NULL for a version */
	struct entry *e;
	time_t date; /* of this version */
	enum date_src date_src;
	char vtag[20];	     /* "" for the primary version, else "v-HASH16" */
	struct version *ver; /* every version, primary first */
	size_t nver;
	struct tmsg *alt; /* ver[1..nver) as shown */
	int depth;
	ssize_t parent;
	/* Its replies in the walk's order, indexes into the thread's
	 * messages: the first, the last, and the next of its parent's
	 * (-1: none). */
	ssize_t reply, reply_last, next;
	char name[PERMALINK_NAME_MAX];
	char anchor[16]; /* in the thread page: anchor_of() */
	/* The primary version's Reply-To and References (reply.c), raw;
	 * NULL when it has none. */
	char *reply_to, *refs;
	/* The primary version's In-Reply-To and References (gap.c), raw;
	 * NULL when it has none or no message was ever removed. */
	char *in_reply_to, *references;
	struct mime_msg *mm;
	char *raw; /* the message file, read once */
	size_t raw_len;
	struct buf frag; /* headers, body, attachments */
	/* frag, once its page is written, when the thread holds
	 * THREAD_KEEP: its bytes in the thread's spill (thread_hold.c;
	 * frag_out 0: in frag). */
	uint64_t frag_at;
	size_t frag_out;
	char **att_urls; /* "a/HH/HASH.EXT" per mm->att */
};

/* What the home page lists of a conversation (home.c): how many
 * messages notmuch has in it, and its oldest in the site's order. */
struct thread_known {
	int total;
	struct entry *first;
};

/* A thread is known (run.known) from this many messages on: loading it
 * again is what would cost. */
#define THREAD_KNOWN_MIN 256

struct thread_ctx {
	struct tmsg *m;
	size_t n;
	struct entry *first; /* its oldest message in the site's order */
	const char *id;	     /* notmuch's, for queries */
	const char *name;    /* the page's NAME: t/NAME.html */
	/* Bytes of fragments and raw copies held, and an unnamed file for
	 * the fragments past FRAG_KEEP (-1: none yet, -2: none to be had)
	 * and its length. */
	size_t frag_kept, raw_kept;
	int spill;
	uint64_t spill_len;
};

/* Return st from the calling function when x fails. */
#define ADD(x)                                                                 \
	do {                                                                   \
		if ((st = (x)) != MA_OK)                                       \
			return st;                                             \
	} while (0)

/* month.c: "January".."December". */
extern const char *const month_names[12];

/* entry.c */
/* touch_thread - mark thread id (when a valid name) for this run. */
void touch_thread(struct run *r, const char *id);
/* The keys of a set of strings, sorted: runs do things in one order. */
GPtrArray *sorted_keys(GHashTable *h);
void entries_free(struct run *r);
struct entry *entry_add(struct run *r, const char *msgid);
/* entry_set_thread() - e's thread id: src when sitename_set_thread()
 * takes it, else "". */
void entry_set_thread(struct run *r, struct entry *e, const char *src);
/*
 * entry_atts() - e's attachment tokens, "HASH.EXT HASH.EXT" ("" for
 * none), valid until the run ends; entry_set_atts() - e's tokens are
 * atts from now on (copied into run.strings with e's Message-ID before
 * them: e->msgid moves there, with the same bytes).
 */
const char *entry_atts(const struct entry *e);
void entry_set_atts(struct run *r, struct entry *e, const char *atts);
/* entry_set_fields() - e's thread, date and attachments from the fields
 * THREAD, DATE, ATTACHMENTS ("-": none) of a state line f[1..3]. */
void entry_set_fields(struct run *r, struct entry *e, char *const f[4]);
/* text_capped() - s cut at text_cap_len() (chrome.c) with an ellipsis,
 * malloc'd (NULL: no memory). */
char *text_capped(const char *s);
/* entry_listing() - e->lst made e's own (NULL: no memory); the caller
 * sets its fields and e->filled. */
struct listing *entry_listing(struct entry *e);
/* listing_drop() - e's listing fields freed; e is not filled. */
void listing_drop(struct entry *e);
void entry_fill_from(struct run *r, struct entry *e, notmuch_message_t *m);
bool entry_fill(struct run *r, struct entry *e);
/* entries_unfill() - free the listing fields of every filled entry
 * (entry_fill() reads them again): called between threads and months,
 * where no caller holds them. */
void entries_unfill(struct run *r);
/*
 * entries_unfill_many() - entries_unfill() when more than
 * ENTRIES_FILLED_MAX entries are filled (MAILARC_RENDER_FILLED sets
 * another bound, for the tests): called between the pages of a month and
 * the messages of its mbox, each of which fills its own entries, so that
 * a month of 100,000 messages does not hold them all (30 MB), at the
 * price of reading again what a later page needs. A month of ordinary
 * size keeps them, and its pages by conversation fill none again.
 */
#define ENTRIES_FILLED_MAX 8192
void entries_unfill_many(struct run *r);
enum ma_status entry_page_name(struct run *r, struct entry *e,
			       char name[PERMALINK_NAME_MAX]);
void iso_date(time_t t, char out[32]);
void human_date(time_t t, char out[32]);
gint entry_cmp(gconstpointer a, gconstpointer b);
size_t order_position(struct run *r, const struct entry *e);
/* order_merge() - r->order, which holds the entries as the state listed
 * them (in the site's order), becomes the order after this run: the
 * entries gone dropped, those changed (re)placed. false when the state's
 * order was not sorted (then the caller sorts everything). */
bool order_merge(struct run *r, GPtrArray *changed);

/*
 * entry_index.c: the entries by Message-ID. entry_index_new() makes an
 * empty index (freeing any), entry_index_free() frees it (the entries
 * are the run's). entry_find() - the entry of msgid (NULL: none);
 * entry_index_put() - e, the run's entry number num (entry_add()), found
 * by its Message-ID from now on (MA_ENOMEM, MA_ETOOBIG past 2^32
 * entries); entry_index_reserve() - room made at once for more entries
 * to be put (a state file of a known count), not by growing the index
 * again and again; entry_forget() - e no longer found (it stays allocated);
 * entries_indexed() - how many are found; entry_next() - the entries
 * found, in the order they were made (*it 0 at the start; NULL at the
 * end).
 */
struct entry_index;
enum ma_status entry_index_new(struct run *r);
void entry_index_free(struct run *r);
struct entry *entry_find(const struct run *r, const char *msgid);
enum ma_status entry_index_put(struct run *r, struct entry *e, size_t num);
enum ma_status entry_index_reserve(struct run *r, size_t more);
void entry_forget(struct run *r, struct entry *e);
size_t entries_indexed(const struct run *r);
/* entry_index_bytes() - what the index holds (for MAILARC_RENDER_STATS). */
size_t entry_index_bytes(const struct run *r);
struct entry *entry_next(const struct run *r, size_t *it);

/* fill_cache.c: the listing fields of the entries filled last, kept
 * past entries_unfill(). fill_cache_put() keeps a copy of a filled e's;
 * fill_cache_get() sets e's from a copy (true) or does nothing (false);
 * fill_cache_free(NULL) does nothing. */
struct fill_cache;
void fill_cache_put(struct run *r, const struct entry *e);
bool fill_cache_get(struct run *r, struct entry *e);
void fill_cache_free(struct fill_cache *c);
/* fill_cache_from_get() - from_brief()'s HTML of header made before in
 * this run, malloc'd (NULL: not kept, or no memory);
 * fill_cache_from_put() keeps a copy of html as header's. */
char *fill_cache_from_get(struct run *r, const char *header);
void fill_cache_from_put(struct run *r, const char *header, const char *html);

/* date.c: render_parse_date() reads an RFC 5322 date (obsolete forms
 * and zone names of 4.3 included, years 1000..9999); render_mail_date()
 * is the date a message is shown and filed under, from its header block
 * hdr[0..len) and its file's path (see date.c). */
bool render_parse_date(const char *s, time_t *out);
time_t render_mail_date(const char *hdr, size_t len, const char *path,
			enum date_src *src);

/* versions.c: the files of m, primary first (see versions.c); *vp is
 * freed with versions_free(). version_date() sets v->date and v->src from
 * data[0..len) (NULL: read v->file). */
enum ma_status versions_of(notmuch_message_t *m, struct version **vp,
			   size_t *np);
void versions_free(struct version *v, size_t n);
/* versions_of_undated() - versions_of(), but a message of one file gets
 * no date (the caller dates it from the bytes it reads anyway). */
enum ma_status versions_of_undated(notmuch_message_t *m, struct version **vp,
				   size_t *np);
void version_date(struct version *v, const char *data, size_t len);

/* render_state_load() - the state, read a line at a time; entries false
 * (a full run): its thread names and header only. */
enum ma_status render_state_load(struct run *r, const char *path, bool entries);
/* settings.c: settings_line() - what every page shows or depends on, as
 * the state's "settings" line (malloc'd; NULL: no memory). */
char *settings_line(const struct render_opts *o);
/* render_state_stage() - the state's files, before the site's commit;
 * render_state_save() - after it, the state that names them. */
enum ma_status render_state_stage(struct run *r, const char *path,
				  GPtrArray *changed);
enum ma_status render_state_save(struct run *r, const char *path,
				 const char *uuid, unsigned long rev);
enum ma_status state_entry(struct run *r, char *line, char *nl, bool log);

/* state_log.c: the log of a version 3 state (see there), read to
 * convert it. state_log_mark() says if the line p..nl starts it;
 * state_log_load() applies the committed records of data[mark..len)
 * (mark: the "@log" line). */
bool state_log_mark(const char *p, const char *nl);
enum ma_status state_log_load(struct run *r, char *data, size_t mark,
			      size_t len, unsigned long *rev, long *off);

/*
 * store.c, store_load.c, store_query.c: the state on disk, version 4
 * (see there).
 * store_load() reads the manifest manifest[0..len) (the whole file at
 * path, header included); with entries (an incremental run) nothing
 * else yet, without (a full run) the thread names. An incremental run
 * then reads what it needs: store_prefetch() for each message notmuch
 * changed (before query_messages()), store_widen() once the threads to
 * render are marked, store_names_check() before thread_names(); each
 * may fall back to store_load_all(), after which store_partial() is
 * false and the run holds the whole order, as a full run does.
 * store_go_full() makes an incremental run full (the thread names
 * read). MA_ENOTFOUND: a file is missing or damaged (a full run).
 * store_sort() sorts what is loaded into r->order, positions set.
 * store_totals() and store_month_counts() give the archive's counts
 * while the run holds part of it (false, NULL: it holds all).
 * store_stage() writes the files that changed under a new generation
 * (durable, but named by no manifest yet: before the site's commit);
 * store_save(), after the commit, writes the manifest that names them,
 * then removes the files it no longer names.
 * store_thread_root() is render_thread_root() on such a state.
 */
struct store;
struct month_count {
	char month[8]; /* "YYYY/MM" */
	size_t count;
};
enum ma_status store_load(struct run *r, const char *path, char *manifest,
			  size_t len, bool entries);
enum ma_status store_load_all(struct run *r);
enum ma_status store_go_full(struct run *r);
/* store_full_names() - the thread NAMEs of a full run that does not go
 * in steps (store_load() and store_go_full() leave them for steps.c to
 * decide), with those a run of steps killed part way carried
 * (store_carry.c). */
enum ma_status store_full_names(struct run *r);
/*
 * store_carry.c: a full run in steps over NAMEs. store_carry_path() -
 * the file they wait in (malloc'd); store_names_held() - the state has
 * name buckets; store_carry_write() - them into the file at path, after
 * what it held; store_carry_lines() - line() of each of its lines;
 * store_carry_bucket() - the NAMEs of name bucket k into names;
 * store_carry_live() - those of names the name buckets hold, into live;
 * store_carry_holders() - for each Message-ID of roots, the NAME its
 * month line gives ("-": none; NULL: not held); store_carry_thread_name()
 * - the NAME the state gives thread (NULL: none). Keys and values g_free.
 */
char *store_carry_path(const struct run *r);
bool store_names_held(const struct run *r);
enum ma_status store_carry_write(struct run *r, const char *path);
enum ma_status store_carry_lines(const char *path,
				 enum ma_status (*line)(void *arg, char *line),
				 void *arg);
enum ma_status store_carry_bucket(struct run *r, unsigned k, GHashTable *names);
enum ma_status store_carry_live(struct run *r, GHashTable *names,
				GHashTable *live);
enum ma_status store_carry_holders(struct run *r, GHashTable *roots);
enum ma_status store_carry_thread_name(struct run *r, const char *thread,
				       char **namep);
bool store_partial(const struct run *r);
/* store_damaged() - a file the manifest names was missing or damaged:
 * the run fails, and render_run() renders everything instead. */
bool store_damaged(const struct run *r);
enum ma_status store_prefetch(struct run *r, const char *msgid,
			      const char *thread, time_t date);
/*
 * steps.c: a full run in steps (see there). steps_begin() - *sp the
 * plan of a full run of r (rev and uuid: the database's), its order read
 * and sorted, the NAMEs the state has carried (NULL: one full run does
 * it: a small archive, steps turned off, or NAMEs in a version 3
 * header). steps_collect() - the next step's
 * messages as entries, changed, their months and threads' records
 * read. steps_more() - messages left for steps; steps_first() - the
 * run is step 0 (the full one); steps_last() - nothing comes after
 * this run; steps_advance() - the next run is the next step;
 * steps_site() - the site open across the steps (NULL until step 0
 * opens it); steps_uuid() - the database's uuid and revision (*revp)
 * the steps render.
 */
struct steps;
enum ma_status steps_begin(struct run *r, const char *uuid, unsigned long rev,
			   struct steps **sp);
enum ma_status steps_collect(struct run *r, GPtrArray *changed);
bool steps_more(const struct steps *s);
bool steps_first(const struct steps *s);
bool steps_last(const struct steps *s);
void steps_advance(struct steps *s);
struct site **steps_site(struct steps *s);
const char *steps_uuid(const struct steps *s, unsigned long *revp);
/* steps_carry() - the steps carry the NAMEs the site published
 * (store_carry.c); the last settles them (names_settle_carried()). */
bool steps_carry(const struct steps *s);
void steps_free(struct steps *s);

/* store_prefetch_new() - store_prefetch() of a message the state does
 * not hold (a step of a first render, steps.c), its month "YYYY/MM"
 * loaded unless NULL (the step's message before it had the same);
 * store_threads_read() - the records of the threads marked to render,
 * each bucket read once. */
enum ma_status store_prefetch_new(struct run *r, const char *thread,
				  const char *month);
enum ma_status store_threads_read(struct run *r);
/* store_prefetch_tomb() - a fresh tombstone (key as r->tombs has it):
 * the month of its message (its Message-ID's bucket gives its date) or,
 * for an erasure, its thread's months; everything when that cannot be
 * known or the state does not count attachments' users.
 * store_thread_roots() - for each thread id of roots (keys, g_free'd),
 * the root the state records of it as the value (g_strdup'd; none:
 * NULL), for tomb_map.c. */
enum ma_status store_prefetch_tomb(struct run *r, const char *key,
				   const struct tomb *t);
enum ma_status store_thread_roots(struct run *r, GHashTable *roots);
enum ma_status store_widen(struct run *r);
enum ma_status store_names_check(struct run *r);
/* store_renamed() - a run that read part of the state removed the root
 * of a thread it renders: names_publish() gives the thread's old NAME,
 * and the NAMEs that led to it, their new targets (store_names_check()
 * read them). */
bool store_renamed(const struct run *r);
void store_sort(struct run *r);
bool store_totals(const struct run *r, size_t *messages, size_t *threads);
/* render_messages() - how many messages the site holds. */
size_t render_messages(const struct run *r);
GArray *store_month_counts(struct run *r);
enum ma_status store_stage(struct run *r, const char *path, GPtrArray *changed);
enum ma_status store_save(struct run *r, const char *path, const char *uuid,
			  unsigned long rev);
void store_free(struct store *s);
unsigned store_bucket(const char *key);
enum ma_status store_thread_root(const char *path, char *manifest, size_t len,
				 const char *msgid, char **rootp);

/*
 * store_atts.c: each attachment token's users, counted in the state.
 * store_atts_before() - a run that read part of the state notes the
 * tokens of the entries of the threads it renders and of the messages it
 * removes (after collect_entries(), before the pages);
 * store_atts_counted() - it did (the state counts them);
 * store_atts_settle() - after the thread pages: the counts of what
 * changed, and the files of the tokens no message uses any more removed
 * from the site; store_atts_drop() - by a walk of every entry instead.
 */
enum ma_status store_atts_before(struct run *r);
bool store_atts_counted(const struct run *r);
enum ma_status store_atts_settle(struct run *r);
enum ma_status store_atts_drop(struct run *r);

/* removed.c */
void tomb_free(void *p);
enum ma_status tombs_read(struct run *r, long from, long *endp);
enum ma_status apply_tomb(struct run *r, const char *msgid,
			  const struct tomb *t);
enum ma_status removed_message_page(struct run *r, const char *msgid,
				    const struct tomb *t);
enum ma_status removed_thread_page(struct run *r, const char *name);
enum ma_status removed_message_pages(struct run *r, bool full);

/* names.c: thread_names() sets e->tname of every entry and records new
 * names; names_publish() writes the pages of names that no longer name
 * a live thread (a notice that leads to the thread that holds the
 * message now, or "Conversation removed"). The state's NAME lines are
 * store.c's (store_names()). */
enum ma_status thread_names(struct run *r);
enum ma_status names_publish(struct run *r, bool full);
/* names_settle_carried() - the last step of a full run in steps: each
 * NAME no live thread has, settled as names_publish() of one full run. */
struct carry {
	GHashTable *holder, *live; /* root -> its thread's NAME; live NAMEs */
};
enum ma_status names_settle_carried(struct run *r);
/*
 * name_table.c: r->names. name_table_new() (glib's allocator: no memory
 * ends the run), name_table_free() (the records it holds and every
 * block; NULL does nothing). names_alloc() - room for a record of size
 * bytes, kept until the table is freed (NULL: no memory); names_put() -
 * rec found by rec->name from now on (one there before is no longer);
 * names_get() - the record of name (NULL: none); names_take() - the
 * record of name out of the table (NULL: none), still the table's (its
 * bytes and a target set later stay until the table is freed);
 * names_count(); names_sorted() - every NAME, sorted (each the record's
 * name; the array is the caller's).
 * A record is struct tname and its bytes (pagename.c, tname_record()).
 */
struct name_table;
struct name_table *name_table_new(void);
void name_table_free(struct name_table *t);
struct tname *names_alloc(struct run *r, size_t size);
void names_put(struct run *r, struct tname *rec);
struct tname *names_get(const struct run *r, const char *name);
struct tname *names_take(struct run *r, const char *name);
size_t names_count(const struct run *r);
GPtrArray *names_sorted(const struct run *r);
/* names_bytes() - what the table holds (slots and blocks), about. */
size_t names_bytes(const struct run *r);
/* tname_root(), tname_target(): t's root Message-ID and target, valid
 * until the table is freed or, for the target, set again;
 * tname_set_target() - t leads to a copy of to from now on (MA_ENOMEM:
 * unchanged). */
const char *tname_root(const struct tname *t);
const char *tname_target(const struct run *r, const struct tname *t);
enum ma_status tname_set_target(struct run *r, struct tname *t, const char *to);
/* pagename.c: the table of thread NAMEs, r->names. names_note() reads
 * a state's "thread" line into it; tname_record() records NAME with
 * its root and target (copied). */
enum ma_status names_note(struct run *r, const char *line);
enum ma_status tname_record(struct run *r, const char *name, const char *root,
			    const char *target);
/* names_retire() - NAME out of r->names; its record stays allocated
 * until the run ends (e->tname of an entry may point to its NAME). */
void names_retire(struct run *r, const char *name);
/*
 * name_stem() - "HH/NAME" of a page NAME (permalink_stem()): the path of
 * its page under m/ or t/ is "m/" STEM ".html". Every NAME the renderer
 * holds has one (names_note() skips any other); out is returned.
 */
const char *name_stem(const char *name, char out[PERMALINK_STEM_MAX]);

/*
 * legacy.c: legacy_publish() - in a full run, after every page and
 * before site_gc(): the addresses of the flat layout (m/NAME.html,
 * t/NAME.html) that the site holds become notices that lead to their
 * shard; their raw files stay.
 */
enum ma_status legacy_publish(struct run *r);

/*
 * legacy_twin() - when the site holds t/NAME.EXT of the flat layout (a
 * thread's feed or mbox), its path into out[size]: the caller writes the
 * same bytes there as at t/HH/NAME.EXT. false for a site without one.
 */
bool legacy_twin(struct run *r, const char *name, const char *ext, char *out,
		 size_t size);

/* pagename.c: anchor_of() - the anchor of a message in its thread page:
 * "m" and the first 12 hex digits of the SHA-256 of its Message-ID. */
void anchor_of(const char *msgid, char out[16]);

/* chrome.c */
/* render_fmt - snprintf into buf; MA_ETOOBIG (logged) when the text would
 * not fit, so that a path, query or title is never cut short. */
enum ma_status render_fmt(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The style of the HTML mail frame (message.c writes it); the base64
 * SHA-256 of it, for every page's CSP. */
extern const char frame_css[];
const char *frame_css_hash(void);
/* Bytes of s[0..n) that hold at most max_chars UTF-8 characters (never
 * a cut sequence). */
size_t text_cap_len(const char *s, size_t n, size_t max_chars);
enum ma_status page_begin(struct run *r, struct buf *b, const char *pre,
			  const char *title, const char *feed,
			  const char *crumbs);
enum ma_status page_end(struct buf *b, const char *pre);
/* publish.c */
/* page_publish - fill(r, b) builds the page in b (at most PAGE_MAX bytes),
 * which is then published at rel (site_put_buf). Returns the first failing
 * status of the two. */
typedef enum ma_status page_fill_fn(struct run *r, struct buf *b);
enum ma_status page_publish(struct run *r, const char *rel, page_fill_fn *fill);
/* What a page that moved says: "TITLE" as its heading, then "LEAD LINK WHY
 * This address stays, ..." with LINK the link to the new address. */
struct moved_notice {
	const char *title, *lead, *link, *why;
};
/* redirect_page - the notice n at rel that leads to url, by link and by a
 * meta refresh; up is the way to the site's top. */
enum ma_status redirect_page(struct run *r, const char *rel, const char *up,
			     const struct moved_notice *n, const char *url);
enum ma_status addrs_html(struct run *r, struct buf *b,
			  const struct mime_addr *a, size_t n, bool brief);
bool addrs_usable(const struct mime_addr *a, size_t n);
char *from_brief(struct run *r, const char *header);

/* message.c */
enum ma_status write_attachments(struct run *r, struct tmsg *t);
enum ma_status message_frag(struct run *r, struct tmsg *t);
enum ma_status msg_link(struct buf *b, struct tmsg *t, const char *label);
enum ma_status permalink_page(struct run *r, struct thread_ctx *tc, size_t i);

/* reply.c: the Reply link and headers of t's page (nothing when the
 * space turns them off). */
enum ma_status reply_html(struct run *r, struct buf *b, const struct tmsg *t);
/* reply_note() - keep t's Reply-To and References from its file's
 * header block data[0..len). MA_ENOMEM. */
enum ma_status reply_note(struct tmsg *t, const char *data, size_t len);

/* reply.c: reply_header_value() - a header's value in the header block
 * data[0..len), folded lines and all, g_malloc'd; NULL when it is not there (or
 * no memory: *st). */
char *reply_header_value(const char *data, size_t len, const char *name,
			 enum ma_status *st);

/* gap.c: a removed message's place in a thread page. gap_note() keeps
 * t's In-Reply-To and References (when any tombstone exists);
 * gap_slots() gives the page's order, a slot per message of tc and per
 * removed message whose place is known (*sp freed by the caller);
 * gap_tree_item() and gap_article() write a removed one's line and
 * notice. */
struct gap_slot {
	ssize_t msg;	 /* in tc->m; -1 for a removed message */
	const char *key; /* removed: its r->tombs key */
	int depth;
	ssize_t parent; /* slot index; -1 at the top */
	char anchor[16];
};
enum ma_status gap_note(struct run *r, struct tmsg *t, const char *data,
			size_t len);
enum ma_status gap_slots(struct run *r, const struct thread_ctx *tc,
			 struct gap_slot **sp, size_t *np);
enum ma_status gap_tree_item(struct buf *b, const struct gap_slot *s);
enum ma_status gap_article(struct run *r, struct buf *b,
			   const struct gap_slot *s, size_t pos);

/* raw.c: read_raw() - a message file, whole, malloc'd and NUL-ended;
 * read_raw_stat() also gives its fstat(2) (st_mode 0: none taken). */
enum ma_status read_raw(const char *file, char **datap, size_t *lenp);
enum ma_status read_raw_stat(const char *file, char **datap, size_t *lenp,
			     struct stat *sbp);
/* raw_open.c: raw_open() - open(file, O_RDONLY) from its folder, held
 * open for the next file there (-1: errno says why); raw_release()
 * closes it. */
int raw_open(const char *file);
void raw_release(void);
enum ma_status mbox_add(struct buf *b, const char *file, time_t date,
			const char *hdr);

enum ma_status thread_mbox(struct run *r, const struct thread_ctx *tc,
			   GPtrArray *byd);
/* month_mbox() - the month's mbox of the entries lo..hi-1; with kept
 * above 0, the published file holds the first kept of them: what comes
 * after is added to its bytes (when it ends as one of ours does). */
enum ma_status month_mbox(struct run *r, const char *month, size_t lo,
			  size_t hi, size_t kept);

/* atom.c */
enum ma_status atom_begin(struct run *r, struct buf *b, const char *title,
			  const char *id, const char *alt, time_t updated);
enum ma_status atom_entry(struct buf *b, struct entry *e, const char *pre);
enum ma_status feed_page(struct run *r);
enum ma_status thread_feed(struct run *r, const struct thread_ctx *tc,
			   GPtrArray *byd, time_t newest);

/* thread.c */
enum ma_status render_thread(struct run *r, notmuch_thread_t *th);
enum ma_status render_thread_id(struct run *r, const char *id);

/* thread_hold.c: what a thread holds of its messages while it is
 * written. thread_keep() - its budget, THREAD_KEEP or
 * MAILARC_RENDER_THREAD_KEEP; tmsg_settle() - what is left of t once
 * its own page is written; frag_add() - t's fragment, held or spilled,
 * onto b; tmsg_release(), thread_ctx_release() - free them. */
size_t thread_keep(void);
void tmsg_settle(struct run *r, struct thread_ctx *tc, struct tmsg *t);
enum ma_status frag_add(struct buf *b, const struct thread_ctx *tc,
			const struct tmsg *t);
void tmsg_release(struct tmsg *t);
void thread_ctx_release(struct thread_ctx *tc);
/* A page made in memory and put whole, or once past thread_keep()
 * streamed (site_file_open()): page_out_flush() writes what b holds
 * when it is at least at bytes, page_out_end() puts or commits the page
 * when st is MA_OK, else drops it, and frees b. */
struct page_out {
	struct site *site;
	const char *rel;
	struct buf b;
	struct site_file *f;
};
enum ma_status page_out_flush(struct page_out *o, size_t at);
enum ma_status page_out_end(struct page_out *o, enum ma_status st);

/* month.c */
int month_num(const char *month);
/* month_range() - the entries of month "YYYY/MM" are r->order[lo..hi)
 * (contiguous: the order is sorted by date), found in log(order) steps. */
void month_range(struct run *r, const char *month, size_t *lo, size_t *hi);
/* month_start() - lo alone, found in log(order) steps. */
size_t month_start(struct run *r, const char *month);
enum ma_status month_pages(struct run *r, const char *month);
/*
 * month_change() - what of month "YYYY/MM" (r->order[lo..hi)) an
 * incremental run that read part of the state can leave as published:
 * first, the place in the month of its first entry that changed, came
 * or left, or whose thread's NAME changed (hi - lo: none); threads,
 * those entries' threads (NULL: every page, first 0: any other run);
 * left, whether an entry left the month. Entries before first are those
 * the month showed, in the same order, with the same thread NAMEs.
 * month_change_free() frees threads.
 */
struct month_change {
	size_t first;
	GHashTable *threads;
	bool left;
};
void month_change(struct run *r, const char *month, size_t lo, size_t hi,
		  struct month_change *c);
void month_change_free(struct month_change *c);

/* home.c */
enum ma_status index_page(struct run *r);

/* search.c, search_page.c: the search index and page (site/search/) */
struct search;
enum ma_status search_add(struct run *r, struct tmsg *t);
enum ma_status search_publish(struct run *r, bool full);
enum ma_status search_page(struct run *r);
/* search_cache.c: search_cache_usable() - month "YYYY/MM", of count
 * messages, has a cached segment for each of its parts, all of which the
 * site holds: a run need not read its entries to list them. */
bool search_cache_usable(struct run *r, const char *month, size_t count);
void search_free(struct search *s);

/*
 * thread_ids.c: each thread id of the run's entries once, with the NAME
 * of its page. thread_id_keep() - id's kept copy (made once; an entry's
 * e->thread is one). thread_name_of() - the NAME set for thread id (NULL:
 * none, or not kept); thread_name_set() - set it (id kept before: else
 * nothing); thread_names_forget() - every NAME unset; thread_ids_free()
 * - every id freed (NULL does nothing).
 */
struct thread_ids;
const char *thread_id_keep(struct run *r, const char *id);
const char *thread_name_of(const struct run *r, const char *id);
void thread_name_set(struct run *r, const char *id, const char *name);
void thread_names_forget(struct run *r);
/* entry_tname() - the NAME of e's thread page (names.c sets it for
 * every entry with a thread once the order is known; a run that read
 * part of the state keeps the state's for the threads it does not
 * render), NULL for none or when e->noname. e->thread must be a kept id
 * (thread_id_keep()), as entry_add() and entry_set_thread() make it. */
const char *entry_tname(const struct entry *e);
void thread_ids_free(struct run *r);

/* heap.c: render_heap_now() - bytes allocated and not freed (for
 * MAILARC_RENDER_STATS). */
size_t render_heap_now(void);

/*
 * walk.c: what a run asks notmuch for. walk_entry_date() - e's date, from
 * the primary version's file (date.c), not notmuch's; walk_query() - the
 * messages of query qs, unsorted, into *qp and *msp (the caller destroys
 * *qp); walk_messages() - an entry for each message of qs, its thread
 * and date set (an entry whose date or thread changed marks what it
 * leaves), each also into changed (unless NULL) with its thread touched;
 * walk_every_message() - walk_messages() of every message, in windows of
 * revisions up to rev; walk_every_thread() - a full run's thread pages,
 * every thread once, in windows of dates (the order must be set).
 */
enum ma_status walk_entry_date(struct entry *e, notmuch_message_t *m);
enum ma_status walk_query(struct run *r, const char *qs, notmuch_query_t **qp,
			  notmuch_messages_t **msp);
enum ma_status walk_messages(struct run *r, const char *qs, GPtrArray *changed);
enum ma_status walk_every_message(struct run *r, unsigned long rev);
enum ma_status walk_every_thread(struct run *r);

/* run.c */

#endif
