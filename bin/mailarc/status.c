/*
 * mailarc status [SPACE]... [--json]: for each space and account, what an
 * administrator checks first: enabled, polling, last and next run, what
 * the last run fetched, its error, archive size, site freshness, OAuth
 * token expiry and, under systemd, the state of each account's timer.
 * Read-only: it takes no lock and changes nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include "json_out.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "cli.h"
#include "dedupe.h"
#include "log.h"
#include "mailarc.h"
#include "oauth.h"
#include "polling.h"
#include "path.h"
#include "state.h"
#include "utc.h"

static const char status_usage[] =
    "usage: mailarc status [SPACE]... [--json]\n";

/*
 * Configuration values and server messages are bytes, JSON strings are
 * UTF-8: what is not valid UTF-8 is kept with every non-ASCII byte as
 * U+FFFD, rather than dropping the key (json_out_str() returns NULL).
 */
static struct json_out *
jstr(const char *v)
{
	struct json_out *j;
	struct buf b;

	if (v == NULL || (j = json_out_str(v)) != NULL)
		return v == NULL ? json_out_str("") : j;
	buf_init(&b, 4 * strlen(v) + 1);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x80 ? buf_addc(&b, (char)*p)
			      : buf_adds(&b, "\xef\xbf\xbd"))
			break;
	j = json_out_str(buf_cstr(&b));
	buf_release(&b);
	return j != NULL ? j : json_out_str("");
}

/* Text for a terminal: control characters (a server's message may carry
 * any) are shown as '?'. */
static void
print_safe(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

struct maildir_size {
	long long messages;
	long long bytes;
};

/* Messages and bytes in the new/ and cur/ of one Maildir folder. */
static void
folder_size(const char *dir, struct maildir_size *ms)
{
	static const char *const subs[] = {"new", "cur"};

	for (size_t i = 0; i < 2; i++) {
		char *p = path_fmt("%s/%s", dir, subs[i]);
		struct dirent *de;
		DIR *d;

		if (p == NULL || (d = opendir(p)) == NULL) {
			free(p);
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			struct stat st;

			if (de->d_name[0] == '.')
				continue;
			ms->messages++;
			if (fstatat(dirfd(d), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) == 0)
				ms->bytes += st.st_size;
		}
		closedir(d);
		free(p);
	}
}

/*
 * Messages and bytes in a Maildir of the space, with its Maildir++
 * sub-folders (".NAME/", one level, as dedupe reads incoming/.ACCOUNT/).
 */
static void
maildir_size(const struct space *s, enum space_part maildir,
	     struct maildir_size *ms)
{
	char *top = space_part_path(s->dir, maildir);
	struct dirent *de;
	DIR *d;

	ms->messages = 0;
	ms->bytes = 0;
	if (top == NULL)
		return;
	folder_size(top, ms);
	if ((d = opendir(top)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *sub;

			if (de->d_name[0] != '.' ||
			    strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if ((sub = path_fmt("%s/%s", top, de->d_name)) != NULL)
				folder_size(sub, ms);
			free(sub);
		}
		closedir(d);
	}
	free(top);
}

/* When the site was last published: the mtime of its front page. */
static time_t
site_updated(const struct space *s)
{
	char *p = path_fmt("%s/index.html", s->site_dir);
	struct stat st;
	time_t t = 0;

	if (p != NULL && stat(p, &st) == 0)
		t = st.st_mtime;
	free(p);
	return t;
}

/*
 * What systemd says of an account's timer (only when systemd runs):
 * "systemctl show" of every timer of a space at once.
 */
struct timer_info {
	bool known;
	char file_state[32]; /* UnitFileState: enabled, disabled, ... */
	char active[32];     /* ActiveState: active (waiting), inactive */
	time_t next;	     /* NextElapseUSecRealtime; 0: none */
};

/* Cap on what we read from systemctl: a few lines per timer. */
#define TIMERS_OUTPUT_MAX (1024 * 1024)

/* Run argv, its stdout into out (capped), stderr to /dev/null. */
static bool
capture(const char *const argv[], struct buf *out)
{
	const struct child ch = {.file = argv[0],
				 .argv = (char *const *)argv,
				 .exec_fail_code = EX_UNAVAILABLE,
				 .name = argv[0],
				 .stderr_devnull = true};

	return child_capture(&ch, out) == MA_OK;
}

/* One "KEY=VALUE" line of "systemctl show" into cur (and id). */
static void
timer_field(char *line, char *id, size_t idsize, struct timer_info *cur)
{
	char *eq = strchr(line, '='), *end;
	long long t;

	if (eq == NULL)
		return;
	*eq++ = '\0';
	if (strcmp(line, "Id") == 0) {
		snprintf(id, idsize, "%s", eq);
	} else if (strcmp(line, "UnitFileState") == 0) {
		snprintf(cur->file_state, sizeof cur->file_state, "%s", eq);
	} else if (strcmp(line, "ActiveState") == 0) {
		snprintf(cur->active, sizeof cur->active, "%s", eq);
	} else if (strcmp(line, "NextElapseUSecRealtime") == 0 &&
		   eq[0] == '@') {
		/* --timestamp=unix: "@SECONDS"; empty when not scheduled. */
		errno = 0;
		t = strtoll(eq + 1, &end, 10);
		if (errno == 0 && end != eq + 1 && *end == '\0' && t > 0)
			cur->next = (time_t)t;
	}
}

/* The block just read belongs to the unit named by its Id=. */
static void
timer_block(const char *id, const struct timer_info *cur, char *const *units,
	    size_t n, struct timer_info *info)
{
	for (size_t i = 0; id[0] != '\0' && i < n; i++) {
		if (strcmp(units[i], id) != 0)
			continue;
		info[i] = *cur;
		info[i].known = true;
	}
}

/* Parse "systemctl show" output: blocks of KEY=VALUE lines separated by
 * blank lines, one per unit, each with its Id=. */
static void
timers_parse(char *text, char *const *units, size_t n, struct timer_info *info)
{
	struct timer_info cur = {0};
	char id[256] = "";

	for (char *line = text, *next; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] != '\0') {
			timer_field(line, id, sizeof id, &cur);
			continue;
		}
		timer_block(id, &cur, units, n, info);
		memset(&cur, 0, sizeof cur);
		id[0] = '\0';
	}
	timer_block(id, &cur, units, n, info);
}

