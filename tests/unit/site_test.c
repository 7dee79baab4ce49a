/* lib/site: staging, the commit through a journal, and its recovery. */
#include "testutil.h"
#include "testutil.inc"

#include <errno.h>

#include "log.h"
#include "site.h"

static bool
there(const char *dir, const char *rel)
{
	char *p = path_fmt("%s/%s", dir, rel);
	bool r;

	assert_non_null(p);
	r = path_exists(p);
	free(p);
	return r;
}

static void
put(struct site *s, const char *rel, const char *text)
{
	assert_int_equal(site_put(s, rel, text, strlen(text)), MA_OK);
}

/* A site holding rel = text, published by a run of its own. */
static void
publish_one(const char *dir, const char *rel, const char *text)
{
	struct site *s = NULL;

	assert_int_equal(site_open(dir, NULL, '\n', &s), MA_OK);
	put(s, rel, text);
	assert_int_equal(site_close(s, true), MA_OK);
}

static void
test_nothing_is_seen_before_the_commit(void **state)
{
	char *d = tu_tmpdir(), *t;
	struct site *s = NULL;

	(void)state;
	/* A published site (a first render goes straight into place). */
	publish_one(d, "index.html", "i\n");
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	put(s, "m/a.html", "<p>a</p>\n");
	put(s, "a/01/0123.png", "png");
	assert_false(there(d, "m/a.html"));
	assert_false(there(d, "a/01/0123.png"));
	assert_true(site_exists(s, "m/a.html"));
	assert_int_equal(site_written(s), 2);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_non_null(t = tu_slurp(d, "m/a.html"));
	assert_string_equal(t, "<p>a</p>\n");
	free(t);
	assert_true(there(d, "a/01/0123.png"));
	/* Nothing of the run is left beside the site. */
	assert_false(there(d, ".render-next"));
	tu_rmdir(d);
}

static void
test_a_failed_run_publishes_nothing(void **state)
{
	char *d = tu_tmpdir(), *t;
	struct site *s = NULL;

	(void)state;
	publish_one(d, "index.html", "old\n");
	publish_one(d, "style.css", "css\n");
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	put(s, "index.html", "new\n");
	put(s, "m/b.html", "b\n");
	assert_int_equal(site_remove(s, "style.css"), MA_OK);
	assert_true(there(d, "style.css"));
	assert_false(site_exists(s, "style.css"));
	site_close(s, false);
	assert_non_null(t = tu_slurp(d, "index.html"));
	assert_string_equal(t, "old\n");
	free(t);
	assert_true(there(d, "style.css"));
	assert_false(there(d, "m"));
	assert_false(there(d, ".render-next"));
	tu_rmdir(d);
}

static void
test_removals_wait_for_the_commit(void **state)
{
	char *d = tu_tmpdir();
	struct site *s = NULL;

	(void)state;
	publish_one(d, "t/x.mbox", "mbox\n");
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_remove(s, "t/x.mbox"), MA_OK);
	assert_int_equal(site_remove(s, "t/none.html"), MA_OK);
	assert_true(there(d, "t/x.mbox"));
	assert_int_equal(site_close(s, true), MA_OK);
	assert_false(there(d, "t/x.mbox"));
	/* The folder it left empty goes with it. */
	assert_false(there(d, "t"));
	tu_rmdir(d);
}

static void
test_the_last_change_of_a_run_wins(void **state)
{
	char *d = tu_tmpdir(), *t;
	struct site *s = NULL;

	(void)state;
	publish_one(d, "y.html", "y1\n");
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	put(s, "x.html", "x\n");
	assert_int_equal(site_remove(s, "x.html"), MA_OK);
	assert_int_equal(site_remove(s, "y.html"), MA_OK);
	put(s, "y.html", "y2\n");
	assert_int_equal(site_close(s, true), MA_OK);
	assert_false(there(d, "x.html"));
	assert_non_null(t = tu_slurp(d, "y.html"));
	assert_string_equal(t, "y2\n");
	free(t);
	tu_rmdir(d);
}

static void
test_unchanged_files_are_not_published_again(void **state)
{
	char *d = tu_tmpdir(), *out = NULL;
	size_t n = 0;
	struct site *s = NULL;
	FILE *f;

	(void)state;
	publish_one(d, "index.html", "same\n");
	assert_non_null(f = open_memstream(&out, &n));
	assert_int_equal(site_open(d, f, '\n', &s), MA_OK);
	put(s, "index.html", "same\n");
	put(s, "feed.atom", "<feed/>\n");
	assert_int_equal(site_close(s, true), MA_OK);
	fclose(f);
	/* Only what changed is printed, as it is published. */
	assert_non_null(strstr(out, "/feed.atom\n"));
	assert_null(strstr(out, "index.html"));
	free(out);
	tu_rmdir(d);
}

