#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testutil.inc"

#include "net_proxy.h"

static const char *const vars[] = {
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
    "all_proxy",  "ALL_PROXY",	"imaps_proxy", "IMAPS_PROXY",
};

static void
clear(void)
{
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
}

/* The OAuth requests' schemes: https_proxy first, then all_proxy. */
static void
test_env_https(void **state)
{
	(void)state;
	clear();
	assert_null(net_proxy_env("https"));
	setenv("ALL_PROXY", "socks5h://all:1080", 1);
	assert_string_equal(net_proxy_env("https"), "socks5h://all:1080");
	setenv("HTTPS_PROXY", "http://up:3128", 1);
	assert_string_equal(net_proxy_env("https"), "http://up:3128");
	setenv("https_proxy", "http://low:3128", 1);
	assert_string_equal(net_proxy_env("https"), "http://low:3128");
	clear();
}

/* HTTP_PROXY (upper case) can come from a request header in CGI: never
 * read, as libcurl does not; http_proxy is. */
static void
test_env_http_upper_ignored(void **state)
{
	(void)state;
	clear();
	setenv("HTTP_PROXY", "http://cgi:3128", 1);
	assert_null(net_proxy_env("http"));
	setenv("all_proxy", "socks5h://all:1080", 1);
	assert_string_equal(net_proxy_env("http"), "socks5h://all:1080");
	setenv("http_proxy", "http://low:3128", 1);
	assert_string_equal(net_proxy_env("http"), "http://low:3128");
	/* For the mail schemes IMAPS_PROXY in upper case is read. */
	setenv("IMAPS_PROXY", "socks5h://imaps:1080", 1);
	assert_string_equal(net_proxy_env("imaps"), "socks5h://imaps:1080");
	clear();
}

static void
test_shown_drops_credentials(void **state)
{
	char out[64];

	(void)state;
	net_proxy_shown("socks5h://joe:s3cret@127.0.0.1:1080", out, sizeof out);
	assert_string_equal(out, "socks5h://127.0.0.1:1080");
	net_proxy_shown("http://proxy.example.org:3128/", out, sizeof out);
	assert_string_equal(out, "http://proxy.example.org:3128");
	net_proxy_shown("http://a@b@c:1/x", out, sizeof out);
	assert_string_equal(out, "http://c:1");
	/* Cut to size, never overrun. */
	net_proxy_shown("socks5h://very-long-host-name.example.org:1080", out,
			12);
	assert_int_equal(strlen(out), 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_https),
	    cmocka_unit_test(test_env_http_upper_ignored),
	    cmocka_unit_test(test_shown_drops_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
