#ifndef MA_TESTUTIL_H
#define MA_TESTUTIL_H

/* Shared by the cmocka tests: each test gets its own mkdtemp folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* tu_tmpdir - a fresh folder under $TMPDIR (or /tmp); removed by
 * tu_rmdir(). The string is static per call site's buffer. */
char *tu_tmpdir(void);
void tu_rmdir(char *dir);
/* tu_write - create a file with text content and mode. */
void tu_write(const char *path, const char *text, unsigned mode);
/* tu_count - entries (not dot files) in a folder, -1 if it is missing. */
int tu_count(const char *dir);
/* tu_slurp - the text of dir/rel (caller frees), NULL when there is no
 * such file. */
char *tu_slurp(const char *dir, const char *rel);
/* tu_heap_now - the bytes allocated and not freed (AddressSanitizer's
 * count, else glibc's mallinfo2()), for tests that bound memory. */
size_t tu_heap_now(void);

#endif
