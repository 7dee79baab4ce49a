#ifndef MA_FETCH_PROBE_H
#define MA_FETCH_PROBE_H

#include "account.h"
#include "secret.h"
#include "space.h"
#include "status.h"

/*
 * "Test Connection": resolve, connect, negotiate TLS, log in, open the
 * folders (IMAP) or the maildrop (POP3), and say what was found, or which
 * step failed and why. Each finding goes to the caller's report function
 * as a step name and one line of text (borrowed for the call); a failure
 * is logged (one line: the step and why) and its status tells the step:
 *
 *	resolve   host name not found          MA_ENOHOST (MA_ETEMP: try again)
 *	connect   refused, timed out           MA_ETEMP
 *	tls       certificate not trusted,     MA_ETLS
 *	          handshake failed, STARTTLS missing where required
 *	login     refused                      MA_EAUTH
 *	folder    missing                      MA_ENOTFOUND
 *	          the server broke the protocol MA_EPROTO
 *
 * ma_exitcode() maps these to distinct sysexits codes. Nothing is written
 * to the space.
 */

struct fetch_probe_report {
	/* step: "resolve", "connect", "tls", "login", "greeting",
	 * "capabilities", "folder" or "maildrop". */
	void (*line)(const char *step, const char *text, void *arg);
	void *arg;
};

/*
 * fetch_probe_resolve - the resolve step on its own, so that it can be
 * reported before anything else is needed (the space of an OAuth 2.0
 * account). what prefixes the error message ("account SPACE/ACCOUNT").
 */
enum ma_status fetch_probe_resolve(const struct account *a, const char *what,
				   const struct fetch_probe_report *r);

/*
 * fetch_probe_session - the other steps, for account a that need not be
 * saved yet. s is the account's space, needed only for an OAuth 2.0
 * account (its token cache; NULL otherwise). pw is the password to use
 * instead of the account's source (NULL: read it from there). timeout is
 * the connect and I/O timeout in seconds (0: the fetch defaults).
 */
enum ma_status fetch_probe_session(const struct space *s,
				   const struct account *a,
				   const struct secret *pw, long timeout,
				   const char *what,
				   const struct fetch_probe_report *r);

#endif