/* Ask systemd about the timers; info[] stays unknown when it cannot. */
static void
timers_query(char *const *units, size_t n, struct timer_info *info)
{
	const char *argv[64 + 6];
	struct buf out;

	for (size_t done = 0; done < n;) {
		size_t k = 0, batch = n - done < 64 ? n - done : 64;

		argv[k++] = "systemctl";
		argv[k++] = "show";
		argv[k++] = "--timestamp=unix";
		argv[k++] = "--property=Id,UnitFileState,ActiveState,"
			    "NextElapseUSecRealtime";
		argv[k++] = "--";
		for (size_t i = 0; i < batch; i++)
			argv[k++] = units[done + i];
		argv[k] = NULL;
		buf_init(&out, TIMERS_OUTPUT_MAX);
		if (!capture(argv, &out))
			log_warn("cannot ask systemctl about the timers; "
				 "their state is not shown");
		else if (out.data != NULL)
			timers_parse(out.data, units + done, batch,
				     info + done);
		buf_release(&out);
		done += batch;
	}
}

/* What the status of one account is made of. */
struct account_status {
	bool have_state;
	struct state_summary sum;
	bool effective;	 /* polls: enabled, polling on in it and its space */
	time_t next_run; /* 0 when it does not poll */
	bool have_oauth;
	struct oauth_info oauth;
	char timer[256];
	struct timer_info ti; /* known only when systemd runs */
	char watch[256];      /* push = yes: mailarc-watch@INSTANCE.service */
	struct timer_info wi; /* its state, known only when systemd runs */
	/* fetch_budget: bytes left now, and when the day's window ends (0:
	 * no window open, the whole budget is there). */
	unsigned long long budget_left;
	time_t budget_until;
};

/* "mailarc-watch@INSTANCE.service", the push unit of an account (the
 * unit "mailarc polling on" enables beside the timer); false: too long. */
