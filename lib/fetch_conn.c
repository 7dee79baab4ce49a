/*
 * A logged-in POP3 or IMAP connection made by libcurl (see fetch_conn.h
 * for why the mailbox commands go over curl_easy_send/recv), and
 * libcurl's process-wide init, which oauth_http.c shares.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch_conn.h"
#include "log.h"
#include "net_proxy.h"

#define LINE_MAX_GREETING 1024

void
fetch_conn_curl_init(void)
{
	static bool done;

	/* mailarc is single-threaded, so a flag is enough; libcurl wants
	 * its global init before the first handle, once per process. */
	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = true;
	}
}

const char *
fetch_step_name(enum fetch_step s)
{
	switch (s) {
	case FETCH_STEP_RESOLVE:
		return "resolve";
	case FETCH_STEP_CONNECT:
		return "connect";
	case FETCH_STEP_TLS:
		return "tls";
	case FETCH_STEP_LOGIN:
		return "login";
	case FETCH_STEP_FOLDER:
		return "folder";
	case FETCH_STEP_DONE:
		return "done";
	}
	return "?";
}

enum ma_status
fetch_conn_fail(struct fetch_conn *c, enum ma_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof c->error, fmt, ap);
	va_end(ap);
	log_err("%s: %s", c->what, c->error);
	return st;
}

/*
 * The TLS version, read while libcurl runs the session: after a
 * CONNECT_ONLY perform the handle no longer answers CURLINFO_TLS_SSL_PTR.
 */
static void
note_tls(struct fetch_conn *c, CURL *h)
{
	struct curl_tlssessioninfo *info = NULL;

	if (curl_easy_getinfo(h, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK &&
	    info != NULL && info->backend == CURLSSLBACKEND_OPENSSL &&
	    info->internals != NULL)
		c->tls_version = SSL_get_version(info->internals);
}

/*
 * libcurl's debug hook: only the server's lines (CURLINFO_HEADER_IN) are
 * looked at, and only the first, the greeting. What the client sends
 * (HEADER_OUT) carries the login and is never touched.
 */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct fetch_conn *c = arg;
	size_t n = 0;

	if (type != CURLINFO_HEADER_IN)
		return 0;
	note_tls(c, h);
	/* The server's last line, to tell a busy server from a refused
	 * login (POP3 "-ERR [IN-USE]" answers PASS). Cut to fit on
	 * purpose: it is only quoted in a message. */
	while (n < size && data[n] != '\r' && data[n] != '\n')
		n++;
	snprintf(c->last_in, sizeof c->last_in, "%.*s", (int)n, data);
	/* IMAP lists STARTTLS among its capabilities, POP3 has an STLS
	 * line in its CAPA answer: the server offered the upgrade. */
	if (!c->tls_version && ((memmem(data, n, "STARTTLS", 8) != NULL) ||
				(n == 4 && memcmp(data, "STLS", 4) == 0)))
		c->starttls_offered = true;
	n = 0;
	if (c->greeting.len > 0)
		return 0;
	while (n < size && data[n] != '\r' && data[n] != '\n')
		n++;
	if (n > LINE_MAX_GREETING)
		n = LINE_MAX_GREETING;
	if (buf_add(&c->greeting, data, n) != MA_OK)
		buf_reset(&c->greeting);
	return 0;
}

static const char *
scheme(enum account_protocol p)
{
	switch (p) {
	case PROTO_POP:
		return "pop3";
	case PROTO_POPS:
		return "pop3s";
	case PROTO_IMAP:
		return "imap";
	case PROTO_IMAPS:
		return "imaps";
	}
	return "imap";
}

/*
 * The server's certificate, seen from OpenSSL's verify callback. libcurl
 * reports a failed check as one code (CURLE_PEER_FAILED_VERIFICATION) for
 * an unknown CA, an expired certificate and a certificate for another
 * name alike; what an administrator must do differs in each case, so the
 * certificate itself is looked at while the handshake runs. The callback
 * only records: the verdict stays OpenSSL's and libcurl's.
 */
