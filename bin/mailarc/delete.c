/*
 * mailarc delete SPACE MESSAGE-ID... | --query Q: remove messages from the
 * archive and the index for good.
 *
 * Order, so that a kill at any line loses nothing and resurrects nothing:
 * the tombstone is appended and fsynced first (from then on no fetch or
 * import brings the message back), then its files are unlinked and the
 * folders synced, then the index forgets them. Killed in between, the
 * message is still found and a rerun finishes the job.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "hold.h"
#include "index.h"
#include "lock.h"
#include "log.h"
#include "mailarc.h"
#include "msg.h"
#include "path.h"
#include "tombstone.h"
#include "space.h"

static const char delete_usage[] =
    "usage: mailarc delete SPACE [--dry-run] MESSAGE-ID...\n"
    "       mailarc delete SPACE [--dry-run] --query QUERY\n"
    "\n"
    "Remove messages from the space's archive, index and site, and\n"
    "tombstone them so that no later fetch or import brings them back.\n"
    "--dry-run lists what would go.\n";

struct victim {
	char *message_id, *thread_id;
	char **files;
	size_t nfiles;
};

struct victims {
	struct victim *v;
	size_t n, cap;
	enum ma_status st;
	const char *archive; /* files must be under it */
};

static int
collect(const struct index_hit *h, void *arg)
{
	struct victims *vs = arg;
	struct victim *v;

	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].message_id, h->message_id) == 0)
			return 0;
	if (vs->n == vs->cap) {
		size_t ncap = vs->cap ? vs->cap * 2 : 16;
		struct victim *nv = realloc(vs->v, ncap * sizeof *nv);

		if (nv == NULL)
			goto nomem;
		vs->v = nv;
		vs->cap = ncap;
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
	   const char *archive)
{
	char identity[MSG_IDENTITY_LEN + 1];
	size_t alen = strlen(archive);
	enum ma_status st;

	identity_of(v, identity);
	st = tombstone_append(tspath, time(NULL), v->message_id, v->thread_id,
			      identity);
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
			return errno_status(errno);
		}
		if ((st = fsync_parent(f)) != MA_OK)
			return st;
	}
	for (size_t i = 0; i < v->nfiles; i++)
		if ((st = index_remove(ix, v->files[i])) != MA_OK)
			return st;
	printf("deleted %s\n", v->message_id);
	return MA_OK;
}

/* The audit line: a query that names an address is recorded by its hash
 * (the log never holds a plain address). */
static enum ma_status
audit_delete(const struct space *s, const char *query, size_t n)
{
	char user[64], detail[AUDIT_HASH_LEN + 16];
	const char *d = "by Message-ID";

	if (query != NULL && strchr(query, '@') != NULL) {
		char h[AUDIT_HASH_LEN + 1];

		audit_addr_hash(query, h);
		int k = snprintf(detail, sizeof detail, "query %s", h);

		if (k < 0 || (size_t)k >= sizeof detail)
			return MA_ETOOBIG;
		d = detail;
	} else if (query != NULL) {
		d = query;
	}
	privacy_user(s, user, sizeof user);
	return audit_append(s->dir, privacy_now(), user, "delete", n, d);
}

static int
parse(struct ctx *c, int argc, char **argv, bool *dry, const char **query)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"dry-run", no_argument, NULL, 'n'},
	    {"query", required_argument, NULL, 'Q'},
	    {NULL, 0, NULL, 0},
	};
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "n", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'n':
			*dry = true;
			break;
		case 'Q':
			*query = optarg;
			break;
		default:
			ret =
			    cli_common(ch, optarg, delete_usage, &c->root_opt);
			if (ret != EX_OK)
				return ret < 0 ? EX_USAGE : ret;
		}
	}
	if (argc - optind < 1 || (*query == NULL) == (argc - optind == 1)) {
		fputs(delete_usage, stderr);
		return EX_USAGE;
	}
	return EX_OK;
}

int
cmd_delete(struct ctx *c, int argc, char **argv)
{
	struct victims vs = {0};
	struct lock dl = {.fd = -1}, il = {.fd = -1};
	struct index *ix = NULL;
	const char *query = NULL;
	char *dlock = NULL, *ilock = NULL, *tspath = NULL, *archive = NULL;
	struct space *s;
	enum ma_status st = MA_OK;
	bool dry = false;
	int ret;

	if ((ret = parse(c, argc, argv, &dry, &query)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	if (!dry && (st = hold_refuse(s->dir, s->key, "delete")) != MA_OK)
		goto out;
	dlock = space_lock_path(s->dir, SPACE_STAGE_DEDUPE);
	ilock = space_lock_path(s->dir, SPACE_STAGE_INDEX);
	tspath = path_fmt("%s/tombstones", s->dir);
	if (dlock == NULL || ilock == NULL || tspath == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	/* Both stages stand still: dedupe must see the tombstone before
	 * its next decision, index must not re-add what goes. Always in
	 * this order, so two deletes cannot deadlock. */
	if ((st = space_ensure_layout(s)) != MA_OK ||
	    (st = lock_take(dlock, "dedupe of the space", c->wait, &dl)) !=
		MA_OK ||
	    (st = lock_take(ilock, "index of the space", c->wait, &il)) !=
		MA_OK)
		goto out;
	if ((st = index_open(s->dir, dry ? INDEX_READ : INDEX_WRITE, &ix)) !=
	    MA_OK)
		goto out;
	if (query != NULL) {
		st = index_query(ix, query, collect, &vs);
		if (st == MA_OK && vs.n == 0)
			log_notice("no message matches '%s'", query);
	} else {
		for (int i = optind + 1; st == MA_OK && i < argc; i++) {
			st = index_find(ix, argv[i], collect, &vs);
			if (st == MA_ENOTFOUND) {
				log_err("no message '%s' in space '%s'",
					argv[i], s->key);
				ret = EX_DATAERR;
				st = MA_OK;
			}
		}
	}
	if (st == MA_OK)
		st = vs.st;
	if (st != MA_OK)
		goto out;
	if (dry) {
		for (size_t i = 0; i < vs.n; i++)
			for (size_t k = 0; k < vs.v[i].nfiles; k++)
				printf("would delete %s\tthread:%s\t%s\n",
				       vs.v[i].message_id, vs.v[i].thread_id,
				       vs.v[i].files[k]);
		goto out;
	}
	{
		char *real = realpath(s->dir, NULL);

		if (real == NULL ||
		    (archive = space_part_path(real, SPACE_ARCHIVE)) == NULL) {
			free(real);
			st = MA_EIO;
			goto out;
		}
		free(real);
	}
	for (size_t i = 0; st == MA_OK && i < vs.n; i++)
		st = remove_one(ix, &vs.v[i], tspath, archive);
	if (st == MA_OK) {
		st = index_close(ix);
		ix = NULL;
	}
	if (st == MA_OK && vs.n > 0)
		st = audit_delete(s, query, vs.n);
	lock_drop(&il);
	lock_drop(&dl);
	if (st == MA_OK && vs.n > 0 && stage_built("mailarc-render")) {
		const char *const args[] = {s->key, NULL};

		ret = ma_worse(ret, run_stage(c, "mailarc-render", args, true));
	}
out:
	index_close(ix);
	lock_drop(&il);
	lock_drop(&dl);
	victims_free(&vs);
	free(dlock);
	free(ilock);
	free(tspath);
	free(archive);
	space_free(s);
	if (st != MA_OK)
		return ma_exitcode(st);
	return ret;
}
