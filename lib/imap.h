#ifndef MA_IMAP_H
#define MA_IMAP_H

#include <stddef.h>

#include "buf.h"
#include "fetch_conn.h"
#include "status.h"

/*
 * IMAP4rev1 (RFC 3501) mailbox commands over a logged-in fetch_conn. The
 * fetch itself is imap_run() in fetch.h; this is what "Test Connection"
 * needs besides.
 */

/* imap_capabilities - the CAPABILITY list after login, into caps. */
enum ma_status imap_capabilities(struct fetch_conn *c, struct buf *caps);

/*
 * imap_examine - open folder read-only; *existsp is its message count.
 * A folder the server does not have is MA_ENOTFOUND (logged).
 */
enum ma_status imap_examine(struct fetch_conn *c, const char *folder,
			    unsigned long *existsp, unsigned long *uidvalidityp);

/* imap_logout - say goodbye (errors ignored: the work is done). */
void imap_logout(struct fetch_conn *c);

#endif
