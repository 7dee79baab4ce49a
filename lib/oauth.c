/*
 * OAuth 2.0 access tokens for accounts with auth = oauth2 (issue 6).
 *
 * Where a rotated refresh token goes: into the token cache
 * (ROOT/tokens/SPACE.KEY.json, 0600 in a 0700 folder), never back into
 * refresh_token_file. That file belongs to the administrator: it may sit
 * in a folder mailarc cannot write, or be put there by configuration
 * management that would overwrite a rotated token with a spent one. The
 * cache is always ours and is written with path_write_file_atomic() in the same
 * rename as the new access token, before that token is handed out, so a
 * crash at any line leaves either the old pair or the new one. The cache
 * also records the SHA-256 of the refresh token file the rotation started
 * from: when the administrator authorizes again (the file changes), the
 * file wins and the cached chain is dropped.
 *
 * Concurrency: a refresh takes ROOT/tokens/SPACE.KEY.lock (flock) and reads
 * the cache again under it; a second process that waited finds the token
 * the first one stored and uses it, so two refreshes make one request.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "lock.h"
#include "log.h"
#include "oauth.h"
#include "oauth_http.h"
#include "oauth_int.h"
#include "path.h"

/* Refresh when the access token has less than this left (issue 6). */
#define EXPIRY_MARGIN 60
/* RFC 6749 5.1 makes expires_in optional; assume a short life then. */
#define DEFAULT_LIFETIME 600
#define CACHE_MAX	 (64 * 1024)

static const char google_token_url[] = "https://oauth2.googleapis.com/token";
static const char google_auth_url[] =
    "https://accounts.google.com/o/oauth2/v2/auth";
static const char ms_login[] = "https://login.microsoftonline.com";

static enum ma_status
cfg_err(const struct oauth_params *p, const char *msg)
{
	log_err("%s: %s", p->what, msg);
	return MA_ECONFIG;
}

static bool
tenant_ok(const char *t)
{
	/* A GUID, a domain, or common/organizations/consumers. */
	if (*t == '\0')
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '.'))
			return false;
	return true;
}

static enum ma_status
digest_hex(const void *data, size_t len, char hex[65])
{
	/* A digest that fails is an I/O-like failure here, as it was. */
	return hash_sha256_hex(data, len, hex) == MA_OK ? MA_OK : MA_EIO;
}

enum ma_status
oauth_file_seed(const char *path, char hex[65])
{
	enum ma_status st;
	struct secret s = {NULL, 0};
	char *data;
	size_t len;

	st = path_file_read_all(path, SECRET_MAX, &data, &len);
	if (st != MA_OK)
		return st;
	s.data = data;
	s.len = len;
	st = digest_hex(data, len, hex);
	secret_wipe(&s);
	return st;
}

/* oauth_kind - the provider and the method the account names. */
static enum ma_status
oauth_kind(struct oauth_params *p, const struct account *a)
{
	const char *pr = a->oauth_provider, *m = a->oauth_method;

	if (pr == NULL)
		return cfg_err(p, "oauth_provider is missing (one of google, "
				  "microsoft, generic)");
	if (strcmp(pr, "google") == 0)
		p->provider = OAUTH_GOOGLE;
	else if (strcmp(pr, "microsoft") == 0)
		p->provider = OAUTH_MICROSOFT;
	else if (strcmp(pr, "generic") == 0)
		p->provider = OAUTH_GENERIC;
	else
		return cfg_err(p, "oauth_provider is not one of google, "
				  "microsoft, generic");
	if (m == NULL || strcmp(m, "refresh_token") == 0)
		p->method = OAUTH_REFRESH_TOKEN;
	else if (strcmp(m, "client_credentials") == 0)
		p->method = OAUTH_CLIENT_CREDENTIALS;
	else if (strcmp(m, "password") == 0)
		p->method = OAUTH_PASSWORD;
	else
		return cfg_err(p, "oauth_method is not one of refresh_token, "
				  "client_credentials, password");
	return MA_OK;
}

