/*
 * mailarc-fetch's engine: lock, connect, hand over to imap.c or pop3.c,
 * and the delivery path they share. The rule throughout (DESIGN.md,
 * "Nothing is lost"): a message is recorded as taken, or deleted on the
 * server, only after its copy in incoming/ is durable; durability is
 * batched by fetch_flush(), never skipped.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "lock.h"
#include "log.h"
#include "oauth.h"
#include "path.h"

/* A batch: this many messages or bytes between two fsyncs of new/. */
#define FLUSH_MESSAGES 256
#define FLUSH_BYTES    (64u << 20)

static void
curl_init_once(void)
{
	static bool done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = true;
	}
}

enum ma_status
fetch_connect(const struct space *s, const struct account *a,
	      const struct secret *pw, long connect_timeout, long io_timeout,
	      const char *what, struct fetch_conn *c)
{
	struct fetch_conn_params p = {
	    .what = what,
	    .protocol = a->protocol,
	    .host = a->host,
	    .port = a->port,
	    .username = a->username,
	    .tls_required = a->tls_required || a->oauth2,
	    .tls_verify = a->tls_verify,
	    .ca_file = a->ca_file,
	    .connect_timeout =
		connect_timeout > 0 ? connect_timeout : FETCH_CONNECT_TIMEOUT,
	    .io_timeout = io_timeout > 0 ? io_timeout : FETCH_IO_TIMEOUT,
	};
	struct secret sec = {0};
	enum ma_status st;

	curl_init_once();
	memset(c, 0, sizeof *c);
	if (a->tls_plain)
		log_warn("%s: tls = none: the password goes to %s in plain "
			 "text",
			 what, a->host);
	if (!a->tls_verify)
		log_warn("%s: TLS certificate verification is off "
			 "(tls_verify = no): the server is not authenticated",
			 what);
	if (a->oauth2) {
		for (int attempt = 0; attempt < 2; attempt++) {
			st = oauth_access_token(s, a, attempt > 0, &sec);
			if (st != MA_OK) {
				snprintf(c->error, sizeof c->error,
					 "login failed: no OAuth 2.0 access "
					 "token (%s)",
					 ma_strstatus(st));
				c->step = FETCH_STEP_LOGIN;
				return st;
			}
			p.bearer = sec.data;
			if (attempt > 0)
				fetch_conn_close(c);
			st = fetch_conn_open(c, &p);
			secret_wipe(&sec);
			p.bearer = NULL;
			/* A cached token may have been revoked before its
			 * expiry: refresh once and retry once. */
			if (st != MA_EAUTH)
				break;
			if (attempt == 0)
				log_notice("%s: the server refused the cached "
					   "access token; refreshing it",
					   what);
		}
		return st;
	}
	if (pw == NULL) {
		if ((st = account_secret(a, &sec)) != MA_OK) {
			snprintf(c->error, sizeof c->error,
				 "login failed: cannot read the password");
			c->step = FETCH_STEP_LOGIN;
			return st;
		}
		pw = &sec;
	}
	p.password = pw->data;
	st = fetch_conn_open(c, &p);
	secret_wipe(&sec);
	return st;
}

enum ma_status
fetch_msg_begin(struct fetch_run *r)
{
	enum ma_status st = maildir_tmp_open(r->incoming, &r->tmp);

	if (st == MA_OK)
		r->tmp_open = true;
	return st;
}

enum ma_status
fetch_msg_write(struct fetch_run *r, const void *p, size_t n)
{
	return maildir_tmp_write(&r->tmp, p, n);
}

void
fetch_msg_abort(struct fetch_run *r)
{
	if (r->tmp_open)
		maildir_tmp_abort(&r->tmp);
	r->tmp_open = false;
}

enum ma_status
fetch_msg_commit(struct fetch_run *r, struct state_folder *folder, uint32_t uid,
		 const char *uidl)
{
	struct fetch_pending *p;
	size_t size = r->tmp.size;
	enum ma_status st;
	char *path = NULL;

	p = realloc(r->pending, (r->npending + 1) * sizeof *p);
	if (p == NULL) {
		fetch_msg_abort(r);
		return MA_ENOMEM;
	}
	r->pending = p;
	p = &r->pending[r->npending];
	memset(p, 0, sizeof *p);
	if (uidl != NULL && (p->uidl = strdup(uidl)) == NULL) {
		fetch_msg_abort(r);
		return MA_ENOMEM;
	}
	r->tmp_open = false;
	if ((st = maildir_tmp_commit(&r->tmp, false, &path)) != MA_OK) {
		free(p->uidl);
		return st;
	}
	p->path = path;
	p->folder = folder;
	p->uid = uid;
	r->npending++;
	r->pending_bytes += size;
	r->count++;
	progress_add(&r->prog, 1, 0);
	if (r->npending >= FLUSH_MESSAGES || r->pending_bytes >= FLUSH_BYTES)
		return fetch_flush(r);
	return MA_OK;
}

