/*
 * IMAP4rev1 (RFC 3501) for mailarc-fetch, over a connection that libcurl
 * opened and logged in (fetch_conn.h says why). What it sends:
 *
 *	CAPABILITY                        (UIDPLUS decides how to expunge)
 *	ENABLE UTF8=ACCEPT                when offered (RFC 6855)
 *	LIST "" "*" RETURN (SPECIAL-USE)  for folder = * (RFC 5258, 6154)
 *	EXAMINE folder                    (keep: read-only, flags untouched)
 *	SELECT folder                     (on_server = delete)
 *	UID FETCH 1:* (UID RFC822.SIZE)   what the folder holds
 *	UID FETCH set (UID BODY.PEEK[])   the new ones; PEEK never sets \Seen
 *	UID STORE set +FLAGS.SILENT (\Deleted), UID EXPUNGE set (or EXPUNGE)
 *	LOGOUT
 *
 * A message body arrives as a literal, {N} and N bytes (RFC 3501 4.3),
 * streamed to the spool through a fixed buffer whatever N is.
 *
 * Folder names are UTF-8 everywhere in mailarc (configuration, state,
 * messages). On the wire they are modified UTF-7 (RFC 3501 5.1.3), or
 * UTF-8 once the server has ENABLEd UTF8=ACCEPT. LIST responses are
 * parsed, and folders for folder = * chosen, in imap_folder.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "imap.h"
#include "imap_int.h"
#include "log.h"
#include "uidset.h"
#include "utf7.h"

#define IMAP_LINE_MAX (1u << 20)
/*
 * The longest UID set in one UID FETCH / STORE / EXPUNGE command. RFC 7162
 * 4 asks clients to keep command lines under 8,192 octets; a set of
 * consecutive UIDs is one range ("1:10000"), so a folder fetched whole
 * is one command and the server streams it without a pause.
 */
#define IMAP_SET_LEN 4000

struct imap {
	struct fetch_conn *c;
	unsigned tagno;
	char tag[16];
	struct buf line;
	struct buf *caps; /* CAPABILITY goes here when set */
	unsigned long exists, uidvalidity;
	char result[8]; /* OK, NO or BAD of the last command */
	char text[160]; /* and its text */
	/* The open folder's listing (UID FETCH 1:* (UID RFC822.SIZE)),
	 * while listing is set: the UIDs the server has, and those this
	 * run takes (not in the state, within the budget of budget), as
	 * ranges (uidset.h), so that a folder of a million messages costs
	 * what one of a thousand does. */
	bool listing;
	struct fetch_sink *budget;
	struct uidset listed, wanted;
	uint64_t wanted_bytes;
	struct fetch_sink *sink; /* bodies go here while fetching */
	struct state_folder *folder;
	bool failed_body; /* a body could not be stored */
	enum ma_status body_st;
	bool utf8;		  /* UTF8=ACCEPT is enabled */
	struct imap_folder *list; /* LIST responses go here when */
	size_t nlist, list_cap;	  /* collecting is set */
	bool collecting;
	bool logging_out; /* a BYE is expected */
};

static void
imap_init(struct imap *im, struct fetch_conn *c)
{
	memset(im, 0, sizeof *im);
	im->c = c;
	buf_init(&im->line, IMAP_LINE_MAX);
}

static void
imap_release(struct imap *im)
{
	buf_release(&im->line);
	uidset_free(&im->listed);
	uidset_free(&im->wanted);
	imap_folders_free(im->list, im->nlist);
}

/* Read and drop n bytes (a literal we have no use for). */
static enum ma_status
skip_bytes(struct imap *im, uint64_t n)
{
	enum ma_status st;
	const char *p;
	size_t k;

	while (n > 0) {
		st = fetch_conn_raw(im->c, n > SIZE_MAX ? SIZE_MAX : (size_t)n,
				    &p, &k);
		if (st != MA_OK)
			return st;
		n -= k;
	}
	return MA_OK;
}

