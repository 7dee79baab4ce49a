#ifndef MA_MSG_INT_H
#define MA_MSG_INT_H

/* Private to msg.c and msg_parse.c; the rest of the tree uses msg.h. */
#include "msg.h"

/*
 * msg_mime_pass - let gmime read the message at path and set
 * m->has_attachment. A file gmime cannot parse has no attachment (MA_OK);
 * MA_EIO (logged) when it cannot be opened.
 */
enum ma_status msg_mime_pass(const char *path, struct msg *m);

/*
 * msg_check_mem - msg_check_file() over the len bytes at data (a file
 * read whole, normalised already): MSG_MAIL, MSG_UNPARSABLE or
 * MSG_NO_AUTHOR. header_bytes: how many of them the header block takes,
 * through its empty line (the identity pass knows).
 */
enum msg_verdict msg_check_mem(const char *data, size_t len,
			       unsigned long long header_bytes);

/*
 * msg_read_small - the file at path read whole, in one read(2) of its
 * fstat(2) size, into *datap (malloc'd) and *lenp when it holds 1 to max
 * bytes; *datap NULL when it is empty or larger (the caller streams it
 * then). MA_ENOTFOUND or MA_EIO (logged as msg_open() logs them).
 */
enum ma_status msg_read_small(const char *path, size_t max, char **datap,
			      size_t *lenp);

#endif
