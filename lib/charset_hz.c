/*
 * HZ (RFC 1843, label "HZ-GB-2312"): GB2312 in 7 bits, as Chinese mail
 * and news were sent where only ASCII passed. "~{" shifts into GB2312,
 * whose characters are then pairs of bytes 21-7E (each the EUC byte less
 * 80), "~}" back to ASCII; "~~" is a tilde and "~" at the end of a line
 * joins the next. iconv has no decoder for it, so a body labelled HZ
 * was shown as "~{;aRi~}".
 */
#include "charset_int.h"

enum ma_status
charset_hz_to_gb(const unsigned char *s, size_t n, struct buf *out)
{
	bool gb = false;
	enum ma_status st = MA_OK;

	for (size_t i = 0; i < n && st == MA_OK; i++) {
		unsigned char c = s[i], d = i + 1 < n ? s[i + 1] : 0;

		if (c == '~' && (d == '{' || d == '}')) {
			gb = d == '{';
			i++;
		} else if (c == '~' && !gb && (d == '~' || d == '\n')) {
			/* "~~" a tilde, "~" LF: the line goes on. */
			if (d == '~')
				st = buf_addc(out, '~');
			i++;
		} else if (gb && c >= 0x21 && c <= 0x7e && d >= 0x21 &&
			   d <= 0x7e) {
			st = buf_addc(out, (char)(c | 0x80));
			if (st == MA_OK)
				st = buf_addc(out, (char)(d | 0x80));
			i++;
		} else {
			/* A line end (or a byte out of place) in GB2312
			 * ends it, as decoders of news did. */
			if (c == '\n' || c == '\r')
				gb = false;
			st = buf_addc(out, (char)c);
		}
	}
	return st;
}
