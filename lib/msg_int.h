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

#endif
