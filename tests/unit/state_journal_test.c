/*
 * The fetch state's journal and UIDL arena: a batch is appended, not the
 * whole file rewritten; a torn last line is ignored; the journal is folded
 * into the main file; a journal that is not the main file's is never
 * applied; an older file (no journal) still loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "path.h"
#include "state.h"

struct fx {
	char *dir, *path, *journal;
};

static int
setup(void **ctx)
{
	char tmpl[] = "/tmp/state_journal_test.XXXXXX";
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	f->dir = strdup(tmpl);
	f->path = path_fmt("%s/a.state", tmpl);
	f->journal = state_journal_path(f->path);
	assert_non_null(f->journal);
	*ctx = f;
	return 0;
}

static int
teardown(void **ctx)
{
	struct fx *f = *ctx;

	path_rm_rf(f->dir);
	free(f->dir);
	free(f->path);
	free(f->journal);
	free(f);
	return 0;
}

static void
write_text(const char *path, const char *text)
{
	assert_int_equal(path_write_file_atomic(path, text, strlen(text), 0600),
			 MA_OK);
}

static void
append_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "a");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* The file's bytes into *textp (an out parameter: returned, GCC at -O2
 * took the caller's pointers into them for pointers to a local). */
static void
read_text(const char *path, char **textp)
{
	size_t len;

	*textp = NULL;
	assert_int_equal(path_file_read_all(path, 1u << 26, textp, &len),
			 MA_OK);
}

static off_t
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static ino_t
file_inode(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_ino;
}

static struct fetch_state *
load(struct fx *f)
{
	struct fetch_state *st = NULL;

	assert_int_equal(state_load(f->path, &st), MA_OK);
	return st;
}

static void
take(struct fetch_state *st, const char *pre, int i)
{
	char u[64];

	snprintf(u, sizeof u, "%s%06d", pre, i);
	assert_int_equal(state_add_uidl(st, u), MA_OK);
}

static bool
has(struct fetch_state *st, const char *pre, int i)
{
	char u[64];

	snprintf(u, sizeof u, "%s%06d", pre, i);
	return state_has_uidl(st, u);
}

/* A state of n UIDLs "old-N", saved whole: the main file. */
static void
make_main(struct fx *f, int n)
{
	struct fetch_state *st = load(f);

	for (int i = 0; i < n; i++)
		take(st, "old-", i);
	assert_int_equal(state_save(st, f->path), MA_OK);
	state_free(st);
	assert_int_equal(file_size(f->journal), -1);
}

/* make_main(f, n), then one batch that takes "new-000001": in the
 * journal. */
static void
main_and_one_batch(struct fx *f, int n)
{
	struct fetch_state *st;

	make_main(f, n);
	st = load(f);
	take(st, "new-", 1);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	state_free(st);
}

static void
test_batch_is_appended_not_rewritten(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;
	ino_t ino;
	off_t main_size, j1;

	make_main(f, 1000);
	main_size = file_size(f->path);
	ino = file_inode(f->path);
	st = load(f);
	take(st, "new-", 1);
	take(st, "new-", 2);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	/* The main file is the same file, the batch is in the journal. */
	assert_int_equal(file_inode(f->path), ino);
	assert_int_equal(file_size(f->path), main_size);
	j1 = file_size(f->journal);
	assert_true(j1 > 0);
	take(st, "new-", 3);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	assert_int_equal(file_size(f->journal),
			 j1 + (off_t)strlen("uidl new-000003\n"));
	state_free(st);

	/* What a killed run left: the main file and its journal. */
	st = load(f);
	assert_true(has(st, "new-", 1));
	assert_true(has(st, "new-", 3));
	assert_true(has(st, "old-", 999));
	assert_false(has(st, "new-", 4));
	assert_int_equal(state_count_uidls(st), 1003);
	state_free(st);
}

static void
test_torn_line_is_ignored_and_folded_away(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;
	char *text;

	main_and_one_batch(f, 100);
	/* A kill in the middle of an append: most of "uidl new-000002". */
	append_text(f->journal, "uidl new-00000");
	st = load(f);
	assert_true(has(st, "new-", 1));
	assert_false(has(st, "new-", 2));
	assert_false(has(st, "new-", 20));
	/* Appending after a torn line would glue two records into one: the
	 * next batch folds instead. */
	take(st, "new-", 3);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	assert_int_equal(file_size(f->journal), -1);
	state_free(st);
	read_text(f->path, &text);
	assert_non_null(strstr(text, "\nuidl new-000001\n"));
	assert_non_null(strstr(text, "\nuidl new-000003\n"));
	assert_null(strstr(text, "new-000002"));
	free(text);
	st = load(f);
	assert_int_equal(state_count_uidls(st), 102);
	state_free(st);
}

