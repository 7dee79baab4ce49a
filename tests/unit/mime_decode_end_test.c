/*
 * Unit tests of the end of a part's transfer decoding
 * (lib/mime_decode_end.c): base64 whose padding is missing (the last
 * quantum has 2 or 3 characters) and quoted-printable that ends inside an
 * escape. gmime dropped what it held at the end, so the text lost its last
 * letters and an attachment its last bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime.h"

#include "mime_parse.inc"

#define HEAD                                                                   \
	"From: a@end.example\nSubject: end\nMessage-ID: <e@end.example>\n"     \
	"MIME-Version: 1.0\n"

static struct mime_msg *
text_part(const char *cte, const char *body)
{
	char buf[1024];

	assert_true((size_t)snprintf(buf, sizeof buf,
				     HEAD "Content-Type: text/plain; "
					  "charset=utf-8\n"
					  "Content-Transfer-Encoding: %s\n\n%s",
				     cte, body) < sizeof buf);
	return parse(buf);
}

static void
assert_body(const char *cte, const char *encoded, const char *want)
{
	struct mime_msg *m = text_part(cte, encoded);

	assert_string_equal(m->body, want);
	mime_free(m);
}

/* 2 characters after the last quantum: one byte ("a"). */
static void
test_base64_two_left_is_one_byte(void **state)
{
	(void)state;
	assert_body("base64", "dGhlIGxhc3Qgd29yZCBpcyB6ZWJy\nYQ\n",
		    "the last word is zebra");
	/* The same without a newline at the end. */
	assert_body("base64", "dGhlIGxhc3Qgd29yZCBpcyB6ZWJyYQ",
		    "the last word is zebra");
}

/* 3 characters after the last quantum: two bytes ("lo"). */
static void
test_base64_three_left_is_two_bytes(void **state)
{
	(void)state;
	assert_body("base64", "SGVsbG8\n", "Hello");
}

/* Padded data decodes as before; so does a lone sextet (no byte). */
static void
test_base64_padded_unchanged(void **state)
{
	(void)state;
	assert_body("base64", "SGVsbG8=\n", "Hello");
	assert_body("base64", "dGhlIGxhc3Qgd29yZCBpcyB6ZWJyYQ==\n",
		    "the last word is zebra");
	assert_body("base64", "SGVsbA=\n", "Hell");
	assert_body("base64", "SGVsbG8gQ\n", "Hello ");
}

static void
test_base64_attachment_whole(void **state)
{
	static const unsigned char want[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	struct mime_msg *m =
	    parse(HEAD "Content-Type: multipart/mixed; boundary=b\n\n"
		       "--b\nContent-Type: text/plain\n\nsee the file\n"
		       "--b\nContent-Type: application/octet-stream\n"
		       "Content-Disposition: attachment; filename=x.bin\n"
		       "Content-Transfer-Encoding: base64\n\n"
		       "AAECAwQFBgcICQo\n--b--\n");

	(void)state;
	assert_int_equal(m->natt, 1);
	assert_int_equal(m->att[0].size, sizeof want);
	assert_memory_equal(m->att[0].data, want, sizeof want);
	mime_free(m);
}

/* "=X" at the very end stays; "=" alone is a soft break. */
static void
test_qp_escape_at_end(void **state)
{
	(void)state;
	assert_body("quoted-printable", "caf=C3=A9 total=3",
		    "caf\xc3\xa9 total=3");
	assert_body("quoted-printable",
		    "soft break at the end=", "soft break at the end");
	assert_body("quoted-printable", "soft break at the end=\r",
		    "soft break at the end");
	assert_body("quoted-printable", "a whole escape=3D\n",
		    "a whole escape=\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base64_two_left_is_one_byte),
	    cmocka_unit_test(test_base64_three_left_is_two_bytes),
	    cmocka_unit_test(test_base64_padded_unchanged),
	    cmocka_unit_test(test_base64_attachment_whole),
	    cmocka_unit_test(test_qp_escape_at_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