static int peer_ex_index = -1;

/* Copy certificate text printably: it comes from the server. */
static void
printable(char *dst, size_t size, const unsigned char *src, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < size; i++)
		dst[j++] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[j] = '\0';
}

/* Append ", name" (or "name") to names; "..." once it is full. */
static void
add_name(char *names, size_t size, const char *name)
{
	size_t len = strlen(names);
	int n;

	if (len + 4 >= size)
		return;
	n = snprintf(names + len, size - len, "%s%s", len > 0 ? ", " : "",
		     name);
	if (n < 0 || (size_t)n >= size - len)
		snprintf(names + size - 4, 4, "...");
}

static void
cert_time(const ASN1_TIME *t, char *out, size_t size)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, size, "?");
}

static void
cert_cn(X509 *cert, char *out, size_t size)
{
	X509_NAME *subj = X509_get_subject_name(cert);
	int i =
	    subj ? X509_NAME_get_index_by_NID(subj, NID_commonName, -1) : -1;
	ASN1_STRING *d;

	out[0] = '\0';
	if (i < 0)
		return;
	d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
	if (d != NULL)
		printable(out, size, ASN1_STRING_get0_data(d),
			  (size_t)ASN1_STRING_length(d));
}

/* The names a certificate is for: its subjectAltName entries (RFC 6125
 * 6.4.4: the CN only counts when there are none), else its CN. */
static void
cert_names(X509 *cert, char *names, size_t size)
{
	GENERAL_NAMES *alt =
	    X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	char one[128];

	names[0] = '\0';
	for (int i = 0; alt != NULL && i < sk_GENERAL_NAME_num(alt); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(alt, i);
		int len;

		one[0] = '\0';
		if (g->type == GEN_DNS) {
			printable(one, sizeof one,
				  ASN1_STRING_get0_data(g->d.dNSName),
				  (size_t)ASN1_STRING_length(g->d.dNSName));
		} else if (g->type == GEN_IPADD) {
			len = ASN1_STRING_length(g->d.iPAddress);
			if (len == 4 || len == 16)
				inet_ntop(len == 4 ? AF_INET : AF_INET6,
					  ASN1_STRING_get0_data(g->d.iPAddress),
					  one, sizeof one);
		}
		if (one[0] != '\0')
			add_name(names, size, one);
	}
	GENERAL_NAMES_free(alt);
	if (names[0] == '\0') {
		cert_cn(cert, one, sizeof one);
		if (one[0] != '\0')
			add_name(names, size, one);
	}
}

static int
verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl =
	    X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct fetch_conn *c =
	    ssl != NULL && peer_ex_index >= 0
		? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), peer_ex_index)
		: NULL;
	struct fetch_peer_cert *pc;
	X509 *cert;
	int err;

	if (c == NULL)
		return ok;
	pc = &c->peer;
	if (!pc->seen && (cert = X509_STORE_CTX_get0_cert(x)) != NULL) {
		pc->seen = true;
		cert_names(cert, pc->names, sizeof pc->names);
		cert_time(X509_get0_notBefore(cert), pc->not_before,
			  sizeof pc->not_before);
		cert_time(X509_get0_notAfter(cert), pc->not_after,
			  sizeof pc->not_after);
	}
	if (!ok && pc->verify_error == 0) {
		err = X509_STORE_CTX_get_error(x);
		pc->verify_error = err != 0 ? err : -1;
		pc->error_depth = X509_STORE_CTX_get_error_depth(x);
		if ((cert = X509_STORE_CTX_get_current_cert(x)) != NULL) {
			cert_cn(cert, pc->error_subject,
				sizeof pc->error_subject);
			cert_time(err == X509_V_ERR_CERT_NOT_YET_VALID
				      ? X509_get0_notBefore(cert)
				      : X509_get0_notAfter(cert),
				  pc->error_time, sizeof pc->error_time);
		}
	}
	return ok;
}

