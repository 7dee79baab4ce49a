#ifndef MA_FETCH_H
#define MA_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "fetch_conn.h"
#include "secret.h"
#include "space.h"
#include "status.h"

/*
 * The fetch family: take new mail of one account from its server into
 * SPACE/incoming/.ACCOUNT/, remembering what was taken in the account's
 * state file. fetch.c is the driver (lock, connect, hand over);
 * fetch_conn.c owns the libcurl connection (connect, TLS, login);
 * imap.c and pop3.c speak the mailbox protocols over it; fetch_sink.c is
 * the delivery path they feed (durable first, recorded after);
 * fetch_probe.c is "Test Connection". Nothing here reads configuration:
 * the caller passes the space and account.
 *
 * Line ends: a message is stored byte for byte as the server sent it. IMAP
 * and POP3 send lines ending in CRLF, so the spool holds CRLF messages;
 * gmime and notmuch read them as they are, and no byte is changed that a
 * signature could cover. (POP3's dot-stuffing is transport, not message,
 * and is undone.)
 */

#define FETCH_CONNECT_TIMEOUT 30L
#define FETCH_IO_TIMEOUT      120L

struct fetch_opts {
	bool wait;	      /* wait for the account's lock */
	long connect_timeout; /* seconds; 0: FETCH_CONNECT_TIMEOUT */
	long io_timeout;      /* seconds; 0: FETCH_IO_TIMEOUT */
	/* Called with each delivered path once it is durable. */
	void (*delivered)(const char *path, void *arg);
	/* Called after each batch's paths (NULL: not at all): the paths of
	 * a batch are reported together, so this is where to flush them. */
	void (*batch_done)(void *arg);
	void *arg;
};

/*
 * fetch_account - one run for account a of space s: lock
 * SPACE/state/ACCOUNT.lock, connect, fetch what is new, record it, delete
 * on the server when on_server = delete (only what is durable), and write
 * last run, count and error into the state. *countp (if given) is the
 * number of messages delivered, whatever the status. Errors are logged;
 * statuses as fetch_conn_open(), plus MA_ETEMP (lock busy, server lost),
 * MA_ENOTFOUND (a folder is missing), MA_EDATA (damaged state file).
 */
enum ma_status fetch_account(const struct space *s, const struct account *a,
			     const struct fetch_opts *o, long *countp);

/*
 * fetch_connect - the connection that fetch_account() and "Test
 * Connection" use: password or OAuth 2.0 token (refreshed once and retried
 * when the server refuses a cached token), TLS as the account says. pw,
 * when given, is the password to use instead of the account's source.
 */
enum ma_status fetch_connect(const struct space *s, const struct account *a,
			     const struct secret *pw, long connect_timeout,
			     long io_timeout, const char *what,
			     struct fetch_conn *c);

#endif
