/*
 * HTTP POSTs to OAuth 2.0 endpoints with libcurl. Why so strict: the body
 * carries a client secret or a refresh token, so it goes only over TLS
 * (RFC 6749 3.2: "MUST require the use of TLS"), or to the loopback
 * interface that never leaves the machine; redirects are not followed
 * (a 3xx would resend the secret to wherever it points).
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch_conn.h"
#include "log.h"
#include "net_proxy.h"
#include "oauth_http.h"

/* Bounded waits: a token endpoint that hangs must not stall a poll. */
#define CONNECT_TIMEOUT 20L
#define TOTAL_TIMEOUT	60L

bool
oauth_host_is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;
	char tmp[64];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	/* curl gives IPv6 hosts in brackets. */
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
	    n - 2 < sizeof tmp) {
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		host = tmp;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return memcmp(&a6, &in6addr_loopback, sizeof a6) == 0;
	return false;
}

/* The check of oauth_url_check(); *loopback tells where url goes. */
static const char *
url_check(const char *url, bool *loopback)
{
	const char *why = NULL;
	char *scheme = NULL, *host = NULL, *user = NULL;
	CURLU *u;

	*loopback = false;
	if ((u = curl_url()) == NULL)
		return "out of memory";
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		why = "is not an absolute URL";
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
		why = "must not carry a user name or password (use "
		      "client_id and client_secret_file)";
	else if (strcasecmp(scheme, "https") == 0)
		why = NULL;
	else if (strcasecmp(scheme, "http") != 0)
		why = "is neither https:// nor http:// to a loopback address";
	else if (!oauth_host_is_loopback(host))
		why = "must be https:// (http:// only to a loopback address)";
	*loopback = why == NULL && oauth_host_is_loopback(host);
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return why;
}

const char *
oauth_url_check(const char *url)
{
	bool loopback;

	return url_check(url, &loopback);
}

enum ma_status
oauth_form_add(struct buf *form, const char *key, const char *value)
{
	enum ma_status st = MA_OK;
	char *k, *v;

	k = curl_easy_escape(NULL, key, 0);
	v = curl_easy_escape(NULL, value, 0);
	if (k == NULL || v == NULL)
		st = MA_ENOMEM;
	if (st == MA_OK && form->len > 0)
		st = buf_addc(form, '&');
	if (st == MA_OK)
		st = buf_addf(form, "%s=%s", k, v);
	curl_free(k);
	if (v != NULL) {
		explicit_bzero(v, strlen(v));
		curl_free(v);
	}
	return st;
}

char *
oauth_form_get(const char *query, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = query; *p;) {
		size_t len = strcspn(p, "&");

		if (len > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			char *raw = strndup(p + klen + 1, len - klen - 1), *out;
			int outlen;

			if (raw == NULL)
				return NULL;
			/* Forms write a blank as '+' (HTML 4.01 17.13.4). */
			for (char *q = raw; *q; q++)
				if (*q == '+')
					*q = ' ';
			out = curl_easy_unescape(NULL, raw, 0, &outlen);
			explicit_bzero(raw, strlen(raw));
			free(raw);
			if (out == NULL)
				return NULL;
			/* An encoded NUL would cut the value short: refuse. */
			if ((size_t)outlen != strlen(out)) {
				curl_free(out);
				return NULL;
			}
			raw = strdup(out);
			explicit_bzero(out, (size_t)outlen);
			curl_free(out);
			return raw;
		}
		p += len + (p[len] == '&');
	}
	return NULL;
}

struct sink {
	struct buf *body;
	bool too_big;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	if (buf_add(s->body, p, size * n) != MA_OK) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	return size * n;
}

static enum ma_status
curl_status(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return MA_ETLS;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return MA_ECONFIG;
	case CURLE_OUT_OF_MEMORY:
		return MA_ENOMEM;
	default:
		/* Refused, reset, timed out, empty reply, and names that do
		 * not resolve (the network may be down): the provider may be
		 * back at the next poll, so the timer tries again. */
		return MA_ETEMP;
	}
}

enum ma_status
oauth_http_post(const char *url, const char *proxy, const char *what,
		const struct buf *form, long *code, struct buf *body)
{
	struct sink sink = {body, false};
	struct curl_slist *hdrs = NULL;
	enum ma_status st;
	bool loopback = false;
	const char *why;
	char shown[160];
	CURLcode rc;
	CURL *c;

	if ((why = url_check(url, &loopback)) != NULL) {
		log_err("%s: URL '%s' %s", what, url, why);
		return MA_ECONFIG;
	}
	fetch_conn_curl_init();
	if ((c = curl_easy_init()) == NULL)
		return MA_ENOMEM;
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (hdrs == NULL) {
		curl_easy_cleanup(c);
		return MA_ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	/* The account's proxy, as for its mail connections: with none (the
	 * default) no proxy from the environment takes the request, and its
	 * secrets, anywhere; a loopback endpoint then stays on this machine. */
	net_proxy_apply(c, proxy,
			strncasecmp(url, "http://", 7) == 0 ? "http" : "https",
			what, shown, sizeof shown);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mailarc/" MAILARC_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	/* Not COPYPOSTFIELDS: libcurl would keep an unwiped copy. */
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, buf_cstr(form));
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)form->len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	rc = curl_easy_perform(c);
	if (sink.too_big) {
		log_err("%s: response larger than %d bytes", what,
			OAUTH_HTTP_MAX);
		st = MA_EPROTO;
	} else if (rc != CURLE_OK) {
		st = curl_status(rc);
		log_err("%s: cannot reach '%s'%s%s: %s", what, url,
			shown[0] != '\0' ? " through the proxy " : "", shown,
			curl_easy_strerror(rc));
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
		st = MA_OK;
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return st;
}