/* libcurl's hook on each new SSL_CTX: add the recording callback, keeping
 * the verify mode libcurl set. */
static CURLcode
ssl_ctx_cb(CURL *h, void *sslctx, void *arg)
{
	SSL_CTX *ctx = sslctx;

	(void)h;
	if (peer_ex_index < 0)
		peer_ex_index =
		    SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	/* Only diagnostics are lost if this fails: go on. */
	if (peer_ex_index >= 0 && SSL_CTX_set_ex_data(ctx, peer_ex_index, arg))
		SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx),
				   verify_cb);
	return CURLE_OK;
}

/* The certificate date failures: what the date means, and what to do. */
static const struct cert_date {
	int err;
	const char *state, *date, *advice;
} cert_dates[] = {
    {X509_V_ERR_CERT_HAS_EXPIRED, "has expired", "it was valid until",
     "the server must renew it"},
    {X509_V_ERR_CERT_NOT_YET_VALID, "is not valid yet", "it is valid from",
     "check this machine's clock"},
};

/* Why the certificate was refused, in the words an administrator needs. */
static enum ma_status
cert_failed(struct fetch_conn *c, const struct fetch_conn_params *p,
	    const char *why)
{
	const struct fetch_peer_cert *pc = &c->peer;
	int err = pc->verify_error;
	const char *whose = pc->error_depth == 0 ? "the certificate of"
						 : "a CA certificate above";

	for (size_t i = 0; i < sizeof cert_dates / sizeof *cert_dates; i++) {
		const struct cert_date *d = &cert_dates[i];

		if (err == d->err)
			return fetch_conn_fail(c, MA_ETLS,
					       "tls failed: %s %s %s: %s %s "
					       "(certificate '%s'); %s",
					       whose, p->host, d->state,
					       d->date, pc->error_time,
					       pc->error_subject, d->advice);
	}
	if (pc->seen && err == 0 && p->tls_verify)
		/* The chain was trusted, so libcurl's refusal is its host
		 * name check (RFC 6125). */
		return fetch_conn_fail(
		    c, MA_ETLS,
		    "tls failed: name mismatch: the account asks for '%s' but "
		    "the certificate is for '%s'; set host to a name of the "
		    "certificate, or have it reissued for '%s'",
		    p->host, pc->names[0] ? pc->names : "(no name)", p->host);
	return fetch_conn_fail(c, MA_ETLS,
			       "tls failed: the certificate of %s is "
			       "not trusted (%s); set ca_file to the "
			       "CA that signed it",
			       p->host, why);
}

const char *
fetch_conn_proxy_env(enum account_protocol protocol)
{
	return net_proxy_env(scheme(protocol));
}

/* The proxy: only the one the account names (net_proxy.h). */
static void
set_proxy(struct fetch_conn *c, const struct fetch_conn_params *p)
{
	net_proxy_apply(c->curl, p->proxy, scheme(p->protocol), c->what,
			c->proxy_shown, sizeof c->proxy_shown);
}

/*
 * How far libcurl got before it failed: not connected; connected but the
 * TLS handshake of pops/imaps not done; or in the protocol's own part
 * (greeting, STARTTLS, login).
 */
static enum fetch_step
reached(struct fetch_conn *c, const struct fetch_conn_params *p)
{
	curl_off_t tls_done = 0;
	long port = 0;

	if (curl_easy_getinfo(c->curl, CURLINFO_PRIMARY_PORT, &port) !=
		CURLE_OK ||
	    port == 0)
		return FETCH_STEP_CONNECT;
	if ((p->protocol == PROTO_POPS || p->protocol == PROTO_IMAPS) &&
	    (curl_easy_getinfo(c->curl, CURLINFO_APPCONNECT_TIME_T,
			       &tls_done) != CURLE_OK ||
	     tls_done == 0))
		return FETCH_STEP_TLS;
	return FETCH_STEP_LOGIN;
}

