/*
 * The fetch state of an account: ROOT/spaces/SPACE/state/ACCOUNT.state.
 *
 * A text file, one record a line, fields separated by one space, written
 * whole by state_save() (temp file, fsync, rename, fsync of the folder), so
 * a kill at any instant leaves the old or the new state:
 *
 *	mailarc-fetch-state 1
 *	journal ID                     (names the journal that belongs to
 *	                                this file; absent before #16)
 *	last_run 1795371535            (seconds since the epoch; 0 never)
 *	last_success 1795371535
 *	last_count 12
 *	last_error TEXT TO THE END OF THE LINE   (absent when none)
 *	budget START BYTES      (fetch_budget: the day's window began at
 *	                         START, BYTES taken since; absent when none)
 *	waiting MESSAGES BYTES  (left for later by a spent budget; absent
 *	                         when nothing waits)
 *	folder UIDVALIDITY NAME TO THE END OF THE LINE
 *	uids 1:40,42,57:60               (UIDs taken from the folder above)
 *	uidl UIDL                        (one POP3 UIDL taken, RFC 1939 7:
 *	                                  1-70 characters 0x21-0x7E; sorted)
 *
 * "uids" lines may repeat for one folder. Unknown record names are an
 * error, not skipped: a newer format must not be half-read by an older
 * program. A UID or UIDL is recorded only after its message is durable in
 * the spool (see fetch.c), so the state can only be behind the spool,
 * never ahead: the worst a crash does is fetch a message twice, and
 * mailarc-dedupe drops the repeat.
 *
 * The journal, ACCOUNT.state.journal. Writing the whole file per batch of
 * a POP3 fetch made a first fetch of A messages write O(A^2) bytes (a
 * million messages: hundreds of rewrites of a file of up to 25 MB). So
 * state_commit() appends the batch's records instead:
 *
 *	mailarc-fetch-journal 1 ID     (the main file's journal id)
 *	uidl UIDL                      (as in the main file, any order)
 *	budget START BYTES
 *
 * one write(2) and one fdatasync(2) per batch (the first also creates the
 * file and syncs the folder). On load the journal is applied after the
 * main file only when its ID is the main file's: state_save() gives every
 * file it writes a new ID and then removes the journal, so a journal that
 * outlived its file (a kill between the rename and the unlink) is never
 * applied. A last line without its line break is the torn end of an
 * append that a kill cut short: it is ignored, and the next commit writes
 * the whole state rather than append after it (which would glue two
 * records). Any other damaged line is refused, as in the main file. The
 * journal is folded (state_save()) at the end of each run and when an
 * append would make it bigger than the main file: the main file at least
 * doubles between folds, so the bytes written stay proportional to A. IMAP
 * UIDs (ranges, a small file) are saved whole as before.
 *
 * The POP3 UIDLs are not held in memory (#16): state_load() checks
 * them and notes whether the main file's are sorted (files written before
 * #16 may not be: those are sorted into a temporary file once), and
 * state_uidl.c reads them back in order when they are needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "buf.h"
#include "extsort.h"
#include "log.h"
#include "path.h"
#include "state.h"
#include "space.h"

#define STATE_MAGIC   "mailarc-fetch-state 1"
#define JOURNAL_MAGIC "mailarc-fetch-journal 1"
#define STATE_MAX     (256u << 20)

char *
state_path(const struct space *s, const char *key)
{
	return space_account_file(s->dir, key, "state");
}

void
state_free(struct fetch_state *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nfolders; i++) {
		uidset_free(&st->folders[i].uids);
		free(st->folders[i].name);
	}
	free(st->folders);
	free(st->text);
	free(st->uidls);
	recfile_free(st->base);
	free(st->path);
	free(st->dir);
	free(st->prefix);
	free(st);
}

bool
state_has_uid(const struct state_folder *f, uint32_t uid)
{
	return uidset_has(&f->uids, uid);
}

enum ma_status
state_add_uid(struct state_folder *f, uint32_t uid)
{
	return uidset_add(&f->uids, uid);
}

enum ma_status
state_keep_uids(struct state_folder *f, const struct uidset *on_server)
{
	return uidset_keep(&f->uids, on_server);
}

struct state_folder *
state_folder(struct fetch_state *st, const char *name,
	     unsigned long uidvalidity)
{
	struct state_folder *f, *p;

	for (size_t i = 0; i < st->nfolders; i++) {
		f = &st->folders[i];
		if (strcmp(f->name, name) != 0)
			continue;
		if (f->uidvalidity != uidvalidity) {
			f->uidvalidity = uidvalidity;
			uidset_clear(&f->uids);
		}
		return f;
	}
	p = realloc(st->folders, (st->nfolders + 1) * sizeof *p);
	if (p == NULL)
		return NULL;
	st->folders = p;
	f = &p[st->nfolders];
	memset(f, 0, sizeof *f);
	if ((f->name = strdup(name)) == NULL)
		return NULL;
	f->uidvalidity = uidvalidity;
	st->nfolders++;
	return f;
}

/* A decimal number that fills s, within [0, max]. */
static bool
parse_num(const char *s, unsigned long long max, unsigned long long *vp)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*vp = v;
	return true;
}

