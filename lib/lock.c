#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"
#include "path.h"

#define LOCK_FD_ENV "MAILARC_LOCK_FD"

/*
 * handed_down - a descriptor of the lock on path that was handed down
 * (lock_hand_down()), duplicated, or -1. Only a descriptor of that very
 * file counts: the lock it holds is then shared, not waited for.
 */
static int
handed_down(const char *path)
{
	const char *v = getenv(LOCK_FD_ENV);
	struct stat held, want;
	char *end;
	long fd;

	if (v == NULL || *v == '\0')
		return -1;
	errno = 0;
	fd = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || fd < 0 || fd > INT_MAX)
		return -1;
	if (fstat((int)fd, &held) != 0 || stat(path, &want) != 0 ||
	    held.st_dev != want.st_dev || held.st_ino != want.st_ino)
		return -1;
	return fcntl((int)fd, F_DUPFD_CLOEXEC, 0);
}

enum ma_status
lock_take(const char *path, const char *what, bool wait, struct lock *l)
{
	int fd;

	if ((fd = handed_down(path)) < 0)
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
			if (what != NULL)
				log_err("%s is busy: another run holds '%s' "
					"(use --wait to wait for it)",
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

enum ma_status
lock_hand_down(struct lock *l)
{
	char v[16];
	int n = snprintf(v, sizeof v, "%d", l->fd);

	if (n < 0 || (size_t)n >= sizeof v || fcntl(l->fd, F_SETFD, 0) != 0 ||
	    setenv(LOCK_FD_ENV, v, 1) != 0) {
		log_err("cannot hand the lock '%s' down: %s", l->path,
			strerror(errno));
		return MA_EIO;
	}
	return MA_OK;
}

void
lock_take_back(struct lock *l)
{
	unsetenv(LOCK_FD_ENV);
	if (l->fd >= 0)
		(void)fcntl(l->fd, F_SETFD, FD_CLOEXEC);
}
