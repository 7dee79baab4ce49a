#ifndef MA_HASH_H
#define MA_HASH_H

#include <stddef.h>

/*
 * Hashes named in files: the one place, with msg.c's streaming identity,
 * that uses OpenSSL's digests for content, and the hex spelling they share.
 */

/* "sha256:" and 64 lower-case hex digits. */
#define HASH_TAGGED_LEN (7 + 64)

/* hex_encode - n bytes as 2n lower-case hex digits and a NUL into out. */
void hex_encode(const unsigned char *d, size_t n, char *out);

/*
 * hash_sha256_tagged - "sha256:HEX" of n bytes at p into out
 * (HASH_TAGGED_LEN + 1 bytes). Should the digest fail (no memory in
 * OpenSSL), the hex is all zeros: never a partial or random value.
 */
void hash_sha256_tagged(const void *p, size_t n, char *out);

#endif
