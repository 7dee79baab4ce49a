/*
 * A full run over a site that published thread NAMEs, in steps (steps.c):
 * the NAMEs the site published wait in a file beside the state,
 * STATE.names, while the steps name the live threads as a first render
 * does; the last step settles the others (names.c). Here: that file
 * written from the state's name buckets, read a line at a time, and what
 * the last step reads of the state the steps saved (each a bucket or a
 * month file at a time): the NAMEs a name bucket holds, the NAME of the
 * thread that holds a message now, the NAME of a thread.
 *
 * The file lives from the start of the steps to the end of the last one:
 * a run that finds it without the publishing mark (run.c) removes it,
 * since its NAMEs are in the state again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "space.h"
#include "store_int.h"

/* Bytes copied at a time from an older file of NAMEs. */
#define CARRY_COPY ((size_t)1 << 16)

char *
store_carry_path(const struct run *r)
{
	char *state = space_part_path(r->o->space_dir, SPACE_RENDER_STATE);
	char *p = state != NULL ? path_fmt("%s.names", state) : NULL;

	free(state);
	return p;
}

bool
store_names_held(const struct run *r)
{
	GHashTableIter it;
	gpointer k;

	if (r->store == NULL)
		return false;
	g_hash_table_iter_init(&it, r->store->files);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (((const char *)k)[0] == 'n')
			return true;
	return false;
}

/* The file at path (if any) appended to fd, the file to. */
static enum ma_status
carry_copy(const char *path, int fd, const char *to)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), e;
	char *b;
	ssize_t n;
	enum ma_status st = MA_OK;

	if (in < 0 && errno == ENOENT)
		return MA_OK;
	if (in < 0) {
		e = errno;
		log_err("cannot read '%s': %s", path, strerror(e));
		return path_errno_status(e);
	}
	if ((b = malloc(CARRY_COPY)) == NULL) {
		close(in);
		return MA_ENOMEM;
	}
	while (st == MA_OK && (n = read(in, b, CARRY_COPY)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			log_err("cannot read '%s': %s", path, strerror(e));
			st = path_errno_status(e);
		} else if ((st = path_write_all(fd, b, (size_t)n)) != MA_OK) {
			log_err("cannot write '%s': %s", to, strerror(errno));
		}
	}
	free(b);
	close(in);
	return st;
}

/* The state's name buckets appended to fd, the file to, in bucket
 * order. */
static enum ma_status
carry_buckets(struct run *r, int fd, const char *to)
{
	enum ma_status st = MA_OK;
	char key[8];

	for (unsigned i = 0; i < STORE_BUCKETS && st == MA_OK; i++) {
		char *data = NULL;
		size_t len = 0;

		snprintf(key, sizeof key, "n-%02x", i);
		st = store_bucket_read(r, key, &data, &len);
		/* A damaged bucket is said (store_bucket_read()) and left,
		 * as a full run that reads the names leaves it. */
		if (st == MA_ENOTFOUND)
			st = MA_OK;
		if (st == MA_OK && data != NULL &&
		    (st = path_write_all(fd, data, len)) != MA_OK)
			log_err("cannot write '%s': %s", to, strerror(errno));
		free(data);
	}
	return st;
}

enum ma_status
store_carry_write(struct run *r, const char *path)
{
	char *tmp = path_fmt("%s.tmp", path);
	enum ma_status st;
	int fd, e = 0;

	if (tmp == NULL)
		return MA_ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		log_err("cannot create '%s': %s", tmp, strerror(e));
		free(tmp);
		return path_errno_status(e);
	}
	/* What a run of steps killed part way left goes first: the site
	 * published those NAMEs; the state's are its steps'. */
	if ((st = carry_copy(path, fd, tmp)) == MA_OK)
		st = carry_buckets(r, fd, tmp);
	if (st == MA_OK && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && st == MA_OK && e == 0)
		e = errno;
	if (st == MA_OK && e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (st == MA_OK && e != 0) {
		log_err("cannot write '%s': %s", path, strerror(e));
		st = path_errno_status(e);
	}
	if (st == MA_OK)
		st = path_fsync_parent(path);
	if (st != MA_OK)
		unlink(tmp);
	free(tmp);
	return st;
}

enum ma_status
store_carry_lines(const char *path,
		  enum ma_status (*line)(void *arg, char *line), void *arg)
{
	FILE *f = fopen(path, "re");
	char *p = NULL;
	size_t cap = 0;
	ssize_t n;
	enum ma_status st = MA_OK;

