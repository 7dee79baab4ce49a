/*
 * What a thread holds of its messages while it is written (thread.c).
 *
 * A message's parse goes once its own page is written; what the thread
 * page and the mbox need of it later (its fragment, its raw copy) is held
 * up to THREAD_KEEP bytes for the whole thread. Past that a fragment
 * waits in an unnamed file of the space's state folder and a raw copy is
 * read again; and a thread page past THREAD_KEEP is written as it is
 * made. A conversation of thousands costs its walk (and notmuch's
 * thread), not its text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "log.h"
#include "path.h"
#include "render_int.h"
#include "site.h"

/* What only t's own page needs: its parse, its attachments' addresses
 * and its other versions. */
static void
tmsg_drop_parse(struct tmsg *t)
{
	for (size_t k = 0; t->att_urls && t->mm && k < t->mm->natt; k++)
		free(t->att_urls[k]);
	free(t->att_urls);
	t->att_urls = NULL;
	mime_free(t->mm);
	t->mm = NULL;
	for (size_t k = 0; t->alt != NULL && k + 1 < t->nver; k++)
		tmsg_release(&t->alt[k]);
	free(t->alt);
	t->alt = NULL;
}

void
tmsg_release(struct tmsg *t)
{
	tmsg_drop_parse(t);
	buf_release(&t->frag);
	free(t->raw);
	free(t->reply_to);
	free(t->refs);
	free(t->in_reply_to);
	free(t->references);
	versions_free(t->ver, t->nver);
}

void
thread_ctx_release(struct thread_ctx *tc)
{
	for (size_t i = 0; i < tc->n; i++)
		tmsg_release(&tc->m[i]);
	free(tc->m);
	if (tc->spill >= 0)
		close(tc->spill);
}

size_t
thread_keep(void)
{
	static size_t keep;

	if (keep == 0)
		keep = env_count("MAILARC_RENDER_THREAD_KEEP", THREAD_KEEP,
				 SIZE_MAX);
	return keep;
}

/* t's fragment into the thread's spill, made on first use; where that
 * cannot be (no file, a full disk) it stays in memory. */
static void
frag_spill(struct run *r, struct thread_ctx *tc, struct tmsg *t)
{
	char *dir;

	if (tc->spill == -1) {
		dir = path_fmt("%s/state", r->o->space_dir);
		tc->spill = dir != NULL ? path_temp_in(dir) : -1;
		if (tc->spill < 0)
			tc->spill = -2;
		free(dir);
	}
	if (tc->spill < 0)
		return;
	if (path_write_all(tc->spill, t->frag.data, t->frag.len) != MA_OK) {
		/* What a failed write left is written over. */
		(void)lseek(tc->spill, (off_t)tc->spill_len, SEEK_SET);
		return;
	}
	t->frag_at = tc->spill_len;
	t->frag_out = t->frag.len;
	tc->spill_len += t->frag.len;
	buf_release(&t->frag);
}

/*
 * What is left of t once its own page is written: its fragment and raw
 * copy for the thread page and mbox, within the thread's THREAD_KEEP.
 * Its parse, attachments' addresses and other versions go now.
 */
void
tmsg_settle(struct run *r, struct thread_ctx *tc, struct tmsg *t)
{
	size_t keep = thread_keep();

	tmsg_drop_parse(t);
	if (t->frag.len > keep ||
	    tc->frag_kept + tc->raw_kept > keep - t->frag.len)
		frag_spill(r, tc, t);
	if (t->frag_out == 0)
		tc->frag_kept += t->frag.len;
	if (t->raw != NULL &&
	    (t->raw_len > keep ||
	     tc->frag_kept + tc->raw_kept > keep - t->raw_len)) {
		free(t->raw); /* the mbox reads its file */
		t->raw = NULL;
	}
	if (t->raw != NULL)
		tc->raw_kept += t->raw_len;
}

/* t's fragment, from memory or the spill, onto b. */
enum ma_status
frag_add(struct buf *b, const struct thread_ctx *tc, const struct tmsg *t)
{
	enum ma_status st = MA_OK;
	ssize_t got;
	char *p;

	if (t->frag_out == 0)
		return buf_add(b, t->frag.data, t->frag.len);
	if ((p = malloc(t->frag_out)) == NULL)
		return MA_ENOMEM;
	got = path_pread_all(tc->spill, p, t->frag_out, (off_t)t->frag_at);
	if (got == (ssize_t)t->frag_out) {
		st = buf_add(b, p, t->frag_out);
	} else {
		log_err("cannot read back a message of thread %s: %s", tc->id,
			got < 0 ? strerror(errno) : "short read");
		st = MA_EIO;
	}
	free(p);
	return st;
}

enum ma_status
page_out_flush(struct page_out *o, size_t at)
{
	enum ma_status st;

	if (o->b.len < at)
		return MA_OK;
	if (o->f == NULL &&
	    (st = site_file_open(o->site, o->rel, &o->f)) != MA_OK)
		return st;
	st = site_file_write(o->f, o->b.data, o->b.len);
	buf_reset(&o->b);
	return st;
}

/* The page's end: put or committed when st is MA_OK, else dropped. */
enum ma_status
page_out_end(struct page_out *o, enum ma_status st)
{
	if (st == MA_OK && o->f == NULL)
		st = site_put_buf(o->site, o->rel, &o->b);
	else if (st == MA_OK && (st = page_out_flush(o, 0)) == MA_OK)
		st = site_file_commit(o->site, o->f);
	else if (o->f != NULL)
		site_file_abort(o->f);
	buf_release(&o->b);
	return st;
}
