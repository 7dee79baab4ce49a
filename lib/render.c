/*
 * The site of a space, rendered from notmuch and the archive. See
 * render.h for the layout and how incremental runs stay equal to full
 * ones. glib (which comes with gmime) provides the hash tables and arrays.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <notmuch.h>

#include "buf.h"
#include "html.h"
#include "log.h"
#include "mime.h"
#include "path.h"
#include "permalink.h"
#include "render.h"
#include "site.h"
#include "sitename.h"

#define STATE_MAGIC "mailarc-render-state 1"
/* Caps: pages and state are built in memory. */
#define PAGE_MAX  ((size_t)1 << 30)
#define STATE_MAX ((size_t)1 << 31)
#define RAW_MAX	  ((size_t)256 << 20)
/* Messages up to this size stay in memory for their thread's mbox;
 * bigger ones are read again. */
#define RAW_KEEP	    ((size_t)256 << 10)
#define MONTH_PAGE	    200 /* messages per month page */
#define LATEST_THREADS	    20
#define FEED_ENTRIES	    30
#define THREAD_FEED_ENTRIES 50

/*
 * Paths and queries below are built with snprintf() into fixed buffers
 * sized for what goes in, which is bounded before it gets there: thread
 * ids by sitename_set_thread() and sitename_thread_ok() (under 32 bytes),
 * permalink names by PERMALINK_NAME_MAX, months are "YYYY/MM", attachment
 * tokens are checked by sitename_att_token_ok().
 */

/* One message of the archive, as the state file records it. */
struct entry {
	char *msgid;
	char thread[32];
	time_t date;
	char *atts; /* "HASH.EXT HASH.EXT", "" for none */
	size_t pos; /* in run.order */
	/* Filled on demand for listings; not in the state file. */
	char *subject, *from, *file;
	bool filled;
};

struct tomb {
	char *when; /* ISO 8601 */
	char *id;   /* the Message-ID the page is named after */
	char thread[32];
	bool fresh; /* not applied by an earlier run */
};

struct run {
	const struct render_opts *o;
	struct render_stats *stats;
	notmuch_database_t *db;
	struct site *site;
	GHashTable *by_id;	  /* msgid -> struct entry * (owns) */
	GPtrArray *order;	  /* entries by (date, msgid) */
	GHashTable *threads;	  /* thread ids to render */
	GHashTable *months;	  /* "YYYY/MM" to render */
	GHashTable *tombs;	  /* msgid -> struct tomb * */
	GHashTable *tomb_threads; /* thread ids named by tombstones */
	GPtrArray *gone;	  /* entries deleted this run (owned) */
	char *uuid;
	unsigned long rev;
	long tomb_off;
	char *settings;	       /* what the last run rendered with */
	GPtrArray *blocks;     /* of ENTRY_BLOCK entries */
	size_t block_used;     /* in the last block */
	GStringChunk *strings; /* msgid and atts of the entries */
};

/*
 * Entries live in blocks, and their Message-IDs and attachment lists in a
 * string chunk, all freed at once at the end of the run: a run over
 * 100,000 messages would otherwise spend a good part of an incremental
 * render freeing them one by one.
 */
#define ENTRY_BLOCK 4096

static struct entry *
entry_new(struct run *r)
{
	struct entry *block;

	if (r->blocks->len == 0 || r->block_used == ENTRY_BLOCK) {
		if ((block = calloc(ENTRY_BLOCK, sizeof *block)) == NULL)
			return NULL;
		g_ptr_array_add(r->blocks, block);
		r->block_used = 0;
	}
	block = r->blocks->pdata[r->blocks->len - 1];
	return &block[r->block_used++];
}

/* What an entry owns itself: the listing fields (filled on demand). */
static void
entries_free(struct run *r)
{
	for (guint b = 0; b < r->blocks->len; b++) {
		struct entry *block = r->blocks->pdata[b];
		size_t used =
		    b + 1 == r->blocks->len ? r->block_used : ENTRY_BLOCK;

		for (size_t i = 0; i < used; i++) {
			free(block[i].subject);
			free(block[i].from);
			free(block[i].file);
		}
		free(block);
	}
	g_ptr_array_free(r->blocks, TRUE);
	g_string_chunk_free(r->strings);
}

static void
tomb_free(void *p)
{
	struct tomb *t = p;

	if (t != NULL) {
		free(t->when);
		free(t->id);
	}
	free(t);
}

void
render_month_of(time_t t, char out[8])
{
	struct tm tm;

	if (t < 0 || gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999)
		memcpy(out, "1970/01", 8);
	else
		snprintf(out, 8, "%04u/%02u",
			 (unsigned)(tm.tm_year + 1900) % 10000u,
			 (unsigned)(tm.tm_mon + 1) % 100u);
}

static void
iso_date(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
human_date(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

/* ---- the state file -------------------------------------------------- */

static struct entry *
entry_add(struct run *r, const char *msgid)
{
	struct entry *e = g_hash_table_lookup(r->by_id, msgid);

	if (e != NULL)
		return e;
	if ((e = entry_new(r)) == NULL)
		return NULL;
	e->msgid = g_string_chunk_insert(r->strings, msgid);
	e->atts = g_string_chunk_insert_const(r->strings, "");
	g_hash_table_insert(r->by_id, e->msgid, e);
	return e;
}

/*
 * Load the state: MA_ENOTFOUND when there is none (or it is unusable:
 * then a full run rebuilds it), MA_OK with r->rev, r->tomb_off and the
 * entries set.
 */
static enum ma_status
state_load(struct run *r, const char *path)
{
	char *data, *p, *end, *uuid = NULL;
	size_t len;
	enum ma_status st;
	unsigned long rev = 0;
	long off = -1;

	st = file_read_all(path, STATE_MAX, &data, &len);
	if (st != MA_OK)
		return st == MA_ENOTFOUND ? MA_ENOTFOUND : st;
	end = data + len;
	p = data;
	/* Header lines, then a blank line, then the entries. */
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;
		*nl = '\0';
		if (p == nl) {
			p = nl + 1;
			break;
		}
		if (strncmp(p, "uuid ", 5) == 0) {
			free(uuid);
			uuid = strdup(p + 5);
		} else if (strncmp(p, "revision ", 9) == 0) {
			rev = strtoul(p + 9, NULL, 10);
		} else if (strncmp(p, "tombstones ", 11) == 0) {
			off = strtol(p + 11, NULL, 10);
		} else if (strncmp(p, "settings ", 9) == 0) {
			free(r->settings);
			r->settings = strdup(p + 9);
		} else if (p == data && strcmp(p, STATE_MAGIC) != 0) {
			break;
		}
		p = nl + 1;
	}
	if (uuid == NULL || off < 0 ||
	    strncmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) != 0) {
		log_warn("'%s' is not a render state: rendering everything",
			 path);
		free(uuid);
		free(data);
		return MA_ENOTFOUND;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *f[4];
		size_t nf = 0;
		struct entry *e;
		char *id;

		if (nl == NULL)
			nl = end;
		f[nf++] = p;
		for (char *q = p; q < nl && nf < 4; q++)
			if (*q == '\t') {
				*q = '\0';
				f[nf++] = q + 1;
			}
		*nl = '\0';
		p = nl + 1;
		if (nf != 4)
			continue;
		if ((id = sitename_state_unescape(f[0], strlen(f[0]))) ==
		    NULL) {
			st = MA_ENOMEM;
			break;
		}
		e = entry_add(r, id);
		free(id);
		if (e == NULL) {
			st = MA_ENOMEM;
			break;
		}
		sitename_set_thread(e->thread, f[1]);
		e->date = (time_t)strtoll(f[2], NULL, 10);
		if (strcmp(f[3], "-") != 0)
			e->atts = g_string_chunk_insert(r->strings, f[3]);
	}
	free(data);
	if (st != MA_OK) {
		free(uuid);
		return st;
	}
	r->uuid = uuid;
	r->rev = rev;
	r->tomb_off = off;
	return MA_OK;
}

/*
 * The settings every page shows or depends on, as one line: when they
 * change, every page must be rendered again.
 */
