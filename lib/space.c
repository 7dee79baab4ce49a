#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "buf.h"
#include "log.h"
#include "maildir.h"
#include "path.h"
#include "space.h"

bool
key_valid(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > KEY_MAX)
		return false;
	if (!((key[0] >= 'a' && key[0] <= 'z') ||
	      (key[0] >= '0' && key[0] <= '9')))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

enum ma_status
root_resolve(const char *opt, char **rootp)
{
	const char *env;
	char *root;

	if (opt != NULL && opt[0] != '\0')
		root = strdup(opt);
	else if ((env = getenv("MAILARC_ROOT")) != NULL && env[0] != '\0')
		root = strdup(env);
	else if (geteuid() == 0)
		root = strdup("/var/lib/mailarc");
	else if ((env = getenv("XDG_DATA_HOME")) != NULL && env[0] == '/')
		root = path_fmt("%s/mailarc", env);
	else if ((env = getenv("HOME")) != NULL && env[0] == '/')
		root = path_fmt("%s/.local/share/mailarc", env);
	else {
		log_err("no root folder: give --root or set MAILARC_ROOT");
		return MA_ECONFIG;
	}
	if (root == NULL)
		return MA_ENOMEM;
	/* A trailing slash would double up in every path we print. */
	for (size_t n = strlen(root); n > 1 && root[n - 1] == '/'; n--)
		root[n - 1] = '\0';
	*rootp = root;
	return MA_OK;
}

/* Every key space.conf may hold; settings of later stages included. */
static const struct config_field space_keys[] = {
    {"name", NULL},
    {"description", NULL},
    {"kind", "site|personal"},
    {"site_dir", NULL},
    {"admins", NULL},
    {"polling", "on|off"},
    {"archive_no_archive", "no|yes"},
    {"body_preference", "text|html"},
    {"remote_images", "block|allow"},
    {"address_display", "full|name|obfuscated"},
    {"base_url", NULL},
    {"reply_links", "yes|no"},
    {"retain", NULL},
};

/* Space values are spelt as listed: no boolean synonyms. */
static const struct config_schema space_schema = {
    space_keys, sizeof space_keys / sizeof space_keys[0], false};

enum ma_status
space_check_config(const struct config *cfg, const char *what)
{
	const char *site_dir = config_get(cfg, "", "site_dir");
	enum ma_status st = config_check_schema(cfg, &space_schema, what);

	if (st == MA_OK &&
	    space_parse_retain(config_get(cfg, "", "retain")) < 0) {
		log_err("%s: retain '%s' is not a period like 90d, 6m, 7y or "
			"forever",
			what, config_get(cfg, "", "retain"));
		st = MA_ECONFIG;
	}
	if (st == MA_OK && site_dir != NULL && site_dir[0] != '/') {
		log_err("%s: site_dir '%s' is not an absolute path", what,
			site_dir);
		st = MA_ECONFIG;
	}
	return st;
}

void
space_free(struct space *s)
{
	if (s == NULL)
		return;
	free(s->root);
	free(s->key);
	free(s->dir);
	free(s->conf_path);
	free(s->site_dir);
	config_free(s->cfg);
	free(s);
}

enum ma_status
space_load(const char *root, const char *key, struct space **sp)
{
	struct space *s;
	enum ma_status st;
	const char *site_dir, *kind;

	if (!key_valid(key)) {
		log_err("space '%s' does not exist (space keys are "
			"[a-z0-9][a-z0-9_-]*)",
			key);
		return MA_ENOTFOUND;
	}
	if ((s = calloc(1, sizeof *s)) == NULL)
		return MA_ENOMEM;
	s->root = strdup(root);
	s->key = strdup(key);
	s->dir = path_fmt("%s/spaces/%s", root, key);
	s->conf_path = path_fmt("%s/spaces/%s/space.conf", root, key);
	if (!s->root || !s->key || !s->dir || !s->conf_path) {
		space_free(s);
		return MA_ENOMEM;
	}
	st = config_load(s->conf_path, &s->cfg);
	if (st == MA_ENOTFOUND) {
		log_err("space '%s' does not exist (see 'mailarc space list')",
			key);
		space_free(s);
		return MA_ENOTFOUND;
	}
	if (st == MA_OK)
		st = space_check_config(s->cfg, s->conf_path);
	if (st != MA_OK) {
		space_free(s);
		return st;
	}
	s->name = space_setting(s, "name", s->key);
	s->description = space_setting(s, "description", "");
	kind = space_setting(s, "kind", "site");
	s->personal = strcmp(kind, "personal") == 0;
	site_dir = config_get(s->cfg, "", "site_dir");
	s->site_dir =
	    site_dir ? strdup(site_dir) : space_part_path(s->dir, SPACE_SITE);
	if (s->site_dir == NULL) {
		space_free(s);
		return MA_ENOMEM;
	}
	*sp = s;
	return MA_OK;
}

