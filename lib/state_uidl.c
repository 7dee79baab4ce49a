/*
 * The POP3 UIDLs of the fetch state. A million of them took 20 to 37
 * bytes each in memory (an arena and sorted offsets), so fetch's memory
 * grew with the maildrop (#16). Now they stay on disk, sorted: the main
 * file's "uidl" lines are written in order, the journal's (appended in
 * fetch order) and this commit's (in memory, a batch at most) are sorted
 * when they are read, by extsort.c, and the three are merged as they are
 * read. The POP3 listing is joined with that stream (state_keep_sorted()),
 * so nothing is ever looked up one at a time. The file side is state.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "extsort.h"
#include "log.h"
#include "path.h"
#include "state.h"

char *
state_journal_path(const char *path)
{
	return path_fmt("%s.journal", path);
}

const char *
state_uidl(const struct fetch_state *st, uint32_t ref)
{
	return st->text + ref;
}

enum ma_status
state_intern_uidl(struct fetch_state *st, const char *uidl, uint32_t *refp)
{
	size_t len = strlen(uidl);

	if (len == 0 || len > STATE_UIDL_MAX || strpbrk(uidl, " \r\n") != NULL)
		return MA_EDATA;
	/* Refs are 32-bit; the arena holds one commit's UIDLs. */
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
	uint32_t *p;

	if (ref >= st->text_len)
		return MA_EDATA;
	if (st->nuidls == st->uidls_cap) {
		p = array_grow(st->uidls, &st->uidls_cap, st->nuidls, sizeof *p,
			       1024);
		if (p == NULL)
			return MA_ENOMEM;
		st->uidls = p;
	}
	st->uidls[st->nuidls++] = ref;
	return MA_OK;
}

enum ma_status
state_add_uidl(struct fetch_state *st, const char *uidl)
{
	uint32_t ref;
	enum ma_status s = state_intern_uidl(st, uidl, &ref);

	return s == MA_OK ? state_take_uidl(st, ref) : s;
}

struct state_iter {
	struct fetch_state *st;
	FILE *main; /* the base, when it is the main file */
	char *line;
	size_t cap;
	struct extsort *tail; /* the journal and this commit's, sorted */
	const char *a, *b;    /* the current UIDL of each; NULL: done */
	size_t alen, blen;
	char last[STATE_UIDL_MAX + 1];
	size_t lastlen;
	bool have_last;
};

/* The next UIDL of the base into it->a. */
static enum ma_status
base_next(struct state_iter *it)
{
	struct fetch_state *st = it->st;
	enum ma_status s;
	ssize_t len;
	uint32_t v;
	bool end;

	it->a = NULL;
	if (st->base != NULL) {
		s = recfile_get(st->base, &it->a, &it->alen, &v, &end);
		if (s != MA_OK || end)
			it->a = NULL;
		return s;
	}
	if (it->main == NULL)
		return MA_OK;
	while ((len = getline(&it->line, &it->cap, it->main)) > 0) {
		if (len < 7 || strncmp(it->line, "uidl ", 5) != 0)
			continue;
		/* state_load() checked the file; ours are written whole. */
		if (it->line[len - 1] == '\n')
			len--;
		it->a = it->line + 5;
		it->alen = (size_t)len - 5;
		return MA_OK;
	}
	if (ferror(it->main)) {
		log_err("cannot read '%s': %s", st->path, strerror(errno));
		return MA_EIO;
	}
	return MA_OK;
}

static enum ma_status
tail_next(struct state_iter *it)
{
	uint32_t v;
	bool end;
	enum ma_status s = extsort_next(it->tail, &it->b, &it->blen, &v, &end);

	if (s != MA_OK || end)
		it->b = NULL;
	return s;
}

