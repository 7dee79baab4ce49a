/*
 * The POP3 UIDLs of the fetch state, in memory: NUL-terminated strings in
 * one arena (st->text) and the set taken as a sorted array of 32-bit
 * offsets into it (st->uidls), with a mark bit each for "still on the
 * server". About 21 bytes a UIDL of 16 characters, where a pointer and a
 * strdup'd copy each (and a second sorted array for the pass that forgets
 * what the server dropped) cost about 60. The POP3 listing names its
 * messages' UIDLs by the same offsets, so a UIDL already taken is never
 * copied, and a new one once. The file side is state.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "state.h"

const char *
state_uidl(const struct fetch_state *st, uint32_t ref)
{
	return st->text + ref;
}

static int
ref_cmp(const struct fetch_state *st, uint32_t a, uint32_t b)
{
	return strcmp(st->text + a, st->text + b);
}

/* Heap sort of refs (no extra memory; qsort has no room for the arena). */
static void
sift_down(const struct fetch_state *st, uint32_t *v, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		uint32_t t;

		if (c >= n)
			return;
		if (c + 1 < n && ref_cmp(st, v[c + 1], v[c]) > 0)
			c++;
		if (ref_cmp(st, v[c], v[i]) <= 0)
			return;
		t = v[i];
		v[i] = v[c];
		v[c] = t;
		i = c;
	}
}

static void
heap_sort(const struct fetch_state *st, uint32_t *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(st, v, i, n);
	for (size_t end = n; end-- > 1;) {
		uint32_t t = v[0];

		v[0] = v[end];
		v[end] = t;
		sift_down(st, v, 0, end);
	}
}

/*
 * Sort what was taken since the last sort and merge it into the sorted
 * part, dropping repeats. The tail is usually small: the merge needs room
 * for it only (without that room, the whole array is heap-sorted).
 */
void
state_sort_uidls(struct fetch_state *st)
{
	size_t m = st->nsorted, n = st->nuidls, t = n - m, w = 0;
	uint32_t *v = st->uidls, *tail;

	if (m == n)
		return;
	heap_sort(st, v + m, t);
	if (m > 0 && (tail = malloc(t * sizeof *tail)) != NULL) {
		size_t i = m, j = t, k = n;

		memcpy(tail, v + m, t * sizeof *tail);
		while (j > 0) {
			if (i > 0 && ref_cmp(st, v[i - 1], tail[j - 1]) > 0)
				v[--k] = v[--i];
			else
				v[--k] = tail[--j];
		}
		free(tail);
	} else if (m > 0) {
		heap_sort(st, v, n);
	}
	for (size_t r = 0; r < n; r++)
		if (w == 0 || ref_cmp(st, v[w - 1], v[r]) != 0)
			v[w++] = v[r];
	/* Taken but not yet written: their places are gone, so the next
	 * commit writes the whole file. */
	if (st->nlogged < n)
		st->journal_bad = true;
	st->nuidls = st->nsorted = st->nlogged = w;
	free(st->marks);
	st->marks = NULL;
	st->unmarked = false;
}

/* The position of uidl among the sorted uidls, or SIZE_MAX. */
static size_t
find_pos(struct fetch_state *st, const char *uidl)
{
	size_t lo = 0, hi;

	state_sort_uidls(st);
	hi = st->nuidls;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(st->text + st->uidls[mid], uidl);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

bool
state_has_uidl(struct fetch_state *st, const char *uidl)
{
	return find_pos(st, uidl) != SIZE_MAX;
}

bool
state_find_uidl(struct fetch_state *st, const char *uidl, uint32_t *refp)
{
	size_t i = find_pos(st, uidl);

	if (i == SIZE_MAX)
		return false;
	if (st->marks == NULL)
		st->marks = calloc(st->nuidls / 8 + 1, 1);
	if (st->marks != NULL)
		st->marks[i / 8] |= (unsigned char)(1u << (i % 8));
	else
		st->unmarked =
		    true; /* no room: state_keep_marked() keeps all */
	*refp = st->uidls[i];
	return true;
}

void
state_keep_marked(struct fetch_state *st)
{
	size_t k = 0;

	state_sort_uidls(st);
	if (st->unmarked) {
		st->unmarked = false;
		return;
	}
	for (size_t i = 0; i < st->nuidls; i++)
		if (st->marks != NULL && (st->marks[i / 8] >> (i % 8) & 1))
			st->uidls[k++] = st->uidls[i];
	/* The journal cannot say "forgotten": the next fold does. */
	st->nuidls = st->nsorted = st->nlogged = k;
	free(st->marks);
	st->marks = NULL;
}

enum ma_status
state_intern_uidl(struct fetch_state *st, const char *uidl, uint32_t *refp)
{
	size_t len = strlen(uidl);

	if (len > STATE_UIDL_MAX || strpbrk(uidl, " \r\n") != NULL)
		return MA_EDATA;
	/* Refs are 32-bit: the arena stops at 4 GB (a state file is at
	 * most 256 MB). */
	if (st->text_len + len + 1 >= STATE_NO_UIDL)
		return MA_ENOMEM;
	if (st->text_len + len + 1 > st->text_cap) {
		size_t cap = st->text_cap ? st->text_cap : 4096;
		char *p;

		while (cap < st->text_len + len + 1)
			cap *= 2;
		if ((p = realloc(st->text, cap)) == NULL)
			return MA_ENOMEM;
		st->text = p;
		st->text_cap = cap;
	}
	memcpy(st->text + st->text_len, uidl, len + 1);
	*refp = (uint32_t)st->text_len;
	st->text_len += len + 1;
	return MA_OK;
}

enum ma_status
state_take_uidl(struct fetch_state *st, uint32_t ref)
{
	size_t n = st->nuidls;

	if (ref >= st->text_len)
		return MA_EDATA;
	/* Loading a saved file (sorted) and taking new UIDLs in order
	 * both keep the array sorted without a sort. */
	if (st->nsorted == n && n > 0) {
		int c = ref_cmp(st, st->uidls[n - 1], ref);

		if (c == 0)
			return MA_OK;
		if (c < 0)
			st->nsorted++;
	} else if (n == 0) {
		st->nsorted = 1;
	}
	if (n == st->uidls_cap) {
		uint32_t *p =
		    array_grow(st->uidls, &st->uidls_cap, n, sizeof *p, 1024);

		if (p == NULL) {
			if (st->nsorted > n)
				st->nsorted = n;
			return MA_ENOMEM;
		}
		st->uidls = p;
	}
	st->uidls[n] = ref;
	st->nuidls = n + 1;
	free(st->marks);
	st->marks = NULL;
	st->unmarked = false;
	return MA_OK;
}

enum ma_status
state_add_uidl(struct fetch_state *st, const char *uidl)
{
	uint32_t ref;
	enum ma_status s = state_intern_uidl(st, uidl, &ref);

	return s == MA_OK ? state_take_uidl(st, ref) : s;
}

enum ma_status
state_keep_uidls(struct fetch_state *st, char *const *uidls, size_t n)
{
	uint32_t ref;

	for (size_t i = 0; i < n; i++)
		state_find_uidl(st, uidls[i], &ref);
	state_keep_marked(st);
	return MA_OK;
}
