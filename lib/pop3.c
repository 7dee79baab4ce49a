/*
 * POP3 (RFC 1939, RFC 2449) for mailarc-fetch, over a connection that
 * libcurl opened and logged in (fetch_conn.h says why). What it sends:
 *
 *	CAPA          PIPELINING lets several RETR/DELE be in flight
 *	UIDL, LIST    what the maildrop holds: unique ids and sizes
 *	RETR n        each new message; the dot-stuffing is undone, the rest
 *	              is stored byte for byte
 *	DELE n        on_server = delete, only for messages durable in the
 *	              spool; the server removes them at QUIT (RFC 1939 6)
 *	QUIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "pop3.h"

#define POP3_LINE_MAX 65536
/* Commands in flight with PIPELINING (RFC 2449 6.6). */
#define POP3_WINDOW 256
#define POP3_OUT    65536

struct pop_msg {
	unsigned long num;
	unsigned long long size;
	char *uidl; /* NULL without UIDL */
	bool fetched;
};

struct pop {
	struct fetch_conn *c;
	struct buf line;
	char *out; /* unstuffed bytes waiting to be written */
	size_t nout;
};

static void
pop_init(struct pop *p, struct fetch_conn *c)
{
	memset(p, 0, sizeof *p);
	p->c = c;
	buf_init(&p->line, POP3_LINE_MAX);
}

/* Read a status line: true for +OK. */
static enum ma_status
status_line(struct pop *p, bool *okp)
{
	enum ma_status st = fetch_conn_line(p->c, &p->line);

	if (st != MA_OK)
		return st;
	if (strncmp(p->line.data, "+OK", 3) == 0)
		*okp = true;
	else if (strncmp(p->line.data, "-ERR", 4) == 0 &&
		 fetch_conn_throttled(p->line.data + 4))
		/* RFC 3206: [IN-USE] and [SYS/TEMP] are worth a retry. */
		return fetch_conn_fail(p->c, MA_ETEMP,
				       "the server is busy or limits this "
				       "account (it says: %s); backing off "
				       "until the next run",
				       p->line.data);
	else if (strncmp(p->line.data, "-ERR", 4) == 0)
		*okp = false;
	else
		return fetch_conn_fail(p->c, MA_EPROTO,
				       "the server sent a malformed POP3 "
				       "status line");
	return MA_OK;
}

static enum ma_status
command(struct pop *p, const char *cmd, bool *okp)
{
	enum ma_status st = fetch_conn_send(p->c, cmd, strlen(cmd));

	return st == MA_OK ? status_line(p, okp) : st;
}

/* The next line of a multi-line response; *endp at the final ".". */
static enum ma_status
multi_line(struct pop *p, const char **linep, bool *endp)
{
	enum ma_status st = fetch_conn_line(p->c, &p->line);

	if (st != MA_OK)
		return st;
	*endp = strcmp(p->line.data, ".") == 0;
	*linep = p->line.data[0] == '.' ? p->line.data + 1 : p->line.data;
	return MA_OK;
}

enum ma_status
pop3_capabilities(struct fetch_conn *c, struct buf *caps)
{
	struct pop p;
	enum ma_status st;
	const char *l;
	bool ok, end = false;

	pop_init(&p, c);
	buf_reset(caps);
	st = command(&p, "CAPA\r\n", &ok);
	while (st == MA_OK && ok && !end) {
		st = multi_line(&p, &l, &end);
		if (st == MA_OK && !end) {
			if (caps->len > 0)
				buf_addc(caps, ' ');
			buf_adds(caps, l);
		}
	}
	buf_release(&p.line);
	return st;
}

enum ma_status
pop3_stat(struct fetch_conn *c, unsigned long *countp)
{
	struct pop p;
	enum ma_status st;
	bool ok;

	pop_init(&p, c);
	st = command(&p, "STAT\r\n", &ok);
	if (st == MA_OK && !ok)
		st = fetch_conn_fail(c, MA_EPROTO, "STAT failed: %s",
				     p.line.data);
	if (st == MA_OK) {
		c->step = FETCH_STEP_DONE;
		*countp = strtoul(p.line.data + 3, NULL, 10);
	}
	buf_release(&p.line);
	return st;
}

