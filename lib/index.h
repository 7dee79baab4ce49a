#ifndef MA_INDEX_H
#define MA_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "status.h"

/*
 * The space's notmuch database. This module is the only writer through
 * libnotmuch (index_search.c reads through the same handle type).
 * The index family: index.c (open, add, find, remove, count),
 * index_run.c (mailarc-index: the archive and index.queue into the
 * database), index_search.c ("mailarc search" over the same handle) and
 * index_priv.h (the handle, private to the family). The renderer reads
 * the database with libnotmuch itself, through index_open_notmuch().
 *
 * Layout (a contract: the renderer and users open it as written here):
 *
 *   SPACE/notmuch/config   a stock notmuch config file, written by
 *                          index_config_write():
 *                            [database] path = SPACE/notmuch
 *                                       mail_root = SPACE/archive
 *                            [new] tags = (none)   [search] exclude_tags =
 *                            [maildir] synchronize_flags = false
 *   SPACE/notmuch/xapian/  the Xapian database (notmuch puts it directly
 *                          under database.path because mail_root differs)
 *
 * SPACE is the absolute, symlink-free space folder. So both of these work:
 *
 *   notmuch --config=SPACE/notmuch/config count '*'
 *   notmuch_database_open_with_config(NULL,
 *       NOTMUCH_DATABASE_MODE_READ_ONLY, "SPACE/notmuch/config", NULL,
 *       &db, &msg);
 *
 * Every indexed message carries the tags "space:KEY" and "account:NAME"
 * (NAME is the account that brought it, "import", or "unknown"; a
 * Message-ID brought by several gets one tag each), and notmuch itself
 * adds "attachment" (and "signed", "encrypted") while indexing. File
 * flags are never synchronised into tags, so notmuch never renames
 * archive files.
 *
 * Incremental indexing: mailarc-dedupe appends "NAME<TAB>SOURCE" lines to
 * SPACE/state/index.queue; SPACE/state/index.offset (written atomically)
 * holds how many bytes of it are indexed and committed. It only moves
 * after notmuch has committed what it covers, so a killed run re-indexes
 * at most one batch, which notmuch recognises (same file name) without
 * adding anything twice.
 */

struct index;

enum index_mode { INDEX_READ, INDEX_WRITE };

/*
 * index_config_path - malloc'd SPACE/notmuch/config for a space folder
 * (made absolute); NULL on ENOMEM or when it cannot be resolved (logged).
 */
char *index_config_path(const char *space_dir);

/*
 * index_config_write - write SPACE/notmuch/config (atomically, 0600) when
 * missing or different from what it should say. MA_ECONFIG (logged) for a
 * space path notmuch's config syntax cannot hold.
 */
enum ma_status index_config_write(const char *space_dir);

/*
 * index_open - open the database; INDEX_WRITE creates config and database
 * when missing. A database that another program holds for writing gives
 * MA_ETEMP; a missing one in INDEX_READ mode MA_ENOTFOUND. Logged. Free
 * with index_close(), which commits.
 */
enum ma_status index_open(const char *space_dir, enum index_mode mode,
			  struct index **ixp);

/* notmuch's database handle (notmuch_database_t), for the renderer. */
struct _notmuch_database;

/*
 * index_open_notmuch - open the space's notmuch database read-only as a
 * bare notmuch handle, for readers that walk it with libnotmuch itself
 * (the renderer). key names the space in messages. MA_ECONFIG (logged)
 * when the space has none yet, MA_EIO when it cannot be opened, MA_ENOMEM.
 * The caller frees *dbp with notmuch_database_destroy().
 */
enum ma_status index_open_notmuch(const char *space_dir, const char *key,
				  struct _notmuch_database **dbp);

/*
 * index_add - index the archive file path (absolute, under mail_root) and
 * add tags (NULL-terminated). A file already indexed gets the tags again
 * (harmless). A file notmuch does not take as mail gives MA_EDATA, a file
 * that vanished MA_ENOTFOUND (both logged); other statuses are fatal.
 * *message_id (if given) gets the malloc'd notmuch Message-ID. The
 * document and its tags are written in one atomic section: no commit
 * holds the message without its tags. After a fatal status the handle
 * refuses to add or commit, and index_close() drops (and reports)
 * everything since the last commit.
 */
enum ma_status index_add(struct index *ix, const char *path,
			 const char *const *tags, char **message_id);

/* index_has_file - *yes tells whether the file path is indexed. MA_EIO
 * (logged) when the database cannot answer. */
