/* mailarc account add|edit|remove|enable|disable|list|show|test */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "account_cmd.h"
#include "cli.h"
#include "fetch_front.h"
#include "log.h"
#include "mailarc.h"
#include "oauth.h"
#include "path.h"
#include "perm.h"
#include "state.h"

/* Changes need root, the service user, or an administrator of the space;
 * root then works as the service user, who owns the files. */
static int
may_change(const struct space *s)
{
	enum ma_status st =
	    perm_check(s->root, s->key, space_setting(s, "admins", NULL), NULL);

	if (st == MA_OK)
		st = perm_become_owner(s->root);
	/* A change of user sets the dumpable flag to fs.suid_dumpable
	 * (2 on some systems): turn it off again before a secret is read. */
	if (st == MA_OK)
		st = secret_protect_process();
	return ma_exitcode(st);
}

static char *
secret_path(const struct space *s, const char *key)
{
	return space_account_secret(s->dir, key);
}

/* Ask on the terminal for a plain (echoed) value. */
static char *
ask(const char *question, const char *def)
{
	char line[512];
	FILE *tty = fopen("/dev/tty", "r+");
	char *r = NULL;

	if (tty == NULL)
		return NULL;
	fprintf(tty, "%s%s%s%s: ", question, def ? " [" : "", def ? def : "",
		def ? "]" : "");
	fflush(tty);
	if (fgets(line, sizeof line, tty) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		r = strdup(line[0] ? line : def ? def : "");
	}
	fclose(tty);
	return r;
}

static int
field_index(const char *key)
{
	const char *k;

	for (size_t i = 0; (k = account_field(i)) != NULL; i++)
		if (strcmp(k, key) == 0)
			return (int)i;
	return -1;
}

/* Apply options to cfg: a value "" removes the key. */
static int
apply_account_opts(struct config *cfg, const struct account_opts *o)
{
	const char *k;

	for (size_t i = 0; (k = account_field(i)) != NULL; i++) {
		const char *v = o->values[i];

		if (v == NULL)
			continue;
		if (config_set(cfg, "", k, v[0] ? v : NULL) != MA_OK)
			return EX_DATAERR;
	}
	return EX_OK;
}

/*
 * Interactive "Add mail account": ask for what the command line left out,
 * when stdin is a terminal. asked[] keeps the strings alive.
 */
static int
ask_missing(struct account_opts *o, char **asked, size_t nasked,
	    struct secret *pw, bool *have_pw)
{
	static const struct {
		const char *key, *question;
	} qs[] = {
	    {"protocol", "Protocol (pop, pops, imap, imaps)"},
	    {"host", "Server host name"},
	    {"port", "Port (empty: the protocol's default)"},
	    {"username", "User name"},
	};
	size_t a = 0;

	if (!isatty(STDIN_FILENO))
		return EX_OK;
	for (size_t i = 0; i < sizeof qs / sizeof qs[0] && a < nasked; i++) {
		int idx = field_index(qs[i].key);

		if (idx < 0 || o->values[idx] != NULL)
			continue;
		if ((asked[a] = ask(qs[i].question, NULL)) == NULL)
			return EX_USAGE;
		o->values[idx] = asked[a++];
	}
	{
		int f = field_index("password_file");
		int cmd = field_index("password_command");
		int auth = field_index("auth");

		if (o->values[f] == NULL && o->values[cmd] == NULL &&
		    !o->password_stdin &&
		    (o->values[auth] == NULL ||
		     strcmp(o->values[auth], "oauth2") != 0)) {
			if (secret_prompt("Password: ", pw) != MA_OK)
				return EX_USAGE;
			*have_pw = true;
		}
	}
	return EX_OK;
}

