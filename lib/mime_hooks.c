/*
 * gmime's header decoding, fixed for the whole process: the header_added
 * handlers of GMimeObject and GMimeMessage are wrapped here, so that every
 * message gmime parses (the renderer's through mime.c, libnotmuch's while
 * indexing) has its Subject and address headers decoded by charset.c.
 * mime_init() installs them; mime.c and mime_addr.c parse on top.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "charset.h"
#include "mime.h"
#include "mime_int.h"

/*
 * gmime 3.2.13 decodes runs of adjacent encoded words wrongly: it joins
 * the base64 text of words in one charset before decoding it, so a word
 * ending in '=' padding ends the run ("=?UTF-8?B?SGVsbG8=?=
 * =?UTF-8?B?IHdvcmxk?=" reads "Hello"), and an unpadded word loses its
 * last byte. No parser option changes that, and libnotmuch indexes the
 * Subject and the addresses that gmime decoded. So every GMimeMessage
 * this process parses, ours and libnotmuch's alike, has its Subject and
 * address headers decoded by charset.c: the message class's header_added
 * handler (called for each header as the parser adds it) is wrapped, and
 * after gmime's own handling the header's value (what
 * g_mime_object_get_header() returns, the value notmuch stores), the
 * message's subject (what notmuch indexes) and the display names of the
 * parsed addresses are replaced. Only the public fields of GMimeHeader,
 * GMimeMessage and InternetAddress are written, without the change
 * events that would re-encode the header.
 */
static void (*gmime_message_header_added)(GMimeObject *, GMimeHeader *);
static void (*gmime_object_header_added)(GMimeObject *, GMimeHeader *);

static const struct {
	const char *name;
	GMimeAddressType type;
} addr_headers[] = {
    {"From", GMIME_ADDRESS_TYPE_FROM},
    {"To", GMIME_ADDRESS_TYPE_TO},
    {"Cc", GMIME_ADDRESS_TYPE_CC},
    {"Bcc", GMIME_ADDRESS_TYPE_BCC},
    {"Sender", GMIME_ADDRESS_TYPE_SENDER},
    {"Reply-To", GMIME_ADDRESS_TYPE_REPLY_TO},
};

/* Whether a raw value needs our decoding: encoded words, 8-bit bytes or
 * escapes (ISO-2022-JP written raw, charset_raw_header()). */
static bool
needs_decoding(const char *raw)
{
	if (strstr(raw, "=?") != NULL)
		return true;
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
		if (*p >= 0x80 || *p == 0x1b)
			return true;
	return false;
}

static void
set_gstr(char **field, const char *value)
{
	g_free(*field);
	*field = value != NULL ? g_strdup(value) : NULL;
}

/* dst's display names from src, when both have the same shape. */
static void
copy_names(InternetAddressList *dst, InternetAddressList *src)
{
	int n = internet_address_list_length(dst);

	if (n != internet_address_list_length(src))
		return;
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(dst, i);
		InternetAddress *b = internet_address_list_get_address(src, i);
		InternetAddressList *am, *bm;
		int m;

		if (G_OBJECT_TYPE(a) != G_OBJECT_TYPE(b))
			continue;
		set_gstr(&a->name, b->name);
		if (!INTERNET_ADDRESS_IS_GROUP(a))
			continue;
		/* Groups do not nest (RFC 5322 3.4): one level. */
		am = internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(a));
		bm = internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(b));
		m = internet_address_list_length(am);
		if (m != internet_address_list_length(bm))
			continue;
		for (int j = 0; j < m; j++) {
			InternetAddress *x =
			    internet_address_list_get_address(am, j);
			InternetAddress *y =
			    internet_address_list_get_address(bm, j);

			if (G_OBJECT_TYPE(x) == G_OBJECT_TYPE(y))
				set_gstr(&x->name, y->name);
		}
	}
}

static bool
host_char(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '.';
}

/*
 * gmime writes an address list back with each domain in its ASCII form
 * (IDNA): "j\u00f6rg@b\u00fccher.example" came back as
 * "j\u00f6rg@xn--bcher-kva.example", and that is what the page, the
 * listing and search had. Each host name in shown that holds an IDNA
 * label ("xn--") is given back its Unicode form, unless the sender wrote
 * it so (raw holds "xn--" too). A new string (g_free()), or NULL to keep
 * shown.
 */
