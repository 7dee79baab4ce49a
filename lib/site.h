#ifndef MA_SITE_H
#define MA_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "buf.h"
#include "status.h"

/*
 * The site folder being published. A run stages, then commits: every
 * file goes through site_put() (or site_file_*()) into the staging folder
 * SITE/.render-next/ and every removal is recorded, so nothing readers
 * see changes while the run renders; a kill or a full disk then leaves
 * the published site as it was. site_close(s, true) commits through a
 * journal, in an order that keeps every local link of the site valid at
 * every instant (files that link nowhere first, a link-free stub for each
 * new page, the pages, the removals last: site.c says why it is enough);
 * a run that finds a journal finishes it first. A file that would not
 * change is not rewritten. A run remembers each path it wrote or kept so
 * that a full run can remove what it did not produce (site_gc()).
 *
 * The first render of a site that was never published (site_fresh.c)
 * writes each file straight into place instead, whole, and publishes
 * index.html last, after a sync: until then the site has no index.html,
 * and a run that stops (killed, failed: site_close() without commit)
 * leaves it so, for the next run to finish.
 */
struct site;

/*
 * site_open - start publishing into dir (created if missing). A commit
 * that a killed or failed run left half done is finished first (its
 * files are printed to out); what a run killed before its commit staged
 * is removed. out, if not NULL, gets the path of every file published
 * (not those left unchanged), each ended by sep ('\n', or '\0' for -0),
 * as they are published. On MA_OK the caller ends with site_close().
 * Fails (MA_EIO, MA_ETEMP...) when a half-done commit cannot be finished:
 * the site then still has every link valid, and the journal stays.
 */
enum ma_status site_open(const char *dir, FILE *out, char sep,
			 struct site **sp);

/*
 * site_unfinished - true when a commit in dir was stopped part way (its
 * journal is there): the next site_open() finishes it, so a run with
 * nothing new must still open the site.
 */
bool site_unfinished(const char *dir);

/* site_put - stage data as SITE/rel (published by site_close()). MA_EDATA
 * for a rel that is not a plain relative name (no "..", no leading dot). */
enum ma_status site_put(struct site *s, const char *rel, const void *data,
			size_t len);

/*
 * site_put_file - site_put() of data, the whole content of the file src
 * (an archived message, read by the caller). Where the file system and
 * src's mode allow (a regular file of this user, with the mode a copy
 * would get, on the site's file system) SITE/rel becomes a hard link to
 * src rather than a copy: no bytes are duplicated. The site never writes
 * into a file it published (a new version is a new file renamed over
 * it), so src is never changed; removing SITE/rel (site_remove(), a full
 * run's site_gc()) unlinks the site's name, and the data goes with the
 * archive's. src NULL, or one that cannot be linked: a copy.
 */
enum ma_status site_put_file(struct site *s, const char *rel, const char *src,
			     const void *data, size_t len);
/* site_put_file_stat - site_put_file() with src's stat(2) known (sb: the
 * fstat() of the descriptor data was read from; NULL: src is stat()ed). */
enum ma_status site_put_file_stat(struct site *s, const char *rel,
				  const char *src, const struct stat *sb,
				  const void *data, size_t len);

/* site_put_buf - site_put() of a buffer's contents. */
enum ma_status site_put_buf(struct site *s, const char *rel,
			    const struct buf *b);

/*
 * A file written piece by piece (an mbox too big to build in memory):
 * site_file_open() starts the staged file, site_file_write() appends,
 * site_file_commit() keeps it for the commit (and frees f), or
 * site_file_abort() removes it. Same guarantees as site_put().
 */
struct site_file;
enum ma_status site_file_open(struct site *s, const char *rel,
			      struct site_file **fp);
enum ma_status site_file_write(struct site_file *f, const void *p, size_t n);
enum ma_status site_file_commit(struct site *s, struct site_file *f);
/*
 * site_file_keep() - f, just opened, starts with the published file's
 * bytes, all of them (an mbox that new mail only adds to), when they end
 * with end (a short string): what is written next follows them. False,
 * f as opened, where there is none to start from (a site written fresh,
 * no published file, one that cannot be read or ends otherwise): then
 * the caller writes the file whole.
 */
bool site_file_keep(struct site_file *f, const char *end);
void site_file_abort(struct site_file *f);

/* site_exists - true when SITE/rel is a file after this run's changes
 * so far (staged, or published and not to be removed). */
bool site_exists(struct site *s, const char *rel);

/* site_produced - true when this run wrote or kept SITE/rel (what a
 * full run's site_gc() leaves). */
bool site_produced(struct site *s, const char *rel);

/* site_keep - count SITE/rel as produced by this run without writing it
 * (content-addressed files that exist already). */
enum ma_status site_keep(struct site *s, const char *rel);

/* site_remove - unlink SITE/rel at the commit, after every page is
 * published (not an error if there is no such file). */
enum ma_status site_remove(struct site *s, const char *rel);

/*
 * site_gc - site_remove() every file of ours (index.html, style.css,
 * feed.atom, a/, m/, t/ and year folders) that this run neither wrote nor
 * kept (folders left empty go at the commit); anything else in SITE
 * stays. For full runs only: it reads every folder.
 */
enum ma_status site_gc(struct site *s);

/*
 * site_spill - keep the paths this run produces in files under dir (a
 * folder of the space's state, made with mode 0700 and emptied first)
 * rather than in memory, and site_gc() looks them up a 256th at a
 * time: a full run then holds a fixed amount for them, not some 6 bytes
 * a path (site_set.h). Call it before anything is written (later,
 * nothing changes). site_close() removes the files and dir; a killed
 * run's are removed by the next site_spill() or site_spill_remove(dir).
 * site_produced() takes the paths back into memory (the flat layout's
 * notices need it, legacy.c). MA_EIO, MA_ENOMEM.
 */
enum ma_status site_spill(struct site *s, const char *dir);
void site_spill_remove(const char *dir);

/*
 * site_defer_list, site_list - a first render (site_fresh.c) in steps
 * writes some pages once a step. After site_defer_list(), the paths of
 * what it writes are not printed to out as it writes them; site_list(),
 * after the last write, prints every file of ours the site holds, once
 * each (index.html as it is published, last), and site_written() counts
 * them once. Both do nothing for a published site. site_list: MA_EIO.
 */
void site_defer_list(struct site *s);
enum ma_status site_list(struct site *s);

/*
 * site_staged_dir - where this run stages what goes into the folder rel
 * (malloc'd; NULL for a first render, which writes in place, or no
 * memory). A run in steps over a published site reads back there what
 * an earlier step wrote, since the published folder does not have it
 * until the commit. site_reads_own - whether what this run wrote is
 * where its published files are (a first render): false while it waits
 * in the staging folder.
 */
char *site_staged_dir(const struct site *s, const char *rel);
bool site_reads_own(const struct site *s);

/* site_written - files written by this run so far. */
size_t site_written(const struct site *s);

/*
 * site_close - with commit: make the staged files durable, write and sync
 * the journal, carry it out, sync the folders changed, remove journal and
 * staging folder; then free s. A failure before the journal is durable
 * publishes nothing (logged: "the previous site is left whole"); one
 * after it leaves the site part way, every link valid (logged), and the
 * next site_open() finishes it. Without commit (a failed run) the staged
 * files are removed and nothing is published. Returns MA_OK, MA_EIO,
 * MA_ETEMP (disk full) or MA_ENOMEM.
 */
enum ma_status site_close(struct site *s, bool commit);

/* site_stylesheet - the one stylesheet, published as SITE/style.css. */
const char *site_stylesheet(void);

#endif
