/*
 * The fetch state of an account: ROOT/spaces/SPACE/state/ACCOUNT.state.
 *
 * A text file, one record a line, fields separated by one space, written
 * whole with path_write_file_atomic() (temp file, fsync, rename, fsync of the
 * folder), so a kill at any instant leaves the old or the new state:
 *
 *	mailarc-fetch-state 1
 *	last_run 1795371535            (seconds since the epoch; 0 never)
 *	last_success 1795371535
 *	last_count 12
 *	last_error TEXT TO THE END OF THE LINE   (absent when none)
 *	budget START BYTES      (fetch_budget: the day's window began at
 *	                         START, BYTES taken since; absent when none)
 *	waiting MESSAGES BYTES  (left for later by a spent budget; absent
 *	                         when nothing waits)
 *	folder UIDVALIDITY NAME TO THE END OF THE LINE
 *	uids 1:40,42,57:60               (UIDs taken from the folder above)
 *	uidl UIDL                        (one POP3 UIDL taken, RFC 1939 7:
 *	                                  1-70 characters 0x21-0x7E)
 *
 * "uids" lines may repeat for one folder. Unknown record names are an
 * error, not skipped: a newer format must not be half-read by an older
 * program. A UID or UIDL is recorded only after its message is durable in
 * the spool (see fetch.c), so the state can only be behind the spool,
 * never ahead: the worst a crash does is fetch a message twice, and
 * mailarc-dedupe drops the repeat.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "buf.h"
#include "log.h"
#include "path.h"
#include "state.h"
#include "space.h"

#define STATE_MAGIC "mailarc-fetch-state 1"
#define STATE_MAX   (256u << 20)
#define UIDL_MAX    512

char *
state_path(const struct space *s, const char *key)
{
	return space_account_file(s->dir, key, "state");
}

void
state_free(struct fetch_state *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nfolders; i++) {
		uidset_free(&st->folders[i].uids);
		free(st->folders[i].name);
	}
	free(st->folders);
	array_free_strs(st->uidls, st->nuidls);
	free(st);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool
state_has_uid(const struct state_folder *f, uint32_t uid)
{
	return uidset_has(&f->uids, uid);
}

enum ma_status
state_add_uid(struct state_folder *f, uint32_t uid)
{
	return uidset_add(&f->uids, uid);
}

enum ma_status
state_keep_uids(struct state_folder *f, const struct uidset *on_server)
{
	return uidset_keep(&f->uids, on_server);
}

struct state_folder *
state_folder(struct fetch_state *st, const char *name,
	     unsigned long uidvalidity)
{
	struct state_folder *f, *p;

	for (size_t i = 0; i < st->nfolders; i++) {
		f = &st->folders[i];
		if (strcmp(f->name, name) != 0)
			continue;
		if (f->uidvalidity != uidvalidity) {
			f->uidvalidity = uidvalidity;
			uidset_clear(&f->uids);
		}
		return f;
	}
	p = realloc(st->folders, (st->nfolders + 1) * sizeof *p);
	if (p == NULL)
		return NULL;
	st->folders = p;
	f = &p[st->nfolders];
	memset(f, 0, sizeof *f);
	if ((f->name = strdup(name)) == NULL)
		return NULL;
	f->uidvalidity = uidvalidity;
	st->nfolders++;
	return f;
}

static void
sort_uidls(struct fetch_state *st)
{
	if (!st->uidls_sorted && st->nuidls > 1)
		qsort(st->uidls, st->nuidls, sizeof *st->uidls, str_cmp);
	st->uidls_sorted = true;
}

bool
state_has_uidl(struct fetch_state *st, const char *uidl)
{
	sort_uidls(st);
	return st->nuidls > 0 && bsearch(&uidl, st->uidls, st->nuidls,
					 sizeof *st->uidls, str_cmp);
}

enum ma_status
state_add_uidl(struct fetch_state *st, const char *uidl)
{
	char *s;

	if (strlen(uidl) > UIDL_MAX || strpbrk(uidl, " \r\n") != NULL)
		return MA_EDATA;
	if (st->nuidls == st->uidls_cap) {
		char **p = array_grow(st->uidls, &st->uidls_cap, st->nuidls,
				      sizeof *p, 256);

		if (p == NULL)
			return MA_ENOMEM;
		st->uidls = p;
	}
	if ((s = strdup(uidl)) == NULL)
		return MA_ENOMEM;
	if (st->nuidls > 0 && strcmp(st->uidls[st->nuidls - 1], s) >= 0)
		st->uidls_sorted = false;
	st->uidls[st->nuidls++] = s;
	return MA_OK;
}

enum ma_status
state_keep_uidls(struct fetch_state *st, char *const *uidls, size_t n)
{
	char **sorted;
	size_t k = 0;

	if (n == 0) {
		for (size_t i = 0; i < st->nuidls; i++)
			free(st->uidls[i]);
		st->nuidls = 0;
		return MA_OK;
	}
	if ((sorted = malloc(n * sizeof *sorted)) == NULL)
		return MA_ENOMEM;
	memcpy(sorted, uidls, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, str_cmp);
	sort_uidls(st);
	for (size_t i = 0; i < st->nuidls; i++) {
		if (bsearch(&st->uidls[i], sorted, n, sizeof *sorted, str_cmp))
			st->uidls[k++] = st->uidls[i];
		else
			free(st->uidls[i]);
	}
	st->nuidls = k;
	free(sorted);
	return MA_OK;
}

/* A decimal number that fills s, within [0, max]. */
static bool
parse_num(const char *s, unsigned long long max, unsigned long long *vp)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*vp = v;
	return true;
}

