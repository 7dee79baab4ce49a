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

/* "No UIDL" for the refs below; the longest UIDL kept. */
#define STATE_NO_UIDL  UINT32_MAX
#define STATE_UIDL_MAX 512

/*
 * The whole state of an account (see lib/state.c for the file format).
 * POP3 UIDLs live as NUL-terminated strings in one arena, text; a UIDL is
 * named by its offset there (a "ref"), valid for the life of the state.
 * The taken ones are the refs in uidls, sorted up to nsorted.
 */
struct fetch_state {
	struct state_summary sum;
	struct state_folder *folders;
	size_t nfolders;
	char *text; /* the UIDL arena */
	size_t text_len, text_cap;
	uint32_t *uidls; /* refs of the UIDLs taken */
	size_t nuidls, uidls_cap, nsorted;
	unsigned char *marks; /* a bit per uidls[i]: state_find_uidl() */
	bool unmarked;	      /* a mark was lost (no memory): keep all */
	/* The journal (state.c): the id it must carry, the sizes of the
	 * main file and of the journal, uidls[nlogged..] not yet written
	 * anywhere, and "fold before the next append". */
	char id[40];
	size_t main_size, journal_size, nlogged;
	bool journal_bad;
	unsigned saves;
};
/* state_path - malloc'd SPACE/state/KEY.state (NULL on ENOMEM). */
char *state_path(const struct space *s, const char *key);

/*
 * state_load - read path, then its journal (state_commit); a missing file
 * gives an empty state (MA_OK). A
 * damaged file is MA_EDATA, logged naming the line: it is never guessed
 * at, since a wrong state would refetch or, worse, skip mail. On MA_OK the
 * caller frees *stp with state_free().
 */
enum ma_status state_load(const char *path, struct fetch_state **stp);

/*
 * state_save - write the whole state (temp file, fsync, rename, fsync of
 * the folder, as path_write_file_atomic() does, but a piece at a time):
 * a kill at any instant leaves the old or the new file, whole. It folds
 * the journal in, so the journal is removed after.
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

/*
 * state_has_uidl - whether uidl is taken; state_add_uidl takes a copy of
 * uidl (which must not point into st->text). MA_EDATA for a UIDL with a
 * space or line break or over 512 bytes.
 */
bool state_has_uidl(struct fetch_state *st, const char *uidl);
enum ma_status state_add_uidl(struct fetch_state *st, const char *uidl);

/* state_keep_uidls - forget UIDLs not in the server's list (any order). */
enum ma_status state_keep_uidls(struct fetch_state *st, char *const *uidls,
				size_t n);

/*
 * The POP3 listing's way, without a copy per message:
 * state_find_uidl - whether uidl is taken; if so its ref goes to *refp
 * and it is marked as still on the server. Marks are dropped whenever a
 * UIDL is taken: find them all, then state_keep_marked() at once.
 * state_intern_uidl - a copy of uidl (not taken) in the arena, its ref
 * to *refp; MA_EDATA as for state_add_uidl, MA_ENOMEM.
 * state_take_uidl - record the UIDL at ref as taken.
 * state_keep_marked - forget the taken UIDLs that were not marked.
 * state_uidl - the string at ref; valid until the arena next grows.
 */
bool state_find_uidl(struct fetch_state *st, const char *uidl, uint32_t *refp);
enum ma_status state_intern_uidl(struct fetch_state *st, const char *uidl,
				 uint32_t *refp);
enum ma_status state_take_uidl(struct fetch_state *st, uint32_t ref);
void state_keep_marked(struct fetch_state *st);
const char *state_uidl(const struct fetch_state *st, uint32_t ref);

/*
 * state_sort_uidls - sort what was taken since the last sort into the
 * sorted part (state_uidl.c; the lookups and state_save() call it).
 */
void state_sort_uidls(struct fetch_state *st);

/*
 * state_commit - make durable what was taken since the last save or
 * commit, and the budget: one append to the journal, fdatasync'd; or a
 * whole state_save() (a fold) when full is set (IMAP UIDs, which the
 * journal does not hold), when the journal would grow past the main file,
 * or when it cannot be appended to safely (torn, or none yet).
 */
enum ma_status state_commit(struct fetch_state *st, const char *path,
			    bool full);

/* state_journal_path - malloc'd PATH.journal for the state at path. */
char *state_journal_path(const char *path);

#endif
