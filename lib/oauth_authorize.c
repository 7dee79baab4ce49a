#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"
#include "oauth_authorize.h"
#include "oauth_http.h"
#include "oauth_int.h"
#include "path.h"
#include "pkce.h"

/* A browser's request line and headers fit in this; more is refused. */
#define REQUEST_MAX 8192
/* How long one browser connection may take to send its request. */
#define REQUEST_TIMEOUT_MS 10000

static enum ma_status
resolve_for_authorize(const struct space *s, const struct account *a,
		      struct oauth_params *p)
{
	enum ma_status st;

	if ((st = oauth_params_resolve(s, a, p)) != MA_OK)
		return st;
	if (p->method != OAUTH_REFRESH_TOKEN) {
		log_err("%s: authorize is for oauth_method refresh_token; "
			"%s needs no refresh token",
			p->what, a->oauth_method);
		return MA_ECONFIG;
	}
	p->authorizing = true;
	return oauth_tokens_dir(p);
}

/*
 * Save the refresh token (file, 0600) and the first access token (cache),
 * under the account's lock so that no refresh runs in between.
 */
static enum ma_status
save_grant(const struct oauth_params *p, const struct oauth_reply *r)
{
	struct lock l = {-1, NULL};
	enum ma_status st;

	if (r->refresh.data == NULL) {
		log_err("%s: the provider sent no refresh token (for "
			"Microsoft, scope needs offline_access; for Google, "
			"revoke the app's access and authorize again)",
			p->what);
		return MA_EPROTO;
	}
	if ((st = lock_take(p->lock_path, p->what, true, &l)) != MA_OK)
		return st;
	oauth_remove_stale(p);
	st = path_write_file_atomic(p->refresh_file, r->refresh.data,
				    r->refresh.len, 0600);
	if (st == MA_OK)
		st = oauth_store(p, r, NULL, "");
	lock_drop(&l);
	if (st == MA_OK)
		log_notice("%s: authorized; refresh token saved in '%s'",
			   p->what, p->refresh_file);
	return st;
}

static int
listen_loopback(const struct oauth_params *p, int port, int *portp)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		log_err("%s: cannot listen on 127.0.0.1:%d for the redirect: "
			"%s",
			p->what, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*portp = ntohs(sa.sin_port);
	return fd;
}

/* send(2) with MSG_NOSIGNAL: a browser that hung up must not kill us. */
static void
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void
reply(int fd, const char *status, const char *text)
{
	char head[256];
	int n;

	n = snprintf(head, sizeof head,
		     "HTTP/1.1 %s\r\nContent-Type: text/plain; "
		     "charset=utf-8\r\nContent-Length: %zu\r\n"
		     "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
		     status, strlen(text));
	if (n > 0 && (size_t)n < sizeof head) {
		send_all(fd, head, (size_t)n);
		send_all(fd, text, strlen(text));
	}
}

/*
 * Read one request head from a browser connection into b, bounded in
 * size and time. false when the peer sent no full request line.
 */
static bool
read_request(int fd, struct buf *b)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	char chunk[1024];
	ssize_t n;

	while (strstr(buf_cstr(b), "\r\n") == NULL) {
		if (poll(&pfd, 1, REQUEST_TIMEOUT_MS) <= 0)
			return false;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || buf_add(b, chunk, (size_t)n) != MA_OK)
			return false;
	}
	return true;
}

enum redirect_result { REDIRECT_NONE, REDIRECT_CODE, REDIRECT_ERROR };

