/* Hashes named in files: see hash.h. */
#include <openssl/evp.h>
#include <string.h>

#include "hash.h"

void
hex_encode(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void
hash_sha256_tagged(const void *p, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memcpy(out, "sha256:", 7);
	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		memset(out + 7, '0', 64);
		out[HASH_TAGGED_LEN] = '\0';
		return;
	}
	hex_encode(md, 32, out + 7);
}
