/* Deleting messages from a space for good: see delete.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "delete.h"
#include "index.h"
#include "lock.h"
#include "log.h"
#include "msg.h"
#include "path.h"
#include "permalink.h"
#include "space.h"
#include "tombstone.h"

struct victim {
	char *message_id, *thread_id;
	char **files;
	size_t nfiles;
};

struct victims {
	struct victim *v;
	size_t n, cap;
	enum ma_status st;
	const struct delete_opts *o;
};

static int
collect(const struct index_hit *h, void *arg)
{
	struct victims *vs = arg;
	struct victim *v;

	if (vs->o->pick != NULL && !vs->o->pick(h, vs->o->pick_arg))
		return 0;
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].message_id, h->message_id) == 0)
			return 0;
	if (vs->n == vs->cap) {
		struct victim *nv =
		    array_grow(vs->v, &vs->cap, vs->n, sizeof *nv, 16);

		if (nv == NULL)
			goto nomem;
		vs->v = nv;
	}
	v = &vs->v[vs->n];
	memset(v, 0, sizeof *v);
	v->message_id = strdup(h->message_id);
	v->thread_id = strdup(h->thread_id ? h->thread_id : "-");
	v->files = calloc(h->nfiles + 1, sizeof *v->files);
	vs->n++;
	if (v->message_id == NULL || v->thread_id == NULL || v->files == NULL)
		goto nomem;
	for (size_t i = 0; i < h->nfiles; i++) {
		if ((v->files[i] = strdup(h->files[i])) == NULL)
			goto nomem;
		v->nfiles++;
	}
	return 0;
nomem:
	vs->st = MA_ENOMEM;
	return 1;
}

static void
victims_free(struct victims *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		for (size_t k = 0; k < vs->v[i].nfiles; k++)
			free(vs->v[i].files[k]);
		free(vs->v[i].files);
		free(vs->v[i].message_id);
		free(vs->v[i].thread_id);
	}
	free(vs->v);
}

/* The identity for the tombstone, from the first file still there. */
static void
identity_of(const struct victim *v, char *out)
{
	out[0] = '-';
	out[1] = '\0';
	for (size_t i = 0; i < v->nfiles; i++) {
		struct msg *m;

		if (!path_exists(v->files[i]))
			continue;
		if (msg_open(v->files[i], 0, &m) == MA_OK) {
			memcpy(out, m->identity, sizeof m->identity);
			msg_free(m);
			return;
		}
	}
}

static enum ma_status
remove_one(struct index *ix, const struct victim *v, const char *tspath,
	   const char *archive, const struct delete_opts *o)
{
	char identity[MSG_IDENTITY_LEN + 1];
	size_t alen = strlen(archive);
	enum ma_status st;
	char *real;

	identity_of(v, identity);
	/* The Message-ID the page is named after (notmuch's may be a
	 * shortened one): the removal notice must replace that page. */
	real = permalink_real_id(v->message_id,
				 v->nfiles > 0 ? v->files[0] : NULL);
	if (real == NULL)
		return MA_ENOMEM;
	st = tombstone_append(
	    tspath, o->now != 0 ? o->now : time(NULL),
	    real[strcspn(real, "\t\n")] == '\0' ? real : v->message_id,
	    v->thread_id, identity);
	free(real);
	if (st != MA_OK)
		return st;
	for (size_t i = 0; i < v->nfiles; i++) {
		const char *f = v->files[i];

		/* The index only holds archive files; refuse anything
		 * else rather than unlink outside the space. */
		if (strncmp(f, archive, alen) != 0 || f[alen] != '/') {
			log_err("'%s' is not in '%s': left alone", f, archive);
			return MA_EDATA;
		}
		if (unlink(f) != 0 && errno != ENOENT) {
			log_err("cannot remove '%s': %s", f, strerror(errno));
			return path_errno_status(errno);
		}
		if ((st = path_fsync_parent(f)) != MA_OK)
			return st;
	}
	for (size_t i = 0; i < v->nfiles; i++)
		if ((st = index_remove(ix, v->files[i])) != MA_OK)
			return st;
	if (o->out != NULL)
		fprintf(o->out, "deleted %s\n", v->message_id);
	return MA_OK;
}