static void
test_journal_folds_when_it_outgrows_the_main_file(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;
	off_t main_size;
	int i = 0, folds = 0;

	make_main(f, 50);
	st = load(f);
	main_size = file_size(f->path);
	/* Bounded: each batch is 10 lines, the main file about 50. */
	for (int batch = 0; batch < 40; batch++) {
		for (int k = 0; k < 10; k++)
			take(st, "new-", i++);
		assert_int_equal(state_commit(st, f->path, false), MA_OK);
		assert_true(file_size(f->journal) <= file_size(f->path));
		if (file_size(f->path) != main_size) {
			folds++;
			main_size = file_size(f->path);
		}
	}
	/* The main file doubles between folds or so: few of them. */
	assert_true(folds >= 2);
	assert_true(folds <= 8);
	state_free(st);
	st = load(f);
	assert_int_equal(state_count_uidls(st), 450);
	for (int k = 0; k < i; k++)
		assert_true(has(st, "new-", k));
	state_free(st);
}

static void
test_save_folds_and_reload_is_sorted(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;
	char *text, *prev, *line;

	make_main(f, 200);
	st = load(f);
	/* Out of order and repeated, as a listing may give them. */
	take(st, "old-", 7);
	take(st, "zz-", 1);
	take(st, "aa-", 1);
	take(st, "zz-", 1);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	assert_true(file_size(f->journal) > 0);
	st->sum.last_run = 1234;
	assert_int_equal(state_save(st, f->path), MA_OK);
	assert_int_equal(file_size(f->journal), -1);
	state_free(st);
	read_text(f->path, &text);
	assert_non_null(strstr(text, "\nlast_run 1234\n"));
	prev = NULL;
	for (line = strstr(text, "\nuidl "); line != NULL;
	     line = strstr(line + 1, "\nuidl ")) {
		if (prev != NULL)
			assert_true(strcmp(prev, line) < 0);
		prev = line;
	}
	free(text);
	st = load(f);
	assert_int_equal(state_count_uidls(st), 202);
	assert_true(has(st, "aa-", 1));
	assert_true(has(st, "zz-", 1));
	assert_int_equal(st->sum.last_run, 1234);
	state_free(st);
}

static void
test_older_file_loads_and_ignores_a_journal(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;
	char *text;

	/* As the previous release wrote it: no "journal" line. */
	write_text(f->path, "mailarc-fetch-state 1\nlast_run 5\n"
			    "last_success 5\nlast_count 2\nuidl b\nuidl a\n");
	/* A journal beside it cannot be its own. */
	write_text(f->journal, "mailarc-fetch-journal 1 123-4-1\nuidl c\n");
	st = load(f);
	assert_int_equal(state_count_uidls(st), 2);
	assert_true(state_has_uidl(st, "a"));
	assert_true(state_has_uidl(st, "b"));
	assert_false(state_has_uidl(st, "c"));
	/* The first batch writes the new format whole. */
	assert_int_equal(state_add_uidl(st, "d"), MA_OK);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	assert_int_equal(file_size(f->journal), -1);
	state_free(st);
	read_text(f->path, &text);
	assert_non_null(strstr(text, "\njournal "));
	assert_non_null(strstr(text, "\nuidl a\nuidl b\nuidl d\n"));
	free(text);
}

static void
test_journal_of_another_main_file_is_ignored(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;
	char *journal;

	main_and_one_batch(f, 3);
	read_text(f->journal, &journal);
	/* A fold whose removal of the journal did not last. */
	st = load(f);
	assert_int_equal(state_save(st, f->path), MA_OK);
	state_free(st);
	write_text(f->journal, journal);
	append_text(f->journal, "uidl stale\n");
	free(journal);
	st = load(f);
	assert_false(state_has_uidl(st, "stale"));
	assert_true(has(st, "new-", 1));
	/* The next append starts the journal afresh. */
	take(st, "new-", 2);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	state_free(st);
	st = load(f);
	assert_false(state_has_uidl(st, "stale"));
	assert_true(has(st, "new-", 2));
	assert_int_equal(state_count_uidls(st), 5);
	state_free(st);
}

