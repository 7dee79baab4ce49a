/*
 * The state, SPACE/state/render.state: what the last run rendered (the
 * notmuch database uuid and revision, the bytes of tombstones applied,
 * the settings the pages show), the entries and the thread names. It is
 * kept per month and per bucket on disk (version 4, store.c); this file
 * reads its header, reads a state of version 3 (one file with a log,
 * state_log.c) once to convert it, and answers render_thread_root().
 * Loaded at the start of an incremental run, written last, after the
 * pages are durable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "render_int.h"
#include "space.h"

static enum ma_status legacy_names(struct run *r, const char *data, size_t len);

/* What the state's header says (before its blank line). */
struct state_head {
	char *uuid; /* malloc'd; NULL: none */
	unsigned long rev;
	long off; /* -1: none */
};

/* One header line (its newline cut off) into h and r->settings. */
static enum ma_status
state_head_line(struct run *r, const char *p, struct state_head *h)
{
	if (strncmp(p, "uuid ", 5) == 0) {
		free(h->uuid);
		if ((h->uuid = strdup(p + 5)) == NULL)
			return MA_ENOMEM;
	} else if (strncmp(p, "revision ", 9) == 0) {
		h->rev = strtoul(p + 9, NULL, 10);
	} else if (strncmp(p, "tombstones ", 11) == 0) {
		h->off = strtol(p + 11, NULL, 10);
	} else if (strncmp(p, "thread ", 7) == 0) {
		return names_note(r, p + 7);
	} else if (strncmp(p, "settings ", 9) == 0) {
		free(r->settings);
		if ((r->settings = strdup(p + 9)) == NULL)
			return MA_ENOMEM;
	}
	return MA_OK;
}

/*
 * The state's first line is not this version's: a state of version 2
 * gives its thread names (legacy_names()); either way the run is full.
 */
static enum ma_status
state_other_version(struct run *r, const char *path, const char *first)
{
	enum ma_status st = MA_OK;
	char *data;
	size_t len;

	log_notice("'%s' was written by another version of "
		   "mailarc-render: rendering everything",
		   path);
	if (strcmp(first, STATE_MAGIC_STEM "2\n") != 0)
		return MA_ENOTFOUND;
	if ((st = path_file_read_all(path, STATE_MAX, &data, &len)) != MA_OK)
		return st == MA_ENOTFOUND ? MA_ENOTFOUND : st;
	r->state_read += len;
	st = legacy_names(r, data, len);
	free(data);
	return st == MA_OK ? MA_ENOTFOUND : st;
}

/*
 * The log (state_log.c), from its "@log" line at offset mark to the end
 * of f: read whole (it stays under a quarter of the state) and applied.
 */
static enum ma_status
state_log_read(struct run *r, FILE *f, size_t mark, struct state_head *h)
{
	struct buf b;
	char chunk[1 << 16];
	size_t n;
	enum ma_status st;

	buf_init(&b, STATE_MAX);
	st = buf_adds(&b, "@log\n");
	while (st == MA_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		st = buf_add(&b, chunk, n);
	if (st == MA_OK && ferror(f))
		st = MA_EIO;
	if (st == MA_OK && (st = buf_addc(&b, '\0')) == MA_OK) {
		r->state_read += b.len - 1;
		st = state_log_load(r, b.data, 0, b.len - 1, &h->rev, &h->off);
		r->state_end += mark;
	}
	buf_release(&b);
	return st;
}

/*
 * The lines after the header: the entries in the site's order (none
 * kept unless entries: a full run makes its own), then the log.
 */
static enum ma_status
state_body_read(struct run *r, FILE *f, size_t off, bool entries,
		struct state_head *h)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool logged = false;
	enum ma_status st = MA_OK;

	while (st == MA_OK && (n = getline(&line, &cap, f)) > 0) {
		char *nl = line + n - (line[n - 1] == '\n');

		if (state_log_mark(line, nl)) {
			st = state_log_read(r, f, off, h);
			logged = true;
			break;
		}
		off += (size_t)n;
		r->state_read += (size_t)n;
		if (entries)
			st = state_entry(r, line, nl, false);
	}
	if (st == MA_OK && ferror(f))
		st = MA_EIO;
	if (st == MA_OK && !logged)
		r->state_end = off;
	free(line);
	return st;
}

/* The header lines up to the blank one; *offp past it. */
static enum ma_status
state_head_lines(struct run *r, FILE *f, struct state_head *h, size_t *offp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	enum ma_status st = MA_OK;

	while (st == MA_OK && (n = getline(&line, &cap, f)) > 0) {
		*offp += (size_t)n;
		r->state_read += (size_t)n;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			break;
		st = state_head_line(r, line, h);
	}
	free(line);
	return st;
}

/*
 * A state of version 4: the manifest, read whole (it is small: a line
 * per file of the store), its header here, the rest by store.c.
 */
