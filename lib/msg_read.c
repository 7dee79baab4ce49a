/*
 * A message file read whole, in one system call, for msg_open(): the
 * identity pass and gmime's is-it-mail check then read the same bytes
 * from memory instead of opening and reading the file twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "msg_int.h"

enum ma_status
msg_read_small(const char *path, size_t max, char **datap, size_t *lenp)
{
	struct stat sb;
	char *data = NULL;
	ssize_t n = 0;
	size_t size;
	int fd, e;

	*datap = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		log_err("cannot open message '%s': %s", path, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	if (fstat(fd, &sb) != 0) {
		e = errno;
		close(fd);
		log_err("cannot open message '%s': %s", path, strerror(e));
		return MA_EIO;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    (unsigned long long)sb.st_size > max) {
		close(fd);
		return MA_OK;
	}
	size = (size_t)sb.st_size;
	/* One byte more: a file that grew since fstat() is streamed. */
	if ((data = malloc(size + 1)) == NULL) {
		close(fd);
		return MA_ENOMEM;
	}
	do
		n = read(fd, data, size + 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n < 0) {
		free(data);
		log_err("cannot read message '%s': %s", path, strerror(e));
		return MA_EIO;
	}
	if ((size_t)n != size) {
		/* Short (a file being cut) or longer: read it as a stream. */
		free(data);
		return MA_OK;
	}
	*datap = data;
	*lenp = size;
	return MA_OK;
}
