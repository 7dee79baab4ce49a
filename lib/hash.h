#ifndef MA_HASH_H
#define MA_HASH_H

#include <stddef.h>

#include "hex.h" /* the spelling of every digest */
#include "status.h"

/*
 * Hashes of content: the one module that uses OpenSSL's digests (the
 * identity of msg.c, attachments, OAuth seeds, file names), spelled in
 * hex by hex.h.
 */

/* "sha256:" and 64 lower-case hex digits. */
#define HASH_TAGGED_LEN (7 + 64)

/*
 * hash_sha256_tagged - "sha256:HEX" of n bytes at p into out
 * (HASH_TAGGED_LEN + 1 bytes). Should the digest fail (no memory in
 * OpenSSL), the hex is all zeros: never a partial or random value.
 */
void hash_sha256_tagged(const void *p, size_t n, char *out);

/* SHA-256 in lower-case hex: 64 digits. */
#define HASH_SHA256_HEX_LEN 64

/*
 * hash_sha256_hex - the SHA-256 of n bytes at p as 64 hex digits and a NUL
 * into out (HASH_SHA256_HEX_LEN + 1 bytes). MA_ENOMEM when OpenSSL fails
 * (out is then unchanged).
 */
enum ma_status hash_sha256_hex(const void *p, size_t n, char *out);

/*
 * A digest computed over data given in pieces. hash_begin() returns NULL
 * on ENOMEM; hash_end() writes the hex digest and a NUL into out (2 * the
 * digest's size + 1 bytes: HASH_SHA256_HEX_LEN + 1, or 41 for SHA-1),
 * frees h and returns MA_ENOMEM when OpenSSL failed. hash_end(NULL, out)
 * is MA_ENOMEM; hash_abort() frees h (NULL does nothing).
 */
enum hash_algo { HASH_SHA256, HASH_SHA1 };
struct hash;
struct hash *hash_begin(enum hash_algo algo);
void hash_update(struct hash *h, const void *p, size_t n);
enum ma_status hash_end(struct hash *h, char *out);
void hash_abort(struct hash *h);

#endif
