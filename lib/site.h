#ifndef MA_SITE_H
#define MA_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "status.h"

/*
 * The site folder being published. Every file goes through site_put():
 * written whole into a hidden temp file beside its place (".render.NAME
 * .tmp"), then renamed over it, so a reader (or a killed run) never sees
 * half a file; a file that would not change is not rewritten. A marker
 * (SITE/.render-running) tells the next run to sweep the temp files of a
 * killed one. Durability is batched:
 * site_close() syncs the file system once, before the caller records its
 * state. A run remembers each path it wrote or kept so that a full run can
 * remove what it did not produce (site_gc()).
 */
struct site;

/*
 * site_open - start publishing into dir (created if missing). Temp files
 * left by a killed run are removed. out, if not NULL, gets the path of
 * every file written (not those left unchanged), each ended by sep
 * ('\n', or '\0' for -0). On MA_OK the caller ends with
 * site_close().
 */
enum ma_status site_open(const char *dir, FILE *out, char sep,
			 struct site **sp);

/* site_put - publish data as SITE/rel (parents created). */
enum ma_status site_put(struct site *s, const char *rel, const void *data,
			size_t len);

/* site_put_buf - site_put() of a buffer's contents. */
enum ma_status site_put_buf(struct site *s, const char *rel,
			    const struct buf *b);

/*
 * A file written piece by piece (an mbox too big to build in memory):
 * site_file_open() starts the temp file, site_file_write() appends,
 * site_file_commit() renames it into place (and frees f), or
 * site_file_abort() removes it. Same guarantees as site_put().
 */
struct site_file;
enum ma_status site_file_open(struct site *s, const char *rel,
			      struct site_file **fp);
enum ma_status site_file_write(struct site_file *f, const void *p, size_t n);
enum ma_status site_file_commit(struct site *s, struct site_file *f);
void site_file_abort(struct site_file *f);

/* site_exists - true when SITE/rel is a file. */
bool site_exists(struct site *s, const char *rel);

/* site_keep - count SITE/rel as produced by this run without writing it
 * (content-addressed files that exist already). */
enum ma_status site_keep(struct site *s, const char *rel);

/* site_remove - unlink SITE/rel if it exists (not an error if not). */
enum ma_status site_remove(struct site *s, const char *rel);

/*
 * site_gc - remove every file of ours (index.html, style.css, feed.atom,
 * a/, m/, t/ and year folders) that this run neither wrote nor kept, and
 * folders left empty; anything else in SITE stays. For full runs only.
 */
enum ma_status site_gc(struct site *s);

/* site_written - files written by this run so far. */
size_t site_written(const struct site *s);

/*
 * site_close - on commit, make everything written durable (syncfs) and
 * remove the marker; then free s. Without commit (a failed run), the
 * marker stays for the next run's sweep.
 */
enum ma_status site_close(struct site *s, bool commit);

/* site_stylesheet - the one stylesheet, published as SITE/style.css. */
const char *site_stylesheet(void);

#endif
