/*
 * Files and text inside an Outlook TNEF part (application/ms-tnef,
 * "winmail.dat"; [MS-OXTNEF]): Outlook and Exchange send a message's
 * attachments, and sometimes its only text, inside it, so a page showed
 * one opaque winmail.dat and "no text". Each file it carries becomes an
 * attachment of its own after it, and its text (attBody, else PR_BODY,
 * else the compressed RTF, mime_rtf.c) is the body of a message that has
 * none. The winmail.dat part itself stays listed (its
 * URL is unchanged). A stream that is cut short or malformed gives what
 * was read whole before the damage.
 *
 * The stream: a signature 78 9F 3E 22, a 2-byte key, then attributes,
 * each a level byte (1 message, 2 attachment), a 4-byte id (type in the
 * high 16 bits), a 4-byte length, the data and a 2-byte checksum; all
 * little-endian. attAttachRendData starts each attachment; its name is
 * attAttachTitle (in the codepage attOemCodepage gives) and its bytes
 * attAttachData.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mime_int.h"

#define TNEF_SIGNATURE	     0x223e9f78u
#define ATT_BODY	     0x0002800cu /* the message's text */
#define ATT_OEM_CODEPAGE     0x00069007u /* codepage of 8-bit strings */
#define ATT_ATTACH_REND_DATA 0x00069002u /* a new attachment starts */
#define ATT_ATTACH_TITLE     0x00018010u /* its file name */
#define ATT_ATTACH_DATA	     0x0006800fu /* its bytes */
#define ATT_MAPI_PROPS	     0x00069003u /* the message's MAPI properties */
#define ATT_ATTACHMENT	     0x00069005u /* an attachment's MAPI properties */

/* MAPI properties read ([MS-OXPROPS]) and the types of their values. */
#define PR_BODY			0x1000u /* the message's text */
#define PR_ATTACH_LONG_FILENAME 0x3707u
#define PR_RTF_COMPRESSED	0x1009u /* the text as compressed RTF */
#define PT_BINARY		0x0102u
#define PT_STRING8		0x001eu
#define PT_UNICODE		0x001fu

/* Files taken from one TNEF part. */
#define TNEF_MAX_FILES 100

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A string of the stream: borrowed, 8-bit in the stream's codepage or
 * UTF-16LE (wide). */
struct tnef_str {
	const unsigned char *p;
	size_t n;
	bool wide;
};

/* One attachment being read: borrowed pointers into the stream. */
struct tnef_file {
	struct tnef_str name, long_name;
	const unsigned char *data;
	size_t data_len;
	bool open;
};

/* A string of the stream (NUL-terminated or not) as UTF-8, in the
 * stream's codepage unless wide; NULL on no memory. */
static char *
tnef_string(const struct tnef_str *str, uint32_t codepage)
{
	const unsigned char *p = str->p;
	size_t n = str->n;
	char label[32];
	int k;

	if (str->wide) {
		n &= ~(size_t)1;
		while (n >= 2 && p[n - 1] == '\0' && p[n - 2] == '\0')
			n -= 2;
		return charset_to_utf8("UTF-16LE", p, n, NULL);
	}
	while (n > 0 && p[n - 1] == '\0')
		n--;
	k = codepage == 932 ? snprintf(label, sizeof label, "CP932")
	    : codepage != 0
		? snprintf(label, sizeof label, "CP%u", (unsigned)codepage)
		: snprintf(label, sizeof label, "windows-1252");
	if (k < 0 || (size_t)k >= sizeof label)
		label[0] = '\0';
	return charset_to_utf8(label[0] != '\0' ? label : NULL, p, n, NULL);
}

static enum ma_status
add_file(struct mime_msg *m, const struct tnef_file *f, uint32_t codepage)
{
	struct buf data;
	char *name;
	enum ma_status st;

	name = tnef_string(f->long_name.p != NULL ? &f->long_name : &f->name,
			   codepage);
	if (name == NULL)
		return MA_ENOMEM;
	for (char *s = name; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == '/' || *s == '\\')
			*s = '_';
	buf_init(&data, (size_t)-1 / 2);
	st = buf_add(&data, f->data, f->data_len);
	/* The type by the name and the bytes, as for uuencoded files. */
	if (st == MA_OK)
		st = mime_att_file(m, name, &data);
	buf_release(&data);
	free(name);
	return st;
}