/* "1:40,42,57:60" into f. */
static enum ma_status
parse_uids(struct state_folder *f, char *s)
{
	for (char *r = s, *next; r != NULL; r = next) {
		unsigned long long lo, hi;
		char *colon;
		enum ma_status st;

		if ((next = strchr(r, ',')) != NULL)
			*next++ = '\0';
		if ((colon = strchr(r, ':')) != NULL)
			*colon = '\0';
		if (!parse_num(r, UINT32_MAX, &lo))
			return MA_EDATA;
		hi = lo;
		if (colon != NULL &&
		    (!parse_num(colon + 1, UINT32_MAX, &hi) || hi < lo))
			return MA_EDATA;
		st = uidset_add_range(&f->uids, (uint32_t)lo, (uint32_t)hi);
		if (st != MA_OK)
			return st;
	}
	return MA_OK;
}

/* What reading a file needs besides st. */
struct scan {
	struct state_folder *cur; /* the folder of "uids" lines */
	bool summary;		  /* the summary only: UIDLs are skipped */
	bool unsorted;		  /* the main file's UIDLs are not in order */
	size_t nuidls;
	char prev[STATE_UIDL_MAX + 1];
};

/* A "uidl" value: checked and counted, its order noted; not kept. */
static enum ma_status
scan_uidl(struct scan *sc, const char *val)
{
	size_t len = strlen(val);

	if (len == 0 || len > STATE_UIDL_MAX || strpbrk(val, " \r") != NULL)
		return MA_EDATA;
	if (sc->nuidls > 0 && strcmp(sc->prev, val) > 0)
		sc->unsorted = true;
	memcpy(sc->prev, val, len + 1);
	sc->nuidls++;
	return MA_OK;
}