static char *
settings_line(const struct render_opts *o)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	if (sitename_state_escape(&b, o->name) != MA_OK ||
	    buf_addc(&b, '|') != MA_OK ||
	    sitename_state_escape(&b, o->description) != MA_OK ||
	    buf_addf(&b, "|%d|%d|%d", o->prefer_html, o->remote_images,
		     (int)o->addr) != MA_OK) {
		buf_release(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static enum ma_status
state_save(struct run *r, const char *path, const char *uuid, unsigned long rev)
{
	struct buf b;
	enum ma_status st;
	char *set = settings_line(r->o);

	if (set == NULL)
		return MA_ENOMEM;
	buf_init(&b, STATE_MAX);
	st = buf_addf(&b,
		      "%s\nuuid %s\nrevision %lu\ntombstones %ld\n"
		      "settings %s\n\n",
		      STATE_MAGIC, uuid, rev, r->tomb_off, set);
	free(set);
	for (guint i = 0; i < r->order->len && st == MA_OK; i++) {
		struct entry *e = g_ptr_array_index(r->order, i);

		if ((st = sitename_state_escape(&b, e->msgid)) == MA_OK)
			st = buf_addf(&b, "\t%s\t%lld\t%s\n", e->thread,
				      (long long)e->date,
				      e->atts[0] ? e->atts : "-");
	}
	if (st == MA_OK)
		st = write_file_atomic(path, b.data, b.len, 0644);
	buf_release(&b);
	return st;
}

/* ---- tombstones ------------------------------------------------------ */

/*
 * Read SPACE/tombstones from byte offset from: DELETED_AT TAB MESSAGE-ID
 * TAB THREAD-ID TAB IDENTITY, a line each. Calls fn for each complete
 * line and sets *endp past the last one.
 */
static enum ma_status
tombstones_read(struct run *r, long from,
		enum ma_status (*fn)(struct run *, const char *msgid,
				     const char *when, const char *thread,
				     bool fresh),
		long *endp)
{
	char *path = path_fmt("%s/tombstones", r->o->space_dir), *data;
	size_t len, pos;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	st = file_read_all(path, STATE_MAX, &data, &len);
	free(path);
	if (st == MA_ENOTFOUND) {
		*endp = 0;
		return MA_OK;
	}
	if (st != MA_OK)
		return st;
	if ((size_t)from > len)
		from = 0; /* the file was replaced: apply it all again */
	/* All of it, every run: which threads a tombstone names decides
	 * whether an empty thread's page says "removed"; lines before from
	 * were applied by earlier runs. */
	pos = 0;
	while (pos < len && st == MA_OK) {
		char *nl = memchr(data + pos, '\n', len - pos);
		char *f[4];
		size_t nf = 0;

		if (nl == NULL)
			break; /* being written: next run */
		*nl = '\0';
		f[nf++] = data + pos;
		for (char *q = data + pos; *q && nf < 4; q++)
			if (*q == '\t') {
				*q = '\0';
				f[nf++] = q + 1;
			}
		if (nf >= 3 && f[1][0] != '\0') {
			char *id = f[1];
			size_t n = strlen(id);

			if (n >= 2 && id[0] == '<' && id[n - 1] == '>') {
				id[n - 1] = '\0';
				id++;
			}
			st = fn(r, id, f[0], f[2], pos >= (size_t)from);
		} else if (data + pos != nl) {
			log_warn("tombstones: ignoring a malformed line at "
				 "byte %zu",
				 pos);
		}
		pos = (size_t)(nl - data) + 1;
	}
	free(data);
	*endp = (long)pos;
	return st;
}

static enum ma_status
tomb_note(struct run *r, const char *msgid, const char *when,
	  const char *thread, bool fresh)
{
	struct tomb *t = calloc(1, sizeof *t);
	/* Keyed as notmuch and the entries hold it (shortened when long);
	 * the page is named after the id itself. */
	char *k = permalink_notmuch_key(msgid);

	if (t == NULL || k == NULL || (t->when = strdup(when)) == NULL ||
	    (t->id = strdup(msgid)) == NULL) {
		free(k);
		tomb_free(t);
		return MA_ENOMEM;
	}
	sitename_set_thread(t->thread, strcmp(thread, "-") == 0 ? "" : thread);
	t->fresh = fresh;
	g_hash_table_replace(r->tombs, k, t);
	if (t->thread[0] != '\0')
		g_hash_table_add(r->tomb_threads, strdup(t->thread));
	return MA_OK;
}

/* ---- page chrome ----------------------------------------------------- */

#define ADD(x)                                                                 \
	do {                                                                   \
		if ((st = (x)) != MA_OK)                                       \
			return st;                                             \
	} while (0)

/*
 * Every page: a strict Content-Security-Policy (no script at all; styles
 * and images from the site; images from anywhere only when the space
 * allows remote images), no referrer, landmarks and a skip link. pre is
 * the way back to the site's root ("", "../", "../../").
 */
static enum ma_status
page_begin(struct run *r, struct buf *b, const char *pre, const char *title,
	   const char *feed, const char *crumbs)
{
	enum ma_status st;

	ADD(buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			"<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, "
			"initial-scale=1\">\n"
			"<meta http-equiv=\"Content-Security-Policy\" "
			"content=\"default-src 'none'; script-src 'none'; "
			"object-src 'none'; style-src 'self'; img-src 'self' "
			"data:"));
	if (r->o->remote_images)
		ADD(buf_adds(b, " https: http:"));
	ADD(buf_adds(b, "; frame-src 'self'; base-uri 'none'; "
			"form-action 'none'\">\n"
			"<meta name=\"referrer\" content=\"no-referrer\">\n"
			"<title>"));
	ADD(html_escapes(b, title));
	if (strcmp(title, r->o->name) != 0) {
		ADD(buf_adds(b, " \xe2\x80\x94 "));
		ADD(html_escapes(b, r->o->name));
	}
	ADD(buf_addf(b,
		     "</title>\n<link rel=\"stylesheet\" "
		     "href=\"%sstyle.css\">\n",
		     pre));
	if (feed != NULL)
		ADD(buf_addf(b,
			     "<link rel=\"alternate\" "
			     "type=\"application/atom+xml\" href=\"%s\">\n",
			     feed));
	ADD(buf_addf(b,
		     "</head>\n<body>\n<a class=\"skip\" href=\"#main\">"
		     "Skip to content</a>\n<header class=\"site\"><div>"
		     "<a class=\"name\" href=\"%sindex.html\">",
		     pre));
	ADD(html_escapes(b, r->o->name));
	ADD(buf_adds(b, "</a>"));
	if (crumbs != NULL && crumbs[0] != '\0')
		ADD(buf_addf(b, "<nav aria-label=\"Breadcrumb\">%s</nav>",
			     crumbs));
	return buf_adds(b, "</div></header>\n<main id=\"main\">\n");
}

static enum ma_status
page_end(struct buf *b, const char *pre)
{
	return buf_addf(b,
			"</main>\n<footer class=\"foot\">Archived with "
			"mailarc \xc2\xb7 <a href=\"%sfeed.atom\">Atom "
			"feed</a></footer>\n</body>\n</html>\n",
			pre);
}

/* An address as the space wants it shown; short drops the address when
 * there is a name (listings). */
static enum ma_status
addr_html(struct run *r, struct buf *b, const struct mime_addr *a, bool brief)
{
	enum ma_status st;
	const char *at = strchr(a->addr, '@');
	bool named = a->name[0] != '\0';

	if (named)
		ADD(html_escapes(b, a->name));
	if (named && (brief || r->o->addr == RENDER_ADDR_NAME))
		return MA_OK;
	if (!named && r->o->addr == RENDER_ADDR_NAME)
		return html_escape(
		    b, a->addr, at ? (size_t)(at - a->addr) : strlen(a->addr));
	if (named)
		ADD(buf_adds(b, " &lt;"));
	if (r->o->addr == RENDER_ADDR_OBFUSCATED && at != NULL) {
		/* The first character of the local part, then the
		 * domain: enough to tell people apart, not to harvest. */
		size_t first = a->addr == at ? 0 : 1;

		while (first < (size_t)(at - a->addr) &&
		       ((unsigned char)a->addr[first] & 0xc0) == 0x80)
			first++;
		ADD(html_escape(b, a->addr, first));
		ADD(buf_adds(b, "\xe2\x80\xa6"));
		ADD(html_escapes(b, at));
	} else {
		ADD(html_escapes(b, a->addr));
	}
	if (named)
		ADD(buf_adds(b, "&gt;"));
	return MA_OK;
}

static enum ma_status
addrs_html(struct run *r, struct buf *b, const struct mime_addr *a, size_t n,
	   bool brief)
{
	enum ma_status st;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ADD(buf_adds(b, ", "));
		ADD(addr_html(r, b, &a[i], brief));
	}
	return MA_OK;
}

/* The From header (notmuch's copy) as a listing shows it, malloc'd HTML. */
static char *
from_brief(struct run *r, const char *header)
{
	struct mime_addr *a;
	size_t n;
	struct buf b;

	buf_init(&b, 64 * 1024);
	if (mime_parse_addrs(header, &a, &n) != MA_OK)
		return NULL;
	if (n == 0)
		html_escapes(&b, header[0] ? header : "(unknown sender)");
	else
		addrs_html(r, &b, a, n > 3 ? 3 : n, true);
	mime_addrs_free(a, n);
	if (b.data == NULL)
		return strdup("");
	return buf_steal(&b);
}

static void
entry_fill_from(struct run *r, struct entry *e, notmuch_message_t *m)
{
	const char *subj = notmuch_message_get_header(m, "subject");
	const char *from = notmuch_message_get_header(m, "from");
	const char *file = notmuch_message_get_filename(m);

	free(e->subject);
	free(e->from);
	free(e->file);
	e->subject = strdup(subj != NULL && subj[0] ? subj : "(no subject)");
	e->from = from_brief(r, from != NULL ? from : "");
	e->file = file != NULL ? strdup(file) : NULL;
	e->filled = e->subject != NULL && e->from != NULL;
}

static bool
entry_fill(struct run *r, struct entry *e)
{
	notmuch_message_t *m = NULL;

	if (e->filled)
		return true;
	if (notmuch_database_find_message(r->db, e->msgid, &m) !=
		NOTMUCH_STATUS_SUCCESS ||
	    m == NULL)
		return false;
	entry_fill_from(r, e, m);
	notmuch_message_destroy(m);
	return e->filled;
}

