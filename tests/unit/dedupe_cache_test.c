/* lib/dedupe_db: memory stays flat however large the index grows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_SANITIZER_STATS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define USE_SANITIZER_STATS 1
#endif

#ifdef USE_SANITIZER_STATS
/* From the sanitizer runtime (its header is not always installed). */
size_t __sanitizer_get_current_allocated_bytes(void);
#else
#include <malloc.h>
#endif

#include "dedupe_db.h"
#include "log.h"

/* 4096 buckets of 60 entries: 245,760, well past what is kept. */
#define PER_BUCKET 60
/* Adds from an empty index: well past what is kept. */
#define ADDS 240000

static size_t
allocated(void)
{
#ifdef USE_SANITIZER_STATS
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

static void
write_buckets(const char *dir)
{
	char path[64], line[256];

	assert_int_equal(mkdir(dir, 0700), 0);
	for (unsigned b = 0; b < DEDUPE_BUCKETS; b++) {
		FILE *f;
		int n = snprintf(path, sizeof path, "%s/%03x", dir, b);

		assert_true(n > 0 && (size_t)n < sizeof path);
		assert_non_null(f = fopen(path, "w"));
		for (int i = 0; i < PER_BUCKET; i++) {
			n = snprintf(line, sizeof line,
				     "%064x\t%u.M%dP1.host\timport\t"
				     "filler-%u-%d@bench.example\n",
				     b * PER_BUCKET + i, b, i, b, i);
			assert_true(n > 0 && (size_t)n < sizeof line);
			assert_int_equal(fputs(line, f) >= 0, 1);
		}
		assert_int_equal(fclose(f), 0);
	}
}

static void
test_memory_is_bounded(void **state)
{
	static const char h[] =
	    "abababababababababababababababababababababababababababababababab";
	const struct dedupe_entry *v;
	struct dedupe_db *db = NULL;
	size_t n, before, peak = 0;
	char id[64];

	(void)state;
	write_buckets("big");
	before = allocated();
	assert_int_equal(dedupe_db_open("big", true, &db), MA_OK);
	assert_int_equal(dedupe_db_add(db, h, "kept.M1P1.host", "main",
				       "kept@bench.example"),
			 MA_OK);
	/* Enough lookups to read every bucket several times over. */
	for (int i = 0; i < 40000; i++) {
		int k = snprintf(id, sizeof id, "probe-%d@bench.example", i);

		assert_true(k > 0 && (size_t)k < sizeof id);
		assert_int_equal(dedupe_db_find(db, id, &v, &n), MA_OK);
		assert_int_equal(n, 0);
		if (i % 1000 == 0 && allocated() - before > peak)
			peak = allocated() - before;
	}
	/* All of it in memory would be over 45 MB here (about 190 bytes an
	 * entry); the cache keeps about 100,000 entries. */
	assert_true(peak < (size_t)32 << 20);
	/* What was dropped is read again: the entry added is still found. */
	assert_int_equal(dedupe_db_find(db, "kept@bench.example", &v, &n),
			 MA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].source, "main");
	assert_int_equal(dedupe_db_checkpoint(db), MA_OK);
	dedupe_db_close(db);
	assert_int_equal(dedupe_db_open("big", true, &db), MA_OK);
	assert_int_equal(dedupe_db_find(db, "kept@bench.example", &v, &n),
			 MA_OK);
	assert_int_equal(n, 1);
	dedupe_db_close(db);
}

/*
 * An import adds far more than it looks up anew: once every bucket is
 * loaded, adds alone must not grow the cache past its size (a
 * 1,000,000-message import held all of it: 307 MB).
 */
static void
test_adds_stay_bounded(void **state)
{
	struct dedupe_db *db = NULL;
	const struct dedupe_entry *v;
	size_t n, before, peak = 0;
	char id[64], ident[65], name[64];

	(void)state;
	assert_int_equal(mkdir("adds", 0700), 0);
	before = allocated();
	assert_int_equal(dedupe_db_open("adds", true, &db), MA_OK);
	for (int i = 0; i < ADDS; i++) {
		int k = snprintf(id, sizeof id, "add-%d@bench.example", i);

		assert_true(k > 0 && (size_t)k < sizeof id);
		k = snprintf(ident, sizeof ident, "%064x", i);
		assert_true(k > 0 && (size_t)k < sizeof ident);
		k = snprintf(name, sizeof name, "%d.M1P1.host", i);
		assert_true(k > 0 && (size_t)k < sizeof name);
		assert_int_equal(dedupe_db_add(db, ident, name, "main", id),
				 MA_OK);
		/* As a run does, a batch at a time. */
		if (i % 2048 == 2047) {
			assert_int_equal(dedupe_db_sync(db), MA_OK);
			if (allocated() - before > peak)
				peak = allocated() - before;
		}
	}
	/* All of it would be about 45 MB; the cache keeps about 100,000
	 * entries. */
	assert_true(peak < (size_t)32 << 20);
	assert_int_equal(dedupe_db_find(db, "add-7@bench.example", &v, &n),
			 MA_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "7.M1P1.host");
	assert_int_equal(dedupe_db_checkpoint(db), MA_OK);
	dedupe_db_close(db);
}

/*
 * Once a bucket was read, a lookup of a Message-ID it does not hold
 * reads nothing, even after the cache dropped the bucket: the buckets
 * are made unreadable (a folder in each one's place) after a first pass,
 * and lookups of other IDs still answer "none". The filter may take an
 * absent ID for a present one (then the lookup reads the bucket, here a
 * folder, and fails): at 60 IDs a bucket, about 1 lookup in 12,700; at
 * most 1 in 1,000 is allowed (without the filter, 2,439 of the 20,000
 * fail).
 */
