#ifndef MA_FETCH_SINK_H
#define MA_FETCH_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "maildir.h"
#include "progress.h"
#include "state.h"
#include "status.h"

/*
 * The delivery sink that imap.c and pop3.c both feed during a fetch: each
 * message is written into SPACE/incoming/.ACCOUNT/tmp, moved into new/,
 * and recorded in the account's state file (IMAP folder and UID, or POP3
 * UIDL) only once a batch of them is durable. The rule (DESIGN.md,
 * "Nothing is lost"): a message is recorded as taken, or deleted on the
 * server, only after its copy in incoming/ is durable; durability is
 * batched by fetch_sink_flush(), never skipped. The sink also owns the
 * state file for the run (the protocol modules read which messages were
 * taken before from k->st) and the run's progress line.
 */

struct fetch_sink_pending;

struct fetch_sink {
	const char *what;	/* "account SPACE/ACCOUNT"; borrowed */
	struct fetch_state *st; /* the account's state; owned */
	struct progress prog;	/* the run's progress line */
	long count;		/* messages committed so far */
	/* Called with each delivered path once it is durable and recorded. */
	void (*delivered)(const char *path, void *arg);
	/* Called after each batch's paths, or NULL. */
	void (*batch_done)(void *arg);
	void *arg;
	/* fetch_budget (fetch_sink_budget_start()): bytes a day, 0: none;
	 * what this run let through and what it left for later. */
	unsigned long long budget;
	unsigned long long budget_base; /* taken in the window before */
	unsigned long long planned;
	long waiting;
	unsigned long long waiting_bytes;
	bool budget_skipped; /* the run did not connect: spent already */
	bool budget_fresh;   /* this run opened a new window */
	/* Private to fetch_sink.c. */
	const char *incoming;	/* borrowed */
	const char *state_path; /* borrowed */
	bool opened;		/* the fields below are set up */
	int tmp_fd, new_fd;	/* incoming/tmp and incoming/new */
	int fd;			/* the message being written, or -1 */
	bool writing;		/* a message is begun */
	char name[256];		/* its name under tmp/ */
	uint64_t size;		/* its bytes so far */
	char *wbuf;		/* its bytes not yet written */
	size_t wlen, wsize;
	struct fetch_sink_pending *pending;
	size_t npending, pending_cap;
	uint64_t pending_bytes;
	size_t batch; /* messages in a batch (fetch_sink_start()) */
	time_t last_flush;
};

/*
 * fetch_sink_open - make the Maildir incoming (borrowed, as is state_path,
 * until fetch_sink_close()), drop what a run that died before its flush
 * left in its tmp/ (those messages are still on the server, and the
 * account's lock, which the caller holds, says no other run writes
 * there), and load the state file. k->delivered and k->arg
 * may be set before or after. Statuses: MA_EIO, MA_ENOMEM, MA_EDATA
 * (damaged state file). fetch_sink_close() must be called either way.
 */
enum ma_status fetch_sink_open(struct fetch_sink *k, const char *what,
			       const char *incoming, const char *state_path);

/*
 * fetch_sink_start - n messages of bytes in all are about to come (one
 * folder's new mail): size the batches for them and start the progress
 * line.
 */
void fetch_sink_start(struct fetch_sink *k, size_t n, uint64_t bytes);

/* fetch_sink_batch_size - the messages in a batch when n are to come. */
size_t fetch_sink_batch_size(size_t n);

/* fetch_sink_begin - start a message in incoming/tmp. */
enum ma_status fetch_sink_begin(struct fetch_sink *k);

/* fetch_sink_write - append n bytes to the message begun. */
enum ma_status fetch_sink_write(struct fetch_sink *k, const void *p, size_t n);

/*
 * fetch_sink_commit - finish the message in incoming/tmp; the next
 * fetch_sink_flush() makes it durable, moves it into incoming/new and
 * records folder/uid (IMAP) or uidl (POP3; folder NULL). Flushes by itself
 * every so many messages, bytes or seconds. folder is borrowed from k->st.
 * Until the flush the message is in tmp/ only: a run killed before it
 * leaves it there, unrecorded, and the next run removes it and fetches the
 * message again.
 */
enum ma_status fetch_sink_commit(struct fetch_sink *k,
				 struct state_folder *folder, uint32_t uid,
				 const char *uidl);

/*
 * fetch_sink_commit_ref - fetch_sink_commit() with the UIDL as a ref into
 * k->st (state_intern_uidl(), valid until the next flush) or STATE_NO_UIDL: no
 * copy of it is made.
 */
enum ma_status fetch_sink_commit_ref(struct fetch_sink *k,
				     struct state_folder *folder, uint32_t uid,
				     uint32_t uidl);

/* fetch_sink_abort - drop a message being written (nothing is recorded). */
void fetch_sink_abort(struct fetch_sink *k);

/*
 * fetch_sink_flush - make what was committed durable (one syncfs(2) for
 * the batch on Linux, an fsync per file elsewhere), rename it into new/
 * and fsync new/, then record it in the state file and report the paths:
 * the order that keeps the state from getting ahead of the spool, and
 * new/ from ever holding a file whose bytes are not on disk.
 */
enum ma_status fetch_sink_flush(struct fetch_sink *k);

/*
 * fetch_sink_record_run - write the run's summary (started, count, and
 * error: NULL or "" to use st's text) into the state file, whatever
 * happened. Errors are logged by the state code and otherwise ignored.
 */
void fetch_sink_record_run(struct fetch_sink *k, time_t started,
			   enum ma_status st, const char *error);

/*
 * fetch_sink_budget_start - a budget of bytes a day for this run (0:
 * none, and the state forgets any window). The window is a day from the
 * first run that found none open; bytes recorded in it count against it.
 */
void fetch_sink_budget_start(struct fetch_sink *k, unsigned long long bytes,
			     time_t now);

/*
 * fetch_sink_budget_take - whether the next message, of size bytes (as the
 * server listed it), may be fetched now. Messages are offered oldest
 * first; once one is refused, all later ones are (counted in k->waiting),
 * so the next run continues in order. A message larger than the whole
 * budget goes through alone at the start of a window.
 */
bool fetch_sink_budget_take(struct fetch_sink *k, uint64_t size);

/*
 * fetch_sink_budget_spent - nothing more may be fetched in this window:
 * its bytes are spent, or a message already waits for the next one. The
 * caller does not connect.
 */
bool fetch_sink_budget_spent(const struct fetch_sink *k);

/* fetch_sink_budget_resume - when the current window ends. */
time_t fetch_sink_budget_resume(const struct fetch_sink *k);

/*
 * fetch_sink_close - drop a message still being written, free what is
 * pending (call fetch_sink_flush() first to keep it) and the state; safe
 * to repeat.
 */
void fetch_sink_close(struct fetch_sink *k);

#endif
