/*
 * mailarc watch SPACE/ACCOUNT: push. One IMAP connection, logged in as the
 * fetch logs in (fetch_connect()), sits in IDLE (RFC 2177) on the
 * account's first folder; when the server says the folder grew, the
 * account goes through exactly what "mailarc fetch SPACE/ACCOUNT" does
 * (cmd_fetch(): the account's lock, waited for, so a timer's run and
 * ours never overlap; then dedupe, index and render), and the connection
 * goes back to IDLE. A dropped connection is made again after a pause
 * that doubles up to WATCH_BACKOFF_MAX. SIGTERM (and SIGINT, SIGHUP) ends
 * it with exit 0 at the next safe point: a fetch under way is finished
 * first.
 */
#include <errno.h>
#include <getopt.h>
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
    "Keep an IMAP IDLE connection to the account's server and fetch,\n"
    "dedupe, index and render as soon as new mail arrives (the account\n"
    "must say push = yes). Runs until SIGTERM.\n"
    "\n"
    "$MAILARC_TIMEOUT (seconds) overrides the connect and I/O timeouts.\n";

/* The longest pause between two attempts to reach a server that is down. */
#define WATCH_BACKOFF_MAX 300L
/* A connection that lasted this long starts the pauses afresh. */
#define WATCH_STABLE_SECS 60L

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

/* The folder to IDLE on: the first one the account fetches. */
static const char *
watch_folder(const struct account *a)
{
	if (a->nfolders == 0 || strcmp(a->folders[0], "*") == 0)
		return "INBOX";
	return a->folders[0];
}

/*
 * One connection: log in, check IDLE, open the folder, fetch what came
 * while nobody watched, then IDLE and fetch until the connection breaks
 * or we are asked to stop. *exitp is set when watching cannot go on.
 */
static enum ma_status
watch_once(struct ctx *c, const struct space *s, const struct account *a,
	   char *ref, const char *what, int *exitp)
{
	struct fetch_conn conn;
	struct imap_idle idle = {
	    .c = &conn, .reidle_secs = reidle_secs(), .stop = &stopping};
	struct buf caps;
	unsigned long uidvalidity = 0;
	long timeout = fetch_timeout_env();
	const char *folder = watch_folder(a);
	enum ma_status st;
	bool fresh;

	buf_init(&caps, 8192);
	st = fetch_connect(s, a, NULL, timeout, timeout, what, &conn);
	if (st == MA_OK) {
		imap_idle_keepalive(&conn);
		st = imap_capabilities(&conn, &caps);
	}
	if (st == MA_OK && !imap_idle_has_idle(buf_cstr(&caps))) {
		log_err("%s: the server %s does not offer IDLE (RFC 2177), so "
			"it cannot push; turn push off "
			"('mailarc account edit %s --push no') and let polling "
			"fetch it ('mailarc polling on %s')",
			what, a->host, ref, ref);
		*exitp = EX_UNAVAILABLE;
		goto out;
	}
	if (st == MA_OK)
		st = imap_examine(&conn, folder, &idle.exists, &uidvalidity);
	if (st != MA_OK)
		goto out;
	log_notice("%s: watching folder '%s' (IMAP IDLE; it holds %lu)", what,
		   folder, idle.exists);
	/* Whatever came while nobody watched. */
	run_fetch(c, ref);
	while (!stopping) {
		if ((st = imap_idle_wait(&idle, &fresh)) != MA_OK || !fresh)
			break;
		log_info("%s: new mail in '%s'; fetching", what, folder);
		run_fetch(c, ref);
	}
	if (st == MA_OK)
		imap_logout(&conn);
out:
	fetch_conn_close(&conn);
	buf_release(&caps);
	return st;
}

static int
watch_loop(struct ctx *c, const struct space *s, const struct account *a,
	   char *ref)
{
	char what[2 * KEY_MAX + 16];
	long pause = 0;
	int ret = EX_OK;

	snprintf(what, sizeof what, "account %s/%s", s->key, a->key);
	while (!stopping && ret == EX_OK) {
		time_t began = time(NULL);
		enum ma_status st = watch_once(c, s, a, ref, what, &ret);

		if (ret != EX_OK || stopping)
			break;
		if (lasting(st)) {
			log_err("%s: stopped watching (%s)", what,
				ma_strstatus(st));
			ret = ma_exitcode(st);
			break;
		}
		if (time(NULL) - began >= WATCH_STABLE_SECS)
			pause = 0;
		pause = pause == 0 ? 1 : pause * 2;
		if (pause > WATCH_BACKOFF_MAX)
			pause = WATCH_BACKOFF_MAX;
		log_notice("%s: not connected; trying again in %ld s", what,
			   pause);
		nap(pause);
	}
	if (stopping)
		log_notice("%s: stopped watching (signal)", what);
	return ret;
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
