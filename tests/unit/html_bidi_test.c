/*
 * Unit tests of bidi controls in escaped mail text (lib/html.c): an
 * embedding, override or isolate that a piece of text opens and does not
 * close is closed at its end, so that it cannot reorder what the page
 * prints after it (an unterminated RLO in a sender's name showed the
 * address after it reversed). Text without them is unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "html.h"

#define LRE "\xe2\x80\xaa"
#define RLE "\xe2\x80\xab"
#define PDF "\xe2\x80\xac"
#define RLO "\xe2\x80\xae"
#define LRI "\xe2\x81\xa6"
#define RLI "\xe2\x81\xa7"
#define PDI "\xe2\x81\xa9"

static void
check(const char *in, const char *want)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(html_escapes(&b, in), MA_OK);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void
test_unterminated_controls_are_closed(void **state)
{
	(void)state;
	check("Mallory " RLO "evil", "Mallory " RLO "evil" PDF);
	check(RLI "a" LRE "b", RLI "a" LRE "b" PDF PDI);
	check(RLE "x" RLI "y", RLE "x" RLI "y" PDI PDF);
}

static void
test_balanced_and_plain_text_unchanged(void **state)
{
	(void)state;
	check("invoice " RLO "gpj.exe" PDF " <a&b>",
	      "invoice " RLO "gpj.exe" PDF " &lt;a&amp;b&gt;");
	check(LRI "x" PDI " and " RLE "y" PDF, LRI "x" PDI " and " RLE "y" PDF);
	check("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d caf\xc3\xa9 \xe2\x80\x94",
	      "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d caf\xc3\xa9 \xe2\x80\x94");
}

static void
test_pdi_closes_embeddings_inside_its_isolate(void **state)
{
	(void)state;
	/* PDI ends the isolate and the RLO opened in it; a PDF does not
	 * reach past an isolate, so the isolate stays open. */
	check(RLI RLO "a" PDI "b", RLI RLO "a" PDI "b");
	check(RLE RLI "a" PDF, RLE RLI "a" PDF PDI PDF);
	check(PDF PDI "stray", PDF PDI "stray");
}

static void
test_deep_nesting_is_bounded(void **state)
{
	struct buf in, out;
	size_t closers = 0;

	(void)state;
	buf_init(&in, 1 << 20);
	buf_init(&out, 1 << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_adds(&in, RLO), MA_OK);
	assert_int_equal(html_escape(&out, in.data, in.len), MA_OK);
	for (size_t i = in.len; i + 3 <= out.len; i += 3)
		closers += memcmp(out.data + i, PDF, 3) == 0;
	assert_int_equal(out.len, in.len + 125 * 3);
	assert_int_equal(closers, 125);
	buf_release(&in);
	buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unterminated_controls_are_closed),
	    cmocka_unit_test(test_balanced_and_plain_text_unchanged),
	    cmocka_unit_test(test_pdi_closes_embeddings_inside_its_isolate),
	    cmocka_unit_test(test_deep_nesting_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
