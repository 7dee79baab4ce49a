/*
 * A message as the site shows it: its attachments published once per
 * content, its headers and body (text, or sanitised HTML in a sandboxed
 * frame) as one fragment that the thread page and its own permalink page
 * (m/NAME.html) both use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "path.h"
#include "render_int.h"

/* Attachments keep an extension only for types a browser shows without
 * running anything; all else is served as a download (.bin). */
static const char *
att_ext(const char *type)
{
	static const struct {
		const char *type, *ext;
	} map[] = {
	    {"image/png", "png"},	{"image/jpeg", "jpg"},
	    {"image/gif", "gif"},	{"image/webp", "webp"},
	    {"application/pdf", "pdf"}, {"text/plain", "txt"},
	    {"text/csv", "csv"},	{"text/calendar", "ics"},
	    {"application/zip", "zip"}, {"application/gzip", "gz"},
	    {"message/rfc822", "eml"},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(type, map[i].type) == 0)
			return map[i].ext;
	return "bin";
}

static void
size_text(size_t n, char out[32])
{
	if (n < 1024)
		snprintf(out, 32, "%zu bytes", n);
	else if (n < 1024 * 1024)
		snprintf(out, 32, "%.1f KB", (double)n / 1024);
	else
		snprintf(out, 32, "%.1f MB", (double)n / (1024 * 1024));
}

static const char *
cid_lookup(void *arg, const char *cid)
{
	struct tmsg *t = arg;
	static char url[96];

	for (size_t i = 0; t->mm != NULL && i < t->mm->natt; i++) {
		const char *c = t->mm->att[i].cid;

		if (c != NULL && t->att_urls[i] != NULL &&
		    strcmp(c, cid) == 0) {
			if (render_fmt(url, sizeof url, "../../%s",
				       t->att_urls[i]) != MA_OK)
				return NULL; /* the image is left out */
			return url;
		}
	}
	return NULL;
}

/* Publish the attachments (once per content) and note them on the entry. */
enum ma_status
write_attachments(struct run *r, struct tmsg *t)
{
	struct buf list;
	enum ma_status st = MA_OK;

	if (t->mm == NULL || t->mm->natt == 0)
		return MA_OK;
	if ((t->att_urls = calloc(t->mm->natt, sizeof *t->att_urls)) == NULL)
		return MA_ENOMEM;
	buf_init(&list, 1 << 20);
	/* Every version's attachments are the entry's. */
	st = buf_adds(&list, entry_atts(t->e));
	for (size_t i = 0; i < t->mm->natt && st == MA_OK; i++) {
		struct mime_att *a = &t->mm->att[i];
		const char *ext = att_ext(a->type);
		char *rel = path_fmt("a/%.2s/%s.%s", a->sha256, a->sha256, ext);
		char token[80];

		if (rel == NULL) {
			st = MA_ENOMEM;
			break;
		}
		t->att_urls[i] = rel;
		if (site_exists(r->site, rel))
			st = site_keep(r->site, rel);
		else
			st = site_put(r->site, rel, a->data, a->size);
		if (st == MA_OK)
			st = render_fmt(token, sizeof token, "%s.%s", a->sha256,
					ext);
		if (st == MA_OK &&
		    strstr(list.data ? list.data : "", token) == NULL) {
			if (list.len > 0)
				st = buf_addc(&list, ' ');
			if (st == MA_OK)
				st = buf_adds(&list, token);
		}
	}
	if (st == MA_OK)
		entry_set_atts(r, t->e, buf_cstr(&list));
	buf_release(&list);
	return st;
}

/* Lines a body of this size will take, roughly, for the iframe height:
 * a sandboxed frame without script cannot size itself. */
