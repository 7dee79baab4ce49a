/* Unit tests of mailto: URLs for replies (lib/mailto.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mailto.h"

static void
test_encode_keeps_only_unreserved(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(
	    mailto_encode(&b, "a-z.0_9~&?#%=+ \"'\xc3\xa9@", false), MA_OK);
	assert_string_equal(buf_cstr(&b), "a-z.0_9~%26%3F%23%25%3D%2B%20%22%27"
					  "%C3%A9%40");
	buf_reset(&b);
	assert_int_equal(mailto_encode(&b, "a+b@x.example", true), MA_OK);
	assert_string_equal(buf_cstr(&b), "a%2Bb@x.example");
	buf_reset(&b);
	/* Folded: CR and LF go, the white space after them stays. */
	assert_int_equal(mailto_encode(&b, "a\r\n b", false), MA_OK);
	assert_string_equal(buf_cstr(&b), "a%20b");
	buf_release(&b);
}

static void
test_subject_gets_one_re(void **state)
{
	char *s;

	(void)state;
	assert_non_null(s = mailto_subject("hello\r\n world"));
	assert_string_equal(s, "Re: hello world");
	free(s);
	assert_non_null(s = mailto_subject("RE: hello"));
	assert_string_equal(s, "RE: hello");
	free(s);
	assert_non_null(s = mailto_subject(""));
	assert_string_equal(s, "Re: ");
	free(s);
}

static void
test_references_trimmed_then_the_message(void **state)
{
	char refs[2048] = "", *r;
	size_t n = 0;

	(void)state;
	assert_non_null(r = mailto_references(NULL, "m@x"));
	assert_string_equal(r, "<m@x>");
	free(r);
	assert_non_null(r = mailto_references("<a@x>\r\n <b@x>", "m@x"));
	assert_string_equal(r, "<a@x> <b@x> <m@x>");
	free(r);
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(refs + n, sizeof refs - n, "<%d@x> ", i);
	assert_non_null(r = mailto_references(refs, "m@x"));
	/* The first, the last 19, the message: 21 ids. */
	assert_non_null(strstr(r, "<0@x> <11@x> <12@x>"));
	assert_null(strstr(r, "<10@x>"));
	assert_non_null(strstr(r, "<29@x> <m@x>"));
	free(r);
}

static void
test_url_shape(void **state)
{
	const char *to[] = {"a@x.example", "b@y.example"};
	struct mailto_reply m = {.to = to,
				 .nto = 2,
				 .cc = "arc@x.example",
				 .subject = "Re: s",
				 .in_reply_to = "<i@x>",
				 .references = "<i@x>"};
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(mailto_url(&b, &m), MA_OK);
	assert_string_equal(buf_cstr(&b),
			    "mailto:a@x.example,b@y.example?Cc=arc%40x.example"
			    "&In-Reply-To=%3Ci%40x%3E&References=%3Ci%40x%3E"
			    "&Subject=Re%3A%20s");
	buf_reset(&b);
	m.nto = 0;
	m.cc = NULL;
	assert_int_equal(mailto_url(&b, &m), MA_OK);
	assert_string_equal(buf_cstr(&b), "mailto:?In-Reply-To=%3Ci%40x%3E"
					  "&References=%3Ci%40x%3E&Subject="
					  "Re%3A%20s");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_keeps_only_unreserved),
	    cmocka_unit_test(test_subject_gets_one_re),
	    cmocka_unit_test(test_references_trimmed_then_the_message),
	    cmocka_unit_test(test_url_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