static enum ma_status
parse_line(struct fetch_state *st, struct scan *sc, char *line)
{
	char *val = strchr(line, ' ');
	unsigned long long v;

	if (val == NULL)
		return MA_EDATA;
	*val++ = '\0';
	if (strcmp(line, "last_run") == 0 ||
	    strcmp(line, "last_success") == 0 ||
	    strcmp(line, "last_count") == 0) {
		if (!parse_num(val, INT64_MAX, &v))
			return MA_EDATA;
		if (line[5] == 'r')
			st->sum.last_run = (time_t)v;
		else if (line[5] == 's')
			st->sum.last_success = (time_t)v;
		else
			st->sum.last_count = (long)v;
		return MA_OK;
	}
	if (strcmp(line, "budget") == 0 || strcmp(line, "waiting") == 0) {
		char *second = strchr(val, ' ');
		unsigned long long w;

		if (second == NULL)
			return MA_EDATA;
		*second++ = '\0';
		if (!parse_num(val, INT64_MAX, &v) ||
		    !parse_num(second, INT64_MAX, &w))
			return MA_EDATA;
		if (line[0] == 'b') {
			st->sum.budget_start = (time_t)v;
			st->sum.budget_used = w;
		} else {
			st->sum.waiting = (long)v;
			st->sum.waiting_bytes = w;
		}
		return MA_OK;
	}
	if (strcmp(line, "last_error") == 0) {
		snprintf(st->sum.last_error, sizeof st->sum.last_error, "%s",
			 val);
		return MA_OK;
	}
	if (strcmp(line, "folder") == 0) {
		char *name = strchr(val, ' ');

		if (name == NULL)
			return MA_EDATA;
		*name++ = '\0';
		if (!parse_num(val, UINT32_MAX, &v) || *name == '\0')
			return MA_EDATA;
		sc->cur = state_folder(st, name, (unsigned long)v);
		return sc->cur == NULL ? MA_ENOMEM : MA_OK;
	}
	if (strcmp(line, "uids") == 0)
		return sc->cur == NULL ? MA_EDATA : parse_uids(sc->cur, val);
	if (strcmp(line, "uidl") == 0)
		return sc->summary ? MA_OK : scan_uidl(sc, val);
	if (strcmp(line, "journal") == 0) {
		size_t n = strspn(val, "0123456789abcdef-");

		if (n == 0 || val[n] != '\0' || n >= sizeof st->id)
			return MA_EDATA;
		memcpy(st->id, val, n + 1);
		return MA_OK;
	}
	return MA_EDATA;
}

/*
 * Read the lines of f (path) into st: the main file (journal false) or
 * the journal. In the main file a line without its line break or with a
 * NUL byte is damage (it is written whole, see state_save()); in the
 * journal it is the torn end of an append that a kill cut short, and it
 * and what follows are ignored (*tornp). A journal whose first line does
 * not carry st->id belongs to another main file and is ignored whole.
 * *goodp: the bytes of the whole lines read.
 */
static enum ma_status
parse_file(struct fetch_state *st, struct scan *sc, FILE *f, const char *path,
	   bool journal, size_t *goodp, bool *tornp)
{
	char *line = NULL, head[sizeof JOURNAL_MAGIC + sizeof st->id + 1];
	size_t cap = 0, lineno = 0, total = 0;
	ssize_t len;
	enum ma_status s = MA_OK;

	*goodp = 0;
	*tornp = false;
	snprintf(head, sizeof head, "%s %s", JOURNAL_MAGIC, st->id);
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		total += (size_t)len;
		if (total > STATE_MAX) {
			log_err("state file '%s' is over %u MB", path,
				STATE_MAX >> 20);
			s = MA_ETOOBIG;
			break;
		}
		if (line[len - 1] != '\n' || strlen(line) != (size_t)len) {
			if (journal) {
				*tornp = lineno > 1;
				break;
			}
			log_err("state file '%s' is truncated or holds a NUL "
				"byte at line %zu",
				path, lineno);
			s = MA_EDATA;
			break;
		}
		line[len - 1] = '\0';
		if (lineno == 1) {
			if (journal && strcmp(line, head) != 0)
				break; /* another file's journal */
			if (!journal && strcmp(line, STATE_MAGIC) != 0) {
				log_err("state file '%s' is not a "
					"mailarc-fetch state (line 1)",
					path);
				s = MA_EDATA;
				break;
			}
		} else if (journal && strncmp(line, "uidl ", 5) != 0 &&
			   strncmp(line, "budget ", 7) != 0) {
			s = MA_EDATA;
		} else {
			s = parse_line(st, sc, line);
		}
		if (s != MA_OK) {
			if (s == MA_EDATA)
				log_err("state file '%s' line %zu is damaged",
					path, lineno);
			break;
		}
		*goodp = total;
	}
	if (s == MA_OK && ferror(f)) {
		log_err("cannot read '%s': %s", path, strerror(errno));
		s = MA_EIO;
	}
	if (s == MA_OK && lineno == 0 && !journal) {
		log_err("state file '%s' is not a mailarc-fetch state (line 1)",
			path);
		s = MA_EDATA;
	}
	free(line);
	return s;
}

