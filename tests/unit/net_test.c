#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testutil.inc"

#include "account.h"
#include "fetch_conn.h"
#include "log.h"

static const char *const proxy_vars[] = {
    "imap_proxy", "IMAP_PROXY", "imaps_proxy", "IMAPS_PROXY",
    "pop3_proxy", "POP3_PROXY", "pop3s_proxy", "POP3S_PROXY",
    "all_proxy",  "ALL_PROXY",	"https_proxy", "HTTPS_PROXY",
};

static void
clear_proxies(void)
{
	for (size_t i = 0; i < sizeof proxy_vars / sizeof proxy_vars[0]; i++)
		unsetenv(proxy_vars[i]);
}

static void
test_proxy_env_order(void **state)
{
	const char *p;

	(void)state;
	clear_proxies();
	assert_null(fetch_conn_proxy_env(PROTO_IMAPS));
	setenv("HTTPS_PROXY", "http://h:3128", 1);
	assert_string_equal(fetch_conn_proxy_env(PROTO_IMAPS), "http://h:3128");
	setenv("https_proxy", "http://lower:3128", 1);
	assert_string_equal(fetch_conn_proxy_env(PROTO_IMAPS),
			    "http://lower:3128");
	setenv("ALL_PROXY", "socks5h://all:1080", 1);
	assert_string_equal(fetch_conn_proxy_env(PROTO_POP),
			    "socks5h://all:1080");
	setenv("all_proxy", "socks5h://all-lower:1080", 1);
	assert_string_equal(fetch_conn_proxy_env(PROTO_POP),
			    "socks5h://all-lower:1080");
	/* The protocol's own variable comes first, and only its own. */
	setenv("POP3S_PROXY", "socks5h://pops:1080", 1);
	assert_string_equal(fetch_conn_proxy_env(PROTO_POPS),
			    "socks5h://pops:1080");
	p = fetch_conn_proxy_env(PROTO_IMAPS);
	assert_string_equal(p, "socks5h://all-lower:1080");
	setenv("imaps_proxy", "socks5h://imaps:1080", 1);
	assert_string_equal(fetch_conn_proxy_env(PROTO_IMAPS),
			    "socks5h://imaps:1080");
	/* An empty variable counts as unset. */
	setenv("imaps_proxy", "", 1);
	assert_string_equal(fetch_conn_proxy_env(PROTO_IMAPS),
			    "socks5h://all-lower:1080");
	clear_proxies();
}

static enum ma_status
load(const char *proxy_line)
{
	char text[512];
	struct config *c = NULL;
	struct account *a = NULL;
	enum ma_status st;

	snprintf(text, sizeof text,
		 "protocol = imaps\nhost = mail.example.org\nusername = u\n"
		 "password = p\n%s\n",
		 proxy_line);
	assert_int_equal(config_parse_string(text, "test", &c), MA_OK);
	log_adjust(-5);
	st = account_from_config(c, "s", "a", "test", &a);
	log_adjust(+5);
	account_free(a);
	return st;
}

static void
test_proxy_setting_checked(void **state)
{
	static const char *const good[] = {
	    "",
	    "proxy = none",
	    "proxy = env",
	    "proxy = socks5h://127.0.0.1:1080",
	    "proxy = socks5://user:pw@proxy.example.org:1080",
	    "proxy = socks4a://p:1080",
	    "proxy = http://proxy.example.org:3128",
	    "proxy = https://proxy.example.org",
	};
	static const char *const bad[] = {
	    "proxy = yes",	    "proxy = ftp://p:21",
	    "proxy = socks5h://",   "proxy = socks5h://user@",
	    "proxy = http://:3128", "proxy = proxy.example.org:3128",
	};

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(load(good[i]), MA_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(load(bad[i]), MA_ECONFIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_proxy_env_order),
	    cmocka_unit_test(test_proxy_setting_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