/* The journal's "uidl" lines from journal_from into x. */
static enum ma_status
sort_journal(struct fetch_state *st, struct extsort *x)
{
	enum ma_status s = MA_OK;
	size_t at = st->journal_from, cap = 0;
	char *jpath, *line = NULL;
	ssize_t len;
	FILE *f;

	if (st->journal_size <= st->journal_from)
		return MA_OK;
	if ((jpath = state_journal_path(st->path)) == NULL)
		return MA_ENOMEM;
	if ((f = fopen(jpath, "re")) == NULL ||
	    fseeko(f, (off_t)at, SEEK_SET) != 0) {
		log_err("cannot read '%s': %s", jpath, strerror(errno));
		if (f != NULL)
			fclose(f);
		free(jpath);
		return MA_EIO;
	}
	/* Up to the bytes known good: a torn end is not read. */
	while (s == MA_OK && at < st->journal_size &&
	       (len = getline(&line, &cap, f)) > 0) {
		at += (size_t)len;
		if (line[len - 1] != '\n')
			break;
		if (strncmp(line, "uidl ", 5) == 0 && len > 6)
			s = extsort_add(x, line + 5, (size_t)len - 6, 0);
	}
	if (s == MA_OK && ferror(f)) {
		log_err("cannot read '%s': %s", jpath, strerror(errno));
		s = MA_EIO;
	}
	free(line);
	fclose(f);
	free(jpath);
	return s;
}

enum ma_status
state_iter_open(struct fetch_state *st, struct state_iter **itp)
{
	struct state_iter *it = calloc(1, sizeof *it);
	enum ma_status s;

	if (it == NULL)
		return MA_ENOMEM;
	it->st = st;
	s = extsort_new(st->dir, st->prefix, st->run_records, &it->tail);
	if (s == MA_OK)
		s = sort_journal(st, it->tail);
	for (size_t i = 0; s == MA_OK && i < st->nuidls; i++) {
		const char *u = st->text + st->uidls[i];

		s = extsort_add(it->tail, u, strlen(u), 0);
	}
	if (s == MA_OK)
		s = extsort_finish(it->tail);
	if (s == MA_OK && st->base != NULL)
		s = recfile_rewind(st->base);
	if (s == MA_OK && st->base == NULL && st->base_main &&
	    (it->main = fopen(st->path, "re")) == NULL && errno != ENOENT) {
		log_err("cannot open '%s': %s", st->path, strerror(errno));
		s = MA_EIO;
	}
	if (s == MA_OK)
		s = base_next(it);
	if (s == MA_OK)
		s = tail_next(it);
	if (s != MA_OK) {
		state_iter_free(it);
		return s;
	}
	*itp = it;
	return MA_OK;
}

enum ma_status
state_iter_next(struct state_iter *it, const char **uidlp, bool *endp)
{
	enum ma_status s = MA_OK;

	for (;;) {
		const char *u;
		size_t n;
		int c;

		if (it->a == NULL && it->b == NULL) {
			*endp = true;
			return MA_OK;
		}
		if (it->a == NULL)
			c = 1;
		else if (it->b == NULL)
			c = -1;
		else
			c = extsort_keycmp(it->a, it->alen, it->b, it->blen);
		u = c <= 0 ? it->a : it->b;
		n = c <= 0 ? it->alen : it->blen;
		/* Equal ones, and repeats in one source, go out once. */
		if (n > STATE_UIDL_MAX ||
		    (it->have_last &&
		     extsort_keycmp(it->last, it->lastlen, u, n) == 0)) {
			s = c <= 0 ? base_next(it) : tail_next(it);
			if (s != MA_OK)
				return s;
			continue;
		}
		memcpy(it->last, u, n);
		it->last[n] = '\0';
		it->lastlen = n;
		it->have_last = true;
		s = c <= 0 ? base_next(it) : tail_next(it);
		if (s != MA_OK)
			return s;
		*uidlp = it->last;
		*endp = false;
		return MA_OK;
	}
}

void
state_iter_free(struct state_iter *it)
{
	if (it == NULL)
		return;
	if (it->main != NULL)
		fclose(it->main);
	free(it->line);
	extsort_free(it->tail);
	free(it);
}

size_t
state_count_uidls(struct fetch_state *st)
{
	struct state_iter *it;
	const char *u;
	size_t n = 0;
	bool end = false;

	if (state_iter_open(st, &it) != MA_OK)
		return 0;
	while (state_iter_next(it, &u, &end) == MA_OK && !end)
		n++;
	state_iter_free(it);
	return n;
}

bool
state_has_uidl(struct fetch_state *st, const char *uidl)
{
	struct state_iter *it;
	const char *u;
	bool end = false, found = false;

	if (state_iter_open(st, &it) != MA_OK)
		return false;
	while (!found && state_iter_next(it, &u, &end) == MA_OK && !end) {
		int c = strcmp(u, uidl);

		if (c >= 0) {
			found = c == 0;
			break;
		}
	}
	state_iter_free(it);
	return found;
}