/* oauth_settings_check - the settings the provider and method need. */
static enum ma_status
oauth_settings_check(struct oauth_params *p, const struct account *a)
{
	if (p->provider == OAUTH_GOOGLE && p->method != OAUTH_REFRESH_TOKEN)
		return cfg_err(p, "oauth_provider google takes only "
				  "oauth_method refresh_token");
	if (a->client_id == NULL && p->provider != OAUTH_GENERIC)
		return cfg_err(p, "client_id is missing (the application's "
				  "id from the provider's console)");
	if (a->client_secret_file == NULL &&
	    (p->method == OAUTH_CLIENT_CREDENTIALS ||
	     p->provider == OAUTH_GOOGLE))
		return cfg_err(p, p->method == OAUTH_CLIENT_CREDENTIALS
				      ? "oauth_method client_credentials "
					"needs client_secret_file"
				      : "oauth_provider google needs "
					"client_secret_file (Google "
					"desktop clients have a secret)");
	if (a->client_secret_file != NULL && a->client_secret_file[0] != '/')
		return cfg_err(p, "client_secret_file must be an absolute "
				  "path");
	if (a->refresh_token_file != NULL && a->refresh_token_file[0] != '/')
		return cfg_err(p, "refresh_token_file must be an absolute "
				  "path");
	if (p->method == OAUTH_PASSWORD && a->password_file == NULL &&
	    a->password_command == NULL && a->password == NULL)
		return cfg_err(p, "oauth_method password needs the mailbox's "
				  "password (password_file, password_command "
				  "or password)");
	if (a->tenant_id != NULL && !tenant_ok(a->tenant_id))
		return cfg_err(p, "tenant_id is not a tenant GUID or domain");
	if (p->provider == OAUTH_MICROSOFT && a->tenant_id == NULL &&
	    p->method != OAUTH_REFRESH_TOKEN)
		return cfg_err(p, "tenant_id is missing (the directory "
				  "(tenant) id of the Azure app)");
	return MA_OK;
}

/* oauth_urls - the provider's endpoints and the scope. */
static enum ma_status
oauth_urls(struct oauth_params *p, const struct account *a)
{
	switch (p->provider) {
	case OAUTH_GOOGLE:
		p->token_url =
		    strdup(a->token_url ? a->token_url : google_token_url);
		p->auth_url = strdup(google_auth_url);
		p->scope =
		    strdup(a->scope ? a->scope : "https://mail.google.com/");
		break;
	case OAUTH_MICROSOFT: {
		const char *t = a->tenant_id ? a->tenant_id : "common";

		p->token_url =
		    a->token_url
			? strdup(a->token_url)
			: path_fmt("%s/%s/oauth2/v2.0/token", ms_login, t);
		p->auth_url =
		    path_fmt("%s/%s/oauth2/v2.0/authorize", ms_login, t);
		p->device_url =
		    path_fmt("%s/%s/oauth2/v2.0/devicecode", ms_login, t);
		if (a->scope)
			p->scope = strdup(a->scope);
		else if (p->method == OAUTH_CLIENT_CREDENTIALS)
			p->scope =
			    strdup("https://outlook.office365.com/.default");
		else
			p->scope = path_fmt(
			    "https://outlook.office.com/%s.AccessAsUser.All "
			    "offline_access",
			    account_uses_imap(a) ? "IMAP" : "POP");
		break;
	}
	case OAUTH_GENERIC:
		if (a->token_url == NULL)
			return cfg_err(p, "oauth_provider generic needs "
					  "token_url");
		if (a->scope == NULL)
			return cfg_err(p, "oauth_provider generic needs scope");
		p->token_url = strdup(a->token_url);
		p->scope = strdup(a->scope);
		break;
	}
	return MA_OK;
}

