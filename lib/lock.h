#ifndef MA_LOCK_H
#define MA_LOCK_H

#include <stdbool.h>

#include "status.h"

/*
 * Advisory locks with flock(2) on a lock file. The lock goes with the open
 * file, so a killed process never leaves a stale lock behind.
 */
struct lock {
	int fd;
	char *path;
};

/*
 * lock_take - lock path (created 0600 if missing). When another process
 * holds it: with wait, block until it is free; without, log
 * "'what' is busy: another run holds 'path'" and return MA_ETEMP.
 * what names the object for the message (e.g. "account sales/main");
 * NULL: nothing is logged when it is busy (a caller that skips work).
 * On MA_OK the caller drops the lock with lock_drop().
 */
enum ma_status lock_take(const char *path, const char *what, bool wait,
			 struct lock *l);

/* lock_drop - release and close; safe on a zeroed or dropped lock. */
void lock_drop(struct lock *l);

/*
 * lock_hand_down - let the programs this process runs, and lock_take() in
 * this process, take l as theirs: a front end that holds a space's lock
 * around a stage it runs (which takes the same lock) must not wait for
 * itself. l's descriptor is inherited and named in the environment
 * (MAILARC_LOCK_FD); lock_take() of the same file then shares it instead
 * of waiting. Only one lock is handed down at a time. MA_EIO on failure.
 */
enum ma_status lock_hand_down(struct lock *l);

/* lock_take_back - undo lock_hand_down() (before lock_drop()). */
void lock_take_back(struct lock *l);

#endif
