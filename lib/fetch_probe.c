/*
 * "Test Connection" (fetch_probe.h): the steps of a fetch up to the
 * mailbox, each reported as it succeeds, so that an administrator sees how
 * far it got. The connection is the one mailarc-fetch makes
 * (fetch_connect()), so a test that passes means the fetch can log in.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "fetch.h"
#include "fetch_probe.h"
#include "imap.h"
#include "log.h"
#include "pop3.h"

/*
 * Longest line of text for a step other than the capabilities and the
 * greeting (passed as they are): its pieces are configuration values (at
 * most CONFIG_VALUE_MAX bytes each) and numbers, so a line always fits.
 */
#define PROBE_LINE_MAX 4096

static void
report(const struct fetch_probe_report *r, const char *step, const char *text)
{
	if (r != NULL && r->line != NULL)
		r->line(step, text, r->arg);
}

/* Report a formatted line (one that does not fit is a bug: said so). */
static void reportf(const struct fetch_probe_report *r, const char *step,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
reportf(const struct fetch_probe_report *r, const char *step, const char *fmt,
	...)
{
	char text[PROBE_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof text)
		log_warn("test connection: the '%s' line was cut", step);
	report(r, step, text);
}

/*
 * The proxy that resolves the server's name itself (socks5h, socks4a, an
 * HTTP proxy's CONNECT), or NULL: then this machine resolves it. The
 * account's proxy setting, or with proxy = env the environment's.
 */
static const char *
remote_resolver(const struct account *a)
{
	static const char *const schemes[] = {"socks5h://", "socks4a://",
					      "http://", "https://"};
	const char *url = a->proxy;

	if (url != NULL && strcmp(url, "env") == 0)
		url = fetch_conn_proxy_env(a->protocol);
	if (url == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strncmp(url, schemes[i], strlen(schemes[i])) == 0)
			return schemes[i];
	return NULL;
}

enum ma_status
fetch_probe_resolve(const struct account *a, const char *what,
		    const struct fetch_probe_report *r)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	char addr[INET6_ADDRSTRLEN] = "?";
	const char *via = remote_resolver(a);
	int rc;

	/* Behind such a proxy this machine may not know the name at all. */
	if (via != NULL) {
		reportf(r, "resolve", "%s: left to the %.*s proxy", a->host,
			(int)(strlen(via) - 3), via);
		return MA_OK;
	}
	rc = getaddrinfo(a->host, NULL, &hints, &res);
	if (rc != 0) {
		log_err("%s: resolve failed: host name '%s' not found (%s)",
			what, a->host, gai_strerror(rc));
		return rc == EAI_AGAIN ? MA_ETEMP : MA_ENOHOST;
	}
	getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof addr, NULL, 0,
		    NI_NUMERICHOST);
	reportf(r, "resolve", "%s -> %s", a->host, addr);
	freeaddrinfo(res);
	return MA_OK;
}

/* folder = *: which folders a fetch would take. */
static enum ma_status
probe_all_folders(struct fetch_conn *conn, const struct fetch_probe_report *r)
{
	struct imap_folder *f = NULL;
	size_t n = 0, *idx, k;
	enum ma_status st = imap_list_folders(conn, &f, &n);

	if (st != MA_OK)
		return st;
	if ((idx = malloc((n + 1) * sizeof *idx)) == NULL) {
		imap_folders_free(f, n);
		return MA_ENOMEM;
	}
	k = imap_folder_pick(f, n, idx);
	reportf(r, "folder", "*: %zu of the server's %zu folders", k, n);
	for (size_t i = 0; i < k; i++)
		reportf(r, "folder", "%s", f[idx[i]].name);
	free(idx);
	imap_folders_free(f, n);
	return MA_OK;
}

static enum ma_status
probe_imap(struct fetch_conn *conn, const struct account *a, struct buf *caps,
	   const struct fetch_probe_report *r)
{
	enum ma_status st = imap_capabilities(conn, caps);

	if (st == MA_OK)
		report(r, "capabilities", buf_cstr(caps));
	if (st == MA_OK && account_all_folders(a))
		st = probe_all_folders(conn, r);
	for (size_t i = 0;
	     st == MA_OK && !account_all_folders(a) && i < a->nfolders; i++) {
		unsigned long n, uv;

		st = imap_examine(conn, a->folders[i], &n, &uv);
		if (st == MA_OK)
			reportf(r, "folder",
				"%s: %lu messages (UIDVALIDITY %lu)",
				a->folders[i], n, uv);
	}
	if (st == MA_OK)
		imap_logout(conn);
	return st;
}

static enum ma_status
probe_pop3(struct fetch_conn *conn, struct buf *caps,
	   const struct fetch_probe_report *r)
{
	enum ma_status st = pop3_capabilities(conn, caps);
	unsigned long n;

	if (st == MA_OK)
		report(r, "capabilities", buf_cstr(caps));
	if (st == MA_OK && (st = pop3_stat(conn, &n)) == MA_OK)
		reportf(r, "maildrop", "%lu messages", n);
	if (st == MA_OK)
		st = pop3_quit(conn);
	return st;
}

enum ma_status
fetch_probe_session(const struct space *s, const struct account *a,
		    const struct secret *pw, long timeout, const char *what,
		    const struct fetch_probe_report *r)
{
	struct fetch_conn conn;
	struct buf caps;
	enum ma_status st;

	st = fetch_connect(s, a, pw, timeout, timeout, what, &conn);
	if (st != MA_OK) {
		fetch_conn_close(&conn);
		return st;
	}
	reportf(r, "connect", "%s:%d", a->host, a->port);
	reportf(r, "tls", "%s%s", fetch_conn_tls_version(&conn),
		!conn.tls		  ? " (plain text: tls = none)"
		: account_implicit_tls(a) ? ""
					  : " (STARTTLS)");
	reportf(r, "login", "ok (%s)", a->username);
	report(r, "greeting", buf_cstr(&conn.greeting));
	buf_init(&caps, 1u << 20);
	if (account_uses_imap(a))
		st = probe_imap(&conn, a, &caps, r);
	else
		st = probe_pop3(&conn, &caps, r);
	buf_release(&caps);
	fetch_conn_close(&conn);
	return st;
}