/* oauth_files - where the account's tokens are kept (ROOT/tokens/). */
static enum ma_status
oauth_files(struct oauth_params *p, const struct space *s,
	    const struct account *a)
{
	p->tokens_dir = path_fmt("%s/tokens", s->root);
	p->cache_path =
	    path_fmt("%s/tokens/%s.%s.json", s->root, a->space, a->key);
	p->lock_path =
	    path_fmt("%s/tokens/%s.%s.lock", s->root, a->space, a->key);
	p->refresh_file = a->refresh_token_file
			      ? strdup(a->refresh_token_file)
			      : path_fmt("%s/tokens/%s.%s.refresh", s->root,
					 a->space, a->key);
	if (!p->tokens_dir || !p->cache_path || !p->lock_path ||
	    !p->refresh_file)
		return MA_ENOMEM;
	return MA_OK;
}

/* oauth_fingerprint - the settings a cached token was obtained with. */
static enum ma_status
oauth_fingerprint(struct oauth_params *p, const struct account *a)
{
	struct buf fp;
	enum ma_status st;

	/* A token obtained for other settings is not used. */
	buf_init(&fp, 4096);
	st = buf_addf(&fp, "%s\n%s\n%s\n%d\n", p->token_url,
		      a->client_id ? a->client_id : "", p->scope, p->method);
	if (st == MA_OK)
		st = buf_addf(&fp, "%s\n", a->username);
	if (st == MA_OK)
		st = digest_hex(fp.data, fp.len, p->settings);
	buf_release(&fp);
	return st;
}

enum ma_status
oauth_params_resolve(const struct space *s, const struct account *a,
		     struct oauth_params *p)
{
	const char *why;
	enum ma_status st;
	int n;

	memset(p, 0, sizeof *p);
	p->a = a;
	n = snprintf(p->what, sizeof p->what, "account '%s/%s'", a->space,
		     a->key);
	if (n < 0 || (size_t)n >= sizeof p->what)
		return MA_ETOOBIG;
	if (!a->oauth2)
		return cfg_err(p, "auth is not oauth2");
	if ((st = oauth_kind(p, a)) != MA_OK ||
	    (st = oauth_settings_check(p, a)) != MA_OK ||
	    (st = oauth_urls(p, a)) != MA_OK)
		return st;
	if (p->token_url == NULL || p->scope == NULL)
		return MA_ENOMEM;
	if ((why = oauth_url_check(p->token_url)) != NULL) {
		log_err("%s: token_url '%s' %s", p->what, p->token_url, why);
		return MA_ECONFIG;
	}
	if ((st = oauth_files(p, s, a)) != MA_OK)
		return st;
	return oauth_fingerprint(p, a);
}

void
oauth_params_release(struct oauth_params *p)
{
	free(p->token_url);
	free(p->auth_url);
	free(p->device_url);
	free(p->scope);
	free(p->refresh_file);
	free(p->tokens_dir);
	free(p->cache_path);
	free(p->lock_path);
	memset(p, 0, sizeof *p);
}

enum ma_status
oauth_check_account(const struct space *s, const struct account *a)
{
	struct oauth_params p;
	enum ma_status st;

	if (!a->oauth2)
		return MA_OK;
	if ((st = oauth_params_resolve(s, a, &p)) == MA_OK &&
	    a->client_secret_file != NULL &&
	    access(a->client_secret_file, R_OK) != 0) {
		log_err("%s: cannot read client_secret_file '%s': %s", p.what,
			a->client_secret_file, strerror(errno));
		st = MA_ECONFIG;
	}
	if (st == MA_OK && !account_implicit_tls(a) && !a->tls_required) {
		/* STARTTLS is then forced by fetch; say so once here. */
		log_info("%s: OAuth 2.0 needs TLS: STARTTLS will be required",
			 p.what);
	}
	oauth_params_release(&p);
	return st;
}

enum ma_status
oauth_tokens_dir(const struct oauth_params *p)
{
	enum ma_status st;
	struct stat sb;

	if ((st = path_mkdir_p(p->tokens_dir, 0700)) != MA_OK)
		return st;
	if (stat(p->tokens_dir, &sb) != 0) {
		log_err("cannot stat '%s': %s", p->tokens_dir, strerror(errno));
		return path_errno_status(errno);
	}
	if ((sb.st_mode & 077) != 0 && chmod(p->tokens_dir, 0700) != 0) {
		log_err("cannot make '%s' private (0700): %s", p->tokens_dir,
			strerror(errno));
		return path_errno_status(errno);
	}
	return MA_OK;
}

