#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"
#include "path.h"

enum ma_status
lock_take(const char *path, const char *what, bool wait, struct lock *l)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_err("cannot open lock '%s': %s", path, strerror(errno));
		return path_errno_status(errno);
	}
	for (;;) {
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK) {
			log_err("%s is busy: another run holds '%s' (use "
				"--wait to wait for it)",
				what, path);
			close(fd);
			return MA_ETEMP;
		}
		log_err("cannot lock '%s': %s", path, strerror(errno));
		close(fd);
		return path_errno_status(errno);
	}
	l->path = strdup(path);
	if (l->path == NULL) {
		close(fd);
		return MA_ENOMEM;
	}
	l->fd = fd;
	return MA_OK;
}

void
lock_drop(struct lock *l)
{
	if (l->path == NULL)
		return;
	/* Closing the descriptor releases the flock. The file stays: a
	 * removal would race with a process that opened it already. */
	close(l->fd);
	free(l->path);
	l->path = NULL;
	l->fd = -1;
}
