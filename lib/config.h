#ifndef MA_CONFIG_H
#define MA_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#include "status.h"

/*
 * INI configuration, parsed with inih. A config is an ordered list of
 * (section, key, value); keys before any [section] have section "". Order
 * is kept so that a file written back reads like the one loaded.
 *
 * Debian's inih reads lines of at most 199 bytes and strips " ;" comments,
 * so config_set() refuses values that could not be read back exactly
 * (CONFIG_VALUE_MAX, newlines, " ;", leading or trailing blanks): nothing is
 * ever truncated silently.
 */
#define CONFIG_VALUE_MAX 160

struct config;

/* config_new - an empty config; NULL on ENOMEM. Free with config_free(). */
struct config *config_new(void);

/* config_free - wipe every value (they may be secrets) and free. NULL ok. */
void config_free(struct config *cfg);

/*
 * config_load - parse path. On a syntax error logs "PATH:LINE: ..." and
 * returns MA_ECONFIG; a key given twice in one section is an error too.
 * A missing file gives MA_ENOTFOUND (not logged); unreadable, MA_EIO or
 * MA_ECONFIG (logged). On MA_OK *cfgp is the caller's.
 */
enum ma_status config_load(const char *path, struct config **cfgp);

/* config_parse_string - as config_load(), for text; name labels errors. */
enum ma_status config_parse_string(const char *text, const char *name,
				   struct config **cfgp);

/* config_get - the value (borrowed, lives until changed), or NULL. */
const char *config_get(const struct config *cfg, const char *section,
		       const char *key);

/*
 * config_set - set or replace a value; value NULL removes the key. Returns
 * MA_ECONFIG (logged, naming key) for a value that cannot be stored.
 */
enum ma_status config_set(struct config *cfg, const char *section,
			  const char *key, const char *value);

/* config_value_ok - NULL when value can be stored, else why not (static). */
const char *config_value_why_not(const char *value);

/* config_foreach - call fn for each entry in order; stops when fn != 0. */
int config_foreach(const struct config *cfg,
		   int (*fn)(const char *section, const char *key,
			     const char *value, void *arg),
		   void *arg);

/*
 * config_write_atomic - serialise and write with write_file_atomic():
 * temp file, fsync, rename, fsync of the directory; mode is exact.
 */
enum ma_status config_write_atomic(const struct config *cfg, const char *path,
				   mode_t mode);

/* config_serialise - the text config_write_atomic() writes (caller frees). */
char *config_serialise(const struct config *cfg);

#endif
