/* Private to lib/charset*.c. */
#ifndef MA_CHARSET_INT_H
#define MA_CHARSET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/*
 * charset_hz_to_gb - HZ (RFC 1843) in s[0..n) appended to out as GB2312
 * in EUC form, which GB18030 reads (charset_hz.c); the ASCII and what is
 * out of place as they are. MA_ENOMEM or MA_ETOOBIG from out.
 */
enum ma_status charset_hz_to_gb(const unsigned char *s, size_t n,
				struct buf *out);

/*
 * charset_jis_to_cp932 - ISO-2022-JP in s[0..n) appended to out as CP932
 * bytes (charset_jis.c): JIS X 0208 to Shift_JIS arithmetically, the
 * half-width katakana of "ESC ( I", SO/SI and raw A1-DF as they are,
 * byte A0 (no CP932 character) for what it cannot read. MA_ENOMEM or
 * MA_ETOOBIG from out.
 */
enum ma_status charset_jis_to_cp932(const unsigned char *s, size_t n,
				    struct buf *out);

/*
 * charset_euc_kana_only - whether every 8-bit byte of s[0..n) is in a
 * pair of EUC-JP's kana and punctuation rows (charset_jis.c): EUC-JP
 * however it is labelled.
 */
bool charset_euc_kana_only(const unsigned char *s, size_t n);

/* What Shift_JIS text holds of the CP932 user area (lead bytes F0-F9),
 * where the phone carriers put their emoji (charset_emoji.c). */
/* Bit 1 is left out: charset.c passes "true" where these bits go. */
#define SJIS_TEXT     2u  /* the text is Shift_JIS: always set */
#define SJIS_USER     4u  /* any user-area code */
#define SJIS_DOCOMO   8u  /* a code with lead F8: DoCoMo's alone */
#define SJIS_KDDI     16u /* lead F3, F4 or F6: KDDI's (au) alone */
#define SJIS_SOFTBANK 32u /* SoftBank's codes alone (charset_emoji.c) */

/*
 * charset_sjis_vendor - the SJIS_* bits of Shift_JIS text s[0..n), read
 * two bytes at a time from each lead byte; SJIS_TEXT always.
 */
unsigned charset_sjis_vendor(const unsigned char *s, size_t n);

/*
 * charset_emoji - the Unicode emoji (UTF-8, static) for the private-use
 * character cp that iconv gives a CP932 user-area code, in text whose
 * charset_sjis_vendor() is vendor; NULL when cp is not a carrier emoji
 * whose carrier is certain (see charset_emoji.c), or vendor lacks
 * SJIS_TEXT (other Japanese charsets use the area otherwise).
 */
const char *charset_emoji(uint32_t cp, unsigned vendor);

/*
 * charset_softbank_fb - for Shift_JIS text s[0..n) whose vendor bits say
 * SoftBank: a malloc'd copy (same length) in which SoftBank's codes of
 * lead FB, which CP932 reads as IBM kanji, have lead F0 instead, a
 * user-area code charset_emoji() then reads as theirs. NULL on no memory.
 */
unsigned char *charset_softbank_fb(const unsigned char *s, size_t n);

/*
 * charset_webcode - the length of the SoftBank "webcode" escape at s
 * (n bytes on: ESC "$", a page letter G E F O P Q, one or more code
 * characters, SI) with each of its codes' Unicode emoji appended to out;
 * 0 (out untouched) when s holds no such escape whose every code has
 * one. *stp: MA_OK, or out's MA_ENOMEM / MA_ETOOBIG.
 */
size_t charset_webcode(const unsigned char *s, size_t n, struct buf *out,
		       enum ma_status *stp);

/* A charset name in an encoded word or a parameter. */
#define CHARSET_NAME_MAX 64

/* One encoded word parsed: "=?" charset "?" enc "?" text "?=". */
struct charset_ew {
	const char *charset, *text;
	size_t charset_len, text_len, len;
	char enc; /* 'B' or 'Q' */
};

/*
 * charset_ew_parse - whether p[0..n) starts with an encoded word, then
 * parsed into *w (its pointers into p) (charset_ew.c).
 */
bool charset_ew_parse(const char *p, size_t n, struct charset_ew *w);

/*
 * charset_ew_bytes - the bytes of an encoded word's text appended to out.
 * Base64 is read on its own, so its padding ends only this word; missing
 * padding keeps the last bits that make whole bytes (RFC 2047 is strict,
 * mailers are not). MA_ENOMEM or MA_ETOOBIG from out.
 */
enum ma_status charset_ew_bytes(const struct charset_ew *w, struct buf *out);

/* A label's reading where iconv's own of the name is wrong or missing. */
struct charset_alias {
	const char *name, *iconv;	 /* iconv NULL: UTF-8 itself */
	bool iso2022jp, japanese, ascii; /* as in charset.c struct label */
};

/*
 * charset_alias - the reading of label name (no quotes or language,
 * any case) when charset_alias.c lists it, else NULL.
 */
const struct charset_alias *charset_alias(const char *name);

/*
 * charset_single_byte_odd - whether text[0..len) (UTF-8), the strict
 * reading of raw header bytes s[0..n) in a single-byte charset, is odd
 * for text of that charset: runs of 8-bit characters holding a symbol,
 * three or more Latin letters in a row, a symbol inside an ASCII word
 * (charset_cjk.c); or whether s[0..n) are two or more frequent Big5 or
 * Shift_JIS characters and nothing else, which Latin text seldom is.
 * False when it is no single-byte reading.
 */
bool charset_single_byte_odd(const unsigned char *s, size_t n, const char *text,
			     size_t len);

/*
 * charset_cjk_guess - the labels of the CJK charsets that raw 8-bit text
 * s[0..n) is likely in, best first, into labels[0..max): the number put
 * there, 0 when none fits (charset_cjk.c). The labels are static.
 */
size_t charset_cjk_guess(const unsigned char *s, size_t n, const char **labels,
			 size_t max);

#endif