enum ma_status
oauth_add_client(const struct oauth_params *p, struct buf *form)
{
	struct secret cs = {NULL, 0};
	enum ma_status st = MA_OK;

	if (p->a->client_id != NULL)
		st = oauth_form_add(form, "client_id", p->a->client_id);
	if (st == MA_OK && p->a->client_secret_file != NULL) {
		st = secret_read_file(p->a->client_secret_file,
				      "client secret file", &cs);
		if (st == MA_OK)
			st = oauth_form_add(form, "client_secret", cs.data);
		secret_wipe(&cs);
	}
	return st;
}

/* token_refused - what the token endpoint's OAuth error r means (RFC 6749
 * 5.2 error codes, in the administrator's words), logged. */
static enum ma_status
token_refused(const struct oauth_params *p, const struct oauth_reply *r)
{
	if (strcmp(r->error, "invalid_grant") == 0) {
		if (p->authorizing)
			log_err("%s: the provider refused the authorization "
				"(invalid_grant: %s); run 'mailarc-oauth-token "
				"authorize %s/%s' again",
				p->what, r->error_desc, p->a->space, p->a->key);
		else if (p->method == OAUTH_PASSWORD)
			log_err("%s: the provider refused username '%s' and "
				"its password (invalid_grant: %s)",
				p->what, p->a->username, r->error_desc);
		else
			log_err("%s: the refresh token was revoked or has "
				"expired (invalid_grant: %s); run "
				"'mailarc-oauth-token authorize %s/%s'",
				p->what, r->error_desc, p->a->space, p->a->key);
		return MA_EAUTH;
	}
	if (strcmp(r->error, "invalid_client") == 0 ||
	    strcmp(r->error, "unauthorized_client") == 0) {
		log_err("%s: the provider does not accept the client (%s: "
			"%s); check client_id '%s', client_secret_file%s%s",
			p->what, r->error, r->error_desc,
			p->a->client_id ? p->a->client_id : "",
			p->provider == OAUTH_MICROSOFT ? " and tenant_id " : "",
			p->provider == OAUTH_MICROSOFT
			    ? (p->a->tenant_id ? p->a->tenant_id : "(common)")
			    : "");
		return MA_ECONFIG;
	}
	if (strcmp(r->error, "invalid_scope") == 0) {
		log_err("%s: the provider refused scope '%s' (invalid_scope: "
			"%s)",
			p->what, p->scope, r->error_desc);
		return MA_ECONFIG;
	}
	if (strcmp(r->error, "unsupported_grant_type") == 0) {
		log_err("%s: the provider does not allow this oauth_method "
			"(unsupported_grant_type: %s)",
			p->what, r->error_desc);
		return MA_ECONFIG;
	}
	if (strcmp(r->error, "temporarily_unavailable") == 0 ||
	    strcmp(r->error, "server_error") == 0) {
		log_err("%s: token endpoint '%s' is unavailable (%s: %s); "
			"will try again",
			p->what, p->token_url, r->error, r->error_desc);
		return MA_ETEMP;
	}
	log_err("%s: the token endpoint refused the request (%s: %s)", p->what,
		r->error, r->error_desc);
	return MA_EAUTH;
}

enum ma_status
oauth_token_request(const struct oauth_params *p, const struct buf *form,
		    struct oauth_reply *r, const char **pending)
{
	static const char *const waits[] = {"authorization_pending",
					    "slow_down"};
	enum ma_status st;
	struct buf body;
	long http = 0;
	char what[256];

