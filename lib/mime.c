/*
 * The one place gmime is used for display. Parts are walked with an
 * explicit stack (no recursion on mail data); a message nested as
 * message/rfc822 is one attachment, shown as such, not walked into.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "buf.h"
#include "charset.h"
#include "log.h"
#include "mime.h"

/* Nesting of multiparts we follow; deeper parts are ignored. */
#define MIME_MAX_DEPTH 64
/* Parts we look at in one message. */
#define MIME_MAX_PARTS 1000

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

/* Whether a raw value needs our decoding: encoded words or 8-bit bytes. */
static bool
needs_decoding(const char *raw)
{
	if (strstr(raw, "=?") != NULL)
		return true;
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
		if (*p >= 0x80)
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
			shown = internet_address_list_to_string(l, NULL, FALSE);
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

/* The file libnotmuch is indexing, or the message mime_parse() parses,
 * for raw_with_nul(). */
static char *source_path;
static const char *source_mem;
static size_t source_len;

void
mime_index_source(const char *path)
{
	free(source_path);
	source_path = path != NULL ? strdup(path) : NULL;
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
	ssize_t n;
	int fd;

	if ((source_path == NULL && source_mem == NULL) || name == NULL ||
	    off < 0 || (buf = malloc(MIME_FIELD_MAX)) == NULL)
		return NULL;
	if (source_mem != NULL) {
		got = (size_t)off < source_len ? source_len - (size_t)off : 0;
		if (got > MIME_FIELD_MAX)
			got = MIME_FIELD_MAX;
		if (got > 0)
			memcpy(buf, source_mem + off, got);
	} else {
		if ((fd = open(source_path, O_RDONLY | O_CLOEXEC)) < 0) {
			free(buf);
			return NULL;
		}
		n = pread(fd, buf, MIME_FIELD_MAX, (off_t)off);
		close(fd);
		got = n > 0 ? (size_t)n : 0;
	}
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
	const char *raw = g_mime_header_get_raw_value(h);

	gmime_message_header_added(obj, h);
	fix_header(obj, h, NULL);
	if (raw != NULL && raw_8bit_not_utf8(raw))
		set_pending(GMIME_MESSAGE(obj));
}

static void
object_header_added(GMimeObject *obj, GMimeHeader *h)
{
	GMimeHeaderList *hl;
	const char *cs;
	char *fallback;
	int count;

	gmime_object_header_added(obj, h);
	if (pending == NULL || GMIME_IS_MESSAGE(obj) ||
	    g_ascii_strcasecmp(g_mime_header_get_name(h), "Content-Type") != 0)
		return;
	cs = g_mime_object_get_content_type_parameter(obj, "charset");
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

static ssize_t (*gmime_wrapper_write)(GMimeDataWrapper *, GMimeStream *);

/*
 * libnotmuch indexes a text part as a C string, so a NUL byte in it hides
 * the rest from search. In the indexing process the decoded content of a
 * part reaches notmuch with each NUL as a space (the page shows U+FFFD).
 */
static ssize_t
wrapper_write_no_nul(GMimeDataWrapper *w, GMimeStream *out)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *arr;
	ssize_t n = gmime_wrapper_write(w, mem);

	if (n >= 0) {
		arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		for (guint i = 0; i < arr->len; i++)
			if (arr->data[i] == '\0')
				arr->data[i] = ' ';
		n = arr->len > 0
			? g_mime_stream_write(out, (char *)arr->data, arr->len)
			: 0;
	}
	g_object_unref(mem);
	return n;
}

void
mime_init_indexing(void)
{
	static bool done;
	GMimeDataWrapperClass *klass;

	mime_init();
	if (done)
		return;
	klass = g_type_class_ref(GMIME_TYPE_DATA_WRAPPER);
	gmime_wrapper_write = klass->write_to_stream;
	klass->write_to_stream = wrapper_write_no_nul;
	done = true;
}

void
mime_init(void)
{
	static bool done;
	GMimeObjectClass *klass;

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
	done = true;
}

static char *
xstrdup(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static void
addrs_free(struct mime_addr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].addr);
	}
	free(a);
}