/* The taken UIDLs kept become the base; this commit's are in it. */
static void
install_base(struct fetch_state *st, struct recfile *kept)
{
	recfile_free(st->base);
	st->base = kept;
	st->base_main = false;
	st->journal_from = st->journal_size;
	st->text_len = 0;
	st->nuidls = 0;
}

/*
 * The first drop of a join: the kept list begins with the n UIDLs taken
 * before it, all kept, read again. Until a drop nothing is written, so a
 * poll that forgets nothing writes no copy of the state.
 */
static enum ma_status
start_kept(struct fetch_state *st, size_t n, struct recfile **keptp)
{
	struct state_iter *it;
	struct recfile *kept;
	enum ma_status s;
	const char *u;
	bool end = false;

	if ((s = recfile_open(st->dir, st->prefix, &kept)) != MA_OK)
		return s;
	if ((s = state_iter_open(st, &it)) == MA_OK) {
		for (size_t i = 0; i < n && s == MA_OK; i++)
			if ((s = state_iter_next(it, &u, &end)) == MA_OK)
				s = end ? MA_EIO
					: recfile_put(kept, u, strlen(u), 0);
		state_iter_free(it);
	}
	if (s != MA_OK) {
		recfile_free(kept);
		return s;
	}
	*keptp = kept;
	return MA_OK;
}

enum ma_status
state_keep_sorted(struct fetch_state *st, struct extsort *listing,
		  void (*mark)(void *arg, uint32_t value), void *arg)
{
	struct state_iter *it = NULL;
	struct recfile *kept = NULL;
	const char *a = NULL, *b = NULL;
	size_t blen = 0, dropped = 0, nkept = 0;
	bool aend = false, bend = false, a_kept = false;
	uint32_t val = 0;
	enum ma_status s = MA_OK;

	/* A base in a temporary file is read by one iterator at a time:
	 * then the kept ones are written from the start. */
	if (st->base != NULL)
		s = recfile_open(st->dir, st->prefix, &kept);
	if (s == MA_OK)
		s = state_iter_open(st, &it);
	if (s == MA_OK)
		s = state_iter_next(it, &a, &aend);
	if (s == MA_OK)
		s = extsort_next(listing, &b, &blen, &val, &bend);
	while (s == MA_OK && !aend) {
		int c = bend ? -1 : extsort_keycmp(a, strlen(a), b, blen);

		if (c < 0) {
			if (!a_kept && dropped++ == 0 && kept == NULL)
				s = start_kept(st, nkept, &kept);
			a_kept = false;
			if (s == MA_OK)
				s = state_iter_next(it, &a, &aend);
		} else if (c > 0) {
			s = extsort_next(listing, &b, &blen, &val, &bend);
		} else {
			/* Taken; the same UIDL listed again is taken too. */
			mark(arg, val);
			if (!a_kept && kept != NULL)
				s = recfile_put(kept, a, strlen(a), 0);
			nkept += !a_kept;
			a_kept = true;
			if (s == MA_OK)
				s = extsort_next(listing, &b, &blen, &val,
						 &bend);
		}
	}
	state_iter_free(it);
	if (s == MA_OK && dropped > 0) {
		log_debug("forgetting %zu UIDLs the server no longer lists",
			  dropped);
		install_base(st, kept);
		kept = NULL;
	}
	recfile_free(kept);
	return s;
}

static void
no_mark(void *arg, uint32_t value)
{
	(void)arg;
	(void)value;
}

enum ma_status
state_keep_uidls(struct fetch_state *st, char *const *uidls, size_t n)
{
	struct extsort *x;
	enum ma_status s;

	if ((s = extsort_new(st->dir, st->prefix, st->run_records, &x)) !=
	    MA_OK)
		return s;
	for (size_t i = 0; s == MA_OK && i < n; i++)
		s = extsort_add(x, uidls[i], strlen(uidls[i]), (uint32_t)i);
	if (s == MA_OK)
		s = extsort_finish(x);
	if (s == MA_OK)
		s = state_keep_sorted(st, x, no_mark, NULL);
	extsort_free(x);
	return s;
}
