/*
 * mailarc polling on|off [SPACE[/ACCOUNT]]...
 *
 * The choice is always written into the configuration ("polling = on|off"
 * in the account's .conf or in space.conf): that is what "mailarc fetch
 * --due" reads, whether a systemd timer or a cron line calls it, so the
 * configuration is the one switch that always works. When systemd runs
 * the timers are enabled or disabled too, so that "systemctl
 * list-timers" tells the truth and nothing wakes up for nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "array.h"
#include "child.h"
#include "cli.h"
#include "log.h"
#include "mailarc.h"
#include "polling.h"
#include "path.h"
#include "perm.h"

static const char polling_usage[] =
    "usage: mailarc polling on|off [SPACE[/ACCOUNT]]...\n"
    "\n"
    "Turn automatic polling (the mailarc-poll@ timers, or 'mailarc fetch\n"
    "--due' from cron) on or off for accounts, whole spaces, or, without\n"
    "an argument, every space.\n";

/* systemctl takes many units at once; this bounds one command line. */
#define UNITS_PER_CALL 64

bool
polling_systemd_running(void)
{
	struct stat st;

	return lstat("/run/systemd/system/", &st) == 0 && S_ISDIR(st.st_mode);
}

/* systemd.unit(5) "String Escaping": what systemd-escape --path does not
 * do, since our instance is not a path: "/" becomes "-", and every byte
 * but [A-Za-z0-9:_.] (and a leading ".") becomes \xNN. */
