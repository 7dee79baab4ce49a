#ifndef MA_TSV_H
#define MA_TSV_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/*
 * The tab-separated record files of a space (index.queue, dedupe.pending,
 * dedupe.report, the dedupe buckets, tombstones): one record a line,
 * fields split at tabs, no quoting. Each file's own reader says which
 * fields it needs; this is the one split they share.
 */

/*
 * tsv_split - split line in place at its tabs into fields[0..max-1]
 * (NUL-terminated; the line itself holds no newline). Returns the number
 * of fields, or max + 1 when the line has more than max: fields[max - 1]
 * then ends at its tab and the rest is not looked at.
 */
size_t tsv_split(char *line, char **fields, size_t max);

/*
 * tsv_each - read the record file at path line by line: each whole line
 * (a torn last line, with no newline, is not one yet) of at most line_max
 * bytes with its newline (0: any length) is split as tsv_split(line,
 * fields, nfields) does, with nfields at most TSV_FIELDS_MAX, and handed
 * to fn(fields, nf, arg) (the fields are valid during the call only).
 * fn returns MA_OK to go on, or a status that stops the read. Returns
 * MA_OK, MA_ENOTFOUND when there is no file, MA_EIO when it does not open
 * or read (not logged; errno says why), MA_ENOMEM, or fn's status.
 */
#define TSV_FIELDS_MAX 16
typedef enum ma_status tsv_line_fn(char **fields, size_t nf, void *arg);
enum ma_status tsv_each(const char *path, size_t nfields, size_t line_max,
			tsv_line_fn *fn, void *arg);

/*
 * tsv_cut - end line's first field at its tab and return the rest of the
 * line (tabs and all), or NULL when line has no tab.
 */
char *tsv_cut(char *line);

/*
 * tsv_field_ok - may s be written as a field: not NULL, not empty, and no
 * control character (a tab or newline would break the record).
 */
bool tsv_field_ok(const char *s);

/*
 * tsv_drop_lines - rewrite the record file at path (at most max bytes)
 * without the lines that drop(rest, len, arg) says to drop, where rest is
 * what follows the line's field-th tab (len bytes, NUL-terminated in the
 * call, the newline not included). A last line with no newline, or one
 * with fewer tabs, stays. The file is replaced atomically (mode 0600) only
 * when a line went. Returns MA_OK (also when there is no file), or the
 * read, write or allocation status; the file is then left as it was.
 */
typedef bool tsv_drop_fn(const char *rest, size_t len, const void *arg);
enum ma_status tsv_drop_lines(const char *path, size_t max, int field,
			      tsv_drop_fn *drop, const void *arg);

#endif
