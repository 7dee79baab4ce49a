/*
 * The delivery path of mailarc-fetch, shared by imap.c and pop3.c: write,
 * commit, make durable in batches, then record.
 *
 * Why batches: a disk's cache flush is what an fsync costs, and one per
 * message bounds a fetch to the disk's flush rate (on the shared build
 * machine 3-6 ms each, so 2,000 messages took 8 s of fsync alone). A
 * message is written into tmp/ and closed; after a batch of messages
 * (fetch_sink_start() sizes it), FLUSH_BYTES bytes or FLUSH_SECONDS
 * seconds, whichever comes first, one syncfs(2) makes the whole batch
 * durable, the batch is renamed into new/, new/ is fsynced, and only
 * then is the batch recorded (and so may be deleted on the server). new/
 * never holds a file whose bytes are not on disk, and a run killed at any
 * instant leaves each message on the server or durable in new/; what it
 * left in tmp/ is unrecorded and is removed by the next run.
 *
 * Why syncfs and not an fsync per file at flush time: fsyncs back to back
 * still flush the disk cache once each (measured: no faster than inline),
 * while syncfs flushes once. It also syncs other files of the same file
 * system, which costs the other writers nothing they would not pay later.
 * Since Linux 5.8 it reports a write-back error of any file on the file
 * system since tmp_fd was opened. Elsewhere each file is fsynced before
 * it is closed, as before.
 *
 * Each message is collected in wbuf and written with one write(2) when it
 * fits (most mail does): a TLS record is at most 16 KB, and writing each
 * one as it came cost 3 writes a message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch_sink.h"
#include "log.h"
#include "maildir.h"
#include "path.h"

/* A batch: at most this many messages, bytes or seconds between two
 * syncs. */
#define FLUSH_MESSAGES 4096
#define FLUSH_BYTES    (64u << 20)
#define FLUSH_SECONDS  10
/* A message up to this size is written in one go. */
#define WBUF_SIZE (256u << 10)

#ifdef __linux__
#define SYNC_BY_FILE_SYSTEM 1
#else
#define SYNC_BY_FILE_SYSTEM 0
#endif

/* A committed message whose record waits for the next flush. */
struct fetch_sink_pending {
	char *name;		     /* under tmp/, then new/ */
	struct state_folder *folder; /* IMAP: where uid goes */
	uint32_t uid;
	uint32_t uidl; /* POP3: a ref into the state, or STATE_NO_UIDL */
	uint64_t size;
};

