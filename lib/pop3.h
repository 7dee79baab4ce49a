#ifndef MA_POP3_H
#define MA_POP3_H

#include "account.h"
#include "buf.h"
#include "fetch_conn.h"
#include "fetch_sink.h"
#include "status.h"

/*
 * POP3 (RFC 1939, RFC 2449 CAPA) over a logged-in fetch_conn: the fetch of
 * an account's maildrop (pop3_run()), and the commands "Test Connection"
 * needs besides.
 */

/*
 * pop3_run - fetch the messages whose UIDL sink->st does not hold into sink,
 * then DELE what is durable when a->delete_on_server (the server removes
 * them at QUIT). A server without UIDL is MA_EPROTO unless messages are
 * deleted; a broken session gives MA_ETEMP or MA_EPROTO. What was
 * committed but not flushed is left in sink.
 */
enum ma_status pop3_run(struct fetch_conn *c, const struct account *a,
			struct fetch_sink *sink);

/* pop3_capabilities - the CAPA list, one line each, space-separated. */
enum ma_status pop3_capabilities(struct fetch_conn *c, struct buf *caps);

/* pop3_stat - how many messages the maildrop holds. */
enum ma_status pop3_stat(struct fetch_conn *c, unsigned long *countp);

/* pop3_quit - end the session; deletions take effect only when it works. */
enum ma_status pop3_quit(struct fetch_conn *c);

#endif