	if (f == NULL) {
		int e = errno;

		if (e == ENOENT)
			return MA_OK;
		log_err("cannot read '%s': %s", path, strerror(e));
		return path_errno_status(e);
	}
	while (st == MA_OK && (n = getline(&p, &cap, f)) > 0) {
		if (p[n - 1] == '\n')
			p[n - 1] = '\0';
		st = line(arg, p);
	}
	if (st == MA_OK && ferror(f)) {
		log_err("cannot read '%s'", path);
		st = MA_EIO;
	}
	free(p);
	fclose(f);
	return st;
}

/* line() of each line of the state's file key (NUL-terminated, its
 * newline dropped; none when the manifest has no such file). */
static enum ma_status
file_each_line(struct run *r, const char *key, void (*line)(char *p, void *arg),
	       void *arg)
{
	char *data = NULL;
	size_t len = 0;
	enum ma_status st;

	if ((st = store_bucket_read(r, key, &data, &len)) != MA_OK ||
	    data == NULL)
		return st;
	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		line(p, arg);
		p = nl + 1;
	}
	free(data);
	return MA_OK;
}

/* A name bucket's line: its NAME into the table arg. */
static void
bucket_name(char *p, void *arg)
{
	size_t n = strcspn(p, "\t");

	if (n > 0 && p[n] == '\t')
		g_hash_table_add(arg, g_strndup(p, n));
}

enum ma_status
store_carry_bucket(struct run *r, unsigned k, GHashTable *names)
{
	char key[8];

	snprintf(key, sizeof key, "n-%02x", k);
	return file_each_line(r, key, bucket_name, names);
}

/* The fifth field of the month line p: its thread's NAME, "-" when it
 * has none. */
static const char *
month_line_name(const char *p)
{
	for (int k = 0; k < 4 && p != NULL; k++)
		if ((p = strchr(p, '\t')) != NULL)
			p++;
	return p != NULL ? p : "-";
}

/* What month_pick() looks for: the field f of a line (0: the
 * Message-ID, escaped; 1: the thread) among the keys of want. */
struct pick {
	int f;
	GHashTable *want;
};

static void
pick_line(char *p, void *arg)
{
	const struct pick *k = arg;
	char *q = p, *t;

	for (int i = 0; i < k->f && q != NULL; i++)
		if ((q = strchr(q, '\t')) != NULL)
			q++;
	if (q == NULL || (t = strchr(q, '\t')) == NULL)
		return;
	*t = '\0';
	if (!g_hash_table_contains(k->want, q)) {
		*t = '\t';
		return;
	}
	q = g_strdup(q);
	*t = '\t';
	g_hash_table_insert(k->want, q, g_strdup(month_line_name(p)));
}

/* The month file of month "YYYY/MM": each line whose field f is a key of
 * want gets that line's NAME as the key's value (want frees both). */
static enum ma_status
month_pick(struct run *r, const char *month, int f, GHashTable *want)
{
	struct pick k = {f, want};
	char key[16];

	store_month_file(month, key);
	return file_each_line(r, key, pick_line, &k);
}

/* What ids_months() sorts: the escaped Message-IDs wanted, into the
 * tables of their months. */
struct by_month {
	GHashTable *want, *months;
};

static void
month_line_of(char *p, void *arg)
{
	const struct by_month *b = arg;
	char *t = strchr(p, '\t'), month[8];
	GHashTable *ids;

	if (t == NULL)
		return;
	*t = '\0';
	if (g_hash_table_contains(b->want, p)) {
		render_month_of((time_t)strtoll(t + 1, NULL, 10), month);
		if ((ids = g_hash_table_lookup(b->months, month)) == NULL) {
			ids = g_hash_table_new_full(g_str_hash, g_str_equal,
						    g_free, g_free);
			g_hash_table_insert(b->months, g_strdup(month), ids);
		}
		g_hash_table_replace(ids, g_strdup(p), NULL);
	}
	*t = '\t';
}

/* The escaped Message-IDs of the i- bucket k that want holds, each into
 * the month the bucket dates it in (months: "YYYY/MM" -> a table of
 * escaped IDs, as month_pick() wants). */
static enum ma_status
ids_months(struct run *r, unsigned k, GHashTable *want, GHashTable *months)
{
	struct by_month b = {want, months};
	char key[8];

	snprintf(key, sizeof key, "i-%02x", k);
	return file_each_line(r, key, month_line_of, &b);
}

/* Each root of roots (Message-ID -> NULL) escaped as the state has it,
 * by its i- bucket (esc[b]: escaped ID -> NULL) and back (escaped ID ->
 * the root). */
static enum ma_status
roots_escaped(GHashTable *roots, GHashTable **esc, GHashTable *back)
{
	GHashTableIter it;
	gpointer k;
	struct buf id;
	enum ma_status st = MA_OK;

	buf_init(&id, STATE_MAX);
	g_hash_table_iter_init(&it, roots);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL)) {
		unsigned b = store_bucket(k);

		buf_reset(&id);
		if ((st = sitename_state_escape(&id, k)) != MA_OK)
			break;
		if (esc[b] == NULL)
			esc[b] = g_hash_table_new_full(g_str_hash, g_str_equal,
						       g_free, NULL);
		g_hash_table_add(esc[b], g_strdup(buf_cstr(&id)));
		g_hash_table_insert(back, g_strdup(buf_cstr(&id)), k);
	}
	buf_release(&id);
	return st;
}

