#ifndef MA_PKCE_H
#define MA_PKCE_H

#include <stddef.h>

#include "status.h"

/*
 * Proof Key for Code Exchange (RFC 7636) and the random strings of the
 * authorization flows, from OpenSSL's RAND and SHA-256.
 */

/* 32 random bytes give a 43-character verifier (RFC 7636 4.1). */
#define PKCE_VERIFIER_LEN 43
/* base64url of a SHA-256 digest, without padding. */
#define PKCE_CHALLENGE_LEN 43

struct pkce {
	char verifier[PKCE_VERIFIER_LEN + 1];
	char challenge[PKCE_CHALLENGE_LEN + 1]; /* S256 */
};

/*
 * base64url_encode - RFC 4648 5 without padding into out (NUL-terminated);
 * out must hold (n * 4 + 2) / 3 + 1 bytes. Returns the length written.
 */
size_t base64url_encode(const unsigned char *p, size_t n, char *out);

/* pkce_challenge_s256 - base64url(SHA-256(verifier)) into out. */
enum ma_status pkce_challenge_s256(const char *verifier,
				   char out[PKCE_CHALLENGE_LEN + 1]);

/* pkce_new - a fresh verifier and its S256 challenge. */
enum ma_status pkce_new(struct pkce *p);

/*
 * pkce_random_token - nbytes random bytes as base64url into out (the
 * "state" parameter); out holds (nbytes * 4 + 2) / 3 + 1 bytes.
 */
enum ma_status pkce_random_token(size_t nbytes, char *out);

/* pkce_wipe - zero the verifier (it is a secret until the code is spent). */
void pkce_wipe(struct pkce *p);

#endif