/* Say so when an account's login can be read on the way to the server. */
static void
warn_tls(const struct account *a, const char *what)
{
	if (a->tls_plain)
		log_warn("%s: tls = none: the password will be sent to %s in "
			 "plain text, readable by anyone on the way",
			 what, a->host);
	else if (a->tls_auto_setting)
		log_warn("%s: tls = auto is deprecated and now means required "
			 "(STARTTLS or nothing); write tls = required",
			 what);
}

/*
 * Whether account key may be added to s: the user may change the space,
 * the key is free and not reserved, the space holds accounts and no
 * ACCOUNT.conf exists. *confp and *secp get the account's files.
 */
static int
add_allowed(const struct space *s, const char *key, const char *what,
	    char **confp, char **secp)
{
	int ret;

	if ((ret = may_change(s)) != EX_OK ||
	    (ret = ma_exitcode(account_key_check_new(key))) != EX_OK)
		return ret;
	if (s->personal) {
		log_err("cannot add %s: space '%s' is personal, and only site "
			"spaces hold mail accounts",
			what, s->key);
		return EX_CONFIG;
	}
	*confp = account_conf_path(s->root, s->key, key);
	*secp = secret_path(s, key);
	if (*confp == NULL || *secp == NULL)
		return EX_OSERR;
	if (path_exists(*confp)) {
		log_err("%s exists already (change it with 'mailarc account "
			"edit %s/%s')",
			what, s->key, key);
		return EX_CANTCREAT;
	}
	return EX_OK;
}

/*
 * The new account from the options, checked (OAuth settings included);
 * a password typed in or piped in (have_pw) is kept in its own 0600 file
 * sec, named by password_file.
 */
static int
add_account_config(const struct account_opts *o, const struct space *s,
		   const char *key, const char *what, bool have_pw,
		   const char *sec, struct account **ap)
{
	struct config *cfg;
	enum ma_status st;
	int ret;

	if ((cfg = config_new()) == NULL)
		return EX_OSERR;
	if ((ret = apply_account_opts(cfg, o)) != EX_OK) {
		config_free(cfg);
		return ret;
	}
	if (have_pw && (config_get(cfg, "", "password_file") != NULL ||
			config_get(cfg, "", "password_command") != NULL)) {
		log_err("%s: give only one of --password-file, "
			"--password-command and --password-stdin",
			what);
		config_free(cfg);
		return EX_USAGE;
	}
	if (have_pw && config_set(cfg, "", "password_file", sec) != MA_OK) {
		config_free(cfg);
		return EX_SOFTWARE;
	}
	if ((st = account_from_config(cfg, s->key, key, what, ap)) != MA_OK ||
	    (st = oauth_check_account(s, *ap)) != MA_OK)
		return ma_exitcode(st);
	return EX_OK;
}

/* Test Connection before saving; on failure say how to save anyway. */
static int
add_test(struct ctx *c, const struct account *a, const struct secret *pw,
	 const char *what)
{
	int ret = account_check_run(c, a, pw);

	if (ret == EX_OK)
		return EX_OK;
	/* The token error says "run mailarc-oauth-token authorize", which
	 * needs a saved account: say in which order. */
	if (a->oauth2 && ret == EX_NOPERM)
		log_err("%s was not saved: save it with --no-test, then run "
			"'mailarc-oauth-token authorize %s/%s'",
			what, a->space, a->key);
	else
		log_err("%s was not saved (fix it, or save it untested with "
			"--no-test)",
			what);
	return ret;
}

/* Write the password file (when it is ours) and then ACCOUNT.conf. */
static int
add_save(const struct account *a, const char *conf, const char *sec,
	 const struct secret *pw, bool have_pw)
{
	bool own = have_pw && a->password_file != NULL &&
		   strcmp(a->password_file, sec) == 0;
	enum ma_status st;

	if (own && (st = path_write_file_atomic(sec, pw->data, pw->len,
						0600)) != MA_OK)
		return ma_exitcode(st);
	if ((st = config_write_atomic(a->cfg, conf, 0600)) != MA_OK) {
		if (own)
			unlink(sec);
		return ma_exitcode(st);
	}
	return EX_OK;
}

