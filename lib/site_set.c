/*
 * A set of 64-bit values in about 6 bytes each (see site_set.h). The
 * sorted part is the low 48 bits of each value, big-endian, in the
 * order of the whole values, in blocks of BLOCK_ITEMS; start[b] is
 * where the values whose top 16 bits are b begin (their bucket). A
 * plain array of 64-bit values grown by doubling held 8 to 16 bytes a
 * value.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "site_set.h"

#define BUCKETS	 ((size_t)1 << 16)
#define LOW_BITS 48
#define ITEM	 6 /* bytes of a stored value */
/* New values wait here; each merge moves the sorted part once. */
#define TAIL_MAX 65536
/* The sorted part lives in blocks of this many values, never moved by
 * realloc(): a long run's heap would keep the holes of each old copy. */
#define BLOCK_ITEMS 65536

struct site_set {
	unsigned char **block; /* nblock blocks of BLOCK_ITEMS values */
	size_t nblock;
	size_t n; /* values in the sorted part */
	uint32_t start[BUCKETS + 1];
	uint64_t tail[TAIL_MAX];
	size_t ntail;
	/* site_set_spill(): a full tail goes to SPILL/w-HH (HH its values'
	 * top 8 bits, 8 bytes each, native order) instead of the sorted
	 * part; nspilled values so far. */
	char *spill;
	size_t nspilled;
};

static unsigned char *
item_at(const struct site_set *s, size_t i)
{
	return s->block[i / BLOCK_ITEMS] + i % BLOCK_ITEMS * ITEM;
}

static uint64_t
low_at(const struct site_set *s, size_t i)
{
	const unsigned char *p = item_at(s, i);
	uint64_t v = 0;

	for (int k = 0; k < ITEM; k++)
		v = v << 8 | p[k];
	return v;
}

static void
low_put(struct site_set *s, size_t i, uint64_t v)
{
	unsigned char *p = item_at(s, i);

	for (int k = ITEM - 1; k >= 0; k--, v >>= 8)
		p[k] = (unsigned char)v;
}

struct site_set *
site_set_new(void)
{
	return calloc(1, sizeof(struct site_set));
}

void
site_set_free(struct site_set *s)
{
	if (s == NULL)
		return;
	if (s->spill != NULL) {
		site_set_spill_clear(s->spill);
		rmdir(s->spill);
		free(s->spill);
	}
	for (size_t b = 0; b < s->nblock; b++)
		free(s->block[b]);
	free(s->block);
	free(s);
}

