/*
 * Message identity (see msg.h for the rule) and the intake reader; what
 * gmime reads of a message is in msg_parse.c.
 *
 * The identity is computed from the raw bytes in one streaming pass with
 * a bounded header block: a 2 GB attachment costs time, not memory.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"
#include "hash.h"
#include "msg.h"
#include "msg_int.h"
#include "path.h"

/* RFC 5322 allows 998-byte lines; real headers can be folded far longer
 * (References), but a header block over this is not mail. */
#define HEADER_BLOCK_MAX (4u << 20)
/* The longest line start that can be an mbox "From " line to unquote. */
#define LINE_HEAD_MAX 256
/* msg_open() reads a file up to this size whole (msg_read_small()). */
#define MSG_READ_MAX (2u << 20)

static const char *const author_fields[] = {
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "comments",
    "keywords",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-language",
};
#define NFIELDS (sizeof author_fields / sizeof author_fields[0])

/*
 * The intake reader: the file's bytes as msg.h "Intake normalisation"
 * says, one at a time. The identity is computed over what it returns and
 * msg_write_normalised() copies what it returns, so a raw file and its
 * normalised copy have one identity by construction.
 */
#define PREFIX_LINE_MAX 4096

struct reader {
	FILE *f;
	bool started;	 /* the prefix was read */
	bool cr_style;	 /* a bare CR ends a line */
	bool in_header;	 /* before the empty line */
	bool line_start; /* at the start of a line (header part) */
	bool changed;	 /* the output differs from the input */
	bool binary;	 /* a NUL or control byte in the header */
	unsigned long long out_bytes;
	/* The first line, read ahead to learn the line-end style. */
	unsigned char first[PREFIX_LINE_MAX];
	size_t first_len, first_pos;
	/* Bytes decided and waiting to be returned. */
	unsigned char q[PREFIX_LINE_MAX + 8];
	size_t qh, qn;
};

static void
reader_init(struct reader *r, FILE *f)
{
	memset(r, 0, sizeof *r);
	r->f = f;
	r->in_header = true;
	r->line_start = true;
}

/*
 * One raw line for the prefix: up to CR, LF or CRLF (any of them ends a
 * line here). *endp says which: 0 none (EOF or too long), 1 LF, 2 CRLF,
 * 3 a bare CR.
 */
static size_t
raw_line(FILE *f, unsigned char *buf, size_t size, int *endp)
{
	size_t n = 0;
	int c;

	*endp = 0;
	while (n < size && (c = getc_unlocked(f)) != EOF) {
		if (c == '\n') {
			*endp = 1;
			return n;
		}
		if (c == '\r') {
			int d = getc_unlocked(f);

			if (d == '\n') {
				*endp = 2;
				return n;
			}
			if (d != EOF)
				ungetc(d, f);
			*endp = 3;
			return n;
		}
		buf[n++] = (unsigned char)c;
	}
	return n;
}

