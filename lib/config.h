#ifndef MA_CONFIG_H
#define MA_CONFIG_H

#include <stdbool.h>
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

/* A key a file may hold and, for a closed set, the values it takes. */
struct config_field {
	const char *key;
	const char *allowed; /* "a|b|c", or NULL for free text */
};

/* The keys of one kind of file (account, space), all top level. */
struct config_schema {
	const struct config_field *fields;
	size_t n;
	/* "yes|no" and "on|off" keys also take parse_bool()'s spellings. */
	bool bool_spellings;
};

/* config_schema_find - the field for key, or NULL when not in schema. */
const struct config_field *
config_schema_find(const struct config_schema *schema, const char *key);

/*
 * config_check_schema - every entry of cfg is top level, in schema and,
 * for a closed set, one of its values. Else MA_ECONFIG, logging the first
 * problem as "WHAT: ..." with what is allowed.
 */
enum ma_status config_check_schema(const struct config *cfg,
				   const struct config_schema *schema,
				   const char *what);

/* parse_bool - yes/no/true/false/on/off/1/0; -1 if bad. */
int parse_bool(const char *s);

/*
 * config_write_atomic - serialise and write with path_write_file_atomic():
 * temp file, fsync, rename, fsync of the directory; mode is exact.
 */
enum ma_status config_write_atomic(const struct config *cfg, const char *path,
				   mode_t mode);

/* config_serialise - the text config_write_atomic() writes (caller frees). */
char *config_serialise(const struct config *cfg);

#endif
