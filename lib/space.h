#ifndef MA_SPACE_H
#define MA_SPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "status.h"

/*
 * Spaces: ROOT/spaces/KEY/ with its space.conf, and the root they live
 * under. This module owns space keys (shared with accounts), finding the
 * root, loading and checking space.conf, and creating, listing and
 * removing a space with its folders (incoming/, archive/, duplicates/,
 * state/, site/); docs/format.md shows the whole layout. Accounts are
 * account.h's, each stage's files under state/ are that stage's.
 */

/* Keys of spaces and accounts: [a-z0-9][a-z0-9_-]*, at most KEY_MAX. */
#define KEY_MAX 64

/* key_valid - true for a well-formed space or account key. */
bool key_valid(const char *key);

/*
 * root_resolve - the root folder: opt (--root) if given, else
 * $MAILARC_ROOT, else /var/lib/mailarc for root, else
 * $XDG_DATA_HOME/mailarc (~/.local/share/mailarc). *rootp is malloc'd.
 */
enum ma_status root_resolve(const char *opt, char **rootp);

struct space {
	char *root;		 /* owned */
	char *key;		 /* owned */
	char *dir;		 /* ROOT/spaces/KEY, owned */
	char *conf_path;	 /* dir/space.conf, owned */
	struct config *cfg;	 /* owned; the fields below borrow from it */
	const char *name;	 /* defaults to key */
	const char *description; /* "" when unset */
	bool personal;
	char *site_dir; /* owned: site_dir, or dir/site */
};

/*
 * space_load - read ROOT/spaces/KEY/space.conf and check it. A bad key or
 * a missing space gives MA_ENOTFOUND ("space 'KEY' does not exist");
 * a bad file, MA_ECONFIG (file and line named). Logged. On MA_OK the
 * caller frees *sp with space_free().
 */
enum ma_status space_load(const char *root, const char *key, struct space **sp);

void space_free(struct space *s);

/*
 * space_check_config - validate a space.conf's keys and values; logs the
 * first problem naming the key and what is allowed.
 */
enum ma_status space_check_config(const struct config *cfg, const char *what);

/* space_path - malloc'd "DIR/SUB" (NULL on ENOMEM). */
char *space_path(const struct space *s, const char *sub);

/* space_setting - a space.conf value or def when unset (borrowed). */
const char *space_setting(const struct space *s, const char *key,
			  const char *def);

/*
 * space_list - the keys of every space under root, sorted. *keysp is a
 * malloc'd array of malloc'd strings; free with space_list_free().
 */
enum ma_status space_list(const char *root, char ***keysp, size_t *np);
void space_list_free(char **keys, size_t n);

/*
 * space_create - create ROOT/spaces/KEY with its Maildirs, state folder and
 * cfg as space.conf, all at once: built in a hidden folder and renamed into
 * place, so a failure leaves nothing. MA_ECONFIG if it exists.
 */
enum ma_status space_create(const char *root, const char *key,
			    const struct config *cfg);

/*
 * space_ensure_layout - create any missing folder of an existing space
 * (incoming, archive, duplicates Maildirs; state). Idempotent.
 */
enum ma_status space_ensure_layout(const struct space *s);

/* space_remove - remove the space folder; a site_dir outside it stays. */
enum ma_status space_remove(const struct space *s);

#endif