static char *
unicode_hosts(const char *raw, const char *shown)
{
	GString *out;
	const char *p = shown, *x;

	if (g_strstr_len(shown, -1, "xn--") == NULL ||
	    g_strrstr(raw, "xn--") != NULL || g_strrstr(raw, "XN--") != NULL)
		return NULL;
	out = g_string_new(NULL);
	while ((x = g_strstr_len(p, -1, "xn--")) != NULL) {
		const char *a = x, *b = x;
		char *host, *uni;

		while (a > p && host_char(a[-1]))
			a--;
		while (host_char(*b))
			b++;
		host = g_strndup(a, (gsize)(b - a));
		uni = g_hostname_to_unicode(host);
		g_string_append_len(out, p, a - p);
		g_string_append(out, uni != NULL ? uni : host);
		g_free(uni);
		g_free(host);
		p = b;
	}
	g_string_append(out, p);
	return g_string_free(out, FALSE);
}

/* The addresses of one raw address header, decoded by charset.c. */
static InternetAddressList *
parse_addr_header(const char *raw, const char *fallback)
{
	InternetAddressList *l;
	char *safe = charset_reencode_header(raw, strlen(raw), fallback, NULL);

	if (safe == NULL)
		return NULL;
	l = internet_address_list_parse(NULL, safe);
	free(safe);
	return l;
}

static void
fix_addresses(GMimeMessage *msg, GMimeAddressType type, const char *name,
	      const char *fallback)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	InternetAddressList *all = internet_address_list_new();
	int count = g_mime_header_list_get_count(hl);

	for (int i = 0; i < count; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *raw = g_mime_header_get_raw_value(h);
		InternetAddressList *l;
		char *shown;

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0 ||
		    raw == NULL)
			continue;
		if ((l = parse_addr_header(raw, fallback)) == NULL)
			continue;
		if (needs_decoding(raw)) {
			char *uni;

			shown = internet_address_list_to_string(l, NULL, FALSE);
			if ((uni = unicode_hosts(raw, shown)) != NULL) {
				g_free(shown);
				shown = uni;
			}
			set_gstr(&h->value, shown);
			g_free(shown);
		}
		internet_address_list_append(all, l);
		g_object_unref(l);
	}
	copy_names(g_mime_message_get_addresses(msg, type), all);
	g_object_unref(all);
}

static bool
raw_8bit_not_utf8(const char *raw)
{
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
		if (*p >= 0x80)
			return !charset_is_utf8(raw, strlen(raw));
	return false;
}

/* Bytes of a header field we read again from the source file. */
#define MIME_FIELD_MAX 65536

/*
 * gmime keeps header values as C strings, so a raw NUL byte ends the
 * value. The field read again at its offset in the source file, NULs
 * kept, when it holds one (malloc'd, *np bytes); else NULL.
 */
static char *
raw_with_nul(GMimeHeader *h, size_t *np)
{
	const char *name = g_mime_header_get_raw_name(h);
	gint64 off = g_mime_header_get_offset(h);
	size_t nl, e, got;
	char *buf, *r = NULL;

	if (!mime_source_known() || name == NULL || off < 0 ||
	    (buf = malloc(MIME_FIELD_MAX)) == NULL)
		return NULL;
	got = mime_source_read(off, (unsigned char *)buf, MIME_FIELD_MAX);
	nl = strlen(name);
	/* The same field, as a check that the offset is the file's. */
	if (got > nl && memcmp(buf, name, nl) == 0 && buf[nl] == ':') {
		for (e = nl + 1; e < got; e++)
			if (buf[e] == '\n' &&
			    (e + 1 >= got ||
			     (buf[e + 1] != ' ' && buf[e + 1] != '\t')))
				break;
		if (memchr(buf + nl + 1, '\0', e - nl - 1) != NULL &&
		    (r = malloc(e - nl)) != NULL) {
			memcpy(r, buf + nl + 1, e - nl - 1);
			*np = e - nl - 1;
		}
	}
	free(buf);
	return r;
}

static void
fix_header(GMimeObject *obj, GMimeHeader *h, const char *fallback)
{
	const char *name = g_mime_header_get_name(h);
	const char *raw = g_mime_header_get_raw_value(h);
	char *text, *full;
	size_t n = 0;

	if (name == NULL || raw == NULL)
		return;
	if (g_ascii_strcasecmp(name, "Subject") == 0) {
		full = raw_with_nul(h, &n);
		if (full != NULL || needs_decoding(raw))
			text = charset_decode_header(full ? full : raw,
						     full ? n : strlen(raw),
						     fallback, NULL);
		else
			text = NULL;
		if (text != NULL) {
			set_gstr(&h->value, text);
			set_gstr(&GMIME_MESSAGE(obj)->subject, text);
		}
		free(text);
		free(full);
	}
	if (!needs_decoding(raw))
		return;
	for (size_t i = 0; i < sizeof addr_headers / sizeof addr_headers[0];
	     i++)
		if (g_ascii_strcasecmp(name, addr_headers[i].name) == 0)
			fix_addresses(GMIME_MESSAGE(obj), addr_headers[i].type,
				      addr_headers[i].name, fallback);
}

