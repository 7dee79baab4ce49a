/*
 * mailarc-fetch's driver: lock the account, open its delivery sink
 * (fetch_sink.c), connect (fetch_conn.c, with the password or an OAuth 2.0
 * token), and hand over to imap.c or pop3.c, which feed the sink. What is
 * committed is made durable and recorded here even when the session broke
 * off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "fetch_sink.h"
#include "imap.h"
#include "lock.h"
#include "log.h"
#include "oauth.h"
#include "path.h"
#include "pop3.h"
#include "space.h"
#include "utc.h"

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
	    .proxy = a->proxy,
	    .connect_timeout =
		connect_timeout > 0 ? connect_timeout : FETCH_CONNECT_TIMEOUT,
	    .io_timeout = io_timeout > 0 ? io_timeout : FETCH_IO_TIMEOUT,
	};
	struct secret sec = {0};
	enum ma_status st;

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

/* What a spent fetch_budget left, and when the next run goes on. */
static void
log_budget(const struct fetch_sink *k, const char *what,
	   unsigned long long budget)
{
	time_t resume = fetch_sink_budget_resume(k);
	long waiting = k->budget_skipped ? k->st->sum.waiting : k->waiting;
	unsigned long long bytes =
	    k->budget_skipped ? k->st->sum.waiting_bytes : k->waiting_bytes;
	char when[UTC_TIME_MAX];

	utc_format(resume, when, sizeof when);
	log_notice("%s: fetch budget of %.1f MiB a day spent (%.1f MiB taken "
		   "since the day began); %ld messages (%.1f MiB) wait for a "
		   "run after %s, oldest first",
		   what, (double)budget / 1048576.0,
		   (double)k->st->sum.budget_used / 1048576.0, waiting,
		   (double)bytes / 1048576.0, when);
}

enum ma_status
fetch_account(const struct space *s, const struct account *a,
	      const struct fetch_opts *o, long *countp)
{
	struct fetch_sink k = {.delivered = o->delivered,
			       .batch_done = o->batch_done,
			       .arg = o->arg};
	struct fetch_conn conn = {0};
	struct lock lk = {.fd = -1};
	char what[KEY_MAX * 2 + 16];
	char *incoming = NULL, *state_file = NULL, *lock_path = NULL;
	time_t started = time(NULL);
	enum ma_status st, st2;

	snprintf(what, sizeof what, "account %s/%s", s->key, a->key);
	if (countp != NULL)
		*countp = 0;
	if ((st = space_ensure_layout(s)) != MA_OK)
		return st;
	/* Each account delivers into its own Maildir++ sub-folder of
	 * incoming/, which is how dedupe and index learn the source account
	 * (the account: tag). */
	incoming = space_source_dir(s->dir, a->key);
	state_file = state_path(s, a->key);
	lock_path = space_account_file(s->dir, a->key, "lock");
	if (incoming == NULL || state_file == NULL || lock_path == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = lock_take(lock_path, what, o->wait, &lk)) != MA_OK)
		goto out;
	if ((st = fetch_sink_open(&k, what, incoming, state_file)) != MA_OK)
		goto unlock;
	fetch_sink_budget_start(&k, a->fetch_budget, started);
	if (fetch_sink_budget_spent(&k)) {
		/* Not even a connection: the provider counts those too. */
		k.budget_skipped = true;
		log_budget(&k, what, a->fetch_budget);
		fetch_sink_record_run(&k, started, MA_OK, NULL);
		goto unlock;
	}
	st = fetch_connect(s, a, NULL, o->connect_timeout, o->io_timeout, what,
			   &conn);
	if (st == MA_OK)
		st = account_uses_imap(a) ? imap_run(&conn, a, &k)
					  : pop3_run(&conn, a, &k);
	fetch_sink_abort(&k);
	/* What was committed is made durable and recorded even when the
	 * session broke off. */
	st2 = fetch_sink_flush(&k);
	if (st == MA_OK)
		st = st2;
	progress_end(&k.prog);
	if (st == MA_OK)
		log_info("%s: %ld new messages", what, k.count);
	if (k.waiting > 0)
		log_budget(&k, what, a->fetch_budget);
	fetch_sink_record_run(&k, started, st, conn.error);
	fetch_conn_close(&conn);
unlock:
	fetch_sink_close(&k);
	lock_drop(&lk);
out:
	if (countp != NULL)
		*countp = k.count;
	free(incoming);
	free(state_file);
	free(lock_path);
	return st;
}