/* A line holding only blanks (or nothing). */
static bool
blank_line(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

/* An mbox envelope line: "From " and then no colon after blanks (that
 * would be a "From :" header field). */
static bool
envelope_line(const unsigned char *p, size_t n)
{
	size_t i = 5;

	if (n < 5 || memcmp(p, "From ", 5) != 0)
		return false;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < n && p[i] != ':';
}

/*
 * Drop a UTF-8 byte-order mark and the blank and envelope lines before
 * the first header line; that line's end sets the style (a bare CR: CR
 * style). The line is kept in r->first, its end as "\n".
 */
static void
reader_start(struct reader *r)
{
	int end;
	size_t n;
	bool first_line = true;

	r->started = true;
	for (;;) {
		unsigned char *p = r->first;

		n = raw_line(r->f, r->first, sizeof r->first - 1, &end);
		if (first_line && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			memmove(p, p + 3, n - 3);
			n -= 3;
			r->changed = true;
		}
		first_line = false;
		if (end == 0 || (!blank_line(p, n) && !envelope_line(p, n)))
			break;
		r->changed = true;
	}
	r->cr_style = end == 3;
	if (end == 2 || end == 3)
		r->changed = true;
	if (end != 0)
		r->first[n++] = '\n';
	r->first_len = n;
}

/* A CR was read: CRLF is LF, a bare CR is LF in CR style. */
static int
conv_cr(struct reader *r)
{
	int d = getc_unlocked(r->f);

	if (d == '\n') {
		r->changed = true;
		return '\n';
	}
	if (d != EOF)
		ungetc(d, r->f);
	if (r->cr_style) {
		r->changed = true;
		return '\n';
	}
	return '\r';
}

/* The next byte after the first line, with its line end converted. */
static int
conv_getc(struct reader *r)
{
	int c;

	if (r->first_pos < r->first_len)
		return r->first[r->first_pos++];
	if ((c = getc_unlocked(r->f)) == '\r')
		c = conv_cr(r);
	return c;
}

static void
queue(struct reader *r, const unsigned char *p, size_t n)
{
	memcpy(r->q + r->qn, p, n);
	r->qn += n;
}

/*
 * At the start of a header line: a field name followed by blanks and a
 * colon loses the blanks ("Subject : x" is "Subject: x").
 */
static void
header_line_start(struct reader *r, int c)
{
	unsigned char name[PREFIX_LINE_MAX];
	size_t n = 0, nb = 0;

	while (c != EOF && c > ' ' && c < 0x7f && c != ':' &&
	       n < sizeof name / 2) {
		name[n++] = (unsigned char)c;
		c = conv_getc(r);
	}
	while (n > 0 && (c == ' ' || c == '\t') && n + nb < sizeof name - 1) {
		name[n + nb++] = (unsigned char)c;
		c = conv_getc(r);
	}
	if (n > 0 && nb > 0 && c == ':') {
		nb = 0;
		r->changed = true;
	}
	if (c != EOF)
		name[n + nb++] = (unsigned char)c;
	queue(r, name, n + nb);
}

static void
note_header_byte(struct reader *r, int c)
{
	/* ESC is ISO-2022-JP in raw 8-bit headers; FF is rare but text. */
	if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != 0x1b &&
		       c != '\f' && c != '\r'))
		r->binary = true;
}

static int
reader_getc(struct reader *r)
{
	int c;

	if (!r->started)
		reader_start(r);
	if (r->qh < r->qn)
		goto give;
	r->qh = r->qn = 0;
	if ((c = conv_getc(r)) == EOF)
		return EOF;
	if (!r->in_header) {
		r->out_bytes++;
		return c;
	}
	if (r->line_start && c == '\n') {
		r->in_header = false;
		r->out_bytes++;
		return c;
	}
	if (r->line_start && c != ' ' && c != '\t')
		header_line_start(r, c);
	else
		r->q[r->qn++] = (unsigned char)c;
	for (size_t i = 0; i < r->qn; i++)
		note_header_byte(r, r->q[i]);
	r->line_start = r->q[r->qn - 1] == '\n';
give:
	r->out_bytes++;
	return r->q[r->qh++];
}

struct field {
	const char *name; /* into the header block, NUL-terminated */
	size_t name_len;
	char *value; /* normalised, malloc'd */
};

/* Unfold and squeeze blanks: the value as msg.h step 1 says. */
static char *
normalise_value(const char *p, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	bool blank = false;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
			blank = true;
			continue;
		}
		if (blank && o > 0)
			out[o++] = ' ';
		blank = false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/*
 * Split the header block into fields. Lines that are neither a field nor
 * a continuation (an mbox "From " line left at the top, garbage) are
 * skipped: they are no author's header.
 */
static enum ma_status
split_fields(char *blk, size_t len, struct field **fieldsp, size_t *np)
{
	struct field *v = NULL;
	size_t n = 0, cap = 0;
	size_t i = 0;

	while (i < len) {
		size_t start = i, colon = 0, end;
		bool have_colon = false;

		/* A field runs to a newline not followed by a blank. */
		for (end = i; end < len; end++) {
			if (blk[end] == ':' && !have_colon) {
				have_colon = true;
				colon = end;
			}
			if (blk[end] == '\n' &&
			    !(end + 1 < len &&
			      (blk[end + 1] == ' ' || blk[end + 1] == '\t')))
				break;
		}
		i = end + 1;
		if (!have_colon || colon == start)
			continue;
		/* RFC 5322 2.2: printable ASCII but ':', no blanks; allow
		 * blanks before the colon as obsolete syntax does. */
		size_t nl = colon;
		while (nl > start &&
		       (blk[nl - 1] == ' ' || blk[nl - 1] == '\t'))
			nl--;
		bool ok = nl > start;
		for (size_t k = start; ok && k < nl; k++)
			if (blk[k] <= ' ' || blk[k] > '~')
				ok = false;
		if (!ok)
			continue;
		if (n == cap) {
			struct field *nv =
			    array_grow(v, &cap, n, sizeof *nv, 32);

			if (nv == NULL)
				goto nomem;
			v = nv;
		}
		for (size_t k = start; k < nl; k++)
			blk[k] = (char)tolower((unsigned char)blk[k]);
		v[n].name = blk + start;
		v[n].name_len = nl - start;
		v[n].value = normalise_value(
		    blk + colon + 1, (end < len ? end : len) - colon - 1);
		if (v[n].value == NULL)
			goto nomem;
		n++;
	}
	*fieldsp = v;
	*np = n;
	return MA_OK;
nomem:
	for (size_t k = 0; k < n; k++)
		free(v[k].value);
	free(v);
	return MA_ENOMEM;
}

