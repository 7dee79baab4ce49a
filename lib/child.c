/* Child processes: see child.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "log.h"
#include "path.h"

/* In the child: set up its descriptors and exec; never returns. */
static void
child_exec(const struct child *c)
{
	int devnull = open("/dev/null", O_RDWR);
	int out = c->stdout_fd == CHILD_STDOUT_DEVNULL ? devnull : c->stdout_fd;

	/* Without /dev/null a stage still runs; a command whose output is
	 * read must not run with our stdin. */
	if ((devnull >= 0 ? dup2(devnull, STDIN_FILENO) < 0
			  : c->stdout_fd >= 0) ||
	    (out >= 0 && dup2(out, STDOUT_FILENO) < 0))
		_exit(c->exec_fail_code);
	if (c->stderr_devnull && devnull >= 0)
		dup2(devnull, STDERR_FILENO);
	if (strchr(c->file, '/') != NULL)
		execv(c->file, c->argv);
	else
		execvp(c->file, c->argv);
	if (c->log_exec_fail)
		log_err("cannot run %s: %s", c->name, strerror(errno));
	_exit(c->exec_fail_code);
}

enum ma_status
child_spawn(const struct child *c, pid_t *pidp)
{
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) < 0) {
		int e = errno;

		log_err("cannot run %s: %s", c->name, strerror(e));
		return path_errno_status(e);
	}
	if (pid == 0)
		child_exec(c);
	*pidp = pid;
	return MA_OK;
}

enum ma_status
child_wait(pid_t pid, int *statusp)
{
	while (waitpid(pid, statusp, 0) < 0)
		if (errno != EINTR)
			return MA_EIO;
	return MA_OK;
}

enum ma_status
child_capture(const struct child *c, struct buf *out)
{
	struct child pc = *c;
	enum ma_status st = MA_OK;
	char chunk[4096];
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return MA_EIO;
	pc.stdout_fd = fds[1];
	if (child_spawn(&pc, &pid) != MA_OK) {
		close(fds[0]);
		close(fds[1]);
		return MA_EIO;
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = MA_EIO;
			break;
		}
		/* Past the cap, drain so that the child is not blocked. */
		if (st == MA_OK && buf_add(out, chunk, (size_t)n) != MA_OK)
			st = MA_ETOOBIG;
	}
	close(fds[0]);
	if (child_wait(pid, &status) != MA_OK)
		return MA_EIO;
	if (st == MA_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		st = MA_EIO;
	return st;
}