static void
test_names_outside_the_site_are_refused(void **state)
{
	char *d = tu_tmpdir();
	struct site *s = NULL;

	(void)state;
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_put(s, "../x.html", "x", 1), MA_EDATA);
	assert_int_equal(site_put(s, "m/../../x.html", "x", 1), MA_EDATA);
	assert_int_equal(site_put(s, ".render-next/.journal", "x", 1),
			 MA_EDATA);
	assert_int_equal(site_put(s, "/etc/x", "x", 1), MA_EDATA);
	assert_int_equal(site_put(s, "m/a\nb.html", "x", 1), MA_EDATA);
	assert_int_equal(site_put(s, "m//b.html", "x", 1), MA_EDATA);
	assert_int_equal(site_close(s, true), MA_OK);
	tu_rmdir(d);
}

/* The documented journal, as a run killed after writing it leaves it. */
static void
test_the_next_run_finishes_a_journal(void **state)
{
	char *d = tu_tmpdir(), *p, *t;
	struct site *s = NULL;

	(void)state;
	publish_one(d, "old.html", "old\n");
	publish_one(d, "m/a.html", "a1\n");
	p = path_fmt("%s/.render-next/m", d);
	assert_int_equal(path_mkdir_p(p, 0755), MA_OK);
	free(p);
	p = path_fmt("%s/.render-next/m/b.html", d);
	tu_write(p, "b\n", 0644);
	free(p);
	p = path_fmt("%s/.render-next/m/a.html", d);
	tu_write(p, "a2\n", 0644);
	free(p);
	/* m/a.html was published before the kill; m/b.html was not. */
	p = path_fmt("%s/.render-next/.journal", d);
	tu_write(p,
		 "mailarc-publish 1\nS m/b.html\nS m/a.html\nP m/b.html\n"
		 "P m/a.html\nR old.html\nend\n",
		 0644);
	free(p);
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_non_null(t = tu_slurp(d, "m/b.html"));
	assert_string_equal(t, "b\n");
	free(t);
	assert_non_null(t = tu_slurp(d, "m/a.html"));
	assert_string_equal(t, "a2\n");
	free(t);
	assert_false(there(d, "old.html"));
	assert_false(there(d, ".render-next"));
	tu_rmdir(d);
}

static void
test_a_journal_not_ours_is_refused_and_kept(void **state)
{
	char *d = tu_tmpdir(), *p;
	struct site *s = NULL;

	(void)state;
	p = path_fmt("%s/.render-next", d);
	assert_int_equal(path_mkdir_p(p, 0755), MA_OK);
	free(p);
	p = path_fmt("%s/.render-next/.journal", d);
	tu_write(p, "mailarc-publish 1\nR index.html\n", 0644);
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_EDATA);
	assert_true(path_exists(p));
	free(p);
	tu_rmdir(d);
}

/* A step that fails part way (a file where a folder must be): the site
 * keeps what it had, the journal stays, the next run finishes. */
static void
test_a_commit_stopped_part_way_is_finished_later(void **state)
{
	char *d = tu_tmpdir(), *p, *t;
	struct site *s = NULL;

	(void)state;
	publish_one(d, "index.html", "old\n");
	p = path_fmt("%s/t", d);
	tu_write(p, "in the way\n", 0644);
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	put(s, "t/x.html", "x\n");
	put(s, "index.html", "new\n");
	assert_int_not_equal(site_close(s, true), MA_OK);
	assert_non_null(t = tu_slurp(d, "index.html"));
	assert_string_equal(t, "old\n");
	free(t);
	assert_true(there(d, ".render-next/.journal"));
	unlink(p);
	free(p);
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_non_null(t = tu_slurp(d, "t/x.html"));
	assert_string_equal(t, "x\n");
	free(t);
	assert_non_null(t = tu_slurp(d, "index.html"));
	assert_string_equal(t, "new\n");
	free(t);
	assert_false(there(d, ".render-next"));
	tu_rmdir(d);
}

/* A run killed before its journal: the next one sweeps what it staged. */
static void
test_a_run_killed_before_its_commit_is_swept(void **state)
{
	char *d = tu_tmpdir(), *p;
	struct site *s = NULL;

	(void)state;
	publish_one(d, "index.html", "old\n");
	p = path_fmt("%s/.render-next/m", d);
	assert_int_equal(path_mkdir_p(p, 0755), MA_OK);
	free(p);
	p = path_fmt("%s/.render-next/m/half.html", d);
	tu_write(p, "<p>ha", 0644);
	free(p);
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_false(there(d, ".render-next/m"));
	assert_int_equal(site_close(s, true), MA_OK);
	assert_false(there(d, "m"));
	assert_false(there(d, ".render-next"));
	tu_rmdir(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_is_seen_before_the_commit),
	    cmocka_unit_test(test_a_failed_run_publishes_nothing),
	    cmocka_unit_test(test_removals_wait_for_the_commit),
	    cmocka_unit_test(test_the_last_change_of_a_run_wins),
	    cmocka_unit_test(test_unchanged_files_are_not_published_again),
	    cmocka_unit_test(test_names_outside_the_site_are_refused),
	    cmocka_unit_test(test_the_next_run_finishes_a_journal),
	    cmocka_unit_test(test_a_journal_not_ours_is_refused_and_kept),
	    cmocka_unit_test(test_a_commit_stopped_part_way_is_finished_later),
	    cmocka_unit_test(test_a_run_killed_before_its_commit_is_swept),
	};

	log_init("site_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
