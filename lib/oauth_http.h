#ifndef MA_OAUTH_HTTP_H
#define MA_OAUTH_HTTP_H

#include <stdbool.h>

#include "buf.h"
#include "status.h"

/*
 * HTTP for OAuth 2.0 endpoints: the one place libcurl is used for them.
 * Request bodies hold secrets (client secrets, refresh tokens, passwords)
 * and responses hold tokens: both live in bufs the caller wipes with
 * buf_wipe_release(); nothing of either is ever logged.
 */

/* Largest response body taken from a token endpoint. */
#define OAUTH_HTTP_MAX (64 * 1024)

/*
 * oauth_url_check - NULL when url may carry secrets: an absolute https://
 * URL, or http:// to a loopback address (127.0.0.0/8, ::1, localhost) for
 * local proxies and tests. Otherwise a static reason for a message.
 */
const char *oauth_url_check(const char *url);

/* oauth_host_is_loopback - true for localhost, 127.0.0.0/8 and ::1. */
bool oauth_host_is_loopback(const char *host);

/*
 * oauth_form_add - append "key=value" to an application/x-www-form-
 * urlencoded body (RFC 6749 appendix B), both percent-encoded.
 */
enum ma_status oauth_form_add(struct buf *form, const char *key,
			      const char *value);

/*
 * oauth_form_get - the decoded value of key in an urlencoded query or form
 * (malloc'd; caller frees, wiping if it may be a secret), or NULL when
 * absent or out of memory.
 */
char *oauth_form_get(const char *query, const char *key);

/*
 * oauth_http_post - POST form to url (checked with oauth_url_check()),
 * without following redirects, through the account's proxy setting proxy
 * (NULL, "none", "env" or a URL: net_proxy_apply()), and put the response body
 * in body and the HTTP status in *code. what names the endpoint for messages
 * (e.g. "token endpoint of account 'sales/main'"). A refused or timed out
 * connection, a host name that does not resolve, or a server that sent
 * nothing, gives MA_ETEMP; an untrusted certificate MA_ETLS; a bad URL
 * MA_ECONFIG.
 * All are logged. Any HTTP status is MA_OK: the caller reads the body.
 */
enum ma_status oauth_http_post(const char *url, const char *proxy,
			       const char *what, const struct buf *form,
			       long *code, struct buf *body);

#endif