/* tls_failed - why the TLS handshake or STARTTLS (rc) failed. */
static enum ma_status
tls_failed(struct fetch_conn *c, const struct fetch_conn_params *p, CURLcode rc,
	   const char *why)
{
	if (rc == CURLE_USE_SSL_FAILED && c->starttls_offered)
		return fetch_conn_fail(c, MA_ETLS,
				       "tls failed: %s offers STARTTLS "
				       "but refused it (it says: %s); "
				       "no password or token was sent",
				       p->host, c->last_in);
	if (rc == CURLE_USE_SSL_FAILED)
		return fetch_conn_fail(c, MA_ETLS,
				       "tls failed: %s does not offer "
				       "STARTTLS and TLS is required (tls = "
				       "none would allow plain text); no "
				       "password or token was sent",
				       p->host);
	if (rc == CURLE_SSL_CACERT_BADFILE)
		return fetch_conn_fail(c, MA_ECONFIG,
				       "tls failed: cannot use ca_file '%s': "
				       "%s",
				       p->ca_file ? p->ca_file : "", why);
	if (p->protocol != PROTO_POPS && p->protocol != PROTO_IMAPS)
		return fetch_conn_fail(c, MA_ETLS,
				       "tls failed: %s accepted "
				       "STARTTLS but the TLS handshake "
				       "failed (%s); no password or "
				       "token was sent",
				       p->host, why);
	return fetch_conn_fail(c, MA_ETLS,
			       "tls failed: the TLS handshake with %s "
			       "failed (%s)",
			       p->host, why);
}

/* login_failed - the server refused the login: for now, or for good. */
static enum ma_status
login_failed(struct fetch_conn *c, const struct fetch_conn_params *p)
{
	if (fetch_conn_throttled(c->last_in))
		return fetch_conn_fail(c, MA_ETEMP,
				       "login failed for now: the "
				       "server is busy or limits "
				       "this account (it says: %s); "
				       "trying again at the next run",
				       c->last_in);
	return fetch_conn_fail(c, MA_EAUTH,
			       "login failed: the server refused the "
			       "login of '%s'",
			       p->username);
}

/* The name of the server, or of the proxy, was not found. */
static enum ma_status
not_resolved(struct fetch_conn *c, const char *name, bool proxy)
{
	c->step = FETCH_STEP_RESOLVE;
	if (proxy)
		return fetch_conn_fail(c, MA_ENOHOST,
				       "resolve failed: the host name of the "
				       "proxy %s was not found",
				       name);
	return fetch_conn_fail(
	    c, MA_ENOHOST, "resolve failed: host name '%s' not found", name);
}

/* Connecting to the server through the account's proxy failed. */
static enum ma_status
via_proxy_failed(struct fetch_conn *c, const struct fetch_conn_params *p,
		 const char *why)
{
	c->step = FETCH_STEP_CONNECT;
	return fetch_conn_fail(c, MA_ETEMP,
			       "connect failed: %s:%d through the proxy %s: %s",
			       p->host, p->port, c->proxy_shown, why);
}

