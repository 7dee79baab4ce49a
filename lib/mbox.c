/* mbox splitting: see mbox.h for the rules. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "mbox.h"

struct mbox {
	gzFile gz;
	char *path;
	enum mbox_format fmt;
	char buf[2 * MBOX_PIECE];
	size_t bpos, blen;  /* unread bytes: buf[bpos..blen) */
	bool at_end;	    /* gzread() said end of file (or failed) */
	bool failed;	    /* ... because the data is damaged */
	unsigned long line; /* lines read so far */
	uint64_t bytes;	    /* uncompressed bytes read */
	bool eof;
};

static void
report_stop(struct mbox *m)
{
	int zerr = 0;
	const char *why = gzerror(m->gz, &zerr);

	if (zerr == Z_OK || zerr == Z_STREAM_END)
		why = "unexpected end of data";
	else if (zerr == Z_BUF_ERROR)
		why = "the compressed data is cut short";
	else if (zerr == Z_ERRNO)
		why = strerror(errno);
	log_err("mbox '%s' is damaged: stopped at line %lu (byte %llu of its "
		"content): %s",
		m->path, m->line + 1, (unsigned long long)m->bytes, why);
}

/* Top the buffer up to at least MBOX_PIECE bytes, or to the end. */
static void
fill(struct mbox *m)
{
	if (m->bpos > 0) {
		memmove(m->buf, m->buf + m->bpos, m->blen - m->bpos);
		m->blen -= m->bpos;
		m->bpos = 0;
	}
	while (!m->at_end && m->blen < MBOX_PIECE) {
		int n = gzread(m->gz, m->buf + m->blen,
			       (unsigned)(sizeof m->buf - m->blen));
		int zerr = 0;

		if (n <= 0) {
			/* zlib says 0 at the end, and also when a gzip
			 * stream is cut short: gzerror() tells them apart.
			 * What was read before the damage is still used. */
			gzerror(m->gz, &zerr);
			m->at_end = true;
			m->failed =
			    n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END);
			break;
		}
		m->blen += (size_t)n;
	}
}

/*
 * Read one line piece (into the buffer, borrowed until the next call).
 * *lenp 0 means end of file, or an error when *errp. *whole is true when
 * the piece ends its line (a newline, or the end of the file). Lines may
 * hold NUL bytes: lengths are counted, never taken from strlen().
 */
static void
read_piece(struct mbox *m, const char **pp, size_t *lenp, bool *whole,
	   bool *errp)
{
	const char *start, *nl;
	size_t avail, n;

	*errp = false;
	if (m->blen - m->bpos < MBOX_PIECE)
		fill(m);
	if (m->bpos == m->blen) {
		*errp = m->failed;
		*lenp = 0;
		*whole = true;
		return;
	}
	start = m->buf + m->bpos;
	avail = m->blen - m->bpos;
	if (avail > MBOX_PIECE)
		avail = MBOX_PIECE;
	nl = memchr(start, '\n', avail);
	n = nl ? (size_t)(nl - start) + 1 : avail;
	/* The last line of a damaged file is not whole: it was cut. */
	*whole =
	    nl != NULL || (m->at_end && !m->failed && n == m->blen - m->bpos);
	m->bpos += n;
	m->bytes += n;
	*pp = start;
	*lenp = n;
}

static bool
is_from_line(const char *p, size_t n)
{
	return n >= 5 && memcmp(p, "From ", 5) == 0;
}

static bool
is_blank(const char *p, size_t n)
{
	return (n == 1 && p[0] == '\n') ||
	       (n == 2 && p[0] == '\r' && p[1] == '\n');
}

/* Skip the rest of a line that did not fit in one piece. */
static bool
skip_rest(struct mbox *m)
{
	const char *p;
	size_t n;
	bool whole, err;

	do {
		read_piece(m, &p, &n, &whole, &err);
		if (err)
			return false;
	} while (n > 0 && !whole);
	return true;
}

