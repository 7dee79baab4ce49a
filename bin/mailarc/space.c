/* mailarc space add|edit|list|show|remove */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "hold.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "perm.h"

static const char space_usage[] =
    "usage: mailarc space add KEY [--name N] [--description D] "
    "[--personal]\n"
    "                 [--site-dir DIR] [--admins USER,...] "
    "[--set KEY=VALUE]...\n"
    "       mailarc space edit KEY [--name N] [--description D] "
    "[--site-dir DIR]\n"
    "                 [--personal | --site] [--admins USER,...]\n"
    "                 [--set KEY=VALUE]...\n"
    "       mailarc space list\n"
    "       mailarc space show KEY\n"
    "       mailarc space remove KEY [--force]\n";

/* Messages in a Maildir: the entries of new/ and cur/. */
static long
count_messages(const struct space *s, const char *maildir)
{
	static const char *const subs[] = {"new", "cur"};
	long n = 0;

	for (size_t i = 0; i < 2; i++) {
		char *p = path_fmt("%s/%s/%s", s->dir, maildir, subs[i]);
		struct dirent *de;
		DIR *d;

		if (p == NULL || (d = opendir(p)) == NULL) {
			free(p);
			continue;
		}
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				n++;
		closedir(d);
		free(p);
	}
	return n;
}

struct space_opts {
	const char *name, *description, *site_dir, *admins;
	int personal; /* -1: unchanged */
	bool force;
	const char *sets[32];
	size_t nsets;
};

/* Parses a space subcommand's options into *o and checks that NARGS operands
 * follow them (the usage is printed when not). Returns EX_OK, EX__HELP after
 * --help, or EX_USAGE. */
static int
parse_space_opts(struct ctx *c, int argc, char **argv, struct space_opts *o,
		 int nargs)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"name", required_argument, NULL, 'n'},
	    {"description", required_argument, NULL, 'd'},
	    {"personal", no_argument, NULL, 'p'},
	    {"site", no_argument, NULL, 's'},
	    {"site-dir", required_argument, NULL, 'D'},
	    {"set", required_argument, NULL, 'S'},
	    {"force", no_argument, NULL, 'f'},
	    {"admins", required_argument, NULL, 'A'},
	    {NULL, 0, NULL, 0},
	};
	int ch, r;

	o->personal = -1;
	optind = 0; /* glibc: 0 re-initialises getopt for a new argv */
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'n':
			o->name = optarg;
			break;
		case 'd':
			o->description = optarg;
			break;
		case 'p':
			o->personal = 1;
			break;
		case 's':
			o->personal = 0;
			break;
		case 'D':
			o->site_dir = optarg;
			break;
		case 'S':
			if (o->nsets == 32) {
				log_err("too many --set options");
				return EX_USAGE;
			}
			o->sets[o->nsets++] = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case 'A':
			o->admins = optarg;
			break;
		default:
			r = cli_common(ch, optarg, space_usage, &c->root_opt);
			if (r != EX_OK)
				return r;
		}
	}
	if (optind + nargs != argc) {
		fputs(space_usage, stderr);
		return EX_USAGE;
	}
	return EX_OK;
}

/* A subcommand on one space: parses the options into *o and loads the space
 * that the one operand names. Returns the space (the caller frees it), or
 * NULL with *ret the exit code to return (EX_OK after --help). */
static struct space *
space_operand(struct ctx *c, int argc, char **argv, struct space_opts *o,
	      int *ret)
{
	if ((*ret = parse_space_opts(c, argc, argv, o, 1)) != EX_OK) {
		if (*ret == EX__HELP)
			*ret = EX_OK;
		return NULL;
	}
	return ctx_space(c, argv[optind], ret);
}

/* The admins list must name users and %groups, nothing else. */
static int
admins_check(const struct config *cfg)
{
	const char *v = config_get(cfg, "", "admins");
	char bad[64];

	if (v == NULL || perm_admins_valid(v, bad, sizeof bad))
		return EX_OK;
	log_err("admins: '%s' is not a user name or %%group", bad);
	return EX_DATAERR;
}

/* Does the edit touch the admins list (--admins or --set admins=)? */
static bool
changes_admins(const struct space_opts *o)
{
	if (o->admins != NULL)
		return true;
	for (size_t i = 0; i < o->nsets; i++)
		if (strncmp(o->sets[i], "admins=", 7) == 0)
			return true;
	return false;
}

