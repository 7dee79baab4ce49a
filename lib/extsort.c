/*
 * Records on disk, and their external sort (extsort.h). A record on disk
 * is its key's length (16 bits), the key, and the value (32 bits), in the
 * machine's byte order: the files live as long as the process that wrote
 * them. Each file is read and written through one buffer of RF_BUF bytes,
 * so a merge of EXTSORT_FANIN runs holds about half a megabyte whatever
 * their size.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extsort.h"
#include "log.h"
#include "path.h"

#define RF_BUF	    (32u << 10)
#define REC_HEAD    2
#define REC_TAIL    4
#define REC_MAX	    (REC_HEAD + EXTSORT_KEY_MAX + REC_TAIL)
#define RUN_RECORDS 32768

struct recfile {
	int fd;
	bool reading;
	char *buf;
	size_t len, pos; /* buf[pos..len) unread, or buf[0..len) unwritten */
	size_t count;	 /* records written */
	size_t got;	 /* records read since the rewind */
	bool eof;
};

int
extsort_keycmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static bool
key_ok(const char *key, size_t len)
{
	return len > 0 && len <= EXTSORT_KEY_MAX &&
	       memchr(key, '\0', len) == NULL;
}

static int
tmp_fd(const char *dir, const char *prefix)
{
	char *name;
	int fd, e;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL &&
	    errno != ENOENT)
		return -1;
