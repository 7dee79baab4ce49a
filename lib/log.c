#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static const char *log_name = "mailarc";
static int log_threshold = LOG_LEVEL_NOTICE;
static int log_mode = -1; /* -1: not decided yet; see log_msg() */
static int log_tty = -1;

void
log_init(const char *prog)
{
	log_name = prog;
}

void
log_adjust(int delta)
{
	log_threshold += delta;
	if (log_threshold < LOG_LEVEL_ERR - 1)
		log_threshold = LOG_LEVEL_ERR - 1;
	if (log_threshold > LOG_LEVEL_DEBUG)
		log_threshold = LOG_LEVEL_DEBUG;
}

int
log_enabled(enum log_level level)
{
	return (int)level <= log_threshold;
}

const char *
log_prog(void)
{
	return log_name;
}

int
log_to_terminal(void)
{
	if (log_tty < 0)
		log_tty = isatty(STDERR_FILENO);
	return log_tty;
}

/*
 * journald sets $JOURNAL_STREAM to "DEVICE:INODE" of the stream it reads;
 * systemd.exec(5) says to compare it with fstat() of the fd in question.
 */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = {
	    [LOG_LEVEL_ERR] = "error",	   [LOG_LEVEL_WARN] = "warning",
	    [LOG_LEVEL_NOTICE] = "notice", [LOG_LEVEL_INFO] = "info",
	    [LOG_LEVEL_DEBUG] = "debug",
	};
	char line[2048];
	va_list ap;
	int n;

	if (!log_enabled(level))
		return;
	/*
	 * Three forms: the journal reads "<3>text" (it knows the program
	 * already); a pipe or file gets the priority prefix and the full
	 * "prog: error: text" so that both machines and people can read it;
	 * a terminal gets only the latter.
	 */
	if (log_mode < 0)
		log_mode = stderr_is_journal() ? 2 : !log_to_terminal();
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* A line that did not fit is cut, and says so, rather than dropped. */
	if ((size_t)n >= sizeof line)
		memcpy(line + sizeof line - 4, "...", 4);
	/* One event, one line: a newline inside would forge a second entry. */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_mode == 2) {
		fprintf(stderr, "<%d>%s\n", (int)level, line);
		return;
	}
	if (log_mode == 1)
		fprintf(stderr, "<%d>", (int)level);
	if (level == LOG_LEVEL_NOTICE || level == LOG_LEVEL_INFO)
		fprintf(stderr, "%s: %s\n", log_name, line);
	else
		fprintf(stderr, "%s: %s: %s\n", log_name, names[level], line);
}