/* One browser connection: the redirect with ?code=&state=, or not. */
static enum redirect_result
serve_one(const struct oauth_params *p, int cfd, const char *state,
	  char **codep)
{
	enum redirect_result res = REDIRECT_NONE;
	char *query = NULL, *got_state = NULL, *err = NULL, *desc = NULL;
	const char *line, *sp, *q;
	struct buf b;

	buf_init(&b, REQUEST_MAX);
	if (!read_request(cfd, &b)) {
		buf_wipe_release(&b);
		return REDIRECT_NONE;
	}
	line = buf_cstr(&b);
	if (strncmp(line, "GET /", 5) != 0 ||
	    (sp = strchr(line + 4, ' ')) == NULL) {
		reply(cfd, "405 Method Not Allowed", "mailarc: not here\n");
		goto out;
	}
	q = memchr(line + 4, '?', (size_t)(sp - line - 4));
	/* Browsers also ask for /favicon.ico and the like. */
	if (q == NULL || q != line + 5) {
		reply(cfd, "404 Not Found", "mailarc: not here\n");
		goto out;
	}
	if ((query = strndup(q + 1, (size_t)(sp - q - 1))) == NULL)
		goto out;
	got_state = oauth_form_get(query, "state");
	if (got_state == NULL || strcmp(got_state, state) != 0) {
		/* RFC 6749 10.12: a redirect we did not start. */
		reply(cfd, "400 Bad Request",
		      "mailarc: this is not the answer to the request mailarc "
		      "made (state differs); ignored\n");
		log_warn("%s: ignored a redirect with a wrong state", p->what);
		goto out;
	}
	if ((err = oauth_form_get(query, "error")) != NULL) {
		char shown[128];
		size_t i;

		desc = oauth_form_get(query, "error_description");
		for (i = 0; err[i] && i + 1 < sizeof shown; i++)
			shown[i] =
			    err[i] > 0x20 && err[i] < 0x7f ? err[i] : '?';
		shown[i] = '\0';
		log_err(
		    "%s: the provider did not authorize mailarc (%s%s%.200s)",
		    p->what, shown, desc ? ": " : "", desc ? desc : "");
		reply(cfd, "200 OK",
		      "mailarc: authorization refused; see the terminal\n");
		res = REDIRECT_ERROR;
		goto out;
	}
	if ((*codep = oauth_form_get(query, "code")) == NULL ||
	    **codep == '\0') {
		free(*codep);
		*codep = NULL;
		reply(cfd, "400 Bad Request", "mailarc: no code\n");
		goto out;
	}
	reply(cfd, "200 OK",
	      "mailarc: authorization received; you can close this window\n");
	res = REDIRECT_CODE;
out:
	if (query != NULL) {
		explicit_bzero(query, strlen(query));
		free(query);
	}
	free(got_state);
	free(err);
	free(desc);
	buf_wipe_release(&b);
	return res;
}

