/*
 * The message gmime is parsing, as its bytes: the file libnotmuch is
 * indexing (mime_index_source()) or the message in memory mime_parse()
 * parses (mime_source_memory()). The header and body wrappers
 * (mime_hooks.c, mime_fold.c, mime_lost.c) read it again at the offsets
 * gmime gives, for what gmime's own reading loses.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mime.h"
#include "mime_int.h"

/* The file libnotmuch is indexing, or the message mime_parse() parses. */
static char *source_path;
static const char *source_mem;
static size_t source_len;

/* source_path opened for mime_source_read(), once per file. */
static int source_fd = -1;

void
mime_index_source(const char *path)
{
	free(source_path);
	source_path = path != NULL ? strdup(path) : NULL;
	if (source_fd >= 0)
		close(source_fd);
	source_fd = -1;
}

void
mime_source_memory(const void *data, size_t len)
{
	source_mem = data;
	source_len = len;
}

size_t
mime_source_read(gint64 off, unsigned char *buf, size_t max)
{
	size_t got;
	ssize_t n;

	if (off < 0)
		return 0;
	if (source_mem != NULL) {
		got = (size_t)off < source_len ? source_len - (size_t)off : 0;
		if (got > max)
			got = max;
		if (got > 0)
			memcpy(buf, source_mem + off, got);
		return got;
	}
	if (source_path == NULL ||
	    (source_fd < 0 &&
	     (source_fd = open(source_path, O_RDONLY | O_CLOEXEC)) < 0))
		return 0;
	n = pread(source_fd, buf, max, (off_t)off);
	return n > 0 ? (size_t)n : 0;
}

bool
mime_source_known(void)
{
	return source_path != NULL || source_mem != NULL;
}

const char *
mime_source_path(void)
{
	return source_path;
}
