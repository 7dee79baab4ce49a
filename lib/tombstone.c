/* Tombstones: see tombstone.h for the file format. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "hash.h"
#include "log.h"
#include "path.h"
#include "tombstone.h"
#include "tsv.h"

/* A line longer than this was not written by tombstone_append(): a
 * Message-ID may be as long as the header block lib/msg.c reads (4 MiB),
 * and such a message must be deletable too. */
#define TOMBSTONE_LINE_MAX (((size_t)4 << 20) + 4096)

struct ts_entry {
	char *key; /* message id or identity */
	time_t at;
	bool erased; /* from a line with a hashed Message-ID */
};

struct tombstones {
	struct ts_entry *ids;
	size_t nids;
	struct ts_entry *hashes;
	size_t nhashes;
	size_t lines;
	bool hashed_ids; /* some ids are "sha256:HEX" */
};

void
tombstone_format_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum ma_status
tombstone_append(const char *path, time_t deleted_at, const char *message_id,
		 const char *thread_id, const char *identity)
{
	char when[32], last;
	struct buf line;
	enum ma_status st;
	struct stat sb;
	int fd;

	if (thread_id == NULL)
		thread_id = "-";
	if (identity == NULL)
		identity = "-";
	if (!tsv_field_ok(message_id) || !tsv_field_ok(thread_id) ||
	    !tsv_field_ok(identity)) {
		log_err("cannot write a tombstone for '%s': a field is empty "
			"or holds a control character",
			message_id ? message_id : "(null)");
		return MA_EDATA;
	}
	tombstone_format_time(deleted_at, when, sizeof when);
	buf_init(&line, TOMBSTONE_LINE_MAX);
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;

		log_err("cannot open tombstones '%s': %s", path, strerror(e));
		return path_errno_status(e);
	}
	/* End a line a killed writer left unfinished. */
	st = MA_OK;
	if (fstat(fd, &sb) == 0 && sb.st_size > 0 &&
	    pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n')
		st = buf_addc(&line, '\n');
	if (st == MA_OK)
		st = buf_addf(&line, "%s\t%s\t%s\t%s\n", when, message_id,
			      thread_id, identity);
	if (st == MA_OK)
		st = path_write_all(fd, line.data, line.len);
	if (st == MA_OK && fsync(fd) != 0)
		st = path_errno_status(errno);
	if (st != MA_OK)
		log_err("cannot append to tombstones '%s': %s", path,
			st == MA_ETOOBIG ? "line too long" : strerror(errno));
	if (close(fd) != 0 && st == MA_OK) {
		log_err("cannot append to tombstones '%s': %s", path,
			strerror(errno));
		st = MA_EIO;
	}
	buf_release(&line);
	return st;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ts_entry *)a)->key,
		      ((const struct ts_entry *)b)->key);
}

static enum ma_status
push(struct ts_entry **v, size_t *n, size_t *cap, const char *key, time_t at,
     bool erased)
{
	struct ts_entry *nv;

	if (*n == *cap) {
		if ((nv = array_grow(*v, cap, *n, sizeof *nv, 16)) == NULL)
			return MA_ENOMEM;
		*v = nv;
	}
	if (((*v)[*n].key = strdup(key)) == NULL)
		return MA_ENOMEM;
	(*v)[*n].at = at;
	(*v)[*n].erased = erased;
	(*n)++;
	return MA_OK;
}

static time_t
parse_time(const char *s)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (end == NULL || *end != '\0')
		return (time_t)-1;
	return timegm(&tm);
}

enum ma_status
tombstones_load(const char *path, struct tombstones **tp)
{
	struct tombstones *t = calloc(1, sizeof *t);
	enum ma_status st = MA_OK;
	char *line = NULL;
	size_t cap = 0, idcap = 0, hcap = 0;
	ssize_t n;
	FILE *f;

	if (t == NULL)
		return MA_ENOMEM;
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT) {
			*tp = t;
			return MA_OK;
		}
		log_err("cannot open tombstones '%s': %s", path,
			strerror(errno));
		free(t);
		return MA_EIO;
	}
	while (st == MA_OK && (n = getline(&line, &cap, f)) >= 0) {
		char *fields[4];
		time_t at;
		bool erased;

		if (n == 0 || line[n - 1] != '\n' ||
		    (size_t)n > TOMBSTONE_LINE_MAX)
			continue;
		line[n - 1] = '\0';
		if (tsv_split(line, fields, 4) != 4 ||
		    (at = parse_time(fields[0])) == (time_t)-1) {
			log_debug("'%s': skipping a malformed line", path);
			continue;
		}
		t->lines++;
		erased = strncmp(fields[1], "sha256:", 7) == 0;
		if (erased)
			t->hashed_ids = true;
		if (*fields[1] != '\0' && strcmp(fields[1], "-") != 0)
			st = push(&t->ids, &t->nids, &idcap, fields[1], at,
				  erased);
		if (st == MA_OK && strcmp(fields[3], "-") != 0)
			st = push(&t->hashes, &t->nhashes, &hcap, fields[3], at,
				  erased);
	}
	if (st == MA_OK && ferror(f)) {
		log_err("cannot read tombstones '%s': %s", path,
			strerror(errno));
		st = MA_EIO;
	}
	free(line);
	fclose(f);
	if (st != MA_OK) {
		tombstones_free(t);
		return st;
	}
	if (t->nids)
		qsort(t->ids, t->nids, sizeof *t->ids, entry_cmp);
	if (t->nhashes)
		qsort(t->hashes, t->nhashes, sizeof *t->hashes, entry_cmp);
	*tp = t;
	return MA_OK;
}