enum ma_status
fetch_flush(struct fetch_run *r)
{
	enum ma_status st = MA_OK;

	if (r->npending == 0)
		return MA_OK;
	/* 1. The messages are durable ... */
	if ((st = maildir_sync(r->incoming)) != MA_OK)
		goto out;
	/* 2. ... then they are recorded as taken ... */
	for (size_t i = 0; i < r->npending && st == MA_OK; i++) {
		struct fetch_pending *p = &r->pending[i];

		if (p->folder != NULL)
			st = state_add_uid(p->folder, p->uid);
		else if (p->uidl != NULL)
			st = state_add_uidl(r->st, p->uidl);
	}
	if (st == MA_OK)
		st = state_save(r->st, r->state_path);
	/* 3. ... and passed on. A message not recorded is still in the
	 * spool; it may be fetched again, and dedupe drops the repeat. */
	for (size_t i = 0; i < r->npending; i++)
		if (r->o->delivered != NULL)
			r->o->delivered(r->pending[i].path, r->o->arg);
out:
	for (size_t i = 0; i < r->npending; i++) {
		free(r->pending[i].path);
		free(r->pending[i].uidl);
	}
	r->npending = 0;
	r->pending_bytes = 0;
	return st;
}

/* Write the run's summary into the state, whatever happened. */
static void
record_run(struct fetch_run *r, time_t started, enum ma_status st)
{
	struct state_summary *sum = &r->st->sum;

	sum->last_run = started;
	sum->last_count = r->count;
	if (st == MA_OK) {
		sum->last_success = time(NULL);
		sum->last_error[0] = '\0';
	} else if (r->conn.error[0] != '\0') {
		snprintf(sum->last_error, sizeof sum->last_error, "%s",
			 r->conn.error);
	} else {
		snprintf(sum->last_error, sizeof sum->last_error, "%s",
			 ma_strstatus(st));
	}
	state_save(r->st, r->state_path);
}

enum ma_status
fetch_account(const struct space *s, const struct account *a,
	      const struct fetch_opts *o, long *countp)
{
	struct fetch_run r = {.s = s, .a = a, .o = o};
	struct lock lk = {.fd = -1};
	char what[KEY_MAX * 2 + 16], *lock_path = NULL;
	time_t started = time(NULL);
	enum ma_status st, st2;

	snprintf(what, sizeof what, "account %s/%s", s->key, a->key);
	r.what = what;
	if (countp != NULL)
		*countp = 0;
	if ((st = space_ensure_layout(s)) != MA_OK)
		return st;
	/* Each account delivers into its own Maildir++ sub-folder of
	 * incoming/, which is how dedupe and index learn the source account
	 * (the account: tag). */
	r.incoming = path_fmt("%s/incoming/.%s", s->dir, a->key);
	r.state_path = state_path(s, a->key);
	lock_path = path_fmt("%s/state/%s.lock", s->dir, a->key);
	if (r.incoming == NULL || r.state_path == NULL || lock_path == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = lock_take(lock_path, what, o->wait, &lk)) != MA_OK)
		goto out;
	if ((st = maildir_create(r.incoming)) != MA_OK)
		goto unlock;
	/* Messages whose writer died before commit are still on the server. */
	maildir_clean_tmp(r.incoming, 36 * 3600);
	if ((st = state_load(r.state_path, &r.st)) != MA_OK)
		goto unlock;
	st = fetch_connect(s, a, NULL, o->connect_timeout, o->io_timeout, what,
			   &r.conn);
	if (st == MA_OK)
		st = account_uses_imap(a) ? imap_run(&r) : pop3_run(&r);
	fetch_msg_abort(&r);
	/* What was committed is made durable and recorded even when the
	 * session broke off. */
	st2 = fetch_flush(&r);
	if (st == MA_OK)
		st = st2;
	progress_end(&r.prog);
	if (st == MA_OK)
		log_info("%s: %ld new messages", what, r.count);
	record_run(&r, started, st);
	fetch_conn_close(&r.conn);
	state_free(r.st);
unlock:
	lock_drop(&lk);
out:
	if (countp != NULL)
		*countp = r.count;
	free(r.pending);
	free(r.incoming);
	free(r.state_path);
	free(lock_path);
	return st;
}
