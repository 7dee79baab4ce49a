/*
 * RFC 3676 format=flowed undone for display (mime.h mime_unflow()): a
 * paragraph that the sender's mailer cut into short lines joined again,
 * so that the page wraps it to the reader's width.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"

char *
mime_unflow(const char *text, size_t n, bool delsp, size_t *outlen)
{
	struct buf out, para;
	size_t i = 0;
	int para_depth = -1; /* -1: no paragraph pending */
	enum ma_status st = MA_OK;

	buf_init(&out, (size_t)-1 / 2);
	buf_init(&para, (size_t)-1 / 2);
	while (i < n && st == MA_OK) {
		size_t e = i, len;
		const char *s = text + i;
		int depth = 0;
		bool flowed, sig;

		while (e < n && text[e] != '\n')
			e++;
		len = e - i;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		i = e + 1;
		while ((size_t)depth < len && s[depth] == '>')
			depth++;
		s += depth;
		len -= (size_t)depth;
		if (len > 0 && s[0] == ' ')
			s++, len--; /* space-stuffing, RFC 3676 4.4 */
		sig = len == 3 && memcmp(s, "-- ", 3) == 0;
		flowed = !sig && len > 0 && s[len - 1] == ' ';
		if (flowed && delsp)
			len--;
		if (para_depth >= 0 && (para_depth != depth || sig)) {
			/* A flowed line followed by one of another depth:
			 * RFC 3676 4.5 says treat it as fixed. */
			st = buf_add(&out, para.data, para.len);
			if (st == MA_OK)
				st = buf_addc(&out, '\n');
			buf_reset(&para);
			para_depth = -1;
		}
		if (para_depth < 0) {
			para_depth = depth;
			for (int d = 0; d < depth && st == MA_OK; d++)
				st = buf_addc(&para, '>');
			if (depth > 0 && st == MA_OK)
				st = buf_addc(&para, ' ');
		}
		if (st == MA_OK)
			st = buf_add(&para, s, len);
		if (!flowed && st == MA_OK) {
			st = buf_add(&out, para.data, para.len);
			if (st == MA_OK && i <= n)
				st = buf_addc(&out, '\n');
			buf_reset(&para);
			para_depth = -1;
		}
	}
	if (para_depth >= 0 && st == MA_OK)
		st = buf_add(&out, para.data, para.len);
	buf_release(&para);
	if (st != MA_OK) {
		buf_release(&out);
		return NULL;
	}
	*outlen = out.len;
	if (out.data == NULL)
		return strdup("");
	return buf_steal(&out);
}
