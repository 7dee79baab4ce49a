/*
 * Charset decoding for display and search, with iconv(3) only: no mail
 * structure here, so that it can be tested on byte strings alone.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "charset.h"
#include "charset_int.h"

/* Decoded text is bounded by what a message can hold. */
#define CHARSET_MAX ((size_t)1 << 30)

static const char fffd[] = "\xef\xbf\xbd";

/* How a label is read. */
struct label {
	const char *iconv; /* name for iconv_open(); NULL: UTF-8 itself */
	bool iso2022jp;	   /* transcode ISO-2022-JP to CP932 first */
	bool japanese;	   /* vendor (private use) characters -> U+FFFD */
	bool ascii;	   /* 8-bit bytes do not belong: strictly, fail */
	bool jis_own;	   /* iconv's decoder strictly, else as ISO-2022-JP */
	char own[CHARSET_NAME_MAX + 1]; /* iconv points here for others */
};

/*
 * Whether a label names a variant of ISO-2022-JP ("ISO-2022-JP-2", "-1",
 * "-3", "-2004", "csISO2022JP2"). Japanese mailers and phones write them
 * over text that is ISO-2022-JP with the NEC and Microsoft extensions
 * (CP50220) and half-width katakana, which iconv's decoders of those
 * names refuse, or do not know the name at all.
 */
static bool
jis_family(const char *name)
{
	return strncasecmp(name, "iso-2022-jp", 11) == 0 ||
	       strncasecmp(name, "iso2022jp", 9) == 0 ||
	       strncasecmp(name, "iso2022-jp", 10) == 0 ||
	       strncasecmp(name, "csiso2022jp", 11) == 0;
}

static bool label_get(const char *charset, struct label *l);

/*
 * The reading of name[0..n) that neither the aliases nor iconv know when
 * written with '-' for each '_': Python's email package writes the names
 * of its codecs ("utf_8", "windows_1252", "iso2022_jp", "latin_1").
 */
static bool
label_dashed(const char *name, size_t n, struct label *l)
{
	char dashed[CHARSET_NAME_MAX + 1];

	if (memchr(name, '_', n) == NULL)
		return false;
	for (size_t i = 0; i <= n; i++)
		dashed[i] = name[i] == '_' ? '-' : name[i];
	return label_get(dashed, l);
}

/*
 * The reading of a label; false when there is none usable (NULL, empty,
 * "unknown-8bit", or a name iconv does not know).
 */
static bool
label_get(const char *charset, struct label *l)
{
	char name[CHARSET_NAME_MAX + 1];
	const struct charset_alias *a;
	size_t n = 0;
	iconv_t cd;

	if (charset == NULL)
		return false;
	while (*charset == ' ' || *charset == '"')
		charset++;
	/* RFC 2231 5: "charset*language" in an encoded word. */
	while (charset[n] != '\0' && charset[n] != '*' && charset[n] != '"' &&
	       charset[n] != ' ' && n < CHARSET_NAME_MAX) {
		name[n] = charset[n];
		n++;
	}
	name[n] = '\0';
	if (n == 0 || (charset[n] != '\0' && charset[n] != '*' &&
		       charset[n] != '"' && charset[n] != ' '))
		return false;
	/* RFC 2978 2.3: a name is printable US-ASCII. glibc's iconv_open()
	 * skips other bytes, so "iso-8859-1\1" would be taken for a label
	 * (and UTF-8 text under it read as Latin-1). */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x21 ||
		    (unsigned char)name[i] > 0x7e)
			return false;
	if ((a = charset_alias(name)) != NULL) {
		l->iconv = a->iconv;
		l->iso2022jp = a->iso2022jp;
		l->japanese = a->japanese;
		l->ascii = a->ascii;
		l->jis_own = false;
		return true;
	}
	if (strncasecmp(name, "unknown", 7) == 0 ||
	    strncasecmp(name, "x-unknown", 9) == 0)
		return false;
	l->ascii = false;
	l->japanese = jis_family(name);
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1) {
		if (!l->japanese)
			return label_dashed(name, n, l);
		/* "ISO-2022-JP-1", "-2004" and the like: ISO-2022-JP. */
		l->iconv = "CP932";
		l->iso2022jp = true;
		l->jis_own = false;
		return true;
	}
	iconv_close(cd);
	memcpy(l->own, name, n + 1);
	l->iconv = l->own;
	l->iso2022jp = false;
	l->jis_own = l->japanese;
	return true;
}

