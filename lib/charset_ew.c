/*
 * RFC 2047 encoded words taken apart for charset.c's header decoding:
 * "=?" charset "?" B or Q "?" text "?=", and the bytes of the text.
 */
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "charset_int.h"

bool
charset_ew_parse(const char *p, size_t n, struct charset_ew *w)
{
	size_t i = 2, c0;

	if (n < 8 || p[0] != '=' || p[1] != '?')
		return false;
	c0 = i;
	while (i < n && p[i] != '?' && p[i] > ' ' && p[i] < 0x7f)
		i++;
	if (i == c0 || i - c0 > CHARSET_NAME_MAX || i + 3 > n || p[i] != '?')
		return false;
	w->charset = p + c0;
	w->charset_len = i - c0;
	w->enc = (char)(p[i + 1] & ~0x20);
	if ((w->enc != 'B' && w->enc != 'Q') || p[i + 2] != '?')
		return false;
	i += 3;
	w->text = p + i;
	while (i < n && p[i] != '?' && p[i] > ' ' && (unsigned char)p[i] < 0x7f)
		i++;
	if (i + 1 >= n || p[i] != '?' || p[i + 1] != '=')
		return false;
	w->text_len = (size_t)(p + i - w->text);
	w->len = i + 2;
	return true;
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum ma_status
charset_ew_bytes(const struct charset_ew *w, struct buf *out)
{
	const unsigned char *t = (const unsigned char *)w->text;
	enum ma_status st = MA_OK;

	if (w->enc == 'B') {
		uint32_t acc = 0;
		int bits = 0;

		for (size_t i = 0; i < w->text_len && st == MA_OK; i++) {
			int v = b64_value(t[i]);

			if (t[i] == '=')
				break;
			if (v < 0)
				continue;
			acc = (acc << 6 | (uint32_t)v) & 0xffffff;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				st = buf_addc(out, (char)(acc >> bits & 0xff));
			}
		}
		return st;
	}
	for (size_t i = 0; i < w->text_len && st == MA_OK; i++) {
		int hi, lo;

		if (t[i] == '_') {
			st = buf_addc(out, ' ');
		} else if (t[i] == '=' && i + 2 < w->text_len &&
			   (hi = hex_value(t[i + 1])) >= 0 &&
			   (lo = hex_value(t[i + 2])) >= 0) {
			st = buf_addc(out, (char)(hi << 4 | lo));
			i += 2;
		} else {
			st = buf_addc(out, (char)t[i]);
		}
	}
	return st;
}