#endif
	/* No O_TMPFILE here: a named file, unlinked at once; a kill in
	 * between leaves it for extsort_clean(). */
	if ((name = path_fmt("%s/%s.XXXXXX", dir, prefix)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = mkostemp(name, O_CLOEXEC);
	e = errno;
	if (fd >= 0)
		unlink(name);
	free(name);
	errno = e;
	return fd;
}

enum ma_status
recfile_open(const char *dir, const char *prefix, struct recfile **rfp)
{
	struct recfile *rf = calloc(1, sizeof *rf);
	int e;

	if (rf == NULL || (rf->buf = malloc(RF_BUF)) == NULL) {
		free(rf);
		return MA_ENOMEM;
	}
	if ((rf->fd = tmp_fd(dir, prefix)) < 0) {
		e = errno;
		log_err("cannot create a temporary file in '%s': %s", dir,
			strerror(e));
		free(rf->buf);
		free(rf);
		return path_errno_status(e);
	}
	*rfp = rf;
	return MA_OK;
}

static enum ma_status
rf_flush(struct recfile *rf)
{
	enum ma_status st;
	int e;

	if (rf->len == 0)
		return MA_OK;
	if ((st = path_write_all(rf->fd, rf->buf, rf->len)) != MA_OK) {
		e = errno;
		log_err("cannot write a temporary file: %s", strerror(e));
		return path_errno_status(e);
	}
	rf->len = 0;
	return MA_OK;
}

enum ma_status
recfile_put(struct recfile *rf, const char *key, size_t len, uint32_t val)
{
	uint16_t n = (uint16_t)len;
	enum ma_status st;

	if (!key_ok(key, len) || rf->reading)
		return MA_EDATA;
	if (rf->len + REC_MAX > RF_BUF && (st = rf_flush(rf)) != MA_OK)
		return st;
	memcpy(rf->buf + rf->len, &n, REC_HEAD);
	memcpy(rf->buf + rf->len + REC_HEAD, key, len);
	memcpy(rf->buf + rf->len + REC_HEAD + len, &val, REC_TAIL);
	rf->len += REC_HEAD + len + REC_TAIL;
	rf->count++;
	return MA_OK;
}

enum ma_status
recfile_rewind(struct recfile *rf)
{
	enum ma_status st;

	if (!rf->reading && (st = rf_flush(rf)) != MA_OK)
		return st;
	if (lseek(rf->fd, 0, SEEK_SET) != 0) {
		log_err("cannot read a temporary file: %s", strerror(errno));
		return MA_EIO;
	}
	rf->reading = true;
	rf->len = rf->pos = rf->got = 0;
	rf->eof = false;
	return MA_OK;
}

/* At least need bytes unread in the buffer, unless the file ends. */
static enum ma_status
rf_fill(struct recfile *rf, size_t need)
{
	while (rf->len - rf->pos < need && !rf->eof) {
		ssize_t r;

		if (rf->pos > 0) {
			memmove(rf->buf, rf->buf + rf->pos, rf->len - rf->pos);
			rf->len -= rf->pos;
			rf->pos = 0;
		}
		r = read(rf->fd, rf->buf + rf->len, RF_BUF - rf->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_err("cannot read a temporary file: %s",
				strerror(errno));
			return MA_EIO;
		}
		if (r == 0)
			rf->eof = true;
		rf->len += (size_t)r;
	}
	return MA_OK;
}

static enum ma_status
torn(void)
{
	log_err("a temporary file of the fetch ends before its last record "
		"(changed under the run?)");
	return MA_EIO;
}

enum ma_status
recfile_get(struct recfile *rf, const char **keyp, size_t *lenp, uint32_t *valp,
	    bool *endp)
{
	enum ma_status st;
	uint16_t n;

	if (!rf->reading)
		return MA_EIO;
	if (rf->got == rf->count) {
		*endp = true;
		return MA_OK;
	}
	if ((st = rf_fill(rf, REC_HEAD)) != MA_OK)
		return st;
	if (rf->len - rf->pos < REC_HEAD)
		return torn();
	memcpy(&n, rf->buf + rf->pos, REC_HEAD);
	if (n == 0 || n > EXTSORT_KEY_MAX)
		return torn();
	if ((st = rf_fill(rf, REC_HEAD + n + REC_TAIL)) != MA_OK)
		return st;
	if (rf->len - rf->pos < (size_t)REC_HEAD + n + REC_TAIL)
		return torn();
	*keyp = rf->buf + rf->pos + REC_HEAD;
	*lenp = n;
	memcpy(valp, rf->buf + rf->pos + REC_HEAD + n, REC_TAIL);
	rf->pos += REC_HEAD + n + REC_TAIL;
	rf->got++;
	*endp = false;
	return MA_OK;
}

size_t
recfile_count(const struct recfile *rf)
{
	return rf->count;
}

int
recfile_fd(const struct recfile *rf)
{
	return rf->fd;
}

void
recfile_free(struct recfile *rf)
{
	if (rf == NULL)
		return;
	close(rf->fd);
	free(rf->buf);
	free(rf);
}

/* A source of the final merge: a run on disk and its current record. */
struct source {
	struct recfile *rf;
	const char *key;
	size_t len;
	uint32_t val;
	bool end;
};

struct extsort {
	const char *dir, *prefix;
	size_t run_records;
	/* The buffer: records laid out as on disk, and pointers to them. */
	char *mem;
	size_t mem_len;
	char **ptr;
	size_t nptr, next; /* next: extsort_next()'s place in ptr */
	struct recfile **runs;
	size_t nruns, runs_cap;
	struct source *src; /* the final merge, after extsort_finish() */
	struct source *adv; /* the source of the record handed out last */
	size_t records, written, passes; /* for the debug log */
	bool finished;
};

enum ma_status
extsort_new(const char *dir, const char *prefix, size_t run_records,
	    struct extsort **xp)
{
	struct extsort *x = calloc(1, sizeof *x);

	if (x == NULL)
		return MA_ENOMEM;
	x->dir = dir;
	x->prefix = prefix;
	x->run_records = run_records == 0 || run_records > RUN_RECORDS
			     ? RUN_RECORDS
			     : run_records;
	*xp = x;
	return MA_OK;
}

static void
rec_parse(const char *p, const char **keyp, size_t *lenp, uint32_t *valp)
{
	uint16_t n;

	memcpy(&n, p, REC_HEAD);
	*keyp = p + REC_HEAD;
	*lenp = n;
	memcpy(valp, p + REC_HEAD + n, REC_TAIL);
}

static int
rec_cmp(const void *a, const void *b)
{
	const char *ka, *kb;
	size_t la, lb;
	uint32_t va, vb;
	int c;

	rec_parse(*(char *const *)a, &ka, &la, &va);
	rec_parse(*(char *const *)b, &kb, &lb, &vb);
	if ((c = extsort_keycmp(ka, la, kb, lb)) != 0)
		return c;
	return va < vb ? -1 : va > vb;
}

/* Sort the buffer and write it out as a run. */
static enum ma_status
spill_run(struct extsort *x)
{
	struct recfile *rf, **r;
	enum ma_status st;

	qsort(x->ptr, x->nptr, sizeof *x->ptr, rec_cmp);
	if (x->nruns == x->runs_cap) {
		size_t cap = x->runs_cap ? 2 * x->runs_cap : 16;

		if ((r = realloc(x->runs, cap * sizeof *r)) == NULL)
			return MA_ENOMEM;
		x->runs = r;
		x->runs_cap = cap;
	}
	if ((st = recfile_open(x->dir, x->prefix, &rf)) != MA_OK)
		return st;
	x->runs[x->nruns++] = rf;
	x->written++;
	for (size_t i = 0; i < x->nptr && st == MA_OK; i++) {
		const char *k;
		size_t n;
		uint32_t v;

		rec_parse(x->ptr[i], &k, &n, &v);
		st = recfile_put(rf, k, n, v);
	}
	x->nptr = 0;
	x->mem_len = 0;
	return st;
}

enum ma_status
extsort_add(struct extsort *x, const char *key, size_t len, uint32_t val)
{
	size_t need = REC_HEAD + len + REC_TAIL;
	uint16_t n = (uint16_t)len;
	enum ma_status st;
	char *p;

	if (!key_ok(key, len) || x->finished)
		return MA_EDATA;
	if (x->mem == NULL) {
		/* The whole buffer at once: its size is the sort's. */
		x->mem = malloc(EXTSORT_RUN_BYTES);
		x->ptr = malloc(x->run_records * sizeof *x->ptr);
		if (x->mem == NULL || x->ptr == NULL)
			return MA_ENOMEM;
	}
	if ((x->nptr == x->run_records ||
	     x->mem_len + need > EXTSORT_RUN_BYTES) &&
	    (st = spill_run(x)) != MA_OK)
		return st;
	p = x->mem + x->mem_len;
	memcpy(p, &n, REC_HEAD);
	memcpy(p + REC_HEAD, key, len);
	memcpy(p + REC_HEAD + len, &val, REC_TAIL);
	x->ptr[x->nptr++] = p;
	x->mem_len += need;
	x->records++;
	return MA_OK;
}

/* Read the current record of each source; s->end when it has none. */
static enum ma_status
src_next(struct source *s)
{
	return recfile_get(s->rf, &s->key, &s->len, &s->val, &s->end);
}

/* The source with the least record among src[0..n), or NULL. */
static struct source *
src_min(struct source *src, size_t n)
{
	struct source *m = NULL;

	for (size_t i = 0; i < n; i++) {
		struct source *s = &src[i];
		int c;

		if (s->end)
			continue;
		if (m == NULL) {
			m = s;
			continue;
		}
		c = extsort_keycmp(s->key, s->len, m->key, m->len);
		if (c < 0 || (c == 0 && s->val < m->val))
			m = s;
	}
	return m;
}

/* Sources over runs[0..n), each at its first record. */
static enum ma_status
src_start(struct extsort *x, size_t n, struct source **srcp)
{
	struct source *src = calloc(n ? n : 1, sizeof *src);
	enum ma_status st = MA_OK;

	if (src == NULL)
		return MA_ENOMEM;
	for (size_t i = 0; i < n && st == MA_OK; i++) {
		src[i].rf = x->runs[i];
		if ((st = recfile_rewind(src[i].rf)) == MA_OK)
			st = src_next(&src[i]);
	}
	if (st != MA_OK) {
		free(src);
		return st;
	}
	*srcp = src;
	return MA_OK;
}

/* Merge the first EXTSORT_FANIN runs into one at the end of the list. */
static enum ma_status
merge_pass(struct extsort *x)
{
	struct source *src, *m;
	struct recfile *out;
	enum ma_status st;

	if ((st = src_start(x, EXTSORT_FANIN, &src)) != MA_OK)
		return st;
	if ((st = recfile_open(x->dir, x->prefix, &out)) != MA_OK) {
		free(src);
		return st;
	}
	while (st == MA_OK && (m = src_min(src, EXTSORT_FANIN)) != NULL)
		if ((st = recfile_put(out, m->key, m->len, m->val)) == MA_OK)
			st = src_next(m);
	free(src);
	if (st != MA_OK) {
		recfile_free(out);
		return st;
	}
	for (size_t i = 0; i < EXTSORT_FANIN; i++)
		recfile_free(x->runs[i]);
	memmove(x->runs, x->runs + EXTSORT_FANIN,
		(x->nruns - EXTSORT_FANIN) * sizeof *x->runs);
	x->nruns -= EXTSORT_FANIN;
	/* There is room: EXTSORT_FANIN runs were just freed. */
	x->runs[x->nruns++] = out;
	return MA_OK;
}

enum ma_status
extsort_finish(struct extsort *x)
{
	enum ma_status st;

	if (x->finished)
		return MA_OK;
	x->finished = true;
	if (x->nruns == 0) {
		if (x->nptr > 0)
			qsort(x->ptr, x->nptr, sizeof *x->ptr, rec_cmp);
		return MA_OK;
	}
	if (x->nptr > 0 && (st = spill_run(x)) != MA_OK)
		return st;
	/* The buffer's memory goes back before the merge takes its own. */
	free(x->mem);
	free(x->ptr);
	x->mem = NULL;
	x->ptr = NULL;
	while (x->nruns > EXTSORT_FANIN) {
		if ((st = merge_pass(x)) != MA_OK)
			return st;
		x->passes++;
	}
	log_debug("sorted %zu records on disk: %zu runs, %zu merge passes",
		  x->records, x->written, x->passes);
	return src_start(x, x->nruns, &x->src);
}

enum ma_status
extsort_next(struct extsort *x, const char **keyp, size_t *lenp, uint32_t *valp,
	     bool *endp)
{
	struct source *m;
	enum ma_status st;

	if (!x->finished)
		return MA_EIO;
	if (x->nruns == 0) {
		if (x->next == x->nptr) {
			*endp = true;
			return MA_OK;
		}
		rec_parse(x->ptr[x->next++], keyp, lenp, valp);
		*endp = false;
		return MA_OK;
	}
	/* The record handed out last stays valid until now: its run
	 * moves on only at this call. */
	if (x->adv != NULL) {
		if ((st = src_next(x->adv)) != MA_OK)
			return st;
		x->adv = NULL;
	}
	if ((m = src_min(x->src, x->nruns)) == NULL) {
		*endp = true;
		return MA_OK;
	}
	*keyp = m->key;
	*lenp = m->len;
	*valp = m->val;
	*endp = false;
	x->adv = m;
	return MA_OK;
}

size_t
extsort_runs(const struct extsort *x)
{
	return x->nruns;
}

struct recfile *
extsort_run_file(const struct extsort *x, size_t i)
{
	return i < x->nruns ? x->runs[i] : NULL;
}

void
extsort_free(struct extsort *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->nruns; i++)
		recfile_free(x->runs[i]);
	free(x->runs);
	free(x->src);
	free(x->mem);
	free(x->ptr);
	free(x);
}

void
extsort_clean(const char *dir, const char *prefix)
{
	size_t n = strlen(prefix);
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, n) == 0 &&
		    de->d_name[n] == '.' &&
		    unlinkat(dirfd(d), de->d_name, 0) == 0)
			log_info("removed '%s/%s', a temporary file of a "
				 "stopped run",
				 dir, de->d_name);
	closedir(d);
}
