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

/*
 * The file's first bytes, read once: the header wrappers read each field
 * again at its offset (mime_fold.c does for every field), and the fields
 * of a message are near its start, so one read serves them all instead
 * of a pread(2) a field. head_whole: head holds the whole file.
 */
#define SOURCE_HEAD ((size_t)64 * 1024)
static unsigned char *head;
static size_t head_len;
static bool head_read, head_whole;

void
mime_index_source(const char *path)
{
	free(source_path);
	source_path = path != NULL ? strdup(path) : NULL;
	if (source_fd >= 0)
		close(source_fd);
	source_fd = -1;
	head_read = false;
	head_len = 0;
}

/* The open source file, or -1. */
static int
source_file(void)
{
	if (source_fd < 0 && source_path != NULL)
		source_fd = open(source_path, O_RDONLY | O_CLOEXEC);
	return source_fd;
}

/* The file's first bytes into head (once per file); false when there
 * is no file or no memory for them. */
static bool
source_head(void)
{
	ssize_t n;
	int fd;

	if (head_read)
		return head != NULL;
	head_read = true;
	head_len = 0;
	head_whole = false;
	if ((fd = source_file()) < 0 ||
	    (head == NULL && (head = malloc(SOURCE_HEAD)) == NULL))
		return false;
	n = pread(fd, head, SOURCE_HEAD, 0);
	head_len = n > 0 ? (size_t)n : 0;
	head_whole = n >= 0 && head_len < SOURCE_HEAD;
	return true;
}

const unsigned char *
mime_source_view(gint64 off, size_t max, size_t *np)
{
	const unsigned char *p;
	size_t len;

	*np = 0;
	if (off < 0)
		return NULL;
	if (source_mem != NULL) {
		p = (const unsigned char *)source_mem;
		len = source_len;
	} else if (source_path != NULL && source_head() &&
		   (head_whole || (size_t)off + max <= head_len)) {
		p = head;
		len = head_len;
	} else {
		return NULL;
	}
	if ((size_t)off >= len)
		return p + len;
	*np = len - (size_t)off < max ? len - (size_t)off : max;
	return p + off;
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
	const unsigned char *p = mime_source_view(off, max, &got);
	ssize_t n;

	if (p != NULL) {
		if (got > 0)
			memcpy(buf, p, got);
		return got;
	}
	if (off < 0 || source_file() < 0)
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
