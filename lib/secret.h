#ifndef MA_SECRET_H
#define MA_SECRET_H

#include <stddef.h>

#include "status.h"

/*
 * Secrets (passwords, client secrets, refresh tokens). They are read into
 * memory that secret_wipe() zeroes before freeing, never logged and never
 * put on a command line or into the environment of another program.
 */
#define SECRET_MAX 16384

struct secret {
	char *data; /* NUL-terminated */
	size_t len;
};

/*
 * secret_read_file - the file's contents without a final newline. Logs
 * "cannot read password file 'PATH': REASON" naming what (e.g. "password
 * file") and returns MA_ECONFIG when it cannot be read or is empty.
 */
enum ma_status secret_read_file(const char *path, const char *what,
				struct secret *s);

/*
 * secret_read_command - run cmd with /bin/sh -c, stdin from /dev/null, and
 * take the first line of its stdout. A non-zero exit or an empty answer
 * gives MA_ECONFIG (logged without the output).
 */
enum ma_status secret_read_command(const char *cmd, struct secret *s);

/* secret_read_fd - the first line read from fd (e.g. --password-stdin). */
enum ma_status secret_read_fd(int fd, struct secret *s);

/* secret_prompt - ask on /dev/tty with echo off; MA_EUSAGE without a tty. */
enum ma_status secret_prompt(const char *prompt, struct secret *s);

/* secret_wipe - zero and free; the struct may be reused. */
void secret_wipe(struct secret *s);

/* secret_dup - copy a C string into a secret. */
enum ma_status secret_dup(const char *text, struct secret *s);

/*
 * secret_protect_process - for a program about to hold a secret: no core
 * dump (RLIMIT_CORE 0, soft and hard) and not dumpable (PR_SET_DUMPABLE
 * 0, which also keeps other processes of the same user from attaching
 * with ptrace or reading /proc/PID/mem). Programs it runs start dumpable
 * again (execve) but keep the zero core limit. Call it before the first
 * secret is read. MA_EIO (logged) if either cannot be set.
 */
enum ma_status secret_protect_process(void);

#endif
