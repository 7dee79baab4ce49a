/*
 * The versions of a message: every file notmuch holds under one
 * Message-ID (the list copy and the direct copy, a resent patch, a
 * corrected re-send; dedupe archives each because their content
 * differs), in an order that depends only on their content: by date,
 * then by the SHA-256 of the file. The first is the message's primary
 * version (its listings, its month, m/NAME.eml); every version is shown
 * on the message's page, each with its raw form.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"
#include "render_int.h"

/* A file is read in steps of this size until its header block ends. */
#define HEAD_STEP ((size_t)64 << 10)

void
versions_free(struct version *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].file);
	free(v);
}

static int
version_cmp(const void *a, const void *b)
{
	const struct version *x = a, *y = b;
	int c;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if ((c = strcmp(x->hash, y->hash)) != 0)
		return c;
	return strcmp(x->file, y->file); /* the same content twice */
}

/* Where the header block of data[0..n) ends (the empty line), or NULL. */
static const char *
head_end(const char *data, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++)
		if (data[i] == '\n' &&
		    ((i + 1 < n && data[i + 1] == '\n') ||
		     (i + 2 < n && data[i + 1] == '\r' && data[i + 2] == '\n')))
			return data + i;
	return NULL;
}

/* The header block of a file (however long: a 2 MB Subject comes before
 * the Date), read up to its end or RAW_MAX, malloc'd. Plain read(2)s
 * that stop at the block's end: most files take one. */
static char *
read_head(const char *file, size_t *lenp)
{
	int fd = raw_open(file);
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*lenp = 0;
	if (fd < 0)
		return NULL;
	while (n < RAW_MAX) {
		ssize_t got;

		if (n == cap) {
			char *nb = realloc(buf, cap + HEAD_STEP);

			if (nb == NULL)
				break;
			buf = nb;
			cap += HEAD_STEP;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (head_end(buf, n,
			     n - (size_t)got > 2 ? n - (size_t)got - 2 : 0) !=
		    NULL)
			break;
	}
	close(fd);
	*lenp = n;
	return buf;
}

void
version_date(struct version *v, const char *data, size_t len)
{
	char *head = NULL;
	size_t hl = len;

	if (data == NULL)
		data = head = read_head(v->file, &hl);
	v->date =
	    render_mail_date(data != NULL ? data : "", hl, v->file, &v->src);
	free(head);
}

/* A version's content hash (of the whole file; "" if unreadable). */
static void
version_hash(struct version *v)
{
	char *data;
	size_t len;
	gchar *h;

	v->hash[0] = '\0';
	if (path_file_read_all(v->file, RAW_MAX, &data, &len) != MA_OK)
		return;
	h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data,
					len);
	if (h != NULL && strlen(h) == 64)
		memcpy(v->hash, h, 65);
	g_free(h);
	free(data);
}

static enum ma_status versions_list(notmuch_message_t *m, struct version **vp,
				    size_t *np, bool date_one);

enum ma_status
versions_of(notmuch_message_t *m, struct version **vp, size_t *np)
{
	return versions_list(m, vp, np, true);
}

enum ma_status
versions_of_undated(notmuch_message_t *m, struct version **vp, size_t *np)
{
	return versions_list(m, vp, np, false);
}

/* The files of m; date_one false leaves the date of a single file
 * unread (several are always dated: their order needs it). */
static enum ma_status
versions_list(notmuch_message_t *m, struct version **vp, size_t *np,
	      bool date_one)
{
	notmuch_filenames_t *fs = notmuch_message_get_filenames(m);
	struct version *v = NULL;
	size_t n = 0, cap = 0;

	*vp = NULL;
	*np = 0;
	for (; fs != NULL && notmuch_filenames_valid(fs);
	     notmuch_filenames_move_to_next(fs)) {
		const char *f = notmuch_filenames_get(fs);

		if (n == cap) {
			struct version *nv =
			    array_grow(v, &cap, n, sizeof *nv, 2);

			if (nv == NULL)
				goto nomem;
			v = nv;
		}
		memset(&v[n], 0, sizeof v[n]);
		if ((v[n].file = strdup(f)) == NULL)
			goto nomem;
		n++;
	}
	if (fs != NULL)
		notmuch_filenames_destroy(fs);
	fs = NULL;
	for (size_t i = 0; i < n && (date_one || n > 1); i++) {
		version_date(&v[i], NULL, 0);
		/* One file needs no hash: nothing to order. */
		if (n > 1)
			version_hash(&v[i]);
	}
	if (n > 1)
		qsort(v, n, sizeof *v, version_cmp);
	*vp = v;
	*np = n;
	return MA_OK;
nomem:
	if (fs != NULL)
		notmuch_filenames_destroy(fs);
	versions_free(v, n);
	return MA_ENOMEM;
}