static bool
field_is(const struct field *f, const char *name)
{
	return f->name_len == strlen(name) &&
	       memcmp(f->name, name, f->name_len) == 0;
}

/*
 * The body pass: CRLF as LF, mbox quoting undone at line starts, empty
 * lines at the end dropped (they are only written out once a line with
 * content follows).
 */
struct body_hash {
	struct hash *md;
	unsigned long pending_nl;
	char out[8192]; /* bytes on their way to the digest */
	size_t nout;
};

static void
body_flush(struct body_hash *b)
{
	if (b->nout > 0)
		hash_update(b->md, b->out, b->nout);
	b->nout = 0;
}

static void
body_put(struct body_hash *b, const char *p, size_t n)
{
	if (b->nout + n > sizeof b->out) {
		body_flush(b);
		if (n > sizeof b->out) {
			hash_update(b->md, p, n);
			return;
		}
	}
	memcpy(b->out + b->nout, p, n);
	b->nout += n;
}

static void
body_emit(struct body_hash *b, const char *p, size_t n)
{
	if (n == 0)
		return;
	for (; b->pending_nl > 0; b->pending_nl--)
		body_put(b, "\n", 1);
	body_put(b, p, n);
}

/* One line start (up to LINE_HEAD_MAX bytes, without its newline). */
static void
body_line_head(struct body_hash *b, const char *p, size_t n)
{
	size_t q = 0;

	while (q < n && p[q] == '>')
		q++;
	if (n - q >= 5 && memcmp(p + q, "From ", 5) == 0)
		body_emit(b, p + q, n - q);
	else
		body_emit(b, p, n);
}

static enum ma_status
hash_body(struct reader *r, struct body_hash *b)
{
	char head[LINE_HEAD_MAX];
	size_t hn = 0;
	bool in_head = true; /* still collecting this line's start */
	int c;

	/* After the header block the reader has nothing queued: read the
	 * body straight from the file, with the same line-end rule. */
	FILE *f = r->f;
	bool cr_style = r->cr_style, changed = false;

	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\r') {
			int d = getc_unlocked(f);

			if (d == '\n') {
				c = '\n';
				changed = true;
			} else {
				if (d != EOF)
					ungetc(d, f);
				if (cr_style) {
					c = '\n';
					changed = true;
				}
			}
		}
		if (c == '\n') {
			if (in_head)
				body_line_head(b, head, hn);
			b->pending_nl++;
			hn = 0;
			in_head = true;
			continue;
		}
		if (in_head) {
			head[hn++] = (char)c;
			if (hn == sizeof head) {
				body_line_head(b, head, hn);
				in_head = false;
			}
			continue;
		}
		char ch = (char)c;
		body_emit(b, &ch, 1);
	}
	if (ferror(f))
		return MA_EIO;
	r->changed = r->changed || changed;
	if (in_head)
		body_line_head(b, head, hn);
	body_flush(b);
	return MA_OK;
}

/* Read the header block: lines up to the first empty one. */
static enum ma_status
read_header_block(struct reader *r, struct buf *blk)
{
	bool line_start = true;
	int c;

	while ((c = reader_getc(r)) != EOF) {
		if (c == '\n' && line_start)
			return MA_OK; /* the empty line */
		if (buf_addc(blk, (char)c) != MA_OK)
			return MA_ETOOBIG;
		line_start = c == '\n';
	}
	if (ferror(r->f))
		return MA_EIO;
	return MA_OK;
}

/* What the identity pass learns besides the identity. */
struct pass {
	char *message_id; /* malloc'd raw value, or NULL */
	bool no_archive;
	bool normalise; /* intake changes the file */
	bool binary;	/* a NUL or control byte in the header block */
	enum msg_verdict verdict;
	unsigned long long header_bytes; /* through the empty line */
	bool opened;			 /* the file could be opened */
};

