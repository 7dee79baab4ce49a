#ifndef MA_OAUTH_JSON_H
#define MA_OAUTH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "secret.h"
#include "status.h"

/*
 * JSON for OAuth 2.0: token endpoint responses (RFC 6749 5.1, 5.2), device
 * authorization responses (RFC 8628 3.2) and the token cache. The one
 * place jansson is used by the OAuth code. jansson's allocator is set to
 * one that zeroes memory before freeing it, since parsed strings are
 * tokens (json_set_alloc_funcs(); harmless to other jansson users).
 */

struct oauth_json;

/*
 * oauth_json_load - parse a JSON object from p. MA_EPROTO (not logged)
 * when it is not a JSON object. Free with oauth_json_free().
 */
enum ma_status oauth_json_load(const char *p, size_t len,
			       struct oauth_json **jp);
void oauth_json_free(struct oauth_json *j);

/* oauth_json_str - a string member (borrowed from j), or NULL. */
const char *oauth_json_str(const struct oauth_json *j, const char *key);

/*
 * oauth_json_int - an integer member; numeric strings count too (some
 * providers send "expires_in": "3599"). false when absent or not a number.
 */
bool oauth_json_int(const struct oauth_json *j, const char *key, long *v);

/* What a token endpoint said (RFC 6749 5.1) or why it refused (5.2). */
struct oauth_reply {
	struct secret access;  /* access_token */
	struct secret refresh; /* refresh_token, empty when none was sent */
	long expires_in;       /* seconds; -1 when not sent */
	char token_type[32];
	char error[64];	      /* error code when the endpoint refused */
	char error_desc[256]; /* error_description, printable ASCII only */
};

/*
 * oauth_reply_parse - read a token endpoint's response of HTTP status
 * http. MA_OK: access (and maybe refresh) are set. MA_EAUTH: the endpoint
 * sent an OAuth error; r->error names it. MA_ETEMP: a 5xx or 429 without
 * an OAuth error. MA_EPROTO: anything else (r->error_desc says what).
 * Nothing is logged. Release with oauth_reply_wipe().
 */
enum ma_status oauth_reply_parse(const struct buf *body, long http,
				 struct oauth_reply *r);
void oauth_reply_wipe(struct oauth_reply *r);

/*
 * The token cache of an account, ROOT/tokens/SPACE.ACCOUNT.json (0600).
 * refresh is a refresh token the provider rotated: it replaces the one in
 * the refresh token file as long as that file still holds the token the
 * chain started from (seed: its SHA-256). settings fingerprints the token
 * URL, client id, scope and method the access token was obtained with.
 */
struct oauth_cache {
	struct secret access;
	time_t expires_at;
	time_t obtained_at;
	struct secret refresh;
	char seed[65];
	char settings[65];
	time_t refresh_last_used;
};

/*
 * oauth_cache_parse - read a cache file's text. MA_EDATA (not logged) when
 * it is not one. Release with oauth_cache_wipe().
 */
enum ma_status oauth_cache_parse(const char *p, size_t len,
				 struct oauth_cache *c);

/* oauth_cache_serialise - the JSON text of c into out (wipe it after). */
enum ma_status oauth_cache_serialise(const struct oauth_cache *c,
				     struct buf *out);
void oauth_cache_wipe(struct oauth_cache *c);

#endif
