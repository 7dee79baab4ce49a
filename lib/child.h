#ifndef MA_CHILD_H
#define MA_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "status.h"

/*
 * Child processes: the stages the front end runs, systemctl, a password
 * command. One way to start them (stdout flushed first so that output
 * keeps its order, stdin from /dev/null) and one way to wait for them.
 */

/* Where the child's stdout goes. */
#define CHILD_STDOUT_OURS    (-1) /* inherited */
#define CHILD_STDOUT_DEVNULL (-2) /* /dev/null */

struct child {
	const char *file;    /* execv() it if it holds a '/', else execvp() */
	char *const *argv;   /* argv[0] is the name the child sees */
	int stdout_fd;	     /* a descriptor, or a CHILD_STDOUT_* value */
	int exec_fail_code;  /* the child's exit code if it cannot exec */
	bool log_exec_fail;  /* log "cannot run NAME: why" from the child */
	const char *name;    /* for messages */
	bool stderr_devnull; /* its stderr to /dev/null too */
};

/*
 * child_spawn - start c; *pidp gets its pid. MA_EIO (logged: "cannot run
 * NAME: why") when fork fails.
 */
enum ma_status child_spawn(const struct child *c, pid_t *pidp);

/*
 * child_wait - wait for pid, retrying EINTR; *statusp gets the waitpid
 * status. MA_EIO when waitpid fails otherwise.
 */
enum ma_status child_wait(pid_t pid, int *statusp);

/*
 * child_capture - run c with its stdout read into out (c->stdout_fd is
 * ignored) and wait for it. Output past out's maximum is read and dropped
 * so that the child never blocks on a full pipe. MA_OK only when it
 * exited 0 and all its output fit; MA_ETOOBIG when it did not fit; else
 * MA_EIO (its exit status is not logged: the caller says what failed).
 */
struct buf;
enum ma_status child_capture(const struct child *c, struct buf *out);

#endif
