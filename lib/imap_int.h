#ifndef MA_IMAP_INT_H
#define MA_IMAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fetch_conn.h"
#include "imap.h"
#include "status.h"

/*
 * Private to lib/imap*.c: the IMAP syntax that imap.c (the session) and
 * imap_folder.c (the folder listing) share. Nothing else includes it.
 */

/*
 * imap_literal_at_end - whether line ends with a literal's announcement,
 * "{123}" or "{123+}" (RFC 3501 4.3, RFC 7888); its length into *np.
 */
bool imap_literal_at_end(const struct buf *line, uint64_t *np);

/*
 * imap_skip_value - move *pp past the parenthesised list, quoted string or
 * atom it points at; false when the value is cut short.
 */
bool imap_skip_value(const char **pp);

/* imap_has_word - whether the space-separated list s holds word (ASCII
 * case ignored). */
bool imap_has_word(const char *s, const char *word);

/*
 * imap_list_resp - one "* LIST (attributes) delimiter name" response, p
 * after "LIST ", appended to *listp (*np entries of *capp; grown here,
 * the caller frees with imap_folders_free()). A name sent as a literal is
 * read from c, and line then holds the rest of its line. utf8: names are
 * UTF-8 (UTF8=ACCEPT is enabled), else modified UTF-7. Statuses:
 * MA_EPROTO (logged), MA_ETEMP, MA_ENOMEM, MA_ETOOBIG.
 */
enum ma_status imap_list_resp(struct fetch_conn *c, struct buf *line,
			      const char *p, bool utf8,
			      struct imap_folder **listp, size_t *np,
			      size_t *capp);

#endif
