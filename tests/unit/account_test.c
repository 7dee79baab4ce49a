#include "testutil.h"
#include "testutil.inc"

#include "account.h"
#include "log.h"
#include "space.h"

static struct config *
cfg_of(const char *text)
{
	struct config *c = NULL;

	assert_int_equal(config_parse_string(text, "test", &c), MA_OK);
	return c;
}

static enum ma_status
check(const char *text, struct account **ap)
{
	struct account *a = NULL;
	enum ma_status st;

	log_adjust(-5);
	st = account_from_config(cfg_of(text), "sales", "main", "test", &a);
	log_adjust(+5);
	if (ap != NULL)
		*ap = a;
	else
		account_free(a);
	return st;
}

static void
test_defaults_by_protocol(void **state)
{
	static const struct {
		const char *proto;
		int port;
	} cases[] = {
	    {"pop", 110}, {"pops", 995}, {"imap", 143}, {"imaps", 993}};
	char text[256];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct account *a;

		snprintf(text, sizeof text,
			 "protocol = %s\nhost = h\nusername = u@example.org\n"
			 "password = x\n",
			 cases[i].proto);
		assert_int_equal(check(text, &a), MA_OK);
		assert_int_equal(a->port, cases[i].port);
		assert_string_equal(a->folders[0], "INBOX");
		assert_string_equal(a->address, "u@example.org");
		assert_true(a->enabled);
		assert_false(a->delete_on_server);
		assert_true(a->tls_verify);
		assert_int_equal(a->poll_interval, 1800);
		/* Plain text only when asked for: tls = none. */
		assert_true(a->tls_required);
		assert_false(a->tls_plain);
		account_free(a);
	}
}

static void
test_every_bad_field_is_refused(void **state)
{
	static const char *const bad[] = {
	    "protocol = smtp\nhost = h\nusername = u\npassword = x\n",
	    "protocol = imap\nhost = h\nport = 0\nusername = u\npassword = x\n",
	    "protocol = imap\nhost = h\nport = 65536\nusername = u\npassword = "
	    "x\n",
	    "protocol = imap\nhost = h\nport = 99x\nusername = u\npassword = "
	    "x\n",
	    "protocol = imap\nhost =\nusername = u\npassword = x\n",
	    "protocol = imap\nhost = a b\nusername = u\npassword = x\n",
	    "protocol = imap\nhost = h\nusername =\npassword = x\n",
	    "protocol = imap\nhost = h\nusername = u\n",
	    "protocol = imap\nhost = h\nusername = u\npassword = "
	    "x\npassword_command = y\n",
	    "protocol = imap\nhost = h\nusername = u\npassword = x\non_server "
	    "= move\n",
	    "protocol = imap\nhost = h\nusername = u\npassword = x\ntls = "
	    "never\n",
	    "protocol = imap\nhost = h\nusername = u\npassword = x\ncolour = "
	    "red\n",
	    "protocol = pop\nhost = h\nusername = u\npassword = x\nfolder = "
	    "Sent\n",
	    "protocol = imap\nhost = h\nusername = u\nauth = oauth2\n",
	    "protocol = imap\nhost = h\nusername = u\npassword = "
	    "x\npoll_interval = 5s\n",
	    "protocol = imaps\nhost = h\nusername = u\npassword = "
	    "x\ntls = none\n",
	    "protocol = imap\nhost = h\nusername = u\nauth = oauth2\n"
	    "oauth_provider = generic\ntoken_url = https://t/\n"
	    "scope = s\ntls = none\n",
	    "protocol = imap\nhost = h\nusername = u\npassword_file = "
	    "relative\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (check(bad[i], NULL) != MA_ECONFIG)
			fail_msg("accepted: %s", bad[i]);
}

static void
test_folders_and_options(void **state)
{
	struct account *a;

	(void)state;
	assert_int_equal(
	    check("protocol = imap\nhost = h\nport = 1143\nusername = u\n"
		  "password_command = pass show x\nfolder = INBOX, "
		  "Lists/dev ,Sent\non_server = delete\ntls = required\n"
		  "tls_verify = no\nenabled = no\npoll_interval = 2h\n",
		  &a),
	    MA_OK);
	assert_int_equal(a->nfolders, 3);
	assert_string_equal(a->folders[1], "Lists/dev");
	assert_string_equal(a->folders[2], "Sent");
	assert_int_equal(a->port, 1143);
	assert_true(a->delete_on_server);
	assert_true(a->tls_required);
	assert_false(a->tls_verify);
	assert_false(a->enabled);
	assert_int_equal(a->poll_interval, 7200);
	assert_null(a->address);
	account_free(a);
}

static void
test_keys_and_refs(void **state)
{
	char *s, *k;

	(void)state;
	assert_true(key_valid("sales"));
	assert_true(key_valid("0-team_b"));
	assert_false(key_valid(""));
	assert_false(key_valid("Sales"));
	assert_false(key_valid("-x"));
	assert_false(key_valid("a/b"));
	assert_false(key_valid("a.b"));
	assert_false(key_valid("../x"));
	log_adjust(-5);
	assert_int_equal(account_parse_ref("sales", &s, &k), MA_EUSAGE);
	assert_int_equal(account_parse_ref("sales/../x", &s, &k), MA_EUSAGE);
	log_adjust(+5);
	assert_int_equal(account_parse_ref("sales/main", &s, &k), MA_OK);
	assert_string_equal(s, "sales");
	assert_string_equal(k, "main");
	free(s);
	free(k);
}

static void
test_durations_and_bools(void **state)
{
	(void)state;
	assert_int_equal(parse_duration("30min"), 1800);
	assert_int_equal(parse_duration("90"), 90);
	assert_int_equal(parse_duration("1d"), 86400);
	assert_int_equal(parse_duration("x"), -1);
	assert_int_equal(parse_duration("-5m"), -1);
	assert_int_equal(parse_duration("5 parsecs"), -1);
	assert_int_equal(parse_bool("yes"), 1);
	assert_int_equal(parse_bool("off"), 0);
	assert_int_equal(parse_bool("maybe"), -1);
}

static void
test_root_resolution_order(void **state)
{
	char *r;

	(void)state;
	setenv("MAILARC_ROOT", "/env/root/", 1);
	assert_int_equal(root_resolve("/opt/root", &r), MA_OK);
	assert_string_equal(r, "/opt/root");
	free(r);
	assert_int_equal(root_resolve(NULL, &r), MA_OK);
	assert_string_equal(r, "/env/root");
	free(r);
	unsetenv("MAILARC_ROOT");
	assert_int_equal(root_resolve(NULL, &r), MA_OK);
	if (geteuid() == 0)
		assert_string_equal(r, "/var/lib/mailarc");
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_by_protocol),
	    cmocka_unit_test(test_every_bad_field_is_refused),
	    cmocka_unit_test(test_folders_and_options),
	    cmocka_unit_test(test_keys_and_refs),
	    cmocka_unit_test(test_durations_and_bools),
	    cmocka_unit_test(test_root_resolution_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
