/*
 * Files yEnc-encoded into the text of a message ("=ybegin ... name=NAME",
 * lines of data, "=yend size=N crc32=X"), as Usenet posters and some
 * mailers still send them: taken out of the text and offered as
 * attachments, as mime_uu.c does for uuencode. yEnc writes each byte as
 * itself plus 42 (mod 256), and the bytes that would be NUL, LF, CR or
 * "=" (some encoders also TAB, space and ".") as "=" and the byte plus
 * 64 more. Its data is 8-bit, so the blocks are read from the part's raw
 * bytes, before the charset is decoded. A block is taken only when its
 * size (and CRC-32, when the =yend line gives one) checks, and it holds
 * a whole file (no =ypart, or one part from 1 to the size); anything
 * else stays text as it was.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "buf.h"
#include "charset.h"
#include "mime_int.h"

/* Blocks taken from one text. */
#define YENC_MAX_FILES 20
/* Bytes of a file name kept. */
#define YENC_NAME_MAX 255

/* Whether line l starts with word. */
static bool
starts(const struct mime_line *l, const char *word)
{
	size_t k = strlen(word);

	return l->n >= k && memcmp(l->p, word, k) == 0;
}

/*
 * The number after " KEY=" in the keyword line l (before any "name="),
 * into *vp; false when it has none or it is not a number.
 */
static bool
keyword(const struct mime_line *l, const char *key, unsigned long long *vp,
	int base)
{
	size_t k = strlen(key), end = l->n;
	unsigned long long v = 0;
	size_t i, d = 0;

	for (i = 0; i + 6 <= l->n; i++)
		if (memcmp(l->p + i, " name=", 6) == 0) {
			end = i;
			break;
		}
	for (i = 0; i + k + 2 <= end; i++) {
		if (l->p[i] != ' ' || memcmp(l->p + i + 1, key, k) != 0 ||
		    l->p[i + 1 + k] != '=')
			continue;
		for (i += k + 2; i < end && l->p[i] != ' ' && d < 17;
		     i++, d++) {
			unsigned c = l->p[i], x;

			if (c >= '0' && c <= '9')
				x = c - '0';
			else if (base == 16 && (c | 0x20) >= 'a' &&
				 (c | 0x20) <= 'f')
				x = (c | 0x20) - 'a' + 10;
			else
				return false;
			v = v * (unsigned)base + x;
		}
		if (d == 0 || d >= 17)
			return false;
		*vp = v;
		return true;
	}
	return false;
}

/* The name after " name=" (to the line's end) into name; false if none. */
static bool
name_of(const struct mime_line *l, char name[YENC_NAME_MAX + 1])
{
	size_t i, k = 0;

	for (i = 0; i + 6 <= l->n; i++)
		if (memcmp(l->p + i, " name=", 6) == 0)
			break;
	if (i + 6 > l->n)
		return false;
	for (i += 6; i < l->n && k < YENC_NAME_MAX; i++)
		if (l->p[i] != '\0')
			name[k++] = (char)l->p[i];
	while (k > 0 && (name[k - 1] == ' ' || name[k - 1] == '\t'))
		k--;
	name[k] = '\0';
	return k > 0;
}

/* One data line decoded into out; false on no memory. */
static bool
data_line(const struct mime_line *l, struct buf *out)
{
	for (size_t i = 0; i < l->n; i++) {
		unsigned char c = l->p[i];

		/* An "=" at the line's end escapes nothing: noise. */
		if (c == '=' && ++i < l->n)
			c = (unsigned char)(l->p[i] - 64);
		else if (c == '=')
			break;
		c = (unsigned char)(c - 42);
		if (buf_add(out, &c, 1) != MA_OK)
			return false;
	}
	return true;
}

/*
 * The block whose =ybegin line is begin and ended at *pos: its data,
 * *pos moved past its =yend line. False when it is not a whole file
 * that checks.
 */
static bool
block(const struct mime_line *begin, const unsigned char *s, size_t len,
      size_t *pos, struct buf *data)
{
	unsigned long long size, v, crc;
	struct mime_line l;
	bool first = true;

	if (!keyword(begin, "size", &size, 10))
		return false;
	while (mime_next_line(s, len, pos, &l)) {
		if (first && starts(&l, "=ypart ")) {
			first = false;
			if (!keyword(&l, "begin", &v, 10) || v != 1 ||
			    !keyword(&l, "end", &v, 10) || v != size)
				return false;
			continue;
		}
		first = false;
		if (starts(&l, "=yend")) {
			if (!keyword(&l, "size", &v, 10) || v != size ||
			    data->len != size)
				return false;
			if (!keyword(&l, "crc32", &crc, 16) &&
			    !keyword(&l, "pcrc32", &crc, 16))
				return true;
			return crc == crc32_z(crc32_z(0, NULL, 0),
					      (const Bytef *)data->data,
					      data->len);
		}
		if (starts(&l, "=ybegin ") || !data_line(&l, data) ||
		    data->len > size)
			return false;
	}
	return false;
}

enum ma_status
mime_yenc_extract(struct mime_msg *m, const char *cs, unsigned char **rawp,
		  size_t *np)
{
	const unsigned char *s = *rawp;
	size_t len = *np, pos = 0, files = 0;
	struct buf text, data;
	enum ma_status st = MA_OK;
	struct mime_line l;
	char name[YENC_NAME_MAX + 1];

	if (len < 8 || memmem(s, len, "=ybegin ", 8) == NULL)
		return MA_OK;
	buf_init(&text, (size_t)-1 / 2);
	buf_init(&data, (size_t)-1 / 2);
	while (st == MA_OK && mime_next_line(s, len, &pos, &l)) {
		size_t after = pos;
		char *u;

		if (files < YENC_MAX_FILES && starts(&l, "=ybegin ") &&
		    name_of(&l, name) && block(&l, s, len, &after, &data)) {
			/* The name as its charset reads it. */
			u = charset_to_utf8(cs, name, strlen(name), NULL);
			if (u == NULL) {
				st = MA_ENOMEM;
				break;
			}
			st = mime_att_file(m, u, &data);
			free(u);
			/* The line in the text's own charset, as the
			 * name was written. */
			if (st == MA_OK)
				st = buf_addf(&text, "[file %s: attached]\n",
					      name);
			pos = after;
			files++;
		} else {
			st = buf_add(&text, l.p, (size_t)(s + pos - l.p));
		}
		buf_reset(&data);
	}
	buf_release(&data);
	if (st != MA_OK || files == 0) {
		buf_release(&text);
		return st;
	}
	free(*rawp);
	*np = text.len;
	*rawp = (unsigned char *)buf_steal(&text);
	return MA_OK;
}