/* Stream a message body literal into the spool. */
static enum ma_status
store_body(struct imap *im, uint64_t n)
{
	struct fetch_sink *sink = im->sink;
	enum ma_status st, wst = MA_OK;
	const char *p;
	size_t n_read;

	if ((st = fetch_sink_begin(sink)) != MA_OK)
		wst = st;
	while (n > 0) {
		st = fetch_conn_raw(im->c, n > SIZE_MAX ? SIZE_MAX : (size_t)n,
				    &p, &n_read);
		if (st != MA_OK)
			return st;
		n -= n_read;
		progress_add(&sink->prog, 0, n_read);
		/* After a write error the literal is still read to the end,
		 * so the session stays in step; the status comes later. */
		if (wst == MA_OK &&
		    (wst = fetch_sink_write(sink, p, n_read)) != MA_OK)
			fetch_sink_abort(sink);
	}
	if (wst != MA_OK) {
		im->failed_body = true;
		im->body_st = wst;
		return MA_OK;
	}
	return MA_OK;
}

/*
 * One message of the listing. The budget is taken in the order the
 * server lists the messages, which is their sequence order and so their
 * UID order (RFC 3501 2.3.1.1): oldest first, so a spent budget leaves the
 * newest for the next run.
 */
static enum ma_status
add_listing(struct imap *im, uint32_t uid, uint64_t size)
{
	enum ma_status st;

	if (uidset_has(&im->listed, uid))
		return MA_OK; /* listed twice: once is enough */
	if ((st = uidset_add(&im->listed, uid)) != MA_OK)
		return st;
	if (state_has_uid(im->folder, uid) ||
	    !fetch_sink_budget_take(im->budget, size))
		return MA_OK;
	im->wanted_bytes += size;
	return uidset_add(&im->wanted, uid);
}

static enum ma_status
protocol_error(struct imap *im, const char *what)
{
	return fetch_conn_fail(im->c, MA_EPROTO,
			       "the server sent a malformed %s response", what);
}

/*
 * fetch_literal - the literal that ends the line, value of FETCH item name
 * (nlen bytes): the first BODY[] is the message (*body then), the rest is
 * skipped; then the line that follows it.
 */
static enum ma_status
fetch_literal(struct imap *im, const char *name, size_t nlen, bool *body)
{
	enum ma_status st;
	uint64_t lit;

	if (!imap_literal_at_end(&im->line, &lit))
		return protocol_error(im, "FETCH");
	if (im->sink != NULL && nlen >= 6 && strncmp(name, "BODY[]", 6) == 0 &&
	    !*body) {
		*body = true;
		st = store_body(im, lit);
	} else {
		st = skip_bytes(im, lit);
	}
	if (st == MA_OK)
		st = fetch_conn_line(im->c, &im->line);
	return st;
}

/* "* N FETCH (" has been read; p is at the first item. */
static enum ma_status
fetch_resp(struct imap *im, const char *p)
{
	unsigned long long uid = 0, size = 0;
	bool body = false, have_size = false;
	enum ma_status st;

	for (;;) {
		const char *name = p;
		size_t nlen;

		while (*p == ' ')
			p++;
		if (*p == ')')
			break;
		name = p;
		while (*p != '\0' && *p != ' ' && *p != '(' && *p != ')')
			p++;
		/* BODY[section] may hold spaces inside the brackets. */
		if (*name == 'B' && memchr(name, '[', (size_t)(p - name)) &&
		    !memchr(name, ']', (size_t)(p - name)))
			while (*p != '\0' && *p++ != ']')
				;
		nlen = (size_t)(p - name);
		if (nlen == 0 || *p != ' ')
			return protocol_error(im, "FETCH");
		p++;
		if (*p == '{') {
			/* The literal ends this line. */
			if ((st = fetch_literal(im, name, nlen, &body)) !=
			    MA_OK)
				return st;
			p = im->line.data;
			continue;
		}
		if (nlen == 3 && strncmp(name, "UID", 3) == 0) {
			char *end;

			uid = strtoull(p, &end, 10);
			if (end == p || uid == 0 || uid > UINT32_MAX)
				return protocol_error(im, "FETCH UID");
			p = end;
		} else if (nlen == 11 &&
			   strncmp(name, "RFC822.SIZE", 11) == 0) {
			char *end;

			size = strtoull(p, &end, 10);
			if (end == p)
				return protocol_error(im, "FETCH");
			have_size = true;
			p = end;
		} else if (!imap_skip_value(&p)) {
			return protocol_error(im, "FETCH");
		}
	}
	if (body) {
		if (im->failed_body) {
			im->failed_body = false;
			return im->body_st;
		}
		if (uid == 0) {
			/* Without its UID a message cannot be recorded;
			 * it stays on the server for the next run. */
			fetch_sink_abort(im->sink);
			return protocol_error(im, "FETCH (no UID)");
		}
		return fetch_sink_commit(im->sink, im->folder, (uint32_t)uid,
					 NULL);
	}
	if (im->listing && uid != 0 && have_size)
		return add_listing(im, (uint32_t)uid, size);
	return MA_OK;
}

