/*
 * The delivery path of mailarc-fetch, shared by imap.c and pop3.c: write,
 * commit, make durable in batches, then record. Why batches: an fsync of
 * new/ per message would bound a fetch to the disk's sync rate; one per
 * FLUSH_MESSAGES or FLUSH_BYTES keeps the guarantee (nothing recorded or
 * deleted on the server before it is durable) at a fraction of the cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_sink.h"

/* A batch: this many messages or bytes between two fsyncs of new/. */
#define FLUSH_MESSAGES 256
#define FLUSH_BYTES    (64u << 20)

/* A committed message whose record waits for the next flush. */
struct fetch_sink_pending {
	char *path;
	struct state_folder *folder; /* IMAP: where uid goes */
	uint32_t uid;
	char *uidl; /* POP3 */
};

enum ma_status
fetch_sink_open(struct fetch_sink *k, const char *what, const char *incoming,
		const char *state_path)
{
	enum ma_status st;

	k->what = what;
	k->incoming = incoming;
	k->state_path = state_path;
	if ((st = maildir_create(incoming)) != MA_OK)
		return st;
	/* Messages whose writer died before commit are still on the server. */
	maildir_clean_tmp(incoming, 36 * 3600);
	return state_load(state_path, &k->st);
}

enum ma_status
fetch_sink_begin(struct fetch_sink *k)
{
	enum ma_status st = maildir_tmp_open(k->incoming, &k->tmp);

	if (st == MA_OK)
		k->tmp_open = true;
	return st;
}

enum ma_status
fetch_sink_write(struct fetch_sink *k, const void *p, size_t n)
{
	return maildir_tmp_write(&k->tmp, p, n);
}

void
fetch_sink_abort(struct fetch_sink *k)
{
	if (k->tmp_open)
		maildir_tmp_abort(&k->tmp);
	k->tmp_open = false;
}

enum ma_status
fetch_sink_commit(struct fetch_sink *k, struct state_folder *folder,
		  uint32_t uid, const char *uidl)
{
	struct fetch_sink_pending *p;
	size_t size = k->tmp.size;
	enum ma_status st;
	char *path = NULL;

	p = realloc(k->pending, (k->npending + 1) * sizeof *p);
	if (p == NULL) {
		fetch_sink_abort(k);
		return MA_ENOMEM;
	}
	k->pending = p;
	p = &k->pending[k->npending];
	memset(p, 0, sizeof *p);
	if (uidl != NULL && (p->uidl = strdup(uidl)) == NULL) {
		fetch_sink_abort(k);
		return MA_ENOMEM;
	}
	k->tmp_open = false;
	if ((st = maildir_tmp_commit(&k->tmp, false, &path)) != MA_OK) {
		free(p->uidl);
		return st;
	}
	p->path = path;
	p->folder = folder;
	p->uid = uid;
	k->npending++;
	k->pending_bytes += size;
	k->count++;
	progress_add(&k->prog, 1, 0);
	if (k->npending >= FLUSH_MESSAGES || k->pending_bytes >= FLUSH_BYTES)
		return fetch_sink_flush(k);
	return MA_OK;
}

static void
drop_pending(struct fetch_sink *k)
{
	for (size_t i = 0; i < k->npending; i++) {
		free(k->pending[i].path);
		free(k->pending[i].uidl);
	}
	k->npending = 0;
	k->pending_bytes = 0;
}

enum ma_status
fetch_sink_flush(struct fetch_sink *k)
{
	enum ma_status st = MA_OK;

	if (k->npending == 0)
		return MA_OK;
	/* 1. The messages are durable ... */
	if ((st = maildir_sync(k->incoming)) != MA_OK)
		goto out;
	/* 2. ... then they are recorded as taken ... */
	for (size_t i = 0; i < k->npending && st == MA_OK; i++) {
		struct fetch_sink_pending *p = &k->pending[i];

		if (p->folder != NULL)
			st = state_add_uid(p->folder, p->uid);
		else if (p->uidl != NULL)
			st = state_add_uidl(k->st, p->uidl);
	}
	/* The bytes count against the budget as they are recorded. */
	if (st == MA_OK && k->budget > 0)
		k->st->sum.budget_used += k->pending_bytes;
	if (st == MA_OK)
		st = state_save(k->st, k->state_path);
	/* 3. ... and passed on. A message not recorded is still in the
	 * spool; it may be fetched again, and dedupe drops the repeat. */
	for (size_t i = 0; i < k->npending; i++)
		if (k->delivered != NULL)
			k->delivered(k->pending[i].path, k->arg);
out:
	drop_pending(k);
	return st;
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
		sum->last_success = time(NULL);
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
	fetch_sink_abort(k);
	drop_pending(k);
	free(k->pending);
	k->pending = NULL;
	state_free(k->st);
	k->st = NULL;
}
