#ifndef MA_IMAP_IDLE_H
#define MA_IMAP_IDLE_H

#include <signal.h>
#include <stdbool.h>

#include "fetch_conn.h"
#include "status.h"

/*
 * IMAP IDLE (RFC 2177) over a logged-in fetch_conn (fetch_connect() made
 * it, imap_examine() opened the folder): wait until the server says the
 * folder grew, re-IDLEing before servers drop an idle client. What to do
 * when mail came (a fetch over another connection) is the caller's.
 */

/* RFC 2177 3: servers may log out a client idle for 30 minutes; the RFC
 * asks clients to re-issue IDLE at least every 29. */
#define IMAP_IDLE_REIDLE_DEFAULT (25L * 60)

struct imap_idle {
	struct fetch_conn *c;	     /* borrowed */
	long reidle_secs;	     /* DONE + IDLE after this long */
	volatile sig_atomic_t *stop; /* non-zero: end the wait (borrowed) */
	unsigned long exists;	     /* the folder's message count as known */
	unsigned tagno;		     /* for this module's own tags, "wN" */
	unsigned long reidles;	     /* how many DONE + IDLE so far */
};

/*
 * imap_idle_has_idle - whether the CAPABILITY list caps (as
 * imap_capabilities() gives it) names IDLE.
 */
bool imap_idle_has_idle(const char *caps);

/*
 * imap_idle_keepalive - turn TCP keepalive on for c's socket (first probe
 * after 60 s of silence, then every 20 s, 3 unanswered: the connection
 * fails), so that a network that vanished without a FIN or RST is noticed
 * within about two minutes, not at the next re-IDLE. A failure is only
 * logged (debug): the re-IDLE still bounds the wait.
 */
void imap_idle_keepalive(struct fetch_conn *c);

/*
 * imap_idle_wait - IDLE until the folder holds more messages than
 * i->exists (an untagged EXISTS above it; EXPUNGE lowers it) or *i->stop is
 * set, then DONE. *newp says which: true for new mail. The connection is
 * then out of IDLE and can take commands or another imap_idle_wait().
 * Statuses: MA_ETEMP (the server closed the connection, said BYE or went
 * silent: reconnect), MA_EPROTO (it refused IDLE or broke the protocol),
 * MA_ENOMEM. Errors are logged once.
 */
enum ma_status imap_idle_wait(struct imap_idle *i, bool *newp);

#endif
