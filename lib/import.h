#ifndef MA_IMPORT_H
#define MA_IMPORT_H

#include <stdbool.h>

#include "mbox.h"
#include "status.h"

/*
 * Importing mail from files into a Maildir (the space's
 * incoming/.import/, so that mailarc-dedupe tags it "account:import").
 *
 * What a path may be:
 *  - a file starting with "From " (after gunzip, if gzip-compressed): an
 *    mbox (mbox.h), split into messages;
 *  - any other file: one message (.eml), copied as it is (gzip-compressed
 *    ones are uncompressed);
 *  - a Maildir (a folder with cur/ or new/): every message of new/ and
 *    cur/, then its Maildir++ sub-folders (".Name");
 *  - any other folder: each entry, in name order, at most IMPORT_DEPTH
 *    folders deep (no unbounded recursion on what a user hands us).
 *
 * Everything is streamed: memory does not grow with a file. Messages are
 * written under tmp/, fsynced and renamed into new/; the folder is
 * synced once per imported file (batched durability).
 */
#define IMPORT_DEPTH 16

struct import_opts {
	const char *dest;     /* the Maildir to write into */
	enum mbox_format fmt; /* for mbox files */
	bool progress;	      /* draw progress on stderr (a terminal) */
};

struct import_stats {
	unsigned long messages; /* delivered */
	unsigned long files;	/* inputs read */
	unsigned long damaged;	/* inputs that stopped early (logged) */
	unsigned long skipped;	/* inputs that are not mail (logged) */
};

/*
 * import_path - import path into o->dest, adding to *stats. A damaged or
 * unreadable input is logged and counted, and the import goes on (the
 * return is MA_OK); MA_ETEMP (disk full) and other failures to write stop
 * it.
 */
enum ma_status import_path(const struct import_opts *o, const char *path,
			   struct import_stats *stats);

/* import_progress_done - end a progress line drawn on the terminal. */
void import_progress_done(const struct import_opts *o,
			  const struct import_stats *stats);

#endif
