/* Export, erasure and retention of a space's mail: see privacy.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "buf.h"
#include "dedupe_db.h"
#include "delete.h"
#include "index.h"
#include "lock.h"
#include "log.h"
#include "maildir.h"
#include "mime.h"
#include "msg.h"
#include "path.h"
#include "privacy.h"
#include "tombstone.h"
#include "tsv.h"
#include "space.h"

/* A header block larger than this is not read further for addresses. */
#define PRIVACY_HEADER_MAX (1u << 20)
/* The journal of an erasure: paths, one a line. */
#define PRIVACY_JOURNAL_MAX (256u << 20)

enum ma_status
privacy_addr_norm(const char *in, char *out, size_t size)
{
	size_t n, at = 0, nat = 0;

	while (*in == ' ' || *in == '\t')
		in++;
	if (*in == '<')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n > 0 && in[n - 1] == '>')
		n--;
	if (n == 0 || n >= size || n > PRIVACY_ADDR_MAX)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',')
			goto bad;
		if (c == '@') {
			at = i;
			nat++;
		}
		out[i] = (char)tolower(c);
	}
	if (nat != 1 || at == 0 || at == n - 1)
		goto bad;
	out[n] = '\0';
	return MA_OK;
bad:
	log_err("'%s' is not a mail address (LOCAL@DOMAIN)", in);
	return MA_EUSAGE;
}

/* The header block of the file at path (lines before the first empty
 * one), at most PRIVACY_HEADER_MAX bytes of it. */
static enum ma_status
read_header(const char *path, struct buf *b)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen(path, "re");
	enum ma_status st = MA_OK;

	if (f == NULL) {
		if (errno == ENOENT)
			return MA_ENOTFOUND;
		log_err("cannot open '%s': %s", path, strerror(errno));
		return MA_EIO;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[0] == '\n' || (n == 2 && line[0] == '\r'))
			break;
		if (b->len + (size_t)n > PRIVACY_HEADER_MAX)
			break;
		if ((st = buf_add(b, line, (size_t)n)) != MA_OK)
			break;
	}
	if (st == MA_OK && ferror(f)) {
		log_err("cannot read '%s': %s", path, strerror(errno));
		st = MA_EIO;
	}
	free(line);
	fclose(f);
	return st;
}

bool
privacy_header_may_name(const char *hdr, size_t len, const char *addr)
{
	size_t alen = strlen(addr), n = 0;
	char *sq;
	bool may;

	for (const char *a = addr; *a; a++)
		if ((unsigned char)*a >= 0x80)
			return true;
	if (alen == 0 || (sq = malloc(len + 1)) == NULL)
		return true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)hdr[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c >= 0x7f || c < 0x20 || c == '(' || c == '"' ||
		    c == '\\' ||
		    (c == '=' && i + 1 < len && hdr[i + 1] == '?')) {
			free(sq);
			return true;
		}
		sq[n++] = (char)tolower(c);
	}
	/* "xn--": a domain the parser may give in Unicode. */
	may = memmem(sq, n, addr, alen) != NULL || memmem(sq, n, "xn--", 4);
	free(sq);
	return may;
}

struct scan {
	const char *addr;
	unsigned where;
	int (*fn)(const char *path, unsigned where, void *arg);
	void *arg;
	enum ma_status st;
	int stopped;
};

