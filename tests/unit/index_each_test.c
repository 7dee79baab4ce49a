/* lib/index_each.c: every indexed message once, whatever the window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "index.h"
#include "log.h"
#include "maildir.h"
#include "path.h"

#include "testutil.h"
#include "testutil.inc"

#define N 23

struct count {
	int seen[N];
	int other;
};

static int
tally(const struct index_hit *h, void *arg)
{
	struct count *c = arg;
	int i;

	if (sscanf(h->message_id, "m%d@x", &i) == 1 && i >= 0 && i < N)
		c->seen[i]++;
	else
		c->other++;
	return 0;
}

static void
test_each_message_once_in_any_window(void **state)
{
	char *dir = tu_tmpdir(), *space = path_fmt("%s/sp", dir);
	char *arch = path_fmt("%s/archive", space);
	const char *const tags[] = {"space:sp", NULL};
	const char *windows[] = {"1", "2", "5", "22", "23", "1000", NULL};
	struct index *ix = NULL;

	(void)state;
	assert_int_equal(maildir_create(arch), MA_OK);
	for (int i = 0; i < N; i++) {
		char text[128], *p = NULL;

		snprintf(text, sizeof text,
			 "From: a@x\nSubject: %d\nMessage-ID: <m%d@x>\n\nb\n",
			 i, i);
		assert_int_equal(
		    maildir_deliver_mem(arch, text, strlen(text), &p), MA_OK);
		/* A commit each: a revision each. */
		assert_int_equal(index_open(space, INDEX_WRITE, &ix), MA_OK);
		assert_int_equal(index_add(ix, p, tags, NULL), MA_OK);
		assert_int_equal(index_close(ix), MA_OK);
		free(p);
	}
	for (int w = 0; windows[w] != NULL; w++) {
		struct count c = {{0}, 0};

		setenv("MAILARC_INDEX_WINDOW", windows[w], 1);
		assert_int_equal(index_open(space, INDEX_READ, &ix), MA_OK);
		assert_int_equal(index_each(ix, tally, &c), MA_OK);
		assert_int_equal(index_close(ix), MA_OK);
		for (int i = 0; i < N; i++)
			assert_int_equal(c.seen[i], 1);
		assert_int_equal(c.other, 0);
	}
	unsetenv("MAILARC_INDEX_WINDOW");
	free(arch);
	free(space);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_message_once_in_any_window),
	};

	log_init("index_each_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
