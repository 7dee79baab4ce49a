#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oauth_json.h"

/* Parsed token strings are freed by jansson: zero them first. */
static void
wiping_free(void *p)
{
	if (p != NULL) {
		explicit_bzero(p, malloc_usable_size(p));
		free(p);
	}
}

static void
json_setup(void)
{
	static bool done;

	if (!done) {
		json_set_alloc_funcs(malloc, wiping_free);
		done = true;
	}
}

enum ma_status
oauth_json_load(const char *p, size_t len, struct oauth_json **jp)
{
	json_error_t err;
	json_t *j;

	json_setup();
	j = json_loadb(p, len, JSON_REJECT_DUPLICATES, &err);
	explicit_bzero(err.text, sizeof err.text);
	explicit_bzero(err.source, sizeof err.source);
	if (j == NULL)
		return MA_EPROTO;
	if (!json_is_object(j)) {
		json_decref(j);
		return MA_EPROTO;
	}
	*jp = (struct oauth_json *)j;
	return MA_OK;
}

void
oauth_json_free(struct oauth_json *j)
{
	if (j != NULL)
		json_decref((json_t *)j);
}

const char *
oauth_json_str(const struct oauth_json *j, const char *key)
{
	json_t *v = json_object_get((const json_t *)j, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool
oauth_json_int(const struct oauth_json *j, const char *key, long *out)
{
	json_t *v = json_object_get((const json_t *)j, key);
	const char *s;
	char *end;
	long n;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || i > 0x7fffffffL)
			return false;
		*out = (long)i;
		return true;
	}
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || n < 0)
		return false;
	*out = n;
	return true;
}

/* Copy provider text for a message: printable ASCII, bounded. */
static void
copy_printable(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	for (; src != NULL && *src && o + 1 < size; src++)
		dst[o++] = (*src >= 0x20 && *src < 0x7f) ? *src : ' ';
	dst[o] = '\0';
}

enum ma_status
oauth_reply_parse(const struct buf *body, long http, struct oauth_reply *r)
{
	struct oauth_json *j = NULL;
	const char *v;
	enum ma_status st;

	memset(r, 0, sizeof *r);
	r->expires_in = -1;
	if (oauth_json_load(buf_cstr(body), body->len, &j) != MA_OK) {
		if (http >= 500 || http == 429) {
			snprintf(r->error_desc, sizeof r->error_desc,
				 "HTTP status %ld", http);
			return MA_ETEMP;
		}
		snprintf(r->error_desc, sizeof r->error_desc,
			 "HTTP status %ld and a body that is not a JSON "
			 "object",
			 http);
		return MA_EPROTO;
	}
	if ((v = oauth_json_str(j, "error")) != NULL) {
		copy_printable(r->error, sizeof r->error, v);
		copy_printable(r->error_desc, sizeof r->error_desc,
			       oauth_json_str(j, "error_description"));
		oauth_json_free(j);
		return MA_EAUTH;
	}
	if (http >= 500 || http == 429) {
		snprintf(r->error_desc, sizeof r->error_desc, "HTTP status %ld",
			 http);
		oauth_json_free(j);
		return MA_ETEMP;
	}
	if (http < 200 || http > 299) {
		snprintf(r->error_desc, sizeof r->error_desc,
			 "HTTP status %ld without an OAuth error", http);
		oauth_json_free(j);
		return MA_EPROTO;
	}
	if ((v = oauth_json_str(j, "access_token")) == NULL || *v == '\0') {
		snprintf(r->error_desc, sizeof r->error_desc,
			 "the response has no access_token");
		oauth_json_free(j);
		return MA_EPROTO;
	}
	st = secret_dup(v, &r->access);
	if (st == MA_OK && (v = oauth_json_str(j, "refresh_token")) != NULL &&
	    *v != '\0')
		st = secret_dup(v, &r->refresh);
	/* RFC 6749 7.1: mail servers take Bearer tokens only. */
	copy_printable(r->token_type, sizeof r->token_type,
		       oauth_json_str(j, "token_type"));
	if (!oauth_json_int(j, "expires_in", &r->expires_in))
		r->expires_in = -1;
	oauth_json_free(j);
	if (st != MA_OK)
		oauth_reply_wipe(r);
	return st;
}

void
oauth_reply_wipe(struct oauth_reply *r)
{
	secret_wipe(&r->access);
	secret_wipe(&r->refresh);
}

static bool
hex64(const char *s)
{
	if (s == NULL || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

enum ma_status
oauth_cache_parse(const char *p, size_t len, struct oauth_cache *c)
{
	struct oauth_json *j;
	const char *v;
	long n;

	memset(c, 0, sizeof *c);
	if (oauth_json_load(p, len, &j) != MA_OK)
		return MA_EDATA;
	if ((v = oauth_json_str(j, "access_token")) != NULL && *v &&
	    secret_dup(v, &c->access) != MA_OK)
		goto nomem;
	if ((v = oauth_json_str(j, "refresh_token")) != NULL && *v &&
	    secret_dup(v, &c->refresh) != MA_OK)
		goto nomem;
	if (oauth_json_int(j, "expires_at", &n))
		c->expires_at = n;
	if (oauth_json_int(j, "obtained_at", &n))
		c->obtained_at = n;
	if (oauth_json_int(j, "refresh_last_used", &n))
		c->refresh_last_used = n;
	if (hex64(v = oauth_json_str(j, "refresh_seed")))
		memcpy(c->seed, v, 65);
	if (hex64(v = oauth_json_str(j, "settings")))
		memcpy(c->settings, v, 65);
	oauth_json_free(j);
	return MA_OK;
nomem:
	oauth_json_free(j);
	oauth_cache_wipe(c);
	return MA_ENOMEM;
}

static int
dump_cb(const char *p, size_t n, void *arg)
{
	return buf_add(arg, p, n) == MA_OK ? 0 : -1;
}

enum ma_status
oauth_cache_serialise(const struct oauth_cache *c, struct buf *out)
{
	enum ma_status st = MA_OK;
	json_t *j;

	json_setup();
	j = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s}", "access_token",
		      c->access.data ? c->access.data : "", "expires_at",
		      (json_int_t)c->expires_at, "obtained_at",
		      (json_int_t)c->obtained_at, "refresh_last_used",
		      (json_int_t)c->refresh_last_used, "settings", c->settings,
		      "refresh_seed", c->seed);
	if (j == NULL)
		return MA_ENOMEM;
	if (c->refresh.data != NULL &&
	    json_object_set_new(j, "refresh_token",
				json_string(c->refresh.data)) != 0)
		st = MA_ENOMEM;
	if (st == MA_OK &&
	    json_dump_callback(j, dump_cb, out,
			       JSON_INDENT(1) | JSON_SORT_KEYS) != 0)
		st = MA_ENOMEM;
	if (st == MA_OK)
		st = buf_addc(out, '\n');
	json_decref(j);
	return st;
}

void
oauth_cache_wipe(struct oauth_cache *c)
{
	secret_wipe(&c->access);
	secret_wipe(&c->refresh);
	explicit_bzero(c, sizeof *c);
}
