/*
 * lib/site_file.c over a published site: the bytes are compared with
 * the published file as they come, and a staged file is made only where
 * they differ. Every way the new bytes can part from the old (at the
 * first byte, inside a gathered buffer, after one, at the last byte,
 * shorter, longer, empty), written in pieces of every size, must give
 * the new bytes exactly; the same bytes must leave the file alone. A
 * file that keeps the published bytes (site_file_keep()) gets what is
 * written after them.
 */
#include "testutil.h"
#include "testutil.inc"

#include <sys/stat.h>

#include <glib.h>

#include "site.h"

#define REL "t/x.mbox"

/* Some 330 KB of letters from seed: more than several 64 KB buffers. */
static GString *
text_of(unsigned seed)
{
	GString *g = g_string_new(NULL);

	for (size_t k = 0; k < ((size_t)330 << 10); k++) {
		seed = seed * 1103515245u + 12345u;
		g_string_append_c(g, (char)('a' + (seed >> 16) % 26));
	}
	return g;
}

/* One run of the site that writes REL = want (in pieces of 1 to 3,000
 * bytes, one of 200 KB when it is that long) and index.html; returns
 * site_written(). */
static size_t
write_run(const char *dir, const GString *want, unsigned seed)
{
	struct site *s = NULL;
	struct site_file *f = NULL;
	size_t off = 0, n, written;
	int i = 0;

	assert_int_equal(site_open(dir, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_file_open(s, REL, &f), MA_OK);
	while (off < want->len) {
		seed = seed * 1103515245u + 12345u;
		n = ++i == 20 ? (size_t)200 << 10 : (seed >> 16) % 3000 + 1;
		if (n > want->len - off)
			n = want->len - off;
		assert_int_equal(site_file_write(f, want->str + off, n), MA_OK);
		off += n;
	}
	assert_int_equal(site_file_commit(s, f), MA_OK);
	assert_int_equal(site_put(s, "index.html", "x", 1), MA_OK);
	written = site_written(s);
	assert_int_equal(site_close(s, true), MA_OK);
	return written;
}

static void
assert_holds(const char *dir, const GString *want)
{
	char *p = path_fmt("%s/%s", dir, REL), *data = NULL;
	size_t len = 0;

	assert_non_null(p);
	assert_int_equal(path_file_read_all(p, (size_t)64 << 20, &data, &len),
			 MA_OK);
	assert_int_equal(len, want->len);
	if (len > 0)
		assert_memory_equal(data, want->str, len);
	free(data);
	free(p);
}

static ino_t
inode_of(const char *dir)
{
	char *p = path_fmt("%s/%s", dir, REL);
	struct stat sb;

	assert_non_null(p);
	assert_int_equal(stat(p, &sb), 0);
	free(p);
	return sb.st_ino;
}

/* A site whose REL holds base. */
static char *
published(const GString *base)
{
	char *d = tu_tmpdir();

	(void)write_run(d, base, 3);
	assert_holds(d, base);
	return d;
}

static void
test_the_same_bytes_leave_the_file_alone(void **state)
{
	GString *base = text_of(1);
	char *d = published(base);
	ino_t ino = inode_of(d);

	(void)state;
	/* Other pieces, the same bytes: nothing written, not even
	 * index.html. */
	assert_int_equal(write_run(d, base, 99), 0);
	assert_holds(d, base);
	assert_true(inode_of(d) == ino);
	tu_rmdir(d);
	g_string_free(base, TRUE);
}

/* REL over base becomes want: written once, exactly. */
static void
becomes(const GString *base, const GString *want)
{
	char *d = published(base);

	for (unsigned seed = 5; seed < 8; seed++) {
		assert_int_equal(write_run(d, want, seed), 1);
		assert_holds(d, want);
		/* And back, for the next round. */
		assert_int_equal(write_run(d, base, seed), 1);
		assert_holds(d, base);
	}
	tu_rmdir(d);
}

static void
test_every_way_to_differ_gives_the_new_bytes(void **state)
{
	GString *base = text_of(1), *want;
	const size_t at[] = {0,
			     1,
			     ((size_t)64 << 10) - 1,
			     (size_t)64 << 10,
			     100000,
			     ((size_t)200 << 10) + 17,
			     base->len - 1};

	(void)state;
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		/* One byte changed. */
		want = g_string_new_len(base->str, (gssize)base->len);
		want->str[at[i]] = want->str[at[i]] == 'A' ? 'B' : 'A';
		becomes(base, want);
		g_string_free(want, TRUE);
		/* Cut short there. */
		want = g_string_new_len(base->str, (gssize)at[i]);
		becomes(base, want);
		g_string_free(want, TRUE);
	}
	/* Longer: the old bytes, then more. */
	want = g_string_new_len(base->str, (gssize)base->len);
	g_string_append(want, "From more\n");
	becomes(base, want);
	g_string_free(want, TRUE);
	g_string_free(base, TRUE);
}

