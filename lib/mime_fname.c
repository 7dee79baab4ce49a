/*
 * File names written in raw 8-bit or ISO-2022-JP into Content-Disposition
 * and Content-Type (older Japanese and Chinese mailers do; RFC 2231 and
 * RFC 2047 are the rules they ignore): gmime reads such bytes in a
 * charset of its guessing and drops what does not fit, so the name is
 * read again from the raw field, as charset.c reads raw header text,
 * with the charset of the message's text as the fallback.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mime_int.h"

/* Bytes of a parameter value read. */
#define FNAME_MAX 4096

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The value of parameter name in the raw field value raw, as written
 * (quotes and backslash escapes removed), malloc'd; NULL when absent,
 * RFC 2231 encoded (name*=), or on no memory.
 */
static char *
raw_param(const char *raw, const char *name)
{
	size_t nl = strlen(name);
	const char *p = raw;

	while ((p = strchr(p, ';')) != NULL) {
		const char *v;
		char *out;
		size_t o = 0;

		p++;
		while (blank(*p))
			p++;
		if (strncasecmp(p, name, nl) != 0)
			continue;
		v = p + nl;
		while (blank(*v))
			v++;
		if (*v != '=')
			continue;
		v++;
		while (blank(*v))
			v++;
		if ((out = malloc(FNAME_MAX + 1)) == NULL)
			return NULL;
		if (*v == '"') {
			for (v++; *v && *v != '"' && o < FNAME_MAX; v++) {
				if (*v == '\\' && v[1] != '\0')
					v++;
				if (*v != '\r' && *v != '\n')
					out[o++] = *v;
			}
		} else {
			while (*v && *v != ';' && !blank(*v) && o < FNAME_MAX)
				out[o++] = *v++;
		}
		out[o] = '\0';
		return out;
	}
	return NULL;
}

/* Whether s holds what gmime misreads: 8-bit bytes or an ESC. */
static bool
needs_reading(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p == 0x1b)
			return true;
	return false;
}

char *
mime_raw_filename(GMimeObject *obj, const char *fallback)
{
	static const struct {
		const char *field, *param;
	} where[] = {
	    {"Content-Disposition", "filename"},
	    {"Content-Type", "name"},
	};
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);

	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
		GMimeHeader *h =
		    hl != NULL
			? g_mime_header_list_get_header(hl, where[i].field)
			: NULL;
		const char *raw =
		    h != NULL ? g_mime_header_get_raw_value(h) : NULL;
		char *v, *r;

		if (raw == NULL || (v = raw_param(raw, where[i].param)) == NULL)
			continue;
		if (!needs_reading(v) || v[0] == '\0') {
			free(v);
			return NULL; /* gmime's reading stands */
		}
		r = charset_decode_header(v, strlen(v), fallback, NULL);
		free(v);
		return r;
	}
	return NULL;
}
