/*
 * mailarc watch SPACE/ACCOUNT: push. IMAP IDLE (RFC 2177) watches the one
 * folder its connection selected, so the watch keeps one connection per
 * folder the account fetches (at most WATCH_MAX_FOLDERS: servers limit
 * connections per user, Dovecot to 10 from one address by default, and
 * the fetch needs one of its own), each logged in as the fetch logs in
 * (fetch_connect()) and idling, all waited on with one poll(2). When any
 * server says its folder grew, the account goes through exactly what
 * "mailarc fetch SPACE/ACCOUNT" does (cmd_fetch(): every folder, under the
 * account's lock, waited for, so a timer's run and ours never overlap;
 * then dedupe, index and render); the connections stay in IDLE meanwhile,
 * so mail that lands during the fetch is seen after it. A connection
 * that drops is made again on its own, after a pause that doubles up to
 * WATCH_BACKOFF_MAX, while the others go on watching. SIGTERM (and
 * SIGINT, SIGHUP) ends it with exit 0 at the next safe point: a fetch
 * under way is finished first.
 *
 * Why not NOTIFY (RFC 5465), which watches many folders on one
 * connection: few servers offer it (Gmail and Microsoft 365 do not), so
 * per-folder IDLE would be needed anyway, and one way is simpler to trust.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "fetch.h"
#include "fetch_front.h"
#include "imap.h"
#include "imap_idle.h"
#include "log.h"
#include "mailarc.h"
#include "secret.h"

static const char watch_usage[] =
    "usage: mailarc watch SPACE/ACCOUNT\n"
    "\n"
    "Keep an IMAP IDLE connection to the account's server for each of\n"
    "its folders (at most 8) and fetch, dedupe, index and render as soon\n"
    "as new mail arrives in any (the account must say push = yes). Runs\n"
    "until SIGTERM.\n"
    "\n"
    "$MAILARC_TIMEOUT (seconds) overrides the connect and I/O timeouts.\n";

/* The longest pause between two attempts to reach a server that is down. */
#define WATCH_BACKOFF_MAX 300L
/* A connection that lasted this long starts the pauses afresh. */
#define WATCH_STABLE_SECS 60L
/*
 * The most folders watched, one connection each. Servers limit the
 * connections of one user (Dovecot's mail_max_userip_connections is 10 by
 * default, Gmail allows 15, Microsoft 365 about 20) and the fetch takes one
 * more: with more folders, those past the limit are fetched with the rest
 * whenever a watched folder gets mail, and by the timer.
 */
#define WATCH_MAX_FOLDERS 8
/* How long one poll(2) waits at most, so a signal is seen at once. */
#define WATCH_SLICE_MS 500

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a wait is cut short, and the loops look at
	 * "stopping" at once. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * $MAILARC_WATCH_REIDLE: seconds between two IDLEs, for tests only (a
 * test cannot wait 25 minutes to see a re-IDLE). 1 to 1740 (29 minutes,
 * RFC 2177's ceiling).
 */
static long
reidle_secs(void)
{
	const char *s = getenv("MAILARC_WATCH_REIDLE");
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return IMAP_IDLE_REIDLE_DEFAULT;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 29 * 60) {
		log_warn("ignoring MAILARC_WATCH_REIDLE '%s': give seconds, "
			 "1 to 1740",
			 s);
		return IMAP_IDLE_REIDLE_DEFAULT;
	}
	return v;
}

