#ifndef MA_CHARSET_H
#define MA_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Text of mail to UTF-8, as mail clients decode it rather than as the
 * labels say: Shift_JIS read as CP932 (NEC and IBM extensions), ISO-2022-JP
 * with the Microsoft extensions (NEC special characters, circled digits,
 * half-width katakana by "ESC ( I" or SO/SI), EUC-JP as EUC-JP-MS,
 * ISO-8859-1 and US-ASCII as windows-1252, GB2312 as GB18030. Nothing is
 * dropped silently: a byte that does not decode, a NUL byte and a vendor
 * (carrier emoji) character without a Unicode mapping each become U+FFFD,
 * and the text after them is kept.
 *
 * Every function returns a malloc'd NUL-terminated string (its length in
 * *outlen when outlen is not NULL) that the caller frees, or NULL when
 * memory runs out. The result is always valid UTF-8.
 */

/*
 * charset_to_utf8 - in[0..n) in charset (a MIME label; NULL or unknown:
 * none) to UTF-8. When the bytes are not valid in the declared charset
 * but are valid UTF-8 (a part labelled ISO-2022-JP that holds UTF-8),
 * UTF-8 wins; otherwise the declared charset is decoded leniently.
 * Without a usable label: UTF-8 when valid, else windows-1252.
 */
char *charset_to_utf8(const char *charset, const void *in, size_t n,
		      size_t *outlen);

/*
 * charset_html_label - the label to decode an HTML part with when it is
 * not charset (the part's own, may be NULL): the one a <meta charset> or
 * <meta http-equiv content="...; charset=X"> tag in its first 1024 bytes
 * names, when charset is missing, unknown, or US-ASCII over 8-bit bytes.
 * malloc'd; NULL when charset stands (or no tag names one we can read,
 * or no memory).
 */
char *charset_html_label(const char *charset, const void *in, size_t n);

/*
 * charset_raw_header - 8-bit header text (no encoded words) to UTF-8:
 * UTF-8 when it is mostly UTF-8 (one bad byte keeps the valid
 * characters), else fallback (the charset of the message's body, may be
 * NULL) when that decodes it strictly, else windows-1252. 7-bit text
 * holding the ISO-2022-JP escape to JIS X 0208 is ISO-2022-JP.
 */
char *charset_raw_header(const void *in, size_t n, const char *fallback,
			 size_t *outlen);

/*
 * charset_decode_header - an unstructured header value (Subject) with
 * RFC 2047 encoded words to UTF-8: folding removed, encoded words decoded
 * wherever they stand (base64 with or without padding, Q with '_'), the
 * blanks between adjacent encoded words dropped (RFC 2047 6.2), the bytes
 * of adjacent words in one charset joined before conversion (a character
 * split across two words survives), raw 8-bit text read as
 * charset_raw_header() with fallback.
 */
char *charset_decode_header(const char *raw, size_t n, const char *fallback,
			    size_t *outlen);

/*
 * charset_reencode_header - a structured header value (From, To) with each
 * run of adjacent encoded words replaced by one UTF-8 base64 encoded word
 * and raw 8-bit text by UTF-8, the rest as it was: a form whose encoded
 * words any RFC 2047 decoder (gmime's address parser included) reads
 * right. Quotes, commas and angle brackets are untouched, so the address
 * structure is the same.
 */
char *charset_reencode_header(const char *raw, size_t n, const char *fallback,
			      size_t *outlen);

/* charset_known - whether charset is a label this module decodes (not
 * NULL, empty, "unknown-8bit", or a name iconv does not know). */
bool charset_known(const char *charset);

/* charset_is_utf8 - whether p[0..n) is valid UTF-8 (NUL counts as valid). */
bool charset_is_utf8(const void *p, size_t n);

#endif