/* ---- messages -------------------------------------------------------- */

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

struct tmsg {
	notmuch_message_t *nm; /* owned by the thread */
	struct entry *e;
	int depth;
	ssize_t parent;
	char name[PERMALINK_NAME_MAX];
	struct mime_msg *mm;
	char *raw; /* the message file, read once */
	size_t raw_len;
	struct buf frag; /* headers, body, attachments */
	char **att_urls; /* "a/HH/HASH.EXT" per mm->att */
};

static const char *
cid_lookup(void *arg, const char *cid)
{
	struct tmsg *t = arg;
	static char url[96];

	for (size_t i = 0; t->mm != NULL && i < t->mm->natt; i++) {
		const char *c = t->mm->att[i].cid;

		if (c != NULL && t->att_urls[i] != NULL &&
		    strcmp(c, cid) == 0) {
			snprintf(url, sizeof url, "../%s", t->att_urls[i]);
			return url;
		}
	}
	return NULL;
}

/* Publish the attachments (once per content) and note them on the entry. */
static enum ma_status
write_attachments(struct run *r, struct tmsg *t)
{
	struct buf list;
	enum ma_status st = MA_OK;

	if (t->mm == NULL || t->mm->natt == 0)
		return MA_OK;
	if ((t->att_urls = calloc(t->mm->natt, sizeof *t->att_urls)) == NULL)
		return MA_ENOMEM;
	buf_init(&list, 1 << 20);
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
		snprintf(token, sizeof token, "%s.%s", a->sha256, ext);
		if (st == MA_OK &&
		    strstr(list.data ? list.data : "", token) == NULL) {
			if (list.len > 0)
				st = buf_addc(&list, ' ');
			if (st == MA_OK)
				st = buf_adds(&list, token);
		}
	}
	if (st == MA_OK)
		t->e->atts = g_string_chunk_insert(r->strings, buf_cstr(&list));
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
		st = buf_adds(&doc, "<!DOCTYPE html><html><head>"
				    "<meta charset=\"utf-8\"><link "
				    "rel=\"stylesheet\" href=\"../style.css\">"
				    "</head><body class=\"mail\">");
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

static enum ma_status
message_frag(struct run *r, struct tmsg *t)
{
	struct buf *b = &t->frag;
	struct mime_msg *m = t->mm;
	char iso[32], human[32];
	enum ma_status st;

	iso_date(t->e->date, iso);
	human_date(t->e->date, human);
	ADD(buf_adds(b, "<dl class=\"hdrs\">"));
	if (m != NULL && m->nfrom > 0) {
		ADD(buf_adds(b, "<dt>From</dt><dd>"));
		ADD(addrs_html(r, b, m->from, m->nfrom, false));
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
		     "<dt>Date</dt><dd><time datetime=\"%s\">%s</time>"
		     "</dd></dl>\n",
		     iso, human));
	ADD(body_html(r, b, t));
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
				     "<li><a href=\"../%s\" "
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

/* ---- raw forms: .eml, mbox ------------------------------------------- */

static enum ma_status
read_raw(const char *file, char **datap, size_t *lenp)
{
	enum ma_status st = file_read_all(file, RAW_MAX, datap, lenp);

	if (st == MA_ENOTFOUND)
		log_err("cannot open '%s': %s", file, strerror(ENOENT));
	return st;
}

static enum ma_status
mbox_add(struct buf *b, const char *file, time_t date)
{
	char *data;
	size_t len;
	enum ma_status st;

	if (file == NULL)
		return MA_OK;
	if ((st = read_raw(file, &data, &len)) != MA_OK)
		return st == MA_ENOTFOUND ? MA_OK : st;
	st = sitename_mbox_add(b, data, len, date);
	free(data);
	return st;
}

/* ---- Atom ------------------------------------------------------------ */

static enum ma_status
atom_begin(struct run *r, struct buf *b, const char *title, const char *id,
	   const char *alt, time_t updated)
{
	char iso[32];
	enum ma_status st;

	iso_date(updated, iso);
	ADD(buf_adds(b,
		     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>"));
	ADD(html_escapes(b, title));
	ADD(buf_adds(b, "</title>\n<id>urn:mailarc:"));
	ADD(html_escapes(b, r->o->key));
	ADD(buf_addf(b,
		     "%s</id>\n<link rel=\"alternate\" type=\"text/html\" "
		     "href=\"%s\"/>\n<updated>%s</updated>\n",
		     id, alt, iso));
	return MA_OK;
}

static enum ma_status
atom_entry(struct buf *b, struct entry *e, const char *pre)
{
	char iso[32], name[PERMALINK_NAME_MAX];
	enum ma_status st;

	if (permalink_of_message(e->msgid, e->file, name) != MA_OK)
		return MA_OK;
	iso_date(e->date, iso);
	ADD(buf_adds(b, "<entry>\n<title>"));
	ADD(html_escapes(b, e->subject));
	ADD(buf_adds(b, "</title>\n<id>"));
	ADD(sitename_mid_url(b, e->msgid));
	/* e->from is HTML already (escaped by html_escape()); in XML it
	 * reads the same. */
	ADD(buf_addf(b,
		     "</id>\n<link rel=\"alternate\" type=\"text/html\" "
		     "href=\"%sm/%s.html\"/>\n<updated>%s</updated>\n"
		     "<author><name>%s</name></author>\n</entry>\n",
		     pre, name, iso, e->from));
	return MA_OK;
}

/* ---- threads --------------------------------------------------------- */

struct thread_ctx {
	struct tmsg *m;
	size_t n;
	const char *id;
};

static void
thread_ctx_release(struct thread_ctx *tc)
{
	for (size_t i = 0; i < tc->n; i++) {
		struct tmsg *t = &tc->m[i];

		buf_release(&t->frag);
		for (size_t k = 0; t->att_urls && t->mm && k < t->mm->natt; k++)
			free(t->att_urls[k]);
		free(t->att_urls);
		free(t->raw);
		mime_free(t->mm);
	}
	free(tc->m);
}

static enum ma_status
msg_link(struct buf *b, struct tmsg *t, const char *label)
{
	enum ma_status st;

	ADD(buf_addf(b, "<a href=\"../m/%s.html\">", t->name));
	if (label != NULL)
		ADD(buf_adds(b, label));
	ADD(html_escapes(b, t->e->subject));
	return buf_adds(b, "</a>");
}

static enum ma_status
entry_link(struct run *r, struct buf *b, struct entry *e, const char *label,
	   const char *rel)
{
	char name[PERMALINK_NAME_MAX];
	enum ma_status st;

	if (!entry_fill(r, e) ||
	    permalink_of_message(e->msgid, e->file, name) != MA_OK)
		return MA_OK;
	ADD(buf_addf(b, "<a rel=\"%s\" href=\"../m/%s.html\">%s", rel, name,
		     label));
	ADD(html_escapes(b, e->subject));
	return buf_adds(b, "</a>");
}

static enum ma_status
permalink_page(struct run *r, struct thread_ctx *tc, size_t i)
{
	struct tmsg *t = &tc->m[i];
	char month[8], crumbs[256], rel[PERMALINK_NAME_MAX + 16];
	struct buf b;
	enum ma_status st;
	size_t nreplies = 0;

	render_month_of(t->e->date, month);
	snprintf(crumbs, sizeof crumbs,
		 "<a href=\"../%s/index.html\">%.4s-%.2s</a> \xe2\x80\xba "
		 "<a href=\"../t/%s.html\">Conversation</a>",
		 month, month, month + 5, tc->id);
	buf_init(&b, PAGE_MAX);
	st = page_begin(r, &b, "../", t->e->subject, NULL, crumbs);
	if (st == MA_OK)
		st = buf_adds(&b, "<article class=\"msg\" "
				  "aria-labelledby=\"subject\"><h1 "
				  "id=\"subject\">");
	if (st == MA_OK)
		st = html_escapes(&b, t->e->subject);
	if (st == MA_OK)
		st = buf_adds(&b, "</h1>\n");
	if (st == MA_OK)
		st = buf_add(&b, t->frag.data, t->frag.len);
	if (st == MA_OK)
		st = buf_adds(&b, "<nav class=\"msgnav\" aria-label=\"Related "
				  "messages\">");
	if (st == MA_OK && t->parent >= 0)
		st = msg_link(&b, &tc->m[t->parent],
			      "\xe2\x86\x91 In reply to: ");
	for (size_t k = i + 1; k < tc->n && st == MA_OK; k++) {
		if (tc->m[k].parent != (ssize_t)i)
			continue;
		st = msg_link(&b, &tc->m[k],
			      nreplies++ == 0 ? "\xe2\x86\x93 Reply: "
					      : "\xe2\x86\x93 ");
	}
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
			      "<a href=\"../t/%s.html#%s\">Whole "
			      "conversation</a><a href=\"%s.eml\" "
			      "download>Raw message (.eml)</a></nav>\n"
			      "</article>\n",
			      tc->id, t->name, t->name);
	if (st == MA_OK)
		st = page_end(&b, "../");
	snprintf(rel, sizeof rel, "m/%s.html", t->name);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	buf_release(&b);
	return st;
}

/* A subject without its reply and forward prefixes. */
static const char *
subject_core(const char *s)
{
	static const char *const prefixes[] = {
	    "re:", "aw:", "sv:", "fwd:", "fw:", "wg:"};
	bool again = true;

	while (again) {
		again = false;
		while (*s == ' ' || *s == '\t')
			s++;
		for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0];
		     i++) {
			size_t n = strlen(prefixes[i]);

			if (strncasecmp(s, prefixes[i], n) == 0) {
				s += n;
				again = true;
			}
		}
	}
	return s;
}

