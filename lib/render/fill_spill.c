/*
 * The listing fields of every entry filled this run, in an unnamed temp
 * file of the space's state folder: the second level of fill_cache.c.
 *
 * Why: the memory level keeps the last 512 fills, but the month pages
 * list every message again after the walk through the threads, and a
 * message page's neighbours by date are in other threads. Each miss is a
 * notmuch lookup that reads the message's whole term list (inflated:
 * every word of it), some 40,000 instructions and 7 reads of the
 * database's blocks at 1,000 messages, more as it grows. Read back from
 * this file, a fill is a few hundred instructions and, in the month's
 * order, one read(2) per 64 KB of records.
 *
 * Memory: fixed (the buffers below), whatever the size of the archive;
 * the disk holds about 200 bytes a message, for the run (the file has
 * no name: it goes when the run ends, killed or not).
 *
 * Layout: the records, appended in the order of the fills, each
 * [u32 length][u16 nfiles][u8 has a file][u8 0] then the Message-ID,
 * subject, sender HTML and file name, each ended by NUL; and an index,
 * a second file of one u64 per position of the order (1 + the offset of
 * the position's last record, 0: none), kept in a few pages in memory.
 * A record is used only when its Message-ID is the entry's: a position
 * that changed hands is a miss, never a wrong fill. Any failure turns
 * the spill off for the run (every fill then asks notmuch, as before).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fill_spill.h"
#include "path.h"

/* Records gather in memory up to this, and are read back this much at
 * a time. */
#define SPILL_BUF ((size_t)64 << 10)
/* A record longer than this (a long path) is not kept. */
#define SPILL_RECORD_MAX ((size_t)16 << 10)
/* The index's pages in memory, each of INDEX_PAGE positions. */
#define INDEX_PAGES 16
#define INDEX_PAGE  512
#define RECORD_HEAD 8

struct index_page {
	uint64_t no; /* page number + 1 (0: empty) */
	bool dirty;
	uint64_t off[INDEX_PAGE];
};

struct fill_spill {
	int data, index;
	bool off;	/* failed once: not used again */
	char *wbuf;	/* records not yet written ... */
	size_t wlen;	/* ... their length ... */
	uint64_t wbase; /* ... from this offset of data */
	char *rbuf;	/* records read ... */
	size_t rlen;	/* ... this many ... */
	uint64_t rbase; /* ... from this offset */
	struct index_page page[INDEX_PAGES];
};

struct fill_spill *
fill_spill_new(const char *dir)
{
	struct fill_spill *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->data = path_temp_in(dir);
	s->index = s->data >= 0 ? path_temp_in(dir) : -1;
	s->wbuf = malloc(SPILL_BUF);
	s->rbuf = malloc(SPILL_BUF);
	if (s->index < 0 || s->wbuf == NULL || s->rbuf == NULL) {
		fill_spill_free(s);
		return NULL;
	}
	return s;
}

void
fill_spill_free(struct fill_spill *s)
{
	if (s == NULL)
		return;
	if (s->data >= 0)
		close(s->data);
	if (s->index >= 0)
		close(s->index);
	free(s->wbuf);
	free(s->rbuf);
	free(s);
}

static bool
pwrite_all(int fd, const void *p, size_t n, uint64_t at)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = pwrite(fd, c, n, (off_t)at);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
		at += (uint64_t)w;
	}
	return true;
}

/* Up to n bytes at at into p; the count read (short at the end, 0 on
 * an error: a miss). */
static size_t
pread_some(int fd, void *p, size_t n, uint64_t at)
{
	ssize_t got = path_pread_all(fd, p, n, (off_t)at);

	return got < 0 ? 0 : (size_t)got;
}

/* The index page that holds pos, in memory (NULL: the spill is off). */
static struct index_page *
page_of(struct fill_spill *s, uint32_t pos)
{
	uint64_t no = pos / INDEX_PAGE;
	struct index_page *pg = &s->page[no % INDEX_PAGES];
	size_t got;

	if (pg->no == no + 1)
		return pg;
	if (pg->no != 0 && pg->dirty &&
	    !pwrite_all(s->index, pg->off, sizeof pg->off,
			(pg->no - 1) * sizeof pg->off)) {
		s->off = true;
		return NULL;
	}
	got =
	    pread_some(s->index, pg->off, sizeof pg->off, no * sizeof pg->off);
	memset((char *)pg->off + got, 0, sizeof pg->off - got);
	pg->no = no + 1;
	pg->dirty = false;
	return pg;
}

