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
char *
mime_raw_param(const char *raw, const char *name)
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

/* RFC 2231 3: sections of one parameter value, at most this many. */
#define SECTIONS_MAX 64

struct section {
	unsigned long idx;
	bool ext;      /* "name*N*=": charset'language' and %XX escapes */
	const char *v; /* the value as written, quotes included */
	size_t n;
};

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Append the value of section s to out (o bytes in, room for FNAME_MAX):
 * quotes and backslash escapes removed, %XX decoded in an extended one,
 * whose charset'language' prefix (section 0 only) goes to cs (room for
 * CS_MAX).
 */
#define CS_MAX 64
static size_t
add_section(const struct section *s, char *out, size_t o, char *cs)
{
	const char *v = s->v, *end = s->v + s->n;

	if (v < end && *v == '"') {
		v++;
		if (end > v && end[-1] == '"')
			end--;
	}
	if (s->ext && s->idx == 0) {
		const char *q1 = memchr(v, '\'', (size_t)(end - v));
		const char *q2 =
		    q1 != NULL ? memchr(q1 + 1, '\'', (size_t)(end - q1 - 1))
			       : NULL;

		if (q2 != NULL) {
			size_t k = (size_t)(q1 - v);

			if (k <= CS_MAX) {
				memcpy(cs, v, k);
				cs[k] = '\0';
			}
			v = q2 + 1;
		}
	}
	while (v < end && o < FNAME_MAX) {
		if (*v == '\\' && v + 1 < end && s->v[0] == '"') {
			out[o++] = v[1];
			v += 2;
		} else if (s->ext && *v == '%' && end - v >= 3 &&
			   hex_digit(v[1]) >= 0 && hex_digit(v[2]) >= 0) {
			out[o++] =
			    (char)(hex_digit(v[1]) << 4 | hex_digit(v[2]));
			v += 3;
		} else if (*v != '\r' && *v != '\n') {
			out[o++] = *v++;
		} else {
			v++;
		}
	}
	return o;
}

/*
 * The value of parameter name given in RFC 2231 sections (name*0=,
 * name*1*=, ...) in the raw field value raw, put together in the order
 * of their numbers, which RFC 2231 3 lets the sender write in any order
 * (gmime takes the charset only from a section 0 written first), and
 * decoded: in the charset section 0 names, else as raw header text with
 * fallback. malloc'd UTF-8; NULL when there are no sections (or on no
 * memory).
 */
static char *
sections_param(const char *raw, const char *name, const char *fallback)
{
	struct section sec[SECTIONS_MAX];
	size_t nl = strlen(name), ns = 0, o = 0;
	const char *p = raw;
	char cs[CS_MAX + 1] = "", *out, *r;

	while ((p = strchr(p, ';')) != NULL && ns < SECTIONS_MAX) {
		struct section s = {0};
		const char *q;
		bool dup = false;

		p++;
		while (blank(*p))
			p++;
		if (strncasecmp(p, name, nl) != 0 || p[nl] != '*')
			continue;
		q = p + nl + 1;
		if (*q < '0' || *q > '9')
			continue;
		for (; *q >= '0' && *q <= '9'; q++)
			if (s.idx < 100000)
				s.idx = s.idx * 10 + (unsigned long)(*q - '0');
		if ((s.ext = *q == '*'))
			q++;
		while (blank(*q))
			q++;
		if (*q++ != '=')
			continue;
		while (blank(*q))
			q++;
		s.v = q;
		if (*q == '"') {
			for (q++; *q && *q != '"'; q++)
				if (*q == '\\' && q[1] != '\0')
					q++;
			if (*q == '"')
				q++;
		} else {
			while (*q && *q != ';' && !blank(*q))
				q++;
		}
		s.n = (size_t)(q - s.v);
		for (size_t i = 0; i < ns; i++)
			dup = dup || sec[i].idx == s.idx;
		if (!dup)
			sec[ns++] = s;
	}
	if (ns == 0)
		return NULL;
	/* In the order of their numbers; a missing one is skipped. */
	for (size_t i = 1; i < ns; i++)
		for (size_t j = i; j > 0 && sec[j - 1].idx > sec[j].idx; j--) {
			struct section t = sec[j];

			sec[j] = sec[j - 1];
			sec[j - 1] = t;
		}
	if ((out = malloc(FNAME_MAX + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < ns; i++)
		o = add_section(&sec[i], out, o, cs);
	out[o] = '\0';
	if (cs[0] != '\0' && charset_known(cs))
		r = charset_to_utf8(cs, out, o, NULL);
	else
		r = charset_raw_header(out, o, fallback, NULL);
	free(out);
	return r;
}

/*
 * Whether raw holds parameter name in RFC 2231's extended form, in one
 * piece ("filename*=utf-8''r%C3%A9sum%C3%A9.pdf"): gmime reads it right.
 */
static bool
extended_param(const char *raw, const char *name)
{
	size_t nl = strlen(name);
	const char *p = raw;

	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (blank(*p))
			p++;
		if (strncasecmp(p, name, nl) != 0 || p[nl] != '*')
			continue;
		p += nl + 1;
		while (blank(*p))
			p++;
		if (*p == '=')
			return true;
	}
	return false;
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

		if (raw == NULL)
			continue;
		if ((r = sections_param(raw, where[i].param, fallback)) != NULL)
			return r;
		/* Content-Disposition's name comes before Content-Type's
		 * (RFC 2183): given as filename*=, gmime's reading stands. */
		if (extended_param(raw, where[i].param))
			return NULL;
		if ((v = mime_raw_param(raw, where[i].param)) == NULL)
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