static gint
tmsg_cmp_pos(gconstpointer a, gconstpointer b)
{
	const struct tmsg *x = *(struct tmsg *const *)a;
	const struct tmsg *y = *(struct tmsg *const *)b;

	return x->e->pos < y->e->pos ? -1 : x->e->pos > y->e->pos ? 1 : 0;
}

static enum ma_status
thread_page(struct run *r, struct thread_ctx *tc)
{
	struct tmsg *root = &tc->m[0];
	char month[8], crumbs[128], rel[64], first[32], last[32];
	struct buf b;
	enum ma_status st;
	time_t newest, oldest;

	/* The thread's span: both ends start at its root message. */
	newest = root->e->date;
	oldest = newest;
	for (size_t i = 0; i < tc->n; i++) {
		if (tc->m[i].e->date > newest)
			newest = tc->m[i].e->date;
		if (tc->m[i].e->date < oldest)
			oldest = tc->m[i].e->date;
	}
	human_date(oldest, first);
	human_date(newest, last);
	render_month_of(oldest, month);
	snprintf(crumbs, sizeof crumbs,
		 "<a href=\"../%s/threads.html\">%.4s-%.2s</a>", month, month,
		 month + 5);
	snprintf(rel, sizeof rel, "%s.atom", tc->id);
	buf_init(&b, PAGE_MAX);
	st = page_begin(r, &b, "../", root->e->subject, rel, crumbs);
	if (st == MA_OK)
		st = buf_adds(&b, "<h1>");
	if (st == MA_OK)
		st = html_escapes(&b, root->e->subject);
	if (st == MA_OK)
		st = buf_addf(&b,
			      "</h1>\n<p class=\"meta\">%zu message%s, "
			      "%s \xe2\x80\x93 %s \xc2\xb7 <a href=\"%s."
			      "mbox\" download>mbox</a> \xc2\xb7 <a "
			      "href=\"%s.atom\">Atom</a></p>\n",
			      tc->n, tc->n == 1 ? "" : "s", first, last, tc->id,
			      tc->id);
	if (st == MA_OK && tc->n > 1) {
		st = buf_adds(&b, "<nav aria-label=\"Conversation\"><ol "
				  "class=\"tree\">");
		for (size_t i = 0; i < tc->n && st == MA_OK; i++) {
			struct tmsg *t = &tc->m[i];
			char when[32];

			human_date(t->e->date, when);
			st = buf_addf(&b,
				      "<li class=\"d%d\"><a href=\"#%s\">%s"
				      "</a> <span class=\"meta\">%s</span>",
				      t->depth > 6 ? 6 : t->depth, t->name,
				      t->e->from, when);
			/* A subject that changes mid-thread is news. */
			if (st == MA_OK &&
			    strcmp(subject_core(t->e->subject),
				   subject_core(root->e->subject)) != 0) {
				st = buf_adds(&b, " \xe2\x80\x94 ");
				if (st == MA_OK)
					st = html_escapes(&b, t->e->subject);
			}
			if (st == MA_OK)
				st = buf_adds(&b, "</li>");
		}
		if (st == MA_OK)
			st = buf_adds(&b, "</ol></nav>\n");
	}
	for (size_t i = 0; i < tc->n && st == MA_OK; i++) {
		struct tmsg *t = &tc->m[i];

		st = buf_addf(&b,
			      "<article class=\"msg d%d\" id=\"%s\" "
			      "aria-label=\"Message %zu\"><h2>",
			      t->depth > 6 ? 6 : t->depth, t->name, i + 1);
		if (st == MA_OK)
			st = msg_link(&b, t, NULL);
		if (st == MA_OK)
			st = buf_adds(&b, "</h2>\n");
		if (st == MA_OK)
			st = buf_add(&b, t->frag.data, t->frag.len);
		if (st == MA_OK && t->parent >= 0)
			st = buf_addf(&b,
				      "<p class=\"msgnav\"><a href=\"#%s\">"
				      "\xe2\x86\x91 In reply to %s</a></p>\n",
				      tc->m[t->parent].name,
				      tc->m[t->parent].e->from);
		if (st == MA_OK)
			st = buf_adds(&b, "</article>\n");
	}
	if (st == MA_OK)
		st = page_end(&b, "../");
	snprintf(rel, sizeof rel, "t/%s.html", tc->id);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);

	/* The thread's feed (its latest messages) and mbox (all). */
	buf_reset(&b);
	if (st == MA_OK) {
		char alt[64], fid[64];

		snprintf(alt, sizeof alt, "%s.html", tc->id);
		snprintf(fid, sizeof fid, ":thread:%s", tc->id);
		st = atom_begin(r, &b, root->e->subject, fid, alt, newest);
	}
	{
		/* The thread's messages in the site's order (by date). */
		GPtrArray *byd = g_ptr_array_new();

		for (size_t i = 0; i < tc->n; i++)
			g_ptr_array_add(byd, &tc->m[i]);
		g_ptr_array_sort(byd, tmsg_cmp_pos);
		/* The feed: newest first. */
		for (guint k = byd->len, j = 0;
		     k-- > 0 && j < THREAD_FEED_ENTRIES && st == MA_OK; j++)
			st = atom_entry(&b, ((struct tmsg *)byd->pdata[k])->e,
					"../");
		if (st == MA_OK)
			st = buf_adds(&b, "</feed>\n");
		snprintf(rel, sizeof rel, "t/%s.atom", tc->id);
		if (st == MA_OK)
			st = site_put_buf(r->site, rel, &b);
		/* The mbox: oldest first, streamed, from the copies in
		 * memory or the files. */
		snprintf(rel, sizeof rel, "t/%s.mbox", tc->id);
		if (st == MA_OK) {
			struct site_file *f = NULL;

			st = site_file_open(r->site, rel, &f);
			for (guint k = 0; k < byd->len && st == MA_OK; k++) {
				struct tmsg *t = byd->pdata[k];

				buf_reset(&b);
				if (t->raw != NULL)
					st = sitename_mbox_add(
					    &b, t->raw, t->raw_len, t->e->date);
				else if (t->e->file != NULL)
					st = mbox_add(&b, t->e->file,
						      t->e->date);
				if (st == MA_OK && b.len > 0)
					st = site_file_write(f, b.data, b.len);
			}
			if (st == MA_OK)
				st = site_file_commit(r->site, f);
			else
				site_file_abort(f);
		}
		g_ptr_array_free(byd, TRUE);
	}
	buf_release(&b);
	return st;
}

static enum ma_status
removed_thread_page(struct run *r, const char *id)
{
	struct buf b;
	char rel[64];
	enum ma_status st;

	buf_init(&b, 1 << 20);
	st = page_begin(r, &b, "../", "Conversation removed", NULL, NULL);
	if (st == MA_OK)
		st = buf_adds(&b, "<div class=\"removed\"><h1>Conversation "
				  "removed</h1>\n<p>The messages of this "
				  "conversation were removed from the "
				  "archive.</p>\n<p><a href=\"../index.html\">"
				  "Back to the archive</a></p></div>\n");
	if (st == MA_OK)
		st = page_end(&b, "../");
	snprintf(rel, sizeof rel, "t/%s.html", id);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	buf_release(&b);
	return st;
}

static enum ma_status
thread_gone(struct run *r, const char *id)
{
	enum ma_status st = MA_OK;
	static const char *const exts[] = {"html", "atom", "mbox"};
	char rel[64];

	for (size_t i = 0; i < 3 && st == MA_OK; i++) {
		if (i == 0 && g_hash_table_contains(r->tomb_threads, id))
			continue;
		snprintf(rel, sizeof rel, "t/%s.%s", id, exts[i]);
		st = site_remove(r->site, rel);
	}
	if (st == MA_OK && g_hash_table_contains(r->tomb_threads, id))
		st = removed_thread_page(r, id);
	return st;
}

/*
 * Render one conversation: each message parsed once, its fragment used
 * by its permalink page and by the thread page. Months of its messages
 * are marked for rendering.
 */
