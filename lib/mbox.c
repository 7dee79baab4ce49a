/* mbox splitting: see mbox.h for the rules. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	bool lax;      /* the first From_ line has no date: the old rule */
	bool cr_lines; /* classic Mac OS: a CR alone ends each line */
	bool mmdf;     /* MMDF: messages between lines of four ^A */
	gzFile probe;  /* a second reader, to look ahead (opened when needed) */
	/* The message being read: its header, its Content-Length. */
	bool in_header;
	bool cl_seen, cl_bad;
	enum { CL_NONE, CL_PENDING, CL_HONOURED } cl;
	uint64_t cl_len, cl_end; /* cl_end: the file offset the body ends at */
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

static void
cr_to_lf(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\r')
			p[i] = '\n';
}

/*
 * Whether the first line end of the file is a CR alone: its lines end
 * that way (Eudora and other classic Mac OS mailers). Read as LF, or the
 * whole file would be one From_ line and no message.
 */
static bool
cr_first(const char *p, size_t n)
{
	const char *cr = memchr(p, '\r', n), *lf = memchr(p, '\n', n);

	return cr != NULL && (lf == NULL || cr < lf) &&
	       (cr + 1 == p + n || cr[1] != '\n');
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
		if (m->cr_lines)
			cr_to_lf(m->buf + m->blen, (size_t)n);
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

/* MMDF's delimiter line: four ^A bytes (SCO, MMDF and some mutt files). */
static bool
is_mmdf_line(const char *p, size_t n)
{
	return n >= 5 && memcmp(p, "\1\1\1\1", 4) == 0 &&
	       ((n == 5 && p[4] == '\n') ||
		(n == 6 && p[4] == '\r' && p[5] == '\n'));
}

static bool
is_blank(const char *p, size_t n)
{
	return (n == 1 && p[0] == '\n') ||
	       (n == 2 && p[0] == '\r' && p[1] == '\n');
}

/*
 * The envelope ("From_") line. Written by delivery agents since V7 Unix as
 * "From SENDER DATE", DATE in the form of ctime(3), with the variants seen
 * in real files:
 *
 *   From a@example.com Sun Jul 16 15:06:25 2023       ctime(3)
 *   From - Sun Jul  6 15:06:25 2023                   Netscape, Thunderbird
 *   From ???@??? Sun Jul 16 15:06 2023                Eudora; no seconds
 *   From a at example.com  Sun Jul 16 15:06:25 2023   mailing-list archives
 *   From 17@xxx Sun Jul 16 15:06:25 +0000 2023        Gmail exports
 *   From a Wed Aug  2 00:39:12 MET DST 1995           zone names
 *   From a Sun Jul 16 15:06:25 2023 +0200             zone after the year
 *   From a Sun Jul 16 15:06:25 2023 remote from uunet UUCP
 *   From a Sun, 16 Jul 2023 15:06:25 +0000            RFC 5322 date
 *
 * A body line that merely starts with "From " has no such date, so it does
 * not start a message even where the writer forgot to quote it.
 */

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* The cursor over one line: p[i..n) is what is left. */
struct cur {
	const char *p;
	size_t i, n;
};

static bool
skip_ws(struct cur *c)
{
	size_t i0 = c->i;

	while (c->i < c->n && is_ws(c->p[c->i]))
		c->i++;
	return c->i > i0;
}

static bool
at_end(const struct cur *c)
{
	return c->i == c->n;
}

/* A name from list (three letters, any case, then not a letter). */
static bool
name3(struct cur *c, const char *list)
{
	char w[3];

	if (c->n - c->i < 3)
		return false;
	for (int k = 0; k < 3; k++) {
		char ch = c->p[c->i + (size_t)k];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		w[k] = ch;
	}
	if (c->i + 3 < c->n) {
		char ch = c->p[c->i + 3];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
			return false;
	}
	for (const char *l = list; *l != '\0'; l += 3)
		if (memcmp(l, w, 3) == 0) {
			c->i += 3;
			return true;
		}
	return false;
}

static bool
wday(struct cur *c)
{
	return name3(c, "montuewedthufrisatsun");
}

static bool
month(struct cur *c)
{
	return name3(c, "janfebmaraprmayjunjulaugsepoctnovdec");
}

/* min..max digits, their value at most hi; not followed by a digit. */
static bool
number(struct cur *c, int min, int max, long hi, long *vp)
{
	long v = 0;
	int k = 0;

	while (c->i < c->n && c->p[c->i] >= '0' && c->p[c->i] <= '9') {
		if (++k > max)
			return false;
		v = v * 10 + (c->p[c->i] - '0');
		c->i++;
	}
	if (k < min || v > hi)
		return false;
	if (vp != NULL)
		*vp = v;
	return true;
}

static bool
day(struct cur *c)
{
	long d = 0;

	return number(c, 1, 2, 31, &d) && d >= 1;
}

/* HH:MM or HH:MM:SS (a leap second allowed). */
static bool
clock_time(struct cur *c)
{
	if (!number(c, 1, 2, 23, NULL) || at_end(c) || c->p[c->i++] != ':' ||
	    !number(c, 2, 2, 59, NULL))
		return false;
	if (!at_end(c) && c->p[c->i] == ':') {
		c->i++;
		return number(c, 2, 2, 60, NULL);
	}
	return true;
}

static bool
year(struct cur *c)
{
	size_t i0 = c->i;

	if (!number(c, 2, 4, 9999, NULL))
		return false;
	return c->i - i0 != 3;
}

/* A zone: a name of letters (EST, MET, DST) or +hhmm / -hhmm. */
static bool
zone(struct cur *c)
{
	size_t i0 = c->i;

	if (!at_end(c) && (c->p[c->i] == '+' || c->p[c->i] == '-')) {
		c->i++;
		return number(c, 4, 4, 9999, NULL);
	}
	while (c->i < c->n && ((c->p[c->i] >= 'a' && c->p[c->i] <= 'z') ||
			       (c->p[c->i] >= 'A' && c->p[c->i] <= 'Z')))
		c->i++;
	return c->i - i0 >= 1 && c->i - i0 <= 6 &&
	       (at_end(c) || is_ws(c->p[c->i]));
}

/* The end of the date: the line's end, or a space and anything. */
static bool
date_end(struct cur *c)
{
	return at_end(c) || is_ws(c->p[c->i]);
}

/* ctime(3): Sun Jul 16 15:06:25 [ZONE [ZONE]] 2023 */
static bool
ctime_date(struct cur c)
{
	if (!wday(&c) || !skip_ws(&c) || !month(&c) || !skip_ws(&c) ||
	    !day(&c) || !skip_ws(&c) || !clock_time(&c) || !skip_ws(&c))
		return false;
	for (int zones = 0; zones <= 2; zones++) {
		struct cur y = c;

		if (year(&y) && date_end(&y))
			return true;
		if (zones == 2 || !zone(&c) || !skip_ws(&c))
			return false;
	}
	return false;
}

/* RFC 5322 3.3: [Sun,] 16 Jul 2023 15:06[:25] [+0000] */
static bool
rfc_date(struct cur c)
{
	if (wday(&c)) {
		if (!at_end(&c) && c.p[c.i] == ',')
			c.i++;
		if (!skip_ws(&c))
			return false;
	}
	return day(&c) && skip_ws(&c) && month(&c) && skip_ws(&c) && year(&c) &&
	       skip_ws(&c) && clock_time(&c) && date_end(&c);
}

static bool
date(struct cur c)
{
	return ctime_date(c) || rfc_date(c);
}

/*
 * The sender: one word, in which a quoted part may hold spaces
 * ("a b"@example.com), of printable bytes (8-bit ones too, for UTF-8).
 */
static bool
sender(struct cur *c)
{
	bool quoted = false;
	size_t i0 = c->i;

	for (; c->i < c->n && (quoted || !is_ws(c->p[c->i])); c->i++) {
		unsigned char ch = (unsigned char)c->p[c->i];

		if (ch < 0x20 || ch == 0x7f)
			return false;
		if (ch == '\\' && quoted && c->i + 1 < c->n)
			c->i++;
		else if (ch == '"')
			quoted = !quoted;
	}
	return !quoted && c->i > i0;
}

bool
mbox_is_envelope(const char *p, size_t n)
{
	struct cur c = {p, 5, n};
	struct cur s;

	if (n > MBOX_ENVELOPE_MAX || n < 5 || memcmp(p, "From ", 5) != 0)
		return false;
	if (c.n > 0 && c.p[c.n - 1] == '\n')
		c.n--;
	if (c.n > 5 && c.p[c.n - 1] == '\r')
		c.n--;
	while (c.n > 5 && is_ws(c.p[c.n - 1]))
		c.n--;
	skip_ws(&c);
	/* No sender at all (an empty return path). */
	if (date(c))
		return true;
	if (!sender(&c) || !skip_ws(&c))
		return false;
	/* Mailing-list archives write the address as "a at example.com". */
	s = c;
	if (s.n - s.i > 3 && memcmp(s.p + s.i, "at", 2) == 0 &&
	    is_ws(s.p[s.i + 2])) {
		s.i += 2;
		skip_ws(&s);
		if (sender(&s) && skip_ws(&s) && date(s))
			return true;
	}
	return date(c);
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

/* Only spaces, tabs and a line end: what may come before the first From_. */
static bool
is_space_line(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_ws(p[i]) && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static const char bom[] = "\xef\xbb\xbf";

/* After the first fill(): a byte-order mark skipped; CR alone read as LF
 * when the first line ends that way (cr_first()). */
static void
skip_bom_read_cr(struct mbox *m)
{
	if (m->blen >= 3 && memcmp(m->buf, bom, 3) == 0) {
		m->bpos = 3;
		m->bytes = 3;
	}
	if (cr_first(m->buf + m->bpos, m->blen - m->bpos)) {
		m->cr_lines = true;
		cr_to_lf(m->buf, m->blen);
		log_info("'%s': lines end in CR alone; read as LF", m->path);
	}
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
	/* A byte-order mark and empty lines before the first From_ line
	 * (files saved by Windows editors and some exporters) are not mail. */
	fill(m);
	skip_bom_read_cr(m);
	do {
		read_piece(m, &p, &n, &whole, &err);
		if (err) {
			report_stop(m);
			mbox_close(m);
			return MA_EDATA;
		}
		if (n > 0 && whole && is_space_line(p, n))
			m->line++;
		else
			break;
	} while (n > 0);
	if (n == 0) {
		/* An empty mbox holds no message: that is fine. */
		m->eof = true;
		*mp = m;
		return MA_OK;
	}
	if (whole && is_mmdf_line(p, n)) {
		m->mmdf = true;
		m->line++;
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
	/* A file whose first From_ line has no date was written by a tool
	 * that does not write the usual envelope line: it is split by the
	 * older rule, at a "From " line after an empty line. */
	m->lax = !whole || !mbox_is_envelope(p, n);
	if (m->lax)
		log_info("'%s': the first \"From \" line has no date; messages "
			 "start at a \"From \" line after an empty line",
			 path);
	m->line++;
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
	if (line_start && n > 0 && p[0] == '>' && !m->mmdf) {
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

static void
start_message(struct mbox *m)
{
	m->in_header = true;
	m->cl_seen = false;
	m->cl_bad = false;
	m->cl = CL_NONE;
}

/*
 * A header line of the message: remember its Content-Length (Solaris and
 * System V mail, mboxcl2). Two of them, or one that is not a number, are
 * ignored.
 */
static void
header_line(struct mbox *m, const char *p, size_t n)
{
	static const char name[] = "content-length:";
	size_t i = sizeof name - 1;
	uint64_t v = 0;
	bool digits = false;

	if (n < i || strncasecmp(p, name, i) != 0)
		return;
	if (m->cl_seen) {
		m->cl_bad = true;
		return;
	}
	m->cl_seen = true;
	while (i < n && is_ws(p[i]))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (v > UINT64_MAX / 100)
			break;
		v = v * 10 + (uint64_t)(p[i] - '0');
		digits = true;
	}
	while (i < n && (is_ws(p[i]) || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (!digits || i != n)
		m->cl_bad = true;
	else
		m->cl_len = v;
}

/* The empty line ending the header: the body starts after it. */
static void
end_header(struct mbox *m)
{
	m->in_header = false;
	if (m->cl_seen && !m->cl_bad) {
		m->cl_end = m->bytes + m->cl_len;
		m->cl = CL_PENDING;
	}
}

/*
 * Copy up to cap bytes of the (uncompressed) file from offset off: from the
 * buffer when they are there, else through a second reader (lseek(2) on a
 * plain file; zlib skips forward in a compressed one). *eofp: the file
 * ends before cap bytes. False when the bytes cannot be read.
 */
static bool
peek(struct mbox *m, uint64_t off, char *out, size_t cap, size_t *kp,
     bool *eofp)
{
	size_t avail = m->blen - m->bpos, k = 0;
	uint64_t zmax = ((uint64_t)1 << (sizeof(z_off_t) * 8 - 1)) - 1;
	int zerr = Z_OK;

	if (off >= m->bytes && off - m->bytes <= avail) {
		size_t rel = (size_t)(off - m->bytes);

		if (avail - rel >= cap || (m->at_end && !m->failed)) {
			k = avail - rel < cap ? avail - rel : cap;
			memcpy(out, m->buf + m->bpos + rel, k);
			*kp = k;
			*eofp = k < cap;
			return true;
		}
	}
	if (off > zmax)
		return false;
	if (m->probe == NULL && (m->probe = gzopen(m->path, "rbe")) == NULL)
		return false;
	if (gzseek(m->probe, (z_off_t)off, SEEK_SET) != (z_off_t)off) {
		/* Past the end of a compressed file: nothing there. */
		gzclose(m->probe);
		m->probe = NULL;
		return false;
	}
	while (k < cap) {
		int r = gzread(m->probe, out + k, (unsigned)(cap - k));

		if (r <= 0)
			break;
		k += (size_t)r;
	}
	gzerror(m->probe, &zerr);
	if (zerr != Z_OK && zerr != Z_STREAM_END) {
		gzclose(m->probe);
		m->probe = NULL;
		return false;
	}
	*kp = k;
	*eofp = k < cap;
	return true;
}

/*
 * Whether the Content-Length of the message is consistent: the body it
 * gives ends at the end of a line, followed by the end of the file, or by
 * an optional empty line and the next From_ line. (mutt does the same
 * check; a length that lands anywhere else is a stale header.)
 */
static bool
cl_consistent(struct mbox *m)
{
	char w[MBOX_ENVELOPE_MAX + 3];
	const char *nl;
	size_t k = 0, i = 1, len;
	bool eof = false;

	if (!peek(m, m->cl_end - 1, w, sizeof w, &k, &eof) || k == 0 ||
	    w[0] != '\n')
		return false;
	if (i < k && w[i] == '\n')
		i++;
	else if (i + 1 < k && w[i] == '\r' && w[i + 1] == '\n')
		i += 2;
	if (i == k)
		return eof;
	if (m->lax && i == 1)
		return false;
	nl = memchr(w + i, '\n', k - i);
	if (nl == NULL && !eof)
		return false;
	len = nl != NULL ? (size_t)(nl - (w + i)) + 1 : k - i;
	return m->lax ? is_from_line(w + i, len) : mbox_is_envelope(w + i, len);
}

/*
 * Whether the line at offset off starts the next message: a From_ line
 * (in a lax file, a "From " line after an empty line) that is not inside
 * a body whose consistent Content-Length says it goes on.
 */
static bool
starts_message(struct mbox *m, const char *p, size_t n, bool whole,
	       unsigned long blanks)
{
	/* MMDF: a delimiter ends a message and another starts the next;
	 * between them there is no message. */
	if (m->mmdf)
		return whole && is_mmdf_line(p, n);
	if (m->lax) {
		if (blanks == 0 || !is_from_line(p, n))
			return false;
	} else if (!whole || !mbox_is_envelope(p, n)) {
		return false;
	}
	if (m->cl == CL_PENDING)
		m->cl = cl_consistent(m) ? CL_HONOURED : CL_NONE;
	return m->cl != CL_HONOURED;
}

static enum ma_status
put_blanks(unsigned long *blanks, mbox_sink sink, void *arg)
{
	enum ma_status st = MA_OK;

	for (; *blanks > 0 && st == MA_OK; (*blanks)--)
		st = sink(arg, "\n", 1);
	return st;
}

enum ma_status
mbox_next(struct mbox *m, mbox_sink sink, void *arg, bool *gotp)
{
	unsigned long blanks = 0; /* empty lines held back */
	bool line_start = true, any = false;
	enum ma_status st = MA_OK;

	*gotp = false;
	start_message(m);
	while (!m->eof) {
		uint64_t off = m->bytes;
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
		if (line_start && m->cl != CL_NONE && off == m->cl_end) {
			/* The end of the body Content-Length gives: the
			 * empty lines before it are the message's. */
			if (any &&
			    (st = put_blanks(&blanks, sink, arg)) != MA_OK)
				return st;
			m->cl = CL_NONE;
		}
		if (line_start && whole && is_blank(p, n)) {
			if (m->in_header)
				end_header(m);
			blanks++;
			m->line++;
			continue;
		}
		if (line_start && starts_message(m, p, n, whole, blanks)) {
			/* The next message: its From_ line is consumed, the
			 * empty line before it belongs to the mbox. */
			m->line++;
			if (!whole && !skip_rest(m)) {
				report_stop(m);
				*gotp = any;
				return MA_EDATA;
			}
			if (!any) {
				/* Nothing but empty lines since the last
				 * From_ line: no message there. */
				blanks = 0;
				start_message(m);
				continue;
			}
			if (blanks > 0 && !m->mmdf)
				blanks--;
			*gotp = true;
			return put_blanks(&blanks, sink, arg);
		}
		if (line_start && whole && m->in_header)
			header_line(m, p, n);
		st = put_blanks(&blanks, sink, arg);
		if (st == MA_OK)
			st = emit(m, p, n, line_start, whole, sink, arg);
		if (st != MA_OK)
			return st;
		any = true;
		if (whole)
			m->line++;
		line_start = whole;
	}
	/* Empty lines kept back: all but the one the mbox owns, unless a
	 * Content-Length ends the body exactly here. */
	if (!any)
		return MA_OK;
	if (blanks > 0 && !(m->cl != CL_NONE && m->bytes == m->cl_end))
		blanks--;
	*gotp = true;
	return put_blanks(&blanks, sink, arg);
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
	if (m->probe != NULL)
		gzclose(m->probe);
	free(m->path);
	free(m);
}

bool
mbox_sniff(const char *path)
{
	char head[4096];
	size_t i = 0, k;
	gzFile gz;
	int n;

	if ((gz = gzopen(path, "rbe")) == NULL)
		return false;
	n = gzread(gz, head, sizeof head);
	gzclose(gz);
	if (n <= 0)
		return false;
	k = (size_t)n;
	if (k >= 3 && memcmp(head, bom, 3) == 0)
		i = 3;
	/* Empty lines before it, as mbox_open() takes them. */
	for (size_t j = i; j < k && is_space_line(head + j, 1); j++)
		if (head[j] == '\n')
			i = j + 1;
	return k - i >= 5 &&
	       (memcmp(head + i, "From ", 5) == 0 ||
		is_mmdf_line(head + i,
			     k - i >= 6 && head[i + 4] == '\r' ? 6 : 5));
}
