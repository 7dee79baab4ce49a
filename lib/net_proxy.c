/*
 * The account's proxy policy on a libcurl handle (see net_proxy.h). Why
 * it is explicit even for "env": libcurl reads *_proxy by itself on
 * every handle that does not say otherwise, so an account with
 * proxy = none would still follow a proxy that a login shell or a unit's
 * Environment= happens to carry, and its secrets (a password, a refresh
 * token) with it.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "net_proxy.h"

const char *
net_proxy_env(const char *scheme)
{
	char own[32], upper[32];
	const char *names[] = {own,	    upper,	   "all_proxy",
			       "ALL_PROXY", "https_proxy", "HTTPS_PROXY"};
	const char *v;
	size_t i;
	int n;

	n = snprintf(own, sizeof own, "%s_proxy", scheme);
	if (n < 0 || (size_t)n >= sizeof own)
		own[0] = '\0';
	for (i = 0; own[i] != '\0'; i++)
		upper[i] =
		    (char)(own[i] >= 'a' && own[i] <= 'z' ? own[i] - 'a' + 'A'
							  : own[i]);
	upper[i] = '\0';
	if (strcmp(upper, "HTTP_PROXY") == 0)
		upper[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i][0] != '\0' && (v = getenv(names[i])) != NULL &&
		    v[0] != '\0')
			return v;
	return NULL;
}

/* The authority of a proxy URL "scheme://[user[:password]@]host[:port]
 * [/...]": *rest where it starts, *end where it ends. Returns false when
 * url has no "://". */
static bool
authority(const char *url, const char **rest, const char **end)
{
	if ((*rest = strstr(url, "://")) == NULL)
		return false;
	*rest += 3;
	*end = *rest + strcspn(*rest, "/?#");
	return true;
}

void
net_proxy_shown(const char *url, char *out, size_t size)
{
	const char *rest, *end, *at, *host;

	if (!authority(url, &rest, &end)) {
		snprintf(out, size, "%s", url);
		return;
	}
	at = memrchr(rest, '@', (size_t)(end - rest));
	host = at ? at + 1 : rest;
	snprintf(out, size, "%.*s%.*s", (int)(rest - url), url,
		 (int)(end - host), host);
}

void
net_proxy_mask(const char *url, char *out, size_t size)
{
	const char *rest, *end, *at = NULL, *colon = NULL;

	if (authority(url, &rest, &end))
		at = memchr(rest, '@', (size_t)(end - rest));
	if (at != NULL)
		colon = memchr(rest, ':', (size_t)(at - rest));
	if (colon == NULL) {
		snprintf(out, size, "%s", url);
		return;
	}
	snprintf(out, size, "%.*s********%s", (int)(colon + 1 - url), url, at);
}

bool
net_proxy_apply(void *curl, const char *setting, const char *scheme,
		const char *what, char *shown, size_t size)
{
	const char *url = NULL;
	CURL *c = curl;

	if (size > 0)
		shown[0] = '\0';
	if (setting != NULL && strcmp(setting, "env") == 0) {
		url = net_proxy_env(scheme);
		if (url == NULL)
			log_debug("%s: proxy = env, and the environment "
				  "names no proxy: connecting directly",
				  what);
	} else if (setting != NULL && strcmp(setting, "none") != 0) {
		url = setting;
		/* An account's own URL is for every host. */
		curl_easy_setopt(c, CURLOPT_NOPROXY, "");
	}
	if (url == NULL) {
		/* Both: an empty CURLOPT_PROXY stops libcurl reading
		 * *_proxy, and "*" in CURLOPT_NOPROXY no_proxy. */
		curl_easy_setopt(c, CURLOPT_PROXY, "");
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
		return false;
	}
	net_proxy_shown(url, shown, size);
	curl_easy_setopt(c, CURLOPT_PROXY, url);
	curl_easy_setopt(c, CURLOPT_HTTPPROXYTUNNEL, 1L);
	log_info("%s: connecting through the proxy %s", what, shown);
	return true;
}
