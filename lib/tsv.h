#ifndef MA_TSV_H
#define MA_TSV_H

#include <stddef.h>

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
 * tsv_cut - end line's first field at its tab and return the rest of the
 * line (tabs and all), or NULL when line has no tab.
 */
char *tsv_cut(char *line);

#endif
