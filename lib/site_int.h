#ifndef MA_SITE_INT_H
#define MA_SITE_INT_H

/*
 * Private to lib/site*.c: the state of a run publishing into a site,
 * shared by the staging side (site.c: site_put() and the rest of site.h)
 * and the commit side (site_journal.c: the journal, its recovery, the
 * syncs). Not for any other file.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <glib.h>

#include "site_set.h"
#include "status.h"

/* The staging folder, and the journal and stubs at its top (names that
 * no file of the site has there: the site's own top level starts with a
 * letter or digit). */
#define SITE_STAGE	  ".render-next"
#define SITE_JOURNAL	  ".journal"
#define SITE_JOURNAL_TMP  ".journal.tmp"
#define SITE_JOURNAL_HEAD "mailarc-publish 1"
/* A journal with appends ('A'), which older versions cannot carry out:
 * they stop at its first line, not part way. */
#define SITE_JOURNAL_HEAD2 "mailarc-publish 2"
#define SITE_JOURNAL_END   "end"
#define SITE_OPS	   ".changes"
/* Where the new bytes of a file published by appending wait: under a
 * folder of its own, so that no staged file of the site has the name. */
#define SITE_APPENDS ".append"
/* A file is published by appending to it (site_file.c) when it keeps at
 * least this many of its published bytes; MAILARC_SITE_APPEND sets
 * another (for tests). */
#define SITE_APPEND_MIN ((size_t)1 << 20)

/* The marker of a first render in progress (site_fresh.c). */
#define SITE_FRESH_MARK ".render-first"

/* Few files changed: fsync them and their folders. More: one syncfs(2),
 * which is cheaper then, but flushes the whole file system (on a busy
 * shared disk it costs more than a few fsyncs). */
#define SITE_FSYNC_MAX 512

/* Links an archived file may have before site_put_file() copies it
 * instead (ext4 allows 65,000). */
#define SITE_LINK_MAX 32000

struct site {
	char *dir;
	char *stage;
	FILE *out;
	char sep;
	struct site_set *written; /* hashes of the paths produced */
	char *spill;		  /* site_spill()'s folder, or NULL */
	GHashTable *dirs;	  /* staging folders made (owned keys) */
	FILE *oplog;		  /* every change, in order (site_ops.c) */
	GHashTable *gone;	  /* pending removals: their path hashes */
	GHashTable *appends;	  /* pending appends: rel -> its offset */
	size_t nops;		  /* lines in oplog */
	GHashTable *synced;	  /* published folders changed (owned keys) */
	size_t nwritten;
	unsigned nstub;	  /* stub inodes made (EMLINK starts a new one) */
	mode_t file_mode; /* what a copy gets: 0644 less the umask */
	uid_t euid;	  /* whose archived files may be linked */
	/* A first render (site_fresh.c): files go straight into place. */
	bool fresh;
	bool tmpfile;	/* O_TMPFILE and linkat(2) work in the site */
	bool empty;	/* and it held nothing of ours: nothing to compare */
	int dirfd;	/* the site folder */
	int held_fd;	/* index.html, written, not yet linked (-1: none) */
	FILE *listing;	/* site_fresh_defer_list()'s out, until the close */
	char *held_tmp; /* its temp name, without O_TMPFILE */
};
/*
 * The changes pending (site_ops.c says how they are kept). A write
 * pending is a staged file; site_ops_note() records a write (after the
 * file is staged) or a removal, in order; site_ops_forget() drops a
 * pending removal (a pending write goes with its staged file);
 * site_ops_state() tells which is pending for rel. Statuses: MA_OK,
 * MA_EIO, MA_ETEMP, MA_ENOMEM.
 */
enum site_op { SITE_OP_NONE, SITE_OP_PUT, SITE_OP_REMOVE };
enum ma_status site_ops_note(struct site *s, const char *rel, bool remove);
/*
 * Appends: a file that only grows (an mbox given new mail) is published by
 * writing its new bytes at the end of the published file, not by a
 * staged copy of it all. The new bytes wait in site_append_path();
 * site_ops_note_append() records that rel's published file is to be cut
 * to at bytes (what it held when the run read it; a second try after a
 * crash finds it longer) and given them; site_ops_drop_append() drops
 * a pending append of rel (rel is written whole or removed instead).
 */
char *site_append_path(const struct site *s, const char *rel);
enum ma_status site_ops_note_append(struct site *s, const char *rel, off_t at);
void site_ops_drop_append(struct site *s, const char *rel);
void site_ops_forget(struct site *s, const char *rel);
enum site_op site_ops_state(const struct site *s, const char *rel);
bool site_ops_any(const struct site *s);

/*
 * The commit's plan: the changes still pending, each once or more, in
 * unnamed files by kind and by rank (messages, conversations, months,
 * the top), each in the order of its first change. site_plan_make()
 * builds it from the log; site_plan_each() calls fn for the paths of one
 * kind, rank by rank (stopping at a status other than MA_OK, which it
 * returns); site_plan_free() closes the files.
 */
