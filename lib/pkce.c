#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "log.h"
#include "pkce.h"

size_t
base64url_encode(const unsigned char *p, size_t n, char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 |
				  (unsigned long)p[i + 1] << 8 | p[i + 2];

		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = abc[(v >> 6) & 63];
		out[o++] = abc[v & 63];
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)p[i] << 16;

		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
	} else if (n - i == 2) {
		unsigned long v =
		    (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8;

		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = abc[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

enum ma_status
pkce_challenge_s256(const char *verifier, char out[PKCE_CHALLENGE_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(verifier, strlen(verifier), md, &mdlen, EVP_sha256(),
		       NULL) != 1 ||
	    mdlen != 32) {
		log_err("cannot compute SHA-256 for the PKCE challenge");
		return MA_EIO;
	}
	base64url_encode(md, mdlen, out);
	return MA_OK;
}

enum ma_status
pkce_random_token(size_t nbytes, char *out)
{
	unsigned char r[64];

	if (nbytes > sizeof r)
		return MA_ETOOBIG;
	if (RAND_bytes(r, (int)nbytes) != 1) {
		log_err("cannot get random bytes from OpenSSL");
		return MA_EIO;
	}
	base64url_encode(r, nbytes, out);
	explicit_bzero(r, sizeof r);
	return MA_OK;
}

enum ma_status
pkce_new(struct pkce *p)
{
	enum ma_status st;

	if ((st = pkce_random_token(32, p->verifier)) != MA_OK)
		return st;
	return pkce_challenge_s256(p->verifier, p->challenge);
}

void
pkce_wipe(struct pkce *p)
{
	explicit_bzero(p, sizeof *p);
}