/* Apply the options to cfg; "" removes a key. */
static int
apply_space_opts(struct config *cfg, const struct space_opts *o)
{
	const struct {
		const char *key, *value;
	} plain[] = {
	    {"name", o->name},
	    {"description", o->description},
	    {"site_dir", o->site_dir},
	    {"admins", o->admins},
	    {"kind", o->personal < 0 ? NULL
		     : o->personal   ? "personal"
				     : "site"},
	};

	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		if (plain[i].value == NULL)
			continue;
		if (config_set(cfg, "", plain[i].key,
			       plain[i].value[0] ? plain[i].value : NULL) !=
		    MA_OK)
			return EX_DATAERR;
	}
	for (size_t i = 0; i < o->nsets; i++) {
		const char *eq = strchr(o->sets[i], '=');
		char key[64];

		if (eq == NULL || eq == o->sets[i] ||
		    (size_t)(eq - o->sets[i]) >= sizeof key) {
			log_err("--set '%s' is not KEY=VALUE", o->sets[i]);
			return EX_USAGE;
		}
		memcpy(key, o->sets[i], (size_t)(eq - o->sets[i]));
		key[eq - o->sets[i]] = '\0';
		if (config_set(cfg, "", key, eq[1] ? eq + 1 : NULL) != MA_OK)
			return EX_DATAERR;
	}
	return admins_check(cfg);
}

