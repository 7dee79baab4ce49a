/*
 * mailarc audit SPACE: print the space's audit log. Also what the privacy
 * commands (export, erase, hold, retention) share: who may, and when.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "cli.h"
#include "hold.h"
#include "log.h"
#include "mailarc.h"
#include "perm.h"

static const char audit_usage[] =
    "usage: mailarc audit SPACE\n"
    "\n"
    "Print the space's audit log: one line per deletion, erasure,\n"
    "export, retention run and hold change (TIME USER ACTION COUNT\n"
    "DETAIL, tab-separated).\n";

struct space *
privacy_gate(struct ctx *c, const char *key, const char *what, int *ret)
{
	struct space *s = ctx_space(c, key, ret);
	enum ma_status st;

	if (s == NULL)
		return NULL;
	st =
	    perm_check(s->root, s->key, space_setting(s, "admins", NULL), NULL);
	if (st == MA_OK && what != NULL)
		st = hold_refuse(s->dir, s->key, what);
	if (st != MA_OK) {
		*ret = ma_exitcode(st);
		space_free(s);
		return NULL;
	}
	return s;
}

void
privacy_user(const struct space *s, char *buf, size_t size)
{
	struct perm_who w;
	const char *u = "-";

	if (perm_who_get(s->root, &w) == MA_OK)
		u = w.sudo_user[0] ? w.sudo_user : w.user;
	if (snprintf(buf, size, "%s", u) < 0)
		buf[0] = '\0';
}

time_t
privacy_now(void)
{
	const char *e = getenv("MAILARC_NOW");
	struct tm tm = {0};
	char *end;
	long long v;

	if (e == NULL || e[0] == '\0')
		return time(NULL);
	end = strptime(e, "%Y-%m-%d", &tm);
	if (end != NULL && *end == '\0')
		return timegm(&tm);
	errno = 0;
	v = strtoll(e, &end, 10);
	if (end != e && *end == '\0' && errno == 0 && v > 0)
		return (time_t)v;
	log_warn("MAILARC_NOW '%s' is not a date: using the clock", e);
	return time(NULL);
}

char *
privacy_real_dir(const struct space *s)
{
	char *real = realpath(s->dir, NULL);

	if (real == NULL)
		log_err("cannot resolve '%s': %s", s->dir, strerror(errno));
	return real;
}

int
cmd_audit(struct ctx *c, int argc, char **argv)
{
	struct space *s;
	const char *key;
	int ret;

	if ((key = ctx_one_operand(c, argc, argv, audit_usage, &ret)) == NULL)
		return ret;
	if ((s = privacy_gate(c, key, NULL, &ret)) == NULL)
		return ret;
	ret = ma_exitcode(audit_print(s->dir, stdout));
	space_free(s);
	return ret;
}
