#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "account.h"
#include "utf7.h"
#include "log.h"
#include "path.h"
#include "space.h"

const char *
account_protocol_name(enum account_protocol p)
{
	static const char *const names[] = {"pop", "pops", "imap", "imaps"};

	return names[p];
}

int
account_default_port(enum account_protocol p)
{
	static const int ports[] = {110, 995, 143, 993};

	return ports[p];
}

bool
account_uses_imap(const struct account *a)
{
	return a->protocol == PROTO_IMAP || a->protocol == PROTO_IMAPS;
}

bool
account_all_folders(const struct account *a)
{
	return a->nfolders == 1 && strcmp(a->folders[0], "*") == 0;
}

bool
account_implicit_tls(const struct account *a)
{
	return a->protocol == PROTO_POPS || a->protocol == PROTO_IMAPS;
}

long
parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		long secs;
	} units[] = {
	    {"", 1},	    {"s", 1},	  {"sec", 1},
	    {"m", 60},	    {"min", 60},  {"h", 3600},
	    {"hour", 3600}, {"d", 86400}, {"day", 86400},
	};
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno != 0 || v <= 0)
		return -1;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0)
			return v > LONG_MAX / units[i].secs ? -1
							    : v * units[i].secs;
	return -1;
}

/* Every key an account file may hold, in the order files are written. */
static const struct config_field fields[] = {
    {"name", NULL},
    {"description", NULL},
    {"protocol", "pop|pops|imap|imaps"},
    {"host", NULL},
    {"port", NULL},
    {"username", NULL},
    {"address", NULL},
    {"password_file", NULL},
    {"password_command", NULL},
    {"password", NULL},
    {"auth", "basic|oauth2"},
    {"oauth_provider", "google|microsoft|generic"},
    {"oauth_method", "refresh_token|client_credentials|password"},
    {"client_id", NULL},
    {"client_secret_file", NULL},
    {"tenant_id", NULL},
    {"refresh_token_file", NULL},
    {"token_url", NULL},
    {"scope", NULL},
    {"folder", NULL},
    {"on_server", "keep|delete"},
    {"tls", "required|none|auto"},
    {"ca_file", NULL},
    {"tls_verify", "yes|no"},
    {"proxy", NULL},
    {"enabled", "yes|no"},
    {"polling", "on|off"},
    {"poll_interval", NULL},
    {"fetch_budget", NULL},
    {"push", "yes|no"},
};

const char *
account_field(size_t i)
{
	return i < sizeof fields / sizeof fields[0] ? fields[i].key : NULL;
}

static const struct config_schema schema = {
    fields, sizeof fields / sizeof fields[0], true};

static const char *
get(const struct config *cfg, const char *key)
{
	const char *v = config_get(cfg, "", key);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static enum ma_status
split_folders(struct account *a, const char *list)
{
	/* Folders are separated by commas; blanks around them are dropped. */
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		const char *s = p, *e = p + len;
		char **v;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s) {
			v = realloc(a->folders, (a->nfolders + 1) * sizeof *v);
			if (v == NULL)
				return MA_ENOMEM;
			a->folders = v;
			if ((v[a->nfolders] = strndup(s, (size_t)(e - s))) ==
			    NULL)
				return MA_ENOMEM;
			a->nfolders++;
		}
		p += len + (p[len] == ',');
	}
	return MA_OK;
}

static enum ma_status
bad(const char *what, const char *msg)
{
	log_err("%s: %s", what, msg);
	return MA_ECONFIG;
}

static bool
host_ok(const char *h)
{
	/* Names, IPv4 and IPv6 literals; no blanks, slashes or URLs. */
	for (const char *p = h; *p; p++)
		if (*p <= ' ' || *p == '/' || *p == '@' || *p == '?' ||
		    *p == '#' || *p == 0x7f)
			return false;
	return true;
}