static int
space_add(struct ctx *c, int argc, char **argv)
{
	struct space_opts o = {0};
	struct config *cfg;
	const char *root, *key;
	enum ma_status st;
	int ret;

	if ((ret = parse_space_opts(c, argc, argv, &o, 1)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	key = argv[optind];
	if (!key_valid(key)) {
		log_err("space key '%s' is not allowed: use a-z, 0-9, '_' "
			"and '-', starting with a letter or digit, at most "
			"64 characters",
			key);
		return EX_USAGE;
	}
	if ((root = ctx_root(c)) == NULL)
		return EX_CONFIG;
	if ((ret = ma_exitcode(perm_check(root, key, NULL, "add spaces"))) !=
		EX_OK ||
	    (ret = ma_exitcode(perm_become_owner(root))) != EX_OK)
		return ret;
	if ((cfg = config_new()) == NULL)
		return EX_OSERR;
	if (o.personal < 0)
		o.personal = 0;
	if (o.name == NULL)
		o.name = key;
	if ((ret = apply_space_opts(cfg, &o)) == EX_OK) {
		char what[128];

		snprintf(what, sizeof what, "space '%s'", key);
		st = space_check_config(cfg, what);
		if (st == MA_OK)
			st = space_create(root, key, cfg);
		ret = ma_exitcode(st);
		if (st == MA_ECONFIG && path_exists(root)) {
			char *dir = path_fmt("%s/spaces/%s", root, key);

			if (dir != NULL && path_exists(dir))
				ret = EX_CANTCREAT;
			free(dir);
		}
	}
	config_free(cfg);
	if (ret == EX_OK)
		log_notice("space '%s' added (%s)", key,
			   o.personal ? "personal" : "site");
	return ret;
}

static int
space_edit(struct ctx *c, int argc, char **argv)
{
	struct space_opts o = {0};
	struct space *s;
	char what[128];
	int ret;

	if ((s = space_operand(c, argc, argv, &o, &ret)) == NULL)
		return ret;
	if ((ret = ma_exitcode(perm_check(
		 s->root, s->key, space_setting(s, "admins", NULL),
		 changes_admins(&o) ? "change space administrators" : NULL))) !=
		EX_OK ||
	    (ret = ma_exitcode(perm_become_owner(s->root))) != EX_OK) {
		space_free(s);
		return ret;
	}
	if (o.personal == 1 && !s->personal) {
		char **keys;
		size_t n;

		if (account_list(s, &keys, &n) == MA_OK && n > 0) {
			log_err("space '%s' has %zu mail account(s): a "
				"personal space may not hold any; remove them "
				"first",
				s->key, n);
			space_list_free(keys, n);
			space_free(s);
			return EX_CONFIG;
		}
	}
	snprintf(what, sizeof what, "space '%s'", s->key);
	if ((ret = apply_space_opts(s->cfg, &o)) == EX_OK)
		ret = ma_exitcode(space_check_config(s->cfg, what));
	if (ret == EX_OK)
		ret = ma_exitcode(
		    config_write_atomic(s->cfg, s->conf_path, 0644));
	if (ret == EX_OK)
		log_notice("space '%s' changed", s->key);
	space_free(s);
	return ret;
}

static int
space_list_cmd(struct ctx *c, int argc, char **argv)
{
	struct space_opts o = {0};
	const char *root;
	char **keys;
	size_t n;
	int ret;

	if ((ret = parse_space_opts(c, argc, argv, &o, 0)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if ((root = ctx_root(c)) == NULL)
		return EX_CONFIG;
	if (space_list(root, &keys, &n) != MA_OK)
		return EX_IOERR;
	if (n == 0)
		log_notice("no spaces yet in '%s' (add one with 'mailarc "
			   "space add KEY')",
			   root);
	else
		printf("%-20s %-8s %8s %9s  %s\n", "SPACE", "KIND", "ACCOUNTS",
		       "MESSAGES", "NAME");
	for (size_t i = 0; i < n; i++) {
		struct space *s;
		char **acc;
		size_t na = 0;

		if (space_load(root, keys[i], &s) != MA_OK) {
			ret = EX_CONFIG;
			continue;
		}
		if (account_list(s, &acc, &na) == MA_OK)
			space_list_free(acc, na);
		printf("%-20s %-8s %8zu %9ld  %s\n", s->key,
		       s->personal ? "personal" : "site", na,
		       count_messages(s, "archive"), s->name);
		space_free(s);
	}
	space_list_free(keys, n);
	return ret;
}

static int
space_show(struct ctx *c, int argc, char **argv)
{
	struct space_opts o = {0};
	struct space *s;
	char **acc;
	size_t na = 0;
	int ret;

	if ((s = space_operand(c, argc, argv, &o, &ret)) == NULL)
		return ret;
	printf("space:       %s\n", s->key);
	printf("name:        %s\n", s->name);
	printf("description: %s\n", s->description);
	printf("kind:        %s\n", s->personal ? "personal" : "site");
	printf("folder:      %s\n", s->dir);
	printf("site:        %s\n", s->site_dir);
	printf("archived:    %ld messages\n", count_messages(s, "archive"));
	printf("incoming:    %ld messages waiting\n",
	       count_messages(s, "incoming"));
	if (account_list(s, &acc, &na) == MA_OK) {
		printf("accounts:   ");
		for (size_t i = 0; i < na; i++)
			printf(" %s", acc[i]);
		printf("%s\n", na ? "" : " none");
		space_list_free(acc, na);
	}
	space_free(s);
	return EX_OK;
}

static int
space_remove_cmd(struct ctx *c, int argc, char **argv)
{
	struct space_opts o = {0};
	struct space *s;
	long n;
	int ret;

	if ((s = space_operand(c, argc, argv, &o, &ret)) == NULL)
		return ret;
	if ((ret = ma_exitcode(perm_check(
		 s->root, s->key, space_setting(s, "admins", NULL), NULL))) !=
	    EX_OK) {
		space_free(s);
		return ret;
	}
	if ((ret = ma_exitcode(hold_refuse(s->dir, s->key, "space remove"))) !=
	    EX_OK) {
		space_free(s);
		return ret;
	}
	n = count_messages(s, "archive") + count_messages(s, "incoming");
	if (n > 0 && !o.force) {
		log_err("space '%s' holds %ld messages: 'mailarc space remove "
			"%s --force' removes it with its whole archive",
			s->key, n, s->key);
		space_free(s);
		return EX_USAGE;
	}
	ret = ma_exitcode(space_remove(s));
	if (ret == EX_OK)
		log_notice("space '%s' removed", s->key);
	space_free(s);
	return ret;
}

int
cmd_space(struct ctx *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct ctx *, int, char **);
	} subs[] = {
	    {"add", space_add},		  {"edit", space_edit},
	    {"list", space_list_cmd},	  {"show", space_show},
	    {"remove", space_remove_cmd},
	};

	if (argc < 2) {
		fputs(space_usage, stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(space_usage, stdout);
		return EX_OK;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(c, argc - 1, argv + 1);
	log_err("unknown space command '%s' (add, edit, list, show, remove)",
		argv[1]);
	return EX_USAGE;
}
