/* Private to lib/charset*.c. */
#ifndef MA_CHARSET_INT_H
#define MA_CHARSET_INT_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/*
 * charset_jis_to_cp932 - ISO-2022-JP in s[0..n) appended to out as CP932
 * bytes (charset_jis.c): JIS X 0208 to Shift_JIS arithmetically, the
 * half-width katakana of "ESC ( I", SO/SI and raw A1-DF as they are,
 * byte A0 (no CP932 character) for what it cannot read. MA_ENOMEM or
 * MA_ETOOBIG from out.
 */
enum ma_status charset_jis_to_cp932(const unsigned char *s, size_t n,
				    struct buf *out);

#endif