static unsigned
frame_height(const char *html, size_t n)
{
	size_t text = 0, blocks = 0, imgs = 0;
	bool tag = false;

	for (size_t i = 0; i < n; i++) {
		if (html[i] == '<') {
			tag = true;
			if (i + 4 < n &&
			    (strncasecmp(html + i + 1, "p", 1) == 0 ||
			     strncasecmp(html + i + 1, "br", 2) == 0 ||
			     strncasecmp(html + i + 1, "tr", 2) == 0 ||
			     strncasecmp(html + i + 1, "li", 2) == 0 ||
			     strncasecmp(html + i + 1, "div", 3) == 0))
				blocks++;
			if (i + 4 < n &&
			    strncasecmp(html + i + 1, "img", 3) == 0)
				imgs++;
		} else if (html[i] == '>') {
			tag = false;
		} else if (!tag && ((unsigned char)html[i] & 0xc0) != 0x80) {
			text++;
		}
	}
	size_t px = 32 + (text / 90 + blocks) * 22 + imgs * 60;
	return (unsigned)(px < 120 ? 120 : px > 2400 ? 2400 : px);
}

static enum ma_status
body_html(struct run *r, struct buf *b, struct tmsg *t)
{
	struct mime_msg *m = t->mm;
	enum ma_status st;

	if (m == NULL)
		return buf_adds(b, "<p class=\"note\">This message could not "
				   "be read.</p>\n");
	if (m->body_len == 0)
		return buf_adds(b, "<p class=\"note\">This message has no "
				   "text.</p>\n");
	if (!m->body_html) {
		ADD(html_text(b, m->body, m->body_len));
		return buf_addc(b, '\n');
	}
	{
		struct html_policy pol = {.remote_images = r->o->remote_images,
					  .cid_url = cid_lookup,
					  .arg = t};
		struct buf doc;

		buf_init(&doc, PAGE_MAX);
		/* The frame's style is inline: a sandboxed frame has an
		 * opaque origin, and under file:// Chromium lets it load no
		 * local file ("Not allowed to load local resource"). The
		 * pages' CSP allows this one style by its hash. */
		st = buf_addf(&doc,
			      "<!DOCTYPE html><html><head><meta "
			      "charset=\"utf-8\"><style>%s</style></head>"
			      "<body class=\"mail\">",
			      frame_css);
		if (st == MA_OK)
			st = html_sanitize(&doc, m->body, m->body_len, &pol);
		if (st == MA_EDATA) {
			/* Markup too deep to parse: show its source as text,
			 * which is safe and still readable. */
			buf_release(&doc);
			ADD(buf_adds(b, "<p class=\"note\">This HTML message "
					"is nested too deeply to display; its "
					"source is shown.</p>\n"));
			ADD(html_text(b, m->body, m->body_len));
			return buf_addc(b, '\n');
		}
		if (st == MA_OK)
			st = buf_adds(&doc, "</body></html>");
		/* sandbox without allow-scripts and without
		 * allow-same-origin: nothing in the frame runs, and it
		 * cannot reach the page. Links open in a new tab. */
		if (st == MA_OK)
			st = buf_addf(b,
				      "<iframe class=\"html\" title=\"HTML "
				      "message\" sandbox=\"allow-popups "
				      "allow-popups-to-escape-sandbox\" "
				      "height=\"%u\" srcdoc=\"",
				      frame_height(doc.data, doc.len));
		if (st == MA_OK)
			st = html_escape(b, doc.data, doc.len);
		if (st == MA_OK)
			st = buf_adds(b, "\"></iframe>\n");
		if (st == MA_OK && pol.blocked_images > 0)
			st = buf_addf(
			    b,
			    "<p class=\"note\">%zu remote image%s "
			    "not loaded, to protect your privacy.</p>\n",
			    pol.blocked_images,
			    pol.blocked_images == 1 ? " was" : "s were");
		buf_release(&doc);
		return st;
	}
}

/* body_html(), and when the message's HTML body showed nothing (mime.h
 * html_blank), a note that says so. */
