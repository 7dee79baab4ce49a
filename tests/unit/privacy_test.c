/* lib/privacy, lib/hold, lib/audit and the erasure parts of lib/tombstone,
 * lib/dedupe_db and lib/mime: what erase, export, hold and retention
 * decide on. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "dedupe_db.h"
#include "hold.h"
#include "log.h"
#include "mime.h"
#include "path.h"
#include "privacy.h"
#include "space.h"
#include "tombstone.h"

static const char hash[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static bool
has(const char *hdr, const char *addr)
{
	bool hit = false;

	assert_int_equal(mime_header_has_addr(hdr, strlen(hdr), addr, &hit),
			 MA_OK);
	return hit;
}

static void
test_address_fields_case_and_folding(void **state)
{
	(void)state;
	assert_true(
	    has("From: Alice <Alice@Example.COM>\n", "alice@example.com"));
	assert_true(has("To: a@x,\n b@x,\n   ALICE@example.com\n",
			"alice@example.com"));
	assert_true(
	    has("Cc: \"A, B\" <alice@example.com>\n", "alice@example.com"));
	assert_true(
	    has("To: team: alice@example.com, b@x;\n", "alice@example.com"));
	assert_true(has("Sender: alice@example.com\n", "alice@example.com"));
	assert_true(has("reply-to: alice@example.com\n", "alice@example.com"));
	assert_true(has("Bcc: alice@example.com\n", "alice@example.com"));
	assert_true(
	    has("Delivered-To: alice@example.com\n", "alice@example.com"));
	/* A display name, a subject or another field is not the address. */
	assert_false(has("From: \"alice@example.com\" <eve@example.net>\n",
			 "alice@example.com"));
	assert_false(has("Subject: alice@example.com\n", "alice@example.com"));
	assert_false(
	    has("X-Original-To: alice@example.com\n", "alice@example.com"));
	assert_false(has("To: malice@example.com\n", "alice@example.com"));
}

static void
test_addr_norm(void **state)
{
	char out[PRIVACY_ADDR_MAX + 1];

	(void)state;
	assert_int_equal(
	    privacy_addr_norm(" <Alice@Example.COM> ", out, sizeof out), MA_OK);
	assert_string_equal(out, "alice@example.com");
	assert_int_equal(privacy_addr_norm("alice", out, sizeof out),
			 MA_EUSAGE);
	assert_int_equal(privacy_addr_norm("a@b@c", out, sizeof out),
			 MA_EUSAGE);
	assert_int_equal(privacy_addr_norm("a b@c", out, sizeof out),
			 MA_EUSAGE);
	assert_int_equal(privacy_addr_norm("@c", out, sizeof out), MA_EUSAGE);
	assert_int_equal(privacy_addr_norm("", out, sizeof out), MA_EUSAGE);
}

static void
test_retain_periods(void **state)
{
	(void)state;
	assert_int_equal(space_parse_retain(NULL), 0);
	assert_int_equal(space_parse_retain("forever"), 0);
	assert_int_equal(space_parse_retain("90d"), 90LL * 86400);
	assert_int_equal(space_parse_retain("7y"), 7LL * 365 * 86400);
	assert_int_equal(space_parse_retain("6m"), 6LL * 30 * 86400);
	assert_int_equal(space_parse_retain("2 weeks"), 14LL * 86400);
	assert_int_equal(space_parse_retain("0d"), -1);
	assert_int_equal(space_parse_retain("-1d"), -1);
	assert_int_equal(space_parse_retain("90"), -1);
	assert_int_equal(space_parse_retain("soon"), -1);
}

static void
test_hashed_tombstone_matches_and_is_erased(void **state)
{
	char h[TOMBSTONE_HASH_LEN + 1];
	struct tombstones *t = NULL;

	(void)state;
	unlink("ts");
	tombstone_hash_id("a1@example.com", h);
	assert_int_equal(strncmp(h, "sha256:", 7), 0);
	assert_int_equal(strlen(h), TOMBSTONE_HASH_LEN);
	assert_int_equal(tombstone_append("ts", 0, h, NULL, hash), MA_OK);
	assert_int_equal(tombstone_append("ts", 0, "d@x", NULL, NULL), MA_OK);
	assert_int_equal(tombstones_load("ts", &t), MA_OK);
	/* By the Message-ID (another body) or by identity alone. */
	assert_true(tombstones_match(t, "a1@example.com", NULL, NULL));
	assert_true(tombstones_erased(t, "a1@example.com", NULL));
	assert_true(tombstones_erased(t, "other@x", hash));
	/* A plain delete matches but is not an erasure. */
	assert_true(tombstones_match(t, "d@x", NULL, NULL));
	assert_false(tombstones_erased(t, "d@x", NULL));
	assert_false(tombstones_match(t, "a2@example.com", NULL, NULL));
	tombstones_free(t);
}