static void
parse_code(struct imap *im, const char *p)
{
	if (strncmp(p, "[UIDVALIDITY ", 13) == 0)
		im->uidvalidity = strtoul(p + 13, NULL, 10);
	else if (strncmp(p, "[CAPABILITY ", 12) == 0 && im->caps != NULL) {
		const char *e = strchr(p, ']');

		buf_reset(im->caps);
		if (e != NULL)
			buf_add(im->caps, p + 12, (size_t)(e - p - 12));
	}
}

static enum ma_status
untagged(struct imap *im)
{
	const char *p = im->line.data + 2;
	uint64_t lit;
	enum ma_status st;

	if (*p >= '0' && *p <= '9') {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (strncmp(end, " FETCH (", 8) == 0)
			return fetch_resp(im, end + 8);
		if (strcmp(end, " EXISTS") == 0)
			im->exists = n;
	} else if (strncmp(p, "OK ", 3) == 0) {
		parse_code(im, p + 3);
	} else if (strncmp(p, "CAPABILITY ", 11) == 0 && im->caps != NULL) {
		buf_reset(im->caps);
		buf_adds(im->caps, p + 11);
	} else if (strncmp(p, "ENABLED ", 8) == 0) {
		if (imap_has_word(p + 8, "UTF8=ACCEPT"))
			im->utf8 = true;
	} else if (strncmp(p, "LIST ", 5) == 0 && im->collecting) {
		if ((st = imap_list_resp(im->c, &im->line, p + 5, im->utf8,
					 &im->list, &im->nlist,
					 &im->list_cap)) != MA_OK)
			return st;
	} else if (strncmp(p, "BYE", 3) == 0 && !im->logging_out) {
		/* RFC 3501 7.1.5: the server is closing the session, often
		 * because it is busy or the account is limited; what was
		 * committed so far is flushed by the caller. */
		return fetch_conn_fail(im->c, MA_ETEMP,
				       "the server ended the session (it "
				       "says: %s); trying again at the next "
				       "run",
				       p);
	} else if (strncmp(p, "BYE", 3) == 0) {
		log_debug("%s: server says: %s", im->c->what, p);
	}
	/* Any other response with literals: read past them. */
	while (imap_literal_at_end(&im->line, &lit)) {
		if ((st = skip_bytes(im, lit)) != MA_OK ||
		    (st = fetch_conn_line(im->c, &im->line)) != MA_OK)
			return st;
	}
	return MA_OK;
}

