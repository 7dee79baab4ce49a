#include "testutil.h"
#include "testutil.inc"

#include "render/render_int.h"

static void
test_render_fmt_refuses_what_does_not_fit(void **state)
{
	char rel[16];

	(void)state;
	assert_int_equal(
	    render_fmt(rel, sizeof rel, "%s/index.html", "2026/01"),
	    MA_ETOOBIG);
	assert_int_equal(render_fmt(rel, sizeof rel, "%s/x.html", "2026/01"),
			 MA_OK);
	assert_string_equal(rel, "2026/01/x.html");
	/* Exactly full: 15 characters and the NUL. */
	assert_int_equal(render_fmt(rel, sizeof rel, "%s", "123456789012345"),
			 MA_OK);
	assert_int_equal(render_fmt(rel, sizeof rel, "%s", "1234567890123456"),
			 MA_ETOOBIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render_fmt_refuses_what_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
