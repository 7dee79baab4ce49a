#ifndef MA_HEX_H
#define MA_HEX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The one hex encoder: digests and identities are spelled with it, and
 * message names escape bytes with it (upper case, "=XX").
 */

/* hex_encode - n bytes as 2n lower-case hex digits and a NUL into out. */
void hex_encode(const unsigned char *d, size_t n, char *out);

/* hex_encode_upper - the same in upper-case digits. */
void hex_encode_upper(const unsigned char *d, size_t n, char *out);

/*
 * hex_value - the value of digit c in the given case (0 to 15), or -1 when
 * c is not a hex digit of that case.
 */
int hex_value(char c, bool upper);

/* hex_span - how many leading bytes of s are lower-case hex digits. */
size_t hex_span(const char *s);

#endif
