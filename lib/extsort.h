#ifndef MA_EXTSORT_H
#define MA_EXTSORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/*
 * Records kept on disk so that what fetch holds for a maildrop does not
 * grow with it (#16): a record is a key of 1 to EXTSORT_KEY_MAX bytes
 * (no NUL; a POP3 UIDL) and a 32-bit value (a message's position).
 *
 * A recfile is an anonymous temporary file (O_TMPFILE in a folder, or a
 * named file unlinked at once where that is not supported): records are
 * written in order, then read back in the same order, as often as
 * needed. A kill leaves nothing behind (see extsort_clean() for the
 * named fallback). It knows how many records it holds, so a file cut
 * short under it is an error, not a shorter list.
 *
 * An extsort sorts records that need not fit in memory: they are
 * gathered in a buffer of a fixed size (at most run_records records or
 * EXTSORT_RUN_BYTES bytes), each full buffer is sorted and written to a
 * recfile (a run), and the runs are merged EXTSORT_FANIN at a time until
 * one pass reads them all; records that fit in one buffer never touch
 * the disk. Order: the key's bytes as unsigned (a key before every
 * longer key it begins, which for strings is strcmp's order), then the
 * value. Equal records are all kept.
 */

#define EXTSORT_KEY_MAX	  1024
#define EXTSORT_RUN_BYTES (1u << 20)
#define EXTSORT_FANIN	  16

struct recfile;
struct extsort;

/* The compare of two keys, as the sort orders them. */
int extsort_keycmp(const char *a, size_t alen, const char *b, size_t blen);

/*
 * recfile_open - a new empty recfile in dir (borrowed); prefix names the
 * fallback's file (dir/PREFIX.XXXXXX). MA_EIO, MA_ETEMP (disk full),
 * MA_ENOMEM. The caller frees *rfp with recfile_free().
 */
enum ma_status recfile_open(const char *dir, const char *prefix,
			    struct recfile **rfp);

/* recfile_put - append a record (MA_EDATA for a bad key). */
enum ma_status recfile_put(struct recfile *rf, const char *key, size_t len,
			   uint32_t val);

/*
 * recfile_rewind - write out what is buffered and read from the first
 * record on. Writing after it is not allowed.
 */
enum ma_status recfile_rewind(struct recfile *rf);

/*
 * recfile_get - the next record: its key (valid until the next call, not
 * NUL-terminated), length and value; *endp at the end. MA_EIO (logged)
 * when the file ends before the records it was given.
 */
enum ma_status recfile_get(struct recfile *rf, const char **keyp, size_t *lenp,
			   uint32_t *valp, bool *endp);

/* recfile_count - the records written. */
size_t recfile_count(const struct recfile *rf);

/* recfile_fd - the file (for tests that damage it). */
int recfile_fd(const struct recfile *rf);

void recfile_free(struct recfile *rf);

/*
 * extsort_new - an empty sort whose runs go into dir (borrowed, as is
 * prefix: see recfile_open()); runs of at most run_records records (0:
 * as many as EXTSORT_RUN_BYTES hold).
 */
enum ma_status extsort_new(const char *dir, const char *prefix,
			   size_t run_records, struct extsort **xp);

/* extsort_add - a record into the sort (MA_EDATA for a bad key). */
enum ma_status extsort_add(struct extsort *x, const char *key, size_t len,
			   uint32_t val);

/*
 * extsort_finish - no more records: sort the last buffer and merge the
 * runs down to EXTSORT_FANIN. Then extsort_next() reads them in order,
 * once.
 */
enum ma_status extsort_finish(struct extsort *x);

/* extsort_next - the next record in order, as recfile_get(). */
enum ma_status extsort_next(struct extsort *x, const char **keyp, size_t *lenp,
			    uint32_t *valp, bool *endp);

/* extsort_runs - the runs on disk (0: it all fit in memory); for tests. */
size_t extsort_runs(const struct extsort *x);

/* extsort_run_file - run i (for tests that damage it). */
struct recfile *extsort_run_file(const struct extsort *x, size_t i);

void extsort_free(struct extsort *x);

/*
 * extsort_clean - remove dir/PREFIX.* files that the named fallback left
 * when a run was killed between creating and unlinking one. The caller
 * holds the lock that keeps other runs with the same prefix away.
 */
void extsort_clean(const char *dir, const char *prefix);

#endif
