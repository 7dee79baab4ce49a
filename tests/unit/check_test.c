/* lib/check: each kind of difference between archive, index and site. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"
#include "index.h"
#include "log.h"
#include "maildir.h"
#include "path.h"
#include "permalink.h"

#include "testutil.h"
#include "testutil.inc"

/* Deliver a message with id into SPACE/archive; the path is malloc'd. */
static char *
archive_message(const char *space, const char *id)
{
	char text[256], *arch = path_fmt("%s/archive", space), *p = NULL;

	snprintf(text, sizeof text,
		 "From: a@example.com\nSubject: s %s\nMessage-ID: <%s>\n\nb\n",
		 id, id);
	assert_int_equal(maildir_create(arch), MA_OK);
	assert_int_equal(maildir_deliver_mem(arch, text, strlen(text), &p),
			 MA_OK);
	free(arch);
	return p;
}

static void
index_file(const char *space, const char *path)
{
	const char *const tags[] = {"space:sp", NULL};
	struct index *ix = NULL;

	assert_int_equal(index_open(space, INDEX_WRITE, &ix), MA_OK);
	assert_int_equal(index_add(ix, path, tags, NULL), MA_OK);
	assert_int_equal(index_close(ix), MA_OK);
}

static void
write_page(const char *space, const char *id)
{
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX], *dir;
	char *page;

	assert_int_equal(permalink_name(id, name), MA_OK);
	assert_int_equal(permalink_stem(name, stem), MA_OK);
	dir = path_fmt("%s/site/m/%.2s", space, stem);
	assert_int_equal(path_mkdir_p(dir, 0700), MA_OK);
	page = path_fmt("%s/site/m/%s.html", space, stem);
	tu_write(page, "<p>page</p>\n", 0644);
	free(page);
	free(dir);
}

struct seen {
	unsigned long n[CHECK_KINDS];
	char what[CHECK_KINDS][512];
};

static void
note(enum check_kind kind, const char *what, const char *id, void *arg)
{
	struct seen *s = arg;

	(void)id;
	s->n[kind]++;
	snprintf(s->what[kind], sizeof s->what[kind], "%s", what);
}

static void
run_check(const char *space, struct check_result *r, struct seen *s)
{
	char *site = path_fmt("%s/site", space);
	struct check_opts o = {
	    .space_dir = space, .site_dir = site, .report = note, .arg = s};

	memset(s, 0, sizeof *s);
	assert_int_equal(check_run(&o, r), MA_OK);
	free(site);
}

static void
test_agreeing_space_has_no_difference(void **state)
{
	char *dir = tu_tmpdir(), *space = path_fmt("%s/sp", dir);
	char *p1 = archive_message(space, "one@x");
	char *p2 = archive_message(space, "two@x");
	struct check_result r;
	struct seen s;

	(void)state;
	index_file(space, p1);
	index_file(space, p2);
	write_page(space, "one@x");
	write_page(space, "two@x");
	run_check(space, &r, &s);
	assert_int_equal(check_differences(&r), 0);
	assert_int_equal(r.archived, 2);
	assert_int_equal(r.messages, 2);
	assert_int_equal(r.indexed_files, 2);
	assert_int_equal(r.pages, 2);
	check_result_release(&r);
	free(p1);
	free(p2);
	free(space);
	tu_rmdir(dir);
}