/* Read responses up to the tagged one; im->result says how it went. */
static enum ma_status
read_response(struct imap *im)
{
	size_t taglen = strlen(im->tag);
	enum ma_status st;

	for (;;) {
		if ((st = fetch_conn_line(im->c, &im->line)) != MA_OK)
			return st;
		if (strncmp(im->line.data, "* ", 2) == 0) {
			if ((st = untagged(im)) != MA_OK)
				return st;
			continue;
		}
		if (strncmp(im->line.data, im->tag, taglen) == 0 &&
		    im->line.data[taglen] == ' ') {
			const char *p = im->line.data + taglen + 1;
			size_t n = strcspn(p, " ");

			snprintf(im->result, sizeof im->result, "%.*s", (int)n,
				 p);
			snprintf(im->text, sizeof im->text, "%s",
				 p[n] ? p + n + 1 : "");
			if (strcmp(im->result, "OK") == 0)
				parse_code(im, im->text);
			else if (fetch_conn_throttled(im->text))
				/* RFC 5530 [THROTTLED], [LIMIT],
				 * [UNAVAILABLE]: not now; the next run
				 * continues where this one stopped. */
				return fetch_conn_fail(
				    im->c, MA_ETEMP,
				    "the server is limiting this account (it "
				    "says: %s %s); backing off until the next "
				    "run",
				    im->result, im->text);
			return MA_OK;
		}
		return protocol_error(im, "untagged");
	}
}

/* Send "TAG command" and read its responses. */
static enum ma_status command(struct imap *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum ma_status
command(struct imap *im, const char *fmt, ...)
{
	struct buf cmd;
	va_list ap;
	enum ma_status st;
	int n;

	snprintf(im->tag, sizeof im->tag, "m%u", ++im->tagno);
	buf_init(&cmd, IMAP_LINE_MAX);
	if ((st = buf_addf(&cmd, "%s ", im->tag)) != MA_OK)
		goto out;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		st = MA_EPROTO;
		goto out;
	}
	{
		char *s = malloc((size_t)n + 1);

		if (s == NULL) {
			st = MA_ENOMEM;
			goto out;
		}
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
		st = buf_add(&cmd, s, (size_t)n);
		free(s);
	}
	if (st == MA_OK)
		st = buf_adds(&cmd, "\r\n");
	if (st == MA_OK)
		st = fetch_conn_send(im->c, cmd.data, cmd.len);
	if (st == MA_OK)
		st = read_response(im);
out:
	buf_release(&cmd);
	return st;
}

static bool
ok(const struct imap *im)
{
	return strcmp(im->result, "OK") == 0;
}

/* A folder name as an IMAP quoted string (RFC 3501 4.3). */
static enum ma_status
quote(const char *s, char *out, size_t size)
{
	size_t j = 0;

	if (j + 1 >= size)
		return MA_ETOOBIG;
	out[j++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n')
			return MA_ECONFIG;
		if (j + 3 >= size)
			return MA_ETOOBIG;
		if (*s == '"' || *s == '\\')
			out[j++] = '\\';
		out[j++] = *s;
	}
	out[j++] = '"';
	out[j] = '\0';
	return MA_OK;
}

enum ma_status
imap_capabilities(struct fetch_conn *c, struct buf *caps)
{
	struct imap im;
	enum ma_status st;

	imap_init(&im, c);
	im.caps = caps;
	st = command(&im, "CAPABILITY");
	if (st == MA_OK && !ok(&im))
		st = fetch_conn_fail(c, MA_EPROTO, "CAPABILITY failed: %s",
				     im.text);
	imap_release(&im);
	return st;
}

/*
 * The UTF-8 folder name as the server takes it, quoted: UTF-8 itself under
 * UTF8=ACCEPT, else modified UTF-7.
 */
static enum ma_status
wire_name(struct imap *im, const char *folder, char *q, size_t size)
{
	char *w = NULL;
	enum ma_status st;

	if (im->utf8)
		st = utf7_utf8_check(folder);
	else
		st = utf7_encode(folder, &w);
	if (st == MA_OK)
		st = quote(w != NULL ? w : folder, q, size);
	free(w);
	if (st == MA_ENOMEM)
		return st;
	if (st != MA_OK)
		return fetch_conn_fail(im->c, MA_ECONFIG,
				       "folder name '%s' cannot be used: %s",
				       folder,
				       st == MA_EDATA ? "it is not UTF-8"
						      : "too long or has a "
							"line break");
	return MA_OK;
}