/* proxy: NULL when v is none, env or a proxy URL with a host, else why. */
static const char *
proxy_check(const char *v)
{
	static const char *const schemes[] = {
	    "socks4://",  "socks4a://", "socks5://",
	    "socks5h://", "http://",	"https://",
	};
	const char *host;

	if (strcmp(v, "none") == 0 || strcmp(v, "env") == 0)
		return NULL;
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		if (strncmp(v, schemes[i], strlen(schemes[i])) != 0)
			continue;
		host = v + strlen(schemes[i]);
		if (strchr(host, '@') != NULL)
			host = strchr(host, '@') + 1;
		if (*host == '\0' || *host == ':' || *host == '/')
			return "has no host";
		for (const char *q = v; *q; q++)
			if (*q <= ' ' || *q == 0x7f)
				return "holds a blank or control character";
		return NULL;
	}
	return "is not none, env or a socks4://, socks4a://, socks5://, "
	       "socks5h://, http:// or https:// URL";
}

/* The server and the login: protocol, host, port, username, names. */
static enum ma_status
check_server(struct account *a, const char *what)
{
	const struct config *cfg = a->cfg;
	const char *v;

	if ((v = get(cfg, "protocol")) == NULL)
		return bad(what, "protocol is missing (one of pop, pops, "
				 "imap, imaps)");
	a->protocol = strcmp(v, "pop") == 0    ? PROTO_POP
		      : strcmp(v, "pops") == 0 ? PROTO_POPS
		      : strcmp(v, "imap") == 0 ? PROTO_IMAP
					       : PROTO_IMAPS;
	if ((a->host = get(cfg, "host")) == NULL)
		return bad(what, "host is empty (a server name or address)");
	if (!host_ok(a->host)) {
		log_err("%s: host '%s' is not a host name or address", what,
			a->host);
		return MA_ECONFIG;
	}
	a->port = account_default_port(a->protocol);
	if ((v = get(cfg, "port")) != NULL) {
		char *end;
		long p;

		errno = 0;
		p = strtol(v, &end, 10);
		if (*end != '\0' || errno != 0 || p < 1 || p > 65535) {
			log_err("%s: port '%s' is not a number from 1 to 65535",
				what, v);
			return MA_ECONFIG;
		}
		a->port = (int)p;
	}
	if ((a->username = get(cfg, "username")) == NULL)
		return bad(what, "username is empty (the mailbox's login)");
	a->name = get(cfg, "name") ? get(cfg, "name") : a->key;
	a->description = get(cfg, "description") ? get(cfg, "description") : "";
	a->address = get(cfg, "address");
	if (a->address == NULL && strchr(a->username, '@') != NULL)
		a->address = a->username;
	return MA_OK;
}

/* Where the password or the OAuth token comes from. */
static enum ma_status
check_secret(struct account *a, const char *what)
{
	const struct config *cfg = a->cfg;
	const char *v;
	int n_secret;

	a->password_file = get(cfg, "password_file");
	a->password_command = get(cfg, "password_command");
	a->password = get(cfg, "password");
	n_secret = !!a->password_file + !!a->password_command + !!a->password;
	if (n_secret > 1)
		return bad(what, "give only one of password_file, "
				 "password_command and password");
	if (a->password_file != NULL && a->password_file[0] != '/')
		return bad(what, "password_file must be an absolute path");

	v = get(cfg, "auth");
	a->oauth2 = v != NULL && strcmp(v, "oauth2") == 0;
	a->oauth_provider = get(cfg, "oauth_provider");
	a->oauth_method = get(cfg, "oauth_method");
	a->client_id = get(cfg, "client_id");
	a->client_secret_file = get(cfg, "client_secret_file");
	a->tenant_id = get(cfg, "tenant_id");
	a->refresh_token_file = get(cfg, "refresh_token_file");
	a->token_url = get(cfg, "token_url");
	a->scope = get(cfg, "scope");
	if (!a->oauth2 && n_secret == 0)
		return bad(what, "no password: give password_file, "
				 "password_command or password");
	if (a->oauth2) {
		if (a->oauth_provider == NULL)
			return bad(what, "auth oauth2 needs oauth_provider "
					 "(one of google, microsoft, "
					 "generic)");
		if (a->client_id == NULL &&
		    strcmp(a->oauth_provider, "generic") != 0)
			return bad(what, "auth oauth2 needs client_id");
		if (strcmp(a->oauth_provider, "generic") == 0 &&
		    a->token_url == NULL)
			return bad(what, "oauth_provider generic needs "
					 "token_url");
		if (a->oauth_method != NULL &&
		    strcmp(a->oauth_method, "refresh_token") != 0 &&
		    strcmp(a->oauth_provider, "google") == 0)
			return bad(what, "oauth_provider google takes only "
					 "oauth_method refresh_token");
	}
	return MA_OK;
}