static enum ma_status
state_load4(struct run *r, const char *path, bool entries, struct state_head *h)
{
	char *data, *p, *end;
	size_t len;
	enum ma_status st;

	if ((st = path_file_read_all(path, STATE_MAX, &data, &len)) != MA_OK)
		return st;
	r->state_read += len;
	end = data + len;
	p = memchr(data, '\n', len);
	p = p != NULL ? p + 1 : end;
	for (st = MA_OK; p < end && st == MA_OK;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char save;

		if (nl == NULL)
			nl = end;
		if (nl == p)
			break;
		save = *nl;
		*nl = '\0';
		st = state_head_line(r, p, h);
		*nl = save;
		p = nl + 1;
	}
	if (st == MA_OK && (h->uuid == NULL || h->off < 0)) {
		log_warn("'%s' is not a render state: rendering everything",
			 path);
		st = MA_ENOTFOUND;
	}
	if (st == MA_OK)
		st = store_load(r, path, data, len, entries);
	free(data);
	return st;
}

/* The end of a load with status st: what the header said goes into r
 * (MA_OK), or is freed. */
static enum ma_status
state_loaded(struct run *r, struct state_head *h, enum ma_status st)
{
	if (st != MA_OK) {
		free(h->uuid);
		return st;
	}
	r->uuid = h->uuid;
	r->rev = h->rev;
	r->tomb_off = h->off;
	return MA_OK;
}

/*
 * Load the state, a line at a time (never whole in memory): MA_ENOTFOUND
 * when there is none (or it is unusable: then a full run rebuilds it),
 * MA_OK with r->rev, r->tomb_off, the thread names and, with entries,
 * the entries set.
 */
enum ma_status
render_state_load(struct run *r, const char *path, bool entries)
{
	struct state_head h = {.off = -1};
	FILE *f = fopen(path, "re");
	char *first = NULL;
	size_t cap = 0, off = 0;
	ssize_t n;
	enum ma_status st = MA_OK;

	if (f == NULL) {
		if (errno == ENOENT)
			return MA_ENOTFOUND;
		log_err("cannot read '%s': %s", path, strerror(errno));
		return path_errno_status(errno);
	}
	if ((n = getline(&first, &cap, f)) > 0) {
		off = (size_t)n;
		r->state_read += off;
	}
	if (n > 0 && strcmp(first, STATE_MAGIC4 "\n") == 0) {
		free(first);
		fclose(f);
		return state_loaded(r, &h, state_load4(r, path, entries, &h));
	}
	if (n > 0 &&
	    strncmp(first, STATE_MAGIC_STEM, strlen(STATE_MAGIC_STEM)) == 0 &&
	    strcmp(first, STATE_MAGIC "\n") != 0)
		st = state_other_version(r, path, first);
	else if (n <= 0 || strcmp(first, STATE_MAGIC "\n") != 0)
		h.off = -1; /* not a render state: said below */
	else
		st = state_head_lines(r, f, &h, &off);
	free(first);
	if (st == MA_OK && (h.uuid == NULL || h.off < 0)) {
		log_warn("'%s' is not a render state: rendering everything",
			 path);
		st = MA_ENOTFOUND;
	}
	if (st == MA_OK)
		st = state_body_read(r, f, off, entries, &h);
	fclose(f);
	return state_loaded(r, &h, st);
}

enum ma_status
render_state_stage(struct run *r, const char *path, GPtrArray *changed)
{
	return store_stage(r, path, changed);
}

enum ma_status
render_state_save(struct run *r, const char *path, const char *uuid,
		  unsigned long rev)
{
	return store_save(r, path, uuid, rev);
}

/* The Message-ID field of an entry line from p to nl, unescaped. */
static char *
state_line_id(const char *p, const char *nl, const char **tabp)
{
	const char *tab = memchr(p, '\t', (size_t)(nl - p));

	if (tab == NULL)
		return NULL;
	*tabp = tab + 1;
	return sitename_state_unescape(p, (size_t)(tab - p));
}

/* The thread field of an entry line (after its first tab) into out. */
static void
state_line_thread(const char *f, const char *nl, char out[32])
{
	const char *tab = memchr(f, '\t', (size_t)(nl - f));
	size_t n = tab != NULL ? (size_t)(tab - f) : 0;

	if (n >= 32)
		n = 0;
	memcpy(out, f, n);
	out[n] = '\0';
}

/* The date field of an entry line (after its thread's tab). */
static long long
state_line_date(const char *f, const char *nl)
{
	const char *tab = memchr(f, '\t', (size_t)(nl - f));

	return tab != NULL ? strtoll(tab + 1, NULL, 10) : 0;
}

/* Whether the state at path carries the publishing mark (run.c): a run
 * stopped or still going between its first pages and its last state. */
