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

/* Read up to n bytes, fewer only at the end of the file; -1: error. */
static ssize_t
read_full(int fd, char *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* True when the files a and b hold the same bytes. */
bool
site_same_files(const char *a, const char *b)
{
	char x[32768], y[sizeof x];
	struct stat sa, sb;
	bool same = false;
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = -1;

	if (fa < 0 || (fb = open(b, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fa, &sa) != 0 || fstat(fb, &sb) != 0 ||
	    !S_ISREG(sb.st_mode) || sa.st_size != sb.st_size)
		goto out;
	for (;;) {
		ssize_t n = read_full(fa, x, sizeof x);

		if (n < 0 || read_full(fb, y, (size_t)n) != n ||
		    memcmp(x, y, (size_t)n) != 0)
			break;
		if (n == 0) {
			same = true;
			break;
		}
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}