	snprintf(what, sizeof what, "%s: token endpoint", p->what);
	buf_init(&body, OAUTH_HTTP_MAX);
	st = oauth_http_post(p->token_url, p->a->proxy, what, form, &http,
			     &body);
	if (st == MA_OK)
		st = oauth_reply_parse(&body, http, r);
	buf_wipe_release(&body);
	switch (st) {
	case MA_OK:
		if (r->token_type[0] != '\0' &&
		    strcasecmp(r->token_type, "bearer") != 0) {
			log_err("%s: the token endpoint sent a '%s' token, "
				"not a Bearer token",
				p->what, r->token_type);
			oauth_reply_wipe(r);
			return MA_EPROTO;
		}
		return MA_OK;
	case MA_ETEMP:
		if (http != 0)
			log_err("%s: token endpoint '%s' is unavailable (%s); "
				"will try again",
				p->what, p->token_url, r->error_desc);
		return MA_ETEMP;
	case MA_EPROTO:
		log_err("%s: token endpoint '%s' sent no usable answer: %s",
			p->what, p->token_url, r->error_desc);
		return MA_EPROTO;
	case MA_EAUTH:
		break;
	default:
		return st;
	}

	for (size_t i = 0; pending != NULL && i < 2; i++)
		if (strcmp(r->error, waits[i]) == 0) {
			*pending = waits[i];
			return MA_ETEMP;
		}
	return token_refused(p, r);
}

/* quiet: the caller read (and warned about) the same file just before. */
static enum ma_status
cache_read(const struct oauth_params *p, struct oauth_cache *c, bool quiet)
{
	enum ma_status st;
	struct secret raw = {NULL, 0};

	memset(c, 0, sizeof *c);
	st = path_file_read_all(p->cache_path, CACHE_MAX, &raw.data, &raw.len);
	if (st != MA_OK)
		return st;
	st = oauth_cache_parse(raw.data, raw.len, c);
	secret_wipe(&raw);
	if (st == MA_EDATA && !quiet)
		log_warn("%s: token cache '%s' is not valid JSON; ignoring it",
			 p->what, p->cache_path);
	return st;
}

static enum ma_status
cache_write(const struct oauth_params *p, const struct oauth_cache *c)
{
	enum ma_status st;
	struct buf out;

	buf_init(&out, CACHE_MAX);
	st = oauth_cache_serialise(c, &out);
	if (st == MA_OK)
		st = path_write_file_atomic(p->cache_path, out.data, out.len,
					    0600);
	buf_wipe_release(&out);
	return st;
}

enum ma_status
oauth_store(const struct oauth_params *p, const struct oauth_reply *r,
	    const struct secret *refresh, const char *seed)
{
	struct oauth_cache c;
	enum ma_status st;
	time_t now = time(NULL);

	memset(&c, 0, sizeof c);
	c.access = r->access; /* borrowed for serialising only */
	c.obtained_at = now;
	c.expires_at =
	    now + (r->expires_in >= 0 ? r->expires_in : DEFAULT_LIFETIME);
	c.refresh_last_used = now;
	if (refresh != NULL)
		c.refresh = *refresh;
	snprintf(c.seed, sizeof c.seed, "%s", seed ? seed : "");
	memcpy(c.settings, p->settings, sizeof c.settings);
	st = cache_write(p, &c);
	explicit_bzero(&c, sizeof c);
	return st;
}

static bool
usable(const struct oauth_params *p, const struct oauth_cache *c, time_t now)
{
	return c->access.data != NULL &&
	       strcmp(c->settings, p->settings) == 0 &&
	       now + EXPIRY_MARGIN < c->expires_at;
}

