/* Placeholder: the connection test lands with mailarc-fetch. */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
account_test_run(struct ctx *c, const struct account *a,
		 const struct secret *pw)
{
	(void)c;
	(void)pw;
	log_err("cannot test account '%s/%s': the connection test is not "
		"built yet (use --no-test)",
		a->space, a->key);
	return EX_UNAVAILABLE;
}
