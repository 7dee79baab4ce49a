#ifndef MA_OAUTH_AUTHORIZE_H
#define MA_OAUTH_AUTHORIZE_H

#include <stdio.h>

#include "account.h"
#include "space.h"
#include "status.h"

/*
 * The first refresh token of an account ("mailarc-oauth-token authorize"):
 * the authorization code flow with PKCE (RFC 6749 4.1, RFC 7636, RFC 8252
 * 7.3: a redirect to a listener on the loopback interface) or the device
 * authorization flow (RFC 8628). The refresh token is written atomically
 * to refresh_token_file (or ROOT/tokens/SPACE.KEY.refresh), mode 0600,
 * and never printed; the first access token goes into the token cache.
 */
struct oauth_authorize_opts {
	const char *auth_url;	   /* overrides the provider's; generic */
	const char *device_url;	   /* overrides the provider's; generic */
	const char *redirect_host; /* "127.0.0.1" (default) or "localhost" */
	int port;		   /* listener port; 0: any free one */
	int timeout;		   /* seconds to wait for the user */
	FILE *out;		   /* where the URL or user code goes */
};

/*
 * oauth_authorize_code - print the URL to open on o->out, wait (at most
 * o->timeout seconds) for the browser's redirect to 127.0.0.1, redeem the
 * code. MA_ETEMP when nobody came in time; MA_EAUTH when the user or the
 * provider refused; MA_ECONFIG for settings that cannot work. Logged.
 */
enum ma_status oauth_authorize_code(const struct space *s,
				    const struct account *a,
				    const struct oauth_authorize_opts *o);

/*
 * oauth_authorize_device - print the verification URL and user code on
 * o->out and poll the token endpoint at the interval the provider asks
 * for, until the user approves, refuses or the code expires.
 */
enum ma_status oauth_authorize_device(const struct space *s,
				      const struct account *a,
				      const struct oauth_authorize_opts *o);

#endif
