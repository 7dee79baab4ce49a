#ifndef MA_PERMALINK_H
#define MA_PERMALINK_H

#include <stddef.h>

#include "status.h"

/*
 * The permalink rule: where a message's page lives in a site, computed
 * from its Message-ID alone, so that anyone holding a Message-ID can
 * build the link without asking the archive.
 *
 *   1. Take the Message-ID without its angle brackets.
 *   2. Keep each byte that is an ASCII letter or digit, or one of
 *      "@", "-", "_", "+", or "." (except as the first byte). Write every
 *      other byte as "=" and two upper-case hex digits ("/" is "=2F",
 *      "=" is "=3D", a space "=20", UTF-8 byte by byte).
 *   3. If the result is longer than 200 bytes, keep its first 120 bytes
 *      (never cutting an "=XX"), then "==" and the first 32 hex digits of
 *      the SHA-256 of the Message-ID ("==" appears nowhere else).
 *   4. The page is "m/" NAME ".html"; the raw message "m/" NAME ".eml".
 *
 * Example: <CAF+x=1@mail.example.com> is m/CAF+x=3D1@mail.example.com.html.
 * The name needs no further escaping in a URL path.
 */

/* Step 3's threshold: a NAME is never longer than this. */
#define PERMALINK_LONG 200

/* Room for the longest NAME plus its NUL. Derived from the rule, never
 * set on its own: a name of PERMALINK_LONG bytes is kept as it is. */
#define PERMALINK_NAME_MAX (PERMALINK_LONG + 1)

/*
 * permalink_name - the NAME of msgid (brackets are stripped if present)
 * into out. MA_EDATA for an empty Message-ID.
 */
enum ma_status permalink_name(const char *msgid, char out[PERMALINK_NAME_MAX]);

/*
 * permalink_path - "m/NAME.html" (malloc'd, caller frees) or NULL on an
 * empty Message-ID or no memory.
 */
char *permalink_path(const char *msgid);

#endif