/* "1:40,42,57:60" into f. */
static enum ma_status
parse_uids(struct state_folder *f, char *s)
{
	for (char *r = s, *next; r != NULL; r = next) {
		unsigned long long lo, hi;
		char *colon;
		enum ma_status st;

		if ((next = strchr(r, ',')) != NULL)
			*next++ = '\0';
		if ((colon = strchr(r, ':')) != NULL)
			*colon = '\0';
		if (!parse_num(r, UINT32_MAX, &lo))
			return MA_EDATA;
		hi = lo;
		if (colon != NULL &&
		    (!parse_num(colon + 1, UINT32_MAX, &hi) || hi < lo))
			return MA_EDATA;
		st = uidset_add_range(&f->uids, (uint32_t)lo, (uint32_t)hi);
		if (st != MA_OK)
			return st;
	}
	return MA_OK;
}

static enum ma_status
parse_line(struct fetch_state *st, struct state_folder **cur, char *line)
{
	char *val = strchr(line, ' ');
	unsigned long long v;

	if (val == NULL)
		return MA_EDATA;
	*val++ = '\0';
	if (strcmp(line, "last_run") == 0 ||
	    strcmp(line, "last_success") == 0 ||
	    strcmp(line, "last_count") == 0) {
		if (!parse_num(val, INT64_MAX, &v))
			return MA_EDATA;
		if (line[5] == 'r')
			st->sum.last_run = (time_t)v;
		else if (line[5] == 's')
			st->sum.last_success = (time_t)v;
		else
			st->sum.last_count = (long)v;
		return MA_OK;
	}
	if (strcmp(line, "budget") == 0 || strcmp(line, "waiting") == 0) {
		char *second = strchr(val, ' ');
		unsigned long long w;

		if (second == NULL)
			return MA_EDATA;
		*second++ = '\0';
		if (!parse_num(val, INT64_MAX, &v) ||
		    !parse_num(second, INT64_MAX, &w))
			return MA_EDATA;
		if (line[0] == 'b') {
			st->sum.budget_start = (time_t)v;
			st->sum.budget_used = w;
		} else {
			st->sum.waiting = (long)v;
			st->sum.waiting_bytes = w;
		}
		return MA_OK;
	}
	if (strcmp(line, "last_error") == 0) {
		snprintf(st->sum.last_error, sizeof st->sum.last_error, "%s",
			 val);
		return MA_OK;
	}
	if (strcmp(line, "folder") == 0) {
		char *name = strchr(val, ' ');

		if (name == NULL)
			return MA_EDATA;
		*name++ = '\0';
		if (!parse_num(val, UINT32_MAX, &v) || *name == '\0')
			return MA_EDATA;
		*cur = state_folder(st, name, (unsigned long)v);
		return *cur == NULL ? MA_ENOMEM : MA_OK;
	}
	if (strcmp(line, "uids") == 0)
		return *cur == NULL ? MA_EDATA : parse_uids(*cur, val);
	if (strcmp(line, "uidl") == 0)
		return *val == '\0' ? MA_EDATA : state_add_uidl(st, val);
	return MA_EDATA;
}

static enum ma_status
parse(struct fetch_state *st, char *text, const char *path)
{
	struct state_folder *cur = NULL;
	char *line = text, *nl;
	size_t lineno = 1;
	enum ma_status s;

	nl = strchr(line, '\n');
	if (nl == NULL || (*nl = '\0', strcmp(line, STATE_MAGIC) != 0)) {
		log_err("state file '%s' is not a mailarc-fetch state (line 1)",
			path);
		return MA_EDATA;
	}
	for (line = nl + 1; *line != '\0'; line = nl + 1) {
		lineno++;
		if ((nl = strchr(line, '\n')) == NULL) {
			/* path_write_file_atomic() never leaves half a file. */
			log_err("state file '%s' is truncated at line %zu",
				path, lineno);
			return MA_EDATA;
		}
		*nl = '\0';
		if ((s = parse_line(st, &cur, line)) != MA_OK) {
			if (s == MA_EDATA)
				log_err("state file '%s' line %zu is damaged",
					path, lineno);
			return s;
		}
	}
	return MA_OK;
}

