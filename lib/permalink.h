#ifndef MA_PERMALINK_H
#define MA_PERMALINK_H

#include <stddef.h>

#include "status.h"

/*
 * The permalink rule: where a message's page lives in a site, computed
 * from its Message-ID alone, so that anyone holding a Message-ID can
 * build the link without asking the archive.
 *
 *   0. Take the Message-ID as the archive's index (notmuch) reads it from
 *      the Message-ID field: encoded-words decoded and bytes that are not
 *      UTF-8 read as gmime does, comments dropped, the part between "<"
 *      and ">", every space and tab in it removed. (notmuch keeps a field
 *      without "<" whole.) permalink_message_id() does this step.
 *   1. Take the Message-ID without its angle brackets (the id "<>",
 *      which notmuch gives a field holding only that, keeps them).
 *   2. Keep each byte that is an ASCII letter or digit, or one of
 *      "@", "-", "_", "+", or "." (except as the first byte). Write every
 *      other byte as "=" and two upper-case hex digits ("/" is "=2F",
 *      "=" is "=3D", a space "=20", UTF-8 byte by byte).
 *   3. If the result is longer than 200 bytes, keep its first 120 bytes
 *      (never cutting an "=XX"), then "==" and the first 32 hex digits of
 *      the SHA-256 of the Message-ID ("==" appears nowhere else).
 *   4. The shard HH is the first two hex digits (lower case) of the
 *      SHA-256 of the Message-ID of step 1 (the bytes the name encodes).
 *      HH can be read from NAME alone: after "==" when step 3 shortened
 *      it (the same digest), else by decoding every "=XX" of NAME back
 *      into its byte and hashing the result.
 *   5. The page is "m/" HH "/" NAME ".html", the raw message
 *      "m/" HH "/" NAME ".eml", every other file of the message
 *      "m/" HH "/" NAME and a suffix. A thread page is "t/" HH "/" NAME
 *      ".html" for the NAME and HH of its first message.
 *
 * Example: <CAF+x=1@mail.example.com> is
 * m/8d/CAF+x=3D1@mail.example.com.html. The name needs no further
 * escaping in a URL path. 256 folders: a million messages put about
 * 3,900 pages (and as many .eml files) in each.
 */

/* Step 3's threshold: a NAME is never longer than this. */
#define PERMALINK_LONG 200

/* Room for the longest NAME plus its NUL. Derived from the rule, never
 * set on its own: a name of PERMALINK_LONG bytes is kept as it is. */
#define PERMALINK_NAME_MAX (PERMALINK_LONG + 1)

/*
 * permalink_name - the NAME of msgid (brackets are stripped if present
 * and something is left between them) into out. MA_EDATA for an empty
 * Message-ID.
 */
enum ma_status permalink_name(const char *msgid, char out[PERMALINK_NAME_MAX]);

/* The layout of steps 4 and 5, recorded with a site's render state: a
 * site rendered with another layout is rendered in full. */
#define PERMALINK_LAYOUT "m/HH"

/* Room for "HH/" NAME and its NUL. */
#define PERMALINK_STEM_MAX (3 + PERMALINK_NAME_MAX)

/*
 * permalink_shard - step 4: the shard HH of a NAME, read from the NAME
 * alone, into hh (two hex digits and a NUL). MA_EDATA when name is not
 * one permalink_name() makes (a bad "=XX", a short hash).
 */
enum ma_status permalink_shard(const char *name, char hh[3]);

/*
 * permalink_stem - "HH/NAME" of a NAME: what follows "m/" or "t/" in a
 * path, before the suffix. The one place the site's layout under m/ and
 * t/ is made; every path and link of a message or thread uses it.
 * MA_EDATA as permalink_shard().
 */
enum ma_status permalink_stem(const char *name, char out[PERMALINK_STEM_MAX]);

/*
 * permalink_path - "m/HH/NAME.html" of msgid (malloc'd, caller frees) or
 * NULL on an empty Message-ID or no memory.
 */
char *permalink_path(const char *msgid);

/*
 * notmuch keeps Message-IDs longer than this many bytes as
 * "notmuch-sha1-" and the 40 hex digits of the SHA-1 of the Message-ID
 * and its terminating NUL (NOTMUCH_MESSAGE_ID_MAX in libnotmuch 0.37).
 */
#define PERMALINK_NOTMUCH_MAX  189
#define PERMALINK_NOTMUCH_SHA1 "notmuch-sha1-"

/*
 * permalink_notmuch_parse - step 0 after the field's text is decoded:
 * the Message-ID notmuch makes of value (what gmime gives for the field),
 * malloc'd; NULL on no memory or an empty value.
 */
char *permalink_notmuch_parse(const char *value);

/*
 * permalink_message_id - step 0 for a Message-ID typed by a person (with
 * or without angle brackets, as in a header): the Message-ID notmuch
 * holds for a message whose field says typed, malloc'd; NULL when
 * nothing is left or on no memory.
 */
char *permalink_message_id(const char *typed);

/*
 * permalink_notmuch_key - the form notmuch stores id in: id itself, or
 * its "notmuch-sha1-" form when it is longer than PERMALINK_NOTMUCH_MAX.
 * malloc'd; NULL on no memory.
 */
char *permalink_notmuch_key(const char *id);

/*
 * permalink_of_message - the NAME of an indexed message: the one function
 * that mailarc-render and mailarc link name a page with. notmuch_id is
 * the message's id in the notmuch database, file one of its files (may be
 * NULL). When notmuch keeps a shortened "notmuch-sha1-" id, the
 * Message-ID field of file is read and, if it is the one notmuch
 * shortened, the name is made from it; in every other case from
 * notmuch_id. Statuses as permalink_name(), MA_ENOMEM.
 */
enum ma_status permalink_of_message(const char *notmuch_id, const char *file,
				    char out[PERMALINK_NAME_MAX]);

/*
 * permalink_real_id - the Message-ID permalink_of_message() names a page
 * after: the Message-ID field of file when notmuch_id is its shortened
 * form, else notmuch_id. malloc'd; NULL on no memory. Tombstones record
 * it, so that a removed message's notice replaces its page.
 */
char *permalink_real_id(const char *notmuch_id, const char *file);

/* How much of a Message-ID a log line shows; longer ones end in "...". */
#define PERMALINK_LOG_ID  80
#define PERMALINK_LOG_MAX (PERMALINK_LOG_ID + 4)

/*
 * permalink_log_id - the first PERMALINK_LOG_ID bytes of id for a log
 * line, control bytes written as '?', "..." when cut (never inside a
 * UTF-8 sequence).
 */
void permalink_log_id(const char *id, char out[PERMALINK_LOG_MAX]);

#endif
