/*
 * Raw forms of messages: a message file read once, and mboxrd, the form of
 * the thread and month .mbox files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "render_int.h"

/*
 * A message file is read in one read(2) of the size fstat(2) gives (and
 * a byte more, to see the end): every message page and month reads each
 * of its files, and a read in chunks into a growing buffer costs a read
 * per 8 KB, copies, and a wipe of the chunk meant for secrets. *readp
 * false (and MA_OK) where that way does not fit (not a regular file, too
 * big, grown while read): read_raw() then reads it as any file.
 */
static enum ma_status
read_sized(const char *file, bool *readp, char **datap, size_t *lenp,
	   struct stat *sbp)
{
	int fd = raw_open(file), e;
	struct stat sb;
	size_t size, got = 0;
	char *data;

	*readp = false;
	if (fd < 0) {
		e = errno;
		log_err("cannot open '%s': %s", file, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : path_errno_status(e);
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0 ||
	    (uint64_t)sb.st_size >= RAW_MAX) {
		close(fd);
		return MA_OK;
	}
	size = (size_t)sb.st_size;
	if ((data = malloc(size + 1)) == NULL) {
		close(fd);
		return MA_ENOMEM;
	}
	/* Done when the file holds the bytes fstat() counted; a file that
	 * changes meanwhile is read to its end. */
	while (got <= size) {
		ssize_t n = read(fd, data + got, size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			log_err("cannot read '%s': %s", file, strerror(e));
			free(data);
			close(fd);
			return path_errno_status(e);
		}
		got += (size_t)n;
		if (n == 0 || got == size)
			break;
	}
	close(fd);
	if (got > size) { /* grown: read it as any file */
		free(data);
		return MA_OK;
	}
	data[got] = '\0';
	*readp = true;
	*sbp = sb;
	*datap = data;
	*lenp = got;
	return MA_OK;
}

enum ma_status
read_raw_stat(const char *file, char **datap, size_t *lenp, struct stat *sbp)
{
	enum ma_status st;
	bool read;

	sbp->st_mode = 0;
	if ((st = read_sized(file, &read, datap, lenp, sbp)) != MA_OK || read)
		return st;
	st = path_file_read_all(file, RAW_MAX, datap, lenp);
	if (st == MA_ENOTFOUND)
		log_err("cannot open '%s': %s", file, strerror(ENOENT));
	return st;
}

enum ma_status
read_raw(const char *file, char **datap, size_t *lenp)
{
	struct stat sb;

	return read_raw_stat(file, datap, lenp, &sb);
}

/*
 * The Archived-At header (RFC 5064) of e when the space has a
 * base_url, else "": "Archived-At: <BASE/m/NAME.html>\n" into out.
 * A base_url with a byte a header cannot hold inside <> is none.
 */
static void
archived_at(struct run *r, struct entry *e, char *out, size_t size)
{
	const char *base = r->o->base_url;
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	size_t n;

	out[0] = '\0';
	if (base == NULL || base[0] == '\0' ||
	    entry_page_name(r, e, name) != MA_OK)
		return;
	for (const char *p = base; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '<' || *p == '>' ||
		    *p == '"')
			return;
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (snprintf(out, size, "Archived-At: <%.*s/m/%s.html>\n", (int)n, base,
		     name_stem(name, stem)) >= (int)size)
		out[0] = '\0'; /* a base_url this long is no address */
}

/* Room for an Archived-At line: a base_url past it gives none. */
#define ARCHIVED_AT_MAX (PERMALINK_STEM_MAX + 1024)

enum ma_status
mbox_add(struct buf *b, const char *file, time_t date, const char *hdr)
{
	char *data;
	size_t len;
	enum ma_status st;

	if (file == NULL)
		return MA_OK;
	if ((st = read_raw(file, &data, &len)) != MA_OK)
		return st == MA_ENOTFOUND ? MA_OK : st;
	st = sitename_mbox_add_hdr(b, data, len, date, hdr);
	free(data);
	return st;
}

/* t/NAME.mbox: oldest first (byd is in the site's order), streamed,
 * from the copies in memory or the files. */
enum ma_status
thread_mbox(struct run *r, const struct thread_ctx *tc, GPtrArray *byd)
{
	struct site_file *f = NULL, *twin = NULL;
	char rel[PERMALINK_STEM_MAX + 16], at[ARCHIVED_AT_MAX],
	    stem[PERMALINK_STEM_MAX];
	struct buf b;
	enum ma_status st;

	if ((st = render_fmt(rel, sizeof rel, "t/%s.mbox",
			     name_stem(tc->name, stem))) != MA_OK ||
	    (st = site_file_open(r->site, rel, &f)) != MA_OK)
		return st;
	/* The flat layout's address of the mbox stays live (legacy.c). */
	if (legacy_twin(r, tc->name, "mbox", rel, sizeof rel) &&
	    (st = site_file_open(r->site, rel, &twin)) != MA_OK) {
		site_file_abort(f);
		return st;
	}
	buf_init(&b, PAGE_MAX);
	for (guint k = 0; k < byd->len && st == MA_OK; k++) {
		struct tmsg *t = byd->pdata[k];

		buf_reset(&b);
		archived_at(r, t->e, at, sizeof at);
		if (t->raw != NULL)
			st = sitename_mbox_add_hdr(&b, t->raw, t->raw_len,
						   t->e->date, at);
		else if (t->e->lst->file != NULL)
			st = mbox_add(&b, t->e->lst->file, t->e->date, at);
		/* Its other versions follow it: the mbox holds every file. */
		for (size_t v = 1; v < t->nver && st == MA_OK; v++)
			st = mbox_add(&b, t->ver[v].file, t->ver[v].date, at);
		if (st == MA_OK && b.len > 0)
			st = site_file_write(f, b.data, b.len);
		if (st == MA_OK && b.len > 0 && twin != NULL)
			st = site_file_write(twin, b.data, b.len);
	}
	buf_release(&b);
	if (st == MA_OK)
		st = site_file_commit(r->site, f);
	else
		site_file_abort(f);
	if (twin != NULL && st == MA_OK)
		return site_file_commit(r->site, twin);
	if (twin != NULL)
		site_file_abort(twin);
	return st;
}

/* The versions of e after its first, for its month's mbox. */
static enum ma_status
mbox_add_versions(struct run *r, struct buf *b, const struct entry *e,
		  const char *at)
{
	notmuch_message_t *m = NULL;
	struct version *v = NULL;
	size_t n = 0;
	enum ma_status st = MA_OK;

	if (notmuch_database_find_message(r->db, e->msgid, &m) !=
		NOTMUCH_STATUS_SUCCESS ||
	    m == NULL)
		return MA_OK;
	st = versions_of(m, &v, &n);
	notmuch_message_destroy(m);
	for (size_t k = 1; k < n && st == MA_OK; k++)
		st = mbox_add(b, v[k].file, v[k].date, at);
	versions_free(v, n);
	return st;
}

/* YYYY/MM/YYYY-MM.mbox, streamed: a month may hold more mail than
 * memory; one message at a time is in memory, and a bounded number of
 * listings (entries_unfill_many()). New mail at the end of a busy month
 * reads the new messages' files, not the month's. */
enum ma_status
month_mbox(struct run *r, const char *month, size_t lo, size_t hi, size_t kept)
{
	struct site_file *f = NULL;
	char rel[64], at[ARCHIVED_AT_MAX];
	struct buf b;
	enum ma_status st;

	if ((st = render_fmt(rel, sizeof rel, "%s/%.4s-%.2s.mbox", month, month,
			     month + 5)) != MA_OK ||
	    (st = site_file_open(r->site, rel, &f)) != MA_OK)
		return st;
	/* Each message of ours ends with an empty line. */
	if (kept > 0 && kept <= hi - lo && site_file_keep(f, "\n\n"))
		lo += kept;
	buf_init(&b, PAGE_MAX);
	for (size_t i = lo; i < hi && st == MA_OK; i++) {
		struct entry *e = r->order->pdata[i];

		buf_reset(&b);
		archived_at(r, e, at, sizeof at);
		if (entry_fill(r, e))
			st = mbox_add(&b, e->lst->file, e->date, at);
		if (st == MA_OK && e->filled && e->nfiles > 1)
			st = mbox_add_versions(r, &b, e, at);
		if (st == MA_OK && b.len > 0)
			st = site_file_write(f, b.data, b.len);
		entries_unfill_many(r);
	}
	buf_release(&b);
	if (st == MA_OK)
		return site_file_commit(r->site, f);
	site_file_abort(f);
	return st;
}