static enum ma_status
body_noted(struct run *r, struct buf *b, struct tmsg *t)
{
	const struct mime_msg *m = t->mm;
	enum ma_status st = body_html(r, b, t);

	if (st != MA_OK || m == NULL || !m->html_blank)
		return st;
	return buf_addf(b,
			"<p class=\"note\">This message's HTML part shows "
			"nothing in a browser%s; the raw message (.eml) has "
			"it as sent.</p>\n",
			m->body_len > 0 ? ": the text above is the message's "
					  "plain-text part or the text the "
					  "HTML hides"
					: "");
}

enum ma_status
message_frag(struct run *r, struct tmsg *t)
{
	struct buf *b = &t->frag;
	struct mime_msg *m = t->mm;
	char iso[32], human[32];
	enum ma_status st;

	iso_date(t->date, iso);
	human_date(t->date, human);
	ADD(buf_adds(b, "<dl class=\"hdrs\">"));
	if (m != NULL && addrs_usable(m->from, m->nfrom) && !m->from_partial) {
		ADD(buf_adds(b, "<dt>From</dt><dd>"));
		ADD(addrs_html(r, b, m->from, m->nfrom, false));
		ADD(buf_adds(b, "</dd>"));
	} else if (m != NULL && m->from_text[0] != '\0') {
		/* No address to show (MAILER-DAEMON <>, a bare word, or
		 * some of its words lost): the header as it says it. */
		ADD(buf_adds(b, "<dt>From</dt><dd>"));
		ADD(html_escapes(b, m->from_text));
		ADD(buf_adds(b, "</dd>"));
	}
	if (m != NULL && m->nto > 0) {
		ADD(buf_adds(b, "<dt>To</dt><dd>"));
		ADD(addrs_html(r, b, m->to, m->nto, false));
		ADD(buf_adds(b, "</dd>"));
	}
	if (m != NULL && m->ncc > 0) {
		ADD(buf_adds(b, "<dt>Cc</dt><dd>"));
		ADD(addrs_html(r, b, m->cc, m->ncc, false));
		ADD(buf_adds(b, "</dd>"));
	}
	ADD(buf_addf(b,
		     "<dt>Date</dt><dd><time datetime=\"%s\">%s</time>%s"
		     "</dd></dl>\n",
		     iso, human,
		     t->date_src == DATE_RECEIVED
			 ? " <span class=\"meta\">(when the server received "
			   "it: the message has no usable date)</span>"
		     : t->date_src == DATE_DELIVERY
			 ? " <span class=\"meta\">(when it was delivered "
			   "here: the message has no usable date)</span>"
			 : ""));
	ADD(body_noted(r, b, t));
	if (m != NULL && m->parts_hidden > 0)
		ADD(buf_addf(b,
			     "<p class=\"note\">%zu more part%s of this "
			     "message %s not shown here (too many or nested "
			     "too deeply); the raw message has %s.</p>\n",
			     m->parts_hidden, m->parts_hidden == 1 ? "" : "s",
			     m->parts_hidden == 1 ? "is" : "are",
			     m->parts_hidden == 1 ? "it" : "them"));
	if (m != NULL && m->natt > 0) {
		ADD(buf_addf(b, "<section class=\"att\" aria-label="
				"\"Attachments\"><ul class=\"plain\">"));
		for (size_t i = 0; i < m->natt; i++) {
			struct mime_att *a = &m->att[i];
			char size[32], fallback[64];
			const char *fn = a->filename;

			if (fn == NULL) {
				snprintf(fallback, sizeof fallback,
					 "attachment-%zu.%s", i + 1,
					 att_ext(a->type));
				fn = fallback;
			}
			size_text(a->size, size);
			ADD(buf_addf(b,
				     "<li><a href=\"../../%s\" "
				     "download=\"",
				     t->att_urls[i]));
			ADD(html_escapes(b, fn));
			ADD(buf_adds(b, "\">"));
			ADD(html_escapes(b, fn));
			ADD(buf_adds(b, "</a><span class=\"meta\">"));
			ADD(html_escapes(b, a->type));
			ADD(buf_addf(b, ", %s</span></li>", size));
		}
		ADD(buf_adds(b, "</ul></section>\n"));
	}
	return MA_OK;
}

