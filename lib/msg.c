/*
 * Message identity (see msg.h for the rule) and the gmime wrapper.
 *
 * The identity is computed from the raw bytes in one streaming pass with
 * a bounded header block: a 2 GB attachment costs time, not memory.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "msg.h"

/* RFC 5322 allows 998-byte lines; real headers can be folded far longer
 * (References), but a header block over this is not mail. */
#define HEADER_BLOCK_MAX (4u << 20)
/* The longest line start that can be an mbox "From " line to unquote. */
#define LINE_HEAD_MAX 256

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

void
msg_init(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		done = true;
	}
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
			size_t ncap = cap ? cap * 2 : 32;
			struct field *nv = realloc(v, ncap * sizeof *nv);

			if (nv == NULL)
				goto nomem;
			v = nv;
			cap = ncap;
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
	EVP_MD_CTX *md;
	unsigned long pending_nl;
	char out[8192]; /* bytes on their way to the digest */
	size_t nout;
};

static void
body_flush(struct body_hash *b)
{
	if (b->nout > 0)
		EVP_DigestUpdate(b->md, b->out, b->nout);
	b->nout = 0;
}

static void
body_put(struct body_hash *b, const char *p, size_t n)
{
	if (b->nout + n > sizeof b->out) {
		body_flush(b);
		if (n > sizeof b->out) {
			EVP_DigestUpdate(b->md, p, n);
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
hash_body(FILE *f, struct body_hash *b)
{
	char head[LINE_HEAD_MAX];
	size_t hn = 0;
	bool in_head = true; /* still collecting this line's start */
	int c;

	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\r') {
			int d = getc_unlocked(f);

			if (d == '\n') {
				c = '\n';
			} else if (d != EOF) {
				ungetc(d, f);
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
	if (in_head)
		body_line_head(b, head, hn);
	body_flush(b);
	return MA_OK;
}

/* Read the header block: lines up to the first empty one. */
static enum ma_status
read_header_block(FILE *f, struct buf *blk)
{
	bool line_start = true;
	int c;

	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\r') {
			int d = getc_unlocked(f);

			if (d == '\n')
				c = '\n';
			else if (d != EOF)
				ungetc(d, f);
		}
		if (c == '\n' && line_start)
			return MA_OK; /* the empty line */
		if (buf_addc(blk, (char)c) != MA_OK)
			return MA_ETOOBIG;
		line_start = c == '\n';
	}
	if (ferror(f))
		return MA_EIO;
	return MA_OK;
}

static void
hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static enum ma_status
identity_stream(FILE *f, char *identity, char **message_id, bool *no_archive)
{
	static const char magic[] = "mailarc-identity-1\n";
	struct buf blk;
	struct field *fields = NULL;
	size_t nfields = 0;
	struct body_hash b;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	enum ma_status st;
	char *mid = NULL;

	b.md = NULL;
	b.pending_nl = 0;
	b.nout = 0;
	buf_init(&blk, HEADER_BLOCK_MAX);
	if ((st = read_header_block(f, &blk)) != MA_OK)
		goto out;
	/* Keep the trailing newline so the last field ends like others. */
	if (blk.len > 0 && (st = buf_addc(&blk, '\n')) != MA_OK)
		goto out;
	if ((st = split_fields(blk.data, blk.len, &fields, &nfields)) != MA_OK)
		goto out;
	if (nfields == 0) {
		st = MA_EDATA;
		goto out;
	}
	if ((b.md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(b.md, EVP_sha256(), NULL) != 1) {
		st = MA_ENOMEM;
		goto out;
	}
	EVP_DigestUpdate(b.md, magic, sizeof magic - 1);
	for (size_t k = 0; k < NFIELDS; k++) {
		for (size_t i = 0; i < nfields; i++) {
			if (!field_is(&fields[i], author_fields[k]))
				continue;
			EVP_DigestUpdate(b.md, author_fields[k],
					 strlen(author_fields[k]));
			EVP_DigestUpdate(b.md, ":", 1);
			EVP_DigestUpdate(b.md, fields[i].value,
					 strlen(fields[i].value));
			EVP_DigestUpdate(b.md, "\n", 1);
		}
	}
	EVP_DigestUpdate(b.md, "\n", 1);
	if ((st = hash_body(f, &b)) != MA_OK)
		goto out;
	EVP_DigestFinal_ex(b.md, md, &mdlen);
	hex(md, mdlen < 32 ? mdlen : 32, identity);
	for (size_t i = 0; i < nfields; i++) {
		if (mid == NULL && field_is(&fields[i], "message-id") &&
		    (mid = strdup(fields[i].value)) == NULL) {
			st = MA_ENOMEM;
			goto out;
		}
		if (no_archive != NULL && field_is(&fields[i], "x-no-archive"))
			*no_archive = strcasecmp(fields[i].value, "yes") == 0;
	}
	if (message_id != NULL) {
		*message_id = mid;
		mid = NULL;
	}
out:
	free(mid);
	EVP_MD_CTX_free(b.md);
	for (size_t i = 0; i < nfields; i++)
		free(fields[i].value);
	free(fields);
	buf_release(&blk);
	return st;
}

enum ma_status
msg_identity_stream(FILE *f, char *identity, char **message_id)
{
	return identity_stream(f, identity, message_id, NULL);
}

char *
msg_parse_message_id(const char *raw)
{
	char *id, *out;

	if (raw == NULL)
		return NULL;
	msg_init();
	/* gmime takes the first <...> (or a bare token) and drops
	 * comments: RFC 5322 3.6.4 with the obsolete forms of 4.5.4. */
	if ((id = g_mime_utils_decode_message_id(raw)) == NULL)
		return NULL;
	for (const char *p = id; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			g_free(id);
			return NULL;
		}
	}
	if (*id == '\0' || strlen(id) > 995) {
		g_free(id);
		return NULL;
	}
	out = strdup(id);
	g_free(id);
	return out;
}

char *
msg_header_text(const char *value)
{
	char *t, *out;

	msg_init();
	if ((t = g_mime_utils_header_decode_text(NULL, value)) == NULL)
		return NULL;
	out = strdup(t);
	g_free(t);
	return out;
}

enum ma_status
msg_header_field(const char *path, const char *name, char **valuep)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	const char *v;
	char *out = NULL;
	int fd;

	msg_init();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_err("cannot open '%s': %s", path, strerror(errno));
		return MA_EIO;
	}
	stream = g_mime_stream_fs_new(fd);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (message == NULL)
		return MA_EDATA;
	v = g_mime_object_get_header(GMIME_OBJECT(message), name);
	if (v != NULL && (out = msg_header_text(v)) == NULL) {
		g_object_unref(message);
		return MA_ENOMEM;
	}
	g_object_unref(message);
	*valuep = out;
	return MA_OK;
}

