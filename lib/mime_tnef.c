/*
 * Files and text inside an Outlook TNEF part (application/ms-tnef,
 * "winmail.dat"; [MS-OXTNEF]): Outlook and Exchange send a message's
 * attachments, and sometimes its only text, inside it, so a page showed
 * one opaque winmail.dat and "no text". Each file it carries becomes an
 * attachment of its own after it, and its text (attBody) is the body of
 * a message that has none. The winmail.dat part itself stays listed (its
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

#include <gio/gio.h>

#include "charset.h"
#include "mime_int.h"

#define TNEF_SIGNATURE	     0x223e9f78u
#define ATT_BODY	     0x0002800cu /* the message's text */
#define ATT_OEM_CODEPAGE     0x00069007u /* codepage of 8-bit strings */
#define ATT_ATTACH_REND_DATA 0x00069002u /* a new attachment starts */
#define ATT_ATTACH_TITLE     0x00018010u /* its file name */
#define ATT_ATTACH_DATA	     0x0006800fu /* its bytes */

/* Files taken from one TNEF part. */
#define TNEF_MAX_FILES 100

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* One attachment being read: borrowed pointers into the stream. */
struct tnef_file {
	const unsigned char *name, *data;
	size_t name_len, data_len;
	bool open;
};

/* An 8-bit string of the stream (NUL-terminated or not) as UTF-8, in
 * the stream's codepage; NULL on no memory. */
static char *
tnef_string(const unsigned char *p, size_t n, uint32_t codepage)
{
	char label[32];
	int k;

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
	struct mime_att *a;
	gboolean uncertain;
	gchar *ct, *type;
	char *name;

	if ((name = tnef_string(f->name, f->name_len, codepage)) == NULL)
		return MA_ENOMEM;
	for (char *s = name; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == '/' || *s == '\\')
			*s = '_';
	if ((a = mime_att_new(m)) == NULL) {
		free(name);
		return MA_ENOMEM;
	}
	/* The type by the name and the bytes, as mime_uu.c guesses it. */
	ct = g_content_type_guess(name, f->data, f->data_len, &uncertain);
	type = ct != NULL ? g_content_type_get_mime_type(ct) : NULL;
	g_free(ct);
	a->type = strdup(
	    type != NULL && !uncertain ? type : "application/octet-stream");
	g_free(type);
	a->filename = name[0] != '\0' ? name : NULL;
	if (a->filename == NULL)
		free(name);
	a->size = f->data_len;
	a->data = malloc(f->data_len > 0 ? f->data_len : 1);
	if (a->type == NULL || a->data == NULL)
		return mime_att_end(m, a, MA_ENOMEM);
	if (f->data_len > 0)
		memcpy(a->data, f->data, f->data_len);
	return mime_att_end(m, a, MA_OK);
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
body_text(const unsigned char *p, size_t n, uint32_t codepage, char **tp)
{
	char *t;
	size_t k, r;

	*tp = NULL;
	if ((t = tnef_string(p, n, codepage)) == NULL)
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

/*
 * The TNEF stream s[0..n): its files added to m (m NULL: not read), its
 * text (attBody) into *textp (NULL when none).
 */
static enum ma_status
tnef_read(struct mime_msg *m, const unsigned char *s, size_t n, char **textp)
{
	struct tnef_file f = {0};
	const unsigned char *body = NULL;
	size_t pos = 6, files = 0, body_len = 0;
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
			body = d, body_len = len;
		else if (id == ATT_ATTACH_REND_DATA && m != NULL) {
			st = close_file(m, &f, codepage, &files);
			f.open = true;
		} else if (id == ATT_ATTACH_TITLE && f.open)
			f.name = d, f.name_len = len;
		else if (id == ATT_ATTACH_DATA && f.open)
			f.data = d, f.data_len = len;
	}
	if (st == MA_OK && m != NULL)
		st = close_file(m, &f, codepage, &files);
	if (st == MA_OK && body != NULL)
		st = body_text(body, body_len, codepage, textp);
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
		st = tnef_read(m, m->att[i].data, m->att[i].size, &text);
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
mime_tnef_text(const void *data, size_t n)
{
	char *text = NULL;

	return tnef_read(NULL, data, n, &text) == MA_OK ? text : NULL;
}