enum ma_status
msg_link(struct buf *b, struct tmsg *t, const char *label)
{
	char stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	ADD(buf_addf(b, "<a href=\"../../m/%s.html\">",
		     name_stem(t->name, stem)));
	if (label != NULL)
		ADD(buf_adds(b, label));
	ADD(html_escapes(b, t->e->lst->subject));
	return buf_adds(b, "</a>");
}

static enum ma_status
entry_link(struct run *r, struct buf *b, struct entry *e, const char *label,
	   const char *rel)
{
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	if (!entry_fill(r, e) ||
	    permalink_of_message(e->msgid, e->lst->file, name) != MA_OK)
		return MA_OK;
	ADD(buf_addf(b, "<a rel=\"%s\" href=\"../../m/%s.html\">%s", rel,
		     name_stem(name, stem), label));
	ADD(html_escapes(b, e->lst->subject));
	return buf_adds(b, "</a>");
}

/* The whole subject, from the version's own file. */
static const char *
full_subject(const struct tmsg *t)
{
	const char *s = t->mm != NULL ? t->mm->subject : NULL;

	return s != NULL && s[0] != '\0' ? s : t->e->lst->subject;
}

static bool
addrs_equal(const struct mime_addr *a, size_t na, const struct mime_addr *b,
	    size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].name, b[i].name) != 0 ||
		    strcmp(a[i].addr, b[i].addr) != 0)
			return false;
	return true;
}

static bool
atts_equal(const struct mime_msg *a, const struct mime_msg *b)
{
	if (a->natt != b->natt)
		return false;
	for (size_t i = 0; i < a->natt; i++)
		if (strcmp(a->att[i].sha256, b->att[i].sha256) != 0)
			return false;
	return true;
}

/* What a version changes from the primary one, as words for a reader. */
static enum ma_status
version_diff(struct buf *b, const struct tmsg *p, const struct tmsg *v)
{
	const struct mime_msg *x = p->mm, *y = v->mm;
	const char *what[8];
	size_t n = 0;
	enum ma_status st;

	if (x == NULL || y == NULL)
		return buf_adds(b, "One of the versions could not be read.");
	if (strcmp(x->subject, y->subject) != 0)
		what[n++] = "subject";
	if (strcmp(x->from_text, y->from_text) != 0)
		what[n++] = "sender";
	if (!addrs_equal(x->to, x->nto, y->to, y->nto) ||
	    !addrs_equal(x->cc, x->ncc, y->cc, y->ncc))
		what[n++] = "recipients";
	if (p->date != v->date)
		what[n++] = "date";
	if (x->body_len != y->body_len ||
	    memcmp(x->body, y->body, x->body_len) != 0)
		what[n++] = "text";
	if (!atts_equal(x, y))
		what[n++] = "attachments";
	if (n == 0)
		return buf_adds(b, "Differs only in headers not shown here "
				   "(see the raw messages).");
	ADD(buf_adds(b, "Differs from the first in its "));
	for (size_t i = 0; i < n; i++)
		ADD(buf_addf(b, "%s%s",
			     i == 0	  ? ""
			     : i + 1 == n ? " and "
					  : ", ",
			     what[i]));
	return buf_adds(b, ".");
}

/*
 * The other versions of a message (same Message-ID, other content), in
 * full after the first, each with its raw form. Their order depends on
 * their content only (versions.c).
 */
