/* Hashes of content: see hash.h. OpenSSL's EVP digests, and only here. */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

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

/* SHA-256 fetched once: EVP_sha256() makes OpenSSL look the algorithm
 * up on every digest, a good part of the cost of hashing a short name
 * (the renderer hashes one per link). NULL: use EVP_sha256(). */
static const EVP_MD *
sha256_md(void)
{
	static EVP_MD *md;
	static bool tried;

	if (!tried) {
		tried = true;
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
	}
	return md != NULL ? md : EVP_sha256();
}

enum ma_status
hash_sha256_hex(const void *p, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(p, n, md, &mdlen, sha256_md(), NULL) != 1 || mdlen != 32)
		return MA_ENOMEM;
	hex_encode(md, 32, out);
	return MA_OK;
}

struct hash {
	EVP_MD_CTX *ctx;
	bool failed;
};

struct hash *
hash_begin(enum hash_algo algo)
{
	struct hash *h = calloc(1, sizeof *h);

	if (h == NULL)
		return NULL;
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx,
			      algo == HASH_SHA1 ? EVP_sha1() : EVP_sha256(),
			      NULL) != 1) {
		hash_abort(h);
		return NULL;
	}
	return h;
}

void
hash_update(struct hash *h, const void *p, size_t n)
{
	if (EVP_DigestUpdate(h->ctx, p, n) != 1)
		h->failed = true;
}

enum ma_status
hash_end(struct hash *h, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	enum ma_status st = MA_ENOMEM;

	if (h == NULL)
		return MA_ENOMEM;
	if (!h->failed && EVP_DigestFinal_ex(h->ctx, md, &mdlen) == 1) {
		hex_encode(md, mdlen, out);
		st = MA_OK;
	}
	hash_abort(h);
	return st;
}

void
hash_abort(struct hash *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}