static enum ma_status
render_thread(struct run *r, notmuch_thread_t *th)
{
	struct thread_ctx tc = {0};
	struct {
		notmuch_messages_t *it;
		int depth;
		ssize_t parent;
	} *stack = NULL;
	size_t depth = 0, cap = 0, mcap = 0;
	enum ma_status st = MA_OK;

	tc.id = notmuch_thread_get_thread_id(th);
	/* Paths below hold the id in fixed buffers: check it here too, not
	 * only where the ids of incremental runs come in. */
	if (tc.id == NULL || !sitename_thread_ok(tc.id)) {
		log_warn("skipping a thread whose id is not notmuch's");
		return MA_OK;
	}
	/* Depth first through the replies, with a stack of iterators. */
	cap = 16;
	if ((stack = malloc(cap * sizeof *stack)) == NULL)
		return MA_ENOMEM;
	stack[depth].it = notmuch_thread_get_toplevel_messages(th);
	stack[depth].depth = 0;
	stack[depth++].parent = -1;
	while (depth > 0 && st == MA_OK) {
		notmuch_messages_t *it = stack[depth - 1].it;
		notmuch_message_t *m;
		struct tmsg *t;

		if (!notmuch_messages_valid(it)) {
			depth--;
			continue;
		}
		m = notmuch_messages_get(it);
		notmuch_messages_move_to_next(it);
		if (tc.n == mcap) {
			size_t nc = mcap ? mcap * 2 : 8;
			struct tmsg *nm = realloc(tc.m, nc * sizeof *nm);

			if (nm == NULL) {
				st = MA_ENOMEM;
				break;
			}
			tc.m = nm;
			mcap = nc;
		}
		t = &tc.m[tc.n];
		memset(t, 0, sizeof *t);
		t->nm = m;
		t->depth = stack[depth - 1].depth;
		t->parent = stack[depth - 1].parent;
		buf_init(&t->frag, PAGE_MAX);
		tc.n++;
		if (permalink_of_message(notmuch_message_get_message_id(m),
					 notmuch_message_get_filename(m),
					 t->name) != MA_OK ||
		    (t->e = g_hash_table_lookup(
			 r->by_id, notmuch_message_get_message_id(m))) ==
			NULL) {
			/* Not in the site's order (an empty id, or a
			 * message that arrived after this run's query):
			 * the next run shows it. */
			tc.n--;
			buf_release(&t->frag);
			continue;
		}
		entry_fill_from(r, t->e, m);
		if (depth == cap) {
			void *ns = realloc(stack, 2 * cap * sizeof *stack);

			if (ns == NULL) {
				st = MA_ENOMEM;
				break;
			}
			stack = ns;
			cap *= 2;
		}
		stack[depth].it = notmuch_message_get_replies(m);
		stack[depth].depth = t->depth + 1;
		stack[depth].parent = (ssize_t)tc.n - 1;
		depth++;
	}
	free(stack);
	for (size_t i = 0; i < tc.n && st == MA_OK; i++) {
		struct tmsg *t = &tc.m[i];
		char month[8];

		render_month_of(t->e->date, month);
		g_hash_table_add(r->months, strdup(month));
		/* Read once: parsed here, copied to the .eml and mbox. */
		if (t->e->file != NULL &&
		    read_raw(t->e->file, &t->raw, &t->raw_len) == MA_OK &&
		    mime_parse(t->raw, t->raw_len, t->e->file,
			       r->o->prefer_html, &t->mm) == MA_ENOMEM)
			st = MA_ENOMEM;
		if (st == MA_OK)
			st = write_attachments(r, t);
		if (st == MA_OK)
			st = message_frag(r, t);
		/* What is published needs no copy in memory: a thread of
		 * big messages must not hold them all. */
		for (size_t k = 0; t->mm != NULL && k < t->mm->natt; k++) {
			free(t->mm->att[k].data);
			t->mm->att[k].data = NULL;
		}
		if (st == MA_OK && t->raw != NULL) {
			char rel[PERMALINK_NAME_MAX + 16];

			snprintf(rel, sizeof rel, "m/%s.eml", t->name);
			st = site_put(r->site, rel, t->raw, t->raw_len);
		}
		if (t->raw_len > RAW_KEEP) {
			free(t->raw);
			t->raw = NULL;
		}
	}
	if (st == MA_OK && tc.n == 0)
		st = thread_gone(r, tc.id);
	else if (st == MA_OK) {
		for (size_t i = 0; i < tc.n && st == MA_OK; i++)
			st = permalink_page(r, &tc, i);
		if (st == MA_OK)
			st = thread_page(r, &tc);
		r->stats->threads_rendered++;
	}
	thread_ctx_release(&tc);
	return st;
}

static enum ma_status
render_thread_id(struct run *r, const char *id)
{
	char q[64];
	notmuch_query_t *query;
	notmuch_threads_t *threads = NULL;
	enum ma_status st = MA_OK;
	bool found = false;

	if (!sitename_thread_ok(id))
		return MA_OK;
	snprintf(q, sizeof q, "thread:%s", id);
	if ((query = notmuch_query_create(r->db, q)) == NULL)
		return MA_ENOMEM;
	notmuch_query_set_sort(query, NOTMUCH_SORT_OLDEST_FIRST);
	if (notmuch_query_search_threads(query, &threads) !=
	    NOTMUCH_STATUS_SUCCESS) {
		log_err("notmuch: cannot query '%s'", q);
		notmuch_query_destroy(query);
		return MA_EIO;
	}
	for (; notmuch_threads_valid(threads) && st == MA_OK;
	     notmuch_threads_move_to_next(threads)) {
		notmuch_thread_t *th = notmuch_threads_get(threads);

		found = true;
		st = render_thread(r, th);
		notmuch_thread_destroy(th);
	}
	notmuch_query_destroy(query);
	if (st == MA_OK && !found)
		st = thread_gone(r, id);
	return st;
}

static enum ma_status
removed_message_page(struct run *r, const char *msgid, const struct tomb *t)
{
	char name[PERMALINK_NAME_MAX], rel[PERMALINK_NAME_MAX + 16];
	struct buf b;
	enum ma_status st;

	if (permalink_name(t->id != NULL ? t->id : msgid, name) != MA_OK)
		return MA_OK;
	buf_init(&b, 1 << 20);
	st = page_begin(r, &b, "../", "Message removed", NULL, NULL);
	if (st == MA_OK)
		st = buf_adds(&b, "<div class=\"removed\"><h1>Message removed"
				  "</h1>\n<p>This message was removed from the "
				  "archive on <time datetime=\"");
	if (st == MA_OK)
		st = html_escapes(&b, t->when);
	if (st == MA_OK)
		st = buf_adds(&b, "\">");
	if (st == MA_OK)
		st = html_escapes(&b, t->when);
	if (st == MA_OK)
		st = buf_adds(&b, "</time>. Its address stays, so that links "
				  "to it do not lead elsewhere.</p>\n<p>");
	if (st == MA_OK && sitename_thread_ok(t->thread))
		st = buf_addf(&b,
			      "<a href=\"../t/%s.html\">The conversation"
			      "</a> \xc2\xb7 ",
			      t->thread);
	if (st == MA_OK)
		st = buf_adds(&b, "<a href=\"../index.html\">The archive</a>"
				  "</p></div>\n");
	if (st == MA_OK)
		st = page_end(&b, "../");
	snprintf(rel, sizeof rel, "m/%s.html", name);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	snprintf(rel, sizeof rel, "m/%s.eml", name);
	if (st == MA_OK)
		st = site_remove(r->site, rel);
	buf_release(&b);
	return st;
}

/* ---- months, index, feed --------------------------------------------- */

