/*
 * IMAP IDLE (RFC 2177) for "mailarc watch". The login, TLS and EXAMINE are
 * the fetch's own (fetch_connect(), imap_examine()); this file only speaks
 * IDLE ... DONE on that connection and reads what the server reports
 * meanwhile. The wait is a poll(2) on the connection's socket in short
 * slices, so that a signal (SIGTERM) is noticed within half a second even
 * when the server says nothing for 25 minutes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "imap_idle.h"
#include "log.h"

/* A response line we read; longer ones are a broken server. */
#define IDLE_LINE_MAX 65536
/* How often a wait looks at *stop, in milliseconds. */
#define IDLE_SLICE_MS 500

bool
imap_idle_has_idle(const char *caps)
{
	const char *p = caps;

	while (p != NULL && *p != '\0') {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n == 4 && strncasecmp(p, "IDLE", 4) == 0)
			return true;
		p += n;
	}
	return false;
}

void
imap_idle_keepalive(struct fetch_conn *c)
{
	int fd = (int)c->sock, on = 1, idle = 60, intvl = 20, cnt = 3;

	if (fd < 0)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) !=
		0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) !=
		0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) != 0)
		log_debug("%s: no TCP keepalive: %s", c->what, strerror(errno));
}

static time_t
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * 1 when a line is there to read (or the socket has news: a closed
 * connection is read as such), 0 when the deadline passed or *stop was
 * set, -1 when poll failed (logged).
 */
static int
readable(struct imap_idle *i, time_t deadline)
{
	struct fetch_conn *c = i->c;

	if (c->in_pos < c->in_len)
		return 1;
	for (;;) {
		struct pollfd pfd = {.fd = (int)c->sock, .events = POLLIN};
		time_t left;
		int r, ms;

		if (*i->stop)
			return 0;
		if ((left = deadline - now_mono()) <= 0)
			return 0;
		ms = left * 1000 < IDLE_SLICE_MS ? (int)(left * 1000)
						 : IDLE_SLICE_MS;
		r = poll(&pfd, 1, ms);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR) {
			fetch_conn_fail(c, MA_EIO, "poll failed: %s",
					strerror(errno));
			return -1;
		}
	}
}

/* "{123}" or "{123+}" at the end of a line: a literal follows. */
static bool
literal_at_end(const struct buf *line, unsigned long long *np)
{
	const char *s = line->data;
	size_t n = line->len;
	size_t k;

	if (n < 3 || s[n - 1] != '}')
		return false;
	k = n - 2;
	if (s[k] == '+')
		k--;
	if (s[k] < '0' || s[k] > '9')
		return false;
	while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9')
		k--;
	if (k == 0 || s[k - 1] != '{')
		return false;
	*np = strtoull(s + k, NULL, 10);
	return true;
}

/* Read past the literals of an untagged response we do not use. */
static enum ma_status
skip_literals(struct imap_idle *i, struct buf *line)
{
	unsigned long long left;
	enum ma_status st;

	while (literal_at_end(line, &left)) {
		while (left > 0) {
			const char *p;
			size_t n;

			st = fetch_conn_raw(i->c,
					    left < FETCH_CONN_BUF
						? (size_t)left
						: FETCH_CONN_BUF,
					    &p, &n);
			if (st != MA_OK)
				return st;
			left -= n;
		}
		if ((st = fetch_conn_line(i->c, line)) != MA_OK)
			return st;
	}
	return MA_OK;
}

/*
 * One untagged response. RFC 3501 7.3.1: EXISTS gives the new size of the
 * folder, sent when it grew (7.3.2's RECENT comes with it and adds
 * nothing here); 7.4.1: each EXPUNGE shrinks it by one. A BYE means the
 * server is going away (RFC 3501 7.1.5): reconnect.
 */
static enum ma_status
untagged(struct imap_idle *i, struct buf *line, bool *freshp)
{
	const char *p = line->data + 2;

	if (*p >= '0' && *p <= '9') {
		char *end;
		unsigned long n;

		errno = 0;
		n = strtoul(p, &end, 10);
		if (errno == 0 && strcmp(end, " EXISTS") == 0) {
			if (n > i->exists)
				*freshp = true;
			i->exists = n;
		} else if (errno == 0 && strcmp(end, " EXPUNGE") == 0) {
			if (i->exists > 0)
				i->exists--;
		}
	} else if (strncasecmp(p, "BYE", 3) == 0) {
		snprintf(i->c->error, sizeof i->c->error,
			 "the server ended the session (it says: %s)", p);
		log_notice("%s: %s", i->c->what, i->c->error);
		return MA_ETEMP;
	}
	return skip_literals(i, line);
}

