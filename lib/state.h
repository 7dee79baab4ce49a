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

struct recfile;
struct extsort;

/*
 * The whole state of an account (see lib/state.c for the file format).
 * What it holds in memory does not grow with the POP3 UIDLs taken
 * (#16): those are on disk, in the main file's "uidl" lines (kept
 * sorted) or a sorted temporary file (base), and in the journal from
 * journal_from on; state_iter_open() reads them all in order. Only the
 * UIDLs taken since the last commit are in memory: NUL-terminated
 * strings in an arena (text), a UIDL named by its offset there (a
 * "ref"), and the refs taken in uidls; a commit or a save empties both.
 */
struct fetch_state {
	struct state_summary sum;
	struct state_folder *folders;
	size_t nfolders;
	char *text; /* the arena of this commit's UIDLs */
	size_t text_len, text_cap;
	uint32_t *uidls; /* refs taken since the last commit */
	size_t nuidls, uidls_cap;
	/* The UIDLs taken before (state_uidl.c): the main file's lines
	 * when base_main, else base (sorted, unique; NULL: none); then the
	 * journal's from byte journal_from. dir and prefix name the
	 * temporary files (the state's folder, ACCOUNT.state.sort), and
	 * run_records the sorts' runs (0: their default). */
	char *path, *dir, *prefix;
	bool base_main;
	struct recfile *base;
	size_t journal_from;
	size_t run_records;
	/* The journal (state.c): the id it must carry, the sizes of the
	 * main file and of the journal, and "fold before the next
	 * append". */
	char id[40];
	size_t main_size, journal_size;
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
 * state_has_uidl - whether uidl is taken (reads the set: for tests and
 * small states); state_add_uidl takes a copy of uidl (which must not
 * point into st->text). MA_EDATA for a UIDL with a space or line break or
 * over 512 bytes.
 */
bool state_has_uidl(struct fetch_state *st, const char *uidl);
enum ma_status state_add_uidl(struct fetch_state *st, const char *uidl);

/*
 * state_intern_uidl - a copy of uidl (not taken) in the arena, its ref
 * to *refp; MA_EDATA as for state_add_uidl, MA_ENOMEM. The ref is valid
 * until the next commit or save.
 * state_take_uidl - record the UIDL at ref as taken.
 * state_uidl - the string at ref; valid until the arena next grows.
 */
enum ma_status state_intern_uidl(struct fetch_state *st, const char *uidl,
				 uint32_t *refp);
enum ma_status state_take_uidl(struct fetch_state *st, uint32_t ref);
const char *state_uidl(const struct fetch_state *st, uint32_t ref);

/*
 * state_iter_open - read the UIDLs taken, in strcmp order, each once:
 * state_iter_next() gives the next (valid until the next call; *endp at
 * the end). It sorts what is not sorted on disk (the journal, this
 * commit's) with an extsort in st->dir. Statuses: MA_EIO, MA_ETEMP,
 * MA_ENOMEM. The caller frees *itp with state_iter_free().
 */
struct state_iter;
enum ma_status state_iter_open(struct fetch_state *st, struct state_iter **itp);
enum ma_status state_iter_next(struct state_iter *it, const char **uidlp,
			       bool *endp);
void state_iter_free(struct state_iter *it);

/* state_count_uidls - how many UIDLs are taken (reads them all). */
size_t state_count_uidls(struct fetch_state *st);

/*
 * state_keep_sorted - join the server's listing (an extsort finished by
 * the caller: key a UIDL, value the caller's, in order) with the UIDLs
 * taken: mark(arg, value) for each listed record whose UIDL is taken
 * (every one of a UIDL listed twice), compared whole. The taken UIDLs
 * not listed are forgotten (from the next save on: the journal cannot
 * say "forgotten"). Consumes listing. MA_EIO, MA_ETEMP, MA_ENOMEM.
 */
enum ma_status state_keep_sorted(struct fetch_state *st,
				 struct extsort *listing,
				 void (*mark)(void *arg, uint32_t value),
				 void *arg);

/* state_keep_uidls - forget UIDLs not in the server's list (any order). */
enum ma_status state_keep_uidls(struct fetch_state *st, char *const *uidls,
				size_t n);

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