static bool
watch_unit_name(const char *space, const char *account, char *buf, size_t size)
{
	char unit[256];
	int n;

	if (!polling_unit_name(space, account, "service", unit, sizeof unit))
		return false;
	n = snprintf(buf, size, "%s%s", WATCH_UNIT_PREFIX,
		     unit + strlen(POLL_UNIT_PREFIX));
	return n >= 0 && (size_t)n < size;
}

static void
account_status_get(const struct space *s, const struct account *a, time_t now,
		   const struct timer_info *ti, const struct timer_info *wi,
		   struct account_status *as)
{
	memset(as, 0, sizeof *as);
	if (ti != NULL)
		as->ti = *ti;
	if (wi != NULL && a->push)
		as->wi = *wi;
	if (!a->push ||
	    !watch_unit_name(s->key, a->key, as->watch, sizeof as->watch))
		as->watch[0] = '\0';
	as->have_state = state_summary_load(s, a->key, &as->sum) == MA_OK;
	as->effective = polling_effective(s, a);
	/* fetch --due runs an account once poll_interval has passed since
	 * its last run; the timer's next tick after that starts it. */
	if (as->effective)
		as->next_run = as->have_state && as->sum.last_run > 0
				   ? as->sum.last_run + a->poll_interval
				   : now;
	if (as->effective && as->next_run < now)
		as->next_run = now;
	if (a->oauth2)
		as->have_oauth = oauth_token_info(s, a, &as->oauth) == MA_OK;
	as->budget_left = a->fetch_budget;
	if (a->fetch_budget > 0 && as->have_state &&
	    as->sum.budget_start != 0 &&
	    now - as->sum.budget_start < 24 * 60 * 60) {
		as->budget_until = as->sum.budget_start + 24 * 60 * 60;
		as->budget_left = as->sum.budget_used >= a->fetch_budget
				      ? 0
				      : a->fetch_budget - as->sum.budget_used;
	}
	if (!polling_unit_name(s->key, a->key, "timer", as->timer,
			       sizeof as->timer))
		as->timer[0] = '\0';
}

/* The account's fetch_budget and how much of it is left; null when off. */
static struct json_out *
budget_json(const struct account *a, const struct account_status *as)
{
	struct json_out *t;

	if (a->fetch_budget == 0)
		return json_out_null();
	t = json_out_object();
	json_out_set(t, "bytes_per_day",
		     json_out_int((long long)a->fetch_budget));
	json_out_set(t, "bytes_left", json_out_int((long long)as->budget_left));
	json_out_set(t, "window_ends", json_out_time(as->budget_until));
	json_out_set(t, "waiting_messages",
		     json_out_int(as->have_state ? as->sum.waiting : 0));
	json_out_set(t, "waiting_bytes",
		     json_out_int(as->have_state
				      ? (long long)as->sum.waiting_bytes
				      : 0));
	return t;
}

/* When the OAuth tokens expire or were last used; null for a password. */
static struct json_out *
oauth_json(const struct account *a, const struct account_status *as)
{
	struct json_out *t;

	if (!a->oauth2)
		return json_out_null();
	t = json_out_object();
	json_out_set(
	    t, "access_expires",
	    json_out_time(as->have_oauth ? as->oauth.access_expires : 0));
	json_out_set(
	    t, "refresh_last_used",
	    json_out_time(as->have_oauth ? as->oauth.refresh_last_used : 0));
	return t;
}