/* Open path to read: NULL and *sp MA_ENOTFOUND (not logged) or else. */
static FILE *
open_read(const char *path, enum ma_status *sp)
{
	FILE *f = fopen(path, "re");
	int e;

	if (f != NULL)
		return f;
	e = errno;
	if (e == ENOENT) {
		*sp = MA_ENOTFOUND;
		return NULL;
	}
	log_err("cannot open '%s': %s", path, strerror(e));
	*sp = path_errno_status(e);
	return NULL;
}

/* The journal of the main file just read, when it has one. */
static enum ma_status
load_journal(struct fetch_state *st, struct scan *sc, const char *path)
{
	char *jpath;
	enum ma_status s = MA_OK;
	size_t good;
	bool torn;
	FILE *f;

	if (st->id[0] == '\0')
		return MA_OK; /* an older file: no journal is its own */
	if ((jpath = state_journal_path(path)) == NULL)
		return MA_ENOMEM;
	if ((f = open_read(jpath, &s)) != NULL) {
		s = parse_file(st, sc, f, jpath, true, &good, &torn);
		fclose(f);
		st->journal_size = good;
		st->journal_bad = torn;
	} else if (s == MA_ENOTFOUND) {
		s = MA_OK;
	}
	free(jpath);
	return s;
}

/* st->path, and the folder and prefix of its temporary files. */
static enum ma_status
set_path(struct fetch_state *st, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *p, *d, *x;

	p = strdup(path);
	d = slash == NULL ? strdup(".")
			  : path_fmt("%.*s", (int)(slash - path + 1), path);
	x = path_fmt("%s.sort", slash == NULL ? path : slash + 1);
	if (p == NULL || d == NULL || x == NULL) {
		free(p);
		free(d);
		free(x);
		return MA_ENOMEM;
	}
	free(st->path);
	free(st->dir);
	free(st->prefix);
	st->path = p;
	st->dir = d;
	st->prefix = x;
	return MA_OK;
}

/*
 * The main file's UIDLs out of order (a file older than #16 may be):
 * sort them once into a temporary file, which stands for them (the
 * base) until the next save writes them in order.
 */
static enum ma_status
sort_main(struct fetch_state *st)
{
	struct extsort *x = NULL;
	struct recfile *rf = NULL;
	enum ma_status s = MA_OK;
	char *line = NULL, *prev = NULL;
	size_t cap = 0, plen = 0;
	ssize_t len;
	FILE *f;

	if ((f = fopen(st->path, "re")) == NULL) {
		log_err("cannot open '%s': %s", st->path, strerror(errno));
		return MA_EIO;
	}
	s = extsort_new(st->dir, st->prefix, st->run_records, &x);
	while (s == MA_OK && (len = getline(&line, &cap, f)) > 0)
		if (len > 6 && strncmp(line, "uidl ", 5) == 0)
			s = extsort_add(x, line + 5, (size_t)len - 6, 0);
	if (s == MA_OK && ferror(f)) {
		log_err("cannot read '%s': %s", st->path, strerror(errno));
		s = MA_EIO;
	}
	fclose(f);
	free(line);
	if (s == MA_OK)
		s = extsort_finish(x);
	if (s == MA_OK)
		s = recfile_open(st->dir, st->prefix, &rf);
	while (s == MA_OK) {
		const char *k;
		size_t n;
		uint32_t v;
		bool end;

		if ((s = extsort_next(x, &k, &n, &v, &end)) != MA_OK || end)
			break;
		if (prev != NULL && extsort_keycmp(prev, plen, k, n) == 0)
			continue;
		if ((s = recfile_put(rf, k, n, 0)) == MA_OK) {
			free(prev);
			if ((prev = malloc(n)) == NULL)
				s = MA_ENOMEM;
			else
				memcpy(prev, k, n);
			plen = n;
		}
	}
	free(prev);
	extsort_free(x);
	if (s != MA_OK) {
		recfile_free(rf);
		return s;
	}
	st->base = rf;
	st->base_main = false;
	return MA_OK;
}