bool
charset_is_utf8(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 if none. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t k = s[0] < 0x80	 ? 1
		   : s[0] < 0xc2 ? 0
		   : s[0] < 0xe0 ? 2
		   : s[0] < 0xf0 ? 3
		   : s[0] < 0xf5 ? 4
				 : 0;

	if (k == 0 || k > n || !charset_is_utf8(s, k))
		return 0;
	return k;
}

/*
 * Append UTF-8 text to out with NUL turned into U+FFFD and, for a
 * Japanese vendor charset (japanese non-zero), private-use characters
 * too (user-defined characters, and carrier emoji: those of Shift_JIS
 * text whose carrier is certain become Unicode emoji, charset_emoji()
 * with japanese's SJIS_* bits), and a backslash before a digit read as a
 * yen sign; bytes that are not UTF-8 become U+FFFD each.
 */
static enum ma_status
add_clean(struct buf *out, const char *p, size_t n, unsigned japanese)
{
	const unsigned char *s = (const unsigned char *)p;
	enum ma_status st = MA_OK;
	size_t i = 0, run = 0;

	while (i < n && st == MA_OK) {
		size_t k = utf8_seq(s + i, n - i);
		bool bad = k == 0 || s[i] == 0;
		const char *emoji = NULL;
		size_t w;

		if (s[i] == 0x1b) {
			/* SoftBank's webcode emoji: ASCII in any charset. */
			st = buf_add(out, p + run, i - run);
			w = st == MA_OK
				? charset_webcode(s + i, n - i, out, &st)
				: 0;
			i += w;
			run = i;
			if (w > 0)
				continue;
		}

		if (!bad && japanese && k == 3) {
			uint32_t cp = (uint32_t)(s[i] & 0x0f) << 12 |
				      (uint32_t)(s[i + 1] & 0x3f) << 6 |
				      (s[i + 2] & 0x3f);

			bad = cp >= 0xe000 && cp <= 0xf8ff;
			emoji = bad ? charset_emoji(cp, japanese) : NULL;
		}
		if (!bad && japanese && s[i] == '\\' && i + 1 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '9') {
			/* Byte 5C is the yen sign in JIS X 0201 and in the
			 * fonts Japanese mail is written with; CP932 says
			 * backslash. Before a digit it is an amount. */
			st = buf_add(out, p + run, i - run);
			if (st == MA_OK)
				st = buf_add(out, "\xc2\xa5", 2);
			run = ++i;
			continue;
		}
		if (!bad) {
			i += k;
			continue;
		}
		st = buf_add(out, p + run, i - run);
		if (st == MA_OK)
			st = buf_adds(out, emoji != NULL ? emoji : fffd);
		i += k != 0 ? k : 1;
		run = i;
	}
	if (st == MA_OK && n > run)
		st = buf_add(out, p + run, n - run);
	return st;
}

/*
 * iconv from cs to UTF-8 into out (cleaned). Strict: MA_EDATA at the first
 * byte that does not convert, out then undefined. Lenient: each such byte
 * is U+FFFD.
 */
