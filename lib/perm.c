/*
 * Space administrators. The decision is a pure function of who asks and
 * the space's admins list (perm_decide) so that it can be tested without
 * switching users; perm_who_get() and perm_check() read the process.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "perm.h"

/* Entries of a list are separated by commas and blanks. */
static const char list_sep[] = ", \t";

/* Group lists are small; a user in more groups than this is cut short,
 * which can only refuse, never admit. */
#define PERM_GROUPS_MAX 256

static void
name_of_uid(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res != NULL &&
	    strlen(res->pw_name) < size)
		snprintf(buf, size, "%s", res->pw_name);
	else
		snprintf(buf, size, "%lu", (unsigned long)uid);
}

/* The owner of path, or of its nearest existing ancestor. */
static enum ma_status
owner_of(const char *path, uid_t *uidp)
{
	char *p = strdup(path);
	struct stat st;

	if (p == NULL)
		return MA_ENOMEM;
	for (;;) {
		char *slash;

		if (stat(p, &st) == 0) {
			*uidp = st.st_uid;
			free(p);
			return MA_OK;
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			log_err("cannot examine '%s': %s", p, strerror(errno));
			free(p);
			return path_errno_status(errno);
		}
		if ((slash = strrchr(p, '/')) == NULL || slash == p) {
			/* "/" always exists; a relative root falls back to
			 * the working folder. */
			if (stat(slash == p ? "/" : ".", &st) != 0) {
				free(p);
				return MA_EIO;
			}
			*uidp = st.st_uid;
			free(p);
			return MA_OK;
		}
		*slash = '\0';
	}
}

enum ma_status
perm_who_get(const char *root, struct perm_who *w)
{
	const char *sudo = getenv("SUDO_USER");
	struct perm_who t = {0};
	enum ma_status st;

	t.euid = geteuid();
	if ((st = owner_of(root, &t.service_uid)) != MA_OK)
		return st;
	name_of_uid(t.euid, t.user, sizeof t.user);
	name_of_uid(t.service_uid, t.service, sizeof t.service);
	/* A name too long to be a user name cannot be in any list. */
	if (sudo != NULL && strlen(sudo) <= PERM_NAME_MAX)
		snprintf(t.sudo_user, sizeof t.sudo_user, "%s", sudo);
	else if (sudo != NULL)
		snprintf(t.sudo_user, sizeof t.sudo_user, "?");
	*w = t;
	return MA_OK;
}

/* Is user a member of group (primary or supplementary)? */
static bool
in_group(const char *user, const char *group)
{
	struct passwd pw, *pres = NULL;
	struct group gr, *gres = NULL;
	char pbuf[1024], gbuf[4096];
	gid_t groups[PERM_GROUPS_MAX];
	int n = PERM_GROUPS_MAX;

	if (getpwnam_r(user, &pw, pbuf, sizeof pbuf, &pres) != 0 ||
	    pres == NULL)
		return false;
	if (getgrnam_r(group, &gr, gbuf, sizeof gbuf, &gres) != 0 ||
	    gres == NULL)
		return false;
	if (getgrouplist(user, pres->pw_gid, groups, &n) < 0)
		n = PERM_GROUPS_MAX;
	for (int i = 0; i < n; i++)
		if (groups[i] == gres->gr_gid)
			return true;
	return false;
}

bool
perm_is_admin(const char *admins, const char *user)
{
	size_t ulen = strlen(user);
	const char *p = admins;

	if (p == NULL || ulen == 0)
		return false;
	while (*p != '\0') {
		size_t n;

		p += strspn(p, list_sep);
		if ((n = strcspn(p, list_sep)) == 0)
			break;
		if (p[0] == '%' && n > 1 && n - 1 <= PERM_NAME_MAX) {
			char group[PERM_NAME_MAX + 1];

			memcpy(group, p + 1, n - 1);
			group[n - 1] = '\0';
			if (in_group(user, group))
				return true;
		} else if (n == ulen && memcmp(p, user, n) == 0) {
			return true;
		}
		p += n;
	}
	return false;
}