static void
test_dedupe_forget_drops_only_that_id(void **state)
{
	struct dedupe_db *db = NULL;
	const struct dedupe_entry *v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(path_mkdir_p("ddb", 0700), MA_OK);
	assert_int_equal(dedupe_db_open("ddb", true, &db), MA_OK);
	assert_int_equal(dedupe_db_add(db, hash, "n1", "import", "a1@x"),
			 MA_OK);
	assert_int_equal(dedupe_db_add(db, hash, "n2", "import", "a1@x.y"),
			 MA_OK);
	assert_int_equal(dedupe_db_sync(db), MA_OK);
	assert_int_equal(dedupe_db_checkpoint(db), MA_OK);
	dedupe_db_close(db);
	assert_int_equal(dedupe_db_forget("ddb", "a1@x"), MA_OK);
	assert_int_equal(dedupe_db_open("ddb", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "a1@x", &v, &n), MA_OK);
	assert_int_equal(n, 0);
	assert_int_equal(dedupe_db_find(db, "a1@x.y", &v, &n), MA_OK);
	assert_int_equal(n, 1);
	dedupe_db_close(db);
}

static void
test_hold_round_trip(void **state)
{
	struct hold h;

	(void)state;
	assert_int_equal(path_mkdir_p("sp", 0700), MA_OK);
	assert_int_equal(hold_get("sp", &h), MA_OK);
	assert_false(h.on);
	assert_int_equal(hold_refuse("sp", "k", "delete"), MA_OK);
	assert_int_equal(hold_set("sp", true, 1795370400, "alice", "case 1"),
			 MA_OK);
	assert_int_equal(hold_get("sp", &h), MA_OK);
	assert_true(h.on);
	assert_int_equal(h.since, 1795370400);
	assert_string_equal(h.user, "alice");
	assert_string_equal(h.reason, "case 1");
	assert_int_equal(hold_refuse("sp", "k", "delete"), MA_ENOPERM);
	assert_int_equal(hold_set("sp", true, 0, "alice", "a\nb"), MA_EUSAGE);
	assert_int_equal(hold_set("sp", false, 0, "alice", NULL), MA_OK);
	assert_int_equal(hold_refuse("sp", "k", "delete"), MA_OK);
}

static void
test_audit_line_has_no_address(void **state)
{
	char h[AUDIT_HASH_LEN + 1], *text = NULL;
	size_t len;

	(void)state;
	assert_int_equal(path_mkdir_p("au", 0700), MA_OK);
	audit_addr_hash("Alice@Example.com", h);
	/* printf %s alice@example.com | sha256sum */
	assert_string_equal(h, "sha256:ff8d9819fc0e12bf0d24892e45987e249a28dce8"
			       "36a85cad60e28eaaa8c6d976");
	assert_int_equal(audit_append("au", 1795370400, "bob", "erase", 3, h),
			 MA_OK);
	assert_int_equal(
	    audit_append("au", 1795370401, "bob", "hold-on", 0, "x\ty"), MA_OK);
	assert_int_equal(path_file_read_all("au/audit.log", 4096, &text, &len),
			 MA_OK);
	assert_string_equal(text,
			    "2026-11-22T18:00:00Z\tbob\terase\t3\tsha256:"
			    "ff8d9819fc0e12bf0d24892e45987e249a28dce836"
			    "a85cad60e28eaaa8c6d976\n"
			    "2026-11-22T18:00:01Z\tbob\thold-on\t0\tx?y\n");
	free(text);
}