static void
test_each_kind_is_reported(void **state)
{
	char *dir = tu_tmpdir(), *space = path_fmt("%s/sp", dir);
	char *p1 = archive_message(space, "one@x");
	char *p2 = archive_message(space, "two@x");
	char *p3 = archive_message(space, "three@x");
	char *p4 = archive_message(space, "four@x");
	char *tombs = path_fmt("%s/tombstones", space);
	struct check_result r;
	struct seen s;

	(void)state;
	index_file(space, p1);
	index_file(space, p2);
	index_file(space, p4);
	/* three@x is archived, not indexed; two@x indexed, then lost. */
	assert_int_equal(unlink(p2), 0);
	write_page(space, "one@x");
	write_page(space, "two@x");
	/* four@x has no page; a stray page; a tombstone's page. */
	write_page(space, "stray@x");
	write_page(space, "gone@x");
	tu_write(tombs,
		 "2026-11-22T18:00:00Z\t<gone@x>\t-\t-\n"
		 "2026-11-22T18:00:00Z\tone@x\t-\t-\n"
		 "2026-11-22T18:00:00Z\tbeing-written@x",
		 0600);
	run_check(space, &r, &s);
	assert_int_equal(s.n[CHECK_NOT_INDEXED], 1);
	assert_string_equal(s.what[CHECK_NOT_INDEXED] + strlen("archive/new/"),
			    strrchr(p3, '/') + 1);
	assert_int_equal(s.n[CHECK_GONE], 1);
	assert_int_equal(s.n[CHECK_NO_PAGE], 1);
	assert_string_equal(s.what[CHECK_NO_PAGE], "m/3b/four@x.html");
	assert_int_equal(s.n[CHECK_STRAY_PAGE], 1);
	assert_string_equal(s.what[CHECK_STRAY_PAGE], "m/01/stray@x.html");
	assert_int_equal(s.n[CHECK_TOMBSTONED], 1);
	assert_string_equal(s.what[CHECK_TOMBSTONED], "one@x");
	assert_int_equal(s.n[CHECK_OUTSIDE], 0);
	assert_int_equal(r.tombstones, 2);
	assert_int_equal(check_differences(&r), 5);
	assert_int_equal(r.n_not_indexed, 1);
	assert_string_equal(strrchr(r.not_indexed[0], '/'), strrchr(p3, '/'));
	assert_int_equal(r.n_gone, 1);
	check_result_release(&r);
	free(tombs);
	free(p1);
	free(p2);
	free(p3);
	free(p4);
	free(space);
	tu_rmdir(dir);
}

static void
test_repair_index_indexes_and_forgets(void **state)
{
	char *dir = tu_tmpdir(), *space = path_fmt("%s/sp", dir);
	char *p1 = archive_message(space, "one@x");
	char *p2 = archive_message(space, "two@x");
	char *state_dir = path_fmt("%s/state", space);
	unsigned long not_mail = 1;
	struct check_result r;
	struct seen s;

	(void)state;
	assert_int_equal(path_mkdir_p(state_dir, 0700), MA_OK);
	index_file(space, p1);
	assert_int_equal(unlink(p1), 0);
	write_page(space, "two@x");
	run_check(space, &r, &s);
	/* one@x: indexed but gone, no page; two@x: not indexed, its page
	 * stray. */
	assert_int_equal(check_differences(&r), 4);
	assert_int_equal(check_repair_index(space, "sp", &r, false, &not_mail),
			 MA_OK);
	assert_int_equal(not_mail, 0);
	check_result_release(&r);
	run_check(space, &r, &s);
	assert_int_equal(check_differences(&r), 0);
	assert_int_equal(r.messages, 1);
	check_result_release(&r);
	free(state_dir);
	free(p1);
	free(p2);
	free(space);
	tu_rmdir(dir);
}

static void
test_no_database_is_an_empty_index(void **state)
{
	char *dir = tu_tmpdir(), *space = path_fmt("%s/sp", dir);
	char *p1 = archive_message(space, "one@x");
	struct check_result r;
	struct seen s;

	(void)state;
	run_check(space, &r, &s);
	assert_int_equal(r.messages, 0);
	assert_int_equal(s.n[CHECK_NOT_INDEXED], 1);
	assert_int_equal(check_differences(&r), 1);
	check_result_release(&r);
	free(p1);
	free(space);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_agreeing_space_has_no_difference),
	    cmocka_unit_test(test_each_kind_is_reported),
	    cmocka_unit_test(test_repair_index_indexes_and_forgets),
	    cmocka_unit_test(test_no_database_is_an_empty_index),
	};

	log_init("check_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
