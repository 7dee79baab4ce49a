/*
 * The text of Outlook's compressed RTF (PR_RTF_COMPRESSED inside a
 * winmail.dat), for a message whose only text it is: a page said "no
 * text". [MS-OXRTFCP] gives the compression: a 16-byte header (sizes,
 * "LZFu" or "MELA" for none, CRC), then runs of a control byte whose bits,
 * low first, say whether a literal byte (0) or a 2-byte big-endian
 * reference (1: a 12-bit offset into a 4096-byte ring and a length less
 * 2) follows; the ring starts with a fixed RTF prefix; a reference to the
 * write position ends the stream. The RTF is then read as text: control
 * words that make lines and characters kept, destinations (font and
 * colour tables, pictures, "\*" groups, which hold an HTML body's tags)
 * skipped, 8-bit "\'hh" bytes in the \ansicpg codepage.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "mime_int.h"

/* Bytes of RTF decompressed, at most. */
#define RTF_MAX ((size_t)64 << 20)
/* Nesting of RTF groups followed. */
#define RTF_DEPTH 256

static const char rtf_prefix[] =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman "
    "\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes "
    "New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The RTF of compressed s[0..n) into out; false when it is not one. */
static bool
decompress(const unsigned char *s, size_t n, struct buf *out)
{
	unsigned char ring[4096];
	size_t w = sizeof rtf_prefix - 1, pos = 16, raw;
	uint32_t type;

	if (n < 16)
		return false;
	raw = get32(s + 4);
	type = get32(s + 8);
	if (raw > RTF_MAX)
		return false;
	if (type == 0x414c454du) /* "MELA": stored */
		return buf_add(out, s + 16, raw < n - 16 ? raw : n - 16) ==
		       MA_OK;
	if (type != 0x75465a4cu) /* "LZFu" */
		return false;
	memcpy(ring, rtf_prefix, w);
	while (pos < n && out->len < raw) {
		unsigned ctl = s[pos++];

		for (int bit = 0; bit < 8 && out->len < raw; bit++) {
			if (!(ctl >> bit & 1)) {
				if (pos >= n)
					return true;
				ring[w] = s[pos++];
				if (buf_add(out, &ring[w], 1) != MA_OK)
					return false;
				w = (w + 1) % sizeof ring;
				continue;
			}
			if (n - pos < 2)
				return true;
			unsigned ref = (unsigned)s[pos] << 8 | s[pos + 1];
			size_t off = ref >> 4, len = (ref & 15) + 2;

			pos += 2;
			if (off == w)
				return true;
			for (size_t k = 0; k < len; k++) {
				ring[w] = ring[(off + k) % sizeof ring];
				if (buf_add(out, &ring[w], 1) != MA_OK)
					return false;
				w = (w + 1) % sizeof ring;
			}
		}
	}
	return true;
}

/* Destinations whose text is not the message's. */
static bool
skipped(const char *word)
{
	static const char *const dest[] = {
	    "fonttbl",
	    "colortbl",
	    "stylesheet",
	    "info",
	    "pict",
	    "object",
	    "header",
	    "footer",
	    "listtable",
	    "themedata",
	    "xmlnstbl",
	    "rsidtbl",
	    "generator",
	    "listoverridetable",
	    "latentstyles",
	    "datastore",
	    "colorschememapping",
	    "pgdsctbl",
	    "filetbl",
	    "revtbl",
	};

	for (size_t i = 0; i < sizeof dest / sizeof dest[0]; i++)
		if (strcmp(word, dest[i]) == 0)
			return true;
	return false;
}

/* The run of 8-bit bytes pending, decoded in the codepage, onto out. */
static enum ma_status
flush(struct buf *bytes, long cpg, struct buf *out)
{
	char label[24];
	char *t;
	int k;
	enum ma_status st;

	if (bytes->len == 0)
		return MA_OK;
	k = snprintf(label, sizeof label, "CP%ld", cpg);
	if (k < 0 || (size_t)k >= sizeof label)
		return MA_ETOOBIG;
	t = charset_to_utf8(label, bytes->data, bytes->len, NULL);
	buf_reset(bytes);
	if (t == NULL)
		return MA_ENOMEM;
	st = buf_adds(out, t);
	free(t);
	return st;
}

/* A code point as UTF-8 onto out (U+FFFD for what is none). */
static enum ma_status
add_cp(struct buf *out, long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0)
		cp += 65536;
	if (cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12), n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18), n = 4;
	}
	for (size_t i = 1; i < n; i++)
		u[i] = (unsigned char)(0x80 | (cp >> (6 * (n - 1 - i)) & 0x3f));
	return buf_add(out, u, n);
}

/* Reading state: the groups' skip flags and the reader's position. */
struct rtf {
	const char *s;
	size_t n, i;
	bool skip[RTF_DEPTH];
	int depth;
	long cpg, uc, drop; /* codepage, \ucN, fallback bytes to drop */
	struct buf bytes;   /* 8-bit bytes not yet decoded */
};

/* The control symbol c (not a letter) at r->i, acted on: "\'hh" a byte
 * in the codepage, "\*" a destination to skip, escaped characters. */