enum ma_status index_has_file(struct index *ix, const char *path, bool *yes);

/*
 * index_commit - make every change so far durable (notmuch commits on
 * close: the database is closed and opened again).
 */
enum ma_status index_commit(struct index *ix);

/* index_close - commit and free; NULL is fine. */
enum ma_status index_close(struct index *ix);

/* What index_query() reports per message; everything borrowed. */
struct index_hit {
	const char *message_id;
	const char *thread_id;
	const char *const *files; /* absolute paths */
	size_t nfiles;
	time_t date; /* notmuch's date: the Date field, 0 when it has none */
};

/*
 * index_query - call fn for each message matching query (notmuch syntax),
 * oldest first; fn returning non-zero stops. A bad query gives MA_EUSAGE
 * (logged with notmuch's reason).
 */
enum ma_status index_query(struct index *ix, const char *query,
			   int (*fn)(const struct index_hit *h, void *arg),
			   void *arg);

/*
 * index_each - index_query() of every message, in no order, holding a
 * window of the matches at a time, not all (index_each.c).
 */
enum ma_status index_each(struct index *ix,
			  int (*fn)(const struct index_hit *h, void *arg),
			  void *arg);

/*
 * index_find - as index_query() for one Message-ID (angle brackets
 * allowed); MA_ENOTFOUND when the database does not hold it (not logged).
 */
enum ma_status index_find(struct index *ix, const char *message_id,
			  int (*fn)(const struct index_hit *h, void *arg),
			  void *arg);

/*
 * index_lookup - as index_find() for id exactly as notmuch holds it (see
 * permalink_message_id()): nothing is stripped. notmuch shortens ids
 * longer than 189 bytes itself. MA_ENOTFOUND (not logged) when absent.
 */
enum ma_status index_lookup(struct index *ix, const char *id,
			    int (*fn)(const struct index_hit *h, void *arg),
			    void *arg);

/*
 * index_remove - forget the file path; the message goes when its last
 * file does. A file the database does not know is not an error.
 */
enum ma_status index_remove(struct index *ix, const char *path);

/*
 * index_file_thread - the thread id of the message holding the file path
 * into out (size bytes); MA_ENOTFOUND (not logged) when none does.
 */
enum ma_status index_file_thread(struct index *ix, const char *path, char *out,
				 size_t size);

/* index_count - how many messages (or files) match query. */
enum ma_status index_count(struct index *ix, const char *query, bool files,
			   unsigned long *np);

/* Output of index_search(), the choices of "notmuch search --output". */
enum index_output {
	INDEX_OUT_SUMMARY,
	INDEX_OUT_THREADS,
	INDEX_OUT_MESSAGES,
	INDEX_OUT_FILES,
};

struct index_search_opts {
	enum index_output output;
	bool json;
	bool oldest_first; /* default newest first, as notmuch */
	long limit;	   /* < 0: no limit */
	long offset;
};

/*
 * index_search - print the matches of query to out the way "notmuch
 * search" does with the same options (text: one line each; json: one
 * array). Statuses as index_query().
 */
enum ma_status index_search(struct index *ix, const char *query,
			    const struct index_search_opts *o, FILE *out);

/*
 * The mailarc-index stage over a space (the caller holds
 * SPACE/state/index.lock). Paths indexed are printed to out followed by
 * sep. Changes are committed every INDEX_BATCH files.
 */
#define INDEX_BATCH 1000

struct index_run_opts {
	const char *space_dir;
	const char *space_key; /* for the "space:KEY" tag */
	FILE *out;	       /* or NULL */
	char sep;
};

struct index_stats {
	unsigned long indexed, gone, not_mail;
};

/*
 * index_run_queue - index what SPACE/state/index.queue holds past
 * SPACE/state/index.offset and move the offset (see above).
 */
enum ma_status index_run_queue(const struct index_run_opts *o,
			       struct index_stats *stats);

/*
 * index_run_paths - index what index.queue holds, taking the archive
 * files named by paths (NULL-terminated by next() returning NULL, e.g.
 * read from standard input) as the hint that it has something new; a
 * named file the queue does not hold is indexed on its own, its account
 * looked up in the dedupe index.
 */
enum ma_status index_run_paths(const struct index_run_opts *o,
			       const char *(*next)(void *arg), void *arg,
			       struct index_stats *stats);

/* index_run_full - index every file of SPACE/archive (a rebuild). */
enum ma_status index_run_full(const struct index_run_opts *o,
			      struct index_stats *stats);

#endif
