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
	    cmocka_unit_test(test_deliver_into_full_disk_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
