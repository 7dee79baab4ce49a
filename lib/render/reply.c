/*
 * The Reply link of a message page: a mailto: URL (RFC 6068, mailto.h)
 * to the message's Reply-To (else its From: the reply goes where the
 * sender asked replies to go), Cc the archived mailbox (the address of
 * the account that brought the message, so that the reply is fetched
 * into the archive and joins the thread), with In-Reply-To, References
 * and "Re: SUBJECT". The same headers are shown in a collapsed block for
 * mail clients that ignore a mailto: URL's headers. With address_display
 * other than full the sender's address is not on the page, so the link
 * goes to the archived mailbox alone.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "mailto.h"
#include "mime.h"
#include "render_int.h"

/* A reply's subject keeps this many characters of the original's. */
#define REPLY_SUBJECT_CHARS 1000

/* The address of the account that brought m, else the first account's. */
static const char *
reply_cc(struct run *r, notmuch_message_t *m)
{
	const char *const *acc = r->o->reply_accounts;
	notmuch_tags_t *tags;

	if (acc == NULL || acc[0] == NULL)
		return NULL;
	for (size_t i = 0; acc[i] != NULL && acc[i + 1] != NULL; i += 2) {
		bool hit = false;

		for (tags = notmuch_message_get_tags(m);
		     notmuch_tags_valid(tags) && !hit;
		     notmuch_tags_move_to_next(tags)) {
			const char *t = notmuch_tags_get(tags);

			hit = strncmp(t, "account:", 8) == 0 &&
			      strcmp(t + 8, acc[i]) == 0;
		}
		if (hit)
			return acc[i + 1];
	}
	return acc[1];
}

/* A header's value in the header block data[0..len), folded lines and
 * all, malloc'd; NULL when it is not there (or no memory: *st). */