char *
space_path(const struct space *s, const char *sub)
{
	return path_fmt("%s/%s", s->dir, sub);
}

char *
space_part_path(const char *space_dir, enum space_part part)
{
	static const char *const subs[] = {
	    [SPACE_INCOMING] = "incoming",
	    [SPACE_ARCHIVE] = "archive",
	    [SPACE_DUPLICATES] = "duplicates",
	    [SPACE_STATE] = "state",
	    [SPACE_ACCOUNTS] = "accounts",
	    [SPACE_NOTMUCH] = "notmuch",
	    [SPACE_NOTMUCH_CONFIG] = "notmuch/config",
	    [SPACE_NOTMUCH_XAPIAN] = "notmuch/xapian",
	    [SPACE_SITE] = "site",
	    [SPACE_TOMBSTONES] = "tombstones",
	    [SPACE_DEDUPE_DB] = "state/dedupe",
	    [SPACE_DEDUPE_REPORT] = "state/dedupe.report",
	    [SPACE_DEDUPE_PENDING] = "state/dedupe.pending",
	    [SPACE_DEDUPE_LAST] = "state/dedupe.last",
	    [SPACE_INDEX_QUEUE] = "state/index.queue",
	    [SPACE_INDEX_OFFSET] = "state/index.offset",
	    [SPACE_RENDER_STATE] = "state/render.state",
	    [SPACE_ERASE_JOURNAL] = "state/erase.journal",
	    [SPACE_RETENTION] = "state/retention",
	    [SPACE_SEARCH_CACHE] = "state/search",
	    [SPACE_NOTMUCH_OLD] = "notmuch.old",
	    [SPACE_NOTMUCH_TOMBS] = "notmuch/tombstones.before",
	};

	return path_fmt("%s/%s", space_dir, subs[part]);
}

/* The stage names double as their lock files' names. */
static const char *const stage_names[] = {
    [SPACE_STAGE_DEDUPE] = "dedupe",
    [SPACE_STAGE_INDEX] = "index",
    [SPACE_STAGE_RENDER] = "render",
};

char *
space_lock_path(const char *space_dir, enum space_stage stage)
{
	return path_fmt("%s/state/%s.lock", space_dir, stage_names[stage]);
}

char *
space_source_dir(const char *space_dir, const char *source)
{
	return path_fmt("%s/incoming/.%s", space_dir, source);
}

char *
space_account_file(const char *space_dir, const char *account,
		   const char *suffix)
{
	return path_fmt("%s/state/%s.%s", space_dir, account, suffix);
}

char *
space_account_secret(const char *space_dir, const char *account)
{
	return path_fmt("%s/accounts/%s.secret", space_dir, account);
}

bool
space_key_reserved(const char *key)
{
	if (strcmp(key, SPACE_SOURCE_IMPORT) == 0 ||
	    strcmp(key, SPACE_SOURCE_UNKNOWN) == 0)
		return true;
	for (size_t i = 0; i < sizeof stage_names / sizeof stage_names[0]; i++)
		if (strcmp(key, stage_names[i]) == 0)
			return true;
	return false;
}