static enum ma_status
convert(const char *cs, const char *in, size_t n, bool lenient,
	unsigned japanese, struct buf *out)
{
	struct buf raw;
	char tmp[4096];
	char *ip = (char *)in;
	iconv_t cd;
	enum ma_status st = MA_OK;

	if ((cd = iconv_open("UTF-8", cs)) == (iconv_t)-1)
		return MA_EDATA;
	buf_init(&raw, CHARSET_MAX);
	while (st == MA_OK) {
		char *op = tmp;
		size_t ol = sizeof tmp, r;

		r = n > 0 ? iconv(cd, &ip, &n, &op, &ol)
			  : iconv(cd, NULL, NULL, &op, &ol);
		if (op > tmp)
			st = buf_add(&raw, tmp, (size_t)(op - tmp));
		if (st != MA_OK)
			break;
		if (r != (size_t)-1) {
			if (n == 0)
				break;
			continue;
		}
		if (errno == E2BIG)
			continue;
		if (!lenient) {
			st = MA_EDATA;
			break;
		}
		/* EILSEQ or a sequence cut at the end (EINVAL). */
		st = buf_add(&raw, fffd, 3);
		if (n > 0)
			ip++, n--;
	}
	iconv_close(cd);
	if (st == MA_OK)
		st = add_clean(out, raw.data != NULL ? raw.data : "", raw.len,
			       japanese);
	buf_release(&raw);
	return st;
}

static bool
has_8bit(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return true;
	return false;
}

/* Drop what a failed attempt added to out after mark. */
static void
cut_back(struct buf *out, size_t mark)
{
	out->len = mark;
	if (out->data != NULL)
		out->data[mark] = '\0';
}

/* Decode in[0..n) by label l into out, strictly or leniently. */
static enum ma_status
decode_as(const struct label *l, const char *in, size_t n, bool lenient,
	  struct buf *out)
{
	static const struct label jis = {
	    .iconv = "CP932", .iso2022jp = true, .japanese = true};
	struct buf sj;
	enum ma_status st;
	bool hz;

	if (l->jis_own) {
		/* The variant's own sets (GB 2312, KS C 5601, ISO-8859 in
		 * ISO-2022-JP-2) when iconv reads it all; else the text is
		 * ISO-2022-JP as Japanese mailers write it. SO (half-width
		 * katakana from phones) is in no variant: iconv passes it. */
		size_t mark = out->len;

		if (memchr(in, 0x0e, n) == NULL) {
			st = convert(l->iconv, in, n, false, true, out);
			if (st != MA_EDATA)
				return st;
			cut_back(out, mark);
		}
		return decode_as(&jis, in, n, lenient, out);
	}
	if (l->iconv == NULL) {
		if (!lenient && !charset_is_utf8(in, n))
			return MA_EDATA;
		return add_clean(out, in, n, false);
	}
	if (l->ascii && !lenient && has_8bit((const unsigned char *)in, n))
		return MA_EDATA;
	if (!l->iso2022jp && l->japanese && strcmp(l->iconv, "CP932") == 0) {
		unsigned v = charset_sjis_vendor((const unsigned char *)in, n);
		unsigned char *sb;

		if (!(v & SJIS_SOFTBANK))
			return convert(l->iconv, in, n, lenient, v, out);
		sb = charset_softbank_fb((const unsigned char *)in, n);
		if (sb == NULL)
			return MA_ENOMEM;
		st = convert(l->iconv, (const char *)sb, n, lenient, v, out);
		free(sb);
		return st;
	}
	hz = strcmp(l->iconv, "HZ") == 0;
	if (!l->iso2022jp && !hz)
		return convert(l->iconv, in, n, lenient, l->japanese, out);
	buf_init(&sj, CHARSET_MAX);
	st = hz ? charset_hz_to_gb((const unsigned char *)in, n, &sj)
		: charset_jis_to_cp932((const unsigned char *)in, n, &sj);
	if (st == MA_OK)
		st = convert(hz ? "GB18030" : l->iconv,
			     sj.data != NULL ? sj.data : "", sj.len, lenient,
			     !hz, out);
	buf_release(&sj);
	return st;
}

static char *
finish(struct buf *out, enum ma_status st, size_t *outlen)
{
	char *r;

	if (st != MA_OK) {
		buf_release(out);
		return NULL;
	}
	if (outlen != NULL)
		*outlen = out->len;
	r = out->data != NULL ? buf_steal(out) : strdup("");
	return r;
}