static int
open_dir(const char *incoming, const char *sub)
{
	char *p = path_fmt("%s/%s", incoming, sub);
	int fd;

	if (p == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		log_err("cannot open '%s': %s", p, strerror(errno));
	free(p);
	return fd;
}

/*
 * Remove every file in tmp/: under the account's lock nothing else writes
 * there, so each one is a message a killed run had not made durable and
 * recorded; it is still on the server.
 */
static void
clean_tmp(struct fetch_sink *k)
{
	struct dirent *de;
	long n = 0;
	int fd = dup(k->tmp_fd);
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (unlinkat(k->tmp_fd, de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	if (n > 0)
		log_info("%s: removed %ld unfinished messages a stopped run "
			 "left in '%s/tmp'; they are fetched again",
			 k->what, n, k->incoming);
}

enum ma_status
fetch_sink_open(struct fetch_sink *k, const char *what, const char *incoming,
		const char *state_path)
{
	enum ma_status st;

	k->what = what;
	k->incoming = incoming;
	k->state_path = state_path;
	k->opened = true;
	k->tmp_fd = k->new_fd = k->fd = -1;
	k->writing = false;
	k->batch = FLUSH_MESSAGES;
	k->last_flush = time(NULL);
	if ((st = maildir_create(incoming)) != MA_OK)
		return st;
	if ((k->tmp_fd = open_dir(incoming, "tmp")) < 0 ||
	    (k->new_fd = open_dir(incoming, "new")) < 0)
		return path_errno_status(errno);
	clean_tmp(k);
	if ((k->wbuf = malloc(WBUF_SIZE)) == NULL)
		return MA_ENOMEM;
	k->wsize = WBUF_SIZE;
	return state_load(state_path, &k->st);
}

/*
 * Batches of equal size, as few as FLUSH_MESSAGES allows: each costs a
 * syncfs, an fsync of new/ and a record in the state (an append to its
 * journal, or a save of the whole file: see state.c), whatever its size, so
 * 2,000 messages go in one batch and 10,000 in three of 3,334, not two and ten
 * of up to 1,024. The pending list grows by about 100 bytes a message, so
 * memory stays flat.
 */
size_t
fetch_sink_batch_size(size_t n)
{
	size_t batches = n / FLUSH_MESSAGES + (n % FLUSH_MESSAGES != 0);

	return batches > 1 ? n / batches + (n % batches != 0) : FLUSH_MESSAGES;
}

void
fetch_sink_start(struct fetch_sink *k, size_t n, uint64_t bytes)
{
	k->batch = fetch_sink_batch_size(n);
	progress_start(&k->prog, k->what, n, bytes);
}

enum ma_status
fetch_sink_begin(struct fetch_sink *k)
{
	enum ma_status st;

	if (k->writing)
		fetch_sink_abort(k);
	if ((st = maildir_unique_name(k->name, sizeof k->name)) != MA_OK)
		return st;
	k->fd = -1;
	k->wlen = 0;
	k->size = 0;
	k->writing = true;
	return MA_OK;
}

/* Write out what wbuf holds, creating the file first if need be. */
static enum ma_status
spill(struct fetch_sink *k, const void *p, size_t n)
{
	enum ma_status st;
	int e;

	if (k->fd < 0) {
		k->fd = openat(k->tmp_fd, k->name,
			       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			       MAILDIR_FILE_MODE);
		if (k->fd < 0) {
			e = errno;
			log_err("cannot create '%s/tmp/%s': %s", k->incoming,
				k->name, strerror(e));
			return path_errno_status(e);
		}
	}
	if ((st = path_write_all(k->fd, p, n)) != MA_OK)
		log_err("cannot write '%s/tmp/%s': %s", k->incoming, k->name,
			strerror(errno));
	return st;
}

enum ma_status
fetch_sink_write(struct fetch_sink *k, const void *p, size_t n)
{
	enum ma_status st;

	if (!k->writing)
		return MA_EIO;
	if (k->wlen + n > k->wsize) {
		if (k->wlen > 0 && (st = spill(k, k->wbuf, k->wlen)) != MA_OK)
			return st;
		k->wlen = 0;
		if (n >= k->wsize) {
			if ((st = spill(k, p, n)) != MA_OK)
				return st;
			k->size += n;
			return MA_OK;
		}
	}
	memcpy(k->wbuf + k->wlen, p, n);
	k->wlen += n;
	k->size += n;
	return MA_OK;
}

void
fetch_sink_abort(struct fetch_sink *k)
{
	if (!k->writing)
		return;
	if (k->fd >= 0) {
		close(k->fd);
		unlinkat(k->tmp_fd, k->name, 0);
	}
	k->fd = -1;
	k->writing = false;
}

enum ma_status
fetch_sink_commit(struct fetch_sink *k, struct state_folder *folder,
		  uint32_t uid, const char *uidl)
{
	uint32_t ref = STATE_NO_UIDL;
	enum ma_status st;

	/* The copy goes into the state's arena at once: a message that is
	 * never recorded leaves a few bytes there, nothing more. */
	if (k->writing && uidl != NULL &&
	    (st = state_intern_uidl(k->st, uidl, &ref)) != MA_OK) {
		fetch_sink_abort(k);
		return st;
	}
	return fetch_sink_commit_ref(k, folder, uid, ref);
}

enum ma_status
fetch_sink_commit_ref(struct fetch_sink *k, struct state_folder *folder,
		      uint32_t uid, uint32_t uidl)
{
	struct fetch_sink_pending *p;
	enum ma_status st;
	int e;

	if (!k->writing)
		return MA_EIO;
	if (k->npending == k->pending_cap) {
		size_t cap = k->pending_cap ? k->pending_cap * 2 : 64;

		if ((p = realloc(k->pending, cap * sizeof *p)) == NULL) {
			fetch_sink_abort(k);
			return MA_ENOMEM;
		}
		k->pending = p;
		k->pending_cap = cap;
	}
	p = &k->pending[k->npending];
	memset(p, 0, sizeof *p);
	p->uidl = uidl;
	if ((p->name = strdup(k->name)) == NULL) {
		fetch_sink_abort(k);
		return MA_ENOMEM;
	}
	/* An empty message is a file too. */
	if ((k->wlen > 0 || k->fd < 0) &&
	    (st = spill(k, k->wbuf, k->wlen)) != MA_OK) {
		free(p->name);
		fetch_sink_abort(k);
		return st;
	}
	k->wlen = 0;
	if ((!SYNC_BY_FILE_SYSTEM && fsync(k->fd) != 0) || close(k->fd) != 0) {
		e = errno;
		k->fd = -1;
		log_err("cannot write '%s/tmp/%s': %s", k->incoming, k->name,
			strerror(e));
		unlinkat(k->tmp_fd, k->name, 0);
		k->writing = false;
		free(p->name);
		return path_errno_status(e);
	}
	k->fd = -1;
	k->writing = false;
	p->folder = folder;
	p->uid = uid;
	k->npending++;
	p->size = k->size;
	k->pending_bytes += k->size;
	k->count++;
	progress_add(&k->prog, 1, 0);
	if (k->npending >= k->batch || k->pending_bytes >= FLUSH_BYTES ||
	    time(NULL) - k->last_flush >= FLUSH_SECONDS)
		return fetch_sink_flush(k);
	return MA_OK;
}

/* Free the pending records from i on, removing their files from tmp/. */
static void
drop_pending(struct fetch_sink *k, size_t i)
{
	for (; i < k->npending; i++) {
		if (k->tmp_fd >= 0)
			unlinkat(k->tmp_fd, k->pending[i].name, 0);
		free(k->pending[i].name);
	}
	k->npending = 0;
	k->pending_bytes = 0;
}

/* The batch's bytes on disk: one syncfs (see the top of this file). */
static enum ma_status
sync_batch(struct fetch_sink *k)
{
	int e;

	if (!SYNC_BY_FILE_SYSTEM)
		return MA_OK; /* each file was fsynced before close */
#ifdef __linux__
	if (syncfs(k->tmp_fd) == 0)
		return MA_OK;
#endif
	e = errno;
	log_err("cannot sync the file system of '%s': %s", k->incoming,
		strerror(e));
	return path_errno_status(e);
}

/*
 * Record pending[0..n) as taken and commit the state: POP3 UIDLs are
 * appended to its journal (state.c), not the whole file rewritten, which
 * for a first fetch of a large maildrop wrote the growing file once per
 * batch; IMAP UIDs (ranges, a small file) save it whole.
 */
static enum ma_status
record(struct fetch_sink *k, size_t n)
{
	enum ma_status st = MA_OK;
	unsigned long long bytes = 0;
	bool full = false;

	for (size_t i = 0; i < n && st == MA_OK; i++) {
		struct fetch_sink_pending *p = &k->pending[i];

		bytes += p->size;
		if (p->folder != NULL) {
			st = state_add_uid(p->folder, p->uid);
			full = true;
		} else if (p->uidl != STATE_NO_UIDL) {
			st = state_take_uidl(k->st, p->uidl);
		}
	}
	/* The bytes count against the budget as they are recorded. */
	if (st == MA_OK && k->budget > 0)
		k->st->sum.budget_used += bytes;
	if (st == MA_OK)
		st = state_commit(k->st, k->state_path, full);
	return st;
}

enum ma_status
fetch_sink_flush(struct fetch_sink *k)
{
	enum ma_status st, st2 = MA_OK;
	size_t moved = 0;
	int e;

	if (k->npending == 0)
		return MA_OK;
	k->last_flush = time(NULL);
	/* 1. The messages are durable ... */
	if ((st = sync_batch(k)) != MA_OK)
		goto out;
	/* ... in new/ ... */
	for (; moved < k->npending; moved++) {
		const char *name = k->pending[moved].name;

		if (renameat(k->tmp_fd, name, k->new_fd, name) != 0) {
			e = errno;
			log_err("cannot rename '%s/tmp/%s' into new/: %s",
				k->incoming, name, strerror(e));
			st2 = path_errno_status(e);
			break;
		}
	}
	if (moved > 0 && fsync(k->new_fd) != 0) {
		e = errno;
		log_err("cannot sync '%s/new': %s", k->incoming, strerror(e));
		/* In new/ but perhaps not for good: not recorded, so
		 * fetched again, and dedupe drops the repeat. */
		st = path_errno_status(e);
		goto out;
	}
	/* 2. ... then they are recorded as taken ... */
	st = record(k, moved);
	/* 3. ... and passed on. A message not recorded is still in the
	 * spool; it may be fetched again, and dedupe drops the repeat. */
	for (size_t i = 0; i < moved && k->delivered != NULL; i++) {
		char *path =
		    path_fmt("%s/new/%s", k->incoming, k->pending[i].name);

		if (path == NULL) {
			st = MA_ENOMEM;
			break;
		}
		k->delivered(path, k->arg);
		free(path);
	}
	if (moved > 0 && k->batch_done != NULL)
		k->batch_done(k->arg);
	for (size_t i = 0; i < moved; i++)
		free(k->pending[i].name);
out:
	drop_pending(k, moved);
	return st != MA_OK ? st : st2;
}

void
fetch_sink_record_run(struct fetch_sink *k, time_t started, enum ma_status st,
		      const char *error)
{
	struct state_summary *sum = &k->st->sum;

	sum->last_run = started;
	sum->last_count = k->count;
	if (k->budget == 0) {
		sum->waiting = 0;
		sum->waiting_bytes = 0;
	} else if (!k->budget_skipped) {
		sum->waiting = k->waiting;
		sum->waiting_bytes = k->waiting_bytes;
	}
	if (st == MA_OK) {
		/* The run's start, as last_run: a run that crossed a second
		 * boundary is still "the last run, and it succeeded". */
		sum->last_success = started;
		sum->last_error[0] = '\0';
	} else if (error != NULL && error[0] != '\0') {
		/* The summary is one line for "status": a longer reason is
		 * cut, which is what the field is for. */
		snprintf(sum->last_error, sizeof sum->last_error, "%s", error);
	} else {
		snprintf(sum->last_error, sizeof sum->last_error, "%s",
			 ma_strstatus(st));
	}
	state_save(k->st, k->state_path);
}

#define BUDGET_WINDOW (24 * 60 * 60)

void
fetch_sink_budget_start(struct fetch_sink *k, unsigned long long bytes,
			time_t now)
{
	struct state_summary *sum = &k->st->sum;

	k->budget = bytes;
	k->budget_fresh = false;
	k->planned = 0;
	k->waiting = 0;
	k->waiting_bytes = 0;
	if (bytes == 0) {
		sum->budget_start = 0;
		sum->budget_used = 0;
	} else if (sum->budget_start == 0 || now < sum->budget_start ||
		   now - sum->budget_start >= BUDGET_WINDOW) {
		/* A new day (or a clock that went back: start afresh
		 * rather than wait for a window that may never end). */
		sum->budget_start = now;
		sum->budget_used = 0;
		k->budget_fresh = true;
	}
	k->budget_base = sum->budget_used;
}

bool
fetch_sink_budget_take(struct fetch_sink *k, uint64_t size)
{
	unsigned long long used = k->budget_base + k->planned;

	if (k->budget == 0)
		return true;
	if (k->waiting == 0 && (used + size <= k->budget || used == 0)) {
		k->planned += size;
		return true;
	}
	k->waiting++;
	k->waiting_bytes += size;
	return false;
}

bool
fetch_sink_budget_spent(const struct fetch_sink *k)
{
	/* Spent, or a message had to wait in this window: what is left is
	 * less than the oldest message that waits, and newer ones must not
	 * overtake it. */
	return k->budget > 0 && !k->budget_fresh &&
	       (k->st->sum.budget_used >= k->budget || k->st->sum.waiting > 0);
}

time_t
fetch_sink_budget_resume(const struct fetch_sink *k)
{
	return k->st->sum.budget_start + BUDGET_WINDOW;
}

void
fetch_sink_close(struct fetch_sink *k)
{
	if (k->opened) {
		fetch_sink_abort(k);
		drop_pending(k, 0);
		if (k->tmp_fd >= 0)
			close(k->tmp_fd);
		if (k->new_fd >= 0)
			close(k->new_fd);
		k->tmp_fd = k->new_fd = -1;
		k->opened = false;
	}
	free(k->pending);
	k->pending = NULL;
	k->pending_cap = 0;
	free(k->wbuf);
	k->wbuf = NULL;
	state_free(k->st);
	k->st = NULL;
}