static int
scan_one(const char *path, void *arg)
{
	struct scan *sc = arg;
	struct buf b;
	bool hit = false;
	enum ma_status st;

	buf_init(&b, PRIVACY_HEADER_MAX + 1);
	st = read_header(path, &b);
	if (st == MA_OK && b.len > 0 &&
	    privacy_header_may_name(b.data, b.len, sc->addr))
		st = mime_header_has_addr(b.data, b.len, sc->addr, &hit);
	buf_release(&b);
	if (st == MA_ENOTFOUND || st == MA_EDATA) {
		log_debug("'%s': not a message, skipped", path);
		return 0;
	}
	if (st != MA_OK) {
		sc->st = st;
		return 1;
	}
	if (hit && (sc->stopped = sc->fn(path, sc->where, sc->arg)) != 0)
		return 1;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* incoming/ and its per-account Maildirs incoming/.ACCOUNT/. */
static enum ma_status
scan_incoming(const char *dir, struct scan *sc)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	enum ma_status st;
	DIR *d;

	if ((st = maildir_scan(dir, NULL, scan_one, sc, NULL)) != MA_OK ||
	    sc->st != MA_OK || sc->stopped)
		return st;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? MA_OK : MA_EIO;
	while (st == MA_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			char **nv = array_grow(names, &cap, n, sizeof *nv, 8);

			if (nv == NULL) {
				st = MA_ENOMEM;
				break;
			}
			names = nv;
		}
		if ((names[n] = path_fmt("%s/%s", dir, de->d_name)) == NULL)
			st = MA_ENOMEM;
		else
			n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0;
	     i < n && st == MA_OK && sc->st == MA_OK && !sc->stopped; i++) {
		struct stat sb;

		if (stat(names[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			st = maildir_scan(names[i], NULL, scan_one, sc, NULL);
	}
	array_free_strs(names, n);
	return st;
}

enum ma_status
privacy_scan(const char *space_dir, const char *addr, unsigned where,
	     int (*fn)(const char *path, unsigned where, void *arg), void *arg)
{
	static const struct {
		unsigned bit;
		const char *sub;
	} dirs[] = {
	    {PRIVACY_ARCHIVE, "archive"},
	    {PRIVACY_DUPLICATES, "duplicates"},
	    {PRIVACY_INCOMING, "incoming"},
	};
	struct scan sc = {.addr = addr, .fn = fn, .arg = arg};
	enum ma_status st = MA_OK;

	for (size_t i = 0;
	     i < 3 && st == MA_OK && sc.st == MA_OK && !sc.stopped; i++) {
		char *dir;

		if (!(where & dirs[i].bit))
			continue;
		if ((dir = path_fmt("%s/%s", space_dir, dirs[i].sub)) == NULL)
			return MA_ENOMEM;
		sc.where = dirs[i].bit;
		if (dirs[i].bit == PRIVACY_INCOMING)
			st = scan_incoming(dir, &sc);
		else if (path_exists(dir))
			st = maildir_scan(dir, NULL, scan_one, &sc, NULL);
		free(dir);
	}
	return st != MA_OK ? st : sc.st;
}

enum ma_status
privacy_mboxrd(const char *path, FILE *out)
{
	char when[64], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool last_nl = true;
	struct stat sb;
	struct tm tm;
	FILE *f = fopen(path, "re");
	enum ma_status st = MA_OK;

	if (f == NULL) {
		log_err("cannot open '%s': %s", path, strerror(errno));
		return MA_EIO;
	}
	if (fstat(fileno(f), &sb) != 0 || gmtime_r(&sb.st_mtime, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
	fprintf(out, "From MAILER-DAEMON %s\n", when);
	/* getline() keeps a line whole; a line is bounded by the file. */
	while ((n = getline(&line, &cap, f)) > 0) {
		ssize_t q = 0;

		while (q < n && line[q] == '>')
			q++;
		if (n - q >= 5 && memcmp(line + q, "From ", 5) == 0)
			fputc('>', out);
		fwrite(line, 1, (size_t)n, out);
		last_nl = line[n - 1] == '\n';
	}
	if (ferror(f)) {
		log_err("cannot read '%s': %s", path, strerror(errno));
		st = MA_EIO;
	}
	if (!last_nl)
		fputc('\n', out);
	fputc('\n', out);
	free(line);
	fclose(f);
	if (st == MA_OK && ferror(out)) {
		log_err("cannot write the mbox: %s", strerror(errno));
		st = MA_EIO;
	}
	return st;
}

/* ---- erasure --------------------------------------------------------- */

static unsigned where_of(const char *space_dir, const char *path);

struct files {
	char **v;
	unsigned *where;
	size_t n, cap;
};

static enum ma_status
files_add(struct files *fs, const char *path, unsigned where)
{
	if (fs->n == fs->cap) {
		size_t vcap = fs->cap, wcap = fs->cap;
		char **nv = array_grow(fs->v, &vcap, fs->n, sizeof *nv, 16);
		unsigned *nw;

		if (nv == NULL)
			return MA_ENOMEM;
		fs->v = nv;
		nw = array_grow(fs->where, &wcap, fs->n, sizeof *nw, 16);
		if (nw == NULL)
			return MA_ENOMEM;
		fs->where = nw;
		fs->cap = vcap < wcap ? vcap : wcap;
	}
	if ((fs->v[fs->n] = strdup(path)) == NULL)
		return MA_ENOMEM;
	fs->where[fs->n++] = where;
	return MA_OK;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort by path (so that files of one folder follow each other) and drop
 * paths found twice (the journal and the scan). */
static enum ma_status
files_sort_unique(struct files *fs, const char *space_dir)
{
	size_t k = 0;

	if (fs->n > 1)
		qsort(fs->v, fs->n, sizeof *fs->v, str_cmp);
	for (size_t i = 0; i < fs->n; i++) {
		if (k > 0 && strcmp(fs->v[k - 1], fs->v[i]) == 0) {
			free(fs->v[i]);
			continue;
		}
		fs->v[k] = fs->v[i];
		fs->where[k++] = where_of(space_dir, fs->v[i]);
	}
	fs->n = k;
	return MA_OK;
}

static void
files_free(struct files *fs)
{
	array_free_strs(fs->v, fs->n);
	free(fs->where);
}

struct collect {
	struct files *fs;
	enum ma_status st;
};

static int
collect_file(const char *path, unsigned where, void *arg)
{
	struct collect *c = arg;

	c->st = files_add(c->fs, path, where);
	return c->st != MA_OK;
}

static char *
journal_path(const char *space_dir)
{
	return space_part_path(space_dir, SPACE_ERASE_JOURNAL);
}

bool
privacy_erase_pending(const char *space_dir)
{
	char *p = journal_path(space_dir);
	bool r = p != NULL && path_exists(p);

	free(p);
	return r;
}

enum ma_status
privacy_erase_done(const char *space_dir)
{
	char *p = journal_path(space_dir);
	enum ma_status st = MA_OK;

	if (p == NULL)
		return MA_ENOMEM;
	if (unlink(p) == 0) {
		st = path_fsync_parent(p);
	} else if (errno != ENOENT) {
		log_err("cannot remove '%s': %s", p, strerror(errno));
		st = MA_EIO;
	}
	free(p);
	return st;
}

/* Which folder of the space a path lies in (by its prefix). */
static unsigned
where_of(const char *space_dir, const char *path)
{
	size_t n = strlen(space_dir);

	if (strncmp(path, space_dir, n) != 0 || path[n] != '/')
		return 0;
	path += n + 1;
	if (strncmp(path, "archive/", 8) == 0)
		return PRIVACY_ARCHIVE;
	if (strncmp(path, "duplicates/", 11) == 0)
		return PRIVACY_DUPLICATES;
	if (strncmp(path, "incoming/", 9) == 0)
		return PRIVACY_INCOMING;
	return 0;
}

/* The paths of an unfinished erasure. Anything outside the space's
 * three Maildirs is not ours and is dropped. */
static enum ma_status
journal_load(const char *space_dir, struct files *fs)
{
	char *p = journal_path(space_dir), *data, *s;
	size_t len;
	enum ma_status st;

	if (p == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(p, PRIVACY_JOURNAL_MAX, &data, &len);
	free(p);
	if (st == MA_ENOTFOUND)
		return MA_OK;
	if (st != MA_OK)
		return st;
	log_notice("finishing an erasure that was interrupted");
	for (s = data; st == MA_OK && s < data + len;) {
		char *nl = memchr(s, '\n', (size_t)(data + len - s));
		unsigned w;

		if (nl == NULL)
			break; /* torn: the rest is found by the scan */
		*nl = '\0';
		if ((w = where_of(space_dir, s)) != 0 &&
		    strstr(s, "/../") == NULL)
			st = files_add(fs, s, w);
		s = nl + 1;
	}
	free(data);
	return st;
}

static enum ma_status
journal_write(const char *space_dir, const struct files *fs)
{
	char *p = journal_path(space_dir);
	struct buf b;
	enum ma_status st = MA_OK;

	if (p == NULL)
		return MA_ENOMEM;
	buf_init(&b, PRIVACY_JOURNAL_MAX);
	for (size_t i = 0; i < fs->n && st == MA_OK; i++)
		st = buf_addf(&b, "%s\n", fs->v[i]);
	st = path_write_buf_atomic(p, &b, st, 0600);
	free(p);
	return st;
}

static int
first_thread(const struct index_hit *h, void *arg)
{
	char *t = arg;

	if (h->thread_id != NULL && strlen(h->thread_id) < 64)
		memcpy(t, h->thread_id, strlen(h->thread_id) + 1);
	return 1;
}

struct id_set {
	char **ids;
	size_t n;
};

/* Is rest (a report line's Message-ID) one of the sorted set's? */
static bool
in_id_set(const char *rest, size_t len, const void *arg)
{
	const struct id_set *set = arg;

	(void)len;
	return bsearch(&rest, set->ids, set->n, sizeof *set->ids, str_cmp) !=
	       NULL;
}

/* Rewrite the dedupe report without the lines (WHEN NAME REASON MATCHED
 * MESSAGE-ID) that name one of ids[0..nids) (sorted). */
static enum ma_status
report_forget(const char *space_dir, char **ids, size_t nids)
{
	char *path = space_part_path(space_dir, SPACE_DEDUPE_REPORT);
	struct id_set set = {ids, nids};
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	if (nids == 0) {
		free(path);
		return MA_OK;
	}
	st = tsv_drop_lines(path, PRIVACY_JOURNAL_MAX, 4, in_id_set, &set);
	free(path);
	return st;
}

/* Tombstone the message in the file at path (gone already: nothing to
 * do, its tombstone was written before it went) and make the dedupe
 * index forget it; its Message-ID goes into ids. Copies of one message
 * (archive and duplicates) each write a line: harmless, and no set of
 * identities to keep. */
static enum ma_status
tombstone_file(const char *space_dir, struct index *ix, const char *tspath,
	       const char *path, time_t now, struct files *ids)
{
	char hid[TOMBSTONE_HASH_LEN + 1], thread[64] = "-";
	struct msg *m;
	enum ma_status st;

	if (!path_exists(path))
		return MA_OK;
	if ((st = msg_open(path, 0, &m)) != MA_OK)
		return st == MA_EDATA ? MA_OK : st;
	tombstone_hash_id(m->message_id, hid);
	/* The thread of the file itself: a message notmuch holds by
	 * another id (none in the file, or one it shortened) is found by
	 * it (lib/render/removed.c). */
	if (ix != NULL &&
	    index_file_thread(ix, path, thread, sizeof thread) != MA_OK) {
		st = index_find(ix, m->message_id, first_thread, thread);
		if (st != MA_OK && st != MA_ENOTFOUND) {
			msg_free(m);
			return st;
		}
	}
	st = tombstone_append(tspath, now, hid, thread, m->identity);
	/* What the dedupe stage keeps about it names its Message-ID. */
	if (st == MA_OK) {
		char *db = space_part_path(space_dir, SPACE_DEDUPE_DB);

		st = db == NULL ? MA_ENOMEM
				: dedupe_db_forget(db, m->message_id);
		free(db);
	}
	if (st == MA_OK)
		st = files_add(ids, m->message_id, 0);
	msg_free(m);
	return st;
}

static enum ma_status
take_locks(const char *space_dir, bool wait, struct lock *dl, struct lock *il)
{
	char *dlock = space_lock_path(space_dir, SPACE_STAGE_DEDUPE);
	char *ilock = space_lock_path(space_dir, SPACE_STAGE_INDEX);
	enum ma_status st = MA_ENOMEM;

	/* The order of "mailarc delete": dedupe first, then index. */
	if (dlock != NULL && ilock != NULL &&
	    (st = lock_take(dlock, "dedupe of the space", wait, dl)) == MA_OK &&
	    (st = lock_take(ilock, "index of the space", wait, il)) != MA_OK)
		lock_drop(dl);
	free(dlock);
	free(ilock);
	return st;
}

static const char *
where_name(unsigned w)
{
	return w == PRIVACY_ARCHIVE	 ? "archive"
	       : w == PRIVACY_DUPLICATES ? "duplicates"
					 : "incoming";
}

/* remove_files - unlink the files of fs, one sync per folder: the paths
 * are sorted, so a folder's files follow each other. */
static enum ma_status
remove_files(const struct files *fs)
{
	enum ma_status st = MA_OK;

	for (size_t i = 0; i < fs->n && st == MA_OK; i++) {
		const char *slash = strrchr(fs->v[i], '/');
		size_t dirlen = (size_t)(slash - fs->v[i]);

		if (unlink(fs->v[i]) != 0 && errno != ENOENT) {
			log_err("cannot remove '%s': %s", fs->v[i],
				strerror(errno));
			return path_errno_status(errno);
		}
		if (i + 1 == fs->n ||
		    strncmp(fs->v[i + 1], fs->v[i], dirlen + 1) != 0 ||
		    strchr(fs->v[i + 1] + dirlen + 1, '/') != NULL)
			st = path_fsync_parent(fs->v[i]);
	}
	return st;
}

enum ma_status
privacy_erase(const struct privacy_erase_opts *o, unsigned long *countp)
{
	struct files fs = {0};
	struct collect c = {.fs = &fs, .st = MA_OK};
	struct lock dl = {.fd = -1}, il = {.fd = -1};
	struct index *ix = NULL;
	struct files ids = {0};
	size_t dlen = strlen(o->space_dir);
	char *tspath = space_part_path(o->space_dir, SPACE_TOMBSTONES);
	enum ma_status st;

	if (tspath == NULL)
		return MA_ENOMEM;
	if ((st = take_locks(o->space_dir, o->wait, &dl, &il)) != MA_OK) {
		free(tspath);
		return st;
	}
	if (!o->dry_run)
		st = journal_load(o->space_dir, &fs);
	if (st == MA_OK)
		st = privacy_scan(o->space_dir, o->addr, PRIVACY_ALL,
				  collect_file, &c);
	if (st == MA_OK)
		st = c.st;
	if (st == MA_OK)
		st = files_sort_unique(&fs, o->space_dir);
	if (st != MA_OK || fs.n == 0)
		goto out;
	if (o->dry_run) {
		for (size_t i = 0; i < fs.n; i++)
			fprintf(o->out, "would erase %s\n", fs.v[i] + dlen + 1);
		goto out;
	}
	/* 1. */
	if ((st = journal_write(o->space_dir, &fs)) != MA_OK)
		goto out;
	st = index_open(o->space_dir, INDEX_WRITE, &ix);
	if (st != MA_OK)
		goto out;
	/* 2. */
	for (size_t i = 0; i < fs.n && st == MA_OK; i++)
		st = tombstone_file(o->space_dir, ix, tspath, fs.v[i], o->now,
				    &ids);
	if (st == MA_OK && ids.n > 1)
		qsort(ids.v, ids.n, sizeof *ids.v, str_cmp);
	if (st == MA_OK)
		st = report_forget(o->space_dir, ids.v, ids.n);
	/* 3. */
	if (st == MA_OK)
		st = remove_files(&fs);
	/* 4. */
	for (size_t i = 0; i < fs.n && st == MA_OK; i++)
		if (fs.where[i] == PRIVACY_ARCHIVE)
			st = index_remove(ix, fs.v[i]);
	if (st == MA_OK) {
		st = index_close(ix);
		ix = NULL;
	}
	for (size_t i = 0; i < fs.n && st == MA_OK; i++)
		fprintf(o->out, "erased %s %s\n", where_name(fs.where[i]),
			strrchr(fs.v[i], '/') + 1);
out:
	if (st == MA_OK)
		*countp = fs.n;
	index_close(ix);
	lock_drop(&il);
	lock_drop(&dl);
	files_free(&ids);
	files_free(&fs);
	free(tspath);
	return st;
}

/* ---- retention ------------------------------------------------------- */

/* When a message arrived: its first file's mtime (delivery keeps it). */
static time_t
arrival(const struct index_hit *h)
{
	struct stat sb;

	for (size_t i = 0; i < h->nfiles; i++)
		if (stat(h->files[i], &sb) == 0)
			return sb.st_mtime;
	return 0;
}

/* What retention asks of each match: its age. */
struct age_cut {
	time_t cutoff, now;
};

static bool
old_enough(const struct index_hit *h, void *arg)
{
	const struct age_cut *a = arg;
	time_t when = h->date;

	if (when <= 0 || when > a->now)
		when = arrival(h);
	return when > 0 && when < a->cutoff;
}

/* Retention deletes as "mailarc delete" does (delete.h: tombstone,
 * unlink, forget, the same locks in the same order). */
enum ma_status
privacy_retain(const char *space_dir, time_t cutoff, time_t now, bool wait,
	       unsigned long *countp)
{
	struct age_cut a = {.cutoff = cutoff, .now = now};
	struct delete_opts o = {
	    .space_dir = space_dir,
	    .space_key = space_dir,
	    .query = NULL,
	    .wait = wait,
	    .pick = old_enough,
	    .pick_arg = &a,
	    .now = now,
	};
	size_t count = 0, missing = 0;
	enum ma_status st;
	char q[128];
	int n;

	/* Old by date, no date (0), or dated in the future: the last two
	 * are judged by their arrival time. */
	n = snprintf(q, sizeof q, "date:@0..@%lld or date:@%lld..@%lld",
		     (long long)cutoff, (long long)now + 1, 253402300799LL);
	if (n < 0 || (size_t)n >= sizeof q)
		return MA_ETOOBIG;
	o.query = q;
	st = delete_run(&o, &count, &missing);
	if (st == MA_OK)
		*countp = count;
	return st;
}