/* Each test runs in a folder of its own, removed after it. */
static int
setup(void **state)
{
	char *dir = strdup("/tmp/privacy_test.XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL || chdir(dir) != 0) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	char *dir = *state;
	char *cmd = path_fmt("rm -rf '%s'", dir);
	int rc = chdir("/") == 0 && cmd != NULL && system(cmd) == 0 ? 0 : -1;

	free(cmd);
	free(dir);
	return rc;
}

/* A pseudo-random number (xorshift), the same run to run. */
static uint32_t
rnd(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

/* addr written as a header could write it: case, white space and folds
 * around its parts, a quoted or escaped local part, a doubled or
 * trailing dot, an encoded word. */
static void
spell_addr(char *out, size_t size, uint32_t *seed)
{
	static const char *const gaps[] = {
	    "", "", "", " ", "\n ", "\t", "\r\n\t", " (x) ", "(a@b)"};
	static const char *const parts[] = {"alice",   ".", "b",  "@",
					    "example", ".", "com"};
	size_t n = 0;

	out[0] = '\0';
	switch (rnd(seed) % 8) {
	case 0:
		snprintf(out, size, "\"alice.b\"@example.com");
		return;
	case 1:
		snprintf(out, size, "=?utf-8?q?alice.b=40example.com?=");
		return;
	case 2:
		snprintf(out, size, "alice\\.b@example.com");
		return;
	default:
		break;
	}
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		const char *gap =
		    gaps[rnd(seed) % (sizeof gaps / sizeof gaps[0])];

		if (rnd(seed) % 3 != 0)
			gap = "";
		n += (size_t)snprintf(out + n, size - n, "%s", gap);
		for (const char *p = parts[i]; *p && n + 1 < size; p++)
			out[n++] = rnd(seed) % 4 == 0 ? (char)toupper(*p) : *p;
		out[n] = '\0';
		if (rnd(seed) % 40 == 0)
			n += (size_t)snprintf(out + n, size - n, ".");
	}
}

/* One header field that may name alice.b@example.com, built at random. */
static void
random_field(char *out, size_t size, uint32_t *seed)
{
	static const char *const names[] = {
	    "From", "Sender",	    "Reply-To", "To",		"cc",
	    "BCC",  "Delivered-To", "Subject",	"X-Original-To"};
	/* What comes before and after the address. */
	static const char *const shapes[][2] = {
	    {"", ""},
	    {"<", ">"},
	    {"Alice <", ">"},
	    {"\"B, Alice\" <", ">"},
	    {"=?utf-8?q?Al=C3=AFce?= <", ">"},
	    {"team: bob@example.com, ", ";"},
	    {"<@relay.example:", ">"},
	    {"", " (Alice)"},
	    {"bob@example.com,\n ", ""},
	    {"", ",carol@example.org"},
	    {"<", ""},
	    {"", ">"},
	    {"Alice<", ">"}};
	char a[256], v[512];
	size_t k;

	spell_addr(a, sizeof a, seed);
	k = rnd(seed) % (sizeof shapes / sizeof shapes[0]);
	snprintf(v, sizeof v, "%s%s%s", shapes[k][0], a, shapes[k][1]);
	snprintf(out, size, "%s:%s%s\n",
		 names[rnd(seed) % (sizeof names / sizeof names[0])],
		 rnd(seed) % 2 ? " " : "", v);
}

/*
 * privacy_header_may_name() only spares the parser: for 20,000 random
 * fields, wherever mime_header_has_addr() finds the address the filter
 * must say it may be there. Blocks with nothing to look for are
 * answered without the parser.
 */
static void
test_may_name_never_hides_a_hit(void **state)
{
	const char *addr = "alice.b@example.com";
	uint32_t seed = 20261201;
	unsigned hits = 0, spared = 0;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char hdr[1200];
		size_t n;
		bool hit = false;

		random_field(hdr, sizeof hdr, &seed);
		n = strlen(hdr);
		if (rnd(&seed) % 2)
			random_field(hdr + n, sizeof hdr - n, &seed);
		n = strlen(hdr);
		if (mime_header_has_addr(hdr, n, addr, &hit) != MA_OK)
			continue;
		if (hit) {
			hits++;
			if (!privacy_header_may_name(hdr, n, addr))
				fail_msg("the filter hides '%s' in:\n%s", addr,
					 hdr);
		}
	}
	assert_true(hits > 4000);
	/* What the filter is for: most mail names someone else. */
	for (int i = 0; i < 100; i++) {
		char hdr[256];

		snprintf(
		    hdr, sizeof hdr,
		    "From: Bob %d <bob%d@example.com>\nTo: team@example.com"
		    "\nSubject: Alice's plan\n",
		    i, i);
		spared += !privacy_header_may_name(hdr, strlen(hdr), addr);
	}
	assert_int_equal(spared, 100);
	assert_true(
	    privacy_header_may_name("To: ALICE.B @ Example.com\n", 25, addr));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_address_fields_case_and_folding, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_addr_norm, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_may_name_never_hides_a_hit,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retain_periods, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_hashed_tombstone_matches_and_is_erased, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_dedupe_forget_drops_only_that_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hold_round_trip, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_audit_line_has_no_address,
					    setup, teardown),
	};

	log_init("privacy_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