/* Whether the sorted part holds v. */
static bool
sorted_has(const struct site_set *s, uint64_t v)
{
	size_t b = (size_t)(v >> LOW_BITS), lo = s->start[b],
	       hi = s->start[b + 1];
	uint64_t want = v & (((uint64_t)1 << LOW_BITS) - 1);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t got = low_at(s, mid);

		if (got == want)
			return true;
		if (got < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool
site_set_has(const struct site_set *s, uint64_t v)
{
	for (size_t i = 0; i < s->ntail; i++)
		if (s->tail[i] == v)
			return true;
	return sorted_has(s, v);
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The tail into the sorted part: sorted, without the values already
 * there (or twice), then merged from the back into the blocks grown to
 * hold them all, so that the old values move once and no second copy is
 * made.
 */
/* Room for m values in the blocks. */
static enum ma_status
grow(struct site_set *s, size_t m)
{
	size_t want = (m + BLOCK_ITEMS - 1) / BLOCK_ITEMS;
	unsigned char **nb;

	if (want <= s->nblock)
		return MA_OK;
	if ((nb = realloc(s->block, want * sizeof *nb)) == NULL)
		return MA_ENOMEM;
	s->block = nb;
	while (s->nblock < want)
		if ((s->block[s->nblock++] = malloc(BLOCK_ITEMS * ITEM)) ==
		    NULL) {
			s->nblock--;
			return MA_ENOMEM;
		}
	return MA_OK;
}

static enum ma_status
merge(struct site_set *s)
{
	size_t k = 0, m, i, j, b;
	enum ma_status st;

	qsort(s->tail, s->ntail, sizeof s->tail[0], u64_cmp);
	for (size_t t = 0; t < s->ntail; t++)
		if ((k == 0 || s->tail[t] != s->tail[k - 1]) &&
		    !sorted_has(s, s->tail[t]))
			s->tail[k++] = s->tail[t];
	s->ntail = k;
	if (k == 0)
		return MA_OK;
	if (s->n + k > UINT32_MAX)
		return MA_ETOOBIG;
	m = s->n + k;
	if ((st = grow(s, m)) != MA_OK)
		return st;
	/* From the back: the largest of what is left of either goes to
	 * the last free place. b follows the old value at i - 1. */
	i = s->n;
	j = k;
	b = BUCKETS - 1;
	while (j > 0) {
		uint64_t old = 0;

		if (i > 0) {
			while (s->start[b] > i - 1)
				b--;
			old = (uint64_t)b << LOW_BITS | low_at(s, i - 1);
		}
		if (i > 0 && old > s->tail[j - 1]) {
			low_put(s, i + j - 1, old);
			i--;
		} else {
			low_put(s, i + j - 1, s->tail[j - 1]);
			j--;
		}
	}
	/* Each bucket starts later by the new values of the buckets
	 * before it. */
	j = 0;
	for (b = 0; b <= BUCKETS; b++) {
		while (j < k && (size_t)(s->tail[j] >> LOW_BITS) < b)
			j++;
		s->start[b] += (uint32_t)j;
	}
	s->n = m;
	s->ntail = 0;
	return MA_OK;
}

static enum ma_status spill_tail(struct site_set *s);

enum ma_status
site_set_add(struct site_set *s, uint64_t v)
{
	enum ma_status st;

	if (s->ntail == TAIL_MAX &&
	    (st = s->spill != NULL ? spill_tail(s) : merge(s)) != MA_OK)
		return st;
	/* A merge of values all present already leaves room too. */
	s->tail[s->ntail++] = v;
	return MA_OK;
}

enum ma_status
site_set_settle(struct site_set *s, size_t max)
{
	enum ma_status st;

	if (s->spill != NULL && (st = site_set_load(s)) != MA_OK)
		return st;
	return s->ntail > max ? merge(s) : MA_OK;
}

/* The file of bucket b under dir (malloc'd; NULL: no memory). */
static char *
spill_path(const char *dir, unsigned b)
{
	return path_fmt("%s/w-%02x", dir, b);
}

void
site_set_spill_clear(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' &&
		    unlinkat(dirfd(d), de->d_name, 0) != 0 && errno != ENOENT)
			log_warn("cannot remove '%s/%s': %s", dir, de->d_name,
				 strerror(errno));
	closedir(d);
}

enum ma_status
site_set_spill(struct site_set *s, const char *dir)
{
	enum ma_status st;

	if (s->spill != NULL || s->n > 0 || s->ntail > 0)
		return MA_OK; /* already, or too late: it stays in memory */
	if ((st = path_mkdir_p(dir, 0700)) != MA_OK)
		return st;
	site_set_spill_clear(dir);
	if ((s->spill = strdup(dir)) == NULL)
		return MA_ENOMEM;
	return MA_OK;
}

bool
site_set_spilled(const struct site_set *s)
{
	return s->spill != NULL;
}

/* Append v[0..n) to the file of bucket b. */
static enum ma_status
spill_write(const struct site_set *s, unsigned b, const uint64_t *v, size_t n)
{
	char *p = spill_path(s->spill, b);
	enum ma_status st;

	if (p == NULL)
		return MA_ENOMEM;
	st = path_append(p, v, n * sizeof *v);
	free(p);
	return st;
}

/* The tail, sorted, to the bucket files (a run of each bucket's). */
static enum ma_status
spill_tail(struct site_set *s)
{
	enum ma_status st = MA_OK;

	qsort(s->tail, s->ntail, sizeof s->tail[0], u64_cmp);
	for (size_t i = 0; i < s->ntail && st == MA_OK;) {
		unsigned b = (unsigned)(s->tail[i] >> 56);
		size_t j = i;

		while (j < s->ntail && (unsigned)(s->tail[j] >> 56) == b)
			j++;
		st = spill_write(s, b, s->tail + i, j - i);
		i = j;
	}
	if (st == MA_OK) {
		s->nspilled += s->ntail;
		s->ntail = 0;
	}
	return st;
}

enum ma_status
site_set_bucket(struct site_set *s, unsigned b, uint64_t **vp, size_t *np)
{
	char *p = s->spill != NULL ? spill_path(s->spill, b) : NULL;
	uint64_t *v = NULL;
	size_t n = 0, k = 0, len = 0;
	enum ma_status st = MA_OK;
	char *data = NULL;

	if (s->spill == NULL)
		return MA_EIO; /* not spilled: site_set_has() */
	if (p == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(p, (size_t)1 << 31, &data, &len);
	if (st == MA_ENOTFOUND) {
		st = MA_OK; /* nothing spilled in that bucket */
		len = 0;
	}
	free(p);
	if (st != MA_OK)
		return st;
	for (size_t i = 0; i < s->ntail; i++)
		if ((unsigned)(s->tail[i] >> 56) == b)
			k++;
	n = len / sizeof *v;
	if ((v = malloc((n + k + 1) * sizeof *v)) == NULL) {
		free(data);
		return MA_ENOMEM;
	}
	if (n > 0)
		memcpy(v, data, n * sizeof *v);
	free(data);
	for (size_t i = 0; i < s->ntail; i++)
		if ((unsigned)(s->tail[i] >> 56) == b)
			v[n++] = s->tail[i];
	qsort(v, n, sizeof *v, u64_cmp);
	*vp = v;
	*np = n;
	return MA_OK;
}

enum ma_status
site_set_load(struct site_set *s)
{
	char *dir = s->spill;
	enum ma_status st = MA_OK;

	if (dir == NULL)
		return MA_OK;
	/* Back in memory: the tail first, then each bucket's values. */
	s->spill = NULL;
	for (unsigned b = 0; b < 256 && st == MA_OK; b++) {
		char *p = spill_path(dir, b), *data = NULL;
		size_t len = 0;

		st = p == NULL
			 ? MA_ENOMEM
			 : path_file_read_all(p, (size_t)1 << 31, &data, &len);
		if (st == MA_ENOTFOUND)
			st = MA_OK;
		for (size_t i = 0; st == MA_OK && i + 8 <= len; i += 8) {
			uint64_t v;

			memcpy(&v, data + i, sizeof v);
			st = site_set_add(s, v);
		}
		free(data);
		free(p);
	}
	site_set_spill_clear(dir);
	rmdir(dir);
	free(dir);
	return st;
}

size_t
site_set_count(const struct site_set *s)
{
	return s->n + s->ntail;
}

size_t
site_set_bytes(const struct site_set *s)
{
	return sizeof *s + s->nblock * (BLOCK_ITEMS * ITEM + sizeof(void *));
}