static struct json_out *
account_json(const struct account *a, const struct account_status *as)
{
	struct json_out *o = json_out_object();

	json_out_set(o, "key", jstr(a->key));
	json_out_set(o, "name", jstr(a->name));
	json_out_set(o, "protocol",
		     json_out_str(account_protocol_name(a->protocol)));
	json_out_set(o, "host", jstr(a->host));
	json_out_set(o, "tls",
		     json_out_str(a->tls_plain		    ? "none"
				  : account_implicit_tls(a) ? "implicit"
							    : "starttls"));
	json_out_set(o, "enabled", json_out_bool(a->enabled));
	json_out_set(o, "polling", json_out_bool(as->effective));
	json_out_set(o, "polling_setting", json_out_bool(a->polling));
	json_out_set(o, "poll_interval", json_out_int(a->poll_interval));
	json_out_set(o, "on_server",
		     json_out_str(a->delete_on_server ? "delete" : "keep"));
	json_out_set(o, "timer", json_out_str(as->timer));
	if (as->ti.known) {
		struct json_out *t = json_out_object();

		json_out_set(t, "unit_file_state", jstr(as->ti.file_state));
		json_out_set(t, "active_state", jstr(as->ti.active));
		json_out_set(t, "next_elapse", json_out_time(as->ti.next));
		json_out_set(o, "timer_state", t);
	} else {
		json_out_set(o, "timer_state", json_out_null());
	}
	json_out_set(o, "push", json_out_bool(a->push));
	json_out_set(o, "watch",
		     as->watch[0] ? jstr(as->watch) : json_out_null());
	if (as->wi.known) {
		struct json_out *w = json_out_object();

		json_out_set(w, "unit_file_state", jstr(as->wi.file_state));
		json_out_set(w, "active_state", jstr(as->wi.active));
		json_out_set(o, "watch_state", w);
	} else {
		json_out_set(o, "watch_state", json_out_null());
	}
	json_out_set(o, "last_run",
		     json_out_time(as->have_state ? as->sum.last_run : 0));
	json_out_set(o, "last_success",
		     json_out_time(as->have_state ? as->sum.last_success : 0));
	json_out_set(o, "last_count",
		     as->have_state ? json_out_int(as->sum.last_count)
				    : json_out_null());
	json_out_set(o, "last_error",
		     as->have_state && as->sum.last_error[0] != '\0'
			 ? jstr(as->sum.last_error)
			 : json_out_null());
	json_out_set(o, "next_run", json_out_time(as->next_run));
	json_out_set(o, "fetch_budget", budget_json(a, as));
	json_out_set(o, "oauth", oauth_json(a, as));
	return o;
}

/* "1.5 MiB": sizes for people; --json gives bytes. */
static void
fmt_size(long long n, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lld B", n);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
}

/* "fetch budget 2.0 GB a day: 0 B left until ...; 12 messages wait". */
static void
budget_text(const struct account *a, const struct account_status *as)
{
	char per[32], left[32], wait[32], until[32], at[48];
	const char *u = utc_format(as->budget_until, until, sizeof until);

	fmt_size((long long)a->fetch_budget, per, sizeof per);
	fmt_size((long long)as->budget_left, left, sizeof left);
	printf("  %-16s fetch budget %s a day: %s left%s%s", "", per, left,
	       u ? " until " : "", u ? u : "");
	if (as->have_state && as->sum.waiting > 0) {
		fmt_size((long long)as->sum.waiting_bytes, wait, sizeof wait);
		if (u)
			snprintf(at, sizeof at, "after %s", u);
		else
			snprintf(at, sizeof at, "at the next run");
		printf("; %ld messages (%s) wait, fetched oldest first %s",
		       as->sum.waiting, wait, at);
	}
	putchar('\n');
}

/* push = yes: the watch unit beside the timer, and what is wrong. */
static void
watch_text(const struct account *a, const struct account_status *as)
{
	const char *fs = as->wi.file_state[0] ? as->wi.file_state : "unknown";
	const char *ac = as->wi.active[0] ? as->wi.active : "unknown";

	if (!as->wi.known) {
		printf("  %-16s push = yes: 'mailarc watch %s/%s' delivers as "
		       "mail arrives (its unit %s)\n",
		       "", a->space, a->key, as->watch);
		return;
	}
	printf("  %-16s push: its watch unit %s is %s and %s\n", "", as->watch,
	       fs, ac);
	if (as->effective && strcmp(fs, "enabled") != 0)
		printf("  %-16s no push until 'mailarc polling on %s/%s' (as "
		       "root)\n",
		       "", a->space, a->key);
	else if (strcmp(fs, "enabled") == 0 && strcmp(ac, "active") != 0)
		printf("  %-16s the watcher is not running: see 'journalctl "
		       "-u %s'\n",
		       "", as->watch);
}