/* Send "wN IDLE" and read up to the server's "+" continuation. */
static enum ma_status
idle_begin(struct imap_idle *i, struct buf *line, char *tag, size_t size,
	   bool *freshp)
{
	char cmd[32];
	size_t taglen;
	enum ma_status st;
	int n;

	n = snprintf(tag, size, "w%u", ++i->tagno);
	if (n < 0 || (size_t)n >= size)
		return MA_ETOOBIG;
	taglen = (size_t)n;
	n = snprintf(cmd, sizeof cmd, "%s IDLE\r\n", tag);
	if (n < 0 || (size_t)n >= sizeof cmd)
		return MA_ETOOBIG;
	if ((st = fetch_conn_send(i->c, cmd, (size_t)n)) != MA_OK)
		return st;
	for (;;) {
		if ((st = fetch_conn_line(i->c, line)) != MA_OK)
			return st;
		if (line->data[0] == '+')
			return MA_OK;
		if (strncmp(line->data, "* ", 2) == 0) {
			if ((st = untagged(i, line, freshp)) != MA_OK)
				return st;
			continue;
		}
		if (strncmp(line->data, tag, taglen) == 0 &&
		    line->data[taglen] == ' ')
			return fetch_conn_fail(i->c, MA_EPROTO,
					       "the server refused IDLE: %s",
					       line->data + taglen + 1);
		return fetch_conn_fail(i->c, MA_EPROTO,
				       "unexpected answer to IDLE: %.80s",
				       line->data);
	}
}

/* Send DONE and read up to IDLE's tagged answer. */
static enum ma_status
idle_end(struct imap_idle *i, struct buf *line, const char *tag, bool *freshp)
{
	size_t taglen = strlen(tag);
	enum ma_status st;

	if ((st = fetch_conn_send(i->c, "DONE\r\n", 6)) != MA_OK)
		return st;
	for (;;) {
		if ((st = fetch_conn_line(i->c, line)) != MA_OK)
			return st;
		if (strncmp(line->data, "* ", 2) == 0) {
			if ((st = untagged(i, line, freshp)) != MA_OK)
				return st;
			continue;
		}
		if (strncmp(line->data, tag, taglen) != 0 ||
		    line->data[taglen] != ' ')
			return fetch_conn_fail(i->c, MA_EPROTO,
					       "unexpected answer to DONE: "
					       "%.80s",
					       line->data);
		if (strncasecmp(line->data + taglen + 1, "OK", 2) != 0)
			return fetch_conn_fail(i->c, MA_EPROTO,
					       "IDLE ended badly: %s",
					       line->data + taglen + 1);
		return MA_OK;
	}
}

enum ma_status
imap_idle_begin(struct imap_idle *i, bool *newp)
{
	struct buf line;
	enum ma_status st;

	buf_init(&line, IDLE_LINE_MAX);
	st = idle_begin(i, &line, i->tag, sizeof i->tag, newp);
	buf_release(&line);
	if (st != MA_OK)
		i->tag[0] = '\0';
	else
		log_debug("%s: idling (%lu messages)", i->c->what, i->exists);
	return st;
}

bool
imap_idle_pending(const struct imap_idle *i)
{
	return i->c->in_pos < i->c->in_len;
}

enum ma_status
imap_idle_read(struct imap_idle *i, bool *newp)
{
	struct buf line;
	enum ma_status st;

	buf_init(&line, IDLE_LINE_MAX);
	do {
		if ((st = fetch_conn_line(i->c, &line)) != MA_OK)
			break;
		if (strncmp(line.data, "* ", 2) != 0) {
			st = fetch_conn_fail(i->c, MA_EPROTO,
					     "unexpected line during IDLE: "
					     "%.80s",
					     line.data);
			break;
		}
		st = untagged(i, &line, newp);
	} while (st == MA_OK && imap_idle_pending(i));
	buf_release(&line);
	return st;
}

enum ma_status
imap_idle_end(struct imap_idle *i, bool *newp)
{
	struct buf line;
	enum ma_status st;

	if (i->tag[0] == '\0')
		return MA_OK;
	buf_init(&line, IDLE_LINE_MAX);
	st = idle_end(i, &line, i->tag, newp);
	buf_release(&line);
	i->tag[0] = '\0';
	return st;
}

enum ma_status
imap_idle_renew(struct imap_idle *i, bool *newp)
{
	enum ma_status st = imap_idle_end(i, newp);

	if (st != MA_OK)
		return st;
	i->reidles++;
	log_debug("%s: re-IDLE after %ld s", i->c->what, i->reidle_secs);
	return imap_idle_begin(i, newp);
}

enum ma_status
imap_idle_wait(struct imap_idle *i, bool *newp)
{
	bool fresh = false;
	enum ma_status st;

	if ((st = imap_idle_begin(i, &fresh)) != MA_OK)
		return st;
	for (;;) {
		time_t deadline = now_mono() + i->reidle_secs;
		int r = 1;

		while (!fresh && !*i->stop && (r = readable(i, deadline)) > 0)
			if ((st = imap_idle_read(i, &fresh)) != MA_OK)
				return st;
		if (r < 0)
			return MA_EIO;
		if (fresh || *i->stop)
			break;
		if ((st = imap_idle_renew(i, &fresh)) != MA_OK)
			return st;
	}
	if ((st = imap_idle_end(i, &fresh)) != MA_OK)
		return st;
	*newp = fresh;
	return MA_OK;
}
