/* mailarc account show|list|test|folders: the commands that only read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "account_cmd.h"
#include "cli.h"
#include "fetch.h"
#include "fetch_front.h"
#include "imap.h"
#include "log.h"
#include "mailarc.h"
#include "net_proxy.h"
#include "oauth.h"
#include "secret.h"
#include "state.h"
#include "utc.h"

/* A time as `mailarc status` prints it; "never" for none. */
static void
format_time(time_t t, char *buf, size_t size)
{
	if (utc_format(t, buf, size) == NULL)
		snprintf(buf, size, "never");
}

int
account_cmd_show(struct ctx *c, int argc, char **argv)
{
	struct state_summary sum;
	struct space *s;
	struct account *a;
	char *key, t[64];
	const char *k;
	int ret;

	ret = account_cmd_load(c, argc, argv, false, &s, &key, &a);
	if (ret != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	printf("%-20s %s/%s\n", "account", s->key, key);
	for (size_t i = 0; (k = account_field(i)) != NULL; i++) {
		const char *v = config_get(a->cfg, "", k);
		char px[1024];

		if (v == NULL)
			continue;
		if (strcmp(k, "proxy") == 0) {
			net_proxy_mask(v, px, sizeof px);
			v = px;
		}
		printf("%-20s %s\n", k,
		       strcmp(k, "password") == 0 ? "********" : v);
	}
	if (config_get(a->cfg, "", "port") == NULL)
		printf("%-20s %d (default)\n", "port", a->port);
	if (config_get(a->cfg, "", "push") == NULL)
		printf("%-20s no (default)\n", "push");
	if (state_summary_load(s, key, &sum) == MA_OK) {
		format_time(sum.last_run, t, sizeof t);
		printf("%-20s %s\n", "last fetch", t);
		printf("%-20s %ld\n", "last fetched", sum.last_count);
		format_time(sum.last_success, t, sizeof t);
		printf("%-20s %s\n", "last success", t);
		if (sum.last_error[0] != '\0')
			printf("%-20s %s\n", "last error", sum.last_error);
	} else {
		printf("%-20s never\n", "last fetch");
	}
	if (a->oauth2) {
		struct oauth_info info = {0};
		char line[256];

		/* No cached token yet reads "none"/"never": still worth a line.
		 */
		oauth_token_info(s, a, &info);
		if (oauth_info_format(&info, line, sizeof line) == MA_OK)
			printf("%-20s %s\n", "oauth", line);
	}
	account_cmd_end(s, key, a);
	return ret;
}

static int
list_space(struct space *s)
{
	char **keys;
	size_t n;
	int ret = EX_OK;

	if (account_list(s, &keys, &n) != MA_OK)
		return EX_IOERR;
	for (size_t i = 0; i < n; i++) {
		struct state_summary sum;
		struct account *a;
		char t[64];

		if (account_load(s, keys[i], &a) != MA_OK) {
			ret = EX_CONFIG;
			continue;
		}
		if (state_summary_load(s, keys[i], &sum) == MA_OK)
			format_time(sum.last_run, t, sizeof t);
		else
			snprintf(t, sizeof t, "never");
		printf("%-16s %-16s %-6s %-28s %-8s %s\n", s->key, a->key,
		       account_protocol_name(a->protocol), a->host,
		       a->enabled ? "yes" : "no", t);
		account_free(a);
	}
	space_list_free(keys, n);
	return ret;
}

int
account_cmd_list(struct ctx *c, int argc, char **argv)
{
	struct account_opts o = {0};
	const char *root;
	char **keys = NULL;
	size_t n = 0;
	int ret, r;

	if ((ret = account_cmd_opts(c, argc, argv, &o)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if (optind + 1 < argc) {
		fputs(account_cmd_usage, stderr);
		return EX_USAGE;
	}
	if ((root = ctx_root(c)) == NULL)
		return EX_CONFIG;
	if (optind < argc) {
		struct space *s = ctx_space(c, argv[optind], &ret);

		if (s == NULL)
			return ret;
		printf("%-16s %-16s %-6s %-28s %-8s %s\n", "SPACE", "ACCOUNT",
		       "PROTO", "HOST", "ENABLED", "LAST FETCH");
		ret = list_space(s);
		space_free(s);
		return ret;
	}
	if (space_list(root, &keys, &n) != MA_OK)
		return EX_IOERR;
	printf("%-16s %-16s %-6s %-28s %-8s %s\n", "SPACE", "ACCOUNT", "PROTO",
	       "HOST", "ENABLED", "LAST FETCH");
	for (size_t i = 0; i < n; i++) {
		struct space *s = ctx_space(c, keys[i], &r);

		if (s == NULL) {
			ret = ma_worse(ret, r);
			continue;
		}
		ret = ma_worse(ret, list_space(s));
		space_free(s);
	}
	space_list_free(keys, n);
	return ret;
}

int
account_cmd_test(struct ctx *c, int argc, char **argv)
{
	struct space *s;
	struct account *a;
	char *key;
	int ret;

	/* A password or token is read below: no core dump may hold it. */
	ret = account_cmd_load(c, argc, argv, true, &s, &key, &a);
	if (ret != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	ret = account_check_run(c, a, NULL);
	account_cmd_end(s, key, a);
	return ret;
}

/* Whether the account as configured fetches folder i of the listing. */
static bool
folder_fetched(const struct account *a, const struct imap_folder *f, size_t i,
	       const size_t *picked, size_t npicked)
{
	if (account_all_folders(a)) {
		for (size_t k = 0; k < npicked; k++)
			if (picked[k] == i)
				return true;
		return false;
	}
	for (size_t k = 0; k < a->nfolders; k++)
		if (strcmp(a->folders[k], f[i].name) == 0 ||
		    (strcasecmp(a->folders[k], "INBOX") == 0 &&
		     strcasecmp(f[i].name, "INBOX") == 0))
			return true;
	return false;
}

/*
 * account folders: the server's folders in UTF-8, their special-use flags,
 * and whether the account fetches each (its folder list, or what folder =
 * * picks).
 */
int
account_cmd_folders(struct ctx *c, int argc, char **argv)
{
	struct space *s;
	struct account *a;
	struct fetch_conn conn = {0};
	struct imap_folder *f = NULL;
	size_t n = 0, *picked = NULL, npicked = 0;
	enum ma_status st;
	char *key, what[KEY_MAX * 2 + 16], flags[128];
	int ret;

	/* A password or token is read below: no core dump may hold it. */
	ret = account_cmd_load(c, argc, argv, true, &s, &key, &a);
	if (ret != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if (!account_uses_imap(a)) {
		log_err("account '%s/%s' uses POP3, which has only INBOX "
			"(folders are for imap and imaps)",
			s->key, key);
		ret = EX_USAGE;
		goto out;
	}
	snprintf(what, sizeof what, "account %s/%s", s->key, key);
	st = fetch_connect(s, a, NULL, fetch_timeout_env(), fetch_timeout_env(),
			   what, &conn);
	if (st == MA_OK)
		st = imap_list_folders(&conn, &f, &n);
	if (st == MA_OK) {
		imap_logout(&conn);
		picked = malloc((n + 1) * sizeof *picked);
		if (picked == NULL)
			st = MA_ENOMEM;
		else
			npicked = imap_folder_pick(f, n, picked);
	}
	fetch_conn_close(&conn);
	if (st != MA_OK) {
		ret = ma_exitcode(st);
		goto out;
	}
	printf("%-6s %-24s %s\n", "FETCH", "SPECIAL-USE", "FOLDER");
	for (size_t i = 0; i < n; i++) {
		if (imap_folder_flags_format(f[i].flags, flags, sizeof flags) !=
		    MA_OK)
			snprintf(flags, sizeof flags, "?");
		printf("%-6s %-24s ",
		       folder_fetched(a, f, i, picked, npicked) ? "yes" : "no",
		       flags[0] ? flags : "-");
		/* A name the server sent broken is shown escaped, never
		 * as raw control bytes. */
		for (const unsigned char *p = (const unsigned char *)f[i].name;
		     *p; p++)
			putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
		printf("%s\n", f[i].flags & IMAP_FOLDER_BADNAME
				   ? " (name not valid modified UTF-7)"
				   : "");
	}
	ret = EX_OK;
out:
	free(picked);
	imap_folders_free(f, n);
	account_cmd_end(s, key, a);
	return ret;
}