static enum ma_status
load(const char *path, bool summary, struct fetch_state **stp)
{
	struct fetch_state *st = calloc(1, sizeof *st);
	struct scan sc = {.summary = summary};
	struct scan jsc = {.summary = summary};
	enum ma_status s = MA_OK;
	size_t good;
	bool torn;
	FILE *f;

	if (st == NULL)
		return MA_ENOMEM;
	if ((s = set_path(st, path)) != MA_OK) {
		state_free(st);
		return s;
	}
	/* Under the account's lock: no other run sorts into st->dir. */
	if (!summary)
		extsort_clean(st->dir, st->prefix);
	if ((f = open_read(path, &s)) == NULL) {
		if (s == MA_ENOTFOUND) {
			*stp = st;
			return MA_OK;
		}
		state_free(st);
		return s;
	}
	s = parse_file(st, &sc, f, path, false, &good, &torn);
	fclose(f);
	st->main_size = good;
	st->base_main = sc.nuidls > 0;
	if (s == MA_OK)
		s = load_journal(st, &jsc, path);
	if (s == MA_OK && sc.unsorted)
		s = sort_main(st);
	if (s != MA_OK) {
		state_free(st);
		return s;
	}
	*stp = st;
	return MA_OK;
}

enum ma_status
state_load(const char *path, struct fetch_state **stp)
{
	return load(path, false, stp);
}

static enum ma_status
add_uids(struct buf *b, const struct state_folder *f)
{
	enum ma_status s = MA_OK;
	size_t on_line = 0;

	for (size_t i = 0; i < f->uids.n && s == MA_OK; i++) {
		const struct uid_range *r = &f->uids.r[i];

		if (on_line == 0)
			s = buf_adds(b, "uids ");
		else
			s = buf_addc(b, ',');
		if (s == MA_OK && r->hi > r->lo)
			s = buf_addf(b, "%" PRIu32 ":%" PRIu32, r->lo, r->hi);
		else if (s == MA_OK)
			s = buf_addf(b, "%" PRIu32, r->lo);
		/* Keep lines short enough to read in an editor. */
		if (s == MA_OK && ++on_line == 64) {
			s = buf_addc(b, '\n');
			on_line = 0;
		}
	}
	if (s == MA_OK && on_line > 0)
		s = buf_addc(b, '\n');
	return s;
}

/* Where state_save() writes: a file and a buffer of up to OUT_CHUNK. */
struct out {
	int fd;
	struct buf b;
	size_t total;
	enum ma_status st;
};

#define OUT_CHUNK (64u << 10)

static void
out_flush(struct out *o, bool force)
{
	if (o->st == MA_OK && (force || o->b.len >= OUT_CHUNK) &&
	    o->b.len > 0) {
		o->st = path_write_all(o->fd, o->b.data, o->b.len);
		o->total += o->b.len;
		buf_reset(&o->b);
	}
}

/* The UIDLs taken, in order, each once, into o. */
static enum ma_status
write_uidls(struct fetch_state *st, struct out *o)
{
	struct state_iter *it;
	enum ma_status s;
	const char *u;
	bool end = false;

	if ((s = state_iter_open(st, &it)) != MA_OK)
		return s;
	while (s == MA_OK && o->st == MA_OK &&
	       (s = state_iter_next(it, &u, &end)) == MA_OK && !end) {
		s = buf_addf(&o->b, "uidl %s\n", u);
		out_flush(o, false);
	}
	state_iter_free(it);
	return s;
}

