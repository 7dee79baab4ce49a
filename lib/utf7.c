/*
 * Modified UTF-7 (RFC 3501 5.1.3), the form IMAP gives folder names in
 * when UTF8=ACCEPT is not enabled. Decoding is strict: a name that does
 * not decode exactly is refused rather than guessed at, so that a name
 * read from the server and sent back reaches the same folder.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf7.h"

/* Folder names are short; this bounds what a hostile server can make us
 * allocate for one. */
#define UTF7_NAME_MAX 8192

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static bool
printable(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e;
}

/*
 * The next code point of UTF-8 s at *ip, advancing *ip; -1 when the bytes
 * there are not valid UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF).
 */
static long
utf8_next(const unsigned char *s, size_t *ip)
{
	size_t i = *ip, n;
	unsigned long cp, min;

	if (s[i] < 0x80) {
		*ip = i + 1;
		return s[i];
	}
	if ((s[i] & 0xe0) == 0xc0) {
		n = 1, cp = s[i] & 0x1f, min = 0x80;
	} else if ((s[i] & 0xf0) == 0xe0) {
		n = 2, cp = s[i] & 0x0f, min = 0x800;
	} else if ((s[i] & 0xf8) == 0xf0) {
		n = 3, cp = s[i] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	for (size_t k = 1; k <= n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return -1; /* includes the terminating NUL */
		cp = cp << 6 | (s[i + k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*ip = i + n + 1;
	return (long)cp;
}

enum ma_status
utf7_utf8_check(const char *s)
{
	size_t i = 0;

	while (s[i] != '\0')
		if (utf8_next((const unsigned char *)s, &i) < 0)
			return MA_EDATA;
	return MA_OK;
}

static enum ma_status
put_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	return buf_add(b, u, n);
}

/* Base64 state of one "&...-" run being written. */
struct b64w {
	uint32_t bits;
	int nbits;
};

static enum ma_status
put_unit(struct buf *b, struct b64w *w, unsigned unit)
{
	enum ma_status st = MA_OK;

	w->bits = w->bits << 16 | unit;
	w->nbits += 16;
	while (w->nbits >= 6 && st == MA_OK) {
		w->nbits -= 6;
		st = buf_addc(b, b64[(w->bits >> w->nbits) & 0x3f]);
	}
	return st;
}

static enum ma_status
end_run(struct buf *b, struct b64w *w)
{
	enum ma_status st = MA_OK;

	if (w->nbits > 0)
		st = buf_addc(b, b64[(w->bits << (6 - w->nbits)) & 0x3f]);
	w->bits = 0;
	w->nbits = 0;
	return st == MA_OK ? buf_addc(b, '-') : st;
}

enum ma_status
utf7_encode(const char *utf8, char **outp)
{
	const unsigned char *s = (const unsigned char *)utf8;
	struct buf b;
	struct b64w w = {0};
	bool in_run = false;
	enum ma_status st = MA_OK;
	size_t i = 0;

	buf_init(&b, UTF7_NAME_MAX);
	while (s[i] != '\0' && st == MA_OK) {
		long cp = utf8_next(s, &i);

		if (cp < 0) {
			st = MA_EDATA;
		} else if (cp < 0x80 && printable((unsigned char)cp)) {
			if (in_run)
				st = end_run(&b, &w);
			in_run = false;
			if (st == MA_OK && cp == '&')
				st = buf_adds(&b, "&-");
			else if (st == MA_OK)
				st = buf_addc(&b, (char)cp);
		} else {
			if (!in_run)
				st = buf_addc(&b, '&');
			in_run = true;
			if (st == MA_OK && cp >= 0x10000) {
				cp -= 0x10000;
				st = put_unit(&b, &w,
					      0xd800 | (unsigned)(cp >> 10));
				if (st == MA_OK)
					st = put_unit(&b, &w,
						      0xdc00 | (cp & 0x3ff));
			} else if (st == MA_OK) {
				st = put_unit(&b, &w, (unsigned)cp);
			}
		}
	}
	if (st == MA_OK && in_run)
		st = end_run(&b, &w);
	if (st != MA_OK) {
		buf_release(&b);
		return st;
	}
	*outp = buf_steal(&b);
	return *outp != NULL ? MA_OK : MA_ENOMEM;
}

static int
b64_value(unsigned char c)
{
	const char *p = c != '\0' ? strchr(b64, c) : NULL;

	return p != NULL ? (int)(p - b64) : -1;
}

/* Decode the run after "&" at s[*ip] up to its "-" into b. */
static enum ma_status
decode_run(const unsigned char *s, size_t *ip, struct buf *b)
{
	uint32_t bits = 0;
	int nbits = 0, v;
	unsigned high = 0; /* a high surrogate waiting for its pair */
	size_t i = *ip;
	enum ma_status st = MA_OK;

	for (; (v = b64_value(s[i])) >= 0 && st == MA_OK; i++) {
		bits = bits << 6 | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		unsigned unit = (bits >> nbits) & 0xffff;

		bits &= (1u << nbits) - 1;
		if (high != 0) {
			if (unit < 0xdc00 || unit > 0xdfff)
				return MA_EDATA;
			st = put_utf8(
			    b, 0x10000 +
				   ((unsigned long)(high - 0xd800) << 10) +
				   (unit - 0xdc00));
			high = 0;
		} else if (unit >= 0xd800 && unit <= 0xdbff) {
			high = unit;
		} else if ((unit >= 0xdc00 && unit <= 0xdfff) ||
			   (unit < 0x80 && printable((unsigned char)unit))) {
			/* A lone low surrogate, or printable ASCII that
			 * must have stood for itself. */
			return MA_EDATA;
		} else {
			st = put_utf8(b, unit);
		}
	}
	if (st != MA_OK)
		return st;
	/* The run ends with "-"; at most 5 leftover bits, all zero. */
	if (s[i] != '-' || high != 0 || nbits >= 6 || bits != 0)
		return MA_EDATA;
	*ip = i + 1;
	return MA_OK;
}

enum ma_status
utf7_decode(const char *mutf7, char **outp)
{
	const unsigned char *s = (const unsigned char *)mutf7;
	struct buf b;
	enum ma_status st = MA_OK;
	size_t i = 0;

	buf_init(&b, UTF7_NAME_MAX);
	while (s[i] != '\0' && st == MA_OK) {
		if (!printable(s[i])) {
			st = MA_EDATA;
		} else if (s[i] != '&') {
			st = buf_addc(&b, (char)s[i++]);
		} else if (s[i + 1] == '-') {
			st = buf_addc(&b, '&');
			i += 2;
		} else {
			i++;
			st = decode_run(s, &i, &b);
		}
	}
	if (st != MA_OK) {
		buf_release(&b);
		return st;
	}
	*outp = buf_steal(&b);
	return *outp != NULL ? MA_OK : MA_ENOMEM;
}