static enum ma_status
symbol(struct rtf *r, struct buf *out, unsigned char c)
{
	bool skip = r->skip[r->depth];
	enum ma_status st;

	if (c == '\'') {
		unsigned v = 0;

		for (int h = 1; h <= 2 && r->i + h < r->n; h++) {
			unsigned char x = (unsigned char)r->s[r->i + h] | 0x20;

			v = v << 4 | (x >= 'a' ? x - 'a' + 10u : x - '0' + 0u);
		}
		r->i += 3;
		if (r->drop > 0) {
			r->drop--;
			return MA_OK;
		}
		c = (unsigned char)v;
		return skip ? MA_OK : buf_add(&r->bytes, &c, 1);
	}
	r->i++;
	if (c == '*')
		r->skip[r->depth] = true;
	if (skip || (c != '~' && c != '\\' && c != '{' && c != '}'))
		return MA_OK;
	if ((st = flush(&r->bytes, r->cpg, out)) != MA_OK)
		return st;
	return c == '~' ? buf_add(out, "\xc2\xa0", 2) : buf_addc(out, (char)c);
}

/* The control word or symbol after a backslash at r->i, acted on. */
static enum ma_status
control(struct rtf *r, struct buf *out)
{
	char word[32];
	size_t k = 0;
	long num = 0;
	bool has_num = false, neg = false, skip = r->skip[r->depth];
	unsigned char c;

	if (r->i >= r->n)
		return MA_OK;
	c = (unsigned char)r->s[r->i];
	if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		return symbol(r, out, c);
	while (r->i < r->n && (((unsigned char)r->s[r->i] | 0x20) >= 'a' &&
			       ((unsigned char)r->s[r->i] | 0x20) <= 'z')) {
		if (k + 1 < sizeof word)
			word[k++] = r->s[r->i];
		r->i++;
	}
	word[k] = '\0';
	if (r->i < r->n && r->s[r->i] == '-')
		neg = true, r->i++;
	while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
		if (num < 1000000)
			num = num * 10 + (r->s[r->i] - '0');
		has_num = true;
		r->i++;
	}
	if (neg)
		num = -num;
	if (r->i < r->n && r->s[r->i] == ' ')
		r->i++;
	if (skipped(word)) {
		r->skip[r->depth] = true;
		return MA_OK;
	}
	if (strcmp(word, "ansicpg") == 0 && has_num && num > 0)
		r->cpg = num;
	else if (strcmp(word, "uc") == 0 && has_num && num >= 0)
		r->uc = num;
	if (skip)
		return MA_OK;
	if (strcmp(word, "u") == 0 && has_num) {
		enum ma_status st = flush(&r->bytes, r->cpg, out);

		r->drop = r->uc;
		return st == MA_OK ? add_cp(out, num) : st;
	}
	if (strcmp(word, "par") == 0 || strcmp(word, "line") == 0 ||
	    strcmp(word, "tab") == 0 || strcmp(word, "cell") == 0) {
		enum ma_status st = flush(&r->bytes, r->cpg, out);

		return st == MA_OK ? buf_addc(out, word[0] == 't'   ? '\t'
						   : word[0] == 'c' ? ' '
								    : '\n')
				   : st;
	}
	return MA_OK;
}

static enum ma_status
rtf_text(const char *s, size_t n, struct buf *out)
{
	struct rtf r = {.s = s, .n = n, .cpg = 1252, .uc = 1};
	enum ma_status st = MA_OK;

	buf_init(&r.bytes, RTF_MAX);
	while (st == MA_OK && r.i < n) {
		unsigned char c = (unsigned char)s[r.i];

		if (c == '{' || c == '}') {
			r.i++;
			if (c == '{' && r.depth + 1 < RTF_DEPTH) {
				r.depth++;
				r.skip[r.depth] = r.skip[r.depth - 1];
			} else if (c == '}' && r.depth > 0) {
				r.depth--;
			}
			continue;
		}
		if (c == '\\') {
			r.i++;
			st = control(&r, out);
			continue;
		}
		r.i++;
		/* Line ends in RTF are no text; nor are other controls. */
		if ((c < 0x20 && c != '\t') || r.skip[r.depth])
			continue;
		if (r.drop > 0) {
			r.drop--;
			continue;
		}
		if (c >= 0x80)
			st = buf_add(&r.bytes, &c, 1);
		else if ((st = flush(&r.bytes, r.cpg, out)) == MA_OK)
			st = buf_add(out, &c, 1);
	}
	if (st == MA_OK)
		st = flush(&r.bytes, r.cpg, out);
	buf_release(&r.bytes);
	return st;
}

char *
mime_rtf_text(const void *data, size_t n)
{
	struct buf rtf, out;
	enum ma_status st;
	size_t a, e;

	buf_init(&rtf, RTF_MAX);
	buf_init(&out, RTF_MAX);
	if (!decompress(data, n, &rtf) || rtf.len < 5 ||
	    memcmp(rtf.data, "{\\rtf", 5) != 0) {
		buf_release(&rtf);
		return NULL;
	}
	st = rtf_text(rtf.data, rtf.len, &out);
	buf_release(&rtf);
	if (st != MA_OK || out.data == NULL) {
		buf_release(&out);
		return NULL;
	}
	/* Blank lines around it dropped; blank: none. */
	a = strspn(out.data, " \t\n");
	e = out.len;
	while (e > a && strchr(" \t\n", out.data[e - 1]) != NULL)
		e--;
	if (e == a) {
		buf_release(&out);
		return NULL;
	}
	memmove(out.data, out.data + a, e - a);
	out.data[e - a] = '\0';
	return buf_steal(&out);
}