enum ma_status
pop3_quit(struct fetch_conn *c)
{
	struct pop p;
	enum ma_status st;
	bool ok;

	pop_init(&p, c);
	st = command(&p, "QUIT\r\n", &ok);
	if (st == MA_OK && !ok)
		st = fetch_conn_fail(c, MA_ETEMP, "QUIT failed: %s",
				     p.line.data);
	buf_release(&p.line);
	return st;
}

static enum ma_status
out_flush(struct pop *p, struct fetch_sink *sink, enum ma_status *wst)
{
	if (p->nout > 0 && *wst == MA_OK &&
	    (*wst = fetch_sink_write(sink, p->out, p->nout)) != MA_OK)
		fetch_sink_abort(sink);
	p->nout = 0;
	return MA_OK;
}

static enum ma_status
out_add(struct pop *p, struct fetch_sink *sink, enum ma_status *wst,
	const char *s, size_t n)
{
	while (n > 0) {
		size_t k = POP3_OUT - p->nout;

		if (k > n)
			k = n;
		memcpy(p->out + p->nout, s, k);
		p->nout += k;
		s += k;
		n -= k;
		if (p->nout == POP3_OUT)
			out_flush(p, sink, wst);
	}
	return MA_OK;
}

/*
 * The body of a RETR whose +OK has been read: lines up to "." alone,
 * a leading dot removed (RFC 1939 3). The terminator may be split
 * across reads, so a line that starts with a dot is looked at until it
 * is known not to be "." CRLF. A write error keeps reading to the end,
 * so the session stays in step.
 */
static enum ma_status
retrieve(struct pop *p, struct fetch_sink *sink, enum ma_status *wst)
{
	bool bol = true, after_dot = false, held_cr = false;
	enum ma_status st;

	for (;;) {
		const char *s;
		size_t n;
		bool lf;

		if ((st = fetch_conn_chunk(p->c, FETCH_CONN_BUF, &s, &n,
					   &lf)) != MA_OK)
			return st;
		progress_add(&sink->prog, 0, n);
		if (bol && s[0] == '.') {
			s++;
			n--;
			after_dot = true;
		}
		bol = false;
		if (after_dot) {
			if (held_cr) {
				if (n == 1 && s[0] == '\n')
					break;
				out_add(p, sink, wst, "\r", 1);
				held_cr = false;
				after_dot = false;
			} else if (n == 0) {
				continue;
			} else if ((n == 2 && s[0] == '\r' && s[1] == '\n') ||
				   (n == 1 && s[0] == '\n')) {
				break;
			} else if (n == 1 && s[0] == '\r' && !lf) {
				held_cr = true;
				continue;
			} else {
				after_dot = false;
			}
		}
		out_add(p, sink, wst, s, n);
		if (lf)
			bol = true;
	}
	out_flush(p, sink, wst);
	return MA_OK;
}

static void
free_msgs(struct pop_msg *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].uidl);
	free(m);
}