static bool jis_text(const unsigned char *s, size_t n);

/* Whether out from mark on holds U+FFFD. */
static bool
fffd_from(const struct buf *out, size_t mark)
{
	for (size_t i = mark; out->data != NULL && i + 2 < out->len; i++)
		if (memcmp(out->data + i, fffd, 3) == 0)
			return true;
	return false;
}

/*
 * Japanese text under the other Japanese label, as gateways and phones
 * send it: EUC-JP labelled Shift_JIS reads "strictly" as half-width
 * katakana and user-area (private use) characters, Shift_JIS labelled
 * EUC-JP does not read at all. When the declared reading of in failed
 * (failed), gave vendor characters, or (declared Shift_JIS) holds
 * user-area codes or is kana-only EUC-JP (charset_euc_kana_only()),
 * the sibling encoding read strictly and cleanly replaces what out holds
 * from mark on: true then.
 */
static bool
japanese_sibling(const struct label *l, const char *in, size_t n, size_t mark,
		 bool failed, struct buf *out, enum ma_status *stp)
{
	static const struct label euc = {.iconv = "EUC-JP-MS",
					 .japanese = true};
	static const struct label sjis = {.iconv = "CP932", .japanese = true};
	const unsigned char *s = (const unsigned char *)in;
	const struct label *alt;
	size_t at = out->len, k;
	bool suspect = failed || fffd_from(out, mark);

	*stp = MA_OK;
	if (!suspect && l->japanese && !l->iso2022jp && l->iconv != NULL &&
	    strcmp(l->iconv, "CP932") == 0)
		suspect = (charset_sjis_vendor(s, n) & SJIS_USER) != 0 ||
			  charset_euc_kana_only(s, n);
	if (!l->japanese || !has_8bit(s, n) || memchr(in, '\0', n) != NULL ||
	    !suspect)
		return false;
	alt = l->iconv != NULL && strcmp(l->iconv, "EUC-JP-MS") == 0 ? &sjis
								     : &euc;
	*stp = decode_as(alt, in, n, false, out);
	if (*stp != MA_OK || fffd_from(out, at)) {
		cut_back(out, at);
		if (*stp == MA_EDATA)
			*stp = MA_OK;
		return false;
	}
	k = out->len - at;
	memmove(out->data + mark, out->data + at, k);
	cut_back(out, mark + k);
	return true;
}

static enum ma_status
to_utf8(const char *charset, const char *in, size_t n, struct buf *out)
{
	static const struct label cp1252 = {.iconv = "WINDOWS-1252"};
	static const struct label jis = {
	    .iconv = "CP932", .iso2022jp = true, .japanese = true};
	struct label l;
	size_t mark = out->len;
	enum ma_status st, st2;
	bool known = label_get(charset, &l);

	/* 7-bit text with the escape to JIS X 0208 is ISO-2022-JP whatever
	 * its label (Shift_JIS, US-ASCII, a name nobody knows): nothing else
	 * writes it. */
	if ((!known || (!l.iso2022jp && !l.jis_own)) &&
	    !has_8bit((const unsigned char *)in, n) &&
	    jis_text((const unsigned char *)in, n))
		return decode_as(&jis, in, n, true, out);
	if (!known) {
		if (charset_is_utf8(in, n))
			return add_clean(out, in, n, false);
		return decode_as(&cp1252, in, n, true, out);
	}
	st = decode_as(&l, in, n, false, out);
	if (st != MA_OK && st != MA_EDATA)
		return st;
	if (japanese_sibling(&l, in, n, mark, st == MA_EDATA, out, &st2) ||
	    st2 != MA_OK)
		return st2;
	if (st == MA_OK)
		return st;
	cut_back(out, mark);
	/* Declared wrongly: 8-bit text that is UTF-8 is UTF-8. */
	if (has_8bit((const unsigned char *)in, n) && charset_is_utf8(in, n))
		return add_clean(out, in, n, false);
	return decode_as(&l, in, n, true, out);
}

