/*
 * "Test Connection": resolve, connect, negotiate TLS, log in, open the
 * folder, and say what was found, or which step failed and why (one line,
 * its own exit code):
 *
 *	resolve   host name not found          EX_NOHOST
 *	connect   refused, timed out           EX_TEMPFAIL
 *	tls       certificate not trusted,     EX_UNAVAILABLE
 *	          handshake failed, STARTTLS missing where required
 *	login     refused                      EX_NOPERM
 *	folder    missing                      EX_NOINPUT
 *	          the server broke the protocol EX_PROTOCOL
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>

#include "fetch.h"
#include "fetch_front.h"
#include "imap.h"
#include "log.h"
#include "mailarc.h"
#include "pop3.h"

/* The resolve step on its own, so that it can be reported on its own. */
static int
resolve(const struct account *a, const char *what)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	char addr[INET6_ADDRSTRLEN] = "?";
	int r = getaddrinfo(a->host, NULL, &hints, &res);

	if (r != 0) {
		log_err("%s: resolve failed: host name '%s' not found (%s)",
			what, a->host, gai_strerror(r));
		return r == EAI_AGAIN ? EX_TEMPFAIL : EX_NOHOST;
	}
	getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof addr, NULL, 0,
		    NI_NUMERICHOST);
	printf("%-13s %s -> %s\n", "resolve", a->host, addr);
	freeaddrinfo(res);
	return EX_OK;
}

int
account_test_run(struct ctx *c, const struct account *a,
		 const struct secret *pw)
{
	char what[KEY_MAX * 2 + 16];
	struct space *s = NULL;
	struct fetch_conn conn;
	struct buf caps;
	enum ma_status st;
	int ret;
	long t = fetch_timeout_env();

	snprintf(what, sizeof what, "account %s/%s", a->space, a->key);
	if ((ret = resolve(a, what)) != EX_OK)
		return ret;
	/* OAuth needs the space (its token cache); an account being added
	 * belongs to a space that exists. */
	if (a->oauth2 && (s = ctx_space(c, a->space, &ret)) == NULL)
		return ret;
	st = fetch_connect(s, a, pw, t, t, what, &conn);
	space_free(s);
	if (st != MA_OK) {
		fetch_conn_close(&conn);
		return ma_exitcode(st);
	}
	printf("%-13s %s:%d\n", "connect", a->host, a->port);
	printf("%-13s %s%s\n", "tls", fetch_conn_tls_version(&conn),
	       !conn.tls		 ? " (plain text: tls = none)"
	       : account_implicit_tls(a) ? ""
					 : " (STARTTLS)");
	printf("%-13s ok (%s)\n", "login", a->username);
	printf("%-13s %s\n", "greeting", buf_cstr(&conn.greeting));
	buf_init(&caps, 1u << 20);
	if (account_uses_imap(a)) {
		st = imap_capabilities(&conn, &caps);
		if (st == MA_OK)
			printf("%-13s %s\n", "capabilities", buf_cstr(&caps));
		for (size_t i = 0; st == MA_OK && i < a->nfolders; i++) {
			unsigned long n, uv;

			st = imap_examine(&conn, a->folders[i], &n, &uv);
			if (st == MA_OK)
				printf("%-13s %s: %lu messages "
				       "(UIDVALIDITY %lu)\n",
				       "folder", a->folders[i], n, uv);
		}
		if (st == MA_OK)
			imap_logout(&conn);
	} else {
		unsigned long n;

		st = pop3_capabilities(&conn, &caps);
		if (st == MA_OK)
			printf("%-13s %s\n", "capabilities", buf_cstr(&caps));
		if (st == MA_OK && (st = pop3_stat(&conn, &n)) == MA_OK)
			printf("%-13s %lu messages\n", "maildrop", n);
		if (st == MA_OK)
			st = pop3_quit(&conn);
	}
	buf_release(&caps);
	fetch_conn_close(&conn);
	if (st == MA_OK)
		printf("%s: connection test passed\n", what);
	return ma_exitcode(st);
}
