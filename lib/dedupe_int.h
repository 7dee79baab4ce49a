#ifndef MA_DEDUPE_INT_H
#define MA_DEDUPE_INT_H

/*
 * Private to lib/dedupe*.c: a run of the dedupe stage (dedupe.c), and
 * the sweep of the incoming folders (dedupe_sweep.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "dedupe.h"
#include "dedupe_db.h"
#include "msg.h"
#include "tombstone.h"

#define NAME_LEN 256

/* Slots of the batch's table of names: a power of two, at least twice
 * the batch, so that a lookup probes few. */
#define NAME_SLOTS (2 * DEDUPE_BATCH)

enum action { ARCHIVE, SET_ASIDE };

struct item {
	char *path;
	char name[NAME_LEN];
	char *source;
	enum action action;
	const char *reason;
	char *matched;
	char *also_source; /* a duplicate from another account: tag it too */
	char *message_id;
	char *copy;	   /* the normalised copy in archive/tmp, or NULL */
	char *source_left; /* its source, removed once the copy is durable */
	enum msg_verdict verdict;
};

struct dedupe_run {
	struct dedupe_opts o;
	char *incoming, *archive, *duplicates, *state;
	char *queue_path, *report_path, *pending_path;
	struct dedupe_db *db;
	struct tombstones *ts;
	struct item batch[DEDUPE_BATCH];
	size_t n;
	/* The batch's items by name: index + 1, 0 for an empty slot. A
	 * batch of 2,048 compared each new name with every one before it:
	 * two million strcmp() calls a batch. */
	uint16_t slot[NAME_SLOTS];
	struct dedupe_stats stats;
	bool swept; /* dedupe_run_sweep() went through every folder */
};

#endif
