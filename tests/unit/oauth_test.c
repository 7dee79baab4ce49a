/* Unit tests of the OAuth 2.0 pieces that need no server: PKCE, URL and
 * form rules, token responses, the cache format, provider defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "config.h"
#include "log.h"
#include "oauth.h"
#include "oauth_http.h"
#include "oauth_int.h"
#include "oauth_json.h"
#include "pkce.h"

static void
test_base64url_rfc4648_vectors(void **state)
{
	static const char *const in[] = {"",	 "f",	  "fo",	   "foo",
					 "foob", "fooba", "foobar"};
	static const char *const out[] = {
	    "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
	static const unsigned char url[] = {0xfb, 0xff};
	char buf[16];

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		base64url_encode((const unsigned char *)in[i], strlen(in[i]),
				 buf);
		assert_string_equal(buf, out[i]);
	}
	/* The URL-safe alphabet: no '+', '/' or padding. */
	base64url_encode(url, 2, buf);
	assert_string_equal(buf, "-_8");
}

static void
test_pkce_s256_matches_rfc7636_appendix_b(void **state)
{
	char ch[PKCE_CHALLENGE_LEN + 1];

	(void)state;
	assert_int_equal(pkce_challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_"
					     "wW1gFWFOEjXk",
					     ch),
			 MA_OK);
	assert_string_equal(ch, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_pkce_new_is_random_and_consistent(void **state)
{
	struct pkce a, b;
	char ch[PKCE_CHALLENGE_LEN + 1];

	(void)state;
	assert_int_equal(pkce_new(&a), MA_OK);
	assert_int_equal(pkce_new(&b), MA_OK);
	assert_int_equal(strlen(a.verifier), 43);
	assert_int_equal(strspn(a.verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
					    "ghijklmnopqrstuvwxyz0123456789-_"),
			 43);
	assert_string_not_equal(a.verifier, b.verifier);
	assert_int_equal(pkce_challenge_s256(a.verifier, ch), MA_OK);
	assert_string_equal(ch, a.challenge);
	pkce_wipe(&a);
	assert_int_equal(a.verifier[0], 0);
}

static void
test_token_url_must_be_https_unless_loopback(void **state)
{
	(void)state;
	assert_null(oauth_url_check("https://login.microsoftonline.com/x/t"));
	assert_null(oauth_url_check("http://127.0.0.1:8080/token"));
	assert_null(oauth_url_check("http://127.9.8.7/token"));
	assert_null(oauth_url_check("http://[::1]:9/token"));
	assert_null(oauth_url_check("http://localhost/token"));
	assert_non_null(oauth_url_check("http://example.org/token"));
	assert_non_null(oauth_url_check("http://127.0.0.1.example.org/t"));
	assert_non_null(oauth_url_check("http://128.0.0.1/token"));
	assert_non_null(oauth_url_check("http://[::2]/token"));
	assert_non_null(oauth_url_check("ftp://127.0.0.1/token"));
	assert_non_null(oauth_url_check("file:///etc/passwd"));
	assert_non_null(oauth_url_check("login.example.org/token"));
	/* Credentials in a URL would end up in messages. */
	assert_non_null(oauth_url_check("https://id:secret@x.example/t"));
}

static void
test_form_round_trip_escapes_reserved_characters(void **state)
{
	struct buf f;
	char *v;

	(void)state;
	buf_init(&f, 4096);
	assert_int_equal(oauth_form_add(&f, "code", "a b&c=d+e/é"), MA_OK);
	assert_int_equal(oauth_form_add(&f, "code_verifier", "xyz"), MA_OK);
	assert_string_equal(buf_cstr(&f), "code=a%20b%26c%3Dd%2Be%2F%C3%A9&"
					  "code_verifier=xyz");
	assert_non_null(v = oauth_form_get(buf_cstr(&f), "code"));
	assert_string_equal(v, "a b&c=d+e/é");
	free(v);
	/* "code" must not match inside "code_verifier", nor a missing key. */
	assert_non_null(v = oauth_form_get("code_verifier=1&code=2", "code"));
	assert_string_equal(v, "2");
	free(v);
	assert_null(oauth_form_get("code_verifier=1", "code"));
	/* '+' is a blank in forms; an encoded NUL is refused. */
	assert_non_null(v = oauth_form_get("state=a+b", "state"));
	assert_string_equal(v, "a b");
	free(v);
	assert_null(oauth_form_get("state=a%00b", "state"));
	buf_release(&f);
}

static void
reply_of(const char *json, long http, struct oauth_reply *r,
	 enum ma_status want)
{
	struct buf b;

	buf_init(&b, OAUTH_HTTP_MAX);
	assert_int_equal(buf_adds(&b, json), MA_OK);
	assert_int_equal(oauth_reply_parse(&b, http, r), want);
	buf_release(&b);
}

static void
test_reply_with_string_expiry_and_rotated_refresh_token(void **state)
{
	struct oauth_reply r;

	(void)state;
	reply_of("{\"access_token\":\"at1\",\"token_type\":\"Bearer\","
		 "\"expires_in\":\"3599\",\"refresh_token\":\"rt2\"}",
		 200, &r, MA_OK);
	assert_string_equal(r.access.data, "at1");
	assert_string_equal(r.refresh.data, "rt2");
	assert_int_equal(r.expires_in, 3599);
	oauth_reply_wipe(&r);
	assert_null(r.access.data);
}

static void
test_reply_errors_are_classified(void **state)
{
	struct oauth_reply r;

	(void)state;
	reply_of("{\"error\":\"invalid_grant\",\"error_description\":"
		 "\"AADSTS70008:\\n expired\\u0007\"}",
		 400, &r, MA_EAUTH);
	assert_string_equal(r.error, "invalid_grant");
	/* Provider text reaches a log line: printable ASCII only. */
	assert_string_equal(r.error_desc, "AADSTS70008:  expired ");
	reply_of("<html>busy</html>", 503, &r, MA_ETEMP);
	reply_of("{}", 429, &r, MA_ETEMP);
	reply_of("{\"token_type\":\"Bearer\"}", 200, &r, MA_EPROTO);
	reply_of("[\"access_token\"]", 200, &r, MA_EPROTO);
	reply_of("{\"access_token\":\"a\",\"access_token\":\"b\"}", 200, &r,
		 MA_EPROTO);
	reply_of("{\"access_token\":\"a\"}", 302, &r, MA_EPROTO);
}

static void
test_cache_round_trip(void **state)
{
	struct oauth_cache c, d;
	struct buf out;

	(void)state;
	memset(&c, 0, sizeof c);
	assert_int_equal(secret_dup("at-1", &c.access), MA_OK);
	assert_int_equal(secret_dup("rt-2", &c.refresh), MA_OK);
	c.expires_at = 2000000000;
	c.obtained_at = 1999996400;
	c.refresh_last_used = 1999996400;
	memset(c.seed, 'a', 64);
	memset(c.settings, 'b', 64);
	buf_init(&out, 65536);
	assert_int_equal(oauth_cache_serialise(&c, &out), MA_OK);
	assert_int_equal(oauth_cache_parse(out.data, out.len, &d), MA_OK);
	assert_string_equal(d.access.data, "at-1");
	assert_string_equal(d.refresh.data, "rt-2");
	assert_int_equal(d.expires_at, 2000000000);
	assert_int_equal(d.refresh_last_used, 1999996400);
	assert_string_equal(d.seed, c.seed);
	assert_string_equal(d.settings, c.settings);
	oauth_cache_wipe(&d);
	assert_int_equal(oauth_cache_parse("not json", 8, &d), MA_EDATA);
	oauth_cache_wipe(&c);
	buf_wipe_release(&out);
}

/* An account from INI text, with a space whose root is /nonexistent. */
static enum ma_status
resolve(const char *ini, struct oauth_params *p)
{
	struct space s = {.root = (char *)"/nonexistent", .key = (char *)"s"};
	struct account *a = NULL;
	struct config *cfg;
	enum ma_status st;

	assert_int_equal(config_parse_string(ini, "test", &cfg), MA_OK);
	st = account_from_config(cfg, "s", "a", "test", &a);
	if (st == MA_OK)
		st = oauth_params_resolve(&s, a, p);
	/* p borrows a: keep it for the caller's checks, freed by release. */
	if (st == MA_OK)
		p->a = a;
	else {
		oauth_params_release(p);
		account_free(a);
	}
	return st;
}

static void
release(struct oauth_params *p)
{
	account_free((struct account *)p->a);
	oauth_params_release(p);
}

#define BASE                                                                   \
	"protocol = imaps\nhost = mail.example.org\nusername = a@b.c\n"        \
	"auth = oauth2\nclient_id = id1\n"

static void
test_microsoft_defaults_follow_protocol_and_method(void **state)
{
	struct oauth_params p;

	(void)state;
	assert_int_equal(resolve(BASE "oauth_provider = microsoft\n", &p),
			 MA_OK);
	assert_string_equal(p.token_url, "https://login.microsoftonline.com/"
					 "common/oauth2/v2.0/token");
	assert_string_equal(p.scope, "https://outlook.office.com/"
				     "IMAP.AccessAsUser.All offline_access");
	assert_string_equal(p.cache_path, "/nonexistent/tokens/s.a.json");
	assert_string_equal(p.refresh_file, "/nonexistent/tokens/s.a.refresh");
	release(&p);
	assert_int_equal(resolve("protocol = pops\nhost = h\nusername = u\n"
				 "auth = oauth2\nclient_id = i\n"
				 "oauth_provider = microsoft\n"
				 "tenant_id = contoso.onmicrosoft.com\n",
				 &p),
			 MA_OK);
	assert_string_equal(p.scope, "https://outlook.office.com/"
				     "POP.AccessAsUser.All offline_access");
	assert_string_equal(p.token_url,
			    "https://login.microsoftonline.com/"
			    "contoso.onmicrosoft.com/oauth2/v2.0/token");
	release(&p);
	assert_int_equal(resolve(BASE "oauth_provider = microsoft\n"
				      "oauth_method = client_credentials\n"
				      "tenant_id = t1\n"
				      "client_secret_file = /etc/cs\n",
				 &p),
			 MA_OK);
	assert_string_equal(p.scope, "https://outlook.office365.com/.default");
	release(&p);
}

static void
test_settings_that_cannot_work_are_refused(void **state)
{
	struct oauth_params p;

	(void)state;
	/* App-only tokens need a tenant and a secret. */
	assert_int_equal(resolve(BASE "oauth_provider = microsoft\n"
				      "oauth_method = client_credentials\n"
				      "client_secret_file = /etc/cs\n",
				 &p),
			 MA_ECONFIG);
	assert_int_equal(resolve(BASE "oauth_provider = microsoft\n"
				      "oauth_method = client_credentials\n"
				      "tenant_id = t1\n",
				 &p),
			 MA_ECONFIG);
	assert_int_equal(resolve(BASE "oauth_provider = microsoft\n"
				      "tenant_id = a/b\n",
				 &p),
			 MA_ECONFIG);
	/* The password grant needs the mailbox's password. */
	assert_int_equal(resolve(BASE "oauth_provider = microsoft\n"
				      "oauth_method = password\n"
				      "tenant_id = t1\n",
				 &p),
			 MA_ECONFIG);
	assert_int_equal(resolve(BASE "oauth_provider = google\n", &p),
			 MA_ECONFIG);
	assert_int_equal(resolve(BASE "oauth_provider = generic\n"
				      "token_url = https://x.example/t\n",
				 &p),
			 MA_ECONFIG);
	assert_int_equal(resolve(BASE "oauth_provider = generic\nscope = s\n"
				      "token_url = http://x.example/t\n",
				 &p),
			 MA_ECONFIG);
	assert_int_equal(resolve(BASE "oauth_provider = generic\nscope = s\n"
				      "token_url = https://x.example/t\n"
				      "refresh_token_file = rel/path\n",
				 &p),
			 MA_ECONFIG);
}

static void
test_settings_fingerprint_changes_with_scope(void **state)
{
	struct oauth_params p, q;

	(void)state;
	assert_int_equal(resolve(BASE "oauth_provider = generic\nscope = s\n"
				      "token_url = https://x.example/t\n",
				 &p),
			 MA_OK);
	assert_int_equal(resolve(BASE "oauth_provider = generic\nscope = t\n"
				      "token_url = https://x.example/t\n",
				 &q),
			 MA_OK);
	assert_string_not_equal(p.settings, q.settings);
	release(&p);
	release(&q);
}

static void
test_check_account_reads_the_client_secret_file(void **state)
{
	struct space s = {.root = (char *)"/nonexistent", .key = (char *)"s"};
	char dir[] = "/tmp/oauth_test.XXXXXX", ini[512], path[64];
	struct account *a = NULL;
	struct config *cfg;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/cs", dir);
	snprintf(ini, sizeof ini,
		 BASE "oauth_provider = microsoft\n"
		      "oauth_method = client_credentials\ntenant_id = t\n"
		      "client_secret_file = %s\n",
		 path);
	assert_int_equal(config_parse_string(ini, "test", &cfg), MA_OK);
	assert_int_equal(account_from_config(cfg, "s", "a", "test", &a), MA_OK);
	/* Missing: the front end refuses it before saving the account. */
	assert_int_equal(oauth_check_account(&s, a), MA_ECONFIG);
	assert_non_null(f = fopen(path, "w"));
	fputs("secret\n", f);
	fclose(f);
	assert_int_equal(oauth_check_account(&s, a), MA_OK);
	account_free(a);
	unlink(path);
	rmdir(dir);

	/* Accounts without OAuth have nothing to check. */
	assert_int_equal(config_parse_string("protocol = imaps\nhost = h\n"
					     "username = u\npassword = p\n",
					     "test", &cfg),
			 MA_OK);
	assert_int_equal(account_from_config(cfg, "s", "b", "test", &a), MA_OK);
	assert_int_equal(oauth_check_account(&s, a), MA_OK);
	account_free(a);
}

static void
test_info_line_uses_absolute_utc_times(void **state)
{
	struct oauth_info info = {.access_expires = 1795375440,
				  .refresh_last_used = 0};
	char line[128], tiny[8];

	(void)state;
	assert_int_equal(oauth_info_format(&info, line, sizeof line), MA_OK);
	assert_string_equal(line, "access token expires 2026-11-22 19:24Z, "
				  "refresh token last used never");
	info.access_expires = 0;
	info.refresh_last_used = 1795371840;
	assert_int_equal(oauth_info_format(&info, line, sizeof line), MA_OK);
	assert_string_equal(line, "access token expires none, refresh token "
				  "last used 2026-11-22 18:24Z");
	assert_int_equal(oauth_info_format(&info, tiny, sizeof tiny),
			 MA_ETOOBIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base64url_rfc4648_vectors),
	    cmocka_unit_test(test_pkce_s256_matches_rfc7636_appendix_b),
	    cmocka_unit_test(test_pkce_new_is_random_and_consistent),
	    cmocka_unit_test(test_token_url_must_be_https_unless_loopback),
	    cmocka_unit_test(test_form_round_trip_escapes_reserved_characters),
	    cmocka_unit_test(
		test_reply_with_string_expiry_and_rotated_refresh_token),
	    cmocka_unit_test(test_reply_errors_are_classified),
	    cmocka_unit_test(test_cache_round_trip),
	    cmocka_unit_test(
		test_microsoft_defaults_follow_protocol_and_method),
	    cmocka_unit_test(test_settings_that_cannot_work_are_refused),
	    cmocka_unit_test(test_settings_fingerprint_changes_with_scope),
	    cmocka_unit_test(test_check_account_reads_the_client_secret_file),
	    cmocka_unit_test(test_info_line_uses_absolute_utc_times),
	};

	log_init("oauth_test");
	log_adjust(-5);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