/* Wait for the redirect: at most timeout seconds, whatever else comes. */
static enum ma_status
wait_redirect(const struct oauth_params *p, int lfd, const char *state,
	      int timeout, char **codep)
{
	time_t deadline = time(NULL) + timeout;
	struct pollfd pfd = {lfd, POLLIN, 0};

	for (;;) {
		time_t left = deadline - time(NULL);
		enum redirect_result r;
		int cfd, n;

		if (left <= 0) {
			log_err("%s: no answer from the browser within %d "
				"seconds",
				p->what, timeout);
			return MA_ETEMP;
		}
		n = poll(&pfd, 1, (int)(left > 60 ? 60000 : left * 1000));
		if (n < 0 && errno != EINTR) {
			log_err("%s: cannot wait for the redirect: %s", p->what,
				strerror(errno));
			return MA_EIO;
		}
		if (n <= 0)
			continue;
		if ((cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		r = serve_one(p, cfd, state, codep);
		close(cfd);
		if (r == REDIRECT_CODE)
			return MA_OK;
		if (r == REDIRECT_ERROR)
			return MA_EAUTH;
	}
}

static enum ma_status
check_url(const struct oauth_params *p, const char *name, const char *url)
{
	const char *why = oauth_url_check(url);

	if (why == NULL)
		return MA_OK;
	log_err("%s: %s '%s' %s", p->what, name, url, why);
	return MA_ECONFIG;
}

/* code_check - the authorization URL (*auth_url) and redirect host. */
static enum ma_status
code_check(const struct oauth_params *p, const struct oauth_authorize_opts *o,
	   const char **auth_url)
{
	const char *host = o->redirect_host ? o->redirect_host : "127.0.0.1";
	enum ma_status st;

	*auth_url = o->auth_url ? o->auth_url : p->auth_url;
	if (*auth_url == NULL) {
		log_err("%s: give the provider's authorization URL with "
			"--auth-url",
			p->what);
		return MA_ECONFIG;
	}
	if ((st = check_url(p, "authorization URL", *auth_url)) != MA_OK)
		return st;
	if (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "localhost") != 0) {
		log_err("redirect host '%s' is not 127.0.0.1 or localhost",
			host);
		return MA_EUSAGE;
	}
	return MA_OK;
}

/* form_pairs - add the pairs of kv (key, value, ..., NULL) to form. */
static enum ma_status
form_pairs(struct buf *form, const char *const *kv)
{
	enum ma_status st = MA_OK;

	for (size_t i = 0; kv[i] != NULL && st == MA_OK; i += 2)
		st = oauth_form_add(form, kv[i], kv[i + 1]);
	return st;
}

/* code_query - the authorization request's query into q. */
static enum ma_status
code_query(struct buf *q, const struct oauth_params *p, const char *redirect,
	   const char *state, const struct pkce *pk)
{
	/* RFC 6749 4.1.1 and RFC 7636 4.3. */
	/* clang-format off */
	const char *const kv[] = {
	    "response_type", "code",
	    "client_id", p->a->client_id ? p->a->client_id : "",
	    "redirect_uri", redirect,
	    "scope", p->scope,
	    "state", state,
	    "code_challenge", pk->challenge,
	    "code_challenge_method", "S256",
	    "login_hint", p->a->username,
	    NULL,
	};
	/* clang-format on */
	enum ma_status st = form_pairs(q, kv);

	/* Google sends a refresh token only for offline access, and again
	 * only when the user consents again. */
	if (st == MA_OK && p->provider == OAUTH_GOOGLE)
		st = oauth_form_add(q, "access_type", "offline");
	if (st == MA_OK && p->provider == OAUTH_GOOGLE)
		st = oauth_form_add(q, "prompt", "consent");
	return st;
}

/* code_form - the token request for the code the redirect brought. */
static enum ma_status
code_form(struct buf *form, const struct oauth_params *p, const char *code,
	  const char *redirect, const struct pkce *pk)
{
	/* RFC 6749 4.1.3 with the PKCE verifier (RFC 7636 4.5). */
	/* clang-format off */
	const char *const kv[] = {
	    "grant_type", "authorization_code",
	    "code", code,
	    "redirect_uri", redirect,
	    "code_verifier", pk->verifier,
	    NULL,
	};
	/* clang-format on */
	enum ma_status st = form_pairs(form, kv);

	if (st == MA_OK)
		st = oauth_add_client(p, form);
	if (st == MA_OK && p->provider != OAUTH_GOOGLE)
		st = oauth_form_add(form, "scope", p->scope);
	return st;
}

enum ma_status
oauth_authorize_code(const struct space *s, const struct account *a,
		     const struct oauth_authorize_opts *o)
{
	const char *host = o->redirect_host ? o->redirect_host : "127.0.0.1";
	const char *auth_url = NULL;
	char state[32], *redirect = NULL, *code = NULL;
	struct oauth_params p;
	struct oauth_reply r;
	struct buf q, form;
	struct pkce pk;
	enum ma_status st;
	int lfd = -1, port = 0;

	memset(&r, 0, sizeof r);
	memset(&pk, 0, sizeof pk);
	buf_init(&q, OAUTH_HTTP_MAX);
	buf_init(&form, OAUTH_HTTP_MAX);
	if ((st = resolve_for_authorize(s, a, &p)) != MA_OK)
		goto out;
	if ((st = code_check(&p, o, &auth_url)) != MA_OK)
		goto out;
	if ((lfd = listen_loopback(&p, o->port, &port)) < 0) {
		st = MA_EIO;
		goto out;
	}
	if ((redirect = path_fmt("http://%s:%d/", host, port)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = pkce_new(&pk)) != MA_OK ||
	    (st = pkce_random_token(16, state)) != MA_OK)
		goto out;

	st = code_query(&q, &p, redirect, state, &pk);
	if (st != MA_OK)
		goto out;
	log_notice("%s: open the URL below in a browser on this machine and "
		   "sign in as '%s'; waiting up to %d seconds",
		   p.what, a->username, o->timeout);
	fprintf(o->out, "%s%c%s\n", auth_url, strchr(auth_url, '?') ? '&' : '?',
		buf_cstr(&q));
	if (fflush(o->out) != 0) {
		st = MA_EIO;
		goto out;
	}
	if ((st = wait_redirect(&p, lfd, state, o->timeout, &code)) != MA_OK)
		goto out;
	close(lfd);
	lfd = -1;

	st = code_form(&form, &p, code, redirect, &pk);
	if (st == MA_OK)
		st = oauth_token_request(&p, &form, &r, NULL);
	if (st == MA_OK)
		st = save_grant(&p, &r);
out:
	if (lfd >= 0)
		close(lfd);
	if (code != NULL) {
		explicit_bzero(code, strlen(code));
		free(code);
	}
	free(redirect);
	pkce_wipe(&pk);
	oauth_reply_wipe(&r);
	buf_wipe_release(&q);
	buf_wipe_release(&form);
	oauth_params_release(&p);
	return st;
}

/* Provider text printed on a terminal: no escape sequences. */
static bool
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* device_url - the device authorization endpoint, or NULL (logged). */
static const char *
device_url(const struct oauth_params *p, const struct oauth_authorize_opts *o)
{
	const char *url = o->device_url ? o->device_url : p->device_url;

	if (url == NULL)
		log_err("%s: %s", p->what,
			p->provider == OAUTH_GOOGLE
			    ? "Google's device flow does not allow the "
			      "https://mail.google.com/ scope; use "
			      "authorize without --device"
			    : "give the provider's device authorization "
			      "URL with --device-url");
	return url;
}

/* device_answer - the user code and verification URI of answer j. */
static enum ma_status
device_answer(const struct oauth_params *p, const struct oauth_json *j,
	      const char **user_code, const char **verify)
{
	*user_code = oauth_json_str(j, "user_code");
	/* Google spells it verification_url. */
	if ((*verify = oauth_json_str(j, "verification_uri")) == NULL)
		*verify = oauth_json_str(j, "verification_url");
	if (oauth_json_str(j, "device_code") == NULL || *user_code == NULL ||
	    *verify == NULL) {
		log_err(
		    "%s: the device authorization answer lacks device_code, "
		    "user_code or verification_uri",
		    p->what);
		return MA_EPROTO;
	}
	if (!printable(*user_code) || !printable(*verify)) {
		log_err("%s: the device authorization answer holds control "
			"characters",
			p->what);
		return MA_EPROTO;
	}
	return MA_OK;
}

/*
 * device_poll - ask the token endpoint every interval seconds until the
 * user signed in (the grant is saved) or expires seconds passed.
 */
static enum ma_status
device_poll(const struct oauth_params *p, const struct secret *device_code,
	    long interval, long expires)
{
	struct oauth_reply r;
	struct buf form;
	enum ma_status st;
	const char *pending;
	time_t deadline;

	memset(&r, 0, sizeof r);
	buf_init(&form, OAUTH_HTTP_MAX);
	/* RFC 8628 3.4 and 3.5: poll, slowing down when told to. */
	deadline = time(NULL) + expires;
	for (;;) {
		if (time(NULL) + interval > deadline) {
			log_err("%s: nobody signed in before the device code "
				"expired",
				p->what);
			st = MA_ETEMP;
			break;
		}
		sleep((unsigned)interval);
		buf_wipe_release(&form);
		st = oauth_form_add(&form, "grant_type",
				    "urn:ietf:params:oauth:grant-type:"
				    "device_code");
		if (st == MA_OK)
			st = oauth_form_add(&form, "device_code",
					    device_code->data);
		if (st == MA_OK)
			st = oauth_add_client(p, &form);
		if (st != MA_OK)
			break;
		pending = NULL;
		st = oauth_token_request(p, &form, &r, &pending);
		if (st == MA_OK) {
			st = save_grant(p, &r);
			break;
		}
		oauth_reply_wipe(&r);
		if (pending == NULL)
			break;
		if (strcmp(pending, "slow_down") == 0)
			interval += 5;
	}
	oauth_reply_wipe(&r);
	buf_wipe_release(&form);
	return st;
}

enum ma_status
oauth_authorize_device(const struct space *s, const struct account *a,
		       const struct oauth_authorize_opts *o)
{
	struct oauth_json *j = NULL;
	struct secret device_code = {NULL, 0};
	const char *url, *user_code, *verify;
	struct oauth_params p;
	struct buf form, body;
	enum ma_status st;
	long http = 0, interval = 5, expires = 900;
	char what[256];

	buf_init(&form, OAUTH_HTTP_MAX);
	buf_init(&body, OAUTH_HTTP_MAX);
	if ((st = resolve_for_authorize(s, a, &p)) != MA_OK)
		goto out;
	if ((url = device_url(&p, o)) == NULL) {
		st = MA_ECONFIG;
		goto out;
	}
	/* RFC 8628 3.1. */
	st = oauth_form_add(&form, "client_id",
			    a->client_id ? a->client_id : "");
	if (st == MA_OK)
		st = oauth_form_add(&form, "scope", p.scope);
	snprintf(what, sizeof what, "%s: device authorization endpoint",
		 p.what);
	if (st == MA_OK)
		st = oauth_http_post(url, a->proxy, what, &form, &http, &body);
	if (st != MA_OK)
		goto out;
	if (oauth_json_load(buf_cstr(&body), body.len, &j) != MA_OK ||
	    http != 200) {
		const char *e = j ? oauth_json_str(j, "error") : NULL;

		log_err(
		    "%s: device authorization at '%s' failed (HTTP %ld%s%s)",
		    p.what, url, http, e ? ": " : "", e ? e : "");
		st = http >= 500 ? MA_ETEMP
		     : e != NULL && strcmp(e, "invalid_client") == 0
			 ? MA_ECONFIG
			 : MA_EPROTO;
		goto out;
	}
	if ((st = device_answer(&p, j, &user_code, &verify)) != MA_OK)
		goto out;
	if ((st = secret_dup(oauth_json_str(j, "device_code"), &device_code)) !=
	    MA_OK)
		goto out;
	oauth_json_int(j, "interval", &interval);
	oauth_json_int(j, "expires_in", &expires);
	if (interval < 1)
		interval = 1;
	if (expires > o->timeout)
		expires = o->timeout;
	fprintf(o->out, "open %s and enter the code %s\n", verify, user_code);
	if (fflush(o->out) != 0) {
		st = MA_EIO;
		goto out;
	}
	log_notice("%s: waiting up to %ld seconds for the sign-in as '%s'",
		   p.what, expires, a->username);

	st = device_poll(&p, &device_code, interval, expires);
out:
	oauth_json_free(j);
	secret_wipe(&device_code);
	buf_wipe_release(&form);
	buf_wipe_release(&body);
	oauth_params_release(&p);
	return st;
}
