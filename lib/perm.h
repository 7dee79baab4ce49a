#ifndef MA_PERM_H
#define MA_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "status.h"

/*
 * Space administrators: who may change a space or its accounts.
 *
 * The service user is the owner of the root folder (under systemd, the
 * user the units run as, who owns StateDirectory=). A change is allowed
 *   - to root (effective uid 0);
 *   - to the service user, unless mailarc runs through sudo(8) on behalf
 *     of another user ($SUDO_USER set, naming neither root nor the service
 *     user): then only when that invoking user is an administrator of the
 *     space: listed by name in its space.conf "admins", or a member of a
 *     group listed there as "%GROUP";
 *   - to no one else.
 * Creating a space and changing "admins" are for root and the service
 * user themselves only: an administrator may not make administrators.
 *
 * $SUDO_USER is trusted because sudo(8) sets it and resets the rest of
 * the environment; a sudoers rule must not grant SETENV (docs/admin.md).
 */

/* Longest user or group name we take from an admins list. */
#define PERM_NAME_MAX 32

/* Who is asking: what perm_who_get() reads from the process. */
struct perm_who {
	uid_t euid;
	uid_t service_uid;		   /* owner of the root folder */
	char user[PERM_NAME_MAX + 1];	   /* name of euid */
	char service[PERM_NAME_MAX + 1];   /* name of service_uid */
	char sudo_user[PERM_NAME_MAX + 1]; /* $SUDO_USER, "" when unset */
};

enum perm_verdict {
	PERM_ALLOW = 0,
	PERM_DENY_NOT_ADMIN,   /* sudo_user is not an admin of the space */
	PERM_DENY_NOT_SERVICE, /* neither root nor the service user */
	PERM_DENY_OWNER_ONLY,  /* an admin, but the change is the owner's */
};

/*
 * perm_who_get - fill *w for this process and the root folder root
 * (which must exist; MA_ENOTFOUND, not logged, when it does not).
 * Names of uids without a passwd entry are written as the number.
 */
enum ma_status perm_who_get(const char *root, struct perm_who *w);

/*
 * perm_is_admin - true when user is in admins ("alice, bob, %staff":
 * names and %groups, separated by commas and/or blanks). A %group
 * matches members by getgrouplist(3) of user. NULL or "" admits no one.
 */
bool perm_is_admin(const char *admins, const char *user);

/*
 * perm_decide - the verdict for w changing a space whose admins list is
 * admins (NULL when unset). owner_only: creating a space or changing its
 * admins. Pure apart from group look-ups; no logging.
 */
enum perm_verdict perm_decide(const struct perm_who *w, const char *admins,
			      bool owner_only);

/*
 * perm_check - decide for this process and log a refusal in one line,
 * "permission denied: USER is not an administrator of space KEY" (USER is
 * the invoking user). owner_action is NULL for an ordinary change, else
 * what only root and the service user may do, for the message (e.g.
 * "add spaces"). Returns MA_OK or MA_ENOPERM (logged); MA_EIO when the
 * root folder cannot be examined (logged). Nothing is changed.
 */
enum ma_status perm_check(const char *root, const char *space_key,
			  const char *admins, const char *owner_action);

/*
 * perm_become_owner - when running as root on a root folder that belongs
 * to another user (the service user), become that user for good: its
 * uid, gid and supplementary groups. Files written afterwards are the
 * service user's, as the units need them, and password sources are read
 * with the rights the units will have. Without root, or when root owns the
 * folder, does nothing. MA_EIO (logged) when the switch fails.
 */
enum ma_status perm_become_owner(const char *root);

/*
 * perm_admins_valid - true when admins is a well-formed list: user and
 * %group names ([a-z_][a-z0-9_.-]*, "$" allowed at the end, at most
 * PERM_NAME_MAX). Otherwise false, and the first bad entry is copied
 * into bad (truncated to size) for the message.
 */
bool perm_admins_valid(const char *admins, char *bad, size_t size);

#endif