/* The folders fetched: UTF-8 names, "*" alone, only INBOX for POP3. */
static enum ma_status
check_folders(struct account *a, const char *what)
{
	const struct config *cfg = a->cfg;
	const char *v;

	if ((v = get(cfg, "folder")) == NULL)
		v = "INBOX";
	if (split_folders(a, v) != MA_OK)
		return MA_ENOMEM;
	if (a->nfolders == 0)
		return bad(what, "folder is empty (default INBOX)");
	for (size_t i = 0; i < a->nfolders; i++) {
		/* Names are UTF-8; imap.c encodes them for the server. */
		if (utf7_utf8_check(a->folders[i]) != MA_OK)
			return bad(what, "folder: a name is not valid UTF-8");
		if (strcmp(a->folders[i], "*") == 0 && a->nfolders > 1)
			return bad(what, "folder: * (every folder) stands "
					 "alone");
	}
	if (!account_uses_imap(a) &&
	    (a->nfolders > 1 || strcmp(a->folders[0], "INBOX") != 0))
		return bad(what, "folder: POP3 has only INBOX (folders are "
				 "for imap and imaps)");
	return MA_OK;
}

/* What stays on the server, and TLS. */
static enum ma_status
check_tls(struct account *a, const char *what)
{
	const struct config *cfg = a->cfg;
	const char *v;

	v = get(cfg, "on_server");
	a->delete_on_server = v != NULL && strcmp(v, "delete") == 0;
	/*
	 * Secrets never go in plain text unless asked for by name: "auto"
	 * (STARTTLS when offered, else plain text) let a man in the middle
	 * strip STARTTLS and read the password, so it now means required.
	 */
	v = get(cfg, "tls");
	a->tls_plain = v != NULL && strcmp(v, "none") == 0;
	a->tls_auto_setting = v != NULL && strcmp(v, "auto") == 0;
	a->tls_required = !a->tls_plain;
	if (a->tls_plain && account_implicit_tls(a))
		return bad(what, "tls = none is only for pop and imap (pops "
				 "and imaps are always TLS)");
	if (a->tls_plain && a->oauth2)
		return bad(what, "tls = none cannot be used with auth oauth2 "
				 "(a token is only ever sent over TLS)");
	v = get(cfg, "tls_verify");
	a->tls_verify = v == NULL || parse_bool(v) != 0;
	a->ca_file = get(cfg, "ca_file");
	a->proxy = get(cfg, "proxy");
	if (a->proxy != NULL && (v = proxy_check(a->proxy)) != NULL) {
		log_err("%s: proxy %s", what, v);
		return MA_ECONFIG;
	}
	return MA_OK;
}

