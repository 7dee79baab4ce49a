/*
 * Unit tests of the From a page shows (mime_addrs_cover() in
 * lib/mime_addr.c): gmime skips what it cannot read of an address list,
 * so an unparsable address, or the line a broken fold joined after one,
 * lost its words from the page, which showed the other addresses alone.
 * The page shows the header's text as written then.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mime.h"

#include "mime_parse.inc"

#define TAIL "To: x@example.org\nSubject: s\n\nbody\n"

/* An unparsable address before a good one: Jean was on no page. */
static void
test_unparsable_address_first(void **state)
{
	struct mime_msg *m = parse("From: Jean Dupont <jean@@bad>,\n"
				   " Marie Curie <marie@example.org>\n" TAIL);

	(void)state;
	assert_int_equal(m->nfrom, 1);
	assert_true(m->from_partial);
	assert_non_null(strstr(m->from_text, "Jean Dupont"));
	assert_non_null(strstr(m->from_text, "Marie Curie"));
	mime_free(m);
}

/* A broken fold after an address with no closing '>': the joined line's
 * words were lost. */
static void
test_broken_fold_after_unclosed_address(void **state)
{
	struct mime_msg *m = parse("From: \"Jean Dupont\" <jean@example.org\n"
				   "Marie Curie Sklodowska\n" TAIL);

	(void)state;
	assert_true(m->from_partial);
	assert_non_null(strstr(m->from_text, "Sklodowska"));
	mime_free(m);
}

/* What the parser reads whole stays addresses. */
static void
test_whole_addresses(void **state)
{
	static const char *const froms[] = {
	    "Jean Dupont <jean@example.org>",
	    "\"Dupont, Jean\" <jean@example.org>, marie@example.org",
	    "jean@example.org (Jean Dupont)",
	    "=?utf-8?q?Jos=C3=A9_Mar=C3=ADa?= <jose@example.org>",
	    "<jean@example.org>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof froms / sizeof froms[0]; i++) {
		char buf[512];
		struct mime_msg *m;

		assert_true((size_t)snprintf(buf, sizeof buf, "From: %s\n" TAIL,
					     froms[i]) < sizeof buf);
		m = parse(buf);
		assert_true(m->nfrom > 0);
		assert_false(m->from_partial);
		mime_free(m);
	}
}

/* The listing's path: the header as notmuch stores it. */
static void
test_cover(void **state)
{
	struct mime_addr a[] = {{"Marie Curie", "marie@example.org"}};

	(void)state;
	assert_true(mime_addrs_cover("Marie Curie <marie@example.org>", a, 1));
	assert_false(mime_addrs_cover(
	    "Jean <jean@@bad>, Marie Curie <marie@example.org>", a, 1));
	assert_true(mime_addrs_cover("", a, 0));
	assert_false(mime_addrs_cover("word", a, 0));
}

/* A From of 20,000 addresses: each word looked for near the address of
 * the word before, not in every address (which took a minute). The
 * bound is 100 times what the linear walk takes under the sanitizers. */
static void
test_cover_many(void **state)
{
	enum { N = 20000 };
	struct mime_addr *a = calloc(N, sizeof *a);
	char *text = malloc((size_t)N * 160), *p = text;
	clock_t t0 = clock();

	(void)state;
	assert_non_null(a);
	assert_non_null(text);
	for (int i = 0; i < N; i++) {
		char *name = p;

		p += sprintf(p, "Person%d Name%d", i, i) + 1;
		a[i].addr = p;
		p += sprintf(p, "p%d@ex%d.example", i, i) + 1;
		a[i].name = name;
	}
	p += sprintf(p, "Person0 Name0 <p0@ex0.example>") + 1;
	{
		char *h = p;

		for (int i = 0; i < N; i++)
			p += sprintf(p, "%s%s <%s>", i ? ", " : "", a[i].name,
				     a[i].addr);
		/* A word of an address long before: found everywhere. */
		sprintf(p, ", Person0");
		assert_true(mime_addrs_cover(h, a, N));
		sprintf(p, ", Stranger");
		assert_false(mime_addrs_cover(h, a, N));
	}
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	free(text);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unparsable_address_first),
	    cmocka_unit_test(test_broken_fold_after_unclosed_address),
	    cmocka_unit_test(test_whole_addresses),
	    cmocka_unit_test(test_cover),
	    cmocka_unit_test(test_cover_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
