#ifndef MA_STATE_H
#define MA_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "space.h"
#include "status.h"
#include "uidset.h"

/*
 * The per-account fetch state, ROOT/spaces/SPACE/state/ACCOUNT.state.
 * This header is the summary that the front end shows; the fetch code owns
 * the format and the rest of the file (UIDVALIDITY, UIDs, UIDLs): state.c
 * reads and writes it, fetch_sink.c records into it what is durable.
 */
struct state_summary {
	time_t last_run;      /* 0: never */
	time_t last_success;  /* 0: never */
	long last_count;      /* messages fetched by the last run */
	char last_error[256]; /* "" when the last run succeeded */
	/* fetch_budget: the day's window (start 0: none yet), the bytes
	 * taken in it, and what the last run left for later because the
	 * budget was spent (0 0 when nothing waits). */
	time_t budget_start;
	unsigned long long budget_used;
	long waiting;
	unsigned long long waiting_bytes;
};

/*
 * state_summary_load - the summary of account key of space s. MA_ENOTFOUND
 * (not logged) when the account has never been fetched.
 */
enum ma_status state_summary_load(const struct space *s, const char *key,
				  struct state_summary *sum);

/* The UIDs taken from one IMAP folder in one UIDVALIDITY, as ranges. */
struct state_folder {
	char *name;
	unsigned long uidvalidity;
	struct uidset uids;
};

/* The whole state of an account (see lib/state.c for the file format). */
struct fetch_state {
	struct state_summary sum;
	struct state_folder *folders;
	size_t nfolders;
	char **uidls; /* POP3 UIDLs taken; sorted when uidls_sorted */
	size_t nuidls, uidls_cap;
	bool uidls_sorted;
};

/* state_path - malloc'd SPACE/state/KEY.state (NULL on ENOMEM). */
char *state_path(const struct space *s, const char *key);

/*
 * state_load - read path; a missing file gives an empty state (MA_OK). A
 * damaged file is MA_EDATA, logged naming the line: it is never guessed
 * at, since a wrong state would refetch or, worse, skip mail. On MA_OK the
 * caller frees *stp with state_free().
 */
enum ma_status state_load(const char *path, struct fetch_state **stp);

/*
 * state_save - write the state with path_write_file_atomic(): a kill at any
 * instant leaves the old or the new file, whole.
 */
enum ma_status state_save(struct fetch_state *st, const char *path);

void state_free(struct fetch_state *st);

/*
 * state_folder - the entry of folder name for uidvalidity, created when
 * missing; an entry with another UIDVALIDITY is emptied (the server
 * renumbered the folder: everything in it is new again). NULL on ENOMEM.
 */
struct state_folder *state_folder(struct fetch_state *st, const char *name,
				  unsigned long uidvalidity);

bool state_has_uid(const struct state_folder *f, uint32_t uid);
enum ma_status state_add_uid(struct state_folder *f, uint32_t uid);

/*
 * state_keep_uids - forget taken UIDs that are no longer on the server
 * (on_server: what the server has), so the file does not grow forever.
 * MA_ENOMEM leaves f as it was.
 */
enum ma_status state_keep_uids(struct state_folder *f,
			       const struct uidset *on_server);

bool state_has_uidl(struct fetch_state *st, const char *uidl);
enum ma_status state_add_uidl(struct fetch_state *st, const char *uidl);

/* state_keep_uidls - forget UIDLs not in the server's list (any order). */
enum ma_status state_keep_uidls(struct fetch_state *st, char *const *uidls,
				size_t n);

#endif
