/* Importing mbox files, Maildirs and single messages: see import.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "array.h"
#include "buf.h"
#include "import.h"
#include "log.h"
#include "maildir.h"
#include "mbox.h"
#include "path.h"

/* Progress is redrawn at most this often (nanoseconds). */
#define PROGRESS_EVERY 200000000L

struct ctx {
	const struct import_opts *o;
	struct import_stats *stats;
	const char *file;   /* the input being read */
	uint64_t file_size; /* its size on disk */
	struct timespec last;
};

static void
progress(struct ctx *c, uint64_t done)
{
	struct timespec now;
	long long ns;

	if (!c->o->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (now.tv_sec - c->last.tv_sec) * 1000000000LL +
	     (now.tv_nsec - c->last.tv_nsec);
	if (ns < PROGRESS_EVERY)
		return;
	c->last = now;
	if (c->file_size > 0)
		fprintf(stderr, "\r\033[Kimporting %s: %3d%%, %lu messages",
			c->file, (int)(done * 100 / c->file_size),
			c->stats->messages);
	else
		fprintf(stderr, "\r\033[Kimporting %s: %lu messages", c->file,
			c->stats->messages);
}

void
import_progress_done(const struct import_opts *o,
		     const struct import_stats *stats)
{
	if (o->progress)
		fprintf(stderr,
			"\r\033[Kimported %lu messages from %lu files\n",
			stats->messages, stats->files);
}

static enum ma_status
tmp_sink(void *arg, const void *p, size_t n)
{
	return maildir_tmp_write(arg, p, n);
}

static enum ma_status import_message(struct ctx *c, const char *path);

static enum ma_status
import_mbox(struct ctx *c, const char *path)
{
	struct mbox *m;
	enum ma_status st;
	unsigned long before = c->stats->messages;
	unsigned long damaged = c->stats->damaged;

	st = mbox_open(path, c->o->fmt, &m);
	if (st == MA_EDATA || st == MA_ENOTFOUND || st == MA_EIO) {
		c->stats->damaged++;
		return MA_OK;
	}
	if (st != MA_OK)
		return st;
	for (;;) {
		struct maildir_tmp t;
		bool got = false;

		if ((st = maildir_tmp_open(c->o->dest, &t)) != MA_OK)
			break;
		st = mbox_next(m, tmp_sink, &t, &got);
		if (st == MA_EDATA) {
			/* The message cut by the damage is not delivered:
			 * it is not the message that was sent. */
			maildir_tmp_abort(&t);
			log_err("'%s': imported %lu messages before the "
				"damage at line %lu",
				path, c->stats->messages - before,
				mbox_line(m) + 1);
			c->stats->damaged++;
			st = MA_OK;
			break;
		}
		if (st != MA_OK || !got) {
			maildir_tmp_abort(&t);
			break;
		}
		if ((st = maildir_tmp_commit(&t, false, NULL)) != MA_OK)
			break;
		c->stats->messages++;
		progress(c, mbox_progress(m));
	}
	mbox_close(m);
	/* A file that starts "From " but gives no message (a note whose
	 * first word is "From", an envelope line alone) is passed on whole,
	 * so that dedupe sets it aside with its reason: never dropped. */
	if (st == MA_OK && c->stats->messages == before &&
	    c->stats->damaged == damaged)
		return import_message(c, path);
	return st;
}

/* One message file, copied (uncompressed when it is gzip). */
static enum ma_status
import_message(struct ctx *c, const char *path)
{
	struct maildir_tmp t;
	enum ma_status st;
	char chunk[65536];
	gzFile gz;
	int fd, n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (gz = gzdopen(fd, "rb")) == NULL) {
		log_err("cannot open '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		c->stats->skipped++;
		return MA_OK;
	}
	if ((st = maildir_tmp_open(c->o->dest, &t)) != MA_OK) {
		gzclose(gz);
		return st;
	}
	while ((n = gzread(gz, chunk, sizeof chunk)) > 0)
		if ((st = maildir_tmp_write(&t, chunk, (size_t)n)) != MA_OK)
			break;
	if (st == MA_OK && n < 0) {
		int zerr = 0;

		log_err("cannot read '%s': %s", path, gzerror(gz, &zerr));
		maildir_tmp_abort(&t);
		gzclose(gz);
		c->stats->damaged++;
		return MA_OK;
	}
	gzclose(gz);
	if (st != MA_OK) {
		maildir_tmp_abort(&t);
		return st;
	}
	if (t.size == 0) {
		log_warn("skipping empty file '%s'", path);
		maildir_tmp_abort(&t);
		c->stats->skipped++;
		return MA_OK;
	}
	if ((st = maildir_tmp_commit(&t, false, NULL)) == MA_OK) {
		c->stats->messages++;
		progress(c, 0);
	}
	return st;
}

static enum ma_status import_any(struct ctx *c, const char *path, int depth);

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir, sorted, without "." and "..". */
static enum ma_status
list_dir(const char *dir, bool dot_only, char ***namesp, size_t *np)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		log_err("cannot open '%s': %s", dir, strerror(errno));
		return MA_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (dot_only != (de->d_name[0] == '.'))
			continue;
		if (n == cap) {
			char **nv = array_grow(v, &cap, n, sizeof *nv, 64);

			if (nv == NULL)
				goto nomem;
			v = nv;
		}
		if ((v[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, name_cmp);
	*namesp = v;
	*np = n;
	return MA_OK;
nomem:
	closedir(d);
	array_free_strs(v, n);
	return MA_ENOMEM;
}

static bool
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool
is_maildir(const char *dir)
{
	char *cur = path_fmt("%s/cur", dir), *nw = path_fmt("%s/new", dir);
	bool ok = (cur && is_dir(cur)) || (nw && is_dir(nw));

	free(cur);
	free(nw);
	return ok;
}

static enum ma_status
import_maildir(struct ctx *c, const char *dir, int depth)
{
	static const char *const subs[] = {"new", "cur"};
	enum ma_status st = MA_OK;
	char **names;
	size_t n;

	for (size_t k = 0; st == MA_OK && k < 2; k++) {
		char *sub = path_fmt("%s/%s", dir, subs[k]);

		if (sub == NULL)
			return MA_ENOMEM;
		if (!is_dir(sub)) {
			free(sub);
			continue;
		}
		if ((st = list_dir(sub, false, &names, &n)) != MA_OK) {
			free(sub);
			c->stats->skipped++;
			return MA_OK;
		}
		for (size_t i = 0; st == MA_OK && i < n; i++) {
			char *p = path_fmt("%s/%s", sub, names[i]);

			if (p == NULL) {
				st = MA_ENOMEM;
				break;
			}
			c->file = p;
			c->file_size = 0;
			st = import_message(c, p);
			free(p);
		}
		array_free_strs(names, n);
		free(sub);
	}
	c->stats->files++;
	/* Maildir++: sub-folders are ".Name" Maildirs beside cur/new/tmp. */
	if (st == MA_OK && depth < IMPORT_DEPTH &&
	    list_dir(dir, true, &names, &n) == MA_OK) {
		for (size_t i = 0; st == MA_OK && i < n; i++) {
			char *p = path_fmt("%s/%s", dir, names[i]);

			if (p == NULL) {
				st = MA_ENOMEM;
				break;
			}
			if (is_dir(p) && is_maildir(p))
				st = import_maildir(c, p, depth + 1);
			free(p);
		}
		array_free_strs(names, n);
	}
	return st;
}

static enum ma_status
import_any(struct ctx *c, const char *path, int depth)
{
	struct stat sb;
	enum ma_status st = MA_OK;

	if (stat(path, &sb) != 0) {
		log_err("cannot import '%s': %s", path, strerror(errno));
		c->stats->skipped++;
		return MA_OK;
	}
	if (S_ISREG(sb.st_mode)) {
		c->file = path;
		c->file_size = (uint64_t)sb.st_size;
		c->stats->files++;
		if (mbox_sniff(path))
			st = import_mbox(c, path);
		else
			st = import_message(c, path);
		/* Batched durability: one sync per input file. */
		if (st == MA_OK)
			st = maildir_sync(c->o->dest);
		return st;
	}
	if (!S_ISDIR(sb.st_mode)) {
		log_warn("skipping '%s': not a file or folder", path);
		c->stats->skipped++;
		return MA_OK;
	}
	if (is_maildir(path)) {
		st = import_maildir(c, path, depth);
		if (st == MA_OK)
			st = maildir_sync(c->o->dest);
		return st;
	}
	if (depth >= IMPORT_DEPTH) {
		log_warn("skipping '%s': more than %d folders deep", path,
			 IMPORT_DEPTH);
		c->stats->skipped++;
		return MA_OK;
	}
	{
		char **names;
		size_t n;

		if (list_dir(path, false, &names, &n) != MA_OK) {
			c->stats->skipped++;
			return MA_OK;
		}
		for (size_t i = 0; st == MA_OK && i < n; i++) {
			char *p = path_fmt("%s/%s", path, names[i]);

			if (p == NULL) {
				st = MA_ENOMEM;
				break;
			}
			st = import_any(c, p, depth + 1);
			free(p);
		}
		array_free_strs(names, n);
	}
	return st;
}

enum ma_status
import_path(const struct import_opts *o, const char *path,
	    struct import_stats *stats)
{
	struct ctx c = {.o = o, .stats = stats};
	enum ma_status st;

	if ((st = maildir_create(o->dest)) != MA_OK)
		return st;
	return import_any(&c, path, 0);
}
