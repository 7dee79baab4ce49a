#ifndef MA_BUF_H
#define MA_BUF_H

#include <stddef.h>

#include "array.h" /* array_grow(), once declared here */
#include "status.h"

/*
 * A growable byte buffer with a maximum set at init. data is always
 * NUL-terminated (the NUL is not counted in len), so text can be read as a
 * C string. A buf_add() past max returns MA_ETOOBIG and leaves the buffer
 * as it was.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void buf_init(struct buf *b, size_t max);
/* buf_release - free the storage; the buf may be used again after init. */
void buf_release(struct buf *b);
/* buf_wipe_release - explicit_bzero the storage, then release (secrets). */
void buf_wipe_release(struct buf *b);
void buf_reset(struct buf *b);
enum ma_status buf_add(struct buf *b, const void *p, size_t n);
enum ma_status buf_adds(struct buf *b, const char *s);
enum ma_status buf_addc(struct buf *b, char c);
enum ma_status buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* buf_cstr - the contents as a C string ("" when empty; never NULL). */
const char *buf_cstr(const struct buf *b);
/*
 * buf_steal - hand the storage to the caller (malloc'd, NUL-terminated;
 * the caller frees it) and reset b. Returns NULL only on ENOMEM.
 */
char *buf_steal(struct buf *b);

#endif
