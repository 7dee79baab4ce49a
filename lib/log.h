#ifndef MA_LOG_H
#define MA_LOG_H

/*
 * Logging to stderr. When stderr is the journal ($JOURNAL_STREAM names fd 2)
 * or not a terminal, each line starts with a syslog priority prefix ("<3>")
 * that journald understands; on a terminal it reads "PROG: error: ...".
 * Lines never carry secrets: callers pass none.
 */
enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARN = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/* log_init - set the program name (borrowed; keep it alive). */
void log_init(const char *prog);

/* log_adjust - move the threshold: +1 per -v, -1 per -q. Default: notice. */
void log_adjust(int delta);

/* log_enabled - true when a line at level would be printed. */
int log_enabled(enum log_level level);

/* log_prog - the program name given to log_init(). */
const char *log_prog(void);

/* log_to_terminal - true when stderr is a terminal (progress may be drawn). */
int log_to_terminal(void);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
