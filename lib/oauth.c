/* Placeholder until the OAuth issue lands. */
#include "log.h"
#include "oauth.h"

enum ma_status
oauth_access_token(const struct space *s, const struct account *a,
		   bool force_refresh, struct secret *token)
{
	(void)s;
	(void)force_refresh;
	(void)token;
	log_err("account '%s/%s': OAuth 2.0 is not built yet", a->space,
		a->key);
	return MA_ECONFIG;
}

enum ma_status
oauth_token_info(const struct space *s, const struct account *a,
		 struct oauth_info *info)
{
	(void)s;
	(void)a;
	(void)info;
	return MA_ENOTFOUND;
}
