#ifndef MA_FETCH_H
#define MA_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "fetch_conn.h"
#include "maildir.h"
#include "progress.h"
#include "space.h"
#include "state.h"
#include "status.h"

/*
 * mailarc-fetch's engine: take new mail of one account from its server
 * into SPACE/incoming/, remembering what was taken in the state file.
 *
 * Line ends: a message is stored byte for byte as the server sent it. IMAP
 * and POP3 send lines ending in CRLF, so the spool holds CRLF messages;
 * gmime and notmuch read them as they are, and no byte is changed that a
 * signature could cover. (POP3's dot-stuffing is transport, not message,
 * and is undone.)
 */

#define FETCH_CONNECT_TIMEOUT 30L
#define FETCH_IO_TIMEOUT 120L

struct fetch_opts {
	bool wait;            /* wait for the account's lock */
	long connect_timeout; /* seconds; 0: FETCH_CONNECT_TIMEOUT */
	long io_timeout;      /* seconds; 0: FETCH_IO_TIMEOUT */
	/* Called with each delivered path once it is durable. */
	void (*delivered)(const char *path, void *arg);
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

/* What the protocol modules share with the engine during a run. */
struct fetch_pending {
	char *path;
	struct state_folder *folder; /* IMAP: where uid goes */
	uint32_t uid;
	char *uidl; /* POP3 */
};

struct fetch_run {
	const struct space *s;
	const struct account *a;
	const struct fetch_opts *o;
	const char *what; /* "account SPACE/ACCOUNT" */
	char *incoming;   /* SPACE/incoming */
	char *state_path;
	struct fetch_state *st;
	struct fetch_conn conn;
	struct progress prog;
	long count;
	struct maildir_tmp tmp;
	bool tmp_open;
	struct fetch_pending *pending;
	size_t npending;
	uint64_t pending_bytes;
};

/* fetch_msg_begin - start a message in incoming/tmp. */
enum ma_status fetch_msg_begin(struct fetch_run *r);
enum ma_status fetch_msg_write(struct fetch_run *r, const void *p, size_t n);
/*
 * fetch_msg_commit - move it into incoming/new (file fsynced; the folder
 * is fsynced in the next fetch_flush(), which also records folder/uid or
 * uidl). Flushes by itself every so many messages or bytes.
 */
enum ma_status fetch_msg_commit(struct fetch_run *r,
				struct state_folder *folder, uint32_t uid,
				const char *uidl);
/* fetch_msg_abort - drop a message being written (nothing is recorded). */
void fetch_msg_abort(struct fetch_run *r);
/*
 * fetch_flush - make what was committed durable (maildir_sync), then
 * record it in the state file and report the paths: the order that keeps
 * the state from getting ahead of the spool.
 */
enum ma_status fetch_flush(struct fetch_run *r);

/* Protocol modules. */
enum ma_status imap_run(struct fetch_run *r);
enum ma_status pop3_run(struct fetch_run *r);

#endif
