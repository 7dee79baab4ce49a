#ifndef MA_FETCH_CONN_H
#define MA_FETCH_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "buf.h"
#include "status.h"

/*
 * A logged-in connection to a POP3 or IMAP server. libcurl does the parts
 * that need care and that it does well: name resolution, connect and its
 * timeout, implicit TLS or STARTTLS, certificate checks, the greeting,
 * capabilities and the login (SASL PLAIN/LOGIN/..., XOAUTH2, OAUTHBEARER).
 * It is run with CURLOPT_CONNECT_ONLY, so it stops once logged in and the
 * mailbox commands go over the same connection with curl_easy_send() and
 * curl_easy_recv(). Why not libcurl's own IMAP and POP3 requests: its
 * custom IMAP requests do not parse literals (a FETCH of BODY.PEEK[] comes
 * back line-mangled), its own UID fetch sends BODY[] (sets \Seen), and one
 * request per message cannot pipeline. The read side is a fixed buffer:
 * nothing here grows with the size of a message.
 */

#define FETCH_CONN_BUF 65536

/*
 * fetch_conn_curl_init - libcurl's global init, done once per process; the
 * one place it is done. fetch_conn_open() calls it, and so does every other
 * libcurl user (oauth_http.c) before its first handle.
 */
void fetch_conn_curl_init(void);

/* How far fetch_conn_open() got: what "Test Connection" reports. */
enum fetch_step {
	FETCH_STEP_RESOLVE,
	FETCH_STEP_CONNECT,
	FETCH_STEP_TLS,
	FETCH_STEP_LOGIN,
	FETCH_STEP_FOLDER,
	FETCH_STEP_DONE,
};

/* fetch_step_name - "resolve", "connect", "tls", "login", "folder", "done". */
const char *fetch_step_name(enum fetch_step s);

struct fetch_conn_params {
	const char *what; /* "account sales/main": prefixes every message */
	enum account_protocol protocol;
	const char *host;
	int port;
	const char *username;
	const char *password; /* basic login; borrowed, never logged */
	const char *bearer;   /* OAuth 2.0 access token instead */
	bool tls_required;    /* STARTTLS must work; false: plain text */
	bool tls_verify;
	const char *ca_file;  /* NULL: the system's CA bundle */
	long connect_timeout; /* seconds, for resolve + connect + login */
	long io_timeout;      /* seconds without a byte from the server */
	/*
	 * The account's proxy setting: NULL or "none" (never a proxy,
	 * whatever the environment says), "env" (the environment's, see
	 * fetch_conn_proxy_env()) or a proxy URL (socks5h://, http://...).
	 */
	const char *proxy;
};

/*
 * What the server's certificate said, noted during the handshake so that a
 * failed check can name the problem: the names it is for, its validity and
 * the first verification error. Text from the certificate is made
 * printable and cut to fit (it is only quoted in messages).
 */
struct fetch_peer_cert {
	bool seen;	     /* the server sent a certificate */
	char names[256];     /* "mail.example.org, 192.0.2.1" (SANs, else CN) */
	char not_before[32]; /* "2026-01-02 03:04:05 UTC" */
	char not_after[32];  /* the same */
	int verify_error;    /* OpenSSL X509_V_ERR_*; 0: none seen */
	int error_depth;     /* 0: the server's own certificate */
	char error_subject[96]; /* CN of the certificate that failed */
	char error_time[32];	/* its notAfter (expired) or notBefore */
};

struct fetch_conn {
	void *curl; /* CURL * */
	long sock;  /* curl_socket_t */
	const char *what;
	long io_timeout_ms;
	char *in; /* FETCH_CONN_BUF bytes */
	size_t in_pos, in_len;
	struct buf greeting;	 /* the server's first line, without CRLF */
	bool tls;		 /* the connection is encrypted */
	const char *tls_version; /* static, from OpenSSL; NULL: plain text */
	enum fetch_step step;	 /* where an open failed; DONE once logged in */
	char error[256];	 /* why the last call failed, for the state */
	char last_in[256];	 /* the server's last line during the login */
	bool starttls_offered;	 /* the server listed STARTTLS (IMAP) or STLS */
	struct fetch_peer_cert peer;
	char proxy_shown[160]; /* the proxy used, without credentials; "" */
};

/*
 * fetch_conn_proxy_env - the proxy the environment names for a protocol
 * (borrowed from the environment; NULL: none): the first set of
 * SCHEME_proxy (imap_proxy, imaps_proxy, pop3_proxy, pop3s_proxy, in lower
 * or upper case), all_proxy, ALL_PROXY, https_proxy, HTTPS_PROXY. An
 * account only uses it with proxy = env; no_proxy/NO_PROXY then apply.
 */
const char *fetch_conn_proxy_env(enum account_protocol protocol);

/*
 * fetch_conn_throttled - whether a server's response text carries one of
 * the codes that mean "not now, this account is limited or the server is
 * busy": IMAP [THROTTLED], [LIMIT], [UNAVAILABLE] (RFC 5530), POP3
 * [IN-USE], [SYS/TEMP] (RFC 3206), or Microsoft 365's "Request is
 * throttled. Suggested Backoff Time". The answer is a transient failure
 * (MA_ETEMP): the next run tries again, the account is not failed.
 */
bool fetch_conn_throttled(const char *text);

/*
 * fetch_conn_open - connect, secure and log in. On error the reason is
 * logged (one line: the step and why), kept in c->error and c->step, and
 * the status is MA_ENOHOST (name not found, of the server or of the
 * proxy), MA_ETEMP (refused, timed out, server or proxy down), MA_ETLS
 * (TLS failed: certificate not trusted, for another name, expired or not
 * yet valid; STARTTLS missing or refused where required; handshake
 * failed), MA_EAUTH (login refused), MA_ECONFIG (bad CA file) or
 * MA_EPROTO. Each TLS case has its own wording, naming the names or dates
 * involved. fetch_conn_close() must be called either way.
 */
enum ma_status fetch_conn_open(struct fetch_conn *c,
			       const struct fetch_conn_params *p);

/* fetch_conn_close - close the connection and free; safe to repeat. */
void fetch_conn_close(struct fetch_conn *c);

/* fetch_conn_send - write all of p (a command: never a secret). */
enum ma_status fetch_conn_send(struct fetch_conn *c, const void *p, size_t n);

/*
 * fetch_conn_line - the next line, through LF, into line (replaced; CRLF
 * stripped). A line longer than line's maximum gives MA_EPROTO.
 */
enum ma_status fetch_conn_line(struct fetch_conn *c, struct buf *line);

/*
 * fetch_conn_chunk - borrow the next bytes: up to and including the next
 * LF, or up to max bytes, or what is buffered, whichever is least (*lfp
 * tells whether it ends a line). Valid until the next call.
 */
enum ma_status fetch_conn_chunk(struct fetch_conn *c, size_t max,
				const char **pp, size_t *np, bool *lfp);

/*
 * fetch_conn_raw - borrow up to max of the next bytes, lines or not
 * (literal and body data). Valid until the next call.
 */
enum ma_status fetch_conn_raw(struct fetch_conn *c, size_t max, const char **pp,
			      size_t *np);

/* fetch_conn_tls_version - "TLSv1.3", ... or "none" on plain text. */
const char *fetch_conn_tls_version(const struct fetch_conn *c);

/*
 * fetch_conn_fail - log "WHAT: message" as an error and keep the message
 * in c->error. Returns st.
 */
enum ma_status fetch_conn_fail(struct fetch_conn *c, enum ma_status st,
			       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