static void
account_text(const struct account *a, const struct account_status *as)
{
	char last[32], next[32];
	const char *lr = utc_format(as->have_state ? as->sum.last_run : 0, last,
				    sizeof last);
	const char *nr = utc_format(as->next_run, next, sizeof next);
	char count[32];

	if (as->have_state)
		snprintf(count, sizeof count, "%ld", as->sum.last_count);
	else
		snprintf(count, sizeof count, "-");
	printf("  %-16s %-7s %-7s %-20s %7s  %-20s ", a->key,
	       a->enabled ? "yes" : "no", as->effective ? "on" : "off",
	       lr ? lr : "never", count, nr ? nr : "-");
	print_safe(as->have_state && as->sum.last_error[0] ? as->sum.last_error
							   : "-");
	putchar('\n');
	if (as->ti.known && as->effective &&
	    strcmp(as->ti.file_state, "enabled") != 0)
		printf("  %-16s its timer %s is %s: it does not poll until "
		       "'mailarc polling on %s/%s' (as root)\n",
		       "", as->timer,
		       as->ti.file_state[0] ? as->ti.file_state : "unknown",
		       a->space, a->key);
	else if (as->ti.known && !as->effective &&
		 strcmp(as->ti.file_state, "enabled") == 0)
		printf("  %-16s its timer %s is enabled but wakes up for "
		       "nothing\n",
		       "", as->timer);
	if (a->push)
		watch_text(a, as);
	if (a->tls_plain)
		printf("  %-16s warning: tls = none: the password goes to %s "
		       "in plain text\n",
		       "", a->host);
	if (a->fetch_budget > 0)
		budget_text(a, as);
	if (a->oauth2) {
		char exp[32];
		const char *e =
		    utc_format(as->have_oauth ? as->oauth.access_expires : 0,
			       exp, sizeof exp);

		printf("  %-16s OAuth 2.0 access token %s%s\n", "",
		       e ? "expires " : "", e ? e : "not cached yet");
	}
}

/*
 * What became of the messages that entered the space: archived (the
 * archive's files) or set aside with a reason (dedupe.report).
 */
static struct json_out *
intake_json(long long archived, const struct dedupe_counts *k)
{
	struct json_out *o = json_out_object(), *n = json_out_object();

	json_out_set(o, "archived", json_out_int(archived));
	json_out_set(o, "duplicates", json_out_int(k->duplicates));
	json_out_set(o, "deleted", json_out_int(k->deleted));
	json_out_set(o, "x_no_archive", json_out_int(k->no_archive));
	json_out_set(n, "total", json_out_int(k->not_mail));
	for (int v = MSG_EMPTY; v <= MSG_UNPARSABLE; v++)
		json_out_set(n, msg_verdict_name((enum msg_verdict)v),
			     json_out_int(k->by_verdict[v]));
	json_out_set(o, "not_a_message", n);
	return o;
}

static void
intake_text(const struct dedupe_counts *k)
{
	const char *sep = " (";

	printf("  set aside %lu duplicates, %lu deleted, %lu x-no-archive, "
	       "%lu not a message",
	       k->duplicates, k->deleted, k->no_archive, k->not_mail);
	for (int v = MSG_EMPTY; v <= MSG_UNPARSABLE; v++) {
		if (k->by_verdict[v] == 0)
			continue;
		printf("%s%s %lu", sep, msg_verdict_text((enum msg_verdict)v),
		       k->by_verdict[v]);
		sep = ", ";
	}
	printf("%s\n", k->not_mail > 0 ? ")" : "");
}

/* What status shows of a space as a whole. */
struct space_facts {
	struct maildir_size archive, incoming, dups;
	struct dedupe_counts counts;
	time_t site;
};

/* The space as a JSON object appended to spaces; *accountsp gets the
 * (borrowed) array its accounts go into. */
static void
space_json(const struct space *s, const struct space_facts *f,
	   struct json_out *spaces, struct json_out **accountsp)
{
	struct json_out *o = json_out_object(), *j;
	const char *admins = space_setting(s, "admins", "");