static bool
flush(struct fill_spill *s)
{
	if (s->wlen > 0 && !pwrite_all(s->data, s->wbuf, s->wlen, s->wbase))
		return false;
	s->wbase += s->wlen;
	s->wlen = 0;
	return true;
}

static size_t
put_str(char *at, const char *str)
{
	size_t n = strlen(str) + 1;

	memcpy(at, str, n);
	return n;
}

void
fill_spill_put(struct fill_spill *s, const struct entry *e)
{
	const struct listing *l = e->lst;
	size_t n = RECORD_HEAD + strlen(e->msgid) + strlen(l->subject) +
		   strlen(l->from) + 3 +
		   (l->file != NULL ? strlen(l->file) + 1 : 0);
	struct index_page *pg;
	uint32_t len32 = (uint32_t)n;
	char *p;

	if (s->off || n > SPILL_RECORD_MAX)
		return;
	if (s->wlen + n > SPILL_BUF && !flush(s)) {
		s->off = true;
		return;
	}
	if ((pg = page_of(s, e->pos)) == NULL)
		return;
	p = s->wbuf + s->wlen;
	memcpy(p, &len32, 4);
	memcpy(p + 4, &e->nfiles, 2);
	p[6] = l->file != NULL;
	p[7] = 0;
	p += RECORD_HEAD;
	p += put_str(p, e->msgid);
	p += put_str(p, l->subject);
	p += put_str(p, l->from);
	if (l->file != NULL)
		put_str(p, l->file);
	pg->off[e->pos % INDEX_PAGE] = s->wbase + s->wlen + 1;
	pg->dirty = true;
	s->wlen += n;
}

/* The record at off, in memory (NULL: unreadable). */
static const char *
record_at(struct fill_spill *s, uint64_t off)
{
	uint32_t n;

	if (off >= s->wbase) {
		if (off - s->wbase + RECORD_HEAD > s->wlen)
			return NULL;
		return s->wbuf + (off - s->wbase);
	}
	if (off < s->rbase || off + RECORD_HEAD > s->rbase + s->rlen) {
		s->rbase = off;
		s->rlen = pread_some(s->data, s->rbuf, SPILL_BUF, off);
		if (s->rlen < RECORD_HEAD)
			return NULL;
	}
	memcpy(&n, s->rbuf + (off - s->rbase), 4);
	if (off + n > s->rbase + s->rlen) {
		s->rbase = off;
		s->rlen = pread_some(s->data, s->rbuf, SPILL_BUF, off);
		if (s->rlen < n)
			return NULL;
	}
	return s->rbuf + (off - s->rbase);
}

char *
fill_dup(const char *s, bool *ok)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*ok = false;
	return d;
}

bool
fill_set(struct entry *e, const char *subject, const char *from,
	 const char *file, uint16_t nfiles)
{
	bool ok = true;
	char *s = fill_dup(subject, &ok), *f = fill_dup(from, &ok);
	char *n = fill_dup(file, &ok);
	struct listing *l;

	if (!ok || (l = entry_listing(e)) == NULL) {
		free(s);
		free(f);
		free(n);
		return false;
	}
	free(l->subject);
	free(l->from);
	free(l->file);
	l->subject = s;
	l->from = f;
	l->file = n;
	e->nfiles = nfiles;
	e->filled = true;
	return true;
}

bool
fill_spill_get(struct fill_spill *s, struct entry *e)
{
	struct index_page *pg;
	const char *rec, *p, *subject, *from;
	uint64_t off;
	uint16_t nfiles;

	if (s->off || (pg = page_of(s, e->pos)) == NULL ||
	    (off = pg->off[e->pos % INDEX_PAGE]) == 0 ||
	    (rec = record_at(s, off - 1)) == NULL)
		return false;
	p = rec + RECORD_HEAD;
	if (strcmp(p, e->msgid) != 0)
		return false;
	p += strlen(p) + 1;
	subject = p;
	p += strlen(p) + 1;
	from = p;
	p += strlen(p) + 1;
	memcpy(&nfiles, rec + 4, 2);
	return fill_set(e, subject, from, rec[6] ? p : NULL, nfiles);
}