/* UIDL and LIST into *msgsp. *have_uidlp is false if UIDL is refused. */
static enum ma_status
listing(struct pop *p, struct pop_msg **msgsp, size_t *np, bool *have_uidlp)
{
	struct pop_msg *m = NULL;
	size_t n = 0, cap = 0;
	enum ma_status st;
	const char *l;
	bool ok, end = false;

	if ((st = command(p, "LIST\r\n", &ok)) != MA_OK)
		return st;
	if (!ok)
		return fetch_conn_fail(p->c, MA_EPROTO, "LIST failed: %s",
				       p->line.data);
	while ((st = multi_line(p, &l, &end)) == MA_OK && !end) {
		char *e;

		if (n == cap) {
			struct pop_msg *q =
			    array_grow(m, &cap, n, sizeof *q, 256);

			if (q == NULL) {
				st = MA_ENOMEM;
				break;
			}
			m = q;
		}
		memset(&m[n], 0, sizeof m[n]);
		m[n].num = strtoul(l, &e, 10);
		if (e == l || *e != ' ') {
			st = fetch_conn_fail(p->c, MA_EPROTO,
					     "malformed LIST line");
			break;
		}
		m[n].size = strtoull(e + 1, NULL, 10);
		n++;
	}
	if (st != MA_OK) {
		free_msgs(m, n);
		return st;
	}
	*have_uidlp = false;
	if ((st = command(p, "UIDL\r\n", &ok)) == MA_OK && ok) {
		*have_uidlp = true;
		/* UIDL and LIST both list the messages in number order. */
		size_t k = 0;

		while ((st = multi_line(p, &l, &end)) == MA_OK && !end) {
			unsigned long num;
			char *e;

			num = strtoul(l, &e, 10);
			while (k < n && m[k].num < num)
				k++;
			if (e == l || *e != ' ' || e[1] == '\0' || k == n ||
			    m[k].num != num || m[k].uidl != NULL ||
			    strlen(e + 1) > 70) {
				st = fetch_conn_fail(p->c, MA_EPROTO,
						     "malformed UIDL line");
				break;
			}
			if ((m[k].uidl = strdup(e + 1)) == NULL) {
				st = MA_ENOMEM;
				break;
			}
		}
		for (size_t i = 0; st == MA_OK && i < n; i++)
			if (m[i].uidl == NULL)
				st = fetch_conn_fail(p->c, MA_EPROTO,
						     "UIDL misses message %lu",
						     m[i].num);
	}
	if (st != MA_OK) {
		free_msgs(m, n);
		return st;
	}
	*msgsp = m;
	*np = n;
	return MA_OK;
}

/* Send cmds for idx[0..n) with up to window in flight; reply() reads one. */
static enum ma_status
pipeline(struct pop *p, struct fetch_sink *sink, struct pop_msg *m,
	 const size_t *idx, size_t n, size_t window, bool dele)
{
	size_t sent = 0, done = 0;
	enum ma_status st = MA_OK;

	while (done < n && st == MA_OK) {
		/* Refill the window once half of it is answered, all in one
		 * write: one TLS record and one wake-up of the server for
		 * many commands. */
		if (sent < n && sent - done <= window / 2) {
			char cmds[POP3_WINDOW * 32];
			size_t len = 0;

			while (sent < n && sent - done < window) {
				int k = snprintf(
				    cmds + len, sizeof cmds - len, "%s %lu\r\n",
				    dele ? "DELE" : "RETR", m[idx[sent]].num);

				if (k < 0 || (size_t)k >= sizeof cmds - len)
					break;
				len += (size_t)k;
				sent++;
			}
			if ((st = fetch_conn_send(p->c, cmds, len)) != MA_OK)
				break;
		}
		struct pop_msg *msg = &m[idx[done++]];
		enum ma_status wst = MA_OK;
		bool ok;

		if ((st = status_line(p, &ok)) != MA_OK)
			break;
		if (!ok) {
			log_warn("%s: %s of message %lu failed: %s", sink->what,
				 dele ? "DELE" : "RETR", msg->num,
				 p->line.data);
			continue;
		}
		if (dele)
			continue;
		wst = fetch_sink_begin(sink);
		if ((st = retrieve(p, sink, &wst)) != MA_OK)
			break;
		if (wst != MA_OK) {
			st = wst;
			break;
		}
		if ((st = fetch_sink_commit(sink, NULL, 0, msg->uidl)) == MA_OK)
			msg->fetched = true;
	}
	return st;
}

/*
 * pick_new - the messages to fetch, oldest first, into idx (how many is
 * returned, their size in *bytes): not yet taken (by UIDL) and within the
 * budget. Message numbers follow arrival (RFC 1939 has the maildrop in
 * order), so a spent budget leaves the newest.
 */