/* Enabled, polling, push, poll_interval and the daily fetch budget. */
static enum ma_status
check_schedule(struct account *a, const char *what)
{
	const struct config *cfg = a->cfg;
	const char *v;

	v = get(cfg, "enabled");
	a->enabled = v == NULL || parse_bool(v) != 0;
	v = get(cfg, "polling");
	a->polling = v == NULL || parse_bool(v) != 0;
	/* push = yes: "mailarc watch" may keep an IDLE connection. */
	v = get(cfg, "push");
	a->push = v != NULL && parse_bool(v) == 1;
	a->poll_interval = 30 * 60;
	if ((v = get(cfg, "poll_interval")) != NULL) {
		a->poll_interval = parse_duration(v);
		if (a->poll_interval < 60) {
			log_err("%s: poll_interval '%s' is not a duration of a "
				"minute or more (like 30min, 2h)",
				what, v);
			return MA_ECONFIG;
		}
	}
	/*
	 * Gmail suspends IMAP for a day past about 2500 MB downloaded a day;
	 * Microsoft 365 throttles heavy use without a published figure. 2 GB
	 * a day stays clear of both; other servers have no budget unless the
	 * account sets one.
	 */
	a->fetch_budget = 0;
	if (a->oauth_provider != NULL &&
	    (strcmp(a->oauth_provider, "google") == 0 ||
	     strcmp(a->oauth_provider, "microsoft") == 0))
		a->fetch_budget = ACCOUNT_PROVIDER_BUDGET;
	if ((v = get(cfg, "fetch_budget")) != NULL &&
	    parse_budget(v, &a->fetch_budget) != 0) {
		log_err("%s: fetch_budget '%s' is not a size a day (like "
			"2GB/day, 500MB/day) or off",
			what, v);
		return MA_ECONFIG;
	}
	return MA_OK;
}

static enum ma_status
account_check(struct account *a, const char *what)
{
	enum ma_status st;

	if ((st = config_check_schema(a->cfg, &schema, what)) != MA_OK ||
	    (st = check_server(a, what)) != MA_OK ||
	    (st = check_secret(a, what)) != MA_OK ||
	    (st = check_folders(a, what)) != MA_OK ||
	    (st = check_tls(a, what)) != MA_OK)
		return st;
	return check_schedule(a, what);
}

int
parse_budget(const char *s, unsigned long long *bytesp)
{
	static const struct {
		const char *name;
		double mult;
	} units[] = {
	    {"B", 1},		{"KB", 1e3},	       {"MB", 1e6},
	    {"GB", 1e9},	{"TB", 1e12},	       {"KiB", 1024.0},
	    {"MiB", 1048576.0}, {"GiB", 1073741824.0},
	};
	char *end;
	double v;
	size_t n;

	if (strcmp(s, "off") == 0 || strcmp(s, "none") == 0) {
		*bytesp = 0;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !(v > 0) || v > 1e6)
		return -1;
	n = strcspn(end, "/");
	if (strcmp(end + n, "/day") != 0 && strcmp(end + n, "/d") != 0)
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strlen(units[i].name) != n ||
		    strncasecmp(end, units[i].name, n) != 0)
			continue;
		if (v * units[i].mult < 1e6 || v * units[i].mult > 1e15)
			return -1; /* under a megabyte a day is a typo */
		*bytesp = (unsigned long long)(v * units[i].mult);
		return 0;
	}
	return -1;
}

void
account_free(struct account *a)
{
	if (a == NULL)
		return;
	array_free_strs(a->folders, a->nfolders);
	free(a->space);
	free(a->key);
	free(a->conf_path);
	config_free(a->cfg);
	free(a);
}

enum ma_status
account_from_config(struct config *cfg, const char *space, const char *key,
		    const char *what, struct account **ap)
{
	struct account *a;
	enum ma_status st;

	if ((a = calloc(1, sizeof *a)) == NULL) {
		config_free(cfg);
		return MA_ENOMEM;
	}
	a->cfg = cfg;
	a->space = strdup(space);
	a->key = strdup(key);
	if (a->space == NULL || a->key == NULL) {
		account_free(a);
		return MA_ENOMEM;
	}
	if ((st = account_check(a, what)) != MA_OK) {
		account_free(a);
		return st;
	}
	*ap = a;
	return MA_OK;
}

char *
account_conf_path(const char *root, const char *space, const char *key)
{
	return path_fmt("%s/spaces/%s/accounts/%s.conf", root, space, key);
}