static bool
escape_instance(const char *s, char *buf, size_t size, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = *len;

	for (size_t i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == ':' || c == '_' ||
			     (c == '.' && !(i == 0 && o == *len));

		if (c == '/') {
			if (o + 1 >= size)
				return false;
			buf[o++] = '-';
		} else if (plain) {
			if (o + 1 >= size)
				return false;
			buf[o++] = (char)c;
		} else {
			if (o + 4 >= size)
				return false;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	*len = o;
	return true;
}

bool
polling_unit_name(const char *space, const char *account, const char *suffix,
		  char *buf, size_t size)
{
	char ref[2 * KEY_MAX + 2];
	size_t len;
	int n;

	n = snprintf(ref, sizeof ref, "%s/%s", space, account);
	if (n < 0 || (size_t)n >= sizeof ref)
		return false;
	n = snprintf(buf, size, "%s", POLL_UNIT_PREFIX);
	if (n < 0 || (size_t)n >= size)
		return false;
	len = (size_t)n;
	if (!escape_instance(ref, buf, size, &len))
		return false;
	n = snprintf(buf + len, size - len, ".%s", suffix);
	return n >= 0 && (size_t)n < size - len;
}

bool
polling_space_on(const struct space *s)
{
	return parse_bool(space_setting(s, "polling", "on")) != 0;
}

bool
polling_effective(const struct space *s, const struct account *a)
{
	return a->enabled && a->polling && polling_space_on(s);
}

/* One argument: a space, or one account of it. */
struct target {
	struct space *space;
	struct account *account; /* NULL: the whole space */
};

struct units {
	char **v;
	size_t n, cap;
};

static int
units_add(struct units *u, const char *name)
{
	if (u->n == u->cap) {
		char **nv = array_grow(u->v, &u->cap, u->n, sizeof *nv, 16);

		if (nv == NULL)
			return EX_OSERR;
		u->v = nv;
	}
	if ((u->v[u->n] = strdup(name)) == NULL)
		return EX_OSERR;
	u->n++;
	return EX_OK;
}

static void
units_free(struct units *u)
{
	array_free_strs(u->v, u->n);
}

static void
targets_free(struct target *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		account_free(t[i].account);
		space_free(t[i].space);
	}
	free(t);
}

/* Add mailarc-watch@INSTANCE.service, the push unit of an account. */
static int
units_add_watch(struct units *u, const char *space, const char *account)
{
	char unit[256], watch[256];
	int n;

	if (!polling_unit_name(space, account, "service", unit, sizeof unit))
		return EX_SOFTWARE;
	n = snprintf(watch, sizeof watch, "%s%s", WATCH_UNIT_PREFIX,
		     unit + strlen(POLL_UNIT_PREFIX));
	if (n < 0 || (size_t)n >= sizeof watch)
		return EX_SOFTWARE;
	return units_add(u, watch);
}

/* Load and check one argument; refused changes stop everything before
 * anything is written. */
static int
load_target(struct ctx *c, const char *arg, struct target *t)
{
	char *space_key = NULL, *key = NULL;
	enum ma_status st;
	int ret = EX_OK;

	if (strchr(arg, '/') != NULL) {
		if ((st = account_parse_ref(arg, &space_key, &key)) != MA_OK)
			return ma_exitcode(st);
	} else if ((space_key = strdup(arg)) == NULL) {
		return EX_OSERR;
	}
	if ((t->space = ctx_space(c, space_key, &ret)) == NULL)
		goto out;
	if (key != NULL &&
	    (st = account_load(t->space, key, &t->account)) != MA_OK) {
		ret = ma_exitcode(st);
		goto out;
	}
	ret = ma_exitcode(perm_check(t->space->root, t->space->key,
				     space_setting(t->space, "admins", NULL),
				     NULL));
out:
	free(space_key);
	free(key);
	return ret;
}

/* The timers a change touches: "on" starts only what will poll. */
static int
collect_units(const struct target *t, bool on, struct units *u)
{
	char **keys = NULL, unit[256];
	size_t n = 0;
	int ret = EX_OK, bad = EX_OK;

	if (t->account != NULL) {
		if (on && !polling_effective(t->space, t->account))
			return EX_OK;
		if (!polling_unit_name(t->space->key, t->account->key, "timer",
				       unit, sizeof unit))
			return EX_SOFTWARE;
		ret = units_add(u, unit);
		if (ret == EX_OK && t->account->push)
			ret =
			    units_add_watch(u, t->space->key, t->account->key);
		return ret;
	}
	if (account_list(t->space, &keys, &n) != MA_OK)
		return EX_IOERR;
	for (size_t i = 0; i < n && ret == EX_OK; i++) {
		struct account *a;
		bool push = false;

		if (!on && account_load(t->space, keys[i], &a) == MA_OK) {
			push = a->push;
			account_free(a);
		}
		if (on) {
			bool eff;

			/* A broken account file (logged) keeps its timer as
			 * it is; the others go on. */
			if (account_load(t->space, keys[i], &a) != MA_OK) {
				bad = EX_CONFIG;
				continue;
			}
			eff = polling_effective(t->space, a);
			push = a->push;

			if (polling_space_on(t->space) && !a->polling)
				log_notice("account '%s/%s' keeps its own "
					   "'polling = off' (turn it on with "
					   "'mailarc polling on %s/%s')",
					   t->space->key, a->key, t->space->key,
					   a->key);
			account_free(a);
			if (!eff)
				continue;
		}
		if (!polling_unit_name(t->space->key, keys[i], "timer", unit,
				       sizeof unit))
			ret = EX_SOFTWARE;
		else
			ret = units_add(u, unit);
		if (ret == EX_OK && push)
			ret = units_add_watch(u, t->space->key, keys[i]);
	}
	space_list_free(keys, n);
	return ret != EX_OK ? ret : bad;
}

/* Set polling = on|off where the target keeps it (in memory). */
static int
set_polling(struct target *t, bool on)
{
	const char *v = on ? "on" : "off";
	struct config *cfg = t->account ? t->account->cfg : t->space->cfg;

	if (t->account != NULL)
		t->account->polling = on;
	return ma_exitcode(config_set(cfg, "", "polling", v));
}

/* Write the target's file back, atomically, with its mode. */
static int
write_target(const struct target *t)
{
	if (t->account != NULL)
		return ma_exitcode(config_write_atomic(
		    t->account->cfg, t->account->conf_path, 0600));
	return ma_exitcode(
	    config_write_atomic(t->space->cfg, t->space->conf_path, 0644));
}

/*
 * Root changes timers, but the files belong to the service user (the
 * owner of the root folder): a file root rewrote would be root's, 0600,
 * and unreadable to the units. So root writes them as their owner, in a
 * child that gives up root (perm_become_owner), and keeps root for
 * systemctl.
 */
static int
record_all(struct target *t, size_t nt, bool on)
{
	struct stat st;
	int status, ret = EX_OK;
	pid_t pid;

	for (size_t i = 0; i < nt && ret == EX_OK; i++)
		ret = set_polling(&t[i], on);
	if (ret != EX_OK)
		return ret;
	if (geteuid() != 0 || nt == 0 || stat(t[0].space->root, &st) != 0 ||
	    st.st_uid == 0) {
		for (size_t i = 0; i < nt && ret == EX_OK; i++)
			ret = write_target(&t[i]);
		return ret;
	}
	fflush(stdout);
	if ((pid = fork()) < 0) {
		log_err("cannot fork: %s", strerror(errno));
		return EX_OSERR;
	}
	if (pid == 0) {
		if (perm_become_owner(t[0].space->root) != MA_OK)
			_exit(EX_OSERR);
		for (size_t i = 0; i < nt && ret == EX_OK; i++)
			ret = write_target(&t[i]);
		fflush(stderr);
		_exit(ret);
	}
	if (child_wait(pid, &status) != MA_OK)
		return EX_OSERR;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EX_SOFTWARE;
}

/* Run systemctl VERB --now UNITS... with our stdout and stderr. */
static int
systemctl(const char *verb, char *const *units, size_t n)
{
	const char *argv[UNITS_PER_CALL + 5];
	const struct child ch = {.file = "systemctl",
				 .argv = (char *const *)argv,
				 .stdout_fd = CHILD_STDOUT_OURS,
				 .exec_fail_code = EX_OSERR,
				 .log_exec_fail = true,
				 .name = "systemctl"};
	size_t k = 0;
	int status;
	pid_t pid;

	argv[k++] = "systemctl";
	argv[k++] = verb;
	argv[k++] = "--now";
	argv[k++] = "--quiet";
	for (size_t i = 0; i < n; i++)
		argv[k++] = units[i];
	argv[k] = NULL;
	if (child_spawn(&ch, &pid) != MA_OK ||
	    child_wait(pid, &status) != MA_OK)
		return EX_OSERR;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return EX_OK;
	log_err("'systemctl %s' failed for %zu timer(s) (see 'journalctl "
		"-u %s*')",
		verb, n, POLL_UNIT_PREFIX);
	return EX_UNAVAILABLE;
}

static int
apply_systemd(bool on, struct units *u)
{
	int ret = EX_OK;

	for (size_t i = 0; i < u->n; i++)
		log_info("%s %s %s", on ? "enabling" : "disabling",
			 strncmp(u->v[i], WATCH_UNIT_PREFIX,
				 strlen(WATCH_UNIT_PREFIX)) == 0
			     ? "push unit"
			     : "timer",
			 u->v[i]);
	if (!polling_systemd_running())
		return EX_OK;
	if (geteuid() != 0) {
		log_notice("the systemd timers were left as they are (only "
			   "root may change them); 'mailarc fetch --due' "
			   "honours the recorded choice");
		return EX_OK;
	}
	for (size_t i = 0; i < u->n; i += UNITS_PER_CALL) {
		size_t k =
		    u->n - i < UNITS_PER_CALL ? u->n - i : UNITS_PER_CALL;

		ret = ma_worse(
		    ret, systemctl(on ? "enable" : "disable", u->v + i, k));
	}
	return ret;
}

/* What the user may want to know after "on": why it still will not poll. */
static void
explain_on(const struct target *t)
{
	if (!polling_space_on(t->space))
		log_notice("space '%s' has polling off: its accounts stay off "
			   "until 'mailarc polling on %s'",
			   t->space->key, t->space->key);
	else if (t->account != NULL && !t->account->enabled)
		log_notice("account '%s/%s' is disabled: it polls once "
			   "'mailarc account enable %s/%s'",
			   t->space->key, t->account->key, t->space->key,
			   t->account->key);
}

/* report_done - say what was turned on or off (every: all spaces). */
static void
report_done(const struct target *t, size_t nt, bool on, bool every)
{
	char desc[256];

	if (every)
		snprintf(desc, sizeof desc, "every space");
	else if (nt == 1)
		snprintf(desc, sizeof desc, "%s%s%s", t[0].space->key,
			 t[0].account ? "/" : "",
			 t[0].account ? t[0].account->key : "");
	else
		snprintf(desc, sizeof desc, "%zu spaces and accounts", nt);
	if (polling_systemd_running())
		log_notice("polling %s for %s", on ? "on" : "off", desc);
	else
		log_notice("systemd is not running here: polling %s "
			   "recorded for %s; 'mailarc fetch --due' "
			   "(from cron) honours it",
			   on ? "on" : "off", desc);
	for (size_t i = 0; on && i < nt; i++)
		explain_on(&t[i]);
}

int
cmd_polling(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct target *t = NULL;
	struct units u = {0};
	char **keys = NULL;
	size_t nt = 0, nkeys = 0;
	const char *root;
	bool on;
	int ch, ret = EX_OK, bad = EX_OK;

	optind = 0; /* glibc: 0 re-initialises getopt for a new argv */
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		ret = cli_common(ch, optarg, polling_usage, &c->root_opt);
		if (ret != EX_OK)
			return ret == EX__HELP ? EX_OK : ret;
	}
	if (optind >= argc || (strcmp(argv[optind], "on") != 0 &&
			       strcmp(argv[optind], "off") != 0)) {
		fputs(polling_usage, stderr);
		return EX_USAGE;
	}
	on = strcmp(argv[optind++], "on") == 0;
	if ((root = ctx_root(c)) == NULL)
		return EX_CONFIG;
	if (optind == argc) {
		if (space_list(root, &keys, &nkeys) != MA_OK)
			return EX_IOERR;
		if (nkeys == 0) {
			log_err("no spaces in '%s': nothing to turn %s", root,
				on ? "on" : "off");
			return EX_USAGE;
		}
	}
	nt = optind == argc ? nkeys : (size_t)(argc - optind);
	if ((t = calloc(nt, sizeof *t)) == NULL) {
		space_list_free(keys, nkeys);
		return EX_OSERR;
	}
	for (size_t i = 0; i < nt && ret == EX_OK; i++)
		ret = load_target(c, keys ? keys[i] : argv[optind + (int)i],
				  &t[i]);
	/* Configuration first: it is what fetch --due obeys. */
	if (ret == EX_OK)
		ret = record_all(t, nt, on);
	/* A broken account file stops only its own timer's change. */
	for (size_t i = 0; i < nt && ret == EX_OK; i++) {
		int r = collect_units(&t[i], on, &u);

		if (r == EX_CONFIG)
			bad = EX_CONFIG;
		else
			ret = r;
	}
	if (ret == EX_OK)
		ret = apply_systemd(on, &u);
	if (ret == EX_OK)
		report_done(t, nt, on, keys != NULL);
	units_free(&u);
	targets_free(t, nt);
	space_list_free(keys, nkeys);
	return ma_worse(ret, bad);
}