static size_t
pick_new(struct fetch_sink *sink, const struct pop_msg *m, size_t n,
	 bool have_uidl, size_t *idx, unsigned long long *bytes)
{
	size_t ntodo = 0;

	for (size_t i = 0; i < n; i++) {
		if ((have_uidl && state_has_uidl(sink->st, m[i].uidl)) ||
		    !fetch_sink_budget_take(sink, m[i].size))
			continue;
		idx[ntodo++] = i;
		*bytes += m[i].size;
	}
	return ntodo;
}

/*
 * delete_durable - delete on the server only what is durable: recorded in
 * the state (after the sync), or fetched and flushed in this session. idx
 * (n + 1 entries) is reused.
 */
static enum ma_status
delete_durable(struct pop *p, struct fetch_sink *sink, struct pop_msg *m,
	       size_t n, bool have_uidl, size_t *idx, size_t window)
{
	size_t ndel = 0;
	enum ma_status st;

	for (size_t i = 0; i < n; i++)
		if (m[i].fetched ||
		    (have_uidl && state_has_uidl(sink->st, m[i].uidl)))
			idx[ndel++] = i;
	st = pipeline(p, sink, m, idx, ndel, window, true);
	if (st == MA_OK && ndel > 0)
		log_info("%s: deleting %zu messages on the server", sink->what,
			 ndel);
	return st;
}

enum ma_status
pop3_run(struct fetch_conn *c, const struct account *a, struct fetch_sink *sink)
{
	bool del = a->delete_on_server, have_uidl, ok;
	struct pop_msg *m = NULL;
	struct pop p;
	struct buf caps;
	size_t n = 0, ntodo = 0, window;
	size_t *idx = NULL;
	unsigned long long bytes = 0;
	enum ma_status st;
	char **uidls = NULL;

	pop_init(&p, c);
	buf_init(&caps, POP3_LINE_MAX);
	if ((p.out = malloc(POP3_OUT)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = pop3_capabilities(c, &caps)) != MA_OK)
		goto out;
	window =
	    strstr(caps.data ? caps.data : "", "PIPELINING") ? POP3_WINDOW : 1;
	if ((st = listing(&p, &m, &n, &have_uidl)) != MA_OK)
		goto out;
	if (!have_uidl && !del) {
		/* RFC 1939 7: UIDL is optional. Without it nothing tells
		 * which messages were taken, so keeping them on the server
		 * would fetch every one again at every run. */
		st = fetch_conn_fail(c, MA_ECONFIG,
				     "the server does not support UIDL, "
				     "which on_server = keep needs to tell "
				     "new mail from old; use on_server = "
				     "delete (with a clone account) or IMAP");
		goto out;
	}
	if ((idx = malloc((n + 1) * sizeof *idx)) == NULL ||
	    (uidls = malloc((n + 1) * sizeof *uidls)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if (have_uidl) {
		for (size_t i = 0; i < n; i++)
			uidls[i] = m[i].uidl;
		/* Forget UIDLs the server no longer has. */
		if ((st = state_keep_uidls(sink->st, uidls, n)) != MA_OK)
			goto out;
	}
	ntodo = pick_new(sink, m, n, have_uidl, idx, &bytes);
	log_debug("%s: %zu messages, %zu new", sink->what, n, ntodo);
	fetch_sink_start(sink, ntodo, bytes);
	st = pipeline(&p, sink, m, idx, ntodo, window, false);
	if (st == MA_OK)
		st = fetch_sink_flush(sink);
	if (st == MA_OK && del)
		st = delete_durable(&p, sink, m, n, have_uidl, idx, window);
	if (st == MA_OK && (st = command(&p, "QUIT\r\n", &ok)) == MA_OK && !ok)
		st = fetch_conn_fail(c, MA_ETEMP,
				     "QUIT failed, nothing was deleted: %s",
				     p.line.data);
out:
	free(uidls);
	free(idx);
	free_msgs(m, n);
	free(p.out);
	buf_release(&p.line);
	buf_release(&caps);
	return st;
}