bool
charset_known(const char *charset)
{
	struct label l;

	return label_get(charset, &l);
}

char *
charset_to_utf8(const char *charset, const void *in, size_t n, size_t *outlen)
{
	struct buf out;

	buf_init(&out, CHARSET_MAX);
	return finish(&out, to_utf8(charset, in, n, &out), outlen);
}

/* Mostly UTF-8: it has valid multi-byte characters, more than bad bytes. */
static bool
mostly_utf8(const unsigned char *s, size_t n)
{
	size_t good = 0, bad = 0, i = 0;

	while (i < n) {
		size_t k = utf8_seq(s + i, n - i);

		if (k == 0) {
			bad++;
			i++;
			continue;
		}
		good += k > 1;
		i += k;
	}
	return good > 0 && bad <= good;
}

/*
 * Whether 7-bit text is ISO-2022-JP: it holds the escape that selects
 * JIS X 0208 (RFC 1468), which nothing else in a header writes.
 */
static bool
jis_text(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == 0x1b && s[i + 1] == '$' &&
		    (s[i + 2] == 'B' || s[i + 2] == '@'))
			return true;
	return false;
}

/* Whether every 8-bit byte of s[0..n) is a Shift_JIS half-width katakana
 * (A1-DF): how EUC-JP's kanji rows read as Shift_JIS. */
static bool
halfwidth_only(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80 && (s[i] < 0xa1 || s[i] > 0xdf))
			return false;
	return true;
}

/*
 * Raw 8-bit Japanese header text under a Japanese body charset: 8-bit
 * bytes are no ISO-2022-JP, so under that label a Japanese mailer wrote
 * its Shift_JIS or EUC-JP raw, and EUC-JP's kanji read as Shift_JIS are
 * half-width katakana only. Strictly, with the sibling encoding tried as
 * for a body (japanese_sibling()); MA_EDATA with out unchanged when
 * neither reads it.
 */
static enum ma_status
japanese_header(const struct label *l, const char *in, size_t n,
		struct buf *out)
{
	static const struct label sjis = {.iconv = "CP932", .japanese = true};
	const unsigned char *s = (const unsigned char *)in;
	bool raw_jis = l->iso2022jp || l->jis_own;
	const struct label *hl = raw_jis ? &sjis : l;
	size_t mark = out->len;
	enum ma_status st, st2;

	st = decode_as(hl, in, n, false, out);
	if (st != MA_OK && st != MA_EDATA)
		return st;
	if (japanese_sibling(hl, in, n, mark,
			     st == MA_EDATA ||
				 (raw_jis && halfwidth_only(s, n)),
			     out, &st2) ||
	    st2 != MA_OK)
		return st2;
	if (st != MA_OK)
		cut_back(out, mark);
	return st;
}

/*
 * Raw header bytes in[0..n) appended to out in the CJK charset they are
 * likely in (charset_cjk.c), the first that reads them strictly and
 * whole: true then. False: out as it was. *stp: MA_OK, or MA_ENOMEM /
 * MA_ETOOBIG from out.
 */
static bool
cjk_decode(const char *in, size_t n, struct buf *out, enum ma_status *stp)
{
	const char *labels[8];
	size_t k, at = out->len;
	struct label l;

	*stp = MA_OK;
	k = charset_cjk_guess((const unsigned char *)in, n, labels,
			      sizeof labels / sizeof labels[0]);
	for (size_t i = 0; i < k; i++) {
		enum ma_status st;

		if (!label_get(labels[i], &l))
			continue;
		st = decode_as(&l, in, n, false, out);
		if (st == MA_OK && !fffd_from(out, at))
			return true;
		cut_back(out, at);
		if (st != MA_OK && st != MA_EDATA) {
			*stp = st;
			return true;
		}
	}
	return false;
}

