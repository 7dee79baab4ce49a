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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "pop3.h"
#include "state.h"

#define POP3_LINE_MAX 65536
/* Commands in flight with PIPELINING (RFC 2449 6.6). */
#define POP3_WINDOW 256
#define POP3_OUT    65536

/*
 * A message of the maildrop: 12 bytes, and a byte of flags beside it. Its
 * UIDL is a ref into the state's arena (state.h): a UIDL already taken is
 * not copied at all, a new one once, and is recorded from there.
 */
struct pop_msg {
	uint32_t num;
	uint32_t uidl; /* STATE_NO_UIDL without UIDL */
	uint32_t size; /* from LIST; UINT32_MAX for anything larger */
};

/*
 * The maildrop as this run needs it: the messages to fetch or delete
 * (m, and flags for each; with on_server = keep, those already taken are
 * left out), total messages, and the message numbers UIDL listed as
 * ranges (lo, hi pairs), to check LIST against them.
 */
struct pop_list {
	struct pop_msg *m;
	unsigned char *flags;
	size_t n, cap, total;
	uint32_t *ranges;
	size_t nranges, ranges_cap;
};

#define MSG_TAKEN   1 /* in the state when the run began */
#define MSG_FETCHED 2 /* fetched and committed in this session */

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
free_list(struct pop_list *ml)
{
	free(ml->m);
	free(ml->flags);
	free(ml->ranges);
	memset(ml, 0, sizeof *ml);
}

/* Append a message to ml. */
static enum ma_status
list_add(struct pop_list *ml, uint32_t num, uint32_t uidl, uint32_t size,
	 unsigned char flags)
{
	if (ml->n == ml->cap) {
		size_t cap = ml->cap, fcap = ml->cap;
		struct pop_msg *q;
		unsigned char *f;

		/* Positions in it (idx) are 32-bit too. */
		if (ml->n >= UINT32_MAX)
			return MA_ENOMEM;
		if ((q = array_grow(ml->m, &cap, ml->n, sizeof *q, 1024)) ==
		    NULL)
			return MA_ENOMEM;
		ml->m = q;
		if ((f = array_grow(ml->flags, &fcap, ml->n, 1, 1024)) == NULL)
			return MA_ENOMEM;
		ml->flags = f;
		ml->cap = cap;
	}
	ml->m[ml->n] = (struct pop_msg){num, uidl, size};
	ml->flags[ml->n++] = flags;
	return MA_OK;
}

/* Note num, listed by UIDL, in ml->ranges (nums come in order). */
static enum ma_status
range_add(struct pop_list *ml, uint32_t num)
{
	uint32_t *r;

	if (ml->nranges > 0 && ml->ranges[2 * ml->nranges - 1] + 1 == num) {
		ml->ranges[2 * ml->nranges - 1] = num;
		return MA_OK;
	}
	if (ml->nranges == ml->ranges_cap) {
		if ((r = array_grow(ml->ranges, &ml->ranges_cap, ml->nranges,
				    2 * sizeof *r, 4)) == NULL)
			return MA_ENOMEM;
		ml->ranges = r;
	}
	ml->ranges[2 * ml->nranges] = num;
	ml->ranges[2 * ml->nranges + 1] = num;
	ml->nranges++;
	return MA_OK;
}

/*
 * UIDL into ml: the messages to keep track of, in number order. Each UIDL
 * already taken is marked in state (state_find_uidl()) and, when it stays
 * on the server (all), left out of ml: a poll of a big maildrop then holds
 * little more than the state. Each new one is copied into the state
 * (state_intern_uidl()). *okp false: UIDL was refused.
 */
static enum ma_status
list_uidls(struct pop *p, struct fetch_state *state, bool all,
	   struct pop_list *ml, bool *okp)
{
	enum ma_status st;
	const char *l;
	unsigned long prev = 0;
	bool end = false;

