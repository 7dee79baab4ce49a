/*
 * ISO-2022-JP to CP932 bytes for charset.c (charset_jis.c): the escape
 * sequences and shifts of RFC 1468 and of the phones, read without
 * iconv so that the Microsoft extensions survive.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "charset_int.h"

enum jis_mode { ASCII, KANA, JIS, OTHER };

/*
 * jis_escape - read the escape sequence after an ESC at e (left bytes on):
 * the mode it selects into *mode and its length with the ESC, or 0 when it
 * is not one we know.
 */
static size_t
jis_escape(const unsigned char *e, size_t left, enum jis_mode *mode)
{
	if (left >= 2 && e[0] == '(' &&
	    (e[1] == 'B' || e[1] == 'J' || e[1] == 'H')) {
		*mode = ASCII;
		return 3;
	}
	if (left >= 2 && e[0] == '(' && e[1] == 'I') {
		*mode = KANA;
		return 3;
	}
	if (left >= 2 && e[0] == '$' && (e[1] == '@' || e[1] == 'B')) {
		*mode = JIS;
		return 3;
	}
	if (left >= 2 && e[0] == '&' && e[1] == '@')
		return 3; /* JIS X 0208-1990 announcer */
	if (left >= 3 && e[0] == '$' && e[1] == '(' &&
	    (e[2] == 'B' || e[2] == 'Q' || e[2] == 'O')) {
		*mode = JIS; /* JIS X 0213 plane 1 */
		return 4;
	}
	if (left >= 2 && e[0] == '$') {
		*mode = OTHER;
		return e[1] == '(' || e[1] == ')' ? 4 : 3;
	}
	return 0;
}

/*
 * The length of a SoftBank webcode escape at s (ESC "$", a page letter,
 * then up to SI, charset_webcode()), passed on as it is; 0 if none.
 */
static size_t
webcode_len(const unsigned char *s, size_t n)
{
	size_t i;

	if (n < 5 || s[1] != '$' || s[2] == '\0' ||
	    strchr("GEFOPQ", s[2]) == NULL)
		return 0;
	for (i = 3; i < n && s[i] >= 0x21 && s[i] <= 0x7e; i++)
		;
	return i > 3 && i < n && s[i] == 0x0f ? i + 1 : 0;
}

/*
 * ISO-2022-JP (RFC 1468) with the Microsoft extensions to CP932 bytes:
 * JIS X 0208 rows and cells map to Shift_JIS arithmetically, which puts
 * the NEC special characters (row 13) and the NEC-selected IBM rows
 * (89-92) where CP932 has them; "ESC ( I", SO/SI and raw bytes A1-DF are
 * half-width katakana. A character set we do not read (JIS X 0212, the
 * ISO-2022-JP-2 sets) gives byte A0, which CP932 does not have: U+FFFD.
 */
enum ma_status
charset_jis_to_cp932(const unsigned char *s, size_t n, struct buf *out)
{
	enum jis_mode mode = ASCII;
	bool so = false;
	enum ma_status st = MA_OK;
	size_t i = 0;

	while (i < n && st == MA_OK) {
		unsigned char c = s[i];

		if (c == 0x1b) {
			size_t k = webcode_len(s + i, n - i);

			if (k > 0) { /* read by charset.c after CP932 */
				st = buf_add(out, s + i, k);
				i += k;
				continue;
			}
			k = jis_escape(s + i + 1, n - i - 1, &mode);

			if (k == 0) { /* not one we know: the byte is lost */
				st = buf_addc(out, (char)0xa0);
				k = 1;
			}
			i += k;
			continue;
		}
		if (c == 0x0e || c == 0x0f) {
			so = c == 0x0e;
			i++;
			continue;
		}
		if (c >= 0x80 || c < 0x21) {
			/* Raw 8-bit (katakana A1-DF is CP932 as it is) and
			 * controls pass; CR and LF end a JIS line. */
			if (c == '\n' || c == '\r')
				so = false;
			st = buf_addc(out, (char)c);
			i++;
			continue;
		}
		if (so || mode == KANA) {
			st = buf_addc(out, (char)(c <= 0x5f ? c + 0x80 : c));
			i++;
		} else if (mode == JIS || mode == OTHER) {
			unsigned char c2 = i + 1 < n ? s[i + 1] : 0;
			char sj[2];

			if (c > 0x7e || c2 < 0x21 || c2 > 0x7e) {
				st = buf_addc(out, (char)0xa0);
				i++;
				continue;
			}
			if (mode == OTHER) {
				st = buf_addc(out, (char)0xa0);
			} else {
				sj[0] = (char)(((c + 1) >> 1) +
					       (c <= 0x5e ? 0x70 : 0xb0));
				sj[1] =
				    (char)(c2 +
					   ((c & 1) ? (c2 >= 0x60 ? 0x20 : 0x1f)
						    : 0x7e));
				st = buf_add(out, sj, 2);
			}
			i += 2;
		} else {
			st = buf_addc(out, (char)c);
			i++;
		}
	}
	return st;
}

/*
 * Whether every 8-bit byte of s[0..n) is in a pair of EUC-JP's rows 1,
 * 4 or 5 (punctuation, hiragana, katakana: lead A1, A4 or A5, trail
 * A1-FE). Read as Shift_JIS such text is half-width katakana in which
 * every other character is "｡", "､" or "･": no text is written so, while
 * kana-only EUC-JP is common (a short reply, "ありがとう").
 */
bool
charset_euc_kana_only(const unsigned char *s, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		if (i + 1 >= n ||
		    (s[i] != 0xa1 && s[i] != 0xa4 && s[i] != 0xa5) ||
		    s[i + 1] < 0xa1 || s[i + 1] > 0xfe)
			return false;
		any = true;
		i++;
	}
	return any;
}