static const struct ts_entry *
find(const struct ts_entry *v, size_t n, const char *key)
{
	struct ts_entry k = {.key = (char *)key};

	if (key == NULL || n == 0)
		return NULL;
	return bsearch(&k, v, n, sizeof *v, entry_cmp);
}

static const struct ts_entry *
match(const struct tombstones *t, const char *message_id, const char *identity)
{
	const struct ts_entry *e = find(t->ids, t->nids, message_id);

	if (e == NULL && t->hashed_ids && message_id != NULL) {
		char h[TOMBSTONE_HASH_LEN + 1];

		tombstone_hash_id(message_id, h);
		e = find(t->ids, t->nids, h);
	}
	if (e == NULL)
		e = find(t->hashes, t->nhashes, identity);
	return e;
}

bool
tombstones_match(const struct tombstones *t, const char *message_id,
		 const char *identity, time_t *deleted_at)
{
	const struct ts_entry *e = match(t, message_id, identity);

	if (e != NULL && deleted_at != NULL)
		*deleted_at = e->at;
	return e != NULL;
}

bool
tombstones_erased(const struct tombstones *t, const char *message_id,
		  const char *identity)
{
	const struct ts_entry *e = match(t, message_id, identity);

	return e != NULL && e->erased;
}

void
tombstone_hash_id(const char *message_id, char *out)
{
	hash_sha256_tagged(message_id, strlen(message_id), out);
}

size_t
tombstones_count(const struct tombstones *t)
{
	return t->lines;
}

void
tombstones_free(struct tombstones *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nids; i++)
		free(t->ids[i].key);
	for (size_t i = 0; i < t->nhashes; i++)
		free(t->hashes[i].key);
	free(t->ids);
	free(t->hashes);
	free(t);
}

/* Whole files are read at once; the cap only guards memory. */
#define TOMBSTONES_MAX ((size_t)1 << 31)

/* Split line (NUL-terminated) at its tabs into at most 4 fields. */
static size_t
split_fields(char *line, char *f[4])
{
	size_t nf = 0;

	f[nf++] = line;
	for (char *q = line; *q && nf < 4; q++)
		if (*q == '\t') {
			*q = '\0';
			f[nf++] = q + 1;
		}
	return nf;
}

enum ma_status
tombstones_scan(const char *path, long from,
		enum ma_status (*fn)(void *arg, const struct tombstone_line *l),
		void *arg, long *endp)
{
	char *data;
	size_t len, pos = 0;
	enum ma_status st =
	    path_file_read_all(path, TOMBSTONES_MAX, &data, &len);

	if (st == MA_ENOTFOUND) {
		*endp = 0;
		return MA_OK;
	}
	if (st != MA_OK)
		return st;
	if ((size_t)from > len)
		from = 0; /* the file was replaced: all of it is fresh */
	while (pos < len && st == MA_OK) {
		char *nl = memchr(data + pos, '\n', len - pos), *f[4];
		size_t nf;

		if (nl == NULL)
			break; /* being written: the next reader's */
		*nl = '\0';
		nf = split_fields(data + pos, f);
		if (nf >= 3 && f[1][0] != '\0') {
			char *id = f[1];
			size_t n = strlen(id);
			struct tombstone_line l = {
			    .deleted_at = f[0],
			    .thread_id = f[2],
			    .off = (long)pos,
			    .fresh = pos >= (size_t)from,
			};

			/* "<>" is itself an id notmuch keeps (a field of
			 * only that), as the permalink rule does. */
			if (n > 2 && id[0] == '<' && id[n - 1] == '>') {
				id[n - 1] = '\0';
				id++;
			}
			l.message_id = id;
			st = fn(arg, &l);
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