#define SITE_PLAN_LEAVES  0 /* files that link nowhere */
#define SITE_PLAN_PAGES	  1 /* .html and .atom */
#define SITE_PLAN_GONE	  2 /* removals */
#define SITE_PLAN_APPENDS 3 /* appends: "OFFSET rel" */
#define SITE_PLAN_KINDS	  4
#define SITE_PLAN_RANKS	  4
struct site_plan {
	FILE *b[SITE_PLAN_KINDS][SITE_PLAN_RANKS];
	size_t lines, puts, pages;
};
enum ma_status site_plan_make(struct site *s, struct site_plan *p);
enum ma_status site_plan_each(const struct site *s, struct site_plan *p,
			      int kind,
			      enum ma_status (*fn)(const char *rel, void *arg),
			      void *arg);
void site_plan_free(struct site_plan *p);

/*
 * The staging calls site.c shares with site_file.c:
 * site_make_parents() - the staging folders above rel, made once a run;
 * site_create_staged() - a new staged file at path, for writing (what
 * the name held is unlinked first, never truncated: it may be a hard
 * link to an archived message); -1 and errno on failure;
 * site_remember() - rel was produced by this run (left as it was, or
 * written); site_note_written() - rel was written: counted and
 * remembered.
 */
enum ma_status site_make_parents(struct site *s, const char *rel);
int site_create_staged(const char *path);
enum ma_status site_remember(struct site *s, const char *rel);
enum ma_status site_note_written(struct site *s, const char *rel);

/* site_check_rel - MA_OK for our own names only (logged otherwise:
 * MA_EDATA): relative, no "." or ".." step, no newline, no hidden name
 * at the top. */
enum ma_status site_check_rel(const char *rel);

/* The staged and the published path of rel (malloc'd; NULL: no memory). */
char *site_stage_path(const struct site *s, const char *rel);
char *site_final_path(const struct site *s, const char *rel);

/* site_note_parents - add to set (owned keys) every folder above path
 * whose name is at least root bytes long. */
void site_note_parents(GHashTable *set, const char *path, size_t root);

/* site_recover - finish the commit a killed or failed run left (its
 * journal), then sweep the staging folder. MA_OK or the cause. */
enum ma_status site_recover(struct site *s);

/* site_commit - publish what s staged, through the journal (see
 * site_journal.c). MA_OK or the cause (logged). */
enum ma_status site_commit(struct site *s);

/* site_sweep_stage - remove the staging folder and what it holds. */
enum ma_status site_sweep_stage(struct site *s);

/* site_owns - true for a top-level name of ours (see site_gc()). */
bool site_owns(const char *name);

/* Temp files beside their pages, left by versions that renamed each file
 * into place as it was written. */
#define SITE_TMP_PREFIX ".render."

/* site_path_hash - rel's 64-bit FNV-1a hash, what s->written holds of
 * each path produced. site_remembered - whether rel was produced. */
guint64 site_path_hash(const char *rel);
bool site_remembered(const struct site *s, const char *rel);

/*
 * The first render, straight into place (site_fresh.c says why and how).
 * site_fresh_wanted() - true when dir was never published (no index.html,
 * and no file of ours or the marker of a killed first render); it also
 * removes a stale marker. site_fresh_begin() - set the marker, s->fresh.
 * site_fresh_put(), site_fresh_remove() - as site_put() and
 * site_remove(), at once. site_fresh_link() - hard-link src as rel;
 * MA_EIO, not logged, when it cannot (the caller copies).
 * site_fresh_create() - a new file for rel (-1: *stp says why, logged);
 * site_fresh_place() publishes it (takes fd and tmp). site_fresh_held() -
 * rel is the held-back index.html. site_fresh_close() - with commit, make
 * everything durable, then publish index.html and remove the marker;
 * without, drop index.html (the next run finishes). Statuses: MA_OK,
 * MA_EIO, MA_ETEMP (disk full), MA_ENOMEM.
 */
bool site_fresh_wanted(const char *dir);
enum ma_status site_fresh_begin(struct site *s);
enum ma_status site_fresh_put(struct site *s, const char *rel, const void *data,
			      size_t len);
enum ma_status site_fresh_link(struct site *s, const char *rel,
			       const char *src);
int site_fresh_create(struct site *s, const char *rel, char **tmpp,
		      enum ma_status *stp);
enum ma_status site_fresh_place(struct site *s, const char *rel, int fd,
				char *tmp);
enum ma_status site_fresh_remove(struct site *s, const char *rel);
bool site_fresh_held(const struct site *s, const char *rel);
/* site_fresh_gc - site_gc() of a first render into a site that held
 * nothing of ours (s->empty): every file of ours there is one this run
 * wrote, so there is nothing to compare or remove, only the folders of
 * ours left empty (a file written, then removed), deepest first, as
 * site_gc() does them. MA_OK or MA_ENOMEM. */
enum ma_status site_fresh_gc(struct site *s);
enum ma_status site_fresh_close(struct site *s, bool commit);
/* site_fresh_defer_list, site_fresh_list - see site_defer_list(). */
void site_fresh_defer_list(struct site *s);
enum ma_status site_fresh_list(struct site *s);

/* site_same.c: does the file at path hold exactly data (len bytes)?
 * False also when it cannot be read. */
bool site_same_content(const char *path, const void *data, size_t len);

#endif