enum ma_status
store_carry_holders(struct run *r, GHashTable *roots)
{
	GHashTable *esc[STORE_BUCKETS] = {NULL}, *months, *back;
	GHashTableIter it, j;
	gpointer k, v, name;
	enum ma_status st;

	months = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
				       (GDestroyNotify)g_hash_table_destroy);
	back = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	st = roots_escaped(roots, esc, back);
	for (unsigned b = 0; b < STORE_BUCKETS && st == MA_OK; b++)
		if (esc[b] != NULL)
			st = ids_months(r, b, esc[b], months);
	g_hash_table_iter_init(&it, months);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, &v))
		st = month_pick(r, k, 0, v);
	/* The NAMEs found, back to the roots. */
	g_hash_table_iter_init(&it, months);
	while (st == MA_OK && g_hash_table_iter_next(&it, NULL, &v)) {
		g_hash_table_iter_init(&j, v);
		while (g_hash_table_iter_next(&j, &k, &name))
			if (name != NULL)
				g_hash_table_insert(
				    roots,
				    g_strdup(g_hash_table_lookup(back, k)),
				    g_strdup(name));
	}
	for (unsigned b = 0; b < STORE_BUCKETS; b++)
		if (esc[b] != NULL)
			g_hash_table_destroy(esc[b]);
	g_hash_table_destroy(back);
	g_hash_table_destroy(months);
	return st;
}

enum ma_status
store_carry_thread_name(struct run *r, const char *thread, char **namep)
{
	char fkey[8], *months = NULL, month[8];
	GHashTable *want;
	enum ma_status st;

	*namep = NULL;
	snprintf(fkey, sizeof fkey, "t-%02x", store_bucket(thread));
	/* COUNT TAB ROOT TAB MONTHS: its first month holds its root. */
	if ((st = bucket_field(r, fkey, thread, 3, &months)) != MA_OK ||
	    months == NULL || strlen(months) < 7) {
		free(months);
		return st;
	}
	snprintf(month, sizeof month, "%.7s", months);
	free(months);
	want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_insert(want, g_strdup(thread), NULL);
	st = month_pick(r, month, 1, want);
	if (st == MA_OK && g_hash_table_lookup(want, thread) != NULL)
		*namep = g_strdup(g_hash_table_lookup(want, thread));
	g_hash_table_destroy(want);
	return st;
}

enum ma_status
store_carry_live(struct run *r, GHashTable *names, GHashTable *live)
{
	GHashTable *want[STORE_BUCKETS] = {NULL};
	GHashTable *set =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k;
	enum ma_status st = MA_OK;

	g_hash_table_iter_init(&it, names);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		unsigned b = store_bucket(k);

		if (want[b] == NULL)
			want[b] = g_hash_table_new(g_str_hash, g_str_equal);
		g_hash_table_add(want[b], k);
	}
	for (unsigned b = 0; b < STORE_BUCKETS; b++) {
		if (want[b] == NULL)
			continue;
		g_hash_table_remove_all(set);
		if (st == MA_OK)
			st = store_carry_bucket(r, b, set);
		g_hash_table_iter_init(&it, want[b]);
		while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL))
			if (g_hash_table_contains(set, k))
				g_hash_table_add(live, g_strdup(k));
		g_hash_table_destroy(want[b]);
	}
	g_hash_table_destroy(set);
	return st;
}

/* A line of the file of NAMEs carried: noted after the state's, so that
 * the line the site published wins. */
static enum ma_status
carried_line(void *arg, char *line)
{
	return names_note(arg, line);
}

enum ma_status
store_full_names(struct run *r)
{
	enum ma_status st = MA_OK;
	char *carried, key[8];

	if (r->store != NULL && r->store->names_later) {
		r->store->names_later = false;
		for (unsigned i = 0; i < STORE_BUCKETS && st == MA_OK; i++) {
			snprintf(key, sizeof key, "n-%02x", i);
			if (g_hash_table_contains(r->store->files, key))
				st = store_load_file(r, key);
		}
		if (st != MA_OK)
			g_hash_table_remove_all(r->store->files);
		if (st != MA_ENOTFOUND && st != MA_OK)
			return st;
	}
	if ((carried = store_carry_path(r)) == NULL)
		return MA_ENOMEM;
	st = store_carry_lines(carried, carried_line, r);
	free(carried);
	return st;
}