/* The entries of month (contiguous in the order: it is sorted by date). */
static void
month_range(struct run *r, const char *month, size_t *lo, size_t *hi)
{
	size_t a = 0, b = r->order->len;
	char m[8];

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		render_month_of(((struct entry *)r->order->pdata[mid])->date,
				m);
		if (strcmp(m, month) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	for (b = a; b < r->order->len; b++) {
		render_month_of(((struct entry *)r->order->pdata[b])->date, m);
		if (strcmp(m, month) != 0)
			break;
	}
	*hi = b;
}

static const char *const month_names[] = {
    "January", "February", "March",	"April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* "YYYY/MM" -> 1..12 (render_month_of() wrote it: two digits). */
static int
month_num(const char *month)
{
	int m = (month[5] - '0') * 10 + (month[6] - '0');

	return m >= 1 && m <= 12 ? m : 1;
}

/* Remove numbered pages from "from" on, as long as they exist. */
static enum ma_status
remove_pages(struct run *r, const char *month, const char *stem, size_t from)
{
	enum ma_status st = MA_OK;

	for (size_t k = from; st == MA_OK; k++) {
		char rel[64];

		snprintf(rel, sizeof rel, "%s/%s-%zu.html", month, stem, k);
		if (!site_exists(r->site, rel))
			break;
		st = site_remove(r->site, rel);
	}
	return st;
}

static enum ma_status
month_head(struct run *r, struct buf *b, const char *month, size_t n,
	   bool by_thread)
{
	char title[64];
	enum ma_status st;

	snprintf(title, sizeof title, "%s %.4s",
		 month_names[month_num(month) - 1], month);
	ADD(page_begin(r, b, "../../", title, NULL,
		       "<a href=\"../../index.html#months\">All months</a>"));
	ADD(buf_addf(b,
		     "<h1>%s</h1>\n<p class=\"meta\">%zu message%s \xc2\xb7 "
		     "%s \xc2\xb7 %s \xc2\xb7 <a href=\"%.4s-%.2s.mbox\" "
		     "download>mbox</a></p>\n",
		     title, n, n == 1 ? "" : "s",
		     by_thread ? "<a href=\"index.html\">By date</a>"
			       : "<strong>By date</strong>",
		     by_thread ? "<strong>By conversation</strong>"
			       : "<a href=\"threads.html\">By conversation</a>",
		     month, month + 5));
	return MA_OK;
}

static enum ma_status
pager(struct buf *b, const char *stem, const char *first, size_t page,
      size_t pages)
{
	enum ma_status st;

	if (pages <= 1)
		return MA_OK;
	ADD(buf_adds(b, "<nav class=\"pager\" aria-label=\"Pages\">"));
	for (size_t k = 1; k <= pages; k++) {
		if (k == page)
			ADD(buf_addf(b,
				     "<strong aria-current=\"page\">%zu"
				     "</strong>",
				     k));
		else if (k == 1)
			ADD(buf_addf(b, "<a href=\"%s\">1</a>", first));
		else
			ADD(buf_addf(b, "<a href=\"%s-%zu.html\">%zu</a>", stem,
				     k, k));
	}
	return buf_adds(b, "</nav>\n");
}

static enum ma_status
list_item(struct run *r, struct buf *b, struct entry *e, bool with_thread)
{
	char name[PERMALINK_NAME_MAX], iso[32], when[32];
	enum ma_status st;

	if (!entry_fill(r, e) ||
	    permalink_of_message(e->msgid, e->file, name) != MA_OK)
		return MA_OK;
	iso_date(e->date, iso);
	human_date(e->date, when);
	ADD(buf_addf(b, "<li><a class=\"subj\" href=\"../../m/%s.html\">",
		     name));
	/* Under a conversation's heading the subject would repeat: name
	 * the sender instead. */
	if (with_thread)
		ADD(html_escapes(b, e->subject));
	else
		ADD(buf_adds(b, e->from));
	ADD(buf_addf(b,
		     "</a><time datetime=\"%s\">%.16s</time><span "
		     "class=\"meta\">%s",
		     iso, when, with_thread ? e->from : ""));
	if (with_thread && sitename_thread_ok(e->thread))
		ADD(buf_addf(b,
			     " \xc2\xb7 <a href=\"../../t/%s.html#%s\">"
			     "conversation</a>",
			     e->thread, name));
	return buf_adds(b, "</span></li>\n");
}

static enum ma_status
month_gone(struct run *r, const char *month)
{
	enum ma_status st = MA_OK;
	char rel[64];

	snprintf(rel, sizeof rel, "%s/index.html", month);
	ADD(site_remove(r->site, rel));
	snprintf(rel, sizeof rel, "%s/threads.html", month);
	ADD(site_remove(r->site, rel));
	snprintf(rel, sizeof rel, "%s/%.4s-%.2s.mbox", month, month, month + 5);
	ADD(site_remove(r->site, rel));
	ADD(remove_pages(r, month, "page", 2));
	return remove_pages(r, month, "threads", 2);
}

static enum ma_status
month_pages(struct run *r, const char *month)
{
	size_t lo, hi, n, pages;
	struct buf b;
	enum ma_status st = MA_OK;
	char rel[64];

	month_range(r, month, &lo, &hi);
	if (lo == hi)
		return month_gone(r, month);
	n = hi - lo;
	buf_init(&b, PAGE_MAX);
	/* By date. */
	pages = (n + MONTH_PAGE - 1) / MONTH_PAGE;
	for (size_t p = 1; p <= pages && st == MA_OK; p++) {
		buf_reset(&b);
		st = month_head(r, &b, month, n, false);
		if (st == MA_OK)
			st = pager(&b, "page", "index.html", p, pages);
		if (st == MA_OK)
			st = buf_adds(&b, "<ul class=\"plain list\">\n");
		for (size_t i = lo + (p - 1) * MONTH_PAGE;
		     i < hi && i < lo + p * MONTH_PAGE && st == MA_OK; i++)
			st = list_item(r, &b, r->order->pdata[i], true);
		if (st == MA_OK)
			st = buf_adds(&b, "</ul>\n");
		if (st == MA_OK)
			st = pager(&b, "page", "index.html", p, pages);
		if (st == MA_OK)
			st = page_end(&b, "../../");
		if (p == 1)
			snprintf(rel, sizeof rel, "%s/index.html", month);
		else
			snprintf(rel, sizeof rel, "%s/page-%zu.html", month, p);
		if (st == MA_OK)
			st = site_put_buf(r->site, rel, &b);
	}
	if (st == MA_OK)
		st = remove_pages(r, month, "page", pages + 1);

	/* By conversation: threads in the order of their first message this
	 * month; a page holds whole threads, about MONTH_PAGE messages. */
	{
		GHashTable *gi = g_hash_table_new(g_str_hash, g_str_equal);
		GPtrArray *groups = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)g_ptr_array_unref);
		GArray *starts = g_array_new(FALSE, FALSE, sizeof(guint));
		size_t count = 0;

		for (size_t i = lo; i < hi; i++) {
			struct entry *e = r->order->pdata[i];
			GPtrArray *g = g_hash_table_lookup(gi, e->thread);

			if (g == NULL) {
				g = g_ptr_array_new();
				g_ptr_array_add(groups, g);
				g_hash_table_insert(gi, e->thread, g);
			}
			g_ptr_array_add(g, e);
		}
		for (guint k = 0; k < groups->len; k++) {
			GPtrArray *g = groups->pdata[k];

			if (k == 0 || count + g->len > MONTH_PAGE) {
				g_array_append_val(starts, k);
				count = 0;
			}
			count += g->len;
		}
		pages = starts->len;
		for (size_t p = 1; p <= pages && st == MA_OK; p++) {
			guint from = g_array_index(starts, guint, p - 1);
			guint to = p < pages ? g_array_index(starts, guint, p)
					     : groups->len;

			buf_reset(&b);
			st = month_head(r, &b, month, n, true);
			if (st == MA_OK)
				st = pager(&b, "threads", "threads.html", p,
					   pages);
			for (guint k = from; k < to && st == MA_OK; k++) {
				GPtrArray *g = groups->pdata[k];
				struct entry *e0 = g->pdata[0];

				if (!entry_fill(r, e0))
					continue;
				st = buf_addf(&b,
					      "<section class=\"tgroup\">"
					      "<h3><a href=\"../../t/%s."
					      "html\">",
					      e0->thread);
				if (st == MA_OK)
					st = html_escapes(&b, e0->subject);
				if (st == MA_OK)
					st = buf_adds(&b, "</a></h3><ul "
							  "class=\"plain "
							  "list\">\n");
				for (guint j = 0; j < g->len && st == MA_OK;
				     j++)
					st = list_item(r, &b, g->pdata[j],
						       false);
				if (st == MA_OK)
					st = buf_adds(&b, "</ul></section>\n");
			}
			if (st == MA_OK)
				st = pager(&b, "threads", "threads.html", p,
					   pages);
			if (st == MA_OK)
				st = page_end(&b, "../../");
			if (p == 1)
				snprintf(rel, sizeof rel, "%s/threads.html",
					 month);
			else
				snprintf(rel, sizeof rel, "%s/threads-%zu.html",
					 month, p);
			if (st == MA_OK)
				st = site_put_buf(r->site, rel, &b);
		}
		if (st == MA_OK)
			st = remove_pages(r, month, "threads", pages + 1);
		g_array_free(starts, TRUE);
		g_ptr_array_free(groups, TRUE);
		g_hash_table_destroy(gi);
	}
	/* The month's mbox, streamed: a month may hold more mail than
	 * memory; one message at a time is in b. */
	snprintf(rel, sizeof rel, "%s/%.4s-%.2s.mbox", month, month, month + 5);
	if (st == MA_OK) {
		struct site_file *f = NULL;

		st = site_file_open(r->site, rel, &f);
		for (size_t i = lo; i < hi && st == MA_OK; i++) {
			struct entry *e = r->order->pdata[i];

			buf_reset(&b);
			if (entry_fill(r, e))
				st = mbox_add(&b, e->file, e->date);
			if (st == MA_OK && b.len > 0)
				st = site_file_write(f, b.data, b.len);
		}
		if (st == MA_OK)
			st = site_file_commit(r->site, f);
		else
			site_file_abort(f);
	}
	buf_release(&b);
	r->stats->months_rendered++;
	return st;
}

