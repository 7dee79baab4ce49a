#ifndef MA_ARRAY_H
#define MA_ARRAY_H

#include <stddef.h>

/*
 * The one way an array of structs or pointers grows: doubling, with a
 * cap, and no overflow in the size computation (curl: every growable
 * buffer has a maximum). Byte buffers use buf.h.
 */

/* Largest array array_grow() makes, in bytes. */
#define ARRAY_BYTES_MAX ((size_t)1 << 40)

/*
 * array_grow - room for element n of an array v of size-byte elements
 * with *capp slots: v itself when n < *capp, else v realloc'd to twice the
 * slots (first when empty) and *capp updated. NULL when out of memory or
 * past ARRAY_BYTES_MAX (no overflow): v is then still valid (the caller
 * frees it) and *capp unchanged.
 */
void *array_grow(void *v, size_t *capp, size_t n, size_t size, size_t first);

/*
 * array_free_strs - free an owned array of n owned strings (or other
 * malloc'd pointers): each of v[0..n), then v. NULL v: nothing.
 */
void array_free_strs(char **v, size_t n);

#endif