/* The attachment read so far, if it has bytes, as a file of m. */
static enum ma_status
close_file(struct mime_msg *m, struct tnef_file *f, uint32_t codepage,
	   size_t *files)
{
	enum ma_status st = MA_OK;

	if (f->open && f->data != NULL && *files < TNEF_MAX_FILES) {
		st = add_file(m, f, codepage);
		++*files;
	}
	memset(f, 0, sizeof *f);
	return st;
}

/* attBody's text in UTF-8 with LF line ends (Outlook writes CRLF, the
 * rest of a page has LF); *tp NULL when it is blank. MA_ENOMEM. */
static enum ma_status
body_text(const struct tnef_str *str, uint32_t codepage, char **tp)
{
	char *t;
	size_t k, r;

	*tp = NULL;
	if ((t = tnef_string(str, codepage)) == NULL)
		return MA_ENOMEM;
	if (t[strspn(t, " \t\r\n")] == '\0') {
		free(t);
		return MA_OK;
	}
	for (k = r = 0; t[r] != '\0'; r++)
		if (t[r] != '\r' || t[r + 1] != '\n')
			t[k++] = t[r];
	t[k] = '\0';
	*tp = t;
	return MA_OK;
}

/* Bytes of a fixed-size MAPI value, 0 for a type not known here. */
static size_t
mapi_fixed_size(unsigned type)
{
	switch (type) {
	case 0x0002: /* PT_SHORT, padded */
	case 0x0003: /* PT_LONG */
	case 0x0004: /* PT_FLOAT */
	case 0x000a: /* PT_ERROR */
	case 0x000b: /* PT_BOOLEAN, padded */
		return 4;
	case 0x0005: /* PT_DOUBLE */
	case 0x0006: /* PT_CURRENCY */
	case 0x0007: /* PT_APPTIME */
	case 0x0014: /* PT_I8 */
	case 0x0040: /* PT_SYSTIME */
		return 8;
	case 0x0048: /* PT_CLSID */
		return 16;
	default:
		return 0;
	}
}

/* A named property's GUID, kind and name ([MS-OXTNEF] 2.1.3.4) at
 * s[*pos..n) skipped; false when it does not fit. */
static bool
mapi_skip_name(const unsigned char *s, size_t n, size_t *pos)
{
	uint32_t kind, len;

	if (n - *pos < 24)
		return false;
	kind = le32(s + *pos + 16);
	len = le32(s + *pos + 20);
	*pos += kind == 0 ? 24 : 24 + ((size_t)len + 3) / 4 * 4;
	return (kind == 0 || kind == 1) && *pos <= n && len <= n;
}

/*
 * The string property want of the MAPI property list s[0..n) into
 * *out, when it is there, single-valued, PT_STRING8 or PT_UNICODE. The
 * list is read only as far as its types are known.
 */
static void
mapi_string(const unsigned char *s, size_t n, unsigned want,
	    struct tnef_str *out)
{
	size_t pos = 4;
	uint32_t count = n >= 4 ? le32(s) : 0;

	for (uint32_t i = 0; i < count && n - pos >= 4; i++) {
		unsigned type = s[pos] | (unsigned)s[pos + 1] << 8;
		unsigned id = s[pos + 2] | (unsigned)s[pos + 3] << 8;
		unsigned base = type & 0x0fffu;
		bool var = base == PT_STRING8 || base == PT_UNICODE ||
			   base == 0x0102u || base == 0x000du;
		uint32_t vals = 1;

		pos += 4;
		if (id >= 0x8000u && !mapi_skip_name(s, n, &pos))
			return;
		if (var || (type & 0x1000u)) {
			if (n - pos < 4)
				return;
			vals = le32(s + pos);
			pos += 4;
		}
		for (uint32_t v = 0; v < vals; v++) {
			size_t len = var ? 0 : mapi_fixed_size(base);

			if ((var && n - pos < 4) || (!var && len == 0))
				return;
			if (var) {
				len = le32(s + pos);
				pos += 4;
			}
			if (len > n - pos)
				return;
			if (id == want && vals == 1 && !(type & 0x1000u) &&
			    (base == PT_STRING8 || base == PT_UNICODE ||
			     base == PT_BINARY))
				*out = (struct tnef_str){s + pos, len,
							 base == PT_UNICODE};
			pos += var ? (len + 3) / 4 * 4 : len;
			if (pos > n)
				return;
		}
	}
}