/*
 * The message whose raw 8-bit headers wait for the charset of its body:
 * gmime gives the Content-* headers to the body part, which the parser
 * reads after the message's headers. Parsing is sequential, so the first
 * part with a charset that follows is that body.
 */
static GMimeMessage *pending;

static void
set_pending(GMimeMessage *m)
{
	if (pending != NULL)
		g_object_remove_weak_pointer(G_OBJECT(pending),
					     (gpointer *)&pending);
	pending = m;
	if (m != NULL)
		g_object_add_weak_pointer(G_OBJECT(m), (gpointer *)&pending);
}

static void
message_header_added(GMimeObject *obj, GMimeHeader *h)
{
	const char *raw;

	mime_fold_join(h);
	raw = g_mime_header_get_raw_value(h);
	gmime_message_header_added(obj, h);
	fix_header(obj, h, NULL);
	if (raw != NULL && raw_8bit_not_utf8(raw))
		set_pending(GMIME_MESSAGE(obj));
}

/* The pending message's raw 8-bit headers read again in charset cs (the
 * charset of its body), and nothing pending after. */
static void
fix_pending(const char *cs)
{
	GMimeHeaderList *hl;
	char *fallback;
	int count;

	if (cs == NULL || (fallback = strdup(cs)) == NULL)
		return;
	hl = g_mime_object_get_header_list(GMIME_OBJECT(pending));
	count = g_mime_header_list_get_count(hl);
	for (int i = 0; i < count; i++) {
		GMimeHeader *o = g_mime_header_list_get_header_at(hl, i);
		const char *raw = g_mime_header_get_raw_value(o);

		if (raw != NULL && raw_8bit_not_utf8(raw))
			fix_header(GMIME_OBJECT(pending), o, fallback);
	}
	free(fallback);
	set_pending(NULL);
}

static void
object_header_added(GMimeObject *obj, GMimeHeader *h)
{
	const char *cs;

	/* A message's fields were joined by message_header_added(). */
	if (!GMIME_IS_MESSAGE(obj))
		mime_fold_join(h);
	gmime_object_header_added(obj, h);
	mime_invalid_type(obj, h);
	if (pending == NULL || GMIME_IS_MESSAGE(obj) ||
	    g_ascii_strcasecmp(g_mime_header_get_name(h), "Content-Type") != 0)
		return;
	cs = g_mime_object_get_content_type_parameter(obj, "charset");
	if (cs != NULL)
		fix_pending(cs);
}

/* Raw bytes of an HTML part read for its <meta> (charset_html_label()
 * looks at the first 1024 decoded ones; base64 takes 4 for 3). */
#define META_RAW_MAX 4096

static void (*gmime_part_set_content)(GMimePart *, GMimeDataWrapper *);
static void (*gmime_text_part_set_content)(GMimePart *, GMimeDataWrapper *);

/*
 * An HTML body whose Content-Type names no charset is read in the one a
 * <meta> tag names (charset_html_label()), so the raw 8-bit headers of
 * its message are too: called as the parser gives the part its content,
 * which is read from the source (not from the parser's stream, which is
 * still being read) and transfer-decoded.
 */
static void
html_meta_charset(GMimePart *part, GMimeDataWrapper *content)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeStream *s =
	    content != NULL ? g_mime_data_wrapper_get_stream(content) : NULL;
	unsigned char raw[META_RAW_MAX];
	char dec[META_RAW_MAX + 16], *label;
	GMimeEncoding enc;
	size_t n, len;

	if (pending == NULL || s == NULL || s->bound_start < 0 ||
	    !g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
					 "text", "html") ||
	    g_mime_object_get_content_type_parameter(obj, "charset") != NULL)
		return;
	n = mime_source_read(s->bound_start, raw, sizeof raw);
	if (s->bound_end >= s->bound_start &&
	    (guint64)(s->bound_end - s->bound_start) < n)
		n = (size_t)(s->bound_end - s->bound_start);
	g_mime_encoding_init_decode(&enc,
				    g_mime_data_wrapper_get_encoding(content));
	len = g_mime_encoding_step(&enc, (const char *)raw, n, dec);
	if ((label = charset_html_label(NULL, dec, len)) != NULL)
		fix_pending(label);
	free(label);
}