/* Rule step 4's start: the magic line and the counted fields, in order. */
static void
hash_fields(struct hash *md, const struct field *fields, size_t nfields)
{
	static const char magic[] = "mailarc-identity-1\n";

	hash_update(md, magic, sizeof magic - 1);
	for (size_t k = 0; k < NFIELDS; k++) {
		for (size_t i = 0; i < nfields; i++) {
			if (!field_is(&fields[i], author_fields[k]))
				continue;
			hash_update(md, author_fields[k],
				    strlen(author_fields[k]));
			hash_update(md, ":", 1);
			hash_update(md, fields[i].value,
				    strlen(fields[i].value));
			hash_update(md, "\n", 1);
		}
	}
	hash_update(md, "\n", 1);
}

/* The Message-ID and X-No-Archive the pipeline decides on, into *ps. */
static enum ma_status
note_fields(const struct field *fields, size_t nfields, struct pass *ps)
{
	char *mid = NULL;

	for (size_t i = 0; i < nfields; i++) {
		if (mid == NULL && field_is(&fields[i], "message-id") &&
		    (mid = strdup(fields[i].value)) == NULL)
			return MA_ENOMEM;
		if (field_is(&fields[i], "x-no-archive"))
			ps->no_archive =
			    strcasecmp(fields[i].value, "yes") == 0;
	}
	ps->message_id = mid;
	return MA_OK;
}

