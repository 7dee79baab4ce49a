#ifndef MA_ACCOUNT_H
#define MA_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "secret.h"
#include "space.h"
#include "status.h"

enum account_protocol { PROTO_POP, PROTO_POPS, PROTO_IMAP, PROTO_IMAPS };

/*
 * A mail account of a space: ROOT/spaces/SPACE/accounts/KEY.conf, mode
 * 0600. Keys are the "Add mail account" form's fields (DESIGN.md). Every
 * const char * below borrows from cfg and lives as long as it is not
 * changed; NULL means "not set".
 */
struct account {
	char *space;	    /* owned: space key */
	char *key;	    /* owned: account key */
	char *conf_path;    /* owned */
	struct config *cfg; /* owned */

	const char *name;	 /* display name, defaults to key */
	const char *description; /* "" when unset */
	enum account_protocol protocol;
	const char *host;
	int port; /* defaulted by protocol */
	const char *username;
	const char *address; /* defaults to username when that has an '@' */
	const char *password_file;
	const char *password_command;
	const char *password; /* inline; masked by "account show" */
	bool oauth2;
	const char *oauth_provider; /* google, microsoft, generic */
	const char *oauth_method;   /* refresh_token, client_credentials,
				       password */
	const char *client_id;
	const char *client_secret_file;
	const char *tenant_id;
	const char *refresh_token_file;
	const char *token_url;
	const char *scope;
	char **folders; /* owned array of owned UTF-8 strings; INBOX by
			   default; "*" alone: every folder */
	size_t nfolders;
	bool delete_on_server; /* on_server = delete */
	/*
	 * Plain text is refused unless the account says tls = none: pops and
	 * imaps are TLS from the first byte, pop and imap must upgrade with
	 * STARTTLS (tls = required, the default; "auto" is a deprecated
	 * synonym). tls_required is false only for tls = none, and then
	 * tls_plain is true and nothing is encrypted.
	 */
	bool tls_required;
	bool tls_plain;	       /* tls = none: the login goes in plain text */
	bool tls_auto_setting; /* the file says tls = auto (deprecated) */
	bool tls_verify;
	const char *ca_file;
	bool enabled;
	bool polling;	    /* automatic polling (timers / fetch --due) */
	long poll_interval; /* seconds */
	/* fetch_budget: bytes a run may download per day (0: no limit);
	 * ACCOUNT_PROVIDER_BUDGET for google and microsoft unless set. */
	unsigned long long fetch_budget;
	bool push; /* push = yes: "mailarc watch" (IMAP IDLE) is wanted */
};

#define ACCOUNT_PROVIDER_BUDGET 2000000000ULL /* 2 GB a day */

/* account_protocol_name - "pop", "pops", "imap" or "imaps". */
const char *account_protocol_name(enum account_protocol p);

/* account_default_port - 110, 995, 143 or 993. */
int account_default_port(enum account_protocol p);

/* account_uses_imap - true for imap and imaps. */
bool account_uses_imap(const struct account *a);

/*
 * account_all_folders - true for folder = * (IMAP: every folder but Junk
 * and Trash, or the \All folder alone; see imap_folder_pick()).
 */
bool account_all_folders(const struct account *a);

/* account_implicit_tls - true for pops and imaps. */
bool account_implicit_tls(const struct account *a);

/*
 * account_from_config - check cfg (every key and value; the first problem
 * is logged naming the field and what is allowed, "what" prefixing it) and
 * build an account. cfg is taken over on MA_OK and freed on error.
 */
enum ma_status account_from_config(struct config *cfg, const char *space,
				   const char *key, const char *what,
				   struct account **ap);

/*
 * account_conf_path - malloc'd ROOT/spaces/SPACE/accounts/KEY.conf.
 */
char *account_conf_path(const char *root, const char *space, const char *key);

/*
 * account_load - load and check an account of a loaded space. Missing:
 * MA_ENOTFOUND, logged "account 'SPACE/KEY' does not exist".
 */
enum ma_status account_load(const struct space *s, const char *key,
			    struct account **ap);

void account_free(struct account *a);

/*
 * account_list - the account keys of a space, sorted (see space_list()).
 */
enum ma_status account_list(const struct space *s, char ***keysp, size_t *np);

/*
 * account_secret - the login password from password_file,
 * password_command or password. MA_ECONFIG (logged) when none is set or
 * the source fails. The caller wipes it with secret_wipe().
 */
enum ma_status account_secret(const struct account *a, struct secret *s);

/*
 * account_key_check_new - may a new account take this key? MA_EUSAGE
 * (logged, saying why) for a name mailarc uses itself (space.h's
 * space_key_reserved: import, unknown, the stages); MA_OK otherwise.
 */
enum ma_status account_key_check_new(const char *key);

/*
 * account_parse_ref - split "SPACE/ACCOUNT" into its keys (malloc'd) and
 * check both; logs and returns MA_EUSAGE when malformed.
 */
enum ma_status account_parse_ref(const char *ref, char **spacep, char **keyp);

/*
 * account_field - the i-th key an account file may hold (in the order
 * files are written), or NULL past the last.
 */
const char *account_field(size_t i);

/* parse_duration - "30min", "1h", "90s", "2d" or seconds; -1 if bad. */
long parse_duration(const char *s);

/*
 * parse_budget - "2GB/day", "500MB/d", "1.5GiB/day" (KB, MB, GB, TB are
 * powers of 1000; KiB, MiB, GiB of 1024) into bytes; "off" or "none": 0.
 * Returns 0, or -1 if bad (under 1 MB a day included).
 */
int parse_budget(const char *s, unsigned long long *bytesp);

#endif
