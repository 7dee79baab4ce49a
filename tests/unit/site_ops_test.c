/*
 * lib/site_ops.c: the changes a run publishes are kept on disk, so what a
 * run holds does not grow with the files it changes, and every sequence
 * of changes to one path publishes its last.
 */
#include "testutil.h"
#include "testutil.inc"

#include <stdio.h>

#include "log.h"
#include "site.h"

static void
put(struct site *s, const char *rel, const char *text)
{
	assert_int_equal(site_put(s, rel, text, strlen(text)), MA_OK);
}

static void
expect(const char *dir, const char *rel, const char *text)
{
	char *t = tu_slurp(dir, rel);

	if (text == NULL) {
		assert_null(t);
		return;
	}
	assert_non_null(t);
	assert_string_equal(t, text);
	free(t);
}

/* How many times the published-paths listing names path. */
static int
listed(const char *out, const char *dir, const char *rel)
{
	char *want = path_fmt("%s/%s\n", dir, rel);
	int n = 0;

	assert_non_null(want);
	for (const char *p = out; (p = strstr(p, want)) != NULL; p++)
		if (p == out || p[-1] == '\n')
			n++;
	free(want);
	return n;
}

static void
test_each_sequence_publishes_its_last_change(void **state)
{
	char *d = tu_tmpdir(), *out = NULL;
	size_t outlen = 0;
	struct site *s = NULL;
	FILE *f;

	(void)state;
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	put(s, "index.html", "i\n");
	for (char c = 'a'; c <= 'f'; c++) {
		char rel[16];

		snprintf(rel, sizeof rel, "m/%c.html", c);
		put(s, rel, "old\n");
	}
	assert_int_equal(site_close(s, true), MA_OK);

	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(site_open(d, f, '\n', &s), MA_OK);
	/* removed, then written again */
	assert_int_equal(site_remove(s, "m/a.html"), MA_OK);
	put(s, "m/a.html", "new\n");
	/* written twice */
	put(s, "m/b.html", "one\n");
	put(s, "m/b.html", "two\n");
	/* written, then removed */
	put(s, "m/c.html", "gone\n");
	assert_int_equal(site_remove(s, "m/c.html"), MA_OK);
	assert_false(site_exists(s, "m/c.html"));
	/* removed, then written as it is: kept, not published again */
	assert_int_equal(site_remove(s, "m/d.html"), MA_OK);
	assert_false(site_exists(s, "m/d.html"));
	put(s, "m/d.html", "old\n");
	assert_true(site_exists(s, "m/d.html"));
	/* a new file written, then removed: never there */
	put(s, "m/n.html", "n\n");
	assert_true(site_exists(s, "m/n.html"));
	assert_int_equal(site_remove(s, "m/n.html"), MA_OK);
	/* removed twice */
	assert_int_equal(site_remove(s, "m/e.html"), MA_OK);
	assert_int_equal(site_remove(s, "m/e.html"), MA_OK);
	/* written, removed, written again */
	put(s, "m/f.html", "x\n");
	assert_int_equal(site_remove(s, "m/f.html"), MA_OK);
	put(s, "m/f.html", "y\n");
	assert_int_equal(site_close(s, true), MA_OK);
	fclose(f);

	expect(d, "m/a.html", "new\n");
	expect(d, "m/b.html", "two\n");
	expect(d, "m/c.html", NULL);
	expect(d, "m/d.html", "old\n");
	expect(d, "m/e.html", NULL);
	expect(d, "m/f.html", "y\n");
	expect(d, "m/n.html", NULL);
	/* Each file published is listed once; one kept is not listed. */
	assert_int_equal(listed(out, d, "m/a.html"), 1);
	assert_int_equal(listed(out, d, "m/b.html"), 1);
	assert_int_equal(listed(out, d, "m/f.html"), 1);
	assert_int_equal(listed(out, d, "m/d.html"), 0);
	assert_int_equal(listed(out, d, "m/n.html"), 0);
	free(out);
	tu_rmdir(d);
}

/* Leaves, then pages by rank (messages, conversations, months, the
 * top): the order of the listing, whatever the order of the writes. */
static void
test_publishing_order(void **state)
{
	char *d = tu_tmpdir(), *out = NULL;
	size_t outlen = 0;
	struct site *s = NULL;
	FILE *f;
	const char *want[] = {"a/1/x.png", "m/z.html",	   "m/y.html",
			      "t/t.html",  "2024/01.html", "index.html"};
	const char *p;

	(void)state;
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	put(s, "index.html", "i\n");
	assert_int_equal(site_close(s, true), MA_OK);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(site_open(d, f, '\n', &s), MA_OK);
	put(s, "index.html", "j\n");
	put(s, "2024/01.html", "month\n");
	put(s, "t/t.html", "thread\n");
	put(s, "m/z.html", "z\n");
	put(s, "a/1/x.png", "png");
	put(s, "m/y.html", "y\n");
	assert_int_equal(site_close(s, true), MA_OK);
	fclose(f);
	p = out;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char *line = path_fmt("%s/%s\n", d, want[i]);

		assert_non_null(line);
		assert_int_equal(strncmp(p, line, strlen(line)), 0);
		p += strlen(line);
		free(line);
	}
	assert_string_equal(p, "");
	free(out);
	tu_rmdir(d);
}

/* Write n pages m/XX/NNNNNN.html into s. */
static void
put_many(struct site *s, int from, int n)
{
	char rel[64];

	for (int i = from; i < from + n; i++) {
		snprintf(rel, sizeof rel, "m/%02x/%06d.html", i % 16, i);
		put(s, rel, "<p>changed</p>\n");
	}
}

/*
 * A run that changes many files of a published site holds no more for
 * 20,000 changes than for 2,000: the changes are on disk. (A table of
 * them in memory cost about 80 bytes a file.)
 */
static void
test_changes_are_not_held_in_memory(void **state)
{
	char *d = tu_tmpdir(), *sd = tu_tmpdir(), *spill;
	struct site *s = NULL;
	size_t h1, h2;

	(void)state;
	assert_non_null(spill = path_fmt("%s/spill", sd));
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	put(s, "index.html", "i\n");
	assert_int_equal(site_close(s, true), MA_OK);
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	/* The paths produced, too, are kept on disk in a full run. */
	assert_int_equal(site_spill(s, spill), MA_OK);
	put_many(s, 0, 2000);
	h1 = tu_heap_now();
	put_many(s, 2000, 18000);
	h2 = tu_heap_now();
	/* Under 2 bytes a file (was 80). */
	assert_true(h2 < h1 + 18000 * 2);
	assert_int_equal(site_close(s, true), MA_OK);
	expect(d, "m/0f/019999.html", "<p>changed</p>\n");
	expect(d, "m/00/000000.html", "<p>changed</p>\n");
	free(spill);
	tu_rmdir(sd);
	tu_rmdir(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_sequence_publishes_its_last_change),
	    cmocka_unit_test(test_publishing_order),
	    cmocka_unit_test(test_changes_are_not_held_in_memory),
	};

	log_init("site_ops_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