/*
 * The TNEF stream s[0..n): its files added to m (m NULL: not read), its
 * text (attBody, else PR_BODY, else with rtf_ok its compressed RTF) into
 * *textp (NULL when none).
 */
static enum ma_status
tnef_read(struct mime_msg *m, const unsigned char *s, size_t n, bool rtf_ok,
	  char **textp)
{
	struct tnef_file f = {0};
	struct tnef_str body = {0}, prop_body = {0}, rtf = {0};
	size_t pos = 6, files = 0;
	uint32_t codepage = 0;
	enum ma_status st = MA_OK;

	*textp = NULL;
	if (n < 6 || le32(s) != TNEF_SIGNATURE)
		return MA_OK;
	while (st == MA_OK && n - pos >= 9) {
		unsigned level = s[pos];
		uint32_t id = le32(s + pos + 1), len = le32(s + pos + 5);
		const unsigned char *d = s + pos + 9;

		if ((level != 1 && level != 2) || len > n - pos - 9 ||
		    n - pos - 9 - len < 2)
			break; /* damaged or cut short: keep what was whole */
		pos += 9 + (size_t)len + 2;
		if (id == ATT_OEM_CODEPAGE && len >= 4)
			codepage = le32(d);
		else if (id == ATT_BODY && level == 1)
			body = (struct tnef_str){d, len, false};
		else if (id == ATT_MAPI_PROPS && level == 1) {
			mapi_string(d, len, PR_BODY, &prop_body);
			mapi_string(d, len, PR_RTF_COMPRESSED, &rtf);
		} else if (id == ATT_ATTACH_REND_DATA && m != NULL) {
			st = close_file(m, &f, codepage, &files);
			f.open = true;
		} else if (id == ATT_ATTACH_TITLE && f.open)
			f.name = (struct tnef_str){d, len, false};
		else if (id == ATT_ATTACHMENT && f.open)
			mapi_string(d, len, PR_ATTACH_LONG_FILENAME,
				    &f.long_name);
		else if (id == ATT_ATTACH_DATA && f.open)
			f.data = d, f.data_len = len;
	}
	if (st == MA_OK && m != NULL)
		st = close_file(m, &f, codepage, &files);
	if (st == MA_OK && (body.p != NULL || prop_body.p != NULL))
		st = body_text(body.p != NULL ? &body : &prop_body, codepage,
			       textp);
	else if (st == MA_OK && rtf.p != NULL && rtf_ok)
		*textp = mime_rtf_text(rtf.p, rtf.n); /* NULL: none */
	return st;
}

static bool
is_tnef(const struct mime_att *a)
{
	return strcmp(a->type, "application/ms-tnef") == 0 ||
	       strcmp(a->type, "application/vnd.ms-tnef") == 0 ||
	       (a->filename != NULL &&
		strcasecmp(a->filename, "winmail.dat") == 0);
}

enum ma_status
mime_tnef_extract(struct mime_msg *m)
{
	size_t natt = m->natt;
	enum ma_status st = MA_OK;

	/* Only the parts of the message itself, not the files added. */
	for (size_t i = 0; i < natt && st == MA_OK; i++) {
		char *text = NULL;

		if (!is_tnef(&m->att[i]))
			continue;
		st = tnef_read(m, m->att[i].data, m->att[i].size,
			       m->body_len == 0, &text);
		if (st == MA_OK && text != NULL && m->body_len == 0) {
			free(m->body);
			m->body = text;
			m->body_len = strlen(text);
			m->body_html = false;
			text = NULL;
		}
		free(text);
	}
	return st;
}

char *
mime_tnef_text(const void *data, size_t n, bool rtf)
{
	char *text = NULL;

	return tnef_read(NULL, data, n, rtf, &text) == MA_OK ? text : NULL;
}
