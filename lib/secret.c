#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "log.h"
#include "path.h"
#include "secret.h"

enum ma_status
secret_protect_process(void)
{
	const struct rlimit none = {0, 0};

	/* A core file would hold the password or token in clear. */
	if (setrlimit(RLIMIT_CORE, &none) != 0) {
		log_err("cannot turn core dumps off: %s", strerror(errno));
		return MA_EIO;
	}
	if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) != 0) {
		log_err("cannot make the process undumpable: %s",
			strerror(errno));
		return MA_EIO;
	}
	return MA_OK;
}

void
secret_wipe(struct secret *s)
{
	if (s->data != NULL) {
		explicit_bzero(s->data, s->len);
		free(s->data);
	}
	s->data = NULL;
	s->len = 0;
}

/* Keep the first line only: a trailing newline is not part of a password. */
static void
first_line(struct buf *b)
{
	size_t n = strcspn(b->data ? b->data : "", "\r\n");

	if (b->data != NULL) {
		explicit_bzero(b->data + n, b->len - n);
		b->len = n;
	}
}

static enum ma_status
secret_from_buf(struct buf *b, struct secret *s)
{
	first_line(b);
	if (b->len == 0) {
		buf_wipe_release(b);
		return MA_ECONFIG;
	}
	s->len = b->len;
	if ((s->data = buf_steal(b)) == NULL)
		return MA_ENOMEM;
	return MA_OK;
}

static enum ma_status
read_fd_into(int fd, struct buf *b)
{
	char chunk[512];
	enum ma_status st = MA_OK;
	ssize_t n;

	while (st == MA_OK && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			st = path_errno_status(errno);
			break;
		}
		st = buf_add(b, chunk, (size_t)n);
	}
	explicit_bzero(chunk, sizeof chunk);
	return st;
}

enum ma_status
secret_read_file(const char *path, const char *what, struct secret *s)
{
	enum ma_status st;
	struct buf b;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_err("cannot read %s '%s': %s", what, path, strerror(errno));
		return MA_ECONFIG;
	}
	buf_init(&b, SECRET_MAX);
	st = read_fd_into(fd, &b);
	close(fd);
	if (st != MA_OK) {
		log_err("cannot read %s '%s': %s", what, path,
			st == MA_ETOOBIG ? "file too large" : strerror(errno));
		buf_wipe_release(&b);
		return MA_ECONFIG;
	}
	if ((st = secret_from_buf(&b, s)) == MA_ECONFIG)
		log_err("%s '%s' is empty", what, path);
	return st;
}

enum ma_status
secret_read_fd(int fd, struct secret *s)
{
	enum ma_status st;
	struct buf b;

	buf_init(&b, SECRET_MAX);
	if ((st = read_fd_into(fd, &b)) != MA_OK) {
		log_err("cannot read the password from standard input");
		buf_wipe_release(&b);
		return st == MA_ETOOBIG ? MA_EDATA : st;
	}
	if ((st = secret_from_buf(&b, s)) == MA_ECONFIG) {
		log_err("standard input gave an empty password");
		return MA_EDATA;
	}
	return st;
}

enum ma_status
secret_read_command(const char *cmd, struct secret *s)
{
	char *const argv[] = {"sh", "-c", (char *)cmd, NULL};
	struct child ch = {.file = "/bin/sh",
			   .exec_fail_code = 127,
			   .name = "password command"};
	enum ma_status st;
	struct buf b;
	int pfd[2], status = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		log_err("cannot run password command: %s", strerror(errno));
		return path_errno_status(errno);
	}
	ch.argv = argv;
	ch.stdout_fd = pfd[1];
	if ((st = child_spawn(&ch, &pid)) != MA_OK) {
		close(pfd[0]);
		close(pfd[1]);
		return st;
	}
	close(pfd[1]);
	buf_init(&b, SECRET_MAX);
	st = read_fd_into(pfd[0], &b);
	close(pfd[0]);
	if (child_wait(pid, &status) != MA_OK && st == MA_OK)
		st = MA_EIO;
	if (st != MA_OK || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* The command is configuration, not a secret: name it. */
		if (WIFEXITED(status))
			log_err(
			    "password command '%s' failed with exit code %d",
			    cmd, WEXITSTATUS(status));
		else
			log_err("password command '%s' failed", cmd);
		buf_wipe_release(&b);
		return MA_ECONFIG;
	}
	if ((st = secret_from_buf(&b, s)) == MA_ECONFIG)
		log_err("password command '%s' printed nothing", cmd);
	return st;
}

enum ma_status
secret_prompt(const char *prompt, struct secret *s)
{
	struct termios old, quiet;
	enum ma_status st;
	struct buf b;
	char c;
	int fd;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		log_err("no terminal to ask for the password on");
		return MA_EUSAGE;
	}
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		log_err("no terminal to ask for the password on");
		return MA_EUSAGE;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	(void)!write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	buf_init(&b, SECRET_MAX);
	st = MA_OK;
	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n' || c == '\r')
			break;
		if ((st = buf_addc(&b, c)) != MA_OK)
			break;
	}
	c = 0;
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	if (st != MA_OK) {
		buf_wipe_release(&b);
		return MA_EDATA;
	}
	if ((st = secret_from_buf(&b, s)) == MA_ECONFIG) {
		log_err("the password is empty");
		return MA_EDATA;
	}
	return st;
}

enum ma_status
secret_dup(const char *text, struct secret *s)
{
	s->len = strlen(text);
	if ((s->data = strdup(text)) == NULL) {
		s->len = 0;
		return MA_ENOMEM;
	}
	return MA_OK;
}