/* The whole state, with id, into o. */
static void
write_state(struct fetch_state *st, const char *id, struct out *o)
{
	char err[sizeof st->sum.last_error];
	struct buf *b = &o->b;
	enum ma_status s;

	/* One line per record: a line break in an error would split it. */
	snprintf(err, sizeof err, "%s", st->sum.last_error);
	for (char *p = err; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	s = buf_addf(b,
		     STATE_MAGIC "\njournal %s\nlast_run %lld\n"
				 "last_success %lld\nlast_count %ld\n",
		     id, (long long)st->sum.last_run,
		     (long long)st->sum.last_success, st->sum.last_count);
	if (s == MA_OK && err[0] != '\0')
		s = buf_addf(b, "last_error %s\n", err);
	if (s == MA_OK && st->sum.budget_start != 0)
		s = buf_addf(b, "budget %lld %llu\n",
			     (long long)st->sum.budget_start,
			     st->sum.budget_used);
	if (s == MA_OK && st->sum.waiting > 0)
		s = buf_addf(b, "waiting %ld %llu\n", st->sum.waiting,
			     st->sum.waiting_bytes);
	for (size_t i = 0; s == MA_OK && i < st->nfolders; i++) {
		const struct state_folder *f = &st->folders[i];

		s = buf_addf(b, "folder %lu %s\n", f->uidvalidity, f->name);
		if (s == MA_OK)
			s = add_uids(b, f);
		out_flush(o, false);
	}
	if (s == MA_OK)
		s = write_uidls(st, o);
	if (o->st == MA_OK)
		o->st = s;
	out_flush(o, true);
}

/*
 * The file written (total bytes, with id) is in place at path: it holds
 * every UIDL taken, in order, so it is the base now, and the journal
 * (another file's from here) holds nothing.
 */
static enum ma_status
renamed(struct fetch_state *st, const char *path, const char *id, size_t total)
{
	memcpy(st->id, id, sizeof st->id);
	st->main_size = total;
	st->journal_size = 0;
	st->journal_from = 0;
	st->text_len = 0;
	st->nuidls = 0;
	recfile_free(st->base);
	st->base = NULL;
	st->base_main = true;
	if (strcmp(path, st->path) != 0)
		return set_path(st, path);
	return MA_OK;
}

enum ma_status
state_save(struct fetch_state *st, const char *path)
{
	struct out o = {.fd = -1, .st = MA_OK};
	struct timespec ts;
	char id[sizeof st->id], *tmp, *jpath;
	int e = 0;

	/* A new id for each file written: the journal of an older one
	 * (left by a kill before it was removed) is then never applied. */
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(id, sizeof id, "%llx-%lx-%x",
		 (unsigned long long)ts.tv_sec * 1000000000ULL +
		     (unsigned long long)ts.tv_nsec,
		 (unsigned long)getpid(), ++st->saves);
	if ((tmp = path_fmt("%s.tmp.%ld", path, (long)getpid())) == NULL)
		return MA_ENOMEM;
	o.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (o.fd < 0 && errno == EEXIST) {
		/* A temp file left by a killed run of ours. */
		unlink(tmp);
		o.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	}
	if (o.fd < 0) {
		e = errno;
		log_err("cannot create '%s': %s", tmp, strerror(e));
		free(tmp);
		st->journal_bad = true;
		return path_errno_status(e);
	}
	buf_init(&o.b, OUT_CHUNK + (STATE_UIDL_MAX + 64) + (64 << 10));
	if (fchmod(o.fd, 0600) != 0)
		o.st = MA_EIO;
	if (o.st == MA_OK)
		write_state(st, id, &o);
	if (o.st == MA_OK && fsync(o.fd) != 0)
		o.st = MA_EIO;
	e = errno;
	if (close(o.fd) != 0 && o.st == MA_OK) {
		e = errno;
		o.st = MA_EIO;
	}
	if (o.st == MA_OK && rename(tmp, path) != 0) {
		e = errno;
		o.st = MA_EIO;
	}
	buf_release(&o.b);
	if (o.st != MA_OK) {
		if (o.st == MA_EIO)
			o.st = path_errno_status(e);
		log_err("cannot write state file '%s': %s", path,
			o.st == MA_EIO || o.st == MA_ETEMP
			    ? strerror(e)
			    : ma_strstatus(o.st));
		unlink(tmp);
		free(tmp);
		st->journal_bad = true;
		return o.st;
	}
	free(tmp);
	if ((o.st = renamed(st, path, id, o.total)) != MA_OK ||
	    (o.st = path_fsync_parent(path)) != MA_OK) {
		st->journal_bad = true;
		return o.st;
	}
	st->journal_bad = false;
	/* Folded in: the journal is now another file's, and ignored if the
	 * removal does not last. */
	if ((jpath = state_journal_path(path)) != NULL) {
		unlink(jpath);
		free(jpath);
	}
	return MA_OK;
}

enum ma_status
state_commit(struct fetch_state *st, const char *path, bool full)
{
	bool create = st->journal_size == 0;
	enum ma_status s = MA_OK;
	char *jpath;
	struct buf b;
	size_t len;
	int fd, e;

	if (full || st->journal_bad || st->id[0] == '\0')
		return state_save(st, path);
	if (st->nuidls == 0 && st->sum.budget_start == 0)
		return MA_OK;
	buf_init(&b, STATE_MAX);
	if (create)
		s = buf_addf(&b, "%s %s\n", JOURNAL_MAGIC, st->id);
	for (size_t i = 0; s == MA_OK && i < st->nuidls; i++)
		s = buf_addf(&b, "uidl %s\n", st->text + st->uidls[i]);
	if (s == MA_OK && st->sum.budget_start != 0)
		s = buf_addf(&b, "budget %lld %llu\n",
			     (long long)st->sum.budget_start,
			     st->sum.budget_used);
	/* Past the main file's size, folding costs no more than the
	 * appends did: the bytes written stay in proportion to the state. */
	if (s != MA_OK || st->journal_size + b.len > st->main_size) {
		buf_release(&b);
		return state_save(st, path);
	}
	if ((jpath = state_journal_path(path)) == NULL) {
		buf_release(&b);
		return MA_ENOMEM;
	}
	fd =
	    open(jpath,
		 O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : O_APPEND),
		 0600);
	if (fd < 0 || (s = path_write_all(fd, b.data, b.len)) != MA_OK ||
	    fdatasync(fd) != 0) {
		e = errno;
		log_warn("cannot append to '%s' (%s); writing the whole state",
			 jpath, strerror(e));
		if (fd >= 0)
			close(fd);
		free(jpath);
		buf_release(&b);
		/* A part of the append may be there: the next load stops at
		 * its torn line, or the fold makes the journal another's. */
		st->journal_bad = true;
		return state_save(st, path);
	}
	s = close(fd) == 0 ? MA_OK : path_errno_status(errno);
	if (s == MA_OK && create)
		s = path_fsync_parent(jpath);
	free(jpath);
	len = b.len;
	buf_release(&b);
	if (s != MA_OK) {
		st->journal_bad = true;
		return state_save(st, path);
	}
	st->journal_size += len;
	/* In the journal now, where state_iter_open() finds them. */
	st->text_len = 0;
	st->nuidls = 0;
	return MA_OK;
}

enum ma_status
state_summary_load(const struct space *s, const char *key,
		   struct state_summary *sum)
{
	struct fetch_state *st;
	enum ma_status r;
	char *path = state_path(s, key);

	if (path == NULL)
		return MA_ENOMEM;
	if (!path_exists(path)) {
		free(path);
		return MA_ENOTFOUND;
	}
	r = load(path, true, &st);
	free(path);
	if (r != MA_OK)
		return r;
	*sum = st->sum;
	state_free(st);
	return MA_OK;
}
