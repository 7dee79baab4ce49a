/* Hex digits: see hex.h. */
#include <string.h>

#include "hex.h"

static const char lower[] = "0123456789abcdef";
static const char upper[] = "0123456789ABCDEF";

static void
encode(const char *digits, const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void
hex_encode(const unsigned char *d, size_t n, char *out)
{
	encode(lower, d, n, out);
}

void
hex_encode_upper(const unsigned char *d, size_t n, char *out)
{
	encode(upper, d, n, out);
}

int
hex_value(char c, bool upper_case)
{
	const char *digits = upper_case ? upper : lower;
	const char *p = c != '\0' ? strchr(digits, c) : NULL;

	return p != NULL ? (int)(p - digits) : -1;
}

size_t
hex_span(const char *s)
{
	return strspn(s, lower);
}
