#include "testutil.h"
#include "testutil.inc"

#include <sys/mount.h>
#include <sys/stat.h>

#include "log.h"
#include "maildir.h"

static void
test_unique_names_differ_and_follow_the_spec(void **state)
{
	char a[256], b[256];

	(void)state;
	assert_int_equal(maildir_unique_name(a, sizeof a), MA_OK);
	assert_int_equal(maildir_unique_name(b, sizeof b), MA_OK);
	assert_string_not_equal(a, b);
	/* maildir(5): no '/' and no ':' in a name; "TIME.UNIQUE.HOST". */
	assert_null(strchr(a, '/'));
	assert_null(strchr(a, ':'));
	assert_non_null(strstr(a, ".M"));
	assert_non_null(strchr(a, 'P'));
	assert_int_equal(maildir_unique_name(a, 10), MA_ETOOBIG);
}

static void
test_deliver_puts_bytes_in_new_and_nothing_in_tmp(void **state)
{
	char *dir = tu_tmpdir(), *md = path_fmt("%s/m", dir), *path, *data;
	char *sub;
	const char msg[] = "From: a@b\r\nSubject: x\r\n\r\n\xff\x00 binary\r\n";
	size_t len;

	(void)state;
	assert_int_equal(maildir_create(md), MA_OK);
	assert_int_equal(maildir_deliver_mem(md, msg, sizeof msg - 1, &path),
			 MA_OK);
	assert_non_null(strstr(path, "/new/"));
	assert_int_equal(path_file_read_all(path, 1000, &data, &len), MA_OK);
	assert_int_equal(len, sizeof msg - 1);
	assert_memory_equal(data, msg, len);
	sub = path_fmt("%s/tmp", md);
	assert_int_equal(tu_count(sub), 0);
	free(sub);
	free(data);
	free(path);
	free(md);
	tu_rmdir(dir);
}

static void
test_aborted_message_leaves_nothing(void **state)
{
	char *dir = tu_tmpdir(), *md = path_fmt("%s/m", dir), *sub;
	struct maildir_tmp t;

	(void)state;
	assert_int_equal(maildir_create(md), MA_OK);
	assert_int_equal(maildir_tmp_open(md, &t), MA_OK);
	assert_int_equal(maildir_tmp_write(&t, "abc", 3), MA_OK);
	maildir_tmp_abort(&t);
	sub = path_fmt("%s/tmp", md);
	assert_int_equal(tu_count(sub), 0);
	free(sub);
	sub = path_fmt("%s/new", md);
	assert_int_equal(tu_count(sub), 0);
	free(sub);
	free(md);
	tu_rmdir(dir);
}

static void
test_move_keeps_name_and_is_in_one_place(void **state)
{
	char *dir = tu_tmpdir(), *a = path_fmt("%s/a", dir);
	char *b = path_fmt("%s/b", dir), *p, *q, *r, *sub;
	char base[256], base2[256];

	(void)state;
	assert_int_equal(maildir_create(a), MA_OK);
	assert_int_equal(maildir_create(b), MA_OK);
	assert_int_equal(maildir_deliver_mem(a, "x", 1, &p), MA_OK);
	assert_int_equal(maildir_move(p, b, true, true, &q), MA_OK);
	assert_false(path_exists(p));
	assert_true(path_exists(q));
	assert_non_null(strstr(q, "/cur/"));
	assert_non_null(strstr(q, ":2,"));
	maildir_base_name(p, base, sizeof base);
	maildir_base_name(q, base2, sizeof base2);
	assert_string_equal(base, base2);
	/* Back into new/ drops the info suffix. */
	assert_int_equal(maildir_move(q, a, false, true, &r), MA_OK);
	assert_null(strchr(strrchr(r, '/'), ':'));
	sub = path_fmt("%s/cur", b);
	assert_int_equal(tu_count(sub), 0);
	free(sub);
	free(p);
	free(q);
	free(r);
	free(a);
	free(b);
	tu_rmdir(dir);
}

struct seen {
	int n;
	char last[512];
	int sorted;
};

static int
collect(const char *path, void *arg)
{
	struct seen *s = arg;
	const char *name = strrchr(path, '/') + 1;

	if (s->n > 0 && strcmp(s->last, name) > 0 &&
	    strstr(path, "/new/") != NULL)
		s->sorted = 0;
	snprintf(s->last, sizeof s->last, "%s", name);
	return ++s->n == 1000 ? 7 : 0;
}

static void
test_scan_visits_new_then_cur_sorted(void **state)
{
	char *dir = tu_tmpdir(), *md = path_fmt("%s/m", dir), *p;
	struct seen s = {0, "", 1};
	int stopped;

	(void)state;
	assert_int_equal(maildir_create(md), MA_OK);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(maildir_deliver_mem(md, "m", 1, &p), MA_OK);
		if (i % 2 == 0) {
			char *q;

			assert_int_equal(maildir_move(p, md, true, false, &q),
					 MA_OK);
			free(q);
		}
		free(p);
	}
	assert_int_equal(maildir_scan(md, NULL, collect, &s, &stopped), MA_OK);
	assert_int_equal(s.n, 20);
	assert_int_equal(s.sorted, 1);
	assert_int_equal(stopped, 0);
	free(md);
	tu_rmdir(dir);
}