/* Marks the content of a part that is not text (wrapper_write_no_nul()
 * looks at it). */
static GQuark
not_text_quark(void)
{
	static GQuark q;

	if (q == 0)
		q = g_quark_from_static_string("mailarc-not-text");
	return q;
}

static void
part_set_content(GMimePart *part, GMimeDataWrapper *content)
{
	GMimeContentType *ct =
	    g_mime_object_get_content_type(GMIME_OBJECT(part));

	gmime_part_set_content(part, content);
	html_meta_charset(part, content);
	if (content != NULL && ct != NULL &&
	    !g_mime_content_type_is_type(ct, "text", "*"))
		g_object_set_qdata(G_OBJECT(content), not_text_quark(),
				   GINT_TO_POINTER(1));
}

static void
text_part_set_content(GMimePart *part, GMimeDataWrapper *content)
{
	gmime_text_part_set_content(part, content);
	html_meta_charset(part, content);
}

static ssize_t (*gmime_wrapper_write)(GMimeDataWrapper *, GMimeStream *);

/*
 * Whether p[0..n) is UTF-16 or UTF-32 text, whose NUL bytes are halves of
 * characters that the charset filter after us needs: a byte order mark;
 * a position modulo 4 where every byte is NUL (UTF-32); or NULs, the high
 * bytes of Latin characters, for an eighth of the bytes or more and
 * nearly all at even or at odd positions (UTF-16: CJK characters have
 * none, a character such as U+DE00 of an emoji has one on the other
 * side). Stray NULs in 8-bit text are fewer.
 */
static bool
wide_text(const unsigned char *p, size_t n)
{
	bool nul[4] = {true, true, true, true};
	size_t at[2] = {0, 0};

	if (n >= 2 &&
	    ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return true;
	if (n < 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		nul[i % 4] = nul[i % 4] && p[i] == '\0';
		at[i % 2] += p[i] == '\0';
	}
	if (nul[0] || nul[1] || nul[2] || nul[3])
		return true;
	if (at[0] < at[1]) {
		size_t t = at[0];

		at[0] = at[1];
		at[1] = t;
	}
	return at[1] * 16 <= at[0] && (at[0] + at[1]) * 8 >= n;
}

/*
 * Whether p[0..n) is binary data, not text: control characters other
 * than NUL, white space and ESC (which ISO-2022-JP text is full of) make
 * up more than a sixteenth of it. Random and compressed bytes (images,
 * PDF streams, archives) have about a tenth; text has a few at most,
 * and NUL padding does not count. Asked only of parts of a type other
 * than text: what a text part says is indexed whatever its bytes.
 */
static bool
binary_data(const unsigned char *p, size_t n)
{
	size_t ctl = 0;

	for (size_t i = 0; i < n; i++)
		ctl += (p[i] < 0x20 && p[i] != '\0' && p[i] != '\t' &&
			p[i] != '\n' && p[i] != '\v' && p[i] != '\f' &&
			p[i] != '\r' && p[i] != 0x1b) ||
		       p[i] == 0x7f;
	return ctl >= 8 && ctl * 16 > n;
}

/*
 * libnotmuch indexes a text part as a C string, so a NUL byte in it hides
 * the rest from search. In the indexing process the decoded content of a
 * part reaches notmuch with each NUL as a space (the page shows U+FFFD),
 * unless it is UTF-16 or UTF-32 (wide_text()): notmuch converts that to
 * UTF-8 itself, and spaces in it would leave nothing to index.
 *
 * notmuch indexes every part that is not marked an attachment as text,
 * an image or a PDF sent inline too: stopped by its first NUL byte it
 * took a few bytes of it, but with the NULs made spaces it took all of
 * it, some 590,000 garbage terms and 60 MB of database for a 4 MB image.
 * So the binary content (binary_data()) of a part that is not text
 * reaches it as nothing.
 */
static ssize_t
wrapper_write_no_nul(GMimeDataWrapper *w, GMimeStream *out)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *arr;
	ssize_t n = gmime_wrapper_write(w, mem);
	ssize_t lost = mime_lost_write(mime_source_path(), w, out);
	bool wide;

	if (n >= 0) {
		arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		wide = wide_text(arr->data, arr->len);
		if (!wide &&
		    g_object_get_qdata(G_OBJECT(w), not_text_quark()) &&
		    binary_data(arr->data, arr->len))
			g_byte_array_set_size(arr, 0);
		for (guint i = 0; i < arr->len && !wide; i++)
			if (arr->data[i] == '\0')
				arr->data[i] = ' ';
		n = arr->len > 0
			? g_mime_stream_write(out, (char *)arr->data, arr->len)
			: 0;
	}
	g_object_unref(mem);
	return n < 0 || lost < 0 ? -1 : n + lost;
}