	if ((st = command(p, "UIDL\r\n", okp)) != MA_OK || !*okp)
		return st;
	while ((st = multi_line(p, &l, &end)) == MA_OK && !end) {
		unsigned long num;
		uint32_t ref;
		char *e;
		bool taken;

		num = strtoul(l, &e, 10);
		/* In number order (as LIST), each once. */
		if (e == l || *e != ' ' || e[1] == '\0' || num <= prev ||
		    num > UINT32_MAX || strlen(e + 1) > 70)
			return fetch_conn_fail(p->c, MA_EPROTO,
					       "malformed UIDL line");
		prev = num;
		ml->total++;
		if ((st = range_add(ml, (uint32_t)num)) != MA_OK)
			return st;
		taken = state_find_uidl(state, e + 1, &ref);
		if (taken && !all)
			continue;
		if (!taken &&
		    (st = state_intern_uidl(state, e + 1, &ref)) != MA_OK)
			return st == MA_EDATA
				   ? fetch_conn_fail(p->c, MA_EPROTO,
						     "malformed UIDL line")
				   : st;
		if ((st = list_add(ml, (uint32_t)num, ref, 0,
				   taken ? MSG_TAKEN : 0)) != MA_OK)
			return st;
	}
	return st;
}

/*
 * LIST into ml: the sizes of the messages UIDL listed (have_uidl), else
 * every message. With UIDL, LIST and UIDL must list the same messages: a
 * message without a UIDL could never be told taken or not.
 */
static enum ma_status
list_sizes(struct pop *p, struct pop_list *ml, bool have_uidl)
{
	size_t k = 0, r = 0, nlist = 0;
	unsigned long prev = 0;
	enum ma_status st;
	const char *l;
	bool ok, end = false;

	if ((st = command(p, "LIST\r\n", &ok)) != MA_OK)
		return st;
	if (!ok)
		return fetch_conn_fail(p->c, MA_EPROTO, "LIST failed: %s",
				       p->line.data);
	while ((st = multi_line(p, &l, &end)) == MA_OK && !end) {
		unsigned long long size;
		unsigned long num;
		uint32_t sz;
		char *e;

		num = strtoul(l, &e, 10);
		if (e == l || *e != ' ' || num <= prev || num > UINT32_MAX)
			return fetch_conn_fail(p->c, MA_EPROTO,
					       "malformed LIST line");
		prev = num;
		size = strtoull(e + 1, NULL, 10);
		sz = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
		nlist++;
		if (!have_uidl) {
			ml->total++;
			if ((st = list_add(ml, (uint32_t)num, STATE_NO_UIDL, sz,
					   0)) != MA_OK)
				return st;
			continue;
		}
		while (r < ml->nranges && ml->ranges[2 * r + 1] < num)
			r++;
		if (r == ml->nranges || ml->ranges[2 * r] > num)
			return fetch_conn_fail(p->c, MA_EPROTO,
					       "UIDL misses message %lu", num);
		while (k < ml->n && ml->m[k].num < num)
			k++;
		if (k < ml->n && ml->m[k].num == num)
			ml->m[k].size = sz;
	}
	/* Every LIST number is a UIDL one, both lists have no repeats: the
	 * same count means the same messages. */
	if (st == MA_OK && have_uidl && nlist != ml->total)
		st = fetch_conn_fail(p->c, MA_EPROTO,
				     "UIDL lists %zu messages, LIST %zu",
				     ml->total, nlist);
	return st;
}

/*
 * UIDL, then LIST, into ml. *have_uidlp is false if UIDL is refused.
 * all: keep the messages already taken in ml too (to delete them).
 */
static enum ma_status
listing(struct pop *p, struct fetch_state *state, bool all, struct pop_list *ml,
	bool *have_uidlp)
{
	enum ma_status st;

	if ((st = list_uidls(p, state, all, ml, have_uidlp)) != MA_OK)
		return st;
	return list_sizes(p, ml, *have_uidlp);
}

/* Send cmds for idx[0..n) with up to window in flight; reply() reads one. */
static enum ma_status
pipeline(struct pop *p, struct fetch_sink *sink, struct pop_list *ml,
	 const uint32_t *idx, size_t n, size_t window, bool dele)
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
				    dele ? "DELE" : "RETR",
				    (unsigned long)ml->m[idx[sent]].num);

				if (k < 0 || (size_t)k >= sizeof cmds - len)
					break;
				len += (size_t)k;
				sent++;
			}
			if ((st = fetch_conn_send(p->c, cmds, len)) != MA_OK)
				break;
		}
		uint32_t i = idx[done++];
		struct pop_msg *msg = &ml->m[i];
		enum ma_status wst = MA_OK;
		bool ok;

		if ((st = status_line(p, &ok)) != MA_OK)
			break;
		if (!ok) {
			log_warn("%s: %s of message %lu failed: %s", sink->what,
				 dele ? "DELE" : "RETR",
				 (unsigned long)msg->num, p->line.data);
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
		if ((st = fetch_sink_commit_ref(sink, NULL, 0, msg->uidl)) ==
		    MA_OK)
			ml->flags[i] |= MSG_FETCHED;
	}
	return st;
}

