#ifndef MA_HEX_H
#define MA_HEX_H

#include <stddef.h>

/* The one hex encoder: digests and identities are spelled with it. */

/* hex_encode - n bytes as 2n lower-case hex digits and a NUL into out. */
void hex_encode(const unsigned char *d, size_t n, char *out);

#endif
