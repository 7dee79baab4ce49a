/*
 * libFuzzer over lib/charset.c: RFC 2047 header decoding and re-encoding,
 * raw 8-bit headers and charset conversion under labels picked by the
 * first byte. The oracle: every result is valid UTF-8 without a NUL byte,
 * of the length reported, and for printable ASCII input (where raw text
 * passes unchanged) re-encoding then decoding gives what decoding gave.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const labels[] = {
    NULL,	   "utf-8",	 "iso-2022-jp",	 "shift_jis",
    "euc-jp",	   "iso-8859-1", "us-ascii",	 "gb2312",
    "big5",	   "koi8-r",	 "x-unknown",	 "utf-7",
    "iso-2022-kr", "cp50220",	 "windows-1252", "utf-16",
};

static void
check(char *s, size_t n)
{
	if (s == NULL)
		abort();
	if (strlen(s) != n || !charset_is_utf8(s, n))
		abort();
}

static int
printable(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((p[i] < ' ' && p[i] != '\t') || p[i] >= 0x7f)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *label, *in;
	char *a, *b, *c;
	size_t n, an, bn, cn;

	if (size < 1)
		return 0;
	label = labels[data[0] % (sizeof labels / sizeof labels[0])];
	in = (const char *)data + 1;
	n = size - 1;
	a = charset_to_utf8(label, in, n, &an);
	check(a, an);
	free(a);
	a = charset_raw_header(in, n, label, &an);
	check(a, an);
	free(a);
	/* Header functions take C strings from gmime: no NUL inside. */
	if (memchr(in, '\0', n) != NULL)
		return 0;
	a = charset_decode_header(in, n, label, &an);
	b = charset_reencode_header(in, n, label, &bn);
	check(a, an);
	check(b, bn);
	c = charset_decode_header(b, bn, label, &cn);
	check(c, cn);
	if (printable(in, n) && (an != cn || memcmp(a, c, an) != 0))
		abort();
	free(a);
	free(b);
	free(c);
	return 0;
}