/* The messages o names, from the index. */
static enum ma_status
find_victims(const struct delete_opts *o, struct index *ix, struct victims *vs,
	     size_t *missingp)
{
	enum ma_status st = MA_OK;

	if (o->query != NULL) {
		st = index_query(ix, o->query, collect, vs);
		if (st == MA_OK && vs->n == 0 && o->pick == NULL)
			log_notice("no message matches '%s'", o->query);
	} else {
		for (size_t i = 0; st == MA_OK && i < o->nids; i++) {
			st = index_find(ix, o->ids[i], collect, vs);
			if (st == MA_ENOTFOUND) {
				log_err("no message '%s' in space '%s'",
					o->ids[i], o->space_key);
				(*missingp)++;
				st = MA_OK;
			}
		}
	}
	return st == MA_OK ? vs->st : st;
}

static void
list_victims(const struct victims *vs, FILE *out)
{
	for (size_t i = 0; i < vs->n; i++)
		for (size_t k = 0; k < vs->v[i].nfiles; k++)
			fprintf(out, "would delete %s\tthread:%s\t%s\n",
				vs->v[i].message_id, vs->v[i].thread_id,
				vs->v[i].files[k]);
}

/* The archive folder as the index names its files: symlink-free. */
static enum ma_status
real_archive(const char *space_dir, char **archivep)
{
	char *real = realpath(space_dir, NULL);

	if (real == NULL ||
	    (*archivep = space_part_path(real, SPACE_ARCHIVE)) == NULL) {
		free(real);
		return MA_EIO;
	}
	free(real);
	return MA_OK;
}

static enum ma_status
take_locks(const struct delete_opts *o, struct lock *dl, struct lock *il)
{
	char *dlock = space_lock_path(o->space_dir, SPACE_STAGE_DEDUPE);
	char *ilock = space_lock_path(o->space_dir, SPACE_STAGE_INDEX);
	enum ma_status st = MA_ENOMEM;

	/* Both stages stand still: dedupe must see the tombstone before
	 * its next decision, index must not re-add what goes. Always in
	 * this order, so two deletes cannot deadlock. */
	if (dlock != NULL && ilock != NULL &&
	    (st = lock_take(dlock, "dedupe of the space", o->wait, dl)) ==
		MA_OK &&
	    (st = lock_take(ilock, "index of the space", o->wait, il)) != MA_OK)
		lock_drop(dl);
	free(dlock);
	free(ilock);
	return st;
}

enum ma_status
delete_run(const struct delete_opts *o, size_t *countp, size_t *missingp)
{
	struct victims vs = {.o = o};
	struct lock dl = {.fd = -1}, il = {.fd = -1};
	struct index *ix = NULL;
	char *tspath = NULL, *archive = NULL;
	enum ma_status st;

	*countp = 0;
	*missingp = 0;
	if ((tspath = space_part_path(o->space_dir, SPACE_TOMBSTONES)) == NULL)
		return MA_ENOMEM;
	if ((st = take_locks(o, &dl, &il)) != MA_OK)
		goto out;
	if ((st = index_open(o->space_dir,
			     o->dry_run ? INDEX_READ : INDEX_WRITE, &ix)) !=
		MA_OK ||
	    (st = find_victims(o, ix, &vs, missingp)) != MA_OK)
		goto out;
	if (o->dry_run) {
		list_victims(&vs, o->out);
		*countp = vs.n;
		goto out;
	}
	if ((st = real_archive(o->space_dir, &archive)) != MA_OK)
		goto out;
	for (size_t i = 0; st == MA_OK && i < vs.n; i++)
		st = remove_one(ix, &vs.v[i], tspath, archive, o);
	if (st == MA_OK) {
		st = index_close(ix);
		ix = NULL;
		*countp = vs.n;
	}
out:
	index_close(ix);
	lock_drop(&il);
	lock_drop(&dl);
	victims_free(&vs);
	free(tspath);
	free(archive);
	return st;
}
