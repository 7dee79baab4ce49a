/*
 * Unit tests of the download of an attached message (lib/mime_rfc822.c):
 * it was gmime's rewrite of the parsed message (a broken fold dropped,
 * headers and multiparts written again), not the bytes the sender
 * attached. It is the part's bytes as archived, byte for byte.
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

/* An inner message gmime would write otherwise: a broken fold, a
 * preamble and an epilogue, odd spacing, blank lines at its end. */
#define INNER                                                                  \
	"From:   Inner  <inner@example.org>\n"                                 \
	"Subject: inner\nsplit off the subject\n"                              \
	"Message-ID: <inner@example.org>\nMIME-Version: 1.0\n"                 \
	"Content-Type: multipart/mixed;\n\tboundary=in\n\npreamble\n--in\n"    \
	"Content-Type: text/plain\n\ninner text\n--in--\nepilogue\n\n"

static const struct mime_att *
rfc822_att(const struct mime_msg *m)
{
	for (size_t i = 0; i < m->natt; i++)
		if (strcmp(m->att[i].type, "message/rfc822") == 0)
			return &m->att[i];
	fail_msg("no message/rfc822 attachment");
	return NULL;
}

static void
expect_bytes(const char *text, const char *want)
{
	struct mime_msg *m = parse(text);
	const struct mime_att *a = rfc822_att(m);

	assert_int_equal(a->size, strlen(want));
	assert_memory_equal(a->data, want, a->size);
	mime_free(m);
}

#define OUTER                                                                  \
	"From: a@example.org\nSubject: fwd\nMIME-Version: 1.0\n"               \
	"Content-Type: multipart/mixed; boundary=\"out\"\n\n--out\n"           \
	"Content-Type: text/plain\n\nsee attached\n--out\n"

static void
test_attached_message_is_its_bytes(void **state)
{
	(void)state;
	expect_bytes(OUTER "Content-Type: message/rfc822\n"
			   "Content-Disposition: attachment; filename=a.eml\n"
			   "\n" INNER "\n--out--\n",
		     INNER);
	/* Its line end before the boundary is the boundary's; blanks
	 * after a boundary are allowed (RFC 2046 5.1.1). */
	expect_bytes(OUTER "Content-Type: message/rfc822\n\n" INNER "\n"
			   "--out  \nContent-Type: text/plain\n\nx\n--out--\n",
		     INNER);
}

static void
test_crlf_message(void **state)
{
	(void)state;
	expect_bytes("From: a@example.org\r\nSubject: fwd\r\n"
		     "Content-Type: multipart/mixed; boundary=out\r\n\r\n"
		     "--out\r\nContent-Type: message/rfc822\r\n\r\n"
		     "From: b@example.org\r\nSubject:  b\r\n\r\nbody\r\n\r\n"
		     "--out--\r\n",
		     "From: b@example.org\r\nSubject:  b\r\n\r\nbody\r\n");
}

static void
test_whole_body_and_unclosed_multipart(void **state)
{
	(void)state;
	/* The message's own body is the attached message: to the end. */
	expect_bytes("From: a@example.org\nSubject: fwd\nMIME-Version: 1.0\n"
		     "Content-Type: message/rfc822\n\n" INNER,
		     INNER);
	/* A multipart cut short: the message runs to the end. */
	expect_bytes(OUTER "Content-Type: message/rfc822\n\n" INNER, INNER);
}

static void
test_digest_part_without_header(void **state)
{
	(void)state;
	/* multipart/digest: a part with no header is message/rfc822. */
	expect_bytes("From: a@example.org\nSubject: digest\nMIME-Version: 1.0\n"
		     "Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
		     "From: c@example.org\nSubject:  first\n\none\n--d\n\n"
		     "From: d@example.org\nSubject: second\n\ntwo\n--d--\n",
		     "From: c@example.org\nSubject:  first\n\none");
}

static void
test_multipart_without_boundary(void **state)
{
	(void)state;
	/* The parts are read again from the body (mime_unbounded.c): the
	 * offsets are not the message's, so gmime's writing stands. */
	expect_bytes("From: a@example.org\nSubject: nb\nMIME-Version: 1.0\n"
		     "Content-Type: multipart/mixed\n\n--zz\n"
		     "Content-Type: text/plain\n\nhi\n--zz\n"
		     "Content-Type: message/rfc822\n\nFrom: x@example.org\n"
		     "Subject: s\n\nbody\n--zz--\n",
		     "From: x@example.org\nSubject: s\n\nbody");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_attached_message_is_its_bytes),
	    cmocka_unit_test(test_crlf_message),
	    cmocka_unit_test(test_whole_body_and_unclosed_multipart),
	    cmocka_unit_test(test_digest_part_without_header),
	    cmocka_unit_test(test_multipart_without_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
