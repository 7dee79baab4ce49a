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
#include "env.h"
#include "extsort.h"
#include "log.h"
#include "pop3.h"
#include "state.h"

#define POP3_LINE_MAX 65536
/* Commands in flight with PIPELINING (RFC 2449 6.6). */
#define POP3_WINDOW 256
#define POP3_OUT    65536

/*
 * The maildrop as this run needs it, in memory that hardly grows with
 * it (#16): two bits a message (250 kB at a million), by its position in
 * the UIDL listing (taken: in the state, or fetched and committed in
 * this session; want: to fetch in this run), and the message numbers as
 * ranges (lo, hi pairs; RFC 1939 numbers a maildrop 1..N, so that is one
 * range). The
 * UIDLs themselves go to two temporary files in the state's folder: in
 * listing order (order: read once, in step with the fetch, to record
 * each message's UIDL) and sorted (sorted: joined with the state's
 * sorted UIDLs to find what is taken).
 */
struct pop_list {
	size_t total;
	unsigned char *taken, *want;
	size_t bits_cap; /* bytes of each */
	uint32_t *ranges;
	size_t nranges, ranges_cap;
	struct recfile *order;
	struct extsort *sorted;
	size_t order_pos; /* records read from order */
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
free_list(struct pop_list *ml)
{
	free(ml->taken);
	free(ml->want);
	free(ml->ranges);
	recfile_free(ml->order);
	extsort_free(ml->sorted);
	memset(ml, 0, sizeof *ml);
}

static bool
bit_get(const unsigned char *v, size_t i)
{
	return v[i / 8] >> (i % 8) & 1;
}

static void
bit_set(unsigned char *v, size_t i)
{
	v[i / 8] |= (unsigned char)(1u << (i % 8));
}

static void
bit_clear(unsigned char *v, size_t i)
{
	v[i / 8] &= (unsigned char)~(1u << (i % 8));
}

/* The first position from i on with its bit set in v, or ml->total. */
static size_t
bit_next(const struct pop_list *ml, const unsigned char *v, size_t i)
{
	while (i < ml->total) {
		if (i % 8 == 0 && v[i / 8] == 0) {
			i += 8;
			continue;
		}
		if (bit_get(v, i))
			return i;
		i++;
	}
	return ml->total;
}

/* Room for position ml->total in both bitmaps. */
static enum ma_status
bits_grow(struct pop_list *ml)
{
	size_t need = ml->total / 8 + 1, cap;
	unsigned char *t, *w;

	if (need <= ml->bits_cap)
		return MA_OK;
	cap = ml->bits_cap ? 2 * ml->bits_cap : 4096;
	if ((t = realloc(ml->taken, cap)) == NULL)
		return MA_ENOMEM;
	ml->taken = t;
	if ((w = realloc(ml->want, cap)) == NULL)
		return MA_ENOMEM;
	ml->want = w;
	memset(t + ml->bits_cap, 0, cap - ml->bits_cap);
	memset(w + ml->bits_cap, 0, cap - ml->bits_cap);
	ml->bits_cap = cap;
	return MA_OK;
}

/* The message numbers of positions, in order: a cursor on ml->ranges. */
struct num_cursor {
	size_t r;     /* the range */
	size_t first; /* the position of its first message */
};

static uint32_t
num_at(const struct pop_list *ml, struct num_cursor *c, size_t pos)
{
	while (pos - c->first >
	       ml->ranges[2 * c->r + 1] - ml->ranges[2 * c->r]) {
		c->first += ml->ranges[2 * c->r + 1] - ml->ranges[2 * c->r] + 1;
		c->r++;
	}
	return ml->ranges[2 * c->r] + (uint32_t)(pos - c->first);
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
 * UIDL into ml: each message's UIDL into ml->order and ml->sorted, its
 * number into ml->ranges. *okp false: UIDL was refused.
 */
static enum ma_status
list_uidls(struct pop *p, struct pop_list *ml, bool *okp)
{
	enum ma_status st;
	const char *l;
	unsigned long prev = 0;
	bool end = false;

	if ((st = command(p, "UIDL\r\n", okp)) != MA_OK || !*okp)
		return st;
	while ((st = multi_line(p, &l, &end)) == MA_OK && !end) {
		unsigned long num;
		const char *u;
		size_t len;
		char *e;

		num = strtoul(l, &e, 10);
		u = e + 1;
		/* In number order (as LIST), each once; RFC 1939 7: 1 to
		 * 70 characters 0x21 to 0x7E. */
		if (e == l || *e != ' ' || *u == '\0' || num <= prev ||
		    num > UINT32_MAX || (len = strlen(u)) > 70 ||
		    strpbrk(u, " \r") != NULL || ml->total >= UINT32_MAX)
			return fetch_conn_fail(p->c, MA_EPROTO,
					       "malformed UIDL line");
		prev = num;
		if ((st = range_add(ml, (uint32_t)num)) != MA_OK ||
		    (st = bits_grow(ml)) != MA_OK ||
		    (st = recfile_put(ml->order, u, len, (uint32_t)num)) !=
			MA_OK ||
		    (st = extsort_add(ml->sorted, u, len,
				      (uint32_t)ml->total)) != MA_OK)
			return st;
		ml->total++;
	}
	return st;
}

static void
mark_taken(void *arg, uint32_t pos)
{
	bit_set(((struct pop_list *)arg)->taken, pos);
}

/*
 * Which messages are taken: the listing, sorted by UIDL, joined with the
 * state's UIDLs (whole strings compared); the state forgets the UIDLs the
 * server no longer lists. Every message not taken is wanted.
 */
static enum ma_status
join(struct fetch_state *state, struct pop_list *ml)
{
	enum ma_status st;

	if ((st = extsort_finish(ml->sorted)) == MA_OK)
		st = state_keep_sorted(state, ml->sorted, mark_taken, ml);
	extsort_free(ml->sorted);
	ml->sorted = NULL;
	for (size_t i = 0; st == MA_OK && i < ml->total; i++)
		if (!bit_get(ml->taken, i))
			bit_set(ml->want, i);
	if (st == MA_OK)
		st = recfile_rewind(ml->order);
	return st;
}

/*
 * LIST: the sizes of the messages UIDL listed (have_uidl), else of every
 * message (then all wanted). With UIDL, LIST and UIDL must list the same
 * messages: a message without a UIDL could never be told taken or not.
 * Both list them in number order, so LIST's k-th line is position k. The
 * wanted ones are offered to the budget oldest first, as they come (how
 * many and their bytes into *ntodop and *bytesp); one it refuses is no
 * longer wanted. Message numbers follow arrival (RFC 1939 has the
 * maildrop in order), so a spent budget leaves the newest.
 */
static enum ma_status
list_sizes(struct pop *p, struct fetch_sink *sink, struct pop_list *ml,
	   bool have_uidl, size_t *ntodop, unsigned long long *bytesp)
{
	size_t r = 0, nlist = 0;
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
		size_t pos = nlist;
		char *e;

		num = strtoul(l, &e, 10);
		if (e == l || *e != ' ' || num <= prev || num > UINT32_MAX ||
		    nlist >= UINT32_MAX)
			return fetch_conn_fail(p->c, MA_EPROTO,
					       "malformed LIST line");
		prev = num;
		size = strtoull(e + 1, NULL, 10);
		nlist++;
		if (!have_uidl) {
			if ((st = range_add(ml, (uint32_t)num)) != MA_OK ||
			    (st = bits_grow(ml)) != MA_OK)
				return st;
			bit_set(ml->want, ml->total++);
		} else {
			while (r < ml->nranges && ml->ranges[2 * r + 1] < num)
				r++;
			if (r == ml->nranges || ml->ranges[2 * r] > num)
				return fetch_conn_fail(p->c, MA_EPROTO,
						       "UIDL misses message "
						       "%lu",
						       num);
			if (pos >= ml->total)
				continue; /* the count below says why */
		}
		if (!bit_get(ml->want, pos))
			continue;
		if (!fetch_sink_budget_take(sink, size)) {
			bit_clear(ml->want, pos);
			continue;
		}
		(*ntodop)++;
		*bytesp += size;
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
 * The UIDL of position pos (NUL-terminated in uidl, of UIDL_BUF bytes),
 * from ml->order: positions come in order, so it is read once, forward.
 */
#define UIDL_BUF 80

static enum ma_status
uidl_at(struct pop_list *ml, size_t pos, char *uidl)
{
	enum ma_status st;
	const char *k = NULL;
	size_t n = 0;
	uint32_t num;
	bool end = false;

	while (ml->order_pos <= pos) {
		if ((st = recfile_get(ml->order, &k, &n, &num, &end)) != MA_OK)
			return st;
		if (end || n >= UIDL_BUF)
			return MA_EIO;
		ml->order_pos++;
		if (ml->order_pos == pos + 1) {
			memcpy(uidl, k, n);
			uidl[n] = '\0';
		}
	}
	return MA_OK;
}

/*
 * Send RETR (or DELE, dele) for the positions set in v, n of them, with
 * up to window in flight. A message retrieved and committed is set in
 * ml->taken.
 */
static enum ma_status
pipeline(struct pop *p, struct fetch_sink *sink, struct pop_list *ml,
	 const unsigned char *v, size_t n, size_t window, bool dele,
	 bool have_uidl)
{
	struct num_cursor sc = {0}, dc = {0};
	size_t sent = 0, done = 0, spos = 0, dpos = 0;
	enum ma_status st = MA_OK;

	while (done < n && st == MA_OK) {
		/* Refill the window once half of it is answered, all in one
		 * write: one TLS record and one wake-up of the server for
		 * many commands. */
		if (sent < n && sent - done <= window / 2) {
			char cmds[POP3_WINDOW * 32];
			size_t len = 0;

			while (sent < n && sent - done < window) {
				size_t pos = bit_next(ml, v, spos);
				int k = snprintf(
				    cmds + len, sizeof cmds - len, "%s %lu\r\n",
				    dele ? "DELE" : "RETR",
				    (unsigned long)num_at(ml, &sc, pos));

				if (k < 0 || (size_t)k >= sizeof cmds - len)
					break;
				len += (size_t)k;
				sent++;
				spos = pos + 1;
			}
			if ((st = fetch_conn_send(p->c, cmds, len)) != MA_OK)
				break;
		}
		size_t pos = bit_next(ml, v, dpos);
		enum ma_status wst = MA_OK;
		char uidl[UIDL_BUF];
		bool ok;

		dpos = pos + 1;
		done++;
		if ((st = status_line(p, &ok)) != MA_OK)
			break;
		if (!ok) {
			log_warn("%s: %s of message %lu failed: %s", sink->what,
				 dele ? "DELE" : "RETR",
				 (unsigned long)num_at(ml, &dc, pos),
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
		if (have_uidl && (st = uidl_at(ml, pos, uidl)) != MA_OK) {
			fetch_sink_abort(sink);
			break;
		}
		if ((st = fetch_sink_commit(sink, NULL, 0,
					    have_uidl ? uidl : NULL)) == MA_OK)
			bit_set(ml->taken, pos);
	}
	return st;
}

/* How many positions v sets. */
static size_t
bit_count(const struct pop_list *ml, const unsigned char *v)
{
	size_t n = 0;

	for (size_t i = bit_next(ml, v, 0); i < ml->total;
	     i = bit_next(ml, v, i + 1))
		n++;
	return n;
}

/*
 * delete_durable - delete on the server only what is durable: recorded in
 * the state (after the sync), or fetched and flushed in this session.
 */
static enum ma_status
delete_durable(struct pop *p, struct fetch_sink *sink, struct pop_list *ml,
	       size_t window)
{
	size_t ndel = bit_count(ml, ml->taken);
	enum ma_status st;

	st = pipeline(p, sink, ml, ml->taken, ndel, window, true, true);
	if (st == MA_OK && ndel > 0)
		log_info("%s: deleting %zu messages on the server", sink->what,
			 ndel);
	return st;
}

/*
 * The records in a sort's run in memory: MAILARC_POP3_RUN (tests make it
 * small to go through the merge of many runs), else extsort's default.
 */
static size_t
run_records(void)
{
	return env_count("MAILARC_POP3_RUN", 0, 1000000);
}

enum ma_status
pop3_run(struct fetch_conn *c, const struct account *a, struct fetch_sink *sink)
{
	bool del = a->delete_on_server, have_uidl, ok;
	struct fetch_state *state = sink->st;
	struct pop_list ml = {0};
	struct pop p;
	struct buf caps;
	size_t ntodo = 0, window;
	unsigned long long bytes = 0;
	enum ma_status st;

	pop_init(&p, c);
	buf_init(&caps, POP3_LINE_MAX);
	state->run_records = run_records();
	if ((p.out = malloc(POP3_OUT)) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = recfile_open(state->dir, state->prefix, &ml.order)) !=
		MA_OK ||
	    (st = extsort_new(state->dir, state->prefix, state->run_records,
			      &ml.sorted)) != MA_OK)
		goto out;
	if ((st = pop3_capabilities(c, &caps)) != MA_OK)
		goto out;
	window =
	    strstr(caps.data ? caps.data : "", "PIPELINING") ? POP3_WINDOW : 1;
	if ((st = list_uidls(&p, &ml, &have_uidl)) != MA_OK)
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
	/* What is taken; the state forgets UIDLs the server no longer
	 * has. */
	if (have_uidl && (st = join(state, &ml)) != MA_OK)
		goto out;
	if ((st = list_sizes(&p, sink, &ml, have_uidl, &ntodo, &bytes)) !=
	    MA_OK)
		goto out;
	log_debug("%s: %zu messages, %zu new", sink->what, ml.total, ntodo);
	fetch_sink_start(sink, ntodo, bytes);
	st = pipeline(&p, sink, &ml, ml.want, ntodo, window, false, have_uidl);
	if (st == MA_OK)
		st = fetch_sink_flush(sink);
	if (st == MA_OK && del)
		st = delete_durable(&p, sink, &ml, window);
	if (st == MA_OK && (st = command(&p, "QUIT\r\n", &ok)) == MA_OK && !ok)
		st = fetch_conn_fail(c, MA_ETEMP,
				     "QUIT failed, nothing was deleted: %s",
				     p.line.data);
out:
	free_list(&ml);
	free(p.out);
	buf_release(&p.line);
	buf_release(&caps);
	return st;
}
