/*
 * Comparing what the site would write with what it holds, so that an
 * unchanged file is left alone (site.c). Private to the site family
 * (site_int.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site_int.h"

/* True when path holds exactly data: rewriting it would change nothing. */
bool
site_same_content(const char *path, const void *data, size_t len)
{
	struct stat sb;
	char chunk[65536];
	size_t off = 0;
	bool same = true;
	int fd;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size != len)
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	while (same && off < len) {
		ssize_t n =
		    read(fd, chunk,
			 len - off < sizeof chunk ? len - off : sizeof chunk);

		if (n <= 0)
			same = false;
		else if (memcmp(chunk, (const char *)data + off, (size_t)n) !=
			 0)
			same = false;
		else
			off += (size_t)n;
	}
	close(fd);
	return same;
}
