/*
 * Message files opened from their folder: raw_open() and raw_release()
 * (render_int.h), for raw.c's reads and versions.c's look at a file's
 * head alike.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render_int.h"

/*
 * The folder of the message file opened last, held open (O_PATH): a full
 * run opens each file of archive/cur/ three times (its date, its page,
 * its month's mbox), and the kernel walks the eight or so steps of its
 * path every time unless the open starts from the folder. One folder is
 * held at a time, replaced when a file is in another.
 */
static struct {
	char *dir;
	size_t len;
	int fd;
} held = {NULL, 0, -1};

void
raw_release(void)
{
	if (held.fd >= 0)
		close(held.fd);
	free(held.dir);
	held.dir = NULL;
	held.len = 0;
	held.fd = -1;
}

int
raw_open(const char *file)
{
	const char *slash = strrchr(file, '/');
	size_t n = slash != NULL ? (size_t)(slash - file) : 0;
	char *dir;
	int fd;

	if (n == 0)
		return open(file, O_RDONLY | O_CLOEXEC);
	if (held.dir == NULL || held.len != n ||
	    memcmp(held.dir, file, n) != 0) {
		if ((dir = strndup(file, n)) == NULL ||
		    (fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			free(dir);
			return open(file, O_RDONLY | O_CLOEXEC);
		}
		raw_release();
		held.dir = dir;
		held.len = n;
		held.fd = fd;
	}
	return openat(held.fd, slash + 1, O_RDONLY | O_CLOEXEC);
}