	json_out_set(o, "key", jstr(s->key));
	json_out_set(o, "name", jstr(s->name));
	json_out_set(o, "kind",
		     json_out_str(s->personal ? "personal" : "site"));
	json_out_set(o, "polling", json_out_bool(polling_space_on(s)));
	json_out_set(o, "admins", jstr(admins));
	j = json_out_object();
	json_out_set(j, "messages", json_out_int(f->archive.messages));
	json_out_set(j, "bytes", json_out_int(f->archive.bytes));
	json_out_set(o, "archive", j);
	json_out_set(o, "incoming", json_out_int(f->incoming.messages));
	json_out_set(o, "duplicates", json_out_int(f->dups.messages));
	json_out_set(o, "intake", intake_json(f->archive.messages, &f->counts));
	j = json_out_object();
	json_out_set(j, "dir", jstr(s->site_dir));
	json_out_set(j, "updated", json_out_time(f->site));
	json_out_set(o, "site", j);
	privacy_status(s, o);
	*accountsp = json_out_array();
	json_out_set(o, "accounts", *accountsp);
	json_out_append(spaces, o);
}

/* The space as text; the accounts' table header when it has any. */
static void
space_text(const struct space *s, const struct space_facts *f, size_t n)
{
	char size[32], when[UTC_TIME_MAX];
	const char *w = utc_format(f->site, when, sizeof when);

	fmt_size(f->archive.bytes, size, sizeof size);
	printf("space %s (", s->key);
	print_safe(s->name);
	printf("): %s, polling %s", s->personal ? "personal" : "site",
	       polling_space_on(s) ? "on" : "off");
	if (space_setting(s, "admins", NULL) != NULL)
		printf(", admins %s", space_setting(s, "admins", ""));
	printf("\n  archive %lld messages (%s), %lld incoming, "
	       "%lld duplicates set aside\n",
	       f->archive.messages, size, f->incoming.messages,
	       f->dups.messages);
	intake_text(&f->counts);
	printf("  site %s, %s%s\n", s->site_dir,
	       w ? "published " : "not published yet", w ? w : "");
	privacy_status(s, NULL);
	if (n > 0)
		printf("  %-16s %-7s %-7s %-20s %7s  %-20s %s\n", "ACCOUNT",
		       "ENABLED", "POLLING", "LAST RUN", "FETCHED", "NEXT RUN",
		       "LAST ERROR");
}

/* The polling timers of the n accounts keys, when systemd runs: *tip
 * (calloc'd, NULL when not known) and the unit names *unitsp to free. */
static void
space_timers(const struct space *s, char **keys, size_t n,
	     struct timer_info **tip, char ***unitsp)
{
	struct timer_info *ti = NULL;
	char **units = NULL;

	if (n > 0 && polling_systemd_running() &&
	    (units = calloc(n, sizeof *units)) != NULL &&
	    (ti = calloc(n, sizeof *ti)) != NULL) {
		bool ok = true;

		for (size_t i = 0; i < n && ok; i++)
			ok = (units[i] = malloc(256)) != NULL &&
			     polling_unit_name(s->key, keys[i], "timer",
					       units[i], 256);
		if (ok)
			timers_query(units, n, ti);
	}
	*tip = ti;
	*unitsp = units;
}

/* The watch units of the push accounts among the n accounts keys, when
 * systemd runs: *wip (calloc'd, n entries, known only for push accounts;
 * NULL when none is asked) from one "systemctl show" of those units. */
static void
space_watches(const struct space *s, char **keys, size_t n,
	      struct timer_info **wip)
{
	struct timer_info *wi = NULL, *got = NULL;
	char **units = NULL;
	size_t *at = NULL, m = 0;

	*wip = NULL;
	if (n == 0 || !polling_systemd_running() ||
	    (units = calloc(n, sizeof *units)) == NULL ||
	    (at = calloc(n, sizeof *at)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct account *a;
		char name[256];

		if (account_load(s, keys[i], &a) != MA_OK)
			continue; /* reported by the caller */
		if (a->push &&
		    watch_unit_name(s->key, a->key, name, sizeof name) &&
		    (units[m] = strdup(name)) != NULL)
			at[m++] = i;
		account_free(a);
	}
	if (m == 0 || (wi = calloc(n, sizeof *wi)) == NULL ||
	    (got = calloc(m, sizeof *got)) == NULL)
		goto out;
	timers_query(units, m, got);
	for (size_t j = 0; j < m; j++)
		wi[at[j]] = got[j];
	*wip = wi;
	wi = NULL;
out:
	for (size_t j = 0; units != NULL && j < m; j++)
		free(units[j]);
	free(units);
	free(at);
	free(got);
	free(wi);
}

/* One space: text to stdout, or an object appended to spaces. */
static int
space_status(struct ctx *c, const char *key, time_t now,
	     struct json_out *spaces)
{
	struct space_facts f = {0};
	struct space *s;
	char **keys = NULL;
	size_t n = 0;
	struct json_out *accounts = NULL;
	struct timer_info *ti = NULL, *wi = NULL;
	char **units = NULL;
	int ret = EX_OK;