/* Which step a libcurl failure belongs to, its status and its wording. */
static enum ma_status
open_failed(struct fetch_conn *c, const struct fetch_conn_params *p,
	    CURLcode rc, char *detail)
{
	const char *why = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
	char *end = detail + strlen(detail);

	/* libcurl's OpenSSL messages can end in a blank. */
	while (end > detail && end[-1] == ' ')
		*--end = '\0';

	c->step = reached(c, p);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
		return not_resolved(c, c->proxy_shown, true);
#if LIBCURL_VERSION_NUM >= 0x074900
	case CURLE_PROXY:
		return via_proxy_failed(c, p, why);
#endif
	case CURLE_COULDNT_RESOLVE_HOST:
		return not_resolved(c, p->host, false);
	case CURLE_COULDNT_CONNECT:
		if (c->proxy_shown[0] != '\0')
			return via_proxy_failed(c, p, why);
		c->step = FETCH_STEP_CONNECT;
		return fetch_conn_fail(c, MA_ETEMP, "connect failed: %s:%d: %s",
				       p->host, p->port, why);
	case CURLE_OPERATION_TIMEDOUT:
		return fetch_conn_fail(c, MA_ETEMP,
				       "%s failed: %s:%d timed out after %ld "
				       "s%s",
				       fetch_step_name(c->step), p->host,
				       p->port, p->connect_timeout,
				       c->step == FETCH_STEP_LOGIN &&
					       c->greeting.len == 0
					   ? " (no greeting)"
					   : "");
	case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
	case CURLE_SSL_CACERT:
#endif
		c->step = FETCH_STEP_TLS;
		return cert_failed(c, p, why);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CACERT_BADFILE:
		c->step = FETCH_STEP_TLS;
		return tls_failed(c, p, rc, why);
	case CURLE_LOGIN_DENIED:
		c->step = FETCH_STEP_LOGIN;
		return login_failed(c, p);
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		return fetch_conn_fail(c, MA_ETEMP, "%s failed: %s",
				       fetch_step_name(c->step), why);
	default:
		return fetch_conn_fail(c, MA_EPROTO, "%s failed: %s",
				       fetch_step_name(c->step), why);
	}
}

bool
fetch_conn_throttled(const char *text)
{
	/* Codes only, and Microsoft 365's own wording ("Request is
	 * throttled. Suggested Backoff Time: N milliseconds"): free text
	 * such as "please retry" also follows a wrong password. */
	static const char *const codes[] = {
	    "[THROTTLED",
	    "[LIMIT",
	    "[UNAVAILABLE",
	    "[IN-USE",
	    "[SYS/TEMP",
	    "Request is throttled",
	    "Suggested Backoff Time",
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcasestr(text, codes[i]) != NULL)
			return true;
	return false;
}

/* set_login - the login: a bearer token, or the password. */
static void
set_login(struct fetch_conn *c, const struct fetch_conn_params *p)
{
	curl_easy_setopt(c->curl, CURLOPT_USERNAME, p->username);
	if (p->bearer != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_XOAUTH2_BEARER, p->bearer);
		/* OAUTHBEARER (RFC 7628) when offered, else XOAUTH2; never a
		 * mechanism that would send an empty password. */
		curl_easy_setopt(c->curl, CURLOPT_LOGIN_OPTIONS,
				 "AUTH=OAUTHBEARER;AUTH=XOAUTH2");
	} else {
		curl_easy_setopt(c->curl, CURLOPT_PASSWORD,
				 p->password ? p->password : "");
	}
}

/* set_tls - TLS: required or never, verified as the account says. */
static void
set_tls(struct fetch_conn *c, const struct fetch_conn_params *p)
{
	/*
	 * Never CURLUSESSL_TRY: it logs in in plain text when STARTTLS is
	 * not offered (or is refused), which hands the password to whoever
	 * stripped STARTTLS. CURLUSESSL_ALL stops before the login instead.
	 * Plain text is only ever used when the account asked for it by
	 * name (tls = none), and then STARTTLS is not attempted at all.
	 */
	curl_easy_setopt(c->curl, CURLOPT_USE_SSL,
			 p->tls_required ? (long)CURLUSESSL_ALL
					 : (long)CURLUSESSL_NONE);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER,
			 p->tls_verify ? 1L : 0L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST,
			 p->tls_verify ? 2L : 0L);
	curl_easy_setopt(c->curl, CURLOPT_SSLVERSION,
			 (long)CURL_SSLVERSION_TLSv1_2);
	if (p->ca_file != NULL)
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, p->ca_file);
	curl_easy_setopt(c->curl, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
	curl_easy_setopt(c->curl, CURLOPT_SSL_CTX_DATA, c);
}