/* What a windowed scan called for, in order. */
struct visits {
	char names[300][64];
	int n, stop_at;
	const char *move_to; /* NULL: leave the files where they are */
};

static int
visit(const char *path, void *arg)
{
	struct visits *v = arg;
	const char *name = strrchr(path, '/') + 1;

	assert_true(v->n < 300);
	snprintf(v->names[v->n++], sizeof v->names[0], "%s", name);
	if (v->move_to != NULL) {
		char *q = path_fmt("%s/%s", v->move_to, name);

		assert_int_equal(rename(path, q), 0);
		free(q);
	}
	return v->n == v->stop_at ? 9 : 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * 250 files in an order unlike their names', scanned a few names at a
 * time: every file once, in the names' order, whether the scan leaves
 * them (an index rebuild) or moves them out (dedupe), and a stop stops.
 */
static void
test_scan_in_windows_sees_each_once_in_order(void **state)
{
	static const size_t windows[] = {1, 7, 64, 249, 250, 1000};
	char *dir = tu_tmpdir(), *md = path_fmt("%s/m", dir);
	char *away = path_fmt("%s/away", dir), want[250][64];
	static struct visits v;
	int stopped;

	(void)state;
	assert_int_equal(maildir_create(md), MA_OK);
	assert_int_equal(mkdir(away, 0700), 0);
	for (int i = 0; i < 250; i++) {
		char *p = path_fmt("%s/new/%d.M%dP1.host", md,
				   (i * 7919) % 250 + 1000, i);
		FILE *f = fopen(p, "w");

		assert_non_null(f);
		assert_int_equal(fclose(f), 0);
		snprintf(want[i], sizeof want[i], "%s", strrchr(p, '/') + 1);
		free(p);
	}
	qsort(want, 250, sizeof want[0], str_cmp);
	for (size_t w = 0; w < sizeof windows / sizeof *windows; w++) {
		memset(&v, 0, sizeof v);
		assert_int_equal(maildir_scan_window(md, "new", windows[w],
						     visit, &v, &stopped),
				 MA_OK);
		assert_int_equal(stopped, 0);
		assert_int_equal(v.n, 250);
		for (int i = 0; i < 250; i++)
			assert_string_equal(v.names[i], want[i]);
	}
	memset(&v, 0, sizeof v);
	v.stop_at = 100;
	assert_int_equal(maildir_scan_window(md, "new", 7, visit, &v, &stopped),
			 MA_OK);
	assert_int_equal(stopped, 9);
	assert_int_equal(v.n, 100);
	memset(&v, 0, sizeof v);
	v.move_to = away;
	assert_int_equal(maildir_scan_window(md, "new", 7, visit, &v, &stopped),
			 MA_OK);
	assert_int_equal(v.n, 250);
	for (int i = 0; i < 250; i++)
		assert_string_equal(v.names[i], want[i]);
	assert_int_equal(tu_count(away), 250);
	free(away);
	free(md);
	tu_rmdir(dir);
}

static void
test_deliver_into_full_disk_leaves_nothing(void **state)
{
	char *dir = tu_tmpdir(), *md = path_fmt("%s/m", dir), *sub, *p = NULL;
	static char big[256 * 1024];

	(void)state;
	if (geteuid() != 0 ||
	    mount("tmpfs", dir, "tmpfs", 0, "size=64k") != 0) {
		free(md);
		tu_rmdir(dir);
		skip();
	}
	assert_int_equal(maildir_create(md), MA_OK);
	memset(big, 'a', sizeof big);
	log_adjust(-5);
	assert_int_equal(maildir_deliver_mem(md, big, sizeof big, &p),
			 MA_ETEMP);
	log_adjust(+5);
	assert_null(p);
	sub = path_fmt("%s/tmp", md);
	assert_int_equal(tu_count(sub), 0);
	free(sub);
	sub = path_fmt("%s/new", md);
	assert_int_equal(tu_count(sub), 0);
	free(sub);
	/* A small one still fits: the failure left no space taken. */
	assert_int_equal(maildir_deliver_mem(md, "x", 1, &p), MA_OK);
	free(p);
	umount(dir);
	free(md);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unique_names_differ_and_follow_the_spec),
	    cmocka_unit_test(test_deliver_puts_bytes_in_new_and_nothing_in_tmp),
	    cmocka_unit_test(test_aborted_message_leaves_nothing),
	    cmocka_unit_test(test_move_keeps_name_and_is_in_one_place),
	    cmocka_unit_test(test_scan_visits_new_then_cur_sorted),
	    cmocka_unit_test(test_scan_in_windows_sees_each_once_in_order),
	    cmocka_unit_test(test_deliver_into_full_disk_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
