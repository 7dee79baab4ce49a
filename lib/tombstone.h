#ifndef MA_TOMBSTONE_H
#define MA_TOMBSTONE_H

#include <stdbool.h>
#include <time.h>

#include "status.h"

/*
 * Tombstones: messages deleted on purpose, never archived again.
 * ROOT/spaces/KEY/tombstones is append-only text, one line per deleted
 * message (a contract the renderer reads):
 *
 *   DELETED_AT<TAB>MESSAGE-ID<TAB>THREAD-ID<TAB>IDENTITY\n
 *
 * DELETED_AT in ISO 8601 UTC ("2026-11-22T18:00:00Z"), MESSAGE-ID without
 * angle brackets, THREAD-ID the notmuch thread id at deletion or "-"
 * (the database's number of that time: lib/render/tomb_map.c finds the
 * thread again in a rebuilt one),
 * IDENTITY the msg.h identity hash or "-". MESSAGE-ID may instead be
 * "sha256:HEX", the hash of the Message-ID (tombstone_hash_id()): an
 * erasure keeps no Message-ID in the clear, only what recognises the
 * message again. A line without its newline (a
 * writer killed mid-append) is ignored by readers and ended by the next
 * writer.
 */

/*
 * tombstone_append - append one line and fsync the file (created 0600).
 * thread_id and identity may be NULL ("-"). Fields holding a tab, a
 * newline or nothing give MA_EDATA (logged); I/O errors are logged.
 */
enum ma_status tombstone_append(const char *path, time_t deleted_at,
				const char *message_id, const char *thread_id,
				const char *identity);

/* A loaded set of tombstones, for lookups. */
struct tombstones;

/*
 * tombstones_load - read path (missing: an empty set). On MA_OK the caller
 * frees *tp with tombstones_free(). Malformed lines are skipped (logged
 * at debug level).
 */
enum ma_status tombstones_load(const char *path, struct tombstones **tp);

/*
 * tombstones_match - true when a tombstone names message_id (in the
 * clear or by its hash), or carries identity (either may be NULL). *deleted_at
 * (if given) gets its date.
 */
bool tombstones_match(const struct tombstones *t, const char *message_id,
		      const char *identity, time_t *deleted_at);

/*
 * tombstones_erased - as tombstones_match(), and the tombstone that
 * matches was written by an erasure (its Message-ID is hashed): such a
 * message is dropped, not set aside, wherever it turns up again.
 */
bool tombstones_erased(const struct tombstones *t, const char *message_id,
		       const char *identity);

/*
 * tombstone_hash_id - "sha256:" and the hex SHA-256 of message_id (as
 * given: without angle brackets), into out (TOMBSTONE_HASH_LEN + 1).
 */
#define TOMBSTONE_HASH_LEN (7 + 64)
void tombstone_hash_id(const char *message_id, char *out);

/* tombstones_count - how many lines were loaded. */
size_t tombstones_count(const struct tombstones *t);

void tombstones_free(struct tombstones *t);

/* One line of the file as tombstones_scan() hands it over. */
struct tombstone_line {
	const char *deleted_at; /* as written: not checked */
	const char *message_id; /* one pair of angle brackets removed
				   (not from "<>", an id itself) */
	const char *thread_id;	/* "-" when unknown */
	long off;		/* where the line begins in the file */
	bool fresh;		/* at or after the offset asked for */
};

/*
 * tombstones_scan - call fn(arg, line) for every complete line of path
 * that has a Message-ID (the IDENTITY field may be missing), in file
 * order, and set *endp past the last complete line (0 when the file is
 * missing). Lines from byte offset from on are fresh; a file shorter than
 * from was replaced, and all of it is fresh. Other lines are skipped with
 * a warning. Stops at fn's first error and returns it; MA_EIO, MA_ENOMEM
 * when the file cannot be read.
 */
enum ma_status
tombstones_scan(const char *path, long from,
		enum ma_status (*fn)(void *arg, const struct tombstone_line *l),
		void *arg, long *endp);

/* tombstone_format_time - ISO 8601 UTC into buf (at least 21 bytes). */
void tombstone_format_time(time_t t, char *buf, size_t size);

#endif
