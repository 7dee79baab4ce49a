/* lib/msg: the identity rule of msg.h over the corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "msg.h"

static struct msg *
open_corpus(const char *name, unsigned flags)
{
	char path[4096];
	struct msg *m = NULL;

	snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, name);
	assert_int_equal(msg_open(path, flags, &m), MA_OK);
	return m;
}

static void
test_bcc_and_forwarded_copy_have_one_identity(void **state)
{
	struct msg *a = open_corpus("bcc-copy.eml", 0);
	struct msg *b = open_corpus("forwarded-copy.eml", 0);

	(void)state;
	assert_string_equal(a->message_id,
			    "20261117091402.4242@mail.example.org");
	assert_string_equal(a->message_id, b->message_id);
	assert_string_equal(a->identity, b->identity);
	assert_false(a->synthetic);
	msg_free(a);
	msg_free(b);
}

static void
test_same_id_other_body_differs(void **state)
{
	struct msg *a = open_corpus("same-id-1.eml", 0);
	struct msg *b = open_corpus("same-id-2.eml", 0);

	(void)state;
	assert_string_equal(a->message_id, b->message_id);
	assert_string_not_equal(a->identity, b->identity);
	msg_free(a);
	msg_free(b);
}

static void
test_missing_message_id_is_synthetic_and_stable(void **state)
{
	struct msg *a = open_corpus("no-message-id.eml", 0);
	struct msg *b = open_corpus("no-message-id-again.eml", 0);

	(void)state;
	assert_true(a->synthetic);
	assert_string_equal(a->message_id, b->message_id);
	assert_int_equal(strncmp(a->message_id, "synthetic-", 10), 0);
	assert_non_null(strstr(a->message_id, "@mailarc.invalid"));
	assert_int_equal(strncmp(a->message_id + 10, a->identity, 32), 0);
	msg_free(a);
	msg_free(b);
}

static void
test_no_archive_and_attachment(void **state)
{
	struct msg *a = open_corpus("x-no-archive.eml", 0);
	struct msg *b = open_corpus("attachment.eml", MSG_MIME);
	struct msg *c = open_corpus("broken-boundary.eml", MSG_MIME);
	struct msg *d = open_corpus("8bit-headers.eml", MSG_MIME);

	(void)state;
	assert_true(a->no_archive);
	assert_false(b->no_archive);
	assert_true(b->has_attachment);
	assert_true(c->has_attachment);
	assert_false(d->has_attachment);
	msg_free(a);
	msg_free(b);
	msg_free(c);
	msg_free(d);
}

static void
test_not_a_message_is_edata(void **state)
{
	char path[4096];
	struct msg *m = NULL;

	(void)state;
	snprintf(path, sizeof path, "%s/not-a-message.txt", CORPUS_DIR);
	assert_int_equal(msg_open(path, 0, &m), MA_EDATA);
	assert_null(m);
	assert_int_equal(msg_open("/nonexistent/x", 0, &m), MA_ENOTFOUND);
}

static void
identity_of(const char *text, char *out)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	assert_int_equal(msg_identity_stream(f, out, NULL), MA_OK);
	fclose(f);
}

static void
test_body_normalisation(void **state)
{
	char a[MSG_IDENTITY_LEN + 1], b[MSG_IDENTITY_LEN + 1];

	(void)state;
	/* CRLF, trailing empty lines and mbox quoting do not count. */
	identity_of("From: x@y\nSubject: s\n\nline\nFrom here\n", a);
	identity_of("From: x@y\r\nSubject: s\r\n\r\nline\r\n>From here\r\n"
		    "\r\n\r\n",
		    b);
	assert_string_equal(a, b);
	/* Folding and blanks in author fields do not count either. */
	identity_of("From:  x@y \nSubject:\n\t s\n\nline\nFrom here\n", b);
	assert_string_equal(a, b);
	/* Trace fields do not count; author fields and the body do. */
	identity_of("Received: by z\nFrom: x@y\nSubject: s\n\nline\nFrom "
		    "here\n",
		    b);
	assert_string_equal(a, b);
	identity_of("From: x@y\nSubject: t\n\nline\nFrom here\n", b);
	assert_string_not_equal(a, b);
	identity_of("From: x@y\nSubject: s\n\nline\nFrom there\n", b);
	assert_string_not_equal(a, b);
	identity_of("From: x@y\nSubject: s\n\n\nline\nFrom here\n", b);
	assert_string_not_equal(a, b);
}

static void
test_message_id_parsing(void **state)
{
	char *id;

	(void)state;
	id = msg_parse_message_id(" <a.b@c.d> (comment)");
	assert_string_equal(id, "a.b@c.d");
	free(id);
	id = msg_parse_message_id("\n <folded@example.com>\n");
	assert_string_equal(id, "folded@example.com");
	free(id);
	assert_null(msg_parse_message_id("   "));
	assert_null(msg_parse_message_id(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bcc_and_forwarded_copy_have_one_identity),
	    cmocka_unit_test(test_same_id_other_body_differs),
	    cmocka_unit_test(test_missing_message_id_is_synthetic_and_stable),
	    cmocka_unit_test(test_no_archive_and_attachment),
	    cmocka_unit_test(test_not_a_message_is_edata),
	    cmocka_unit_test(test_body_normalisation),
	    cmocka_unit_test(test_message_id_parsing),
	};

	log_init("msg_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
