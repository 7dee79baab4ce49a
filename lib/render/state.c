/*
 * The state file, SPACE/state/render.state: what the last run rendered
 * (the notmuch database uuid and revision, the bytes of tombstones
 * applied, the settings the pages show) and one line per message. Loaded
 * at the start of an incremental run, written last, after the pages are
 * durable.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"
#include "render_int.h"

/* What the state's header says (before its blank line). */
struct state_head {
	char *uuid; /* malloc'd; NULL: none */
	unsigned long rev;
	long off; /* -1: none */
};

/* Read the header lines of data (NUL-terminating them) into h and
 * r->settings; returns where the entries start. */
static char *
state_head_read(struct run *r, char *data, char *end, struct state_head *h)
{
	char *p = data;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;
		*nl = '\0';
		if (p == nl)
			return nl + 1;
		if (strncmp(p, "uuid ", 5) == 0) {
			free(h->uuid);
			h->uuid = strdup(p + 5);
		} else if (strncmp(p, "revision ", 9) == 0) {
			h->rev = strtoul(p + 9, NULL, 10);
		} else if (strncmp(p, "tombstones ", 11) == 0) {
			h->off = strtol(p + 11, NULL, 10);
		} else if (strncmp(p, "settings ", 9) == 0) {
			free(r->settings);
			r->settings = strdup(p + 9);
		} else if (p == data && strcmp(p, STATE_MAGIC) != 0) {
			break;
		}
		p = nl + 1;
	}
	return p;
}

/* One entry line, from line to nl: MESSAGE-ID TAB THREAD TAB DATE TAB
 * ATTACHMENTS ("-" for none); a line with fewer fields is skipped. */
static enum ma_status
state_entry(struct run *r, char *line, char *nl)
{
	char *f[4], *id;
	size_t nf = 0;
	struct entry *e;

	f[nf++] = line;
	for (char *q = line; q < nl && nf < 4; q++)
		if (*q == '\t') {
			*q = '\0';
			f[nf++] = q + 1;
		}
	*nl = '\0';
	if (nf != 4)
		return MA_OK;
	if ((id = sitename_state_unescape(f[0], strlen(f[0]))) == NULL)
		return MA_ENOMEM;
	e = entry_add(r, id);
	free(id);
	if (e == NULL)
		return MA_ENOMEM;
	sitename_set_thread(e->thread, f[1]);
	e->date = (time_t)strtoll(f[2], NULL, 10);
	if (strcmp(f[3], "-") != 0)
		e->atts = g_string_chunk_insert(r->strings, f[3]);
	return MA_OK;
}

/*
 * Load the state: MA_ENOTFOUND when there is none (or it is unusable:
 * then a full run rebuilds it), MA_OK with r->rev, r->tomb_off and the
 * entries set.
 */
enum ma_status
render_state_load(struct run *r, const char *path)
{
	struct state_head h = {.off = -1};
	char *data, *p, *end;
	size_t len;
	enum ma_status st;

	st = path_file_read_all(path, STATE_MAX, &data, &len);
	if (st != MA_OK)
		return st == MA_ENOTFOUND ? MA_ENOTFOUND : st;
	end = data + len;
	if (len > strlen(STATE_MAGIC) &&
	    strncmp(data, STATE_MAGIC_STEM, strlen(STATE_MAGIC_STEM)) == 0 &&
	    (strncmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) != 0 ||
	     data[strlen(STATE_MAGIC)] != '\n')) {
		log_notice("'%s' was written by another version of "
			   "mailarc-render: rendering everything",
			   path);
		free(data);
		return MA_ENOTFOUND;
	}
	p = state_head_read(r, data, end, &h);
	if (h.uuid == NULL || h.off < 0 ||
	    strncmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) != 0) {
		log_warn("'%s' is not a render state: rendering everything",
			 path);
		free(h.uuid);
		free(data);
		return MA_ENOTFOUND;
	}
	while (p < end && st == MA_OK) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		st = state_entry(r, p, nl);
		p = nl + 1;
	}
	free(data);
	if (st != MA_OK) {
		free(h.uuid);
		return st;
	}
	r->uuid = h.uuid;
	r->rev = h.rev;
	r->tomb_off = h.off;
	return MA_OK;
}

/*
 * The settings every page shows or depends on, as one line: when they
 * change, every page must be rendered again.
 */
char *
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

enum ma_status
render_state_save(struct run *r, const char *path, const char *uuid,
		  unsigned long rev)
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
		st = path_write_file_atomic(path, b.data, b.len, 0644);
	buf_release(&b);
	return st;
}