static enum ma_status
open_folder(struct imap *im, const char *folder, bool rw)
{
	char q[IMAP_FOLDER_NAME_MAX + 8];
	enum ma_status st;

	if ((st = wire_name(im, folder, q, sizeof q)) != MA_OK)
		return st;
	im->exists = 0;
	im->uidvalidity = 0;
	st = command(im, "%s %s", rw ? "SELECT" : "EXAMINE", q);
	if (st != MA_OK)
		return st;
	if (!ok(im)) {
		im->c->step = FETCH_STEP_FOLDER;
		return fetch_conn_fail(im->c, MA_ENOTFOUND,
				       "folder failed: cannot open folder "
				       "'%s': %s",
				       folder, im->text);
	}
	return MA_OK;
}

enum ma_status
imap_examine(struct fetch_conn *c, const char *folder, unsigned long *existsp,
	     unsigned long *uidvalidityp)
{
	struct imap im;
	enum ma_status st;

	imap_init(&im, c);
	st = open_folder(&im, folder, false);
	if (st == MA_OK) {
		*existsp = im.exists;
		*uidvalidityp = im.uidvalidity;
	}
	imap_release(&im);
	return st;
}

void
imap_logout(struct fetch_conn *c)
{
	struct imap im;

	imap_init(&im, c);
	im.logging_out = true;
	command(&im, "LOGOUT");
	imap_release(&im);
}

/*
 * Append the ranges u->r[*ip..) as a sequence set ("1:5,9") to set, up to
 * IMAP_SET_LEN characters; advances *ip past what it holds.
 */
static enum ma_status
make_set(struct buf *set, const struct uidset *u, size_t *ip)
{
	enum ma_status st = MA_OK;
	size_t i = *ip;

	buf_reset(set);
	/* A range is at most 2 * 10 digits, a colon and a comma. */
	for (; i < u->n && set->len + 22 <= IMAP_SET_LEN && st == MA_OK; i++) {
		const struct uid_range *r = &u->r[i];

		if (set->len > 0)
			st = buf_addc(set, ',');
		if (st == MA_OK && r->hi > r->lo)
			st =
			    buf_addf(set, "%" PRIu32 ":%" PRIu32, r->lo, r->hi);
		else if (st == MA_OK)
			st = buf_addf(set, "%" PRIu32, r->lo);
	}
	*ip = i;
	return st;
}

/* on_server = delete: remove what is durable in the spool. */
static enum ma_status
delete_taken(struct imap *im, struct state_folder *f, bool uidplus)
{
	/* Only what the state says is taken: it is recorded after the
	 * spool is synced, so all of it is durable. run_folder() has
	 * already kept only what the server listed. */
	const struct uidset *taken = &f->uids;
	size_t n = taken->count, i = 0;
	struct buf set;
	enum ma_status st = MA_OK;

	buf_init(&set, IMAP_LINE_MAX);
	while (i < taken->n && st == MA_OK) {
		if ((st = make_set(&set, taken, &i)) != MA_OK)
			break;
		st = command(im, "UID STORE %s +FLAGS.SILENT (\\Deleted)",
			     set.data);
		if (st == MA_OK && !ok(im))
			st = fetch_conn_fail(im->c, MA_ETEMP,
					     "cannot mark messages deleted "
					     "in '%s': %s",
					     f->name, im->text);
		if (st == MA_OK && uidplus)
			st = command(im, "UID EXPUNGE %s", set.data);
		else if (st == MA_OK)
			st = command(im, "EXPUNGE");
		if (st == MA_OK && !ok(im))
			st = fetch_conn_fail(im->c, MA_ETEMP,
					     "cannot expunge in '%s': %s",
					     f->name, im->text);
	}
	if (st == MA_OK && n > 0)
		log_info("%s: deleted %zu messages from '%s' on the server",
			 im->c->what, n, f->name);
	buf_release(&set);
	return st;
}