static void
test_damaged_journal_line_is_refused(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st = NULL;
	char *journal;

	main_and_one_batch(f, 3);
	read_text(f->journal, &journal);
	/* A whole line that is not a journal record is damage, not a
	 * torn append: it is never guessed at. */
	append_text(f->journal, "folder 1 INBOX\n");
	st = NULL;
	assert_int_equal(state_load(f->path, &st), MA_EDATA);
	assert_null(st);
	write_text(f->journal, journal);
	append_text(f->journal, "uidl \n");
	assert_int_equal(state_load(f->path, &st), MA_EDATA);
	free(journal);
}

static void
test_budget_rides_in_the_journal(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;

	make_main(f, 100);
	st = load(f);
	st->sum.budget_start = 1000;
	st->sum.budget_used = 4242;
	take(st, "new-", 1);
	assert_int_equal(state_commit(st, f->path, false), MA_OK);
	assert_true(file_size(f->journal) > 0);
	state_free(st);
	st = load(f);
	assert_int_equal(st->sum.budget_start, 1000);
	assert_int_equal(st->sum.budget_used, 4242);
	state_free(st);
}

static void
test_keep_prunes_and_new_ones_wait_to_be_taken(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st;
	char *server[501];
	uint32_t ref, ref2;
	char u[32];

	make_main(f, 1000);
	st = load(f);
	/* The server still has the even ones, and a new one. */
	for (int i = 0; i < 500; i++) {
		snprintf(u, sizeof u, "old-%06d", 2 * i);
		server[i] = strdup(u);
	}
	server[500] = strdup("brand-new");
	assert_int_equal(state_intern_uidl(st, "brand-new", &ref), MA_OK);
	assert_int_equal(state_intern_uidl(st, "bad uidl", &ref2), MA_EDATA);
	assert_int_equal(state_keep_uidls(st, server, 501), MA_OK);
	assert_int_equal(state_count_uidls(st), 500);
	assert_false(has(st, "old-", 1));
	assert_true(has(st, "old-", 998));
	/* Interned is not taken until it is recorded. */
	assert_false(state_has_uidl(st, "brand-new"));
	assert_int_equal(state_intern_uidl(st, "brand-new", &ref), MA_OK);
	assert_int_equal(state_take_uidl(st, ref), MA_OK);
	assert_true(state_has_uidl(st, "brand-new"));
	/* The fold writes what was pruned. */
	assert_int_equal(state_save(st, f->path), MA_OK);
	state_free(st);
	st = load(f);
	assert_int_equal(state_count_uidls(st), 501);
	state_free(st);
	for (int i = 0; i < 501; i++)
		free(server[i]);
}

static void
test_many_out_of_order(void **ctx)
{
	struct fx *f = *ctx;
	struct fetch_state *st = load(f);
	struct state_iter *it;
	const int n = 20000;

	(void)f;
	/* A sorted part, then a tail in another order, then a repeat. */
	for (int i = 0; i < n; i += 2)
		take(st, "m", i);
	assert_true(has(st, "m", 0));
	for (int i = n - 1; i > 0; i -= 2)
		take(st, "m", i);
	take(st, "m", 4);
	/* Every one, each once, in order: one pass over the set (a
	 * state_has_uidl() each reads the whole set: 20,000 of them took
	 * minutes under the sanitizers). */
	assert_int_equal(state_iter_open(st, &it), MA_OK);
	for (int i = 0; i <= n; i++) {
		const char *u;
		bool end = false;
		char want[32];

		assert_int_equal(state_iter_next(it, &u, &end), MA_OK);
		if (i == n) {
			assert_true(end);
			break;
		}
		assert_false(end);
		snprintf(want, sizeof want, "m%06d", i);
		assert_string_equal(u, want);
	}
	state_iter_free(it);
	assert_false(has(st, "m", n));
	assert_int_equal(state_count_uidls(st), n);
	state_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_batch_is_appended_not_rewritten),
	    T(test_torn_line_is_ignored_and_folded_away),
	    T(test_journal_folds_when_it_outgrows_the_main_file),
	    T(test_save_folds_and_reload_is_sorted),
	    T(test_older_file_loads_and_ignores_a_journal),
	    T(test_journal_of_another_main_file_is_ignored),
	    T(test_damaged_journal_line_is_refused),
	    T(test_budget_rides_in_the_journal),
	    T(test_keep_prunes_and_new_ones_wait_to_be_taken),
	    T(test_many_out_of_order),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
