#ifndef MA_STATE_H
#define MA_STATE_H

#include <time.h>

#include "space.h"
#include "status.h"

/*
 * The per-account fetch state, ROOT/spaces/SPACE/state/ACCOUNT.state.
 * This header is the summary that the front end shows; the fetch code owns
 * the format and the rest of the file (UIDVALIDITY, UIDs, UIDLs).
 */
struct state_summary {
	time_t last_run;     /* 0: never */
	time_t last_success; /* 0: never */
	long last_count;     /* messages fetched by the last run */
	char last_error[256]; /* "" when the last run succeeded */
};

/*
 * state_summary_load - the summary of account key of space s. MA_ENOTFOUND
 * (not logged) when the account has never been fetched.
 */
enum ma_status state_summary_load(const struct space *s, const char *key,
				  struct state_summary *sum);

#endif