/*
 * What account add and edit work on: the options, the account's space and
 * key and its name in messages, the password typed or piped in, the paths
 * of its ACCOUNT.conf and password file, and the account to be saved.
 */
struct change {
	struct account_opts o;
	struct space *s;
	char *key, *conf, *sec;
	char what[160];
	struct secret pw;
	struct account *a;
};

/*
 * How add and edit start: *ch zeroed, then the options and the operand
 * (account_cmd_begin(), with no core dump from here on: a password may be
 * read). A sysexits code, EX__HELP after --help; change_end() frees *ch
 * either way.
 */
static int
change_begin(struct ctx *c, int argc, char **argv, struct change *ch)
{
	int ret, n;

	memset(ch, 0, sizeof *ch);
	ret = account_cmd_begin(c, argc, argv, &ch->o, true, &ch->s, &ch->key);
	if (ret != EX_OK)
		return ret;
	n = snprintf(ch->what, sizeof ch->what, "account '%s/%s'", ch->s->key,
		     ch->key);
	if (n < 0 || (size_t)n >= sizeof ch->what)
		return EX_SOFTWARE; /* keys are at most KEY_MAX */
	return EX_OK;
}

static void
change_end(struct change *ch)
{
	secret_wipe(&ch->pw);
	account_free(ch->a);
	space_free(ch->s);
	free(ch->key);
	free(ch->conf);
	free(ch->sec);
}

static int
account_add(struct ctx *c, int argc, char **argv)
{
	struct change ch;
	bool have_pw = false;
	char *asked[8] = {0};
	enum ma_status st;
	int ret;

	if ((ret = change_begin(c, argc, argv, &ch)) != EX_OK)
		goto out;
	ret = add_allowed(ch.s, ch.key, ch.what, &ch.conf, &ch.sec);
	if (ret != EX_OK)
		goto out;
	if (ch.o.password_stdin) {
		if ((st = secret_read_fd(STDIN_FILENO, &ch.pw)) != MA_OK) {
			ret = ma_exitcode(st);
			goto out;
		}
		have_pw = true;
	} else if ((ret = ask_missing(&ch.o, asked, 8, &ch.pw, &have_pw)) !=
		   EX_OK) {
		goto out;
	}
	ret = add_account_config(&ch.o, ch.s, ch.key, ch.what, have_pw, ch.sec,
				 &ch.a);
	if (ret != EX_OK)
		goto out;
	warn_tls(ch.a, ch.what);
	/* The password source must work now, not at 3 a.m. under a timer. */
	if (!have_pw && !ch.a->oauth2) {
		if ((st = account_secret(ch.a, &ch.pw)) != MA_OK) {
			ret = ma_exitcode(st);
			goto out;
		}
		have_pw = true;
	}
	if (!ch.o.no_test && (ret = add_test(c, ch.a, have_pw ? &ch.pw : NULL,
					     ch.what)) != EX_OK)
		goto out;
	if ((ret = add_save(ch.a, ch.conf, ch.sec, &ch.pw, have_pw)) == EX_OK)
		log_notice("%s added", ch.what);
out:
	change_end(&ch);
	for (size_t i = 0; i < 8; i++)
		free(asked[i]);
	return ret == EX__HELP ? EX_OK : ret;
}

/* Keys whose change calls for a new connection test. */
static bool
connection_changed(const struct account_opts *o, bool new_pw)
{
	static const char *const keys[] = {
	    "protocol",
	    "host",
	    "port",
	    "username",
	    "password_file",
	    "password_command",
	    "auth",
	    "oauth_provider",
	    "oauth_method",
	    "client_id",
	    "client_secret_file",
	    "tenant_id",
	    "refresh_token_file",
	    "token_url",
	    "scope",
	    "folder",
	    "tls",
	    "ca_file",
	    "tls_verify",
	    "proxy",
	};

	if (new_pw)
		return true;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (o->values[field_index(keys[i])] != NULL)
			return true;
	return false;
}

