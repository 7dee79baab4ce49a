/* lib/index: the notmuch layout others open, adding, finding, removing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <notmuch.h>

#include <cmocka.h>

#include "index.h"
#include "log.h"
#include "maildir.h"
#include "path.h"

static char *
add_message(const char *space, const char *id)
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

static int
count_hits(const struct index_hit *h, void *arg)
{
	(*(int *)arg)++;
	assert_int_equal(h->nfiles, 1);
	assert_non_null(h->thread_id);
	return 0;
}

static void
test_layout_is_what_others_open(void **state)
{
	char *cwd = getcwd(NULL, 0), *space = path_fmt("%s/sp", cwd), *cfg;
	notmuch_database_t *db = NULL;
	struct index *ix = NULL;
	char *msg = NULL;

	(void)state;
	assert_int_equal(path_mkdir_p(space, 0700), MA_OK);
	assert_int_equal(index_open(space, INDEX_WRITE, &ix), MA_OK);
	assert_int_equal(index_close(ix), MA_OK);
	cfg = index_config_path(space);
	assert_string_equal(cfg + strlen(cfg) - 15, "/notmuch/config");
	/* Exactly the call the renderer makes. */
	assert_int_equal(
	    notmuch_database_open_with_config(
		NULL, NOTMUCH_DATABASE_MODE_READ_ONLY, cfg, NULL, &db, &msg),
	    NOTMUCH_STATUS_SUCCESS);
	notmuch_database_destroy(db);
	free(msg);
	free(cfg);
	free(space);
	free(cwd);
}

static void
test_add_find_count_remove(void **state)
{
	const char *const tags[] = {"space:sp", "account:main", NULL};
	char *cwd = getcwd(NULL, 0), *space = path_fmt("%s/sp2", cwd);
	char *p1, *p2, *id = NULL;
	struct index *ix = NULL;
	unsigned long n = 0;
	int hits = 0;

	(void)state;
	p1 = add_message(space, "one@x");
	p2 = add_message(space, "two@x");
	assert_int_equal(index_open(space, INDEX_WRITE, &ix), MA_OK);
	assert_int_equal(index_add(ix, p1, tags, &id), MA_OK);
	assert_string_equal(id, "one@x");
	free(id);
	assert_int_equal(index_add(ix, p2, tags, NULL), MA_OK);
	/* Again: recognised, nothing added twice. */
	assert_int_equal(index_add(ix, p2, tags, NULL), MA_OK);
	assert_int_equal(index_commit(ix), MA_OK);
	assert_int_equal(index_count(ix, "tag:account:main", false, &n), MA_OK);
	assert_int_equal(n, 2);
	assert_int_equal(index_find(ix, "<one@x>", count_hits, &hits), MA_OK);
	assert_int_equal(hits, 1);
	assert_int_equal(index_find(ix, "zzz@x", count_hits, &hits),
			 MA_ENOTFOUND);
	assert_int_equal(index_remove(ix, p1), MA_OK);
	assert_int_equal(index_count(ix, "*", true, &n), MA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(index_count(ix, "date:foo..bar", false, &n),
			 MA_EUSAGE);
	assert_int_equal(index_add(ix, "/nonexistent/x", tags, NULL),
			 MA_ENOTFOUND);
	assert_int_equal(index_close(ix), MA_OK);
	assert_int_equal(index_open(space, INDEX_READ, &ix), MA_OK);
	assert_int_equal(index_count(ix, "*", false, &n), MA_OK);
	assert_int_equal(n, 1);
	assert_int_equal(index_close(ix), MA_OK);
	free(p1);
	free(p2);
	free(space);
	free(cwd);
}

static void
test_read_without_database_is_not_found(void **state)
{
	struct index *ix = NULL;

	(void)state;
	assert_int_equal(path_mkdir_p("sp3", 0700), MA_OK);
	assert_int_equal(index_open("sp3", INDEX_READ, &ix), MA_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layout_is_what_others_open),
	    cmocka_unit_test(test_add_find_count_remove),
	    cmocka_unit_test(test_read_without_database_is_not_found),
	};

	log_init("index_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