static enum ma_status
run_folder(struct imap *im, const struct account *a, struct fetch_sink *sink,
	   const char *name, bool uidplus)
{
	bool del = a->delete_on_server;
	struct state_folder *f;
	size_t i = 0;
	struct buf set;
	enum ma_status st;

	if ((st = open_folder(im, name, del)) != MA_OK)
		return st;
	if ((f = state_folder(sink->st, name, im->uidvalidity)) == NULL)
		return MA_ENOMEM;
	uidset_clear(&im->listed);
	uidset_clear(&im->wanted);
	im->wanted_bytes = 0;
	if (im->exists > 0) {
		im->listing = true;
		im->budget = sink;
		im->folder = f;
		st = command(im, "UID FETCH 1:* (UID RFC822.SIZE)");
		im->listing = false;
		im->budget = NULL;
		if (st != MA_OK)
			return st;
		if (!ok(im))
			return fetch_conn_fail(im->c, MA_EPROTO,
					       "cannot list folder '%s': %s",
					       name, im->text);
	}
	/* Forget UIDs the server no longer has (expunged). */
	if ((st = state_keep_uids(f, &im->listed)) != MA_OK)
		return st;
	log_debug("%s: folder '%s': %zu messages, %zu new", sink->what, name,
		  im->listed.count, im->wanted.count);
	fetch_sink_start(sink, im->wanted.count, im->wanted_bytes);
	buf_init(&set, IMAP_LINE_MAX);
	im->sink = sink;
	im->folder = f;
	while (i < im->wanted.n && st == MA_OK) {
		if ((st = make_set(&set, &im->wanted, &i)) != MA_OK)
			break;
		st = command(im, "UID FETCH %s (UID BODY.PEEK[])", set.data);
		if (st == MA_OK && strcmp(im->result, "NO") == 0) {
			/* RFC 3501 7.4.1: some messages were expunged by
			 * another client meanwhile; the rest arrived. */
			log_warn("%s: some messages of '%s' could not be "
				 "fetched: %s",
				 sink->what, name, im->text);
		} else if (st == MA_OK && !ok(im)) {
			st = fetch_conn_fail(im->c, MA_EPROTO,
					     "UID FETCH failed in '%s': %s",
					     name, im->text);
		}
	}
	im->sink = NULL;
	buf_release(&set);
	if (st == MA_OK)
		st = fetch_sink_flush(sink);
	if (st == MA_OK && del)
		st = delete_taken(im, f, uidplus);
	return st;
}

/*
 * CAPABILITY into caps, then ENABLE UTF8=ACCEPT when offered: from then on
 * folder names go both ways as UTF-8 (im->utf8 once the server says
 * ENABLED; a server that offers it and does not enable it keeps modified
 * UTF-7).
 */
static enum ma_status
session_start(struct imap *im, struct buf *caps)
{
	enum ma_status st;

	im->caps = caps;
	st = command(im, "CAPABILITY");
	im->caps = NULL;
	if (st == MA_OK && !ok(im))
		st = fetch_conn_fail(im->c, MA_EPROTO, "CAPABILITY failed: %s",
				     im->text);
	if (st == MA_OK && imap_has_word(buf_cstr(caps), "UTF8=ACCEPT")) {
		st = command(im, "ENABLE UTF8=ACCEPT");
		if (st == MA_OK)
			log_debug("%s: UTF8=ACCEPT %s", im->c->what,
				  im->utf8 ? "enabled" : "refused");
	}
	return st;
}