static enum ma_status
index_page(struct run *r)
{
	struct buf b;
	enum ma_status st;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	size_t nthreads, shown = 0;

	for (guint i = 0; i < r->order->len; i++)
		g_hash_table_add(seen,
				 ((struct entry *)r->order->pdata[i])->thread);
	nthreads = g_hash_table_size(seen);
	g_hash_table_remove_all(seen);
	buf_init(&b, PAGE_MAX);
	st = page_begin(r, &b, "", r->o->name, "feed.atom", NULL);
	if (st == MA_OK)
		st = buf_adds(&b, "<h1>");
	if (st == MA_OK)
		st = html_escapes(&b, r->o->name);
	if (st == MA_OK)
		st = buf_adds(&b, "</h1>\n");
	if (st == MA_OK && r->o->description[0] != '\0') {
		st = buf_adds(&b, "<p class=\"lede\">");
		if (st == MA_OK)
			st = html_escapes(&b, r->o->description);
		if (st == MA_OK)
			st = buf_adds(&b, "</p>\n");
	}
	if (st == MA_OK)
		st = buf_addf(&b,
			      "<p class=\"meta\">%u message%s in %zu "
			      "conversation%s.</p>\n",
			      r->order->len, r->order->len == 1 ? "" : "s",
			      nthreads, nthreads == 1 ? "" : "s");
	if (st == MA_OK && r->order->len == 0)
		st = buf_adds(&b, "<p>The archive is empty.</p>\n");
	if (st == MA_OK && r->order->len > 0)
		st = buf_adds(&b, "<h2>Latest conversations</h2>\n"
				  "<ul class=\"plain list\">\n");
	for (guint i = r->order->len;
	     i-- > 0 && shown < LATEST_THREADS && st == MA_OK;) {
		struct entry *e = r->order->pdata[i];
		notmuch_query_t *q;
		notmuch_threads_t *ts = NULL;
		char qs[64], iso[32], when[32];

		if (g_hash_table_contains(seen, e->thread) ||
		    !sitename_thread_ok(e->thread) || !entry_fill(r, e))
			continue;
		g_hash_table_add(seen, e->thread);
		snprintf(qs, sizeof qs, "thread:%s", e->thread);
		if ((q = notmuch_query_create(r->db, qs)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		if (notmuch_query_search_threads(q, &ts) ==
			NOTMUCH_STATUS_SUCCESS &&
		    notmuch_threads_valid(ts)) {
			notmuch_thread_t *th = notmuch_threads_get(ts);
			const char *subj = notmuch_thread_get_subject(th);
			int total = notmuch_thread_get_total_messages(th);

			iso_date(e->date, iso);
			human_date(e->date, when);
			st = buf_addf(&b,
				      "<li><a class=\"subj\" href=\"t/%s."
				      "html\">",
				      e->thread);
			if (st == MA_OK)
				st = html_escapes(&b, subj && subj[0]
							  ? subj
							  : "(no subject)");
			if (st == MA_OK)
				st = buf_addf(&b,
					      "</a><time datetime=\"%s\">"
					      "%.10s</time><span "
					      "class=\"meta\">%d message%s"
					      " \xc2\xb7 latest from %s"
					      "</span></li>\n",
					      iso, when, total,
					      total == 1 ? "" : "s", e->from);
			shown++;
			notmuch_thread_destroy(th);
		}
		notmuch_query_destroy(q);
	}
	if (st == MA_OK && r->order->len > 0)
		st = buf_adds(&b, "</ul>\n<h2 id=\"months\">Months</h2>\n");
	/* Months, newest first, grouped by year. */
	{
		char cur[8] = "", year[5] = "";
		size_t count = 0;

		for (guint i = r->order->len; st == MA_OK;) {
			char m[8] = "";

			if (i > 0)
				render_month_of(
				    ((struct entry *)r->order->pdata[i - 1])
					->date,
				    m);
			if (cur[0] != '\0' && strcmp(m, cur) != 0) {
				if (strncmp(year, cur, 4) != 0) {
					if (year[0] != '\0')
						st = buf_adds(&b,
							      "</ul>"
							      "</section>\n");
					memcpy(year, cur, 4);
					year[4] = '\0';
					if (st == MA_OK)
						st = buf_addf(
						    &b,
						    "<section class="
						    "\"months\"><h3>%s</h3>"
						    "<ul class=\"plain\">",
						    year);
				}
				if (st == MA_OK)
					st = buf_addf(
					    &b,
					    "<li><a href=\"%s/"
					    "index.html\">%s</a> "
					    "<span class=\"count\">"
					    "(%zu)</span></li>",
					    cur,
					    month_names[month_num(cur) - 1],
					    count);
				count = 0;
			}
			if (i == 0)
				break;
			memcpy(cur, m, 8);
			count++;
			i--;
		}
		if (st == MA_OK && year[0] != '\0')
			st = buf_adds(&b, "</ul></section>\n");
	}
	if (st == MA_OK)
		st = page_end(&b, "");
	if (st == MA_OK)
		st = site_put_buf(r->site, "index.html", &b);
	buf_release(&b);
	g_hash_table_destroy(seen);
	return st;
}

static enum ma_status
feed(struct run *r)
{
	struct buf b;
	enum ma_status st;
	time_t updated = 0;

	if (r->order->len > 0)
		updated =
		    ((struct entry *)r->order->pdata[r->order->len - 1])->date;
	buf_init(&b, PAGE_MAX);
	st = atom_begin(r, &b, r->o->name, "", "index.html", updated);
	for (guint i = r->order->len, k = 0;
	     i-- > 0 && k < FEED_ENTRIES && st == MA_OK; k++) {
		struct entry *e = r->order->pdata[i];

		if (entry_fill(r, e))
			st = atom_entry(&b, e, "");
	}
	if (st == MA_OK)
		st = buf_adds(&b, "</feed>\n");
	if (st == MA_OK)
		st = site_put_buf(r->site, "feed.atom", &b);
	buf_release(&b);
	return st;
}

/* ---- the run --------------------------------------------------------- */

static gint
entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct entry *x = *(struct entry *const *)a;
	const struct entry *y = *(struct entry *const *)b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(x->msgid, y->msgid);
}

/* Where e would sit in the order (for a message just removed). */
static size_t
order_position(struct run *r, const struct entry *e)
{
	size_t a = 0, b = r->order->len;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (entry_cmp(&r->order->pdata[mid], &e) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

static void
touch_thread(struct run *r, const char *id)
{
	if (sitename_thread_ok(id) && !g_hash_table_contains(r->threads, id))
		g_hash_table_add(r->threads, strdup(id));
}

static void
touch_pos(struct run *r, size_t pos)
{
	if (pos < r->order->len)
		touch_thread(r, ((struct entry *)r->order->pdata[pos])->thread);
}

static enum ma_status
query_messages(struct run *r, const char *qs, GPtrArray *changed)
{
	notmuch_query_t *q = notmuch_query_create(r->db, qs);
	notmuch_messages_t *ms = NULL;
	enum ma_status st = MA_OK;

	if (q == NULL)
		return MA_ENOMEM;
	notmuch_query_set_sort(q, NOTMUCH_SORT_UNSORTED);
	if (notmuch_query_search_messages(q, &ms) != NOTMUCH_STATUS_SUCCESS) {
		log_err("notmuch: cannot query '%s'", qs);
		notmuch_query_destroy(q);
		return MA_EIO;
	}
	for (; notmuch_messages_valid(ms) && st == MA_OK;
	     notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);
		const char *id = notmuch_message_get_message_id(m);
		const char *th = notmuch_message_get_thread_id(m);
		struct entry *e = id != NULL && id[0] ? entry_add(r, id) : NULL;

		if (id != NULL && id[0] && e == NULL) {
			st = MA_ENOMEM;
		} else if (e != NULL) {
			/* A thread merged into another: its old page must
			 * go or be redone. */
			if (e->thread[0] != '\0' && strcmp(e->thread, th) != 0)
				touch_thread(r, e->thread);
			sitename_set_thread(e->thread, th);
			e->date = notmuch_message_get_date(m);
			if (changed != NULL) {
				g_ptr_array_add(changed, e);
				touch_thread(r, e->thread);
			}
		}
		notmuch_message_destroy(m);
	}
	notmuch_query_destroy(q);
	return st;
}

static enum ma_status
apply_tomb(struct run *r, const char *msgid, const struct tomb *t)
{
	notmuch_message_t *m = NULL;
	struct entry *e;
	char month[8];

	if (notmuch_database_find_message(r->db, msgid, &m) ==
		NOTMUCH_STATUS_SUCCESS &&
	    m != NULL) {
		notmuch_bool_t ghost = FALSE;

		/* A ghost is only a Message-ID that replies refer to. One
		 * with files is still indexed: the delete is not finished,
		 * and the message is shown until it is. */
		notmuch_message_get_flag_st(m, NOTMUCH_MESSAGE_FLAG_GHOST,
					    &ghost);
		notmuch_message_destroy(m);
		if (!ghost)
			return MA_OK;
	}
	touch_thread(r, t->thread);
	if ((e = g_hash_table_lookup(r->by_id, msgid)) == NULL)
		return MA_OK;
	g_hash_table_steal(r->by_id, msgid);
	g_ptr_array_add(r->gone, e);
	touch_thread(r, e->thread);
	render_month_of(e->date, month);
	g_hash_table_add(r->months, strdup(month));
	r->stats->removed++;
	return MA_OK;
}

/* Attachments of removed messages that no other message shares. */
static enum ma_status
drop_attachments(struct run *r)
{
	GHashTable *used;
	GHashTableIter it;
	gpointer k, v;
	enum ma_status st = MA_OK;

	if (r->gone->len == 0)
		return MA_OK;
	used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_iter_init(&it, r->by_id);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct entry *e = v;
		gchar **tok = g_strsplit(e->atts, " ", -1);

		for (gchar **p = tok; *p; p++)
			if (**p)
				g_hash_table_add(used, g_strdup(*p));
		g_strfreev(tok);
	}
	for (guint i = 0; i < r->gone->len && st == MA_OK; i++) {
		struct entry *e = r->gone->pdata[i];
		gchar **tok = g_strsplit(e->atts, " ", -1);

		for (gchar **p = tok; *p && st == MA_OK; p++) {
			char rel[128];

			if (!sitename_att_token_ok(*p) ||
			    g_hash_table_contains(used, *p))
				continue;
			snprintf(rel, sizeof rel, "a/%.2s/%s", *p, *p);
			st = site_remove(r->site, rel);
		}
		g_strfreev(tok);
	}
	g_hash_table_destroy(used);
	return st;
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of a set of strings, sorted: runs do things in one order. */
static GPtrArray *
sorted_keys(GHashTable *h)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, str_cmp);
	return a;
}