void
mime_free(struct mime_msg *m)
{
	if (m == NULL)
		return;
	free(m->subject);
	free(m->from_text);
	addrs_free(m->from, m->nfrom);
	addrs_free(m->to, m->nto);
	addrs_free(m->cc, m->ncc);
	free(m->body);
	for (size_t i = 0; i < m->natt; i++) {
		free(m->att[i].filename);
		free(m->att[i].type);
		free(m->att[i].cid);
		free(m->att[i].data);
	}
	free(m->att);
	free(m);
}

/* Flatten an address list (groups included: their members) into *ap. */
static enum ma_status
addrs_get(InternetAddressList *list, struct mime_addr **ap, size_t *np)
{
	struct mime_addr *a = NULL;
	size_t n = 0, cap = 0;
	InternetAddressList *stack[2] = {list, NULL};
	int len;

	*ap = NULL;
	*np = 0;
	if (list == NULL)
		return MA_OK;
	/* Groups do not nest (RFC 5322 3.4), so one level is enough. */
	for (int depth = 0; depth < 1; depth++) {
		len = internet_address_list_length(stack[depth]);
		for (int i = 0; i < len; i++) {
			InternetAddress *ia =
			    internet_address_list_get_address(stack[depth], i);
			InternetAddressList *members = NULL;
			int mlen = 1;

			if (INTERNET_ADDRESS_IS_GROUP(ia)) {
				members = internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(ia));
				mlen = internet_address_list_length(members);
			}
			for (int j = 0; j < mlen; j++) {
				InternetAddress *m =
				    members ? internet_address_list_get_address(
						  members, j)
					    : ia;

				if (!INTERNET_ADDRESS_IS_MAILBOX(m))
					continue;
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 4;
					struct mime_addr *na =
					    realloc(a, nc * sizeof *na);

					if (na == NULL)
						goto nomem;
					a = na;
					cap = nc;
				}
				a[n].name =
				    xstrdup(internet_address_get_name(m));
				a[n].addr =
				    xstrdup(internet_address_mailbox_get_addr(
					INTERNET_ADDRESS_MAILBOX(m)));
				n++;
				if (a[n - 1].name == NULL ||
				    a[n - 1].addr == NULL)
					goto nomem;
			}
		}
	}
	*ap = a;
	*np = n;
	return MA_OK;
nomem:
	addrs_free(a, n);
	return MA_ENOMEM;
}

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

static char *
lower_mime_type(GMimeContentType *ct)
{
	char *t = g_mime_content_type_get_mime_type(ct), *r;

	if (t == NULL)
		return strdup("application/octet-stream");
	for (char *p = t; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	r = strdup(t);
	g_free(t);
	return r;
}

static enum ma_status
sha256_hex(const unsigned char *p, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL))
		return MA_ENOMEM;
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return MA_OK;
}

/* Write obj (a part's decoded content, or a whole message) to memory. */
static enum ma_status
content_bytes(GMimeObject *obj, unsigned char **pp, size_t *np)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *arr;
	ssize_t w;

	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(obj));

		w = dw != NULL ? g_mime_data_wrapper_write_to_stream(dw, mem)
			       : 0;
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		w = inner != NULL ? g_mime_object_write_to_stream(
					GMIME_OBJECT(inner), NULL, mem)
				  : 0;
	} else {
		w = 0;
	}
	if (w < 0) {
		g_object_unref(mem);
		return MA_EDATA;
	}
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*np = arr->len;
	*pp = malloc(arr->len ? arr->len : 1);
	if (*pp != NULL && arr->len > 0)
		memcpy(*pp, arr->data, arr->len);
	g_object_unref(mem);
	return *pp != NULL ? MA_OK : MA_ENOMEM;
}

static enum ma_status
add_attachment(struct mime_msg *m, GMimeObject *obj)
{
	struct mime_att *a, *na;
	const char *fn = NULL, *cid;
	enum ma_status st;

	if ((na = realloc(m->att, (m->natt + 1) * sizeof *na)) == NULL)
		return MA_ENOMEM;
	m->att = na;
	a = &m->att[m->natt];
	memset(a, 0, sizeof *a);
	if (GMIME_IS_PART(obj))
		fn = g_mime_part_get_filename(GMIME_PART(obj));
	cid = g_mime_object_get_content_id(obj);
	a->type = lower_mime_type(g_mime_object_get_content_type(obj));
	a->filename = fn != NULL && fn[0] != '\0' ? strdup(fn) : NULL;
	a->cid = cid != NULL ? strdup(cid) : NULL;
	if (a->type == NULL || (fn && fn[0] && !a->filename) ||
	    (cid && !a->cid))
		st = MA_ENOMEM;
	else if ((st = content_bytes(obj, &a->data, &a->size)) == MA_OK)
		st = sha256_hex(a->data, a->size, a->sha256);
	if (st != MA_OK) {
		free(a->type);
		free(a->filename);
		free(a->cid);
		free(a->data);
		return st;
	}
	m->natt++;
	return MA_OK;
}

