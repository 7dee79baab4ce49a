#ifndef MA_POP3_H
#define MA_POP3_H

#include "buf.h"
#include "fetch_conn.h"
#include "status.h"

/*
 * POP3 (RFC 1939, RFC 2449 CAPA) commands over a logged-in fetch_conn.
 * The fetch itself is pop3_run() in fetch.h.
 */

/* pop3_capabilities - the CAPA list, one line each, space-separated. */
enum ma_status pop3_capabilities(struct fetch_conn *c, struct buf *caps);

/* pop3_stat - how many messages the maildrop holds. */
enum ma_status pop3_stat(struct fetch_conn *c, unsigned long *countp);

/* pop3_quit - end the session; deletions take effect only when it works. */
enum ma_status pop3_quit(struct fetch_conn *c);

#endif