/*
 * pick_new - the messages to fetch, oldest first, into *idxp (malloc'd;
 * how many in *ntodop, their size in *bytes): not yet taken (by UIDL)
 * and within the budget. Message numbers follow arrival (RFC 1939 has the
 * maildrop in order), so a spent budget leaves the newest.
 */
static enum ma_status
pick_new(struct fetch_sink *sink, const struct pop_list *ml, uint32_t **idxp,
	 size_t *ntodop, unsigned long long *bytes)
{
	size_t ntodo = 0, fresh = 0;
	uint32_t *idx;

	for (size_t i = 0; i < ml->n; i++)
		fresh += !(ml->flags[i] & MSG_TAKEN);
	if ((idx = malloc((fresh + 1) * sizeof *idx)) == NULL)
		return MA_ENOMEM;
	for (size_t i = 0; i < ml->n; i++) {
		if ((ml->flags[i] & MSG_TAKEN) ||
		    !fetch_sink_budget_take(sink, ml->m[i].size))
			continue;
		idx[ntodo++] = (uint32_t)i;
		*bytes += ml->m[i].size;
	}
	*idxp = idx;
	*ntodop = ntodo;
	return MA_OK;
}

/*
 * delete_durable - delete on the server only what is durable: recorded in
 * the state (after the sync), or fetched and flushed in this session.
 */
static enum ma_status
delete_durable(struct pop *p, struct fetch_sink *sink, struct pop_list *ml,
	       size_t window)
{
	size_t ndel = 0;
	uint32_t *idx;
	enum ma_status st;

	for (size_t i = 0; i < ml->n; i++)
		ndel += (ml->flags[i] & (MSG_TAKEN | MSG_FETCHED)) != 0;
	if ((idx = calloc(ndel + 1, sizeof *idx)) == NULL)
		return MA_ENOMEM;
	ndel = 0;
	for (size_t i = 0; i < ml->n; i++)
		if (ml->flags[i] & (MSG_TAKEN | MSG_FETCHED))
			idx[ndel++] = (uint32_t)i;
	st = pipeline(p, sink, ml, idx, ndel, window, true);
	if (st == MA_OK && ndel > 0)
		log_info("%s: deleting %zu messages on the server", sink->what,
			 ndel);
	free(idx);
	return st;
}

enum ma_status
pop3_run(struct fetch_conn *c, const struct account *a, struct fetch_sink *sink)
{
	bool del = a->delete_on_server, have_uidl, ok;
	struct pop_list ml = {0};
	struct pop p;
	struct buf caps;
	size_t ntodo = 0, window;
	uint32_t *idx = NULL;
	unsigned long long bytes = 0;
	enum ma_status st;

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
	if ((st = listing(&p, sink->st, del, &ml, &have_uidl)) != MA_OK)
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
	/* Forget UIDLs the server no longer has: all that listing() did
	 * not mark. */
	if (have_uidl)
		state_keep_marked(sink->st);
	if ((st = pick_new(sink, &ml, &idx, &ntodo, &bytes)) != MA_OK)
		goto out;
	log_debug("%s: %zu messages, %zu new", sink->what, ml.total, ntodo);
	fetch_sink_start(sink, ntodo, bytes);
	st = pipeline(&p, sink, &ml, idx, ntodo, window, false);
	if (st == MA_OK)
		st = fetch_sink_flush(sink);
	if (st == MA_OK && del)
		st = delete_durable(&p, sink, &ml, window);
	if (st == MA_OK && (st = command(&p, "QUIT\r\n", &ok)) == MA_OK && !ok)
		st = fetch_conn_fail(c, MA_ETEMP,
				     "QUIT failed, nothing was deleted: %s",
				     p.line.data);
out:
	free(idx);
	free_list(&ml);
	free(p.out);
	buf_release(&p.line);
	buf_release(&caps);
	return st;
}