	if ((s = ctx_space(c, key, &ret)) == NULL)
		return ret;
	maildir_size(s, SPACE_ARCHIVE, &f.archive);
	maildir_size(s, SPACE_INCOMING, &f.incoming);
	maildir_size(s, SPACE_DUPLICATES, &f.dups);
	if (dedupe_report_counts(s->dir, &f.counts) != MA_OK)
		log_warn("space %s: cannot read its dedupe report", s->key);
	f.site = site_updated(s);
	if (account_list(s, &keys, &n) != MA_OK) {
		space_free(s);
		return EX_IOERR;
	}
	space_timers(s, keys, n, &ti, &units);
	space_watches(s, keys, n, &wi);
	if (spaces != NULL)
		space_json(s, &f, spaces, &accounts);
	else
		space_text(s, &f, n);
	for (size_t i = 0; i < n; i++) {
		struct account_status as;
		struct account *a;

		if (account_load(s, keys[i], &a) != MA_OK) {
			ret = EX_CONFIG; /* logged; go on with the others */
			continue;
		}
		account_status_get(s, a, now, ti != NULL ? &ti[i] : NULL,
				   wi != NULL ? &wi[i] : NULL, &as);
		if (accounts != NULL)
			json_out_append(accounts, account_json(a, &as));
		else
			account_text(a, &as);
		account_free(a);
	}
	for (size_t i = 0; units != NULL && i < n; i++)
		free(units[i]);
	free(units);
	free(ti);
	free(wi);
	space_list_free(keys, n);
	space_free(s);
	return ret;
}

int
cmd_status(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	struct json_out *top = NULL, *spaces = NULL;
	char **keys = NULL;
	size_t n = 0;
	const char *root;
	bool json = false;
	time_t now = time(NULL);
	int ch, ret = EX_OK;

	optind = 0; /* glibc: 0 re-initialises getopt for a new argv */
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "j", longopts,
				 NULL)) != -1) {
		if (ch == 'j') {
			json = true;
			continue;
		}
		ret = cli_common(ch, optarg, status_usage, &c->root_opt);
		if (ret != EX_OK)
			return ret == EX__HELP ? EX_OK : ret;
	}
	if ((root = ctx_root(c)) == NULL)
		return EX_CONFIG;
	if (optind == argc && space_list(root, &keys, &n) != MA_OK)
		return EX_IOERR;
	if (json) {
		char buf[32];

		top = json_out_object();
		spaces = json_out_array();
		json_out_set(top, "root", jstr(root));
		json_out_set(top, "systemd",
			     json_out_bool(polling_systemd_running()));
		json_out_set(top, "generated",
			     json_out_str(utc_format(now, buf, sizeof buf)));
		json_out_set(top, "spaces", spaces);
	} else if (optind == argc && n == 0) {
		log_notice("no spaces yet in '%s' (add one with 'mailarc "
			   "space add KEY')",
			   root);
	}
	if (optind == argc) {
		for (size_t i = 0; i < n; i++)
			ret = ma_worse(ret,
				       space_status(c, keys[i], now, spaces));
	} else {
		for (int i = optind; i < argc; i++)
			ret = ma_worse(ret,
				       space_status(c, argv[i], now, spaces));
	}
	if (top != NULL) {
		if (json_out_print(top, stdout, JSON_OUT_PRETTY) != 0)
			ret = EX_IOERR;
		putchar('\n');
		json_out_free(top);
	}
	space_list_free(keys, n);
	return ret;
}