enum ma_status
fetch_conn_open(struct fetch_conn *c, const struct fetch_conn_params *p)
{
	char url[512], errbuf[CURL_ERROR_SIZE] = "";
	curl_socket_t sock;
	CURLcode rc;
	int n;

	fetch_conn_curl_init();
	memset(c, 0, sizeof *c);
	c->sock = -1;
	c->what = p->what;
	c->io_timeout_ms = p->io_timeout * 1000;
	c->step = FETCH_STEP_RESOLVE;
	buf_init(&c->greeting, LINE_MAX_GREETING);
	/* An IPv6 literal needs brackets in a URL (unless it has them). */
	n = snprintf(url, sizeof url,
		     strchr(p->host, ':') && p->host[0] != '[' ? "%s://[%s]:%d/"
							       : "%s://%s:%d/",
		     scheme(p->protocol), p->host, p->port);
	if (n < 0 || (size_t)n >= sizeof url)
		return fetch_conn_fail(c, MA_ECONFIG, "host name too long");
	/* A token is a bearer credential: TLS always, whatever else says. */
	if (p->bearer != NULL && !p->tls_required &&
	    p->protocol != PROTO_POPS && p->protocol != PROTO_IMAPS) {
		c->step = FETCH_STEP_TLS;
		return fetch_conn_fail(c, MA_ETLS,
				       "tls failed: refusing OAuth 2.0 over "
				       "plain text");
	}
	if ((c->in = malloc(FETCH_CONN_BUF)) == NULL ||
	    (c->curl = curl_easy_init()) == NULL)
		return fetch_conn_fail(c, MA_ENOMEM, "out of memory");

	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, p->connect_timeout);
	/* CONNECT_ONLY stops after the login: this bounds all of it. */
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, p->connect_timeout);
	set_login(c, p);
	set_tls(c, p);
	set_proxy(c, p);
	curl_easy_setopt(c->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(c->curl, CURLOPT_DEBUGDATA, c);
	/* The debug hook is only called in verbose mode; it never prints,
	 * the default printer is replaced above. */
	curl_easy_setopt(c->curl, CURLOPT_VERBOSE, 1L);

	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
	/* The login is done: let libcurl drop its copies of the secret now
	 * rather than at cleanup. */
	curl_easy_setopt(c->curl, CURLOPT_PASSWORD, NULL);
	curl_easy_setopt(c->curl, CURLOPT_XOAUTH2_BEARER, NULL);
	if (rc != CURLE_OK)
		return open_failed(c, p, rc, errbuf);
	if (curl_easy_getinfo(c->curl, CURLINFO_ACTIVESOCKET, &sock) !=
		CURLE_OK ||
	    sock == CURL_SOCKET_BAD)
		return fetch_conn_fail(c, MA_EPROTO,
				       "login failed: no connection left");
	c->sock = sock;
	c->tls = c->tls_version != NULL;
	if (!c->tls && p->bearer != NULL)
		return fetch_conn_fail(c, MA_ETLS,
				       "tls failed: refusing OAuth 2.0 over "
				       "plain text");
	c->step = FETCH_STEP_FOLDER;
	return MA_OK;
}

void
fetch_conn_close(struct fetch_conn *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	free(c->in);
	c->in = NULL;
	buf_release(&c->greeting);
}

const char *
fetch_conn_tls_version(const struct fetch_conn *c)
{
	return c->tls_version != NULL ? c->tls_version : "none";
}