static void
log_expiry(const struct oauth_params *p, const char *how, time_t t)
{
	char when[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%SZ", &tm);
	log_info("%s: access token %s, expires %s", p->what, how, when);
}

/*
 * The refresh token to send: the rotated one in the cache while the file
 * still holds the token its chain started from, else the file's.
 */
static enum ma_status
pick_refresh(const struct oauth_params *p, const struct oauth_cache *c,
	     struct secret *rt, char seed[65])
{
	enum ma_status st;

	st = oauth_file_seed(p->refresh_file, seed);
	if (st == MA_ENOTFOUND) {
		log_err(
		    "%s: no refresh token in '%s'; run 'mailarc-oauth-token "
		    "authorize %s/%s' first",
		    p->what, p->refresh_file, p->a->space, p->a->key);
		return MA_EAUTH;
	}
	if (st != MA_OK)
		return MA_ECONFIG;
	if (c->refresh.data != NULL && strcmp(c->seed, seed) == 0) {
		log_debug("%s: using the rotated refresh token of the cache",
			  p->what);
		return secret_dup(c->refresh.data, rt);
	}
	st = secret_read_file(p->refresh_file, "refresh token file", rt);
	return st;
}

/*
 * grant_form - the grant of the account's method into form: for a refresh,
 * the refresh token used (*rt) and the seed of its chain (seed, 65 bytes).
 */
static enum ma_status
grant_form(const struct oauth_params *p, const struct oauth_cache *c,
	   struct buf *form, struct secret *rt, char *seed)
{
	struct secret pw = {NULL, 0};
	enum ma_status st = MA_OK;

	switch (p->method) {
	case OAUTH_REFRESH_TOKEN:
		st = pick_refresh(p, c, rt, seed);
		if (st == MA_OK)
			st =
			    oauth_form_add(form, "grant_type", "refresh_token");
		if (st == MA_OK)
			st = oauth_form_add(form, "refresh_token", rt->data);
		break;
	case OAUTH_CLIENT_CREDENTIALS:
		st = oauth_form_add(form, "grant_type", "client_credentials");
		break;
	case OAUTH_PASSWORD:
		/* RFC 6749 4.3, the least preferred grant (docs/oauth.md). */
		st = account_secret(p->a, &pw);
		if (st == MA_OK)
			st = oauth_form_add(form, "grant_type", "password");
		if (st == MA_OK)
			st = oauth_form_add(form, "username", p->a->username);
		if (st == MA_OK)
			st = oauth_form_add(form, "password", pw.data);
		secret_wipe(&pw);
		break;
	}
	return st;
}

static enum ma_status
refresh(const struct oauth_params *p, const struct oauth_cache *c,
	struct secret *token)
{
	struct secret rt = {NULL, 0};
	const struct secret *keep = NULL;
	struct oauth_reply r;
	enum ma_status st;
	char seed[65] = "";
	struct buf form;

	memset(&r, 0, sizeof r);
	buf_init(&form, OAUTH_HTTP_MAX);
	st = grant_form(p, c, &form, &rt, seed);
	if (st == MA_OK)
		st = oauth_add_client(p, &form);
	/* Google keeps the scope granted at authorization; the others want
	 * it on every request (Microsoft identity platform v2.0). */
	if (st == MA_OK && p->provider != OAUTH_GOOGLE)
		st = oauth_form_add(&form, "scope", p->scope);
	if (st == MA_OK) {
		log_debug("%s: asking '%s' for an access token", p->what,
			  p->token_url);
		st = oauth_token_request(p, &form, &r, NULL);
	}
	buf_wipe_release(&form);
	if (st != MA_OK) {
		secret_wipe(&rt);
		return st;
	}

	if (p->method == OAUTH_REFRESH_TOKEN) {
		if (r.refresh.data != NULL &&
		    strcmp(r.refresh.data, rt.data) != 0) {
			log_info("%s: the provider rotated the refresh token; "
				 "saved in '%s'",
				 p->what, p->cache_path);
			keep = &r.refresh;
		} else if (rt.data != NULL && strcmp(c->seed, seed) == 0 &&
			   c->refresh.data != NULL) {
			keep = &c->refresh; /* still the chain's current one */
		}
	}
	/* Saved before the token is handed out: a crash after a rotation
	 * must not strand the account. */
	st = oauth_store(p, &r, keep, keep != NULL ? seed : "");
	if (st != MA_OK)
		log_err("%s: cannot save the token cache '%s'%s", p->what,
			p->cache_path,
			keep == &r.refresh ? ": the rotated refresh token is "
					     "lost (if the provider revoked "
					     "the old one, run authorize)"
					   : "");
	if (st == MA_OK) {
		log_expiry(p, "refreshed",
			   time(NULL) + (r.expires_in >= 0 ? r.expires_in
							   : DEFAULT_LIFETIME));
		*token = r.access;
		r.access.data = NULL;
		r.access.len = 0;
	}
	secret_wipe(&rt);
	oauth_reply_wipe(&r);
	return st;
}

/*
 * Temp files of path_write_file_atomic() left by a run killed before its
 * rename: called under the account's lock, when no other run of ours can
 * be writing them. They may hold tokens, so they do not stay around.
 */
void
oauth_remove_stale(const struct oauth_params *p)
{
	const char *const bases[] = {p->cache_path, p->refresh_file};
	glob_t g;

	for (size_t i = 0; i < 2; i++) {
		char *pat = path_fmt("%s.tmp.*", bases[i]);

		if (pat == NULL)
			continue;
		if (glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
			for (size_t j = 0; j < g.gl_pathc; j++)
				if (unlink(g.gl_pathv[j]) == 0)
					log_info("%s: removed '%s' left by an "
						 "interrupted run",
						 p->what, g.gl_pathv[j]);
			globfree(&g);
		}
		free(pat);
	}
}

enum ma_status
oauth_access_token(const struct space *s, const struct account *a,
		   bool force_refresh, struct secret *token)
{
	struct oauth_cache before, c;
	struct oauth_params p;
	enum ma_status st;
	struct lock l = {-1, NULL};
	time_t now = time(NULL);

	memset(&before, 0, sizeof before);
	memset(&c, 0, sizeof c);
	if ((st = oauth_params_resolve(s, a, &p)) != MA_OK)
		goto out;
	if ((st = oauth_tokens_dir(&p)) != MA_OK)
		goto out;
	st = cache_read(&p, &before, false);
	if (st != MA_OK && st != MA_ENOTFOUND && st != MA_EDATA)
		goto out;
	if (!force_refresh && usable(&p, &before, now)) {
		log_debug("%s: using the cached access token", p.what);
		st = secret_dup(before.access.data, token);
		goto out;
	}

	if ((st = lock_take(p.lock_path, p.what, true, &l)) != MA_OK)
		goto out;
	oauth_remove_stale(&p);
	/* Another process may have refreshed while we waited. */
	st = cache_read(&p, &c, true);
	if (st != MA_OK && st != MA_ENOTFOUND && st != MA_EDATA)
		goto out;
	now = time(NULL);
	if (usable(&p, &c, now) &&
	    (!force_refresh || before.access.data == NULL ||
	     strcmp(before.access.data, c.access.data) != 0)) {
		log_debug("%s: using the access token another run just got",
			  p.what);
		st = secret_dup(c.access.data, token);
		goto out;
	}
	st = refresh(&p, &c, token);
out:
	lock_drop(&l);
	oauth_cache_wipe(&before);
	oauth_cache_wipe(&c);
	oauth_params_release(&p);
	return st;
}

enum ma_status
oauth_token_info(const struct space *s, const struct account *a,
		 struct oauth_info *info)
{
	struct oauth_params p;
	struct oauth_cache c;
	enum ma_status st;

	memset(&c, 0, sizeof c);
	if ((st = oauth_params_resolve(s, a, &p)) == MA_OK &&
	    (st = cache_read(&p, &c, false)) == MA_OK) {
		info->access_expires =
		    strcmp(c.settings, p.settings) == 0 && c.access.data != NULL
			? c.expires_at
			: 0;
		info->refresh_last_used = c.refresh_last_used;
	}
	if (st == MA_EDATA)
		st = MA_ENOTFOUND;
	oauth_cache_wipe(&c);
	oauth_params_release(&p);
	return st;
}

static void
utc_minute(time_t t, const char *none, char *out, size_t size)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%MZ", &tm) == 0)
		snprintf(out, size, "%s", none);
}

enum ma_status
oauth_info_format(const struct oauth_info *info, char *out, size_t size)
{
	char a[32], r[32];
	int n;

	utc_minute(info->access_expires, "none", a, sizeof a);
	utc_minute(info->refresh_last_used, "never", r, sizeof r);
	n = snprintf(out, size,
		     "access token expires %s, refresh token last used %s", a,
		     r);
	if (n < 0 || (size_t)n >= size)
		return MA_ETOOBIG;
	return MA_OK;
}