static void
test_absent_ids_read_nothing(void **state)
{
	struct dedupe_db *db = NULL;
	const struct dedupe_entry *v;
	char id[64], path[64], moved[80];
	size_t n, before;
	int read = 0;

	(void)state;
	write_buckets("known");
	assert_int_equal(dedupe_db_open("known", true, &db), MA_OK);
	for (int i = 0; i < 600; i++) {
		char identity[65], name[32];
		int k = snprintf(id, sizeof id, "added-%d@bench.example", i);

		assert_true(k > 0 && (size_t)k < sizeof id);
		snprintf(identity, sizeof identity, "%064x", 900000 + i);
		snprintf(name, sizeof name, "%d.M1P1.added", i);
		assert_int_equal(
		    dedupe_db_add(db, identity, name, "import", id), MA_OK);
	}
	assert_int_equal(dedupe_db_checkpoint(db), MA_OK);
	before = allocated();
	/* Enough probes to read every bucket: 4096 buckets, 40,000 IDs. */
	for (int i = 0; i < 40000; i++) {
		int k = snprintf(id, sizeof id, "first-%d@bench.example", i);

		assert_true(k > 0 && (size_t)k < sizeof id);
		assert_int_equal(dedupe_db_find(db, id, &v, &n), MA_OK);
		assert_int_equal(n, 0);
	}
	/* A bucket read for an ID it does not hold is not kept: what stays
	 * is the filters (2 MiB), not a cache of 100,000 entries. */
	print_message("held after the probes: %zu bytes\n",
		      allocated() - before);
	assert_true(allocated() - before < (4u << 20));
	/* Every bucket's filter is made; the IDs added before are still
	 * found (no filter turns one away), the cache long past. */
	for (int i = 0; i < 600; i++) {
		int k = snprintf(id, sizeof id, "added-%d@bench.example", i);

		assert_true(k > 0 && (size_t)k < sizeof id);
		assert_int_equal(dedupe_db_find(db, id, &v, &n), MA_OK);
		assert_int_equal(n, 1);
		assert_string_equal(v[0].source, "import");
	}
	for (unsigned b = 0; b < DEDUPE_BUCKETS; b++) {
		int k = snprintf(path, sizeof path, "known/%03x", b);

		assert_true(k > 0 && (size_t)k < sizeof path);
		k = snprintf(moved, sizeof moved, "known/%03x.away", b);
		assert_true(k > 0 && (size_t)k < sizeof moved);
		assert_int_equal(rename(path, moved), 0);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	for (int i = 0; i < 20000; i++) {
		int k = snprintf(id, sizeof id, "second-%d@bench.example", i);

		assert_true(k > 0 && (size_t)k < sizeof id);
		if (dedupe_db_find(db, id, &v, &n) != MA_OK)
			read++;
		else
			assert_int_equal(n, 0);
	}
	assert_in_range(read, 0, 20);
	dedupe_db_close(db);
}

/*
 * Lookups and adds in a random order, with the index closed and opened
 * again halfway (the buckets then known only by reading them), agree
 * with a plain count of what was added: the filters never hide an entry,
 * whether the bucket is cached, dropped by the cache's trim or dropped
 * after a lookup it could not rule out. 150,000 Message-IDs (past the
 * cache's 100,000 entries), 220,000 steps; some IDs get a second entry,
 * as a second version of a message does.
 */
#define MODEL_IDS   150000
#define MODEL_STEPS 220000

static void
test_agrees_with_a_model(void **state)
{
	static unsigned char count[MODEL_IDS];
	struct dedupe_db *db = NULL;
	const struct dedupe_entry *v;
	char id[64], ident[65], name[64];
	unsigned long x = 12345;
	size_t n;
	int added = 0;

	(void)state;
	memset(count, 0, sizeof count);
	assert_int_equal(dedupe_db_open("model", true, &db), MA_OK);
	for (int step = 0; step < MODEL_STEPS; step++) {
		unsigned i;
		int k;

		x = x * 6364136223846793005ul + 1442695040888963407ul;
		i = (unsigned)(x >> 33) % MODEL_IDS;
		k = snprintf(id, sizeof id, "model-%u@bench.example", i);
		assert_true(k > 0 && (size_t)k < sizeof id);
		assert_int_equal(dedupe_db_find(db, id, &v, &n), MA_OK);
		if (n != count[i])
			fail_msg("step %d: %s has %zu entries, %u added", step,
				 id, n, (unsigned)count[i]);
		/* New: added; seen once: a second entry now and then. */
		if (count[i] == 0 || (count[i] == 1 && (x >> 20) % 16 == 0)) {
			k = snprintf(ident, sizeof ident, "%064x", added);
			assert_true(k > 0 && (size_t)k < sizeof ident);
			k = snprintf(name, sizeof name, "%d.M1P1.model", added);
			assert_true(k > 0 && (size_t)k < sizeof name);
			assert_int_equal(
			    dedupe_db_add(db, ident, name, "main", id), MA_OK);
			count[i]++;
			added++;
		}
		if (step % 2048 == 2047)
			assert_int_equal(dedupe_db_sync(db), MA_OK);
		if (step == MODEL_STEPS / 2) {
			assert_int_equal(dedupe_db_checkpoint(db), MA_OK);
			dedupe_db_close(db);
			assert_int_equal(dedupe_db_open("model", true, &db),
					 MA_OK);
		}
	}
	assert_int_equal(dedupe_db_checkpoint(db), MA_OK);
	dedupe_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_memory_is_bounded),
	    cmocka_unit_test(test_adds_stay_bounded),
	    cmocka_unit_test(test_absent_ids_read_nothing),
	    cmocka_unit_test(test_agrees_with_a_model),
	};

	log_init("dedupe_cache_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
