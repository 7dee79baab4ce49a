/* Child processes: see child.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