/*
 * The password sources after an edit: a password piped in replaces every
 * other (kept in sec); a new --password-file or --password-command
 * clears the others before the options apply.
 */
static void
edit_password_source(struct config *cfg, const struct account_opts *o,
		     bool piped, const char *sec)
{
	if (piped) {
		config_set(cfg, "", "password_command", NULL);
		config_set(cfg, "", "password", NULL);
		config_set(cfg, "", "password_file", sec);
	} else if (o->values[field_index("password_file")] != NULL ||
		   o->values[field_index("password_command")] != NULL) {
		config_set(cfg, "", "password_file", NULL);
		config_set(cfg, "", "password_command", NULL);
		config_set(cfg, "", "password", NULL);
	}
}

/*
 * Save an edited account: the new password to sec.new, ACCOUNT.conf,
 * then sec.new over sec; a password file of ours no longer named is
 * removed.
 */
static int
edit_save(const struct account *a, const char *conf, const char *sec,
	  const char *sec_new, const struct secret *pw)
{
	enum ma_status st;

	if (pw->data != NULL &&
	    (st = path_write_file_atomic(sec_new, pw->data, pw->len, 0600)) !=
		MA_OK)
		return ma_exitcode(st);
	if ((st = config_write_atomic(a->cfg, conf, 0600)) != MA_OK) {
		if (pw->data != NULL)
			unlink(sec_new);
		return ma_exitcode(st);
	}
	if (pw->data != NULL && rename(sec_new, sec) != 0) {
		log_err("cannot rename '%s' to '%s'", sec_new, sec);
		return EX_IOERR;
	}
	if (pw->data == NULL &&
	    (a->password_file == NULL || strcmp(a->password_file, sec) != 0))
		unlink(sec); /* no longer used: do not leave a password */
	return EX_OK;
}

static int
account_edit(struct ctx *c, int argc, char **argv)
{
	struct change ch;
	char *sec_new = NULL;
	struct config *cfg;
	enum ma_status st;
	int ret;

	if ((ret = change_begin(c, argc, argv, &ch)) != EX_OK ||
	    (ret = may_change(ch.s)) != EX_OK)
		goto out;
	ch.conf = account_conf_path(ch.s->root, ch.s->key, ch.key);
	ch.sec = secret_path(ch.s, ch.key);
	sec_new = path_fmt("%s.new", ch.sec ? ch.sec : "");
	if (ch.conf == NULL || ch.sec == NULL || sec_new == NULL) {
		ret = EX_OSERR;
		goto out;
	}
	st = config_load(ch.conf, &cfg);
	if (st == MA_ENOTFOUND)
		log_err("%s does not exist", ch.what);
	if (st != MA_OK) {
		ret = ma_exitcode(st);
		goto out;
	}
	if (ch.o.password_stdin &&
	    (st = secret_read_fd(STDIN_FILENO, &ch.pw)) != MA_OK) {
		config_free(cfg);
		ret = ma_exitcode(st);
		goto out;
	}
	edit_password_source(cfg, &ch.o, ch.o.password_stdin, ch.sec);
	if ((ret = apply_account_opts(cfg, &ch.o)) != EX_OK) {
		config_free(cfg);
		goto out;
	}
	if ((st = account_from_config(cfg, ch.s->key, ch.key, ch.what,
				      &ch.a)) != MA_OK ||
	    (st = oauth_check_account(ch.s, ch.a)) != MA_OK) {
		ret = ma_exitcode(st);
		goto out;
	}
	warn_tls(ch.a, ch.what);
	if (!ch.o.no_test && connection_changed(&ch.o, ch.pw.data != NULL) &&
	    (ret = account_check_run(c, ch.a, ch.pw.data ? &ch.pw : NULL)) !=
		EX_OK) {
		log_err("%s was not changed (fix it, or save it untested with "
			"--no-test)",
			ch.what);
		goto out;
	}
	if ((ret = edit_save(ch.a, ch.conf, ch.sec, sec_new, &ch.pw)) == EX_OK)
		log_notice("%s changed", ch.what);
out:
	change_end(&ch);
	free(sec_new);
	return ret == EX__HELP ? EX_OK : ret;
}