/* Wait until the socket is readable or writable, bounded by the timeout. */
static enum ma_status
wait_sock(struct fetch_conn *c, short events)
{
	struct pollfd pfd = {.fd = (int)c->sock, .events = events};
	int r;

	do
		r = poll(&pfd, 1, (int)c->io_timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fetch_conn_fail(c, MA_EIO, "poll failed: %s",
				       strerror(errno));
	if (r == 0)
		return fetch_conn_fail(c, MA_ETEMP,
				       "the server sent nothing for %ld s (a "
				       "server scanning a large mailbox may "
				       "need longer: MAILARC_TIMEOUT or "
				       "--timeout)",
				       c->io_timeout_ms / 1000);
	return MA_OK;
}

/* After a libcurl send or receive that returned rc: *again when it would
 * have blocked (the socket is then waited for, for events); a failure is
 * "cannot WHAT the server". Returns MA_OK, or the failure's status. */
static enum ma_status
io_done(struct fetch_conn *c, CURLcode rc, short events, const char *what,
	bool *again)
{
	*again = rc == CURLE_AGAIN;
	if (*again)
		return wait_sock(c, events);
	if (rc != CURLE_OK)
		return fetch_conn_fail(c, MA_ETEMP, "cannot %s the server: %s",
				       what, curl_easy_strerror(rc));
	return MA_OK;
}

enum ma_status
fetch_conn_send(struct fetch_conn *c, const void *p, size_t n)
{
	const char *s = p;
	enum ma_status st;

	while (n > 0) {
		size_t sent = 0;
		bool again;

		st = io_done(c, curl_easy_send(c->curl, s, n, &sent), POLLOUT,
			     "send to", &again);
		if (st != MA_OK)
			return st;
		if (again)
			continue;
		s += sent;
		n -= sent;
	}
	return MA_OK;
}

/* Make sure something is buffered. */
static enum ma_status
fill(struct fetch_conn *c)
{
	enum ma_status st;

	if (c->in_pos < c->in_len)
		return MA_OK;
	c->in_pos = c->in_len = 0;
	for (;;) {
		size_t got = 0;
		bool again;

		st = io_done(
		    c, curl_easy_recv(c->curl, c->in, FETCH_CONN_BUF, &got),
		    POLLIN, "read from", &again);
		if (st != MA_OK)
			return st;
		if (again)
			continue;
		if (got == 0)
			return fetch_conn_fail(c, MA_ETEMP,
					       "the server closed the "
					       "connection");
		c->in_len = got;
		return MA_OK;
	}
}

/* The next buffered bytes (read first when there are none): at most max,
 * and with lfp, through the first LF (*lfp: there was one). */
static enum ma_status
take(struct fetch_conn *c, size_t max, const char **pp, size_t *np, bool *lfp)
{
	enum ma_status st;
	size_t n;

	if ((st = fill(c)) != MA_OK)
		return st;
	n = c->in_len - c->in_pos;
	if (n > max)
		n = max;
	if (lfp != NULL) {
		const char *lf = memchr(c->in + c->in_pos, '\n', n);

		if (lf != NULL)
			n = (size_t)(lf - (c->in + c->in_pos)) + 1;
		*lfp = lf != NULL;
	}
	*pp = c->in + c->in_pos;
	*np = n;
	c->in_pos += n;
	return MA_OK;
}

enum ma_status
fetch_conn_chunk(struct fetch_conn *c, size_t max, const char **pp, size_t *np,
		 bool *lfp)
{
	return take(c, max, pp, np, lfp);
}

enum ma_status
fetch_conn_raw(struct fetch_conn *c, size_t max, const char **pp, size_t *np)
{
	return take(c, max, pp, np, NULL);
}

enum ma_status
fetch_conn_line(struct fetch_conn *c, struct buf *line)
{
	enum ma_status st;
	const char *p;
	size_t n;
	bool lf = false;

	buf_reset(line);
	while (!lf) {
		if ((st = fetch_conn_chunk(c, FETCH_CONN_BUF, &p, &n, &lf)) !=
		    MA_OK)
			return st;
		if (buf_add(line, p, n) != MA_OK)
			return fetch_conn_fail(c, MA_EPROTO,
					       "the server sent a line longer "
					       "than %zu bytes",
					       line->max);
	}
	line->len--;
	if (line->len > 0 && line->data[line->len - 1] == '\r')
		line->len--;
	line->data[line->len] = '\0';
	return MA_OK;
}