static bool
render_part_way(const char *path)
{
	char *p = path_fmt("%s.publishing", path);
	bool r = p != NULL && path_exists(p);

	free(p);
	return r;
}

/*
 * Walk the entries of data[0..len) (the header skipped, the log's "e"
 * lines included, a later line winning): the thread of msgid into
 * thread, or, when thread is set, the first Message-ID of that thread by
 * (date, Message-ID) into *rootp (malloc'd).
 */
static enum ma_status
state_scan(const char *data, size_t len, const char *msgid, char thread[32],
	   char **rootp)
{
	const char *end = data + len, *p = data, *blank;
	bool want_root = thread[0] != '\0', log = false;
	long long best = 0;
	char *root = NULL;

	blank = memmem(data, len, "\n\n", 2);
	if (blank == NULL)
		return MA_ENOTFOUND;
	for (p = blank + 2; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f, *q = p;
		char th[32], *id;
		long long d;

		if (nl == NULL)
			nl = end;
		p = nl + 1;
		if (state_log_mark(q, nl) ||
		    (log && strncmp(q, "e\t", 2) != 0)) {
			log = true;
			continue;
		}
		if ((id = state_line_id(log ? q + 2 : q, nl, &f)) == NULL)
			continue;
		state_line_thread(f, nl, th);
		if (!want_root && strcmp(id, msgid) == 0 && th[0])
			memcpy(thread, th, sizeof th);
		if (want_root && strcmp(th, thread) == 0 &&
		    (d = state_line_date(f, nl),
		     root == NULL || d < best ||
			 (d == best && strcmp(id, root) < 0))) {
			free(root);
			root = id;
			best = d;
			continue;
		}
		free(id);
	}
	if (want_root && root != NULL)
		*rootp = root;
	return (want_root ? root != NULL : thread[0] != '\0') ? MA_OK
							      : MA_ENOTFOUND;
}

enum ma_status
render_thread_root(const char *space_dir, const char *msgid, char **rootp)
{
	char *path = space_part_path(space_dir, SPACE_RENDER_STATE);
	char thread[32] = "", *root = NULL, *data, *id;
	size_t len, n;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(path, STATE_MAX, &data, &len);
	if (st != MA_OK) {
		free(path);
		return st;
	}
	/* As the index keeps it: without angle brackets. */
	n = strlen(msgid);
	if (n >= 2 && msgid[0] == '<' && msgid[n - 1] == '>')
		id = g_strndup(msgid + 1, n - 2);
	else
		id = g_strdup(msgid);
	if (len > strlen(STATE_MAGIC4) &&
	    strncmp(data, STATE_MAGIC4 "\n", strlen(STATE_MAGIC4) + 1) == 0)
		st = store_thread_root(path, data, len, id, &root);
	else if (len <= strlen(STATE_MAGIC) ||
		 strncmp(data, STATE_MAGIC "\n", strlen(STATE_MAGIC) + 1) != 0)
		st = MA_ENOTFOUND;
	else if ((st = state_scan(data, len, id, thread, NULL)) == MA_OK)
		st = state_scan(data, len, id, thread, &root);
	if (st == MA_OK) {
		*rootp = root;
		root = NULL;
	}
	/* A run that rewrites the site has saved part of its state (a full
	 * run in steps, steps.c), or was killed: the next one knows. */
	if (st == MA_ENOTFOUND && render_part_way(path))
		st = MA_ETEMP;
	free(root);
	g_free(id);
	free(data);
	free(path);
	return st;
}

/*
 * A version 2 state: its site named thread pages by notmuch thread id
 * (t/ID.html). Each such name is recorded as a thread name whose root is
 * the thread's first message there (the entries are in the site's
 * order), so that the old address becomes a notice that leads to the
 * thread's new page instead of going.
 */
static enum ma_status
legacy_names(struct run *r, const char *data, size_t len)
{
	const char *end = data + len, *p, *blank;
	enum ma_status st = MA_OK;

	if ((blank = memmem(data, len, "\n\n", 2)) == NULL)
		return MA_OK;
	for (p = blank + 2; p < end && st == MA_OK;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *f;
		char th[32], *id;

		if (nl == NULL)
			nl = end;
		if ((id = state_line_id(p, nl, &f)) != NULL) {
			state_line_thread(f, nl, th);
			if (sitename_thread_ok(th) &&
			    names_get(r, th) == NULL) {
				struct buf b;

				buf_init(&b, 1 << 20);
				st = buf_addf(&b, "%s\t", th);
				if (st == MA_OK)
					st = sitename_state_escape(&b, id);
				if (st == MA_OK)
					st = buf_addf(&b, "\t%s", th);
				if (st == MA_OK)
					st = names_note(r, buf_cstr(&b));
				buf_release(&b);
			}
			free(id);
		}
		p = nl + 1;
	}
	return st;
}
