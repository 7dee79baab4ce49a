/*
 * lib/check: what mailarc check holds does not grow with the names it
 * compares beyond a few bytes each (it held some 300 bytes a message).
 * Measured on the site's pages: n stray pages, no index; the heap is
 * read at each report, when the listing is held whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "log.h"
#include "maildir.h"
#include "path.h"

#include "testutil.h"
#include "testutil.inc"

struct peak {
	size_t max;
	unsigned long n;
};

static void
sample(enum check_kind kind, const char *what, const char *id, void *arg)
{
	struct peak *p = arg;
	size_t h = tu_heap_now();

	(void)what;
	(void)id;
	assert_int_equal(kind, CHECK_STRAY_PAGE);
	p->n++;
	if (h > p->max)
		p->max = h;
}

/* The heap's peak over a check of a space with n stray pages. */
static size_t
peak_with_pages(int n)
{
	char *dir = tu_tmpdir(), *space = path_fmt("%s/sp", dir);
	char *arch = path_fmt("%s/archive", space);
	char *site = path_fmt("%s/site", space);
	struct check_opts o = {
	    .space_dir = space, .site_dir = site, .report = sample};
	struct check_result r;
	struct peak p = {0};
	size_t base;

	assert_int_equal(maildir_create(arch), MA_OK);
	for (int i = 0; i < 256; i++) {
		char *d = path_fmt("%s/m/%02x", site, i);

		assert_int_equal(path_mkdir_p(d, 0700), MA_OK);
		free(d);
	}
	for (int i = 0; i < n; i++) {
		char *f =
		    path_fmt("%s/m/%02x/page-number-%06d@example.com.html",
			     site, i % 256, i);

		tu_write(f, "", 0644);
		free(f);
	}
	o.arg = &p;
	base = tu_heap_now();
	assert_int_equal(check_run(&o, &r), MA_OK);
	assert_int_equal(p.n, (unsigned long)n);
	check_result_release(&r);
	free(arch);
	free(site);
	free(space);
	tu_rmdir(dir);
	return p.max > base ? p.max - base : 0;
}

static void
test_names_cost_a_few_bytes_each(void **state)
{
	size_t small, big;

	(void)state;
	small = peak_with_pages(1000);
	big = peak_with_pages(10000);
	/* 9,000 more pages: under 16 bytes each (strings: over 60). */
	assert_true(big < small + 9000 * 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_cost_a_few_bytes_each),
	};

	log_init("check_memory_test");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
