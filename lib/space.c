#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "privacy.h"
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

struct space_key {
	const char *key;
	const char *allowed; /* "|"-separated values, or NULL for free text */
};

/* Every key space.conf may hold; settings of later stages included. */
static const struct space_key space_keys[] = {
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

static bool
value_allowed(const char *allowed, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = allowed; *p;) {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, v, n) == 0)
			return true;
		p += len;
		if (*p == '|')
			p++;
	}
	return false;
}

/* "a|b|c" as "a, b, c" for messages. */
static void
allowed_text(const char *allowed, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = allowed; *p && o + 3 < size; p++) {
		if (*p == '|') {
			out[o++] = ',';
			out[o++] = ' ';
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

struct check_ctx {
	const char *what;
	enum ma_status st;
};

static int
check_space_entry(const char *section, const char *key, const char *value,
		  void *arg)
{
	struct check_ctx *c = arg;

	if (section[0] != '\0') {
		log_err("%s: unexpected section [%s]", c->what, section);
		c->st = MA_ECONFIG;
		return 1;
	}
	for (size_t i = 0; i < sizeof space_keys / sizeof space_keys[0]; i++) {
		const struct space_key *k = &space_keys[i];
		char allowed[128];

		if (strcmp(k->key, key) != 0)
			continue;
		if (k->allowed == NULL || value_allowed(k->allowed, value))
			return 0;
		allowed_text(k->allowed, allowed, sizeof allowed);
		log_err("%s: %s '%s' is not one of %s", c->what, key, value,
			allowed);
		c->st = MA_ECONFIG;
		return 1;
	}
	log_err("%s: unknown key '%s'", c->what, key);
	c->st = MA_ECONFIG;
	return 1;
}

enum ma_status
space_check_config(const struct config *cfg, const char *what)
{
	struct check_ctx c = {what, MA_OK};
	const char *site_dir = config_get(cfg, "", "site_dir");

	config_foreach(cfg, check_space_entry, &c);
	if (c.st == MA_OK &&
	    privacy_parse_retain(config_get(cfg, "", "retain")) < 0) {
		log_err("%s: retain '%s' is not a period like 90d, 6m, 7y or "
			"forever",
			what, config_get(cfg, "", "retain"));
		c.st = MA_ECONFIG;
	}
	if (c.st == MA_OK && site_dir != NULL && site_dir[0] != '/') {
		log_err("%s: site_dir '%s' is not an absolute path", what,
			site_dir);
		c.st = MA_ECONFIG;
	}
	return c.st;
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
	s->site_dir = site_dir ? strdup(site_dir) : space_path(s, "site");
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
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
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
		return errno_status(e);
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
			size_t ncap = cap ? cap * 2 : 16;
			char **v = realloc(keys, ncap * sizeof *v);

			if (v == NULL)
				goto nomem;
			keys = v;
			cap = ncap;
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
	static const char *const maildirs[] = {"incoming", "archive",
					       "duplicates"};
	enum ma_status st;

	for (size_t i = 0; i < 3; i++) {
		char *m = path_fmt("%s/%s", dir, maildirs[i]);

		if (m == NULL)
			return MA_ENOMEM;
		st = maildir_create(m);
		free(m);
		if (st != MA_OK)
			return st;
	}
	{
		char *p = path_fmt("%s/state", dir);

		if (p == NULL)
			return MA_ENOMEM;
		st = mkdir_p(p, 0700);
		free(p);
		if (st != MA_OK)
			return st;
		if ((p = path_fmt("%s/accounts", dir)) == NULL)
			return MA_ENOMEM;
		st = mkdir_p(p, 0700);
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
	if ((st = mkdir_p(spaces, 0755)) != MA_OK)
		goto out;
	rm_rf(tmp);
	if (mkdir(tmp, 0750) != 0) {
		log_err("cannot create '%s': %s", tmp, strerror(errno));
		st = errno_status(errno);
		goto out;
	}
	if ((st = make_layout(tmp)) != MA_OK ||
	    (st = config_write_atomic(cfg, conf, 0644)) != MA_OK) {
		rm_rf(tmp);
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
			 : errno_status(errno);
		rm_rf(tmp);
		goto out;
	}
	st = fsync_dir(spaces);
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
		return errno_status(errno);
	}
	st = rm_rf(gone);
	free(gone);
	/* A site_dir outside the space may be a web server's folder that
	 * holds more than ours: leave it to the administrator. */
	if (st == MA_OK && config_get(s->cfg, "", "site_dir") != NULL)
		log_notice("the site in '%s' was left in place", s->site_dir);
	return st;
}