enum ma_status
state_load(const char *path, struct fetch_state **stp)
{
	struct fetch_state *st = calloc(1, sizeof *st);
	enum ma_status s;
	char *text = NULL;
	size_t len;

	if (st == NULL)
		return MA_ENOMEM;
	st->uidls_sorted = true;
	s = path_file_read_all(path, STATE_MAX, &text, &len);
	if (s == MA_ENOTFOUND) {
		*stp = st;
		return MA_OK;
	}
	if (s == MA_OK && strlen(text) != len) {
		log_err("state file '%s' holds a NUL byte", path);
		s = MA_EDATA;
	}
	if (s == MA_OK)
		s = parse(st, text, path);
	free(text);
	if (s != MA_OK) {
		state_free(st);
		return s;
	}
	*stp = st;
	return MA_OK;
}

static enum ma_status
add_uids(struct buf *b, const struct state_folder *f)
{
	enum ma_status s = MA_OK;
	size_t on_line = 0;

	for (size_t i = 0; i < f->uids.n && s == MA_OK; i++) {
		const struct uid_range *r = &f->uids.r[i];

		if (on_line == 0)
			s = buf_adds(b, "uids ");
		else
			s = buf_addc(b, ',');
		if (s == MA_OK && r->hi > r->lo)
			s = buf_addf(b, "%" PRIu32 ":%" PRIu32, r->lo, r->hi);
		else if (s == MA_OK)
			s = buf_addf(b, "%" PRIu32, r->lo);
		/* Keep lines short enough to read in an editor. */
		if (s == MA_OK && ++on_line == 64) {
			s = buf_addc(b, '\n');
			on_line = 0;
		}
	}
	if (s == MA_OK && on_line > 0)
		s = buf_addc(b, '\n');
	return s;
}

enum ma_status
state_save(struct fetch_state *st, const char *path)
{
	struct buf b;
	enum ma_status s;
	char err[sizeof st->sum.last_error];

	/* One line per record: a line break in an error would split it. */
	snprintf(err, sizeof err, "%s", st->sum.last_error);
	for (char *p = err; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	buf_init(&b, STATE_MAX);
	s = buf_addf(&b,
		     STATE_MAGIC "\nlast_run %lld\nlast_success %lld\n"
				 "last_count %ld\n",
		     (long long)st->sum.last_run,
		     (long long)st->sum.last_success, st->sum.last_count);
	if (s == MA_OK && err[0] != '\0')
		s = buf_addf(&b, "last_error %s\n", err);
	if (s == MA_OK && st->sum.budget_start != 0)
		s = buf_addf(&b, "budget %lld %llu\n",
			     (long long)st->sum.budget_start,
			     st->sum.budget_used);
	if (s == MA_OK && st->sum.waiting > 0)
		s = buf_addf(&b, "waiting %ld %llu\n", st->sum.waiting,
			     st->sum.waiting_bytes);
	for (size_t i = 0; s == MA_OK && i < st->nfolders; i++) {
		const struct state_folder *f = &st->folders[i];

		s = buf_addf(&b, "folder %lu %s\n", f->uidvalidity, f->name);
		if (s == MA_OK)
			s = add_uids(&b, f);
	}
	sort_uidls(st);
	for (size_t i = 0; s == MA_OK && i < st->nuidls; i++)
		s = buf_addf(&b, "uidl %s\n", st->uidls[i]);
	if (s == MA_OK)
		s = path_write_file_atomic(path, b.data, b.len, 0600);
	else
		log_err("cannot write state file '%s': %s", path,
			ma_strstatus(s));
	buf_release(&b);
	return s;
}

enum ma_status
state_summary_load(const struct space *s, const char *key,
		   struct state_summary *sum)
{
	struct fetch_state *st;
	enum ma_status r;
	char *path = state_path(s, key);

	if (path == NULL)
		return MA_ENOMEM;
	if (!path_exists(path)) {
		free(path);
		return MA_ENOTFOUND;
	}
	r = state_load(path, &st);
	free(path);
	if (r != MA_OK)
		return r;
	*sum = st->sum;
	state_free(st);
	return MA_OK;
}
