/* Placeholder until the fetch code lands: no account has been fetched. */
#include "state.h"

enum ma_status
state_summary_load(const struct space *s, const char *key,
		   struct state_summary *sum)
{
	(void)s;
	(void)key;
	(void)sum;
	return MA_ENOTFOUND;
}