static enum ma_status
list_folders(struct imap *im, const struct buf *caps)
{
	enum ma_status st;

	imap_folders_free(im->list, im->nlist);
	im->list = NULL;
	im->nlist = im->list_cap = 0;
	im->collecting = true;
	/* RFC 6154 2: with LIST-EXTENDED the special-use attributes are
	 * asked for; servers without it send them unasked or not at all. */
	if (imap_has_word(buf_cstr(caps), "LIST-EXTENDED"))
		st = command(im, "LIST \"\" \"*\" RETURN (SPECIAL-USE)");
	else
		st = command(im, "LIST \"\" \"*\"");
	im->collecting = false;
	if (st == MA_OK && !ok(im))
		st = fetch_conn_fail(im->c, MA_EPROTO,
				     "cannot list the folders: %s", im->text);
	return st;
}

enum ma_status
imap_list_folders(struct fetch_conn *c, struct imap_folder **fp, size_t *np)
{
	struct imap im;
	struct buf caps;
	enum ma_status st;

	imap_init(&im, c);
	buf_init(&caps, IMAP_LINE_MAX);
	st = session_start(&im, &caps);
	if (st == MA_OK)
		st = list_folders(&im, &caps);
	if (st == MA_OK) {
		*fp = im.list;
		*np = im.nlist;
		im.list = NULL;
		im.nlist = 0;
	}
	buf_release(&caps);
	imap_release(&im);
	return st;
}

/* folder = *: the folders to fetch, into *namesp (borrowed from im->list). */
static enum ma_status
pick_all(struct imap *im, const struct buf *caps, const char ***namesp,
	 size_t *np)
{
	const char **names;
	size_t *idx, n;
	enum ma_status st;

	if ((st = list_folders(im, caps)) != MA_OK)
		return st;
	idx = malloc((im->nlist + 1) * sizeof *idx);
	names = malloc((im->nlist + 1) * sizeof *names);
	if (idx == NULL || names == NULL) {
		free(idx);
		free(names);
		return MA_ENOMEM;
	}
	n = imap_folder_pick(im->list, im->nlist, idx);
	for (size_t i = 0; i < im->nlist; i++)
		if (im->list[i].flags & IMAP_FOLDER_BADNAME)
			log_warn("%s: folder '%s' is skipped: the server "
				 "sent a name that is not valid modified "
				 "UTF-7",
				 im->c->what, im->list[i].name);
	for (size_t i = 0; i < n; i++) {
		names[i] = im->list[idx[i]].name;
		log_debug("%s: folder = *: '%s'", im->c->what, names[i]);
	}
	log_info("%s: folder = *: %zu of %zu folders%s", im->c->what, n,
		 im->nlist,
		 n > 0 && (im->list[idx[0]].flags & IMAP_FOLDER_ALL)
		     ? " (the \\All folder only)"
		     : "");
	free(idx);
	*namesp = names;
	*np = n;
	return MA_OK;
}

enum ma_status
imap_run(struct fetch_conn *c, const struct account *a, struct fetch_sink *sink)
{
	struct imap im;
	struct buf caps;
	enum ma_status st, worst = MA_OK;
	const char **names = NULL;
	size_t nnames = 0;
	bool uidplus;

	imap_init(&im, c);
	buf_init(&caps, IMAP_LINE_MAX);
	if ((st = session_start(&im, &caps)) != MA_OK)
		goto out;
	uidplus = imap_has_word(buf_cstr(&caps), "UIDPLUS");
	if (account_all_folders(a)) {
		if ((st = pick_all(&im, &caps, &names, &nnames)) != MA_OK)
			goto out;
	} else {
		names = malloc((a->nfolders + 1) * sizeof *names);
		if (names == NULL) {
			st = MA_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < a->nfolders; i++)
			names[nnames++] = a->folders[i];
	}
	for (size_t i = 0; i < nnames; i++) {
		st = run_folder(&im, a, sink, names[i], uidplus);
		/* A missing folder does not stop the others; a broken
		 * session does. */
		if (st == MA_ENOTFOUND) {
			worst = st;
			continue;
		}
		if (st != MA_OK)
			goto out;
	}
	st = worst;
	im.logging_out = true;
	command(&im, "LOGOUT");
out:
	free(names);
	buf_release(&caps);
	imap_release(&im);
	return st;
}