static enum ma_status
open_db(struct run *r)
{
	char *conf = path_fmt("%s/notmuch/config", r->o->space_dir);
	char *err = NULL;
	notmuch_status_t ns;

	if (conf == NULL)
		return MA_ENOMEM;
	if (!path_exists(conf)) {
		log_err("space '%s' has no notmuch database yet ('%s' is "
			"missing): run mailarc-index first",
			r->o->key, conf);
		free(conf);
		return MA_ECONFIG;
	}
	ns = notmuch_database_open_with_config(
	    NULL, NOTMUCH_DATABASE_MODE_READ_ONLY, conf, NULL, &r->db, &err);
	if (ns != NOTMUCH_STATUS_SUCCESS) {
		log_err("cannot open the notmuch database of space '%s': %s",
			r->o->key,
			err != NULL ? err : notmuch_status_to_string(ns));
		free(err);
		free(conf);
		return ns == NOTMUCH_STATUS_NO_DATABASE ? MA_ECONFIG : MA_EIO;
	}
	free(err);
	free(conf);
	return MA_OK;
}

static enum ma_status
render_all(struct run *r, GPtrArray *changed, bool full)
{
	enum ma_status st = MA_OK;
	GHashTableIter it;
	gpointer k, v;
	GPtrArray *keys;

	if (full) {
		notmuch_query_t *q = notmuch_query_create(r->db, "*");
		notmuch_threads_t *ts = NULL;
		GHashTable *live = g_hash_table_new(g_str_hash, g_str_equal);

		if (q == NULL)
			return MA_ENOMEM;
		notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
		if (notmuch_query_search_threads(q, &ts) !=
		    NOTMUCH_STATUS_SUCCESS) {
			log_err("notmuch: cannot list the threads");
			notmuch_query_destroy(q);
			g_hash_table_destroy(live);
			return MA_EIO;
		}
		for (; notmuch_threads_valid(ts) && st == MA_OK;
		     notmuch_threads_move_to_next(ts)) {
			notmuch_thread_t *th = notmuch_threads_get(ts);

			st = render_thread(r, th);
			notmuch_thread_destroy(th);
		}
		notmuch_query_destroy(q);
		for (guint i = 0; i < r->order->len; i++)
			g_hash_table_add(
			    live, ((struct entry *)r->order->pdata[i])->thread);
		keys = sorted_keys(r->tomb_threads);
		for (guint i = 0; i < keys->len && st == MA_OK; i++)
			if (!g_hash_table_contains(live, keys->pdata[i]))
				st = removed_thread_page(r, keys->pdata[i]);
		g_ptr_array_free(keys, TRUE);
		g_hash_table_destroy(live);
	} else {
		/* The neighbours by date of what came and went show them
		 * as previous and next. */
		for (guint i = 0; i < changed->len; i++) {
			struct entry *e = changed->pdata[i];

			if (e->pos > 0)
				touch_pos(r, e->pos - 1);
			touch_pos(r, e->pos + 1);
		}
		for (guint i = 0; i < r->gone->len; i++) {
			size_t p = order_position(r, r->gone->pdata[i]);

			if (p > 0)
				touch_pos(r, p - 1);
			touch_pos(r, p);
		}
		keys = sorted_keys(r->threads);
		for (guint i = 0; i < keys->len && st == MA_OK; i++)
			st = render_thread_id(r, keys->pdata[i]);
		g_ptr_array_free(keys, TRUE);
	}
	/* Tombstone pages: all of them in a full run, the new ones else. */
	g_hash_table_iter_init(&it, r->tombs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v)) {
		const struct tomb *t = v;

		if ((full || t->fresh) && !g_hash_table_contains(r->by_id, k))
			st = removed_message_page(r, k, t);
	}
	keys = sorted_keys(r->months);
	for (guint i = 0; i < keys->len && st == MA_OK; i++)
		st = month_pages(r, keys->pdata[i]);
	g_ptr_array_free(keys, TRUE);
	if (st == MA_OK)
		st = index_page(r);
	if (st == MA_OK)
		st = feed(r);
	if (st == MA_OK)
		st = site_put(r->site, "style.css", site_stylesheet(),
			      strlen(site_stylesheet()));
	if (st == MA_OK && !full)
		st = drop_attachments(r);
	if (st == MA_OK && full)
		st = site_gc(r->site);
	return st;
}

enum ma_status
render_run(const struct render_opts *o, struct render_stats *stats)
{
	struct run r = {.o = o, .stats = stats};
	GPtrArray *changed = g_ptr_array_new();
	const char *uuid = NULL;
	char *state = path_fmt("%s/state/render.state", o->space_dir);
	unsigned long rev;
	bool full = o->full;
	enum ma_status st;
	long tomb_end = 0;

	memset(stats, 0, sizeof *stats);
	r.blocks = g_ptr_array_new();
	r.strings = g_string_chunk_new(1 << 20);
	r.by_id = g_hash_table_new(g_str_hash, g_str_equal);
	r.order = g_ptr_array_new();
	r.threads = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r.months = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r.tombs =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, tomb_free);
	r.tomb_threads =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	r.gone = g_ptr_array_new();
	if (state == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = open_db(&r)) != MA_OK)
		goto out;
	rev = notmuch_database_get_revision(r.db, &uuid);
	if (!full) {
		st = state_load(&r, state);
		if (st == MA_ENOTFOUND) {
			full = true;
		} else if (st != MA_OK) {
			goto out;
		} else if (strcmp(r.uuid, uuid) != 0 || r.rev > rev) {
			log_notice("the notmuch database of space '%s' was "
				   "rebuilt: rendering everything",
				   o->key);
			full = true;
		} else {
			char *set = settings_line(o);

			if (set == NULL) {
				st = MA_ENOMEM;
				goto out;
			}
			if (r.settings == NULL ||
			    strcmp(set, r.settings) != 0) {
				log_notice(
				    "the settings of space '%s' changed: "
				    "rendering everything",
				    o->key);
				full = true;
			}
			free(set);
		}
		if (full) {
			g_hash_table_remove_all(r.by_id);
			r.tomb_off = 0;
		}
		st = MA_OK;
	}
	/* A site removed by hand (or never published) is rebuilt whole. */
	if (!full) {
		char *index = path_fmt("%s/index.html", o->site_dir);

		if (index == NULL) {
			st = MA_ENOMEM;
			goto out;
		}
		if (!path_exists(index)) {
			log_notice("'%s' is missing: rendering everything",
				   index);
			full = true;
			g_hash_table_remove_all(r.by_id);
			r.tomb_off = 0;
		}
		free(index);
	}
	stats->full = full;
	if ((st = tombstones_read(&r, full ? 0 : r.tomb_off, tomb_note,
				  &tomb_end)) != MA_OK)
		goto out;
	if (!full && rev == r.rev && tomb_end == r.tomb_off) {
		log_info("site of space '%s' is up to date", o->key);
		stats->messages = g_hash_table_size(r.by_id);
		goto out;
	}
	if (full) {
		st = query_messages(&r, "*", NULL);
	} else if (rev > r.rev) {
		char qs[96];

		snprintf(qs, sizeof qs, "lastmod:%lu..%lu", r.rev + 1, rev);
		st = query_messages(&r, qs, changed);
	}
	if (st != MA_OK)
		goto out;
	{
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, r.tombs);
		/* A full run has no entry for a message no longer indexed;
		 * an incremental one drops those that new tombstones name.
		 * A tombstoned message still indexed is shown. */
		while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v))
			if (!full && ((struct tomb *)v)->fresh)
				st = apply_tomb(&r, k, v);
		g_hash_table_iter_init(&it, r.by_id);
		while (g_hash_table_iter_next(&it, &k, &v))
			g_ptr_array_add(r.order, v);
	}
	if (st != MA_OK)
		goto out;
	g_ptr_array_sort(r.order, entry_cmp);
	for (guint i = 0; i < r.order->len; i++)
		((struct entry *)r.order->pdata[i])->pos = i;
	if ((st = site_open(o->site_dir, o->out, o->sep, &r.site)) != MA_OK)
		goto out;
	st = render_all(&r, changed, full);
	stats->files_written = site_written(r.site);
	if (st == MA_OK)
		st = site_close(r.site, true);
	else
		site_close(r.site, false);
	r.site = NULL;
	r.tomb_off = tomb_end;
	if (st == MA_OK)
		st = state_save(&r, state, uuid, rev);
	stats->messages = r.order->len;
out:
	if (r.db != NULL)
		notmuch_database_destroy(r.db);
	g_ptr_array_free(changed, TRUE);
	g_ptr_array_free(r.order, TRUE);
	g_ptr_array_free(r.gone, TRUE);
	g_hash_table_destroy(r.by_id);
	entries_free(&r);
	g_hash_table_destroy(r.threads);
	g_hash_table_destroy(r.months);
	g_hash_table_destroy(r.tombs);
	g_hash_table_destroy(r.tomb_threads);
	free(r.uuid);
	free(r.settings);
	free(state);
	return st;
}