/*
 * A part is an attachment when it says so (Content-Disposition:
 * attachment) or, not being text, when it carries a file name. A text
 * part with a name (name=, or inline; filename=) is still the text a
 * reader expects to see: it is the body, and is also offered as a file.
 */
static bool
is_attachment(GMimeObject *obj, bool text)
{
	const char *disp = g_mime_object_get_disposition(obj);

	if (disp != NULL && strcasecmp(disp, "attachment") == 0)
		return true;
	return !text && GMIME_IS_PART(obj) &&
	       g_mime_part_get_filename(GMIME_PART(obj)) != NULL;
}

/* RFC 2045 5.1: a type or subtype token. */
static bool
ct_token(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 127 ||
		    strchr("()<>@,;:\\\"/[]?=", s[i]) != NULL)
			return false;
	return true;
}

/*
 * Whether the part's own Content-Type header cannot be read as
 * "type/subtype": RFC 2045 5.2 says such a part is text/plain, and so
 * is the bare "text" some mailers write (gmime takes both as
 * application/octet-stream).
 */
static bool
ct_invalid(GMimeObject *obj)
{
	const char *h = g_mime_object_get_header(obj, "Content-Type");
	const char *end, *slash;

	if (h == NULL)
		return false;
	while (*h == ' ' || *h == '\t' || *h == '\r' || *h == '\n')
		h++;
	end = h + strcspn(h, ";");
	while (end > h && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	slash = memchr(h, '/', (size_t)(end - h));
	if (slash == NULL)
		return true;
	return !ct_token(h, (size_t)(slash - h)) ||
	       !ct_token(slash + 1, (size_t)(end - slash - 1));
}

/* What a leaf part is to a reader: plain text, HTML, or other. */
enum part_kind { PART_OTHER, PART_PLAIN, PART_HTML };

static enum part_kind
part_kind(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	if (!GMIME_IS_PART(obj) || GMIME_IS_MESSAGE_PART(obj))
		return PART_OTHER;
	if (g_mime_content_type_is_type(ct, "text", "plain"))
		return PART_PLAIN;
	if (g_mime_content_type_is_type(ct, "text", "html"))
		return PART_HTML;
	return ct_invalid(obj) ? PART_PLAIN : PART_OTHER;
}

/* The text of a plain part gmime did not take as text (its type was
 * invalid): the decoded bytes, shown as UTF-8 (html_escape() repairs). */
static enum ma_status
part_bytes_text(GMimeObject *obj, char **textp, size_t *lenp)
{
	unsigned char *p;
	size_t n;
	enum ma_status st = content_bytes(obj, &p, &n);
	char *t;

	if (st != MA_OK)
		return st;
	if ((t = realloc(p, n + 1)) == NULL) {
		free(p);
		return MA_ENOMEM;
	}
	t[n] = '\0';
	*textp = t;
	*lenp = n;
	return MA_OK;
}

/* The chosen text of a text part, charset decoded and flowed undone. */
static enum ma_status
part_text(GMimeObject *obj, char **textp, size_t *lenp)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *format = g_mime_content_type_get_parameter(ct, "format");
	const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
	const char *cs = g_mime_content_type_get_parameter(ct, "charset");
	unsigned char *raw = NULL;
	char *t, *r;
	size_t n = 0;
	enum ma_status st;

	/* The transfer encoding undone by gmime, the charset by charset.c
	 * (vendor extensions, UTF-8 under a wrong label, NUL bytes shown as
	 * U+FFFD rather than ending the text). */
	if ((st = content_bytes(obj, &raw, &n)) != MA_OK)
		return st;
	t = charset_to_utf8(cs, raw, n, &n);
	free(raw);
	if (t == NULL)
		return MA_ENOMEM;
	if (format != NULL && strcasecmp(format, "flowed") == 0 &&
	    g_mime_content_type_is_type(ct, "text", "plain")) {
		r = mime_unflow(
		    t, n, delsp != NULL && strcasecmp(delsp, "yes") == 0, &n);
		free(t);
	} else {
		r = t;
	}
	if (r == NULL)
		return MA_ENOMEM;
	*textp = r;
	*lenp = n;
	return MA_OK;
}