/* Walk the MIME tree: does any part say it is an attachment? */
static void
find_attachment(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	bool *found = data;
	(void)parent;

	if (*found)
		return;
	if (GMIME_IS_PART(part) && g_mime_part_is_attachment(GMIME_PART(part)))
		*found = true;
}

static enum ma_status
mime_pass(const char *path, struct msg *m)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_err("cannot open '%s': %s", path, strerror(errno));
		return MA_EIO;
	}
	/* The fs stream owns fd; the parser keeps only offsets of bodies
	 * (a seekable stream is "persistent"), so memory stays bounded. */
	stream = g_mime_stream_fs_new(fd);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (message == NULL) {
		/* gmime wants a header it can read; the identity pass was
		 * more lenient. The message is still archived: only its
		 * MIME structure is unknown. */
		log_debug("gmime cannot parse '%s'", path);
		return MA_OK;
	}
	g_mime_message_foreach(message, find_attachment, &m->has_attachment);
	g_object_unref(message);
	return MA_OK;
}

enum ma_status
msg_open(const char *path, unsigned flags, struct msg **mp)
{
	struct msg *m;
	enum ma_status st;
	char *raw = NULL;
	FILE *f;

	msg_init();
	if ((f = fopen(path, "re")) == NULL) {
		int e = errno;

		log_err("cannot open message '%s': %s", path, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	if ((m = calloc(1, sizeof *m)) == NULL) {
		fclose(f);
		return MA_ENOMEM;
	}
	st = identity_stream(f, m->identity, &raw, &m->no_archive);
	fclose(f);
	if (st == MA_EDATA)
		log_warn("'%s' is not a message: it has no header field", path);
	else if (st == MA_ETOOBIG)
		log_warn("'%s' is not a message: its header is over %u bytes",
			 path, HEADER_BLOCK_MAX);
	else if (st == MA_EIO)
		log_err("cannot read message '%s'", path);
	if (st == MA_ETOOBIG)
		st = MA_EDATA;
	if (st != MA_OK)
		goto fail;
	m->message_id = msg_parse_message_id(raw);
	free(raw);
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
	if ((flags & MSG_MIME) && (st = mime_pass(path, m)) != MA_OK)
		goto fail;
	*mp = m;
	return MA_OK;
fail:
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
