#ifndef MA_IMAP_H
#define MA_IMAP_H

#include <stddef.h>

#include "account.h"
#include "buf.h"
#include "fetch_conn.h"
#include "fetch_sink.h"
#include "status.h"

/*
 * IMAP4rev1 (RFC 3501) over a logged-in fetch_conn: the fetch of an
 * account's folders (imap_run()), and the commands "Test Connection"
 * needs besides.
 */

/*
 * imap_run - fetch what is new in each of a's folders into sink (which says,
 * through sink->st, what was taken before), then delete on the server what is
 * durable when a->delete_on_server. A missing folder does not stop the
 * others and gives MA_ENOTFOUND at the end; a broken session stops the run
 * (MA_ETEMP, MA_EPROTO). What was committed but not flushed is left in sink.
 */
enum ma_status imap_run(struct fetch_conn *c, const struct account *a,
			struct fetch_sink *sink);

/* imap_capabilities - the CAPABILITY list after login, into caps. */
enum ma_status imap_capabilities(struct fetch_conn *c, struct buf *caps);

/*
 * imap_examine - open folder read-only; *existsp is its message count.
 * A folder the server does not have is MA_ENOTFOUND (logged).
 */
enum ma_status imap_examine(struct fetch_conn *c, const char *folder,
			    unsigned long *existsp,
			    unsigned long *uidvalidityp);

/* imap_logout - say goodbye (errors ignored: the work is done). */
void imap_logout(struct fetch_conn *c);

#endif