static int
account_set_enabled(struct ctx *c, int argc, char **argv, bool on)
{
	struct account_opts o = {0};
	struct space *s = NULL;
	struct account *a = NULL;
	enum ma_status st;
	char *key = NULL;
	int ret;

	ret = account_cmd_begin(c, argc, argv, &o, false, &s, &key);
	if (ret != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if ((ret = may_change(s)) != EX_OK) {
		space_free(s);
		free(key);
		return ret;
	}
	st = account_load(s, key, &a);
	if (st == MA_OK && (st = config_set(a->cfg, "", "enabled",
					    on ? "yes" : "no")) == MA_OK)
		st = config_write_atomic(a->cfg, a->conf_path, 0600);
	ret = ma_exitcode(st);
	if (st == MA_OK)
		log_notice("account '%s/%s' %s", s->key, key,
			   on ? "enabled" : "disabled");
	account_cmd_end(s, key, a);
	return ret;
}

static int
account_enable(struct ctx *c, int argc, char **argv)
{
	return account_set_enabled(c, argc, argv, true);
}

static int
account_disable(struct ctx *c, int argc, char **argv)
{
	return account_set_enabled(c, argc, argv, false);
}

static int
account_remove(struct ctx *c, int argc, char **argv)
{
	struct account_opts o = {0};
	struct space *s = NULL;
	char *key = NULL, *conf = NULL, *sec = NULL, *state = NULL;
	int ret;

	ret = account_cmd_begin(c, argc, argv, &o, false, &s, &key);
	if (ret != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	conf = account_conf_path(s->root, s->key, key);
	sec = secret_path(s, key);
	state = state_path(s, key);
	if ((ret = may_change(s)) != EX_OK) {
		/* refused, logged */
	} else if (conf == NULL || sec == NULL || state == NULL) {
		ret = EX_OSERR;
	} else if (!path_exists(conf)) {
		log_err("account '%s/%s' does not exist", s->key, key);
		ret = EX_NOINPUT;
	} else if (unlink(conf) != 0) {
		log_err("cannot remove '%s'", conf);
		ret = EX_IOERR;
	} else {
		/* The configuration went first: without it nothing polls,
		 * so a crash here leaves only harmless leftovers. */
		char *journal = state_journal_path(state);

		unlink(sec);
		unlink(state);
		if (journal != NULL)
			unlink(journal);
		free(journal);
		path_fsync_parent(conf);
		log_notice("account '%s/%s' removed; the mail it archived "
			   "stays in space '%s'",
			   s->key, key, s->key);
		ret = EX_OK;
	}
	space_free(s);
	free(key);
	free(conf);
	free(sec);
	free(state);
	return ret;
}

int
cmd_account(struct ctx *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct ctx *, int, char **);
	} subs[] = {
	    {"add", account_add},
	    {"edit", account_edit},
	    {"remove", account_remove},
	    {"enable", account_enable},
	    {"disable", account_disable},
	    {"list", account_cmd_list},
	    {"show", account_cmd_show},
	    {"test", account_cmd_test},
	    {"folders", account_cmd_folders},
	};

	if (argc < 2) {
		fputs(account_cmd_usage, stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(account_cmd_usage, stdout);
		return EX_OK;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(c, argc - 1, argv + 1);
	log_err("unknown account command '%s' (add, edit, remove, enable, "
		"disable, list, show, test, folders)",
		argv[1]);
	return EX_USAGE;
}