static enum ma_status
identity_stream(FILE *f, char *identity, struct pass *ps)
{
	struct buf blk;
	struct field *fields = NULL;
	size_t nfields = 0;
	struct body_hash b;
	enum ma_status st;
	struct reader r;

	b.md = NULL;
	b.pending_nl = 0;
	b.nout = 0;
	reader_init(&r, f);
	buf_init(&blk, HEADER_BLOCK_MAX);
	if ((st = read_header_block(&r, &blk)) != MA_OK)
		goto out;
	if (r.out_bytes == 0) {
		ps->verdict = MSG_EMPTY;
		st = MA_EDATA;
		goto out;
	}
	ps->binary = r.binary;
	ps->header_bytes = r.out_bytes;
	/* Keep the trailing newline so the last field ends like others. */
	if (blk.len > 0 && (st = buf_addc(&blk, '\n')) != MA_OK)
		goto out;
	if ((st = split_fields(blk.data, blk.len, &fields, &nfields)) != MA_OK)
		goto out;
	if (nfields == 0) {
		ps->verdict = r.binary ? MSG_BINARY : MSG_NO_HEADER;
		st = MA_EDATA;
		goto out;
	}
	if ((b.md = hash_begin(HASH_SHA256)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	hash_fields(b.md, fields, nfields);
	/* The header block ended at its empty line (or the file did):
	 * nothing is queued or read ahead. */
	if (r.qh < r.qn || r.first_pos < r.first_len) {
		ps->verdict = MSG_UNPARSABLE;
		st = MA_EDATA;
		goto out;
	}
	if ((st = hash_body(&r, &b)) != MA_OK)
		goto out;
	ps->normalise = r.changed;
	st = hash_end(b.md, identity);
	b.md = NULL;
	if (st == MA_OK)
		st = note_fields(fields, nfields, ps);
out:
	hash_abort(b.md);
	for (size_t i = 0; i < nfields; i++)
		free(fields[i].value);
	free(fields);
	buf_release(&blk);
	return st;
}

enum ma_status
msg_identity_stream(FILE *f, char *identity, char **message_id)
{
	struct pass ps = {0};
	enum ma_status st = identity_stream(f, identity, &ps);

	if (st == MA_OK && message_id != NULL)
		*message_id = ps.message_id;
	else
		free(ps.message_id);
	return st;
}

enum ma_status
msg_write_normalised(const char *path, int fd)
{
	struct reader r;
	char chunk[8192];
	size_t n = 0;
	enum ma_status st = MA_OK;
	FILE *f;
	int c;

	if ((f = fopen(path, "re")) == NULL) {
		int e = errno;

		log_err("cannot open message '%s': %s", path, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	reader_init(&r, f);
	while (st == MA_OK) {
		c = reader_getc(&r);
		if (c != EOF)
			chunk[n++] = (char)c;
		if (n > 0 && (n == sizeof chunk || c == EOF)) {
			st = path_write_all(fd, chunk, n);
			if (st != MA_OK)
				log_err("cannot write the copy of '%s': %s",
					path, strerror(errno));
			n = 0;
		}
		if (c == EOF)
			break;
	}
	if (st == MA_OK && ferror(f)) {
		log_err("cannot read message '%s'", path);
		st = MA_EIO;
	}
	fclose(f);
	return st;
}

char *
msg_notmuch_id(const char *path)
{
	static const char prefix[] = "notmuch-sha1-";
	unsigned char chunk[65536];
	char hex[41], *id = NULL;
	struct hash *c;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	if ((c = hash_begin(HASH_SHA1)) == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		hash_update(c, chunk, n);
	if (ferror(f)) {
		hash_abort(c);
		goto out;
	}
	if (hash_end(c, hex) != MA_OK ||
	    (id = malloc(sizeof prefix + 40)) == NULL)
		goto out;
	memcpy(id, prefix, sizeof prefix - 1);
	memcpy(id + sizeof prefix - 1, hex, 41);
out:
	fclose(f);
	return id;
}

/*
 * msg_open()'s first pass over path (data, len: the file read whole, or
 * NULL to stream it): the identity into identity, what it learnt in ps.
 * Logged; MA_ENOTFOUND or MA_EIO with ps->opened false when the file
 * cannot be opened, MA_EDATA when it is not a message.
 */
static enum ma_status
identity_pass(const char *path, char *data, size_t len, char *identity,
	      struct pass *ps)
{
	enum ma_status st;
	FILE *f = data != NULL ? fmemopen(data, len, "r") : fopen(path, "re");

	if (f == NULL) {
		int e = errno;

		log_err("cannot open message '%s': %s", path, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	ps->opened = true;
	st = identity_stream(f, identity, ps);
	fclose(f);
	if (st == MA_ETOOBIG) {
		log_warn("'%s' is not a message: its header is over %u bytes",
			 path, HEADER_BLOCK_MAX);
		ps->verdict = MSG_NO_HEADER;
		st = MA_EDATA;
	} else if (st == MA_EDATA) {
		log_warn("'%s' is not a message: %s", path,
			 msg_verdict_text(ps->verdict));
	} else if (st == MA_EIO) {
		log_err("cannot read message '%s'", path);
	}
	return st;
}

enum ma_status
msg_open(const char *path, unsigned flags, struct msg **mp)
{
	struct msg *m;
	struct pass ps = {0};
	enum ma_status st;
	char *data = NULL;
	size_t len = 0;

	msg_init();
	/* A file up to MSG_READ_MAX is read once and both passes read it
	 * from memory; a larger one is streamed (memory stays bounded). */
	if ((st = msg_read_small(path, MSG_READ_MAX, &data, &len)) != MA_OK)
		return st;
	if ((m = calloc(1, sizeof *m)) == NULL) {
		free(data);
		return MA_ENOMEM;
	}
	st = identity_pass(path, data, len, m->identity, &ps);
	if (!ps.opened) {
		free(m);
		free(data);
		return st;
	}
	if (st == MA_EDATA && (flags & MSG_CHECK)) {
		/* Not a message: said in m->verdict, nothing else known. */
		m->verdict = ps.verdict;
		m->identity[0] = '\0';
		free(data);
		*mp = m;
		return MA_OK;
	}
	if (st != MA_OK)
		goto fail;
	m->no_archive = ps.no_archive;
	m->normalise = ps.normalise;
	m->binary = ps.binary;
	m->message_id = msg_parse_message_id(ps.message_id);
	free(ps.message_id);
	ps.message_id = NULL;
	if (m->message_id == NULL) {
		m->synthetic = true;
		/* 10 + 32 + 16 bytes: always fits. */
		m->message_id = malloc(64);
		if (m->message_id == NULL) {
			st = MA_ENOMEM;
			goto fail;
		}
		snprintf(m->message_id, 64, "synthetic-%.32s@mailarc.invalid",
			 m->identity);
	}
	if ((flags & MSG_CHECK) && !m->normalise) {
		if (data != NULL)
			m->verdict = msg_check_mem(data, len, ps.header_bytes);
		else if ((st = msg_check_file(path, &m->verdict)) != MA_OK)
			goto fail;
		m->verdict = msg_verdict_name_binary(m, m->verdict);
	}
	if (m->verdict != MSG_MAIL)
		log_warn("'%s' is not a message: %s", path,
			 msg_verdict_text(m->verdict));
	if ((flags & MSG_MIME) && (st = msg_mime_pass(path, m)) != MA_OK)
		goto fail;
	free(data);
	*mp = m;
	return MA_OK;
fail:
	free(data);
	free(ps.message_id);
	msg_free(m);
	return st;
}

void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	free(m->message_id);
	free(m);
}
