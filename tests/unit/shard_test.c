/*
 * The shard level of the permalink rule (lib/permalink.h, steps 4 and 5):
 * HH is the first byte of the SHA-256 of the Message-ID, whether it is
 * read from the Message-ID or from the NAME alone; and no folder of a
 * site holds more than 65,536 entries at 1,000,000 messages.
 *
 * The count runs the naming functions themselves (permalink_name(),
 * permalink_stem()) over generated Message-IDs of varied forms: those of
 * common mailers, sequential ones, UUIDs, long ones that the rule
 * shortens, non-ASCII ones (UTF-8 and raw 8-bit) and ids full of bytes
 * the rule encodes. SHARD_N sets how many (100,000 by default; "make
 * torture-shard" runs 1,000,000).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "permalink.h"

/* The most entries a folder may hold (issue #14). */
#define FOLDER_MAX 65536
/* Files per NAME in one shard: a thread's .html, .atom and .mbox (a
 * message has its .html and .eml; a version's .eml is rare and counted
 * apart below). */
#define FILES_PER_NAME 3

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The i-th generated Message-ID (without brackets) into out. */
static void
gen_id(unsigned long i, char *out, size_t size)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/=_-";
	uint64_t x = next(), y = next();
	size_t n = 0, len;

	switch (i % 8) {
	case 0: /* a common mailer's */
		n = (size_t)snprintf(out, size,
				     "CA%016llx%08llx@mail.gmail.com",
				     (unsigned long long)x,
				     (unsigned long long)(y & 0xffffffffu));
		break;
	case 1: /* sequential: neighbours differ in one digit */
		n = (size_t)snprintf(out, size,
				     "%lu.1700000000@list.example.org", i);
		break;
	case 2: /* a UUID */
		n = (size_t)snprintf(
		    out, size,
		    "%08llx-%04llx-4%03llx-a%03llx-%012llx@example.com",
		    (unsigned long long)(x >> 32),
		    (unsigned long long)(x >> 16 & 0xffff),
		    (unsigned long long)(x & 0xfff),
		    (unsigned long long)(y >> 52),
		    (unsigned long long)(y & 0xffffffffffffu));
		break;
	case 3: /* long: the rule shortens it (200 to 998 bytes) */
		len = 200 + (size_t)(x % 799);
		for (n = 0; n < len && n + 1 < size; n++)
			out[n] = b64[next() % (sizeof b64 - 1)];
		break;
	case 4: /* UTF-8 */
		n = (size_t)snprintf(
		    out, size,
		    "caf\xc3\xa9-%llx@\xe4\xbe\x8b\xe3\x81\x88."
		    "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88",
		    (unsigned long long)x);
		break;
	case 5: /* raw 8-bit, as broken mailers send */
		n = (size_t)snprintf(out, size, "%llx\xe9\xff\x80@x",
				     (unsigned long long)x);
		break;
	case 6: /* bytes the rule encodes */
		n = (size_t)snprintf(out, size, "a/b=c d%%%llx<>\"'!#$&*@x y",
				     (unsigned long long)x);
		break;
	default: /* short and odd */
		n = (size_t)snprintf(out, size, ".%llx",
				     (unsigned long long)(x % 100000));
		break;
	}
	out[n < size ? n : size - 1] = '\0';
}

static void
sha_hh(const char *id, char hh[3])
{
	static const char lhex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	assert_true(EVP_Digest(id, strlen(id), md, &mdlen, EVP_sha256(), NULL));
	hh[0] = lhex[md[0] >> 4];
	hh[1] = lhex[md[0] & 15];
	hh[2] = '\0';
}

/* The documented example and a few fixed points. */
static void
test_examples(void **state)
{
	char stem[PERMALINK_STEM_MAX], name[PERMALINK_NAME_MAX];
	char *p;

	(void)state;
	assert_int_equal(permalink_name("<CAF+x=1@mail.example.com>", name),
			 MA_OK);
	assert_int_equal(permalink_stem(name, stem), MA_OK);
	assert_string_equal(stem, "8d/CAF+x=3D1@mail.example.com");
	p = permalink_path("CAF+x=1@mail.example.com");
	assert_string_equal(p, "m/8d/CAF+x=3D1@mail.example.com.html");
	free(p);
}

/* What is no NAME of the rule has no shard. */
static void
test_bad_names(void **state)
{
	char hh[3], stem[PERMALINK_STEM_MAX];
	char big[PERMALINK_NAME_MAX + 8];

	(void)state;
	assert_int_equal(permalink_shard("", hh), MA_EDATA);
	assert_int_equal(permalink_shard("a=4", hh), MA_EDATA);
	assert_int_equal(permalink_shard("a=4g", hh), MA_EDATA);
	assert_int_equal(permalink_shard("a=4a", hh), MA_EDATA); /* upper */
	assert_int_equal(permalink_shard("x==abc", hh), MA_EDATA);
	assert_int_equal(
	    permalink_shard("x==0123456789ABCDEF0123456789abcdef", hh),
	    MA_EDATA);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(permalink_stem(big, stem), MA_EDATA);
	assert_int_equal(permalink_shard(big, hh), MA_EDATA);
}

/*
 * HH read from the NAME is HH of the Message-ID, for every form; and
 * the count: entries per folder at SHARD_N messages.
 */
static void
test_million(void **state)
{
	const char *env = getenv("SHARD_N");
	unsigned long n = env != NULL ? strtoul(env, NULL, 10) : 100000;
	unsigned long count[256] = {0}, longs = 0, most = 0, least = ~0ul;
	char id[1024], name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	char hh[3];

	(void)state;
	if (n == 0)
		n = 100000;
	for (unsigned long i = 0; i < n; i++) {
		unsigned long k;

		gen_id(i, id, sizeof id);
		assert_int_equal(permalink_name(id, name), MA_OK);
		assert_int_equal(permalink_stem(name, stem), MA_OK);
		/* Checked against the digest itself for a sample. */
		if (i < 20000) {
			sha_hh(id, hh);
			assert_memory_equal(stem, hh, 2);
		}
		assert_int_equal(stem[2], '/');
		assert_string_equal(stem + 3, name);
		k = strtoul((char[3]){stem[0], stem[1], '\0'}, NULL, 16);
		count[k]++;
		longs += strstr(name, "==") != NULL;
	}
	for (int k = 0; k < 256; k++) {
		most = count[k] > most ? count[k] : most;
		least = count[k] < least ? count[k] : least;
	}
	printf("# %lu ids (%lu shortened): 256 shards, %lu to %lu names "
	       "each, at most %lu files in a folder\n",
	       n, longs, least, most, most * FILES_PER_NAME);
	/* m/ and t/ themselves hold the 256 shards (and, on an upgraded
	 * site, the flat addresses it had before). */
	assert_true(most * FILES_PER_NAME <= FOLDER_MAX);
	/* Spread: no shard more than twice its share (the digest is
	 * uniform; this catches a rule that is not). */
	assert_true(most <= 2 * (n / 256) + 64);
	assert_true(longs > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_bad_names),
	    cmocka_unit_test(test_million),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
