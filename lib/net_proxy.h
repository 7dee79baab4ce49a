#ifndef MA_NET_PROXY_H
#define MA_NET_PROXY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * An account's proxy setting (proxy = none|env|URL) applied to a libcurl
 * handle. The one place the policy lives: the mail connections
 * (fetch_conn.c) and the OAuth requests made for the account
 * (oauth_http.c: token refresh, code redemption, device authorization)
 * both call net_proxy_apply(), so that every connection made for an
 * account goes the same way.
 */

/*
 * net_proxy_env - the proxy the environment names for a URL scheme
 * ("imaps", "pop3", "https", "http"...), borrowed from the environment,
 * or NULL: the first set and non-empty of SCHEME_proxy, SCHEME_PROXY,
 * all_proxy, ALL_PROXY, https_proxy, HTTPS_PROXY. HTTP_PROXY in upper
 * case is never read (a CGI program gets it from a request's "Proxy:"
 * header), as libcurl does not read it either.
 */
const char *net_proxy_env(const char *scheme);

/*
 * net_proxy_shown - "scheme://host:port" of a proxy URL, its user name
 * and password left out, into out (cut to size), for messages.
 */
void net_proxy_shown(const char *url, char *out, size_t size);

/*
 * net_proxy_mask - url with the password of its user part (if any)
 * written as ********, into out (cut to size), for "account show".
 */
void net_proxy_mask(const char *url, char *out, size_t size);

/*
 * net_proxy_apply - set the proxy options of curl (a CURL *) for the
 * account setting setting and a request of URL scheme scheme:
 *   NULL or "none": no proxy at all, and libcurl kept from reading
 *       *_proxy and no_proxy from the environment on its own;
 *   "env": net_proxy_env(scheme), with no_proxy/NO_PROXY applying (no
 *       proxy when the environment names none);
 *   anything else: that proxy URL (as account_load() checked it), for
 *       every host, loopback included.
 * An HTTP proxy is asked for a CONNECT tunnel (SOCKS ignores this).
 * shown gets the proxy used, as net_proxy_shown() writes it, or "" for
 * none; what prefixes the one log line (info) that names it.
 * Returns whether a proxy is used.
 */
bool net_proxy_apply(void *curl, const char *setting, const char *scheme,
		     const char *what, char *shown, size_t size);

#endif
