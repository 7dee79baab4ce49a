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
	char tag[16];		     /* of the IDLE under way ("": none) */
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

/*
 * The same wait in steps, for a caller that watches several connections
 * with one poll(2) (one per folder: IDLE watches the one folder its
 * connection selected):
 *
 * imap_idle_begin - send IDLE and read up to the server's "+"; the
 * connection then idles. Untagged responses read on the way count:
 * *newp is set (never cleared) when the folder grew past i->exists.
 *
 * imap_idle_pending - whether a line already read from the socket waits
 * in c's buffer (poll(2) would not say so).
 *
 * imap_idle_read - while idling, read what the server sent: one line (the
 * caller saw the socket readable or imap_idle_pending()), then every line
 * already buffered. *newp as for imap_idle_begin().
 *
 * imap_idle_end - DONE, and read up to IDLE's tagged OK.
 *
 * imap_idle_renew - DONE then IDLE again (RFC 2177 3: before the server's
 * 30-minute inactivity timer), counted in i->reidles.
 *
 * Statuses as for imap_idle_wait(); errors are logged once.
 */
enum ma_status imap_idle_begin(struct imap_idle *i, bool *newp);
bool imap_idle_pending(const struct imap_idle *i);
enum ma_status imap_idle_read(struct imap_idle *i, bool *newp);
enum ma_status imap_idle_end(struct imap_idle *i, bool *newp);
enum ma_status imap_idle_renew(struct imap_idle *i, bool *newp);

#endif