/*
 * Raw header bytes in[0..n) that out holds from mark on in a single-byte
 * reading that is odd for its charset (charset_single_byte_odd()) are
 * read by cjk_decode() instead when it can. *stp as there.
 */
static void
cjk_rather(const char *in, size_t n, size_t mark, struct buf *out,
	   enum ma_status *stp)
{
	size_t at = out->len, len;

	*stp = MA_OK;
	if (out->data == NULL ||
	    !charset_single_byte_odd((const unsigned char *)in, n,
				     out->data + mark, out->len - mark) ||
	    !cjk_decode(in, n, out, stp) || *stp != MA_OK)
		return;
	len = out->len - at;
	memmove(out->data + mark, out->data + at, len);
	cut_back(out, mark + len);
}

static enum ma_status
raw_header(const char *in, size_t n, const char *fallback, struct buf *out)
{
	static const struct label cp1252 = {.iconv = "WINDOWS-1252"};
	static const struct label jis = {
	    .iconv = "CP932", .iso2022jp = true, .japanese = true};
	const unsigned char *s = (const unsigned char *)in;
	struct label l;
	size_t mark = out->len;
	enum ma_status st;
	bool known;

	/* Old Japanese mailers write ISO-2022-JP into headers as it is,
	 * without encoded words; shown raw it is "$B...(B". */
	if (!has_8bit(s, n) && jis_text(s, n))
		return decode_as(&jis, in, n, true, out);
	if (!has_8bit(s, n) || charset_is_utf8(in, n))
		return add_clean(out, in, n, false);
	known = label_get(fallback, &l);
	/* Japanese: EUC-JP often looks "mostly UTF-8" (F1 B5 C4 A4 is a
	 * UTF-8 sequence), so the body's charset is tried first. */
	if (known && l.japanese) {
		st = japanese_header(&l, in, n, out);
		if (st != MA_EDATA)
			return st;
		known = false;
	}
	/* Not UTF-8 (tested above): a CJK text whose every 8-bit byte is
	 * in a pair of its common rows is that, though its bytes may look
	 * mostly like UTF-8 (EUC-KR C8 B8 is U+0238). */
	if (mostly_utf8(s, n))
		return cjk_decode(in, n, out, &st)
			   ? st
			   : add_clean(out, in, n, false);
	if (known) {
		st = decode_as(&l, in, n, false, out);
		if (st == MA_OK)
			cjk_rather(in, n, mark, out, &st);
		if (st != MA_EDATA)
			return st;
		cut_back(out, mark);
	}
	st = decode_as(&cp1252, in, n, true, out);
	if (st == MA_OK)
		cjk_rather(in, n, mark, out, &st);
	return st;
}

char *
charset_raw_header(const void *in, size_t n, const char *fallback,
		   size_t *outlen)
{
	struct buf out;

	buf_init(&out, CHARSET_MAX);
	return finish(&out, raw_header(in, n, fallback, &out), outlen);
}

