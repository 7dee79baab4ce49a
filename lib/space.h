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

/*
 * The layout of a space folder, in one place: every stage finds its
 * folders and files here rather than building the path by hand.
 */
enum space_part {
	SPACE_INCOMING,	      /* incoming/: Maildir, one .ACCOUNT per source */
	SPACE_ARCHIVE,	      /* archive/: Maildir that notmuch indexes */
	SPACE_DUPLICATES,     /* duplicates/: Maildir of set-aside copies */
	SPACE_STATE,	      /* state/: each stage's private files */
	SPACE_ACCOUNTS,	      /* accounts/: ACCOUNT.conf files */
	SPACE_NOTMUCH,	      /* notmuch/: the index's config and database */
	SPACE_NOTMUCH_CONFIG, /* notmuch/config */
	SPACE_NOTMUCH_XAPIAN, /* notmuch/xapian */
	SPACE_SITE,	      /* site/: the default site folder */
	SPACE_TOMBSTONES,     /* tombstones: messages deleted on purpose */
	SPACE_DEDUPE_DB,      /* state/dedupe: dedupe's database folder */
	SPACE_DEDUPE_REPORT,  /* state/dedupe.report */
	SPACE_DEDUPE_PENDING, /* state/dedupe.pending */
	SPACE_DEDUPE_LAST,    /* state/dedupe.last */
	SPACE_INDEX_QUEUE,    /* state/index.queue */
	SPACE_INDEX_OFFSET,   /* state/index.offset */
	SPACE_RENDER_STATE,   /* state/render.state */
	SPACE_ERASE_JOURNAL,  /* state/erase.journal */
	SPACE_RETENTION,      /* state/retention */
	SPACE_SEARCH_CACHE,   /* state/search: search terms by month */
	SPACE_NOTMUCH_OLD,    /* notmuch.old: the index a rebuild set aside */
	/* notmuch/tombstones.before: the bytes of tombstones written
	 * before the database was made (lib/render/tomb_map.c) */
	SPACE_NOTMUCH_TOMBS,
};

/* The stages that lock a whole space while they run. */
enum space_stage {
	SPACE_STAGE_DEDUPE, /* state/dedupe.lock */
	SPACE_STAGE_INDEX,  /* state/index.lock */
	SPACE_STAGE_RENDER, /* state/render.lock */
};

/*
 * space_part_path - malloc'd "SPACE_DIR/PART" (NULL on ENOMEM or when
 * longer than PATH_MAX_LEN). space_dir is a space folder (struct space's
 * dir, or a stage's space_dir option).
 */
char *space_part_path(const char *space_dir, enum space_part part);

/* space_lock_path - malloc'd path of a stage's lock file (NULL: ENOMEM). */
char *space_lock_path(const char *space_dir, enum space_stage stage);

/*
 * space_source_dir - malloc'd "SPACE_DIR/incoming/.SOURCE", the Maildir
 * where fetch (SOURCE = the account key) or import (SPACE_SOURCE_IMPORT)
 * deliver. NULL on ENOMEM.
 */
char *space_source_dir(const char *space_dir, const char *source);

/* space_account_file - malloc'd "SPACE_DIR/state/ACCOUNT.SUFFIX" (state,
 * lock). NULL on ENOMEM. */
char *space_account_file(const char *space_dir, const char *account,
			 const char *suffix);

/* space_account_secret - malloc'd "SPACE_DIR/accounts/ACCOUNT.secret", the
 * password file account add writes beside ACCOUNT.conf. NULL on ENOMEM. */
char *space_account_secret(const char *space_dir, const char *account);

/* Source names mailarc gives itself: import's folder and dedupe's name for
 * mail of no known source. No account may take them. */
#define SPACE_SOURCE_IMPORT  "import"
#define SPACE_SOURCE_UNKNOWN "unknown"

/*
 * space_key_reserved - true when an account key may not be used because
 * mailarc uses the name itself: a source name above, or a stage whose
 * lock file (state/STAGE.lock) an account's fetch lock would share.
 */
bool space_key_reserved(const char *key);

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

/*
 * space_parse_retain - seconds of a retention period: N followed by d
 * (days), w (weeks), m (months of 30 days) or y (years of 365 days);
 * "forever" or "" is 0. -1 when it is none of these.
 */
long long space_parse_retain(const char *s);

#endif