static enum ma_status
versions_html(struct buf *b, const struct tmsg *t)
{
	enum ma_status st;

	if (t->nver < 2)
		return MA_OK;
	ADD(buf_addf(b,
		     "<section class=\"versions\" id=\"versions\" "
		     "aria-label=\"Versions\"><p class=\"note\">This "
		     "message came in %zu versions with the same Message-ID "
		     "and different content; each is shown, the earliest "
		     "first.</p>\n",
		     t->nver));
	for (size_t k = 0; k + 1 < t->nver; k++) {
		const struct tmsg *v = &t->alt[k];

		ADD(buf_addf(b,
			     "<article class=\"msg version\" id=\"%s\" "
			     "aria-label=\"Version %zu\"><h2>Version %zu of "
			     "%zu: ",
			     v->vtag, k + 2, k + 2, t->nver));
		ADD(html_escapes(b, full_subject(v)));
		ADD(buf_adds(b, "</h2>\n<p class=\"meta\">"));
		ADD(version_diff(b, t, v));
		ADD(buf_adds(b, "</p>\n"));
		ADD(buf_add(b, v->frag.data, v->frag.len));
		ADD(buf_addf(b,
			     "<p class=\"msgnav\"><a href=\"%s=%s.eml\" "
			     "download>Raw message, version %zu (.eml)</a>"
			     "</p></article>\n",
			     v->name, v->vtag, k + 2));
	}
	return buf_adds(b, "</section>\n");
}

enum ma_status
permalink_page(struct run *r, struct thread_ctx *tc, size_t i)
{
	struct tmsg *t = &tc->m[i];
	char month[8], crumbs[PERMALINK_STEM_MAX + 160],
	    rel[PERMALINK_STEM_MAX + 16], stem[PERMALINK_STEM_MAX],
	    tstem[PERMALINK_STEM_MAX];
	struct buf b;
	enum ma_status st;
	size_t nreplies = 0;

	render_month_of(t->e->date, month);
	st = render_fmt(crumbs, sizeof crumbs,
			"<a href=\"../../%s/index.html\">%.4s-%.2s</a> "
			"\xe2\x80\xba "
			"<a href=\"../../t/%s.html\">Conversation</a>",
			month, month, month + 5, name_stem(tc->name, tstem));
	buf_init(&b, PAGE_MAX);
	if (st == MA_OK)
		st = page_begin(r, &b, "../../", t->e->lst->subject, NULL,
				crumbs);
	if (st == MA_OK)
		st = buf_adds(&b, "<article class=\"msg\" "
				  "aria-labelledby=\"subject\"><h1 "
				  "id=\"subject\">");
	/* The whole subject here, its own page; elsewhere it is cut. */
	if (st == MA_OK)
		st = html_escapes(&b, full_subject(t));
	if (st == MA_OK)
		st = buf_adds(&b, "</h1>\n");
	if (st == MA_OK)
		st = buf_add(&b, t->frag.data, t->frag.len);
	if (st == MA_OK)
		st = versions_html(&b, t);
	if (st == MA_OK)
		st = reply_html(r, &b, t);
	if (st == MA_OK)
		st = buf_adds(&b, "<nav class=\"msgnav\" aria-label=\"Related "
				  "messages\">");
	if (st == MA_OK && t->parent >= 0)
		st = msg_link(&b, &tc->m[t->parent],
			      "\xe2\x86\x91 In reply to: ");
	for (ssize_t k = t->reply; k >= 0 && st == MA_OK; k = tc->m[k].next)
		st = msg_link(&b, &tc->m[k],
			      nreplies++ == 0 ? "\xe2\x86\x93 Reply: "
					      : "\xe2\x86\x93 ");
	if (st == MA_OK && t->e->pos > 0)
		st = entry_link(r, &b,
				g_ptr_array_index(r->order, t->e->pos - 1),
				"\xe2\x86\x90 Previous by date: ", "prev");
	if (st == MA_OK && t->e->pos + 1 < r->order->len)
		st = entry_link(r, &b,
				g_ptr_array_index(r->order, t->e->pos + 1),
				"Next by date: ", "next");
	if (st == MA_OK)
		st = buf_addf(&b,
			      "<a href=\"../../t/%s.html#%s\">Whole "
			      "conversation</a><a href=\"%s.eml\" "
			      "download>Raw message (.eml)</a></nav>\n"
			      "</article>\n",
			      tstem, t->anchor, t->name);
	if (st == MA_OK)
		st = page_end(&b, "../../");
	if (st == MA_OK)
		st = render_fmt(rel, sizeof rel, "m/%s.html",
				name_stem(t->name, stem));
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	buf_release(&b);
	return st;
}
