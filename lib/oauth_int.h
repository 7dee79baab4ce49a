#ifndef MA_OAUTH_INT_H
#define MA_OAUTH_INT_H

/*
 * Shared by lib/oauth.c and lib/oauth_authorize.c only: an account's OAuth
 * settings with the provider's defaults filled in and checked.
 */
#include "account.h"
#include "buf.h"
#include "oauth_json.h"
#include "space.h"
#include "status.h"

enum oauth_provider { OAUTH_GOOGLE, OAUTH_MICROSOFT, OAUTH_GENERIC };
enum oauth_method {
	OAUTH_REFRESH_TOKEN,
	OAUTH_CLIENT_CREDENTIALS,
	OAUTH_PASSWORD,
};

struct oauth_params {
	const struct account *a; /* borrowed */
	char what[160];		 /* "account 'SPACE/KEY'" for messages */
	enum oauth_provider provider;
	enum oauth_method method;
	char *token_url;    /* owned; checked with oauth_url_check() */
	char *auth_url;	    /* owned; NULL: the provider has none we know */
	char *device_url;   /* owned; NULL: no device flow */
	char *scope;	    /* owned */
	char *refresh_file; /* owned: refresh_token_file or the default */
	char *tokens_dir;   /* owned: ROOT/tokens */
	char *cache_path;   /* owned: ROOT/tokens/SPACE.KEY.json */
	char *lock_path;    /* owned: ROOT/tokens/SPACE.KEY.lock */
	char settings[65];  /* SHA-256 of what the access token depends on */
	bool authorizing;   /* a code or device grant, not a refresh */
};

/*
 * oauth_params_resolve - check a's OAuth settings and fill in defaults.
 * MA_ECONFIG (logged, naming the setting) when they cannot work. Release
 * with oauth_params_release() even on error.
 */
enum ma_status oauth_params_resolve(const struct space *s,
				    const struct account *a,
				    struct oauth_params *p);
void oauth_params_release(struct oauth_params *p);

/* oauth_tokens_dir - create ROOT/tokens 0700 (narrowing a wider mode). */
enum ma_status oauth_tokens_dir(const struct oauth_params *p);

/*
 * oauth_add_client - client_id and, when client_secret_file is set, the
 * client secret (RFC 6749 2.3.1, in the body) to form.
 */
enum ma_status oauth_add_client(const struct oauth_params *p, struct buf *form);

/*
 * oauth_token_request - POST form to the token endpoint and parse the
 * reply. Every failure is logged in the words of issue 6: invalid_grant
 * (MA_EAUTH) says to run authorize, invalid_client (MA_ECONFIG) names the
 * client settings, an unreachable provider is MA_ETEMP. When pending is
 * not NULL, the device flow's authorization_pending and slow_down errors
 * are returned unlogged as MA_ETEMP with *pending set to the error code.
 */
enum ma_status oauth_token_request(const struct oauth_params *p,
				   const struct buf *form,
				   struct oauth_reply *r, const char **pending);

/* oauth_file_seed - SHA-256 (hex) of a file's contents; MA_ENOTFOUND. */
enum ma_status oauth_file_seed(const char *path, char hex[65]);

/*
 * oauth_store - write the cache atomically (0600) with the reply's tokens:
 * the access token and its expiry, and a refresh token the provider sent
 * (rotated) with seed. Called before the access token is used.
 */
enum ma_status oauth_store(const struct oauth_params *p,
			   const struct oauth_reply *r,
			   const struct secret *refresh, const char *seed);

/* oauth_remove_stale - remove temp files of killed runs; hold the lock. */
void oauth_remove_stale(const struct oauth_params *p);

#endif
