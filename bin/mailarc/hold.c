/* mailarc hold on|off SPACE [--reason R]: legal hold of a space. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "json_out.h"

#include "audit.h"
#include "cli.h"
#include "hold.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "tombstone.h"
#include "space.h"

static const char hold_usage[] =
    "usage: mailarc hold on|off SPACE [--reason TEXT]\n"
    "\n"
    "Put a space on legal hold, or lift it. While on hold, delete,\n"
    "erase, retention and space remove refuse and change nothing.\n";

int
cmd_hold(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"reason", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	const char *reason = NULL;
	char user[64];
	struct space *s;
	struct hold h;
	enum ma_status st;
	bool on;
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		if (ch == 'r') {
			reason = optarg;
			continue;
		}
		ret = cli_common(ch, optarg, hold_usage, &c->root_opt);
		if (ret == EX__HELP)
			return EX_OK;
		if (ret != EX_OK)
			return ret < 0 ? EX_USAGE : ret;
	}
	if (argc - optind != 2 || (strcmp(argv[optind], "on") != 0 &&
				   strcmp(argv[optind], "off") != 0)) {
		fputs(hold_usage, stderr);
		return EX_USAGE;
	}
	on = strcmp(argv[optind], "on") == 0;
	if ((s = privacy_gate(c, argv[optind + 1], NULL, &ret)) == NULL)
		return ret;
	privacy_user(s, user, sizeof user);
	if ((st = hold_get(s->dir, &h)) == MA_OK && h.on == on && !on) {
		log_notice("space '%s' is not on hold", s->key);
		space_free(s);
		return EX_OK;
	}
	/* Safe side first: a hold is set before it is recorded, and
	 * recorded before it is lifted. */
	if (st == MA_OK && on)
		st = hold_set(s->dir, true, privacy_now(), user, reason);
	if (st == MA_OK)
		st = audit_append(s->dir, privacy_now(), user,
				  on ? "hold-on" : "hold-off", 0,
				  on ? reason : h.reason);
	if (st == MA_OK && !on)
		st = hold_set(s->dir, false, privacy_now(), user, NULL);
	if (st == MA_OK)
		log_notice("space '%s': legal hold %s", s->key,
			   on ? "on" : "off");
	space_free(s);
	return ma_exitcode(st);
}

/* "at=...", "retain=...", "removed=..." of SPACE/state/retention. */
static void
retention_last(const struct space *s, char *at, char *retain, char *removed)
{
	char *p = space_part_path(s->dir, SPACE_RETENTION), *data, *l;
	size_t len;

	at[0] = retain[0] = removed[0] = '\0';
	if (p == NULL || path_file_read_all(p, 4096, &data, &len) != MA_OK) {
		free(p);
		return;
	}
	free(p);
	for (l = data; l != NULL && *l; l = p) {
		char *dst = NULL;
		int n;

		if ((p = strchr(l, '\n')) != NULL)
			*p++ = '\0';
		if (strncmp(l, "at=", 3) == 0)
			dst = at;
		else if (strncmp(l, "retain=", 7) == 0)
			dst = retain;
		else if (strncmp(l, "removed=", 8) == 0)
			dst = removed;
		if (dst == NULL)
			continue;
		/* Written by retention_run(): a longer value is not ours. */
		n = snprintf(dst, 32, "%s", strchr(l, '=') + 1);
		if (n < 0 || n >= 32)
			dst[0] = '\0';
	}
	free(data);
}

void
privacy_status(const struct space *s, void *json)
{
	const char *retain = space_setting(s, "retain", NULL);
	char since[32], at[32], was[32], removed[32];
	struct hold h;

	if (hold_get(s->dir, &h) != MA_OK)
		h.on = false;
	tombstone_format_time(h.since, since, sizeof since);
	retention_last(s, at, was, removed);
	if (json != NULL) {
		struct json_out *o = json, *j = json_out_object();

		json_out_set(j, "on", json_out_bool(h.on));
		if (h.on) {
			json_out_set(j, "since", json_out_str(since));
			json_out_set(j, "user", json_out_str(h.user));
			json_out_set(j, "reason", json_out_str(h.reason));
		}
		json_out_set(o, "hold", j);
		j = json_out_object();
		json_out_set(j, "retain",
			     retain ? json_out_str(retain) : json_out_null());
		if (at[0]) {
			json_out_set(j, "last_run", json_out_str(at));
			json_out_set(j, "removed",
				     json_out_int(strtol(removed, NULL, 10)));
		}
		json_out_set(o, "retention", j);
		return;
	}
	if (h.on)
		printf("  legal hold since %s by %s%s%s\n", since, h.user,
		       h.reason[0] ? ": " : "", h.reason);
	if (retain != NULL)
		printf("  retain %s%s%s%s%s%s\n", retain,
		       at[0] ? ", last run " : "", at, at[0] ? " removed " : "",
		       removed, at[0] ? " messages" : "");
}
