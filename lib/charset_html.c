/*
 * The charset an HTML part names in a <meta> tag, for the parts whose own
 * label is missing or wrong (charset.h, charset_html_label()).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"

/* The longest label read. */
#define CHARSET_NAME_MAX 64

/* HTML's prescan looks this far for a <meta> that names the encoding. */
#define META_SCAN 1024

/* The label after "charset=" at p (up to end), into name; false if none. */
static bool
meta_label(const char *p, const char *end, char name[CHARSET_NAME_MAX + 1])
{
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\''))
		p++;
	while (p < end && n < CHARSET_NAME_MAX &&
	       (isalnum((unsigned char)*p) || strchr("-_.:", *p) != NULL))
		name[n++] = *p++;
	name[n] = '\0';
	return n > 0;
}

/*
 * The encoding a <meta> tag in the first META_SCAN bytes names (HTML
 * 13.2.3.2, simplified): <meta charset=X> or <meta http-equiv=...
 * content="text/html; charset=X">.
 */
static bool
html_meta(const char *in, size_t n, char name[CHARSET_NAME_MAX + 1])
{
	const char *end = in + (n < META_SCAN ? n : META_SCAN);

	for (const char *p = in; p + 5 < end; p++) {
		const char *tag_end, *q;

		if (p[0] != '<' || strncasecmp(p + 1, "meta", 4) != 0)
			continue;
		tag_end = memchr(p, '>', (size_t)(end - p));
		if (tag_end == NULL)
			tag_end = end;
		for (q = p + 5; q + 8 <= tag_end; q++)
			if (strncasecmp(q, "charset", 7) == 0) {
				const char *v = q + 7;

				while (v < tag_end && (*v == ' ' || *v == '\t'))
					v++;
				if (v < tag_end && *v == '=' &&
				    meta_label(v + 1, tag_end, name))
					return true;
			}
	}
	return false;
}

/* US-ASCII by one of its names, and 8-bit bytes in p[0..n). */
static bool
ascii_over_8bit(const char *charset, const unsigned char *p, size_t n)
{
	while (charset != NULL && (*charset == ' ' || *charset == '"'))
		charset++;
	if (charset == NULL || (strncasecmp(charset, "us-ascii", 8) != 0 &&
				strncasecmp(charset, "ascii", 5) != 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 0x80)
			return true;
	return false;
}

char *
charset_html_label(const char *charset, const void *in, size_t n)
{
	char name[CHARSET_NAME_MAX + 1];

	/* The label of the part wins (HTML: the transport layer does),
	 * unless it is none, one we cannot read, or US-ASCII over 8-bit
	 * bytes. */
	if (charset_known(charset) && !ascii_over_8bit(charset, in, n))
		return NULL;
	if (!html_meta(in, n, name) || !charset_known(name))
		return NULL;
	return strdup(name);
}