/* A header's value, unfolded and RFC 2047 decoded; "" when absent. */
static enum ma_status
header_text(GMimeObject *obj, const char *name, char **textp)
{
	const char *raw = g_mime_object_get_header(obj, name);
	char *t = NULL;

	if (raw != NULL) {
		char *u = g_mime_utils_header_unfold(raw);

		t = u != NULL ? g_mime_utils_header_decode_text(NULL, u) : NULL;
		g_free(u);
	}
	*textp = strdup(t != NULL ? g_strstrip(t) : "");
	g_free(t);
	return *textp != NULL ? MA_OK : MA_ENOMEM;
}

static enum ma_status mime_from_stream(GMimeStream *stream, const char *what,
				       bool prefer_html, struct mime_msg **mp);

enum ma_status
mime_open(const char *path, bool prefer_html, struct mime_msg **mp)
{
	GMimeStream *stream;
	enum ma_status st;
	int fd;

	mime_init();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		log_err("cannot open '%s': %s", path, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	stream = g_mime_stream_fs_new(fd); /* owns fd */
	mime_index_source(path);
	st = mime_from_stream(stream, path, prefer_html, mp);
	mime_index_source(NULL);
	g_object_unref(stream);
	return st;
}

enum ma_status
mime_parse(const void *data, size_t len, const char *what, bool prefer_html,
	   struct mime_msg **mp)
{
	GMimeStream *stream;
	enum ma_status st;

	mime_init();
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	source_mem = data;
	source_len = len;
	st = mime_from_stream(stream, what, prefer_html, mp);
	source_mem = NULL;
	g_object_unref(stream);
	return st;
}

static enum ma_status
mime_from_stream(GMimeStream *stream, const char *what, bool prefer_html,
		 struct mime_msg **mp)
{
	GMimeObject *plain = NULL, *html = NULL;
	GMimeObject *parts[MIME_MAX_PARTS];
	GPtrArray *todo;
	size_t nparts = 0;
	GMimeParser *parser;
	GMimeMessage *msg;
	struct mime_msg *m;
	const char *subject;
	enum ma_status st = MA_OK;

	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL) {
		log_err("'%s' is not a mail message", what);
		return MA_EDATA;
	}
	if ((m = calloc(1, sizeof *m)) == NULL) {
		g_object_unref(msg);
		return MA_ENOMEM;
	}
	subject = g_mime_message_get_subject(msg);
	if ((m->subject = xstrdup(subject)) == NULL)
		st = MA_ENOMEM;
	if (st == MA_OK)
		st = addrs_get(g_mime_message_get_from(msg), &m->from,
			       &m->nfrom);
	if (st == MA_OK)
		st = header_text(GMIME_OBJECT(msg), "From", &m->from_text);
	if (st == MA_OK)
		st = addrs_get(g_mime_message_get_to(msg), &m->to, &m->nto);
	if (st == MA_OK)
		st = addrs_get(g_mime_message_get_cc(msg), &m->cc, &m->ncc);

	/* Depth-first, in document order: the parts as a reader sees them.
	 * The stack holds the parts still to visit (siblings included), so
	 * it grows with the message; what is nested deeper than
	 * MIME_MAX_DEPTH or lies beyond MIME_MAX_PARTS is counted, not
	 * shown, and the page says so. */
	todo = g_ptr_array_new();
	if (g_mime_message_get_mime_part(msg) != NULL)
		g_ptr_array_add(todo, g_mime_message_get_mime_part(msg));
	while (todo->len > 0 && st == MA_OK) {
		GMimeObject *obj = g_ptr_array_steal_index(todo, todo->len - 1);
		size_t level =
		    (size_t)g_object_get_data(G_OBJECT(obj), "mailarc-level");

		if (GMIME_IS_MULTIPART(obj)) {
			GMimeMultipart *multi = GMIME_MULTIPART(obj);
			int count = g_mime_multipart_get_count(multi);

			if (level >= MIME_MAX_DEPTH) {
				m->parts_hidden +=
				    (size_t)(count > 0 ? count : 0);
				continue;
			}
			for (int i = count - 1; i >= 0; i--) {
				GMimeObject *c =
				    g_mime_multipart_get_part(multi, i);

				g_object_set_data(G_OBJECT(c), "mailarc-level",
						  (gpointer)(level + 1));
				g_ptr_array_add(todo, c);
			}
			continue;
		}
		if (nparts < MIME_MAX_PARTS)
			parts[nparts++] = obj;
		else
			m->parts_hidden++;
	}
	g_ptr_array_free(todo, TRUE);
	/* The first text/plain and text/html parts are the body; every
	 * other leaf part is listed as an attachment, and so is a body part
	 * that has a file name. */
	for (size_t i = 0; i < nparts && st == MA_OK; i++) {
		GMimeObject *obj = parts[i];
		enum part_kind kind = part_kind(obj);
		bool att = is_attachment(obj, kind != PART_OTHER);
		bool named = GMIME_IS_PART(obj) &&
			     g_mime_part_get_filename(GMIME_PART(obj)) != NULL;

		if (!att && kind == PART_PLAIN && plain == NULL) {
			plain = obj;
			if (named)
				st = add_attachment(m, obj);
			continue;
		}
		if (!att && kind == PART_HTML && html == NULL) {
			html = obj;
			if (named)
				st = add_attachment(m, obj);
			continue;
		}
		st = add_attachment(m, obj);
	}
	if (st == MA_OK) {
		GMimeObject *body = plain;

		if (html != NULL && (prefer_html || plain == NULL))
			body = html;
		m->has_alternative = plain != NULL && html != NULL;
		m->body_html = body != NULL && body == html;
		if (body != NULL && GMIME_IS_TEXT_PART(body))
			st = part_text(body, &m->body, &m->body_len);
		else if (body != NULL)
			st = part_bytes_text(body, &m->body, &m->body_len);
		else if ((m->body = strdup("")) == NULL)
			st = MA_ENOMEM;
	}
	g_object_unref(msg);
	if (st != MA_OK) {
		mime_free(m);
		return st;
	}
	*mp = m;
	return MA_OK;
}