/* Written twice in one run: the last version wins, also when it is the
 * published one, and also after a removal of the file in the run. */
static void
test_the_last_version_of_a_run_wins(void **state)
{
	GString *base = text_of(1);
	char *d = published(base);
	struct site *s = NULL;
	struct site_file *f = NULL;

	(void)state;
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_put(s, REL, "other\n", 6), MA_OK);
	assert_int_equal(site_file_open(s, REL, &f), MA_OK);
	assert_int_equal(site_file_write(f, base->str, base->len), MA_OK);
	assert_int_equal(site_file_commit(s, f), MA_OK);
	assert_int_equal(site_remove(s, "index.html"), MA_OK);
	assert_int_equal(site_put(s, "index.html", "y", 1), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_holds(d, base);

	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_remove(s, REL), MA_OK);
	assert_int_equal(site_file_open(s, REL, &f), MA_OK);
	assert_int_equal(site_file_write(f, base->str, base->len), MA_OK);
	assert_int_equal(site_file_commit(s, f), MA_OK);
	assert_int_equal(site_put(s, "index.html", "x", 1), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_holds(d, base);

	/* An abort while comparing leaves the published file. */
	assert_int_equal(site_open(d, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_file_open(s, REL, &f), MA_OK);
	assert_int_equal(site_file_write(f, "From x\n", 7), MA_OK);
	site_file_abort(f);
	assert_int_equal(site_put(s, "index.html", "y", 1), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_holds(d, base);
	tu_rmdir(d);
	g_string_free(base, TRUE);
}

/* One run that keeps REL's published bytes (site_file_keep(): keeps
 * says whether it may) and adds more; returns site_written(). */
static size_t
keep_run(const char *dir, const char *more, bool keeps)
{
	struct site *s = NULL;
	struct site_file *f = NULL;
	size_t written;

	assert_int_equal(site_open(dir, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_file_open(s, REL, &f), MA_OK);
	assert_true(site_file_keep(f, "\n\n") == keeps);
	for (const char *p = more; *p; p++)
		assert_int_equal(site_file_write(f, p, 1), MA_OK);
	/* Too late once something is written. */
	assert_false(more[0] != '\0' && site_file_keep(f, "\n\n"));
	assert_int_equal(site_file_commit(s, f), MA_OK);
	written = site_written(s);
	assert_int_equal(site_close(s, true), MA_OK);
	return written;
}

static void
test_keep_adds_to_the_published_bytes(void **state)
{
	GString *base = text_of(1), *want;
	char *d;

	(void)state;
	g_string_append(base, "\n\n");
	d = published(base);
	want = g_string_new_len(base->str, (gssize)base->len);
	/* Nothing more: the file stays as it is. */
	assert_int_equal(keep_run(d, "", true), 0);
	assert_holds(d, base);
	g_string_append(want, "From more\n\n");
	assert_int_equal(keep_run(d, "From more\n\n", true), 1);
	assert_holds(d, want);
	/* A file that does not end as ours do is not kept: what is written
	 * is the whole file. */
	tu_rmdir(d);
	g_string_truncate(base, base->len - 1);
	d = published(base);
	assert_int_equal(keep_run(d, "whole\n", false), 1);
	g_string_assign(want, "whole\n");
	assert_holds(d, want);
	tu_rmdir(d);
	/* Nor one that is not there. */
	d = tu_tmpdir();
	assert_int_equal(keep_run(d, "new\n\n", false), 1);
	g_string_assign(want, "new\n\n");
	assert_holds(d, want);
	tu_rmdir(d);
	g_string_free(want, TRUE);
	g_string_free(base, TRUE);
}

/* A run of the site at dir with an append of REL pending: its
 * published bytes kept, a message after them. */
static struct site *
append_pending(const char *dir)
{
	struct site *s = NULL;
	struct site_file *f = NULL;

	assert_int_equal(site_open(dir, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_file_open(s, REL, &f), MA_OK);
	assert_true(site_file_keep(f, "\n\n"));
	assert_int_equal(site_file_write(f, "From x\n\n", 9), MA_OK);
	assert_int_equal(site_file_commit(s, f), MA_OK);
	return s;
}

/* Past SITE_APPEND_MIN kept bytes (1 MiB), a file that only grows is
 * appended to in place (its inode stays); a later write or removal of
 * it in the same run replaces the append, also one that leaves the
 * published bytes as they are. */
static void
test_a_file_that_only_grows_is_appended_to(void **state)
{
	GString *base = g_string_new(NULL), *want;
	struct site *s = NULL;
	struct site_file *f = NULL;
	char *d, *gone;
	ino_t ino;

	(void)state;
	for (unsigned k = 1; k <= 4; k++) {
		GString *t = text_of(k);

		g_string_append_len(base, t->str, (gssize)t->len);
		g_string_free(t, TRUE);
	}
	g_string_append(base, "\n\n");
	d = published(base);
	ino = inode_of(d);
	want = g_string_new_len(base->str, (gssize)base->len);
	g_string_append(want, "From more\n\n");
	assert_int_equal(keep_run(d, "From more\n\n", true), 1);
	assert_holds(d, want);
	assert_true(inode_of(d) == ino);

	/* Appended, then the same bytes as published: nothing changes. */
	s = append_pending(d);
	assert_int_equal(site_file_open(s, REL, &f), MA_OK);
	assert_int_equal(site_file_write(f, want->str, want->len), MA_OK);
	assert_int_equal(site_file_commit(s, f), MA_OK);
	assert_int_equal(site_put(s, "index.html", "y", 1), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_holds(d, want);
	/* The same by site_put(). */
	s = append_pending(d);
	assert_int_equal(site_put(s, REL, want->str, want->len), MA_OK);
	assert_int_equal(site_put(s, "index.html", "x", 1), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	assert_holds(d, want);

	/* Written from its start, in pieces, and going on past the
	 * published bytes wherever they end in a piece (a thread's mbox
	 * given a reply): appended to as well. */
	for (unsigned seed = 1; seed <= 6; seed++) {
		g_string_append_printf(want, "From reply %u\n\n", seed);
		assert_int_equal(write_run(d, want, seed), 1);
		assert_holds(d, want);
		assert_true(inode_of(d) == ino);
	}

	/* Appended, then written whole; appended, then removed. */
	s = append_pending(d);
	assert_int_equal(site_put(s, REL, "other\n", 6), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	g_string_assign(want, "other\n");
	assert_holds(d, want);
	tu_rmdir(d);
	d = published(base);
	s = append_pending(d);
	assert_int_equal(site_remove(s, REL), MA_OK);
	assert_int_equal(site_put(s, "index.html", "z", 1), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	gone = path_fmt("%s/%s", d, REL);
	assert_false(path_exists(gone));
	free(gone);
	tu_rmdir(d);
	g_string_free(want, TRUE);
	g_string_free(base, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_same_bytes_leave_the_file_alone),
	    cmocka_unit_test(test_every_way_to_differ_gives_the_new_bytes),
	    cmocka_unit_test(test_the_last_version_of_a_run_wins),
	    cmocka_unit_test(test_keep_adds_to_the_published_bytes),
	    cmocka_unit_test(test_a_file_that_only_grows_is_appended_to),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