static bool
all_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* Text between encoded words: unfolded, 8-bit decoded. */
static enum ma_status
add_text(const char *p, size_t n, const char *fallback, struct buf *out)
{
	struct buf t;
	enum ma_status st = MA_OK;

	buf_init(&t, CHARSET_MAX);
	for (size_t i = 0; i < n && st == MA_OK; i++)
		if (p[i] != '\r' && p[i] != '\n')
			st = buf_addc(&t, p[i]);
	if (st == MA_OK)
		st = raw_header(t.data != NULL ? t.data : "", t.len, fallback,
				out);
	buf_release(&t);
	return st;
}

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static enum ma_status
add_b64_word(struct buf *out, const unsigned char *s, size_t n)
{
	enum ma_status st = buf_adds(out, "=?UTF-8?B?");

	for (size_t i = 0; i < n && st == MA_OK; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64_chars[v >> 18 & 63];
		q[1] = b64_chars[v >> 12 & 63];
		q[2] = i + 1 < n ? b64_chars[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64_chars[v & 63] : '=';
		st = buf_add(out, q, 4);
	}
	if (st == MA_OK)
		st = buf_adds(out, "?=");
	return st;
}

/*
 * The scan shared by decode and reencode: text and encoded words in
 * order; a run of adjacent words (blanks between them dropped) collects
 * into run, the bytes of consecutive words in one charset into word.
 */
static enum ma_status
scan_header(const char *raw, size_t n, const char *fallback, bool reencode,
	    struct buf *out)
{
	struct buf word, run;
	char cs[CHARSET_NAME_MAX + 1] = "";
	size_t i = 0, text = 0;
	bool in_run = false;
	enum ma_status st = MA_OK;

	buf_init(&word, CHARSET_MAX);
	buf_init(&run, CHARSET_MAX);
	while (st == MA_OK) {
		struct charset_ew w = {0};
		bool at_end = i >= n;
		bool is_ew = !at_end && raw[i] == '=' &&
			     charset_ew_parse(raw + i, n - i, &w);
		bool same;

		if (!at_end && !is_ew) {
			i++;
			continue;
		}
		/* raw[text..i) is plain text before a word or the end. */
		if (!(in_run && is_ew && all_blank(raw + text, i - text))) {
			if (in_run) {
				st = to_utf8(cs, word.data ? word.data : "",
					     word.len, reencode ? &run : out);
				buf_reset(&word);
				if (st == MA_OK && reencode)
					st = add_b64_word(
					    out, (unsigned char *)run.data,
					    run.len);
				buf_reset(&run);
				in_run = false;
			}
			if (st == MA_OK)
				st = add_text(raw + text, i - text, fallback,
					      out);
		}
		if (at_end || st != MA_OK)
			break;
		same = in_run && strlen(cs) == w.charset_len &&
		       strncasecmp(cs, w.charset, w.charset_len) == 0;
		if (in_run && !same) {
			st = to_utf8(cs, word.data ? word.data : "", word.len,
				     reencode ? &run : out);
			buf_reset(&word);
		}
		memcpy(cs, w.charset, w.charset_len);
		cs[w.charset_len] = '\0';
		if (st == MA_OK)
			st = charset_ew_bytes(&w, &word);
		in_run = true;
		i += w.len;
		text = i;
	}
	buf_release(&word);
	buf_release(&run);
	return st;
}

/* Blanks at both ends dropped, as the value is shown. */
static void
trim(struct buf *b)
{
	size_t s = 0, e = b->len;

	if (b->data == NULL)
		return;
	while (s < e && (b->data[s] == ' ' || b->data[s] == '\t'))
		s++;
	while (e > s && (b->data[e - 1] == ' ' || b->data[e - 1] == '\t'))
		e--;
	memmove(b->data, b->data + s, e - s);
	b->len = e - s;
	b->data[b->len] = '\0';
}

/* RFC 5322 2.2.3: unfold (drop CR and LF) before anything is parsed; the
 * value decoded (or re-encoded) with the blanks at both ends dropped. */
static char *
header_text(const char *raw, size_t n, const char *fallback, bool reencode,
	    size_t *outlen)
{
	struct buf u, out;
	enum ma_status st = MA_OK;

	buf_init(&u, CHARSET_MAX);
	buf_init(&out, CHARSET_MAX);
	for (size_t i = 0; i < n && st == MA_OK; i++)
		if (raw[i] != '\r' && raw[i] != '\n')
			st = buf_addc(&u, raw[i]);
	if (st == MA_OK)
		st = scan_header(u.data != NULL ? u.data : "", u.len, fallback,
				 reencode, &out);
	buf_release(&u);
	if (st == MA_OK)
		trim(&out);
	return finish(&out, st, outlen);
}

char *
charset_decode_header(const char *raw, size_t n, const char *fallback,
		      size_t *outlen)
{
	return header_text(raw, n, fallback, false, outlen);
}

char *
charset_reencode_header(const char *raw, size_t n, const char *fallback,
			size_t *outlen)
{
	return header_text(raw, n, fallback, true, outlen);
}
