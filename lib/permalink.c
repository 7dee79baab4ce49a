#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "path.h"
#include "permalink.h"

#define PERMALINK_KEEP 120

static int
keep_byte(unsigned char c, size_t pos)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	if (c == '.')
		return pos > 0;
	return c == '@' || c == '-' || c == '_' || c == '+';
}

enum ma_status
permalink_name(const char *msgid, char name[PERMALINK_NAME_MAX])
{
	char out[PERMALINK_LONG + 4];
	static const char hex[] = "0123456789ABCDEF";
	static const char lhex[] = "0123456789abcdef";
	size_t n = strlen(msgid), o = 0, cut = 0;
	const unsigned char *p = (const unsigned char *)msgid;

	if (n >= 2 && p[0] == '<' && p[n - 1] == '>') {
		p++;
		n -= 2;
	}
	if (n == 0)
		return MA_EDATA;
	for (size_t i = 0; i < n; i++) {
		size_t need = keep_byte(p[i], i) ? 1 : 3;

		if (o + need > PERMALINK_LONG) {
			o = PERMALINK_LONG + 1; /* too long: hash below */
			break;
		}
		if (o + need <= PERMALINK_KEEP)
			cut = o + need;
		if (need == 1) {
			out[o++] = (char)p[i];
		} else {
			out[o++] = '=';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 15];
		}
	}
	if (o > PERMALINK_LONG) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;

		if (!EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL))
			return MA_ENOMEM;
		o = cut;
		out[o++] = '=';
		out[o++] = '=';
		/* Lower case, as sha256sum(1) prints it. */
		for (size_t i = 0; i < 16; i++) {
			out[o++] = lhex[md[i] >> 4];
			out[o++] = lhex[md[i] & 15];
		}
	}
	out[o] = '\0';
	memcpy(name, out, o + 1);
	return MA_OK;
}

char *
permalink_path(const char *msgid)
{
	char name[PERMALINK_NAME_MAX];

	if (permalink_name(msgid, name) != MA_OK)
		return NULL;
	return path_fmt("m/%s.html", name);
}