const char *
space_setting(const struct space *s, const char *key, const char *def)
{
	const char *v = config_get(s->cfg, "", key);

	return v != NULL && v[0] != '\0' ? v : def;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
space_list_free(char **keys, size_t n)
{
	array_free_strs(keys, n);
}

enum ma_status
space_list(const char *root, char ***keysp, size_t *np)
{
	char **keys = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char *dir;
	DIR *d;

	if ((dir = path_fmt("%s/spaces", root)) == NULL)
		return MA_ENOMEM;
	if ((d = opendir(dir)) == NULL) {
		int e = errno;

		free(dir);
		if (e == ENOENT) {
			*keysp = NULL;
			*np = 0;
			return MA_OK;
		}
		log_err("cannot open '%s/spaces': %s", root, strerror(e));
		return path_errno_status(e);
	}
	while ((de = readdir(d)) != NULL) {
		char *conf;
		bool ok;

		/* Hidden folders are spaces being created or removed. */
		if (!key_valid(de->d_name))
			continue;
		if ((conf = path_fmt("%s/%s/space.conf", dir, de->d_name)) ==
		    NULL)
			goto nomem;
		ok = path_exists(conf);
		free(conf);
		if (!ok)
			continue;
		if (n == cap) {
			char **v = array_grow(keys, &cap, n, sizeof *v, 16);

			if (v == NULL)
				goto nomem;
			keys = v;
		}
		if ((keys[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	free(dir);
	if (n > 0)
		qsort(keys, n, sizeof *keys, key_cmp);
	*keysp = keys;
	*np = n;
	return MA_OK;
nomem:
	closedir(d);
	free(dir);
	space_list_free(keys, n);
	return MA_ENOMEM;
}

static enum ma_status
make_layout(const char *dir)
{
	static const enum space_part maildirs[] = {
	    SPACE_INCOMING, SPACE_ARCHIVE, SPACE_DUPLICATES};
	enum ma_status st;

	for (size_t i = 0; i < 3; i++) {
		char *m = space_part_path(dir, maildirs[i]);

		if (m == NULL)
			return MA_ENOMEM;
		st = maildir_create(m);
		free(m);
		if (st != MA_OK)
			return st;
	}
	{
		char *p = space_part_path(dir, SPACE_STATE);

		if (p == NULL)
			return MA_ENOMEM;
		st = path_mkdir_p(p, 0700);
		free(p);
		if (st != MA_OK)
			return st;
		if ((p = space_part_path(dir, SPACE_ACCOUNTS)) == NULL)
			return MA_ENOMEM;
		st = path_mkdir_p(p, 0700);
		free(p);
	}
	return st;
}

enum ma_status
space_ensure_layout(const struct space *s)
{
	return make_layout(s->dir);
}

enum ma_status
space_create(const char *root, const char *key, const struct config *cfg)
{
	char *spaces = NULL, *final = NULL, *tmp = NULL, *conf = NULL;
	enum ma_status st;

	spaces = path_fmt("%s/spaces", root);
	final = path_fmt("%s/spaces/%s", root, key);
	tmp = path_fmt("%s/spaces/.%s.new.%ld", root, key, (long)getpid());
	conf = path_fmt("%s/space.conf", tmp ? tmp : "");
	if (!spaces || !final || !tmp || !conf) {
		st = MA_ENOMEM;
		goto out;
	}
	if (path_exists(final)) {
		log_err("space '%s' exists already", key);
		st = MA_ECONFIG;
		goto out;
	}
	if ((st = path_mkdir_p(spaces, 0755)) != MA_OK)
		goto out;
	path_rm_rf(tmp);
	if (mkdir(tmp, 0750) != 0) {
		log_err("cannot create '%s': %s", tmp, strerror(errno));
		st = path_errno_status(errno);
		goto out;
	}
	if ((st = make_layout(tmp)) != MA_OK ||
	    (st = config_write_atomic(cfg, conf, 0644)) != MA_OK) {
		path_rm_rf(tmp);
		goto out;
	}
	/* rename(2) will not replace a non-empty folder: a race with another
	 * "space add" of the same key ends in one winner and one error. */
	if (rename(tmp, final) != 0) {
		log_err("cannot create space '%s': %s", key,
			errno == ENOTEMPTY || errno == EEXIST
			    ? "it exists already"
			    : strerror(errno));
		st = errno == ENOTEMPTY || errno == EEXIST
			 ? MA_ECONFIG
			 : path_errno_status(errno);
		path_rm_rf(tmp);
		goto out;
	}
	st = path_fsync_dir(spaces);
out:
	free(spaces);
	free(final);
	free(tmp);
	free(conf);
	return st;
}

enum ma_status
space_remove(const struct space *s)
{
	enum ma_status st;
	char *gone;

	/* Rename first so that the space vanishes at once, whole; then
	 * delete at leisure. A crash leaves a hidden folder, not half a
	 * space. */
	gone = path_fmt("%s/spaces/.%s.removed.%ld", s->root, s->key,
			(long)getpid());
	if (gone == NULL)
		return MA_ENOMEM;
	if (rename(s->dir, gone) != 0) {
		log_err("cannot remove space '%s': %s", s->key,
			strerror(errno));
		free(gone);
		return path_errno_status(errno);
	}
	st = path_rm_rf(gone);
	free(gone);
	/* A site_dir outside the space may be a web server's folder that
	 * holds more than ours: leave it to the administrator. */
	if (st == MA_OK && config_get(s->cfg, "", "site_dir") != NULL)
		log_notice("the site in '%s' was left in place", s->site_dir);
	return st;
}

long long
space_parse_retain(const char *s)
{
	static const struct {
		const char *unit;
		long long secs;
	} units[] = {
	    {"d", 86400},	{"day", 86400},	       {"days", 86400},
	    {"w", 7 * 86400},	{"week", 7 * 86400},   {"weeks", 7 * 86400},
	    {"m", 30 * 86400},	{"month", 30 * 86400}, {"months", 30 * 86400},
	    {"y", 365 * 86400}, {"year", 365 * 86400}, {"years", 365 * 86400},
	};
	char *end;
	long long v;

	if (s == NULL || s[0] == '\0' || strcmp(s, "forever") == 0)
		return 0;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno != 0 || v <= 0 || v > 10000)
		return -1;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0)
			return v * units[i].secs;
	return -1;
}