typedef void (*filter_fn)(GMimeFilter *, char *, size_t, size_t, char **,
			  size_t *, size_t *);
static filter_fn gmime_charset_filter, gmime_charset_complete;

/* U+FFFD in UTF-8, what the page shows for bytes its charset lacks. */
static const char replacement[] = "\xef\xbf\xbd";

static bool
is_utf8_name(const char *cs)
{
	return cs != NULL && (g_ascii_strcasecmp(cs, "UTF-8") == 0 ||
			      g_ascii_strcasecmp(cs, "UTF8") == 0);
}

/* Room for need more bytes at *out in the filter's output, which may
 * move: *out is kept at the same offset. */
static bool
out_room(GMimeFilter *g, char **out, size_t *left, size_t need)
{
	size_t used = (size_t)(*out - g->outbuf);
	size_t size = used + *left;

	if (*left >= need)
		return true;
	if (size > SIZE_MAX / 2 - need)
		return false;
	size = size * 2 + need;
	g_mime_filter_set_size(g, size, TRUE);
	*out = g->outbuf + used;
	*left = size - used;
	return true;
}

/*
 * The conversion of in[0..n) to UTF-8, into the filter's output; each
 * byte the source charset has no character for becomes U+FFFD. An
 * incomplete sequence at the end is kept back for the next call, or at
 * the end (final) becomes one U+FFFD. Returns the bytes written.
 */
static size_t
convert_replacing(GMimeFilterCharset *f, char *in, size_t n, bool final)
{
	GMimeFilter *g = GMIME_FILTER(f);
	size_t left = n + n / 2 + 16, inleft = n;
	char *out;

	g_mime_filter_set_size(g, left, FALSE);
	out = g->outbuf;
	while (inleft > 0) {
		int e;

		if (iconv(f->cd, &in, &inleft, &out, &left) != (size_t)-1)
			break;
		e = errno;
		if (e == E2BIG) {
			if (!out_room(g, &out, &left, inleft * 4 + 16))
				break;
			continue;
		}
		if (e == EINVAL && !final) {
			g_mime_filter_backup(g, in, inleft);
			break;
		}
		if ((e != EILSEQ && e != EINVAL) ||
		    !out_room(g, &out, &left, sizeof replacement))
			break;
		memcpy(out, replacement, sizeof replacement - 1);
		out += sizeof replacement - 1;
		left -= sizeof replacement - 1;
		/* An incomplete sequence at the end is one character. */
		inleft = e == EINVAL ? 0 : inleft - 1;
		in++;
	}
	while (final && iconv(f->cd, NULL, NULL, &out, &left) == (size_t)-1 &&
	       errno == E2BIG && out_room(g, &out, &left, 64))
		;
	return (size_t)(out - g->outbuf);
}

/*
 * libnotmuch converts a text part to UTF-8 through gmime's charset
 * filter, which drops the bytes its charset has no character for: the
 * letters on both sides then join into one word ("179" before a broken
 * byte and "x" after it are indexed as "179x"), and search misses both.
 * In the indexing process such a byte becomes U+FFFD, as on the page,
 * which separates words as the page shows them.
 */
static void
charset_run(GMimeFilter *g, char *in, size_t n, size_t pre, char **out,
	    size_t *outlen, size_t *outpre, bool final)
{
	GMimeFilterCharset *f = GMIME_FILTER_CHARSET(g);
	filter_fn own = final ? gmime_charset_complete : gmime_charset_filter;

	if (!is_utf8_name(f->to_charset) || f->cd == (iconv_t)-1) {
		own(g, in, n, pre, out, outlen, outpre);
		return;
	}
	*outlen = convert_replacing(f, in, n, final);
	*out = g->outbuf;
	*outpre = g->outpre;
}

