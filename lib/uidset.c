/* Sets of IMAP UIDs as ranges: see uidset.h. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "uidset.h"

/* The first range whose hi is at least uid (n when none). */
static size_t
first_reaching(const struct uidset *s, uint32_t uid)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].hi < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool
uidset_has(const struct uidset *s, uint32_t uid)
{
	size_t i = first_reaching(s, uid);

	return i < s->n && s->r[i].lo <= uid;
}

/* Room for one more range. */
static enum ma_status
room(struct uidset *s)
{
	struct uid_range *v = array_grow(s->r, &s->cap, s->n, sizeof *v, 4);

	if (v == NULL)
		return MA_ENOMEM;
	s->r = v;
	return MA_OK;
}

enum ma_status
uidset_add_range(struct uidset *s, uint32_t lo, uint32_t hi)
{
	size_t i, j;
	uint32_t nlo = lo, nhi = hi;
	size_t had = 0;

	/* Past the end, touching the last range or not: the usual case. */
	if (s->n == 0 || s->r[s->n - 1].hi < lo) {
		if (s->n > 0 && s->r[s->n - 1].hi + 1 == lo) {
			s->r[s->n - 1].hi = hi;
		} else {
			if (room(s) != MA_OK)
				return MA_ENOMEM;
			s->r[s->n].lo = lo;
			s->r[s->n].hi = hi;
			s->n++;
		}
		s->count += (size_t)(hi - lo) + 1;
		return MA_OK;
	}
	/* Ranges i..j-1 meet or touch lo..hi: they become one. */
	i = lo > 0 ? first_reaching(s, lo - 1) : 0;
	for (j = i; j < s->n && (hi == UINT32_MAX || s->r[j].lo <= hi + 1);
	     j++) {
		if (s->r[j].lo < nlo)
			nlo = s->r[j].lo;
		if (s->r[j].hi > nhi)
			nhi = s->r[j].hi;
		had += (size_t)(s->r[j].hi - s->r[j].lo) + 1;
	}
	if (j == i) {
		/* Meets nothing: a new range at i. */
		if (room(s) != MA_OK)
			return MA_ENOMEM;
		memmove(s->r + i + 1, s->r + i, (s->n - i) * sizeof *s->r);
		s->n++;
		j = i + 1;
	} else if (j > i + 1) {
		memmove(s->r + i + 1, s->r + j, (s->n - j) * sizeof *s->r);
		s->n -= j - i - 1;
	}
	s->r[i].lo = nlo;
	s->r[i].hi = nhi;
	s->count = s->count - had + (size_t)(nhi - nlo) + 1;
	return MA_OK;
}

enum ma_status
uidset_keep(struct uidset *s, const struct uidset *t)
{
	struct uidset out = {0};
	size_t i = 0, j = 0;

	/* Both ascending: one merge pass. The result has at most
	 * s->n + t->n ranges, so it is built beside s and replaces it. */
	while (i < s->n && j < t->n) {
		uint32_t lo = s->r[i].lo > t->r[j].lo ? s->r[i].lo : t->r[j].lo;
		uint32_t hi = s->r[i].hi < t->r[j].hi ? s->r[i].hi : t->r[j].hi;

		if (lo <= hi && uidset_add_range(&out, lo, hi) != MA_OK) {
			uidset_free(&out);
			return MA_ENOMEM;
		}
		if (s->r[i].hi < t->r[j].hi)
			i++;
		else
			j++;
	}
	uidset_free(s);
	*s = out;
	return MA_OK;
}

void
uidset_clear(struct uidset *s)
{
	s->n = 0;
	s->count = 0;
}

void
uidset_free(struct uidset *s)
{
	free(s->r);
	memset(s, 0, sizeof *s);
}