enum perm_verdict
perm_decide(const struct perm_who *w, const char *admins, bool owner_only)
{
	if (w->euid == 0)
		return PERM_ALLOW;
	if (w->euid != w->service_uid)
		return PERM_DENY_NOT_SERVICE;
	/* The service user acting for itself, or for root through sudo. */
	if (w->sudo_user[0] == '\0' || strcmp(w->sudo_user, "root") == 0 ||
	    strcmp(w->sudo_user, w->service) == 0)
		return PERM_ALLOW;
	if (owner_only)
		return PERM_DENY_OWNER_ONLY;
	return perm_is_admin(admins, w->sudo_user) ? PERM_ALLOW
						   : PERM_DENY_NOT_ADMIN;
}

enum ma_status
perm_check(const char *root, const char *space_key, const char *admins,
	   const char *owner_action)
{
	struct perm_who w;
	enum ma_status st;
	const char *who;

	if ((st = perm_who_get(root, &w)) != MA_OK)
		return st;
	who = w.sudo_user[0] != '\0' ? w.sudo_user : w.user;
	switch (perm_decide(&w, admins, owner_action != NULL)) {
	case PERM_ALLOW:
		return MA_OK;
	case PERM_DENY_NOT_SERVICE:
		if (owner_action == NULL && perm_is_admin(admins, w.user)) {
			log_err("permission denied: %s may change space %s "
				"only as the service user %s (sudo -u %s "
				"mailarc ...)",
				w.user, space_key, w.service, w.service);
			return MA_ENOPERM;
		}
		if (owner_action != NULL) {
			log_err("permission denied: only root and the "
				"service user %s may %s",
				w.service, owner_action);
			return MA_ENOPERM;
		}
		who = w.user;
		break;
	case PERM_DENY_OWNER_ONLY:
		log_err("permission denied: only root and the service user %s "
			"may %s, not %s",
			w.service, owner_action, who);
		return MA_ENOPERM;
	case PERM_DENY_NOT_ADMIN:
		break;
	}
	log_err("permission denied: %s is not an administrator of space %s",
		who, space_key);
	return MA_ENOPERM;
}

enum ma_status
perm_become_owner(const char *root)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	enum ma_status st;
	struct stat sb;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return MA_OK;
	if ((st = owner_of(root, &uid)) != MA_OK)
		return st;
	if (uid == 0)
		return MA_OK;
	/* The folder's group, unless the user has a passwd entry. */
	gid = stat(root, &sb) == 0 ? sb.st_gid : (gid_t)uid;
	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		gid = res->pw_gid;
	if ((res != NULL ? initgroups(res->pw_name, gid)
			 : setgroups(0, NULL)) != 0 ||
	    setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
		log_err("cannot become the owner of '%s' (uid %lu): %s", root,
			(unsigned long)uid, strerror(errno));
		return MA_EIO;
	}
	log_debug("running as uid %lu, the owner of '%s'", (unsigned long)uid,
		  root);
	return MA_OK;
}

static bool
name_ok(const char *p, size_t n)
{
	if (n == 0 || n > PERM_NAME_MAX)
		return false;
	if (!((p[0] >= 'a' && p[0] <= 'z') || p[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = p[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-')
			continue;
		/* Samba machine accounts end in '$'. */
		if (c == '$' && i == n - 1)
			continue;
		return false;
	}
	return true;
}

bool
perm_admins_valid(const char *admins, char *bad, size_t size)
{
	const char *p = admins;

	while (*p != '\0') {
		size_t n;
		bool ok;

		p += strspn(p, list_sep);
		if ((n = strcspn(p, list_sep)) == 0)
			break;
		ok = p[0] == '%' ? name_ok(p + 1, n - 1) : name_ok(p, n);
		if (!ok) {
			snprintf(bad, size, "%.*s", (int)n, p);
			return false;
		}
		p += n;
	}
	return true;
}
