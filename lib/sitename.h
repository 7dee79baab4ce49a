#ifndef MA_SITENAME_H
#define MA_SITENAME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "status.h"

/*
 * The small names and fields the site makes of message data, besides the
 * permalink NAME (permalink.h): thread ids in paths, attachment tokens,
 * Atom ids, the state file's escaping and mbox "From " lines. Each one
 * checks its own bound where the data comes in; the renderer's fixed
 * buffers rely on these checks, so they live here, in one place, with a
 * fuzz target (tests/fuzz/names_fuzz.c) and property tests
 * (tests/unit/sitename_test.c).
 */

/* A thread id as the site uses it: 1 to 31 lower-case hex digits. */
#define SITENAME_THREAD_MAX 32

/* sitename_thread_ok - is id a thread id the site puts in a path? */
bool sitename_thread_ok(const char *id);

/*
 * sitename_set_thread - copy src (may be NULL) into dst when it is a
 * thread id, else make dst empty: a thread id that does not fit is not
 * notmuch's, and none is better than a cut one.
 */
void sitename_set_thread(char dst[SITENAME_THREAD_MAX], const char *src);

/*
 * sitename_att_token_ok - is t an attachment token "SHA256HEX.EXT" (64
 * hex digits, a dot, 1 to 8 lower-case letters), as the renderer records
 * it and puts it in "a/HH/TOKEN"?
 */
bool sitename_att_token_ok(const char *t);

/* The longest attachment token, and its NUL. */
#define SITENAME_TOKEN_MAX (64 + 1 + 8 + 1)

/*
 * sitename_mid_url - append the RFC 2392 "mid:" URL of msgid to b (the
 * Atom entry's stable id): unreserved bytes and sub-delims as they are,
 * every other byte %XX. MA_ETOOBIG when b is full.
 */
enum ma_status sitename_mid_url(struct buf *b, const char *msgid);

/*
 * sitename_state_escape - append s to b with \, tab, newline and CR
 * written \\, \t, \n, \r (a field of a tab-separated line).
 */
enum ma_status sitename_state_escape(struct buf *b, const char *s);

/*
 * sitename_state_unescape - undo sitename_state_escape() on s[0..n):
 * malloc'd, NULL on no memory. Never longer than n.
 */
char *sitename_state_unescape(const char *s, size_t n);

/*
 * sitename_mbox_add - append the message data[0..len) to b as one mboxrd
 * entry: a "From MAILER-DAEMON DATE" line for date, each line matching
 * ^>*From  with one more '>', a final newline and a blank line.
 */
enum ma_status sitename_mbox_add(struct buf *b, const char *data, size_t len,
				 time_t date);

/* sitename_mbox_add_hdr - the same, with the header lines hdr (may be
 * "", each ended by a newline) right after the "From " line: the
 * Archived-At of an mbox download. */
enum ma_status sitename_mbox_add_hdr(struct buf *b, const char *data,
				     size_t len, time_t date, const char *hdr);

#endif
