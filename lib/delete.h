#ifndef MA_DELETE_H
#define MA_DELETE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "status.h"

struct index_hit;

/*
 * Deleting messages from a space for good: from the archive and the index,
 * with a tombstone so that no later fetch or import brings them back. The
 * site follows at the next render. (Erasure by address is privacy.h's.)
 *
 * Order, so that a kill at any line loses nothing and resurrects nothing:
 * the tombstone is appended and fsynced first (from then on no fetch or
 * import brings the message back), then its files are unlinked and the
 * folders synced, then the index forgets them. Killed in between, the
 * message is still found and a rerun finishes the job.
 */

struct delete_opts {
	const char *space_dir; /* the space folder; its layout exists */
	const char *space_key; /* for messages */
	const char *query;     /* a notmuch query, or NULL for ids */
	char *const *ids;      /* Message-IDs when query is NULL */
	size_t nids;
	bool dry_run; /* list, change nothing */
	bool wait;    /* wait for the stage locks */
	FILE *out;    /* "deleted ID" or "would delete ID\tthread:T\tFILE";
			 NULL: nothing printed */
	/* With query: only the matches pick() says yes to go (NULL: all of
	 * them); retention judges each message's age this way. */
	bool (*pick)(const struct index_hit *h, void *arg);
	void *pick_arg;
	time_t now; /* the tombstones' time; 0: the clock's */
};

/*
 * delete_run - delete the messages o names. Holds the dedupe and then the
 * index lock of the space meanwhile (the order erasure takes too, so two
 * runs cannot deadlock). A Message-ID the index does not hold is logged
 * and counted in *missingp, and the others still go. *countp gets the
 * number of messages deleted (or that would be). MA_EDATA (logged) for an
 * indexed file outside archive/: nothing outside it is unlinked.
 */
enum ma_status delete_run(const struct delete_opts *o, size_t *countp,
			  size_t *missingp);

#endif