static char *
header_value(const char *data, size_t len, const char *name, enum ma_status *st)
{
	size_t n = strlen(name), i = 0;

	while (i < len && data[i] != '\n' &&
	       !(data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')) {
		size_t end = i;

		/* The field: its line and the folded ones after it. */
		do {
			const char *nl = memchr(data + end, '\n', len - end);

			end = nl != NULL ? (size_t)(nl - data) + 1 : len;
		} while (end < len && (data[end] == ' ' || data[end] == '\t'));
		if (end - i > n && data[i + n] == ':' &&
		    strncasecmp(data + i, name, n) == 0) {
			char *v = g_strndup(data + i + n + 1, end - i - n - 1);

			if (v == NULL)
				*st = MA_ENOMEM;
			return v;
		}
		i = end;
	}
	return NULL;
}

char *
reply_header_value(const char *data, size_t len, const char *name,
		   enum ma_status *st)
{
	return header_value(data, len, name, st);
}

/* Header values past this are not a reply's business. */
#define REPLY_HEADER_MAX (64 << 10)

enum ma_status
reply_note(struct tmsg *t, const char *data, size_t len)
{
	enum ma_status st = MA_OK;
	char *v;

	if ((v = header_value(data, len, "Reply-To", &st)) != NULL &&
	    strlen(v) <= REPLY_HEADER_MAX)
		t->reply_to = strdup(v);
	g_free(v);
	if (st == MA_OK &&
	    (v = header_value(data, len, "References", &st)) != NULL &&
	    strlen(v) <= REPLY_HEADER_MAX)
		t->refs = strdup(v);
	g_free(v);
	return st;
}

/* The addresses replies go to: Reply-To, else From, of the primary
 * version (a, as mime_parse_addrs() gives them; *own: free them). */
static enum ma_status
reply_to(struct run *r, const struct tmsg *t, const struct mime_addr **ap,
	 size_t *np, bool *own)
{
	struct mime_addr *a = NULL;

	*ap = NULL;
	*np = 0;
	*own = false;
	if (r->o->addr != RENDER_ADDR_FULL)
		return MA_OK;
	if (t->reply_to != NULL) {
		if (mime_parse_addrs(t->reply_to, &a, np) == MA_ENOMEM)
			return MA_ENOMEM;
		*ap = a;
		*own = a != NULL;
		if (*np > 0)
			return MA_OK;
	}
	if (t->mm != NULL) {
		*ap = t->mm->from;
		*np = t->mm->nfrom;
		*own = false;
	}
	return MA_OK;
}

/* The collapsed block: each header as a client should send it. */
static enum ma_status
reply_headers(struct buf *b, const struct mailto_reply *m)
{
	enum ma_status st;

	ADD(buf_adds(b, "<details class=\"reply\"><summary>Headers for a "
			"reply from any mail client</summary><pre>"));
	if (m->nto > 0) {
		ADD(buf_adds(b, "To: "));
		for (size_t i = 0; i < m->nto; i++) {
			ADD(buf_adds(b, i > 0 ? ", " : ""));
			ADD(html_escapes(b, m->to[i]));
		}
		ADD(buf_addc(b, '\n'));
	}
	if (m->cc != NULL) {
		ADD(buf_adds(b, "Cc: "));
		ADD(html_escapes(b, m->cc));
		ADD(buf_addc(b, '\n'));
	}
	ADD(buf_adds(b, "In-Reply-To: "));
	ADD(html_escapes(b, m->in_reply_to));
	ADD(buf_adds(b, "\nReferences: "));
	ADD(html_escapes(b, m->references));
	ADD(buf_adds(b, "\nSubject: "));
	ADD(html_escapes(b, m->subject));
	return buf_adds(b, "</pre></details>\n");
}

static enum ma_status
reply_write(struct buf *b, const struct mailto_reply *m)
{
	struct buf url;
	enum ma_status st;

	buf_init(&url, 1 << 20);
	st = mailto_url(&url, m);
	if (st == MA_OK)
		st = buf_adds(b, "<p class=\"reply\"><a href=\"");
	if (st == MA_OK)
		st = html_escapes(b, buf_cstr(&url));
	if (st == MA_OK)
		st = buf_adds(b, "\">Reply by email</a></p>\n");
	if (st == MA_OK)
		st = reply_headers(b, m);
	buf_release(&url);
	return st;
}

enum ma_status
reply_html(struct run *r, struct buf *b, const struct tmsg *t)
{
	struct mailto_reply m = {0};
	const struct mime_addr *a = NULL;
	const char **to = NULL;
	char *irt = NULL, *subj = NULL, *refs = NULL, *cut = NULL;
	const char *s0;
	size_t na = 0;
	bool own = false;
	enum ma_status st;

	if (!r->o->reply_links || t->nm == NULL)
		return MA_OK;
	if ((st = reply_to(r, t, &a, &na, &own)) != MA_OK)
		return st;
	m.cc = reply_cc(r, t->nm);
	if ((to = calloc(na + 1, sizeof *to)) == NULL)
		st = MA_ENOMEM;
	for (size_t i = 0; st == MA_OK && i < na; i++)
		/* Not the archive's own address twice. */
		if (a[i].addr[0] &&
		    (m.cc == NULL || strcasecmp(a[i].addr, m.cc)))
			to[m.nto++] = a[i].addr;
	if (st == MA_OK && m.nto == 0 && m.cc == NULL)
		goto out; /* nowhere to send it */
	/* A subject of megabytes is not worth a link of megabytes. */
	s0 = t->mm != NULL ? t->mm->subject : t->e->lst->subject;
	if (s0 == NULL)
		s0 = "";
	cut = g_strndup(s0, text_cap_len(s0, strlen(s0), REPLY_SUBJECT_CHARS));
	subj = cut != NULL ? mailto_subject(cut) : NULL;
	refs = mailto_references(t->refs, t->e->msgid);
	irt = g_strdup_printf("<%s>", t->e->msgid);
	if (st == MA_OK && (subj == NULL || refs == NULL || irt == NULL))
		st = MA_ENOMEM;
	m.to = to;
	m.subject = subj;
	m.references = refs;
	m.in_reply_to = irt;
	if (st == MA_OK)
		st = reply_write(b, &m);
out:
	g_free(irt);
	g_free(cut);
	free(subj);
	free(refs);
	free(to);
	if (own)
		mime_addrs_free((struct mime_addr *)a, na);
	return st;
}
