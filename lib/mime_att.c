/* An attachment's slot in a parsed message, taken and ended: see
 * mime_int.h. Shared by the MIME walk (mime.c) and the decoders of files
 * inside parts (mime_uu.c, mime_yenc.c, mime_tnef.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gio/gio.h>

#include "charset.h"
#include "hash.h"
#include "mime_int.h"

struct mime_att *
mime_att_new(struct mime_msg *m)
{
	struct mime_att *na = realloc(m->att, (m->natt + 1) * sizeof *na);

	if (na == NULL)
		return NULL;
	m->att = na;
	memset(&na[m->natt], 0, sizeof *na);
	return &na[m->natt];
}

char *
mime_att_name(const char *name, const char *cs)
{
	size_t n = strlen(name);

	if (charset_is_utf8(name, n))
		return strdup(name);
	/* Not UTF-8, whatever the text's label says. */
	if (cs != NULL &&
	    (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0))
		cs = NULL;
	return charset_to_utf8(cs, name, n, NULL);
}

enum ma_status
mime_att_end(struct mime_msg *m, struct mime_att *a, enum ma_status st)
{
	char *u;

	/* Whatever read it, a name shown is UTF-8. */
	if (st == MA_OK && a->filename != NULL &&
	    !charset_is_utf8(a->filename, strlen(a->filename))) {
		if ((u = mime_att_name(a->filename, NULL)) == NULL)
			st = MA_ENOMEM;
		free(a->filename);
		a->filename = u;
	}
	if (st == MA_OK)
		st = hash_sha256_hex(a->data, a->size, a->sha256);
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

enum ma_status
mime_att_file(struct mime_msg *m, const char *name, struct buf *data)
{
	struct mime_att *a;
	gboolean uncertain;
	gchar *ct, *type;

	if ((a = mime_att_new(m)) == NULL)
		return MA_ENOMEM;
	/* The type by the name and the bytes, as a file manager guesses. */
	ct = g_content_type_guess(name, (const guchar *)data->data, data->len,
				  &uncertain);
	type = ct != NULL ? g_content_type_get_mime_type(ct) : NULL;
	g_free(ct);
	a->type = strdup(
	    type != NULL && !uncertain ? type : "application/octet-stream");
	g_free(type);
	a->filename = name[0] != '\0' ? strdup(name) : NULL;
	a->size = data->len;
	a->data = data->len > 0 ? buf_steal(data) : malloc(1);
	if (a->type == NULL || (name[0] != '\0' && a->filename == NULL) ||
	    a->data == NULL)
		return mime_att_end(m, a, MA_ENOMEM);
	return mime_att_end(m, a, MA_OK);
}