enum ma_status
account_load(const struct space *s, const char *key, struct account **ap)
{
	struct config *cfg;
	enum ma_status st;
	char *path;

	if (!key_valid(key)) {
		log_err("account '%s/%s' does not exist (account keys are "
			"[a-z0-9][a-z0-9_-]*)",
			s->key, key);
		return MA_ENOTFOUND;
	}
	if ((path = account_conf_path(s->root, s->key, key)) == NULL)
		return MA_ENOMEM;
	st = config_load(path, &cfg);
	if (st == MA_ENOTFOUND)
		log_err("account '%s/%s' does not exist (see 'mailarc "
			"account list %s')",
			s->key, key, s->key);
	if (st == MA_OK)
		st = account_from_config(cfg, s->key, key, path, ap);
	if (st == MA_OK)
		(*ap)->conf_path = path;
	else
		free(path);
	return st;
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum ma_status
account_list(const struct space *s, char ***keysp, size_t *np)
{
	char **keys = NULL;
	size_t n = 0;
	struct dirent **ents;
	char *dir;
	int m;

	if ((dir = space_part_path(s->dir, SPACE_ACCOUNTS)) == NULL)
		return MA_ENOMEM;
	m = scandir(dir, &ents, NULL, NULL);
	free(dir);
	if (m < 0) {
		*keysp = NULL;
		*np = 0;
		return MA_OK;
	}
	if ((keys = calloc((size_t)m + 1, sizeof *keys)) == NULL) {
		for (int i = 0; i < m; i++)
			free(ents[i]);
		free(ents);
		return MA_ENOMEM;
	}
	for (int i = 0; i < m; i++) {
		size_t len = strlen(ents[i]->d_name);
		char *k;

		if (len > 5 &&
		    strcmp(ents[i]->d_name + len - 5, ".conf") == 0 &&
		    (k = strndup(ents[i]->d_name, len - 5)) != NULL) {
			if (key_valid(k))
				keys[n++] = k;
			else
				free(k);
		}
		free(ents[i]);
	}
	free(ents);
	qsort(keys, n, sizeof *keys, cmp_keys);
	*keysp = keys;
	*np = n;
	return MA_OK;
}

enum ma_status
account_secret(const struct account *a, struct secret *s)
{
	if (a->password_file != NULL)
		return secret_read_file(a->password_file, "password file", s);
	if (a->password_command != NULL)
		return secret_read_command(a->password_command, s);
	if (a->password != NULL)
		return secret_dup(a->password, s);
	log_err("account '%s/%s' has no password (password_file, "
		"password_command or password)",
		a->space, a->key);
	return MA_ECONFIG;
}

enum ma_status
account_key_check_new(const char *key)
{
	if (!space_key_reserved(key))
		return MA_OK;
	log_err("'%s' cannot be an account name: mailarc uses it itself (%s)",
		key,
		strcmp(key, SPACE_SOURCE_IMPORT) == 0
		    ? "'mailarc import' delivers to incoming/.import"
		: strcmp(key, SPACE_SOURCE_UNKNOWN) == 0
		    ? "dedupe names mail of no known source so"
		    : "it is a stage, and would share its lock file");
	return MA_EUSAGE;
}

enum ma_status
account_parse_ref(const char *ref, char **spacep, char **keyp)
{
	const char *slash = strchr(ref, '/');
	char *sp, *k;

	if (slash == NULL) {
		log_err("'%s' is not SPACE/ACCOUNT", ref);
		return MA_EUSAGE;
	}
	if ((sp = strndup(ref, (size_t)(slash - ref))) == NULL)
		return MA_ENOMEM;
	if ((k = strdup(slash + 1)) == NULL) {
		free(sp);
		return MA_ENOMEM;
	}
	if (!key_valid(sp) || !key_valid(k)) {
		log_err("'%s' is not SPACE/ACCOUNT (keys are "
			"[a-z0-9][a-z0-9_-]*, at most 64 characters)",
			ref);
		free(sp);
		free(k);
		return MA_EUSAGE;
	}
	*spacep = sp;
	*keyp = k;
	return MA_OK;
}
