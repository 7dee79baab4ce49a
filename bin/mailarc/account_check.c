/*
 * "Test Connection" of "mailarc account add/edit/test": the steps are in
 * lib/fetch_probe.c; this prints each finding as "STEP  TEXT" and maps
 * the status to its exit code (a failed step logs one line, and each step
 * has its own code: fetch_probe.h).
 */
#include <stdio.h>
#include <sysexits.h>

#include "fetch_front.h"
#include "fetch_probe.h"
#include "mailarc.h"

static void
print_step(const char *step, const char *text, void *arg)
{
	(void)arg;
	printf("%-13s %s\n", step, text);
}

int
account_check_run(struct ctx *c, const struct account *a,
		  const struct secret *pw)
{
	const struct fetch_probe_report r = {.line = print_step};
	char what[KEY_MAX * 2 + 16];
	struct space *s = NULL;
	enum ma_status st;
	int ret;

	snprintf(what, sizeof what, "account %s/%s", a->space, a->key);
	if ((st = fetch_probe_resolve(a, what, &r)) != MA_OK)
		return ma_exitcode(st);
	/* OAuth needs the space (its token cache); an account being added
	 * belongs to a space that exists. */
	if (a->oauth2 && (s = ctx_space(c, a->space, &ret)) == NULL)
		return ret;
	st = fetch_probe_session(s, a, pw, fetch_timeout_env(), what, &r);
	space_free(s);
	if (st == MA_OK)
		printf("%s: connection test passed\n", what);
	return ma_exitcode(st);
}
