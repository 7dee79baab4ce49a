/* Space administrators: who may change a space (lib/perm). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "perm.h"

/* The service user (uid 1000 here) acting through sudo for someone. */
static struct perm_who
who(uid_t euid, const char *sudo_user)
{
	struct perm_who w = {.euid = euid, .service_uid = 1000};

	snprintf(w.user, sizeof w.user, "%s", euid == 0 ? "root" : "svc");
	snprintf(w.service, sizeof w.service, "svc");
	snprintf(w.sudo_user, sizeof w.sudo_user, "%s", sudo_user);
	return w;
}

static void
test_root_may_change_anything(void **state)
{
	struct perm_who w = who(0, "alice");

	(void)state;
	assert_int_equal(perm_decide(&w, NULL, false), PERM_ALLOW);
	assert_int_equal(perm_decide(&w, NULL, true), PERM_ALLOW);
}

static void
test_service_user_itself_may_change_anything(void **state)
{
	struct perm_who w = who(1000, "");

	(void)state;
	assert_int_equal(perm_decide(&w, NULL, false), PERM_ALLOW);
	assert_int_equal(perm_decide(&w, "bob", true), PERM_ALLOW);
}

static void
test_sudo_from_root_is_root(void **state)
{
	struct perm_who w = who(1000, "root");

	(void)state;
	assert_int_equal(perm_decide(&w, NULL, true), PERM_ALLOW);
}

static void
test_sudo_user_listed_as_admin_is_allowed(void **state)
{
	struct perm_who w = who(1000, "alice");

	(void)state;
	assert_int_equal(perm_decide(&w, "bob,alice", false), PERM_ALLOW);
	assert_int_equal(perm_decide(&w, " bob , alice ", false), PERM_ALLOW);
}

static void
test_sudo_user_not_listed_is_refused(void **state)
{
	struct perm_who w = who(1000, "alice");

	(void)state;
	assert_int_equal(perm_decide(&w, NULL, false), PERM_DENY_NOT_ADMIN);
	assert_int_equal(perm_decide(&w, "", false), PERM_DENY_NOT_ADMIN);
	assert_int_equal(perm_decide(&w, "bob", false), PERM_DENY_NOT_ADMIN);
	/* A prefix or a longer name is not the user. */
	assert_int_equal(perm_decide(&w, "alic,alicex", false),
			 PERM_DENY_NOT_ADMIN);
}

static void
test_admin_may_not_do_owner_changes(void **state)
{
	struct perm_who w = who(1000, "alice");

	(void)state;
	assert_int_equal(perm_decide(&w, "alice", true), PERM_DENY_OWNER_ONLY);
}

static void
test_other_users_are_refused_even_when_listed(void **state)
{
	struct perm_who w = who(2000, "");

	(void)state;
	snprintf(w.user, sizeof w.user, "alice");
	assert_int_equal(perm_decide(&w, "alice", false),
			 PERM_DENY_NOT_SERVICE);
}

static void
test_group_entry_admits_its_members(void **state)
{
	struct passwd *pw = getpwuid(0);
	struct group *gr;
	char list[64];

	(void)state;
	assert_non_null(pw);
	gr = getgrgid(pw->pw_gid);
	assert_non_null(gr);
	snprintf(list, sizeof list, "bob, %%%s", gr->gr_name);
	/* root's primary group admits root; nobody is not in it. */
	assert_true(perm_is_admin(list, pw->pw_name));
	if (getpwnam("nobody") != NULL && strcmp(gr->gr_name, "nogroup") != 0)
		assert_false(perm_is_admin(list, "nobody"));
	assert_false(perm_is_admin("%no-such-group-here", pw->pw_name));
}

static void
test_admins_list_syntax(void **state)
{
	char bad[64];

	(void)state;
	assert_true(perm_admins_valid("alice,bob", bad, sizeof bad));
	assert_true(
	    perm_admins_valid("alice, %mail-admins, host$", bad, sizeof bad));
	assert_true(perm_admins_valid("", bad, sizeof bad));
	assert_false(perm_admins_valid("alice,Bob", bad, sizeof bad));
	assert_string_equal(bad, "Bob");
	assert_false(perm_admins_valid("alice,;rm", bad, sizeof bad));
	assert_string_equal(bad, ";rm");
	assert_false(perm_admins_valid("%", bad, sizeof bad));
	assert_false(perm_admins_valid("a23456789012345678901234567890123", bad,
				       sizeof bad));
}

static void
test_service_user_is_owner_of_root_or_its_parent(void **state)
{
	char dir[] = "/tmp/perm_test.XXXXXX";
	char missing[64];
	struct perm_who w;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(stat(dir, &st), 0);
	snprintf(missing, sizeof missing, "%s/not/yet", dir);
	assert_int_equal(perm_who_get(missing, &w), MA_OK);
	assert_int_equal(w.service_uid, st.st_uid);
	assert_int_equal(w.euid, geteuid());
	rmdir(dir);
}

static void
test_check_refuses_with_enoperm(void **state)
{
	char dir[] = "/tmp/perm_test.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* The owner of dir acting for alice through sudo. */
	setenv("SUDO_USER", "alice", 1);
	if (geteuid() != 0) {
		assert_int_equal(perm_check(dir, "sales", "bob", NULL),
				 MA_ENOPERM);
		assert_int_equal(perm_check(dir, "sales", "alice", NULL),
				 MA_OK);
		assert_int_equal(perm_check(dir, "sales", "alice",
					    "add "
					    "spaces"),
				 MA_ENOPERM);
	} else {
		assert_int_equal(perm_check(dir, "sales", "bob", NULL), MA_OK);
	}
	unsetenv("SUDO_USER");
	assert_int_equal(perm_check(dir, "sales", NULL, "add spaces"), MA_OK);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_root_may_change_anything),
	    cmocka_unit_test(test_service_user_itself_may_change_anything),
	    cmocka_unit_test(test_sudo_from_root_is_root),
	    cmocka_unit_test(test_sudo_user_listed_as_admin_is_allowed),
	    cmocka_unit_test(test_sudo_user_not_listed_is_refused),
	    cmocka_unit_test(test_admin_may_not_do_owner_changes),
	    cmocka_unit_test(test_other_users_are_refused_even_when_listed),
	    cmocka_unit_test(test_group_entry_admits_its_members),
	    cmocka_unit_test(test_admins_list_syntax),
	    cmocka_unit_test(test_service_user_is_owner_of_root_or_its_parent),
	    cmocka_unit_test(test_check_refuses_with_enoperm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
