#ifndef MA_DEDUPE_DB_H
#define MA_DEDUPE_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"
#include "status.h"

/*
 * The dedupe index: what the archive holds, found by Message-ID without
 * reading archive/. SPACE/state/dedupe/ holds 4096 bucket files named by
 * the first three hex digits of SHA-256(Message-ID); each is append-only
 * text, one line per archived message file:
 *
 *   IDENTITY<TAB>NAME<TAB>SOURCE<TAB>MESSAGE-ID\n
 *
 * IDENTITY is msg.h's hash, NAME the Maildir base name the file has in
 * archive/ (and had in incoming/: a move keeps it), SOURCE the account key
 * that brought it or "import", MESSAGE-ID without angle brackets. A lookup
 * reads one bucket (about archive size / 4096 lines), and a run reads a
 * bucket again only for an ID it may hold (a filter of the IDs of each
 * bucket read stays in memory: 512 bytes a bucket, 2 MiB at most): a run
 * costs time in proportion to the messages it handles, not to the archive,
 * and holds as much at a million messages as at a hundred thousand.
 *
 * Durability without one fsync per bucket: dedupe_db_add() appends to the
 * bucket and to an in-memory journal; dedupe_db_sync() appends the
 * journal to dir/journal and fsyncs that one file (once per batch);
 * dedupe_db_checkpoint() fsyncs the buckets written (at most 4096, however
 * many messages; one syncfs(2) when there are more than a few dozen) and
 * removes the journal. dedupe_db_open() with recover
 * replays a journal left by a run that never reached its checkpoint.
 *
 * Why text buckets rather than an embedded database: appends are atomic
 * enough for kill -9 (a torn last line is skipped on reading and ended by
 * the next writer), fsync makes them durable, and an administrator can
 * read or grep them. Lines are never rewritten; a deleted message keeps
 * its line (tombstones decide about it).
 */

#define DEDUPE_BUCKETS 4096

struct dedupe_entry {
	char identity[MSG_IDENTITY_LEN + 1];
	char *name;
	char *source;
	char *message_id;
};

struct dedupe_db;

/*
 * dedupe_db_open - the index in dir (created 0700 if missing). Buckets are
 * read on first use and kept until about 100,000 entries are in memory;
 * then all but the one in use are dropped (memory stays flat). With recover
 * (only the holder of the dedupe lock), a journal left behind is replayed
 * first. Free with dedupe_db_close().
 */
enum ma_status dedupe_db_open(const char *dir, bool recover,
			      struct dedupe_db **dbp);

/*
 * dedupe_db_find - the entries with message_id (borrowed: valid until the
 * next call that changes db). *np is 0 when there is none.
 */
enum ma_status dedupe_db_find(struct dedupe_db *db, const char *message_id,
			      const struct dedupe_entry **entriesp, size_t *np);

/*
 * dedupe_db_add - append an entry (copied) to its bucket. The append is
 * not synced: call dedupe_db_sync() before relying on it.
 */
enum ma_status dedupe_db_add(struct dedupe_db *db, const char *identity,
			     const char *name, const char *source,
			     const char *message_id);

/* dedupe_db_sync - make every entry added so far durable (journal). */
enum ma_status dedupe_db_sync(struct dedupe_db *db);

/* dedupe_db_checkpoint - sync, fsync the buckets, drop the journal. */
enum ma_status dedupe_db_checkpoint(struct dedupe_db *db);

/* dedupe_db_close - sync nothing, close and free; NULL is fine. */
void dedupe_db_close(struct dedupe_db *db);

/*
 * dedupe_db_source - the SOURCE recorded for the archive file called name
 * whose Message-ID is message_id (borrowed), or NULL.
 */
const char *dedupe_db_source(struct dedupe_db *db, const char *message_id,
			     const char *name);

/*
 * dedupe_db_forget - rewrite (atomically, in place of the append-only
 * rule) the bucket of message_id in the index folder dir without its
 * lines for message_id: an erasure keeps no Message-ID in the clear. The
 * caller holds the space's dedupe lock and no dedupe_db is open.
 */
enum ma_status dedupe_db_forget(const char *dir, const char *message_id);

#endif
