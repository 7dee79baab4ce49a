/*
 * render_heap_now(): the bytes the process has allocated and not freed,
 * for MAILARC_RENDER_STATS (run.c): the tests that hold what a full run
 * keeps per message bounded compare it between archives of two sizes.
 * Under AddressSanitizer its allocator counts them (its public interface,
 * declared here: gcc does not install the header); otherwise glibc's
 * mallinfo2().
 */
#include <stddef.h>

#include "render_int.h"

#ifdef __SANITIZE_ADDRESS__
size_t __sanitizer_get_current_allocated_bytes(void);

size_t
render_heap_now(void)
{
	return __sanitizer_get_current_allocated_bytes();
}
#else
#include <malloc.h>

size_t
render_heap_now(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}
#endif
