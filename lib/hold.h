#ifndef MA_HOLD_H
#define MA_HOLD_H

#include <stdbool.h>
#include <time.h>

#include "status.h"

/*
 * Legal hold: while SPACE/hold exists, nothing may delete mail of the
 * space (delete, erase, retention, space remove). The file is written
 * atomically and holds three lines:
 *
 *   since=2026-11-22T18:00:00Z
 *   user=alice
 *   reason=TEXT
 *
 * Taking the hold off removes the file.
 */

#define HOLD_REASON_MAX 400

struct hold {
	bool on;
	time_t since;
	char user[64];
	char reason[HOLD_REASON_MAX + 1];
};

/*
 * hold_get - read the hold of the space folder space_dir into *h (off when
 * there is no file). A file that cannot be read gives MA_EIO (logged); a
 * damaged one still counts as a hold (on, since 0): a hold is never
 * lifted by accident.
 */
enum ma_status hold_get(const char *space_dir, struct hold *h);

/*
 * hold_set - put the space on hold (on) with reason (may be NULL) and
 * user, or take it off. reason must be one line of printable text of at
 * most HOLD_REASON_MAX bytes, else MA_EUSAGE (logged). Durable on MA_OK.
 */
enum ma_status hold_set(const char *space_dir, bool on, time_t now,
			const char *user, const char *reason);

/*
 * hold_refuse - MA_OK when the space is not on hold; else logs "space KEY
 * is on legal hold since DATE (REASON): WHAT refused" and returns
 * MA_ENOPERM. MA_EIO when the hold cannot be read.
 */
enum ma_status hold_refuse(const char *space_dir, const char *key,
			   const char *what);

#endif