/* Sleep secs seconds, or less when a signal asks us to stop. */
static void
nap(long secs)
{
	for (long ms = secs * 1000; ms > 0 && !stopping; ms -= 200) {
		struct timespec ts = {0, 200L * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
}

/* "mailarc fetch SPACE/ACCOUNT", waiting for the account's lock. */
static int
run_fetch(struct ctx *c, char *ref)
{
	char *argv[] = {"fetch", ref, NULL};
	bool wait = c->wait;
	int ret;

	c->wait = true;
	ret = cmd_fetch(c, 2, argv);
	c->wait = wait;
	fflush(stdout);
	if (ret != EX_OK)
		log_warn("watch %s: the fetch failed (exit %d); watching on",
			 ref, ret);
	return ret;
}

/* Statuses that a new connection will not mend: stop and say so. */
static bool
lasting(enum ma_status st)
{
	switch (st) {
	case MA_EAUTH:
	case MA_ECONFIG:
	case MA_ETLS:
	case MA_ENOTFOUND:
	case MA_ENOMEM:
	case MA_EUSAGE:
	case MA_ENOPERM:
		return true;
	default:
		return false;
	}
}

/* One watched folder and its connection. */
struct slot {
	const char *folder; /* UTF-8; borrowed from the account or w->names */
	struct fetch_conn conn;
	struct imap_idle idle;
	bool up;	  /* logged in, the folder open, idling */
	bool gone;	  /* the folder does not exist: not watched */
	time_t began;	  /* monotonic: when it came up */
	time_t reidle_at; /* monotonic: DONE + IDLE then */
	time_t next_try;  /* monotonic, while down: the next attempt */
	long pause;	  /* the last pause between attempts */
};

struct watch {
	struct ctx *c;
	const struct space *s;
	const struct account *a;
	char *ref;
	char what[2 * KEY_MAX + 16];
	long timeout, reidle;
	struct slot *slots;
	size_t n;
	char **names; /* folder = *: the server's folders we picked (owned) */
	size_t nnames;
	bool need_fetch; /* a folder grew, or a connection (re)started */
	int ret;	 /* EX_OK while watching can go on */
};

static time_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * Log in as the fetch does and check that the server can IDLE; when it
 * cannot, say so and set w->ret (watching cannot go on).
 */
static enum ma_status
login(struct watch *w, struct fetch_conn *conn)
{
	struct buf caps;
	enum ma_status st;

	buf_init(&caps, 8192);
	st = fetch_connect(w->s, w->a, NULL, w->timeout, w->timeout, w->what,
			   conn);
	if (st == MA_OK) {
		imap_idle_keepalive(conn);
		st = imap_capabilities(conn, &caps);
	}
	if (st == MA_OK && !imap_idle_has_idle(buf_cstr(&caps))) {
		log_err("%s: the server %s does not offer IDLE (RFC 2177), so "
			"it cannot push; turn push off "
			"('mailarc account edit %s --push no') and let polling "
			"fetch it ('mailarc polling on %s')",
			w->what, w->a->host, w->ref, w->ref);
		w->ret = EX_UNAVAILABLE;
		st = MA_EPROTO;
	}
	buf_release(&caps);
	return st;
}

/* folder = *: the folders a fetch takes (imap_folder_pick()), once. */
static enum ma_status
list_all(struct watch *w)
{
	struct fetch_conn conn;
	struct imap_folder *f = NULL;
	size_t n = 0, *idx = NULL;
	enum ma_status st = login(w, &conn);

	if (st == MA_OK)
		st = imap_list_folders(&conn, &f, &n);
	if (st == MA_OK &&
	    ((idx = calloc(n + 1, sizeof *idx)) == NULL ||
	     (w->names = calloc(n + 1, sizeof *w->names)) == NULL))
		st = MA_ENOMEM;
	if (st == MA_OK) {
		size_t k = imap_folder_pick(f, n, idx);

		for (w->nnames = 0; w->nnames < k; w->nnames++) {
			w->names[w->nnames] = strdup(f[idx[w->nnames]].name);
			if (w->names[w->nnames] == NULL) {
				st = MA_ENOMEM;
				break;
			}
		}
		imap_logout(&conn);
	}
	free(idx);
	imap_folders_free(f, n);
	fetch_conn_close(&conn);
	return st;
}

/* The pause before the next attempt: 1 s, doubling to the maximum; a
 * connection that had lasted starts afresh. */
static long
next_pause(long pause, time_t began)
{
	if (mono() - began >= WATCH_STABLE_SECS)
		pause = 0;
	pause = pause == 0 ? 1 : pause * 2;
	return pause > WATCH_BACKOFF_MAX ? WATCH_BACKOFF_MAX : pause;
}

/* The folders to watch, one slot each (at most WATCH_MAX_FOLDERS). */
static enum ma_status
make_slots(struct watch *w)
{
	static const char *const inbox[] = {"INBOX"};
	const char *const *names = inbox;
	size_t n = 1;

	if (account_all_folders(w->a)) {
		names = (const char *const *)w->names;
		n = w->nnames;
	} else if (w->a->nfolders > 0) {
		names = (const char *const *)w->a->folders;
		n = w->a->nfolders;
	}
	if (n == 0) {
		log_err("%s: folder = * and the server has no folder to "
			"watch",
			w->what);
		return MA_ENOTFOUND;
	}
	if (n > WATCH_MAX_FOLDERS) {
		log_warn("%s: %zu folders; watching the first %d (one "
			 "connection each; servers limit them), the others are "
			 "fetched with them and by the timer",
			 w->what, n, WATCH_MAX_FOLDERS);
		n = WATCH_MAX_FOLDERS;
	}
	if ((w->slots = calloc(n, sizeof *w->slots)) == NULL)
		return MA_ENOMEM;
	w->n = n;
	for (size_t i = 0; i < n; i++) {
		w->slots[i].folder = names[i];
		w->slots[i].idle.c = &w->slots[i].conn;
		w->slots[i].idle.reidle_secs = w->reidle;
		w->slots[i].idle.stop = &stopping;
	}
	return MA_OK;
}

/* Mail came (fresh) in a slot's folder: the next round fetches. */
static void
noticed(struct watch *w, const struct slot *sl, bool fresh)
{
	if (!fresh)
		return;
	log_info("%s: new mail in '%s'; fetching", w->what, sl->folder);
	w->need_fetch = true;
}

/*
 * A slot's connection failed with st (or was never made): close it, and
 * try again after a pause; a folder that does not exist is left out; what
 * a new connection will not mend stops the watch.
 */
static void
slot_down(struct watch *w, struct slot *sl, enum ma_status st)
{
	size_t left = 0;

	fetch_conn_close(&sl->conn);
	sl->up = false;
	sl->idle.tag[0] = '\0';
	if (w->ret != EX_OK || stopping)
		return;
	if (st == MA_ENOTFOUND && w->n > 1) {
		sl->gone = true;
		for (size_t i = 0; i < w->n; i++)
			left += !w->slots[i].gone;
		log_err("%s: folder '%s' is not watched (%zu left)", w->what,
			sl->folder, left);
		if (left > 0)
			return;
	}
	if (lasting(st)) {
		log_err("%s: stopped watching (%s)", w->what, ma_strstatus(st));
		w->ret = ma_exitcode(st);
		return;
	}
	sl->pause = next_pause(sl->pause, sl->began);
	sl->next_try = mono() + sl->pause;
	if (w->n > 1)
		log_notice("%s: folder '%s' not connected; trying again in "
			   "%ld s",
			   w->what, sl->folder, sl->pause);
	else
		log_notice("%s: not connected; trying again in %ld s", w->what,
			   sl->pause);
}

/* Connect a slot, open its folder read-only and IDLE on it. */
static void
slot_up(struct watch *w, struct slot *sl)
{
	unsigned long uidvalidity = 0;
	bool fresh = false;
	enum ma_status st;

	sl->began = mono();
	st = login(w, &sl->conn);
	if (st == MA_OK)
		st = imap_examine(&sl->conn, sl->folder, &sl->idle.exists,
				  &uidvalidity);
	if (st == MA_OK)
		log_notice("%s: watching folder '%s' (IMAP IDLE; it holds "
			   "%lu)",
			   w->what, sl->folder, sl->idle.exists);
	if (st == MA_OK)
		st = imap_idle_begin(&sl->idle, &fresh);
	if (st != MA_OK) {
		slot_down(w, sl, st);
		return;
	}
	sl->up = true;
	sl->reidle_at = mono() + w->reidle;
	/* Whatever came while nobody watched this folder. */
	w->need_fetch = true;
}

/* Each slot that is down and due: try it now. */
static void
connect_due(struct watch *w)
{
	for (size_t i = 0; i < w->n && w->ret == EX_OK && !stopping; i++) {
		struct slot *sl = &w->slots[i];

		if (!sl->up && !sl->gone && mono() >= sl->next_try)
			slot_up(w, sl);
	}
}

/* Read what the servers sent, waiting WATCH_SLICE_MS at most. */
static void
wait_events(struct watch *w)
{
	struct pollfd pfd[WATCH_MAX_FOLDERS];
	size_t map[WATCH_MAX_FOLDERS] = {0}, k = 0;
	int ms = WATCH_SLICE_MS, r;

	for (size_t i = 0; i < w->n; i++) {
		if (!w->slots[i].up)
			continue;
		pfd[k].fd = (int)w->slots[i].conn.sock;
		pfd[k].events = POLLIN;
		pfd[k].revents = 0;
		if (imap_idle_pending(&w->slots[i].idle))
			ms = 0;
		map[k++] = i;
	}
	r = poll(pfd, (nfds_t)k, ms);
	if (r < 0 && errno != EINTR)
		log_warn("%s: poll failed: %s", w->what, strerror(errno));
	for (size_t j = 0; j < k && !stopping; j++) {
		struct slot *sl = &w->slots[map[j]];
		bool fresh = false;
		enum ma_status st;

		if ((r <= 0 || pfd[j].revents == 0) &&
		    !imap_idle_pending(&sl->idle))
			continue;
		if ((st = imap_idle_read(&sl->idle, &fresh)) != MA_OK)
			slot_down(w, sl, st);
		else
			noticed(w, sl, fresh);
	}
}

/* RFC 2177 3: DONE + IDLE on each slot whose interval is over. */
static void
renew_due(struct watch *w)
{
	for (size_t i = 0; i < w->n && !stopping; i++) {
		struct slot *sl = &w->slots[i];
		bool fresh = false;
		enum ma_status st;

		if (!sl->up || mono() < sl->reidle_at)
			continue;
		if ((st = imap_idle_renew(&sl->idle, &fresh)) != MA_OK) {
			slot_down(w, sl, st);
			continue;
		}
		sl->reidle_at = mono() + w->reidle;
		noticed(w, sl, fresh);
	}
}

/* Stop: DONE and LOGOUT on each connection that is up, then close. */
static void
close_all(struct watch *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct slot *sl = &w->slots[i];
		bool fresh = false;

		if (sl->up && imap_idle_end(&sl->idle, &fresh) == MA_OK)
			imap_logout(&sl->conn);
		if (sl->up)
			fetch_conn_close(&sl->conn);
		sl->up = false;
	}
}

/* folder = *: list the server's folders, trying again while it is down. */
static void
resolve_all(struct watch *w)
{
	long pause = 0;

	while (!stopping && w->ret == EX_OK) {
		time_t began = mono();
		enum ma_status st = list_all(w);

		if (st == MA_OK || w->ret != EX_OK)
			return;
		for (size_t i = 0; i < w->nnames; i++)
			free(w->names[i]);
		free(w->names);
		w->names = NULL;
		w->nnames = 0;
		if (lasting(st)) {
			log_err("%s: stopped watching (%s)", w->what,
				ma_strstatus(st));
			w->ret = ma_exitcode(st);
			return;
		}
		pause = next_pause(pause, began);
		log_notice("%s: not connected; trying again in %ld s", w->what,
			   pause);
		nap(pause);
	}
}

static void
watch_run(struct watch *w)
{
	enum ma_status st = MA_OK;

	if (account_all_folders(w->a))
		resolve_all(w);
	if (!stopping && w->ret == EX_OK && (st = make_slots(w)) != MA_OK)
		w->ret = ma_exitcode(st);
	while (!stopping && w->ret == EX_OK) {
		connect_due(w);
		if (w->need_fetch && !stopping && w->ret == EX_OK) {
			w->need_fetch = false;
			run_fetch(w->c, w->ref);
		}
		if (!stopping && w->ret == EX_OK)
			wait_events(w);
		if (!stopping && w->ret == EX_OK)
			renew_due(w);
	}
	close_all(w);
}

static int
watch_loop(struct ctx *c, const struct space *s, const struct account *a,
	   char *ref)
{
	struct watch w = {.c = c, .s = s, .a = a, .ref = ref, .ret = EX_OK};

	snprintf(w.what, sizeof w.what, "account %s/%s", s->key, a->key);
	w.timeout = fetch_timeout_env();
	w.reidle = reidle_secs();
	watch_run(&w);
	if (stopping)
		log_notice("%s: stopped watching (signal)", w.what);
	for (size_t i = 0; i < w.nnames; i++)
		free(w.names[i]);
	free(w.names);
	free(w.slots);
	return stopping ? EX_OK : w.ret;
}

int
cmd_watch(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct space *s = NULL;
	struct account *a = NULL;
	char *skey = NULL, *akey = NULL, *ref;
	enum ma_status st;
	int ch, ret = EX_OK;

	optind = 0; /* glibc: 0 re-initialises getopt for a new argv */
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		ret = cli_common(ch, optarg, watch_usage, &c->root_opt);
		if (ret != EX_OK)
			return ret == EX__HELP ? EX_OK
			       : ret < 0       ? EX_USAGE
					       : ret;
	}
	if (argc - optind != 1 || strchr(argv[optind], '/') == NULL) {
		fputs(watch_usage, stderr);
		return EX_USAGE;
	}
	ref = argv[optind];
	if ((st = account_parse_ref(ref, &skey, &akey)) != MA_OK)
		return ma_exitcode(st);
	if ((s = ctx_space(c, skey, &ret)) == NULL)
		goto out;
	if ((st = account_load(s, akey, &a)) != MA_OK) {
		ret = ma_exitcode(st);
		goto out;
	}
	if (!account_uses_imap(a)) {
		log_err("account '%s' uses %s: only IMAP can push (IDLE); "
			"POP3 accounts are polled ('mailarc polling on %s')",
			ref, account_protocol_name(a->protocol), ref);
		ret = EX_CONFIG;
	} else if (!a->enabled) {
		log_err("account '%s' is disabled ('mailarc account enable "
			"%s')",
			ref, ref);
		ret = EX_CONFIG;
	} else if (!a->push) {
		log_err("account '%s' has push = no; turn it on with "
			"'mailarc account edit %s --push yes --no-test'",
			ref, ref);
		ret = EX_CONFIG;
	} else if (secret_protect_process() != MA_OK) {
		ret = EX_OSERR;
	} else {
		catch_signals();
		ret = watch_loop(c, s, a, ref);
	}
out:
	account_free(a);
	space_free(s);
	free(skey);
	free(akey);
	return ret;
}