static void
charset_filter(GMimeFilter *g, char *in, size_t n, size_t pre, char **out,
	       size_t *outlen, size_t *outpre)
{
	charset_run(g, in, n, pre, out, outlen, outpre, false);
}

static void
charset_complete(GMimeFilter *g, char *in, size_t n, size_t pre, char **out,
		 size_t *outlen, size_t *outpre)
{
	charset_run(g, in, n, pre, out, outlen, outpre, true);
}

static int (*gmime_multipart_count)(GMimeMultipart *);
static GMimeObject *(*gmime_multipart_part)(GMimeMultipart *, int);

/*
 * libnotmuch indexes a multipart by its parts; one without a boundary
 * parameter has none (gmime reads its body as the prologue), so nothing
 * of it was found by search. In the indexing process such a multipart
 * shows notmuch the one part mime_unbounded() reads from its body, as
 * the page shows it. mime_unbounded() counts parts itself: busy keeps
 * it from coming back here.
 */
static GMimeObject *
unbounded_child(GMimeMultipart *mp)
{
	static bool busy;
	GMimeObject *c;

	if (busy || gmime_multipart_count(mp) != 0)
		return NULL;
	busy = true;
	c = mime_unbounded(GMIME_OBJECT(mp));
	busy = false;
	return c;
}

/*
 * What the page shows of a multipart beyond its parts (a digest's
 * preamble, the text inside a winmail.dat: mime_extra_text()), shown to
 * notmuch as one more part at the end, so that search finds it too.
 */
static GMimeObject *
extra_child(GMimeMultipart *mp)
{
	static bool busy;
	GMimeObject *c;

	if (busy)
		return NULL;
	busy = true;
	c = mime_extra_text(mp);
	busy = false;
	return c;
}

static int
multipart_count(GMimeMultipart *mp)
{
	int n = gmime_multipart_count(mp);

	if (n == 0)
		return unbounded_child(mp) != NULL ? 1 : 0;
	return extra_child(mp) != NULL ? n + 1 : n;
}

static GMimeObject *
multipart_part(GMimeMultipart *mp, int i)
{
	GMimeObject *c = i == 0 ? unbounded_child(mp) : NULL;
	int n;

	if (c != NULL)
		return c;
	n = gmime_multipart_count(mp);
	if (i == n && n > 0 && (c = extra_child(mp)) != NULL)
		return c;
	return gmime_multipart_part(mp, i);
}

void
mime_init_indexing(void)
{
	static bool done;
	GMimeDataWrapperClass *klass;
	GMimeMultipartClass *mklass;
	GMimeFilterClass *fklass;

	mime_init();
	if (done)
		return;
	klass = g_type_class_ref(GMIME_TYPE_DATA_WRAPPER);
	gmime_wrapper_write = klass->write_to_stream;
	klass->write_to_stream = wrapper_write_no_nul;
	mklass = g_type_class_ref(GMIME_TYPE_MULTIPART);
	gmime_multipart_count = mklass->get_count;
	mklass->get_count = multipart_count;
	gmime_multipart_part = mklass->get_part;
	mklass->get_part = multipart_part;
	fklass = g_type_class_ref(GMIME_TYPE_FILTER_CHARSET);
	gmime_charset_filter = fklass->filter;
	fklass->filter = charset_filter;
	gmime_charset_complete = fklass->complete;
	fklass->complete = charset_complete;
	done = true;
}

void
mime_init(void)
{
	static bool done;
	GMimeObjectClass *klass;
	GMimePartClass *pklass;

	if (done)
		return;
	g_mime_init();
	/* Kept referenced for the life of the process. Subclasses of
	 * GMimeObject chain to its handler through its class structure, so
	 * the wrapper there sees the headers of every part. */
	klass = g_type_class_ref(GMIME_TYPE_OBJECT);
	gmime_object_header_added = klass->header_added;
	klass->header_added = object_header_added;
	klass = g_type_class_ref(GMIME_TYPE_MESSAGE);
	gmime_message_header_added = klass->header_added;
	klass->header_added = message_header_added;
	/* A subclass copies its parent's methods when its class is made:
	 * both classes that parts are made of get the wrapper. */
	pklass = g_type_class_ref(GMIME_TYPE_PART);
	gmime_part_set_content = pklass->set_content;
	pklass->set_content = part_set_content;
	pklass = g_type_class_ref(GMIME_TYPE_TEXT_PART);
	gmime_text_part_set_content = pklass->set_content;
	pklass->set_content = text_part_set_content;
	mime_decode_end_init();
	done = true;
}
