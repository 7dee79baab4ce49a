/*
 * Files uuencoded into the text of a message ("begin 644 name" ... "end"),
 * as uuencode(1) piped into mail(1) still sends them from cron jobs and
 * scripts, and old mailers did: taken out of the text and offered as
 * attachments, so that the page shows a file rather than lines of
 * noise. Only a block that decodes cleanly is taken; anything else stays
 * text as it was.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime_int.h"

/* Blocks taken from one text. */
#define UU_MAX_FILES 20
/* Bytes of a file name kept. */
#define UU_NAME_MAX 255

bool
mime_next_line(const unsigned char *s, size_t len, size_t *pos,
	       struct mime_line *l)
{
	const unsigned char *e;

	if (*pos >= len)
		return false;
	l->p = s + *pos;
	e = memchr(l->p, '\n', len - *pos);
	l->n = e != NULL ? (size_t)(e - l->p) : len - *pos;
	*pos += l->n + (e != NULL);
	if (l->n > 0 && l->p[l->n - 1] == '\r')
		l->n--;
	return true;
}

/* "begin MODE NAME": the name into name (NUL-terminated); false if not. */
static bool
begin_line(const struct mime_line *l, char name[UU_NAME_MAX + 1])
{
	size_t i = 6, d = 0, k = 0;

	if (l->n < 9 || memcmp(l->p, "begin ", 6) != 0)
		return false;
	while (i < l->n && l->p[i] >= '0' && l->p[i] <= '7' && d < 4)
		i++, d++;
	if (d < 3 || i >= l->n || l->p[i] != ' ')
		return false;
	for (i++; i < l->n && k < UU_NAME_MAX; i++)
		name[k++] = l->p[i];
	while (k > 0 && (name[k - 1] == ' ' || name[k - 1] == '\t'))
		k--;
	name[k] = '\0';
	return k > 0;
}

/* The value of one uuencoded character ('`' is 0, as is ' '). */
static unsigned
uu_value(char c)
{
	return ((unsigned)(unsigned char)c - 32) & 63;
}

/*
 * One data line into out: its first character gives the count of bytes,
 * the rest four characters per three bytes. False when the line is not
 * one (a character out of range, too short for its count).
 */
static bool
data_line(const struct mime_line *l, struct buf *out)
{
	size_t count, need;

	if (l->n == 0)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i] < ' ' || l->p[i] > '`')
			return false;
	count = uu_value(l->p[0]);
	need = (count + 2) / 3 * 4;
	/* Characters past the line's end are spaces (value 0) that a mailer
	 * stripped as trailing blanks; more than the line holds is noise. */
	if (l->n - 1 > need + 2)
		return false;
	for (size_t i = 0, o = 0; o < count; i += 4) {
		unsigned v = 0;

		for (size_t k = 0; k < 4; k++)
			v = v << 6 |
			    (1 + i + k < l->n ? uu_value(l->p[1 + i + k]) : 0);
		unsigned char b[3] = {(unsigned char)(v >> 16),
				      (unsigned char)(v >> 8),
				      (unsigned char)v};
		size_t take = count - o < 3 ? count - o : 3;

		if (buf_add(out, b, take) != MA_OK)
			return false;
		o += take;
	}
	return true;
}

/*
 * The block whose begin line ended at *pos: its data, *pos moved past
 * its "end" line. False when it does not decode cleanly up to "end".
 */
static bool
block(const char *text, size_t len, size_t *pos, struct buf *data)
{
	struct mime_line l;
	bool zero = false;

	while (mime_next_line((const unsigned char *)text, len, pos, &l)) {
		if (l.n == 3 && memcmp(l.p, "end", 3) == 0)
			return zero;
		/* The line of count 0 ("`", or " " which a mailer may strip
		 * to nothing) comes last. */
		if (zero || (l.n > 0 && !data_line(&l, data)))
			return false;
		zero = l.n == 0 || uu_value(l.p[0]) == 0;
	}
	return false;
}

enum ma_status
mime_uu_extract(struct mime_msg *m)
{
	struct buf text, data;
	size_t pos = 0, files = 0;
	enum ma_status st = MA_OK;
	struct mime_line l;
	char name[UU_NAME_MAX + 1];

	if (m->body_html || m->body == NULL ||
	    strstr(m->body, "begin ") == NULL)
		return MA_OK;
	buf_init(&text, (size_t)-1 / 2);
	buf_init(&data, (size_t)-1 / 2);
	while (st == MA_OK && mime_next_line((const unsigned char *)m->body,
					     m->body_len, &pos, &l)) {
		size_t after = pos;

		if (files < UU_MAX_FILES && begin_line(&l, name) &&
		    block(m->body, m->body_len, &after, &data)) {
			st = mime_att_file(m, name, &data);
			if (st == MA_OK)
				st = buf_addf(&text, "[file %s: attached]\n",
					      name);
			pos = after;
			files++;
		} else {
			st = buf_add(&text, l.p,
				     (size_t)((const unsigned char *)m->body +
					      pos - l.p));
		}
		buf_reset(&data);
	}
	buf_release(&data);
	if (st != MA_OK || files == 0) {
		buf_release(&text);
		return st;
	}
	free(m->body);
	m->body_len = text.len;
	m->body = buf_steal(&text);
	return MA_OK;
}