enum ma_status
mime_parse_addrs(const char *header, struct mime_addr **ap, size_t *np)
{
	InternetAddressList *l;
	enum ma_status st;

	mime_init();
	l = internet_address_list_parse(NULL, header != NULL ? header : "");
	st = addrs_get(l, ap, np);
	if (l != NULL)
		g_object_unref(l);
	return st;
}

void
mime_addrs_free(struct mime_addr *a, size_t n)
{
	addrs_free(a, n);
}

enum ma_status
mime_header_has_addr(const char *hdr, size_t len, const char *addr, bool *hitp)
{
	static const char *const names[] = {
	    "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Delivered-To",
	};
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeHeaderList *list;
	enum ma_status st = MA_OK;
	bool hit = false;
	int count;

	mime_init();
	stream = g_mime_stream_mem_new();
	g_mime_stream_write(stream, hdr, len);
	/* The empty line that ends the header: the parser needs it. */
	g_mime_stream_write(stream, "\n\n", 2);
	g_mime_stream_reset(stream);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL)
		return MA_EDATA;
	list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	count = g_mime_header_list_get_count(list);
	for (int i = 0; i < count && !hit && st == MA_OK; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		InternetAddressList *l;
		struct mime_addr *a;
		size_t n;
		bool wanted = false;

		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			if (name != NULL &&
			    g_ascii_strcasecmp(name, names[k]) == 0)
				wanted = true;
		if (!wanted || raw == NULL)
			continue;
		l = internet_address_list_parse(NULL, raw);
		st = addrs_get(l, &a, &n);
		if (l != NULL)
			g_object_unref(l);
		if (st != MA_OK)
			break;
		for (size_t k = 0; k < n && !hit; k++)
			hit = g_ascii_strcasecmp(a[k].addr, addr) == 0;
		addrs_free(a, n);
	}
	g_object_unref(msg);
	if (st == MA_OK)
		*hitp = hit;
	return st;
}