enum ma_status
mbox_open(const char *path, enum mbox_format fmt, struct mbox **mp)
{
	struct mbox *m = calloc(1, sizeof *m);
	const char *p;
	size_t n;
	bool whole, err;
	int fd;

	if (m == NULL)
		return MA_ENOMEM;
	m->fmt = fmt;
	if ((m->path = strdup(path)) == NULL) {
		free(m);
		return MA_ENOMEM;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (m->gz = gzdopen(fd, "rb")) == NULL) {
		int e = errno;

		log_err("cannot open mbox '%s': %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		mbox_close(m);
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	gzbuffer(m->gz, 128 * 1024);
	read_piece(m, &p, &n, &whole, &err);
	if (err) {
		report_stop(m);
		mbox_close(m);
		return MA_EDATA;
	}
	if (n == 0) {
		/* An empty mbox holds no message: that is fine. */
		m->eof = true;
		*mp = m;
		return MA_OK;
	}
	if (!is_from_line(p, n)) {
		log_err(
		    "'%s' is not an mbox: its first line is not a \"From \" "
		    "line",
		    path);
		mbox_close(m);
		return MA_EDATA;
	}
	m->line = 1;
	if (!whole && !skip_rest(m)) {
		report_stop(m);
		mbox_close(m);
		return MA_EDATA;
	}
	*mp = m;
	return MA_OK;
}

/* Pass a line piece on, with CRLF read as LF and mbox quoting undone. */
static enum ma_status
emit(struct mbox *m, const char *p, size_t n, bool line_start, bool whole,
     mbox_sink sink, void *arg)
{
	if (line_start && n > 0 && p[0] == '>') {
		size_t q = 0;

		while (q < n && p[q] == '>')
			q++;
		if (is_from_line(p + q, n - q) &&
		    (m->fmt == MBOX_RD || q == 1)) {
			p++;
			n--;
		}
	}
	if (whole && n >= 2 && p[n - 2] == '\r' && p[n - 1] == '\n') {
		enum ma_status st = sink(arg, p, n - 2);

		return st == MA_OK ? sink(arg, "\n", 1) : st;
	}
	return n > 0 ? sink(arg, p, n) : MA_OK;
}

enum ma_status
mbox_next(struct mbox *m, mbox_sink sink, void *arg, bool *gotp)
{
	unsigned long blanks = 0; /* empty lines held back */
	bool line_start = true, any = false;
	enum ma_status st = MA_OK;

	*gotp = false;
	while (!m->eof) {
		const char *p;
		size_t n;
		bool whole, err;

		read_piece(m, &p, &n, &whole, &err);
		if (err) {
			report_stop(m);
			*gotp = any;
			return MA_EDATA;
		}
		if (n == 0) {
			m->eof = true;
			break;
		}
		if (line_start && whole && is_blank(p, n)) {
			blanks++;
			m->line++;
			continue;
		}
		if (line_start && blanks > 0 && any && is_from_line(p, n)) {
			/* The next message: its From_ line is consumed, the
			 * empty line before it belongs to the mbox. */
			m->line++;
			blanks--;
			for (; blanks > 0 && st == MA_OK; blanks--)
				st = sink(arg, "\n", 1);
			if (st == MA_OK && !whole && !skip_rest(m)) {
				report_stop(m);
				*gotp = true;
				return MA_EDATA;
			}
			*gotp = true;
			return st;
		}
		for (; blanks > 0 && st == MA_OK; blanks--)
			st = sink(arg, "\n", 1);
		if (st == MA_OK)
			st = emit(m, p, n, line_start, whole, sink, arg);
		if (st != MA_OK)
			return st;
		any = true;
		if (whole)
			m->line++;
		line_start = whole;
	}
	/* Empty lines kept back: all but the one the mbox owns. */
	if (blanks > 0 && any)
		blanks--;
	for (; any && blanks > 0 && st == MA_OK; blanks--)
		st = sink(arg, "\n", 1);
	*gotp = any;
	return st;
}

unsigned long
mbox_line(const struct mbox *m)
{
	return m->line;
}

uint64_t
mbox_progress(const struct mbox *m)
{
	z_off_t off = gzoffset(m->gz);

	return off < 0 ? m->bytes : (uint64_t)off;
}

void
mbox_close(struct mbox *m)
{
	if (m == NULL)
		return;
	if (m->gz != NULL)
		gzclose(m->gz);
	free(m->path);
	free(m);
}

bool
mbox_sniff(const char *path)
{
	char head[8] = {0};
	gzFile gz;
	int n;

	if ((gz = gzopen(path, "rb")) == NULL)
		return false;
	n = gzread(gz, head, 5);
	gzclose(gz);
	return n == 5 && memcmp(head, "From ", 5) == 0;
}
