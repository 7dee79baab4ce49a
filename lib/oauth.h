#ifndef MA_OAUTH_H
#define MA_OAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "account.h"
#include "secret.h"
#include "space.h"
#include "status.h"

/*
 * OAuth 2.0 access tokens for accounts with auth = oauth2. The token cache
 * lives in ROOT/tokens/ (0700; files 0600).
 *
 * The oauth family: oauth.c (this header: a valid access token, from the
 * cache or refreshed), oauth_authorize.c (the first refresh token:
 * "mailarc-oauth-token authorize"), oauth_http.c (the HTTP POSTs, with
 * libcurl), oauth_json.c (token replies and the cache, with jansson),
 * pkce.c (PKCE and random strings, with OpenSSL) and oauth_int.h (the
 * provider settings oauth.c and oauth_authorize.c share). The fetch code
 * asks for a token here; nothing here connects to a mail server.
 */

/*
 * oauth_access_token - a valid access token for a, from the cache or
 * refreshed from the provider when missing, within a minute of expiry, or
 * when force_refresh (after the mail server rejected the cached one).
 * Statuses: MA_ETEMP (provider unreachable), MA_EAUTH (invalid_grant:
 * run "mailarc-oauth-token authorize"), MA_ECONFIG (client settings).
 * All are logged, never with a secret. The caller wipes *token.
 */
enum ma_status oauth_access_token(const struct space *s,
				  const struct account *a, bool force_refresh,
				  struct secret *token);

struct oauth_info {
	time_t access_expires;	  /* 0: no cached token */
	time_t refresh_last_used; /* 0: never */
};

/* oauth_token_info - what the cache knows, for status and account show. */
enum ma_status oauth_token_info(const struct space *s, const struct account *a,
				struct oauth_info *info);

/*
 * oauth_info_format - one line for "mailarc status" and "account show":
 * "access token expires 2026-11-22 19:24Z, refresh token last used
 * 2026-11-22 18:24Z" (UTC; "none"/"never" for zero times). Truncated to
 * size; MA_ETOOBIG if it did not fit.
 */
enum ma_status oauth_info_format(const struct oauth_info *info, char *out,
				 size_t size);

/*
 * oauth_check_account - check a's OAuth settings without any network
 * request: provider and method known, the settings each needs present,
 * token_url https:// (or http:// to a loopback address), secret files
 * readable. For "mailarc account add/edit" (logs the first problem).
 * MA_OK for accounts that do not use OAuth; else MA_ECONFIG.
 */
enum ma_status oauth_check_account(const struct space *s,
				   const struct account *a);

#endif
