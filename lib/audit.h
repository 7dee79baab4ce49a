#ifndef MA_AUDIT_H
#define MA_AUDIT_H

#include <stdio.h>
#include <time.h>

#include "status.h"

/*
 * The audit log of a space: SPACE/audit.log, append-only text (mode
 * 0600), one line per action that removes mail or changes a legal hold:
 *
 *   TIME<TAB>USER<TAB>ACTION<TAB>COUNT<TAB>DETAIL\n
 *
 * TIME in ISO 8601 UTC, USER the invoking user, ACTION one of "delete",
 * "erase", "export", "retention", "hold-on", "hold-off", COUNT the number
 * of messages concerned, DETAIL the query, the retention period, the hold
 * reason, or for a person "sha256:HEX" of the lower-cased address. Never
 * message content, never a plain address. Control characters in DETAIL
 * are written as '?'; a DETAIL over 1000 bytes is cut and ends in "...".
 */

#define AUDIT_HASH_LEN (7 + 64) /* "sha256:" and hex */

/*
 * audit_append - append one line and fsync it. Logged on failure.
 */
enum ma_status audit_append(const char *space_dir, time_t now, const char *user,
			    const char *action, unsigned long count,
			    const char *detail);

/*
 * audit_addr_hash - "sha256:" and the hex SHA-256 of addr lower-cased
 * (ASCII), into out (AUDIT_HASH_LEN + 1 bytes).
 */
void audit_addr_hash(const char *addr, char *out);

/*
 * audit_print - copy the log to out (nothing when there is none).
 * MA_EIO (logged) when it cannot be read.
 */
enum ma_status audit_print(const char *space_dir, FILE *out);

#endif
