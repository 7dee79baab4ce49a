/*
 * lib/msg: intake normalisation and the one decision on what a message
 * is (issue 12, classes 1, 2 and 3). Each case is a message made here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "msg.h"

struct file {
	char path[64];
};

/* A temp file holding n bytes of p. */
static void
make(struct file *f, const char *p, size_t n)
{
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/intake_test.XXXXXX");
	assert_true((fd = mkstemp(f->path)) >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

#define MAKE(f, lit) make((f), (lit), sizeof(lit) - 1)

static struct msg *
check(const struct file *f)
{
	struct msg *m = NULL;

	assert_int_equal(msg_open(f->path, MSG_CHECK, &m), MA_OK);
	return m;
}

/* The normalised copy of f, as a string (caller frees). */
static char *
normalised(const struct file *f, struct file *copy)
{
	FILE *out = tmpfile();
	char *text;
	long n;

	assert_non_null(out);
	assert_int_equal(msg_write_normalised(f->path, fileno(out)), MA_OK);
	n = lseek(fileno(out), 0, SEEK_END);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(pread(fileno(out), text, (size_t)n, 0), n);
	fclose(out);
	if (copy != NULL)
		make(copy, text, (size_t)n);
	return text;
}

/*
 * The raw file and its normalised copy: the expected copy, one identity,
 * and the copy needs nothing more and is mail.
 */
static void
expect_normalised(const char *raw, size_t n, const char *want)
{
	struct file f, c;
	struct msg *a, *b;
	enum msg_verdict v;
	char *got;

	make(&f, raw, n);
	got = normalised(&f, &c);
	assert_string_equal(got, want);
	a = check(&f);
	b = check(&c);
	assert_true(a->normalise);
	assert_false(b->normalise);
	assert_int_equal(b->verdict, MSG_MAIL);
	assert_string_equal(a->identity, b->identity);
	assert_string_equal(a->message_id, b->message_id);
	assert_int_equal(msg_check_file(c.path, &v), MA_OK);
	assert_int_equal(v, MSG_MAIL);
	msg_free(a);
	msg_free(b);
	free(got);
	unlink(f.path);
	unlink(c.path);
}

#define EXPECT(raw, want) expect_normalised((raw), sizeof(raw) - 1, (want))

static void
test_bare_cr_files_are_distinct_and_become_lf(void **state)
{
	struct file f1, f2;
	struct msg *a, *b;

	(void)state;
	MAKE(&f1, "Received: by mx\rFrom: a@x\rSubject: first\r"
		  "Message-ID: <cr1@x>\r\rbody one\r");
	MAKE(&f2, "Received: by mx\rFrom: b@x\rSubject: second\r"
		  "Message-ID: <cr2@x>\r\rbody two\r");
	a = check(&f1);
	b = check(&f2);
	assert_string_equal(a->message_id, "cr1@x");
	assert_string_equal(b->message_id, "cr2@x");
	assert_string_not_equal(a->identity, b->identity);
	msg_free(a);
	msg_free(b);
	unlink(f1.path);
	unlink(f2.path);
	EXPECT("Received: by mx\rFrom: a@x\rSubject: first\r"
	       "Message-ID: <cr1@x>\r\rbody one\r\r\n",
	       "Received: by mx\nFrom: a@x\nSubject: first\n"
	       "Message-ID: <cr1@x>\n\nbody one\n\n");
}

static void
test_crlf_becomes_lf_and_keeps_bare_cr(void **state)
{
	(void)state;
	EXPECT("From: a@x\r\nSubject: s\r\nMessage-ID: <c@x>\r\n\r\n"
	       "a\rb\r\n",
	       "From: a@x\nSubject: s\nMessage-ID: <c@x>\n\na\rb\n");
}

static void
test_leading_blank_lines_envelope_and_bom_go(void **state)
{
	(void)state;
	EXPECT(" \n\t\nFrom: a@x\nSubject: s\n\nbody\n",
	       "From: a@x\nSubject: s\n\nbody\n");
	EXPECT("From a@x Sun Jul 16 15:06:25 2023\nFrom: a@x\nSubject: s\n"
	       "\nbody\n",
	       "From: a@x\nSubject: s\n\nbody\n");
	EXPECT("\xef\xbb\xbf"
	       "From: a@x\nSubject: s\n\nbody\n",
	       "From: a@x\nSubject: s\n\nbody\n");
	EXPECT("\xef\xbb\xbf\r\nFrom a@x Sun Jul 16 15:06:25 2023\r\n"
	       "From: a@x\r\nSubject: s\r\n\r\nbody\r\n",
	       "From: a@x\nSubject: s\n\nbody\n");
}

static void
test_blanks_before_a_colon_go_in_the_header_only(void **state)
{
	(void)state;
	EXPECT("From: a@x\nSubject : spaced\nTo\t: b@x\n\nKey : kept\n",
	       "From: a@x\nSubject: spaced\nTo: b@x\n\nKey : kept\n");
	/* "From :" is a header field, not an envelope line. */
	EXPECT("From : a@x\nSubject: s\n\nbody\n",
	       "From: a@x\nSubject: s\n\nbody\n");
}

static void
test_ordinary_mail_is_left_alone(void **state)
{
	struct file f;
	struct msg *m;
	char *got;

	(void)state;
	MAKE(&f, "From: a@x\nSubject: s\nMessage-ID: <o@x>\n\n"
		 "From the start\n\n\n");
	m = check(&f);
	assert_false(m->normalise);
	assert_int_equal(m->verdict, MSG_MAIL);
	got = normalised(&f, NULL);
	assert_string_equal(got, "From: a@x\nSubject: s\nMessage-ID: <o@x>\n\n"
				 "From the start\n\n\n");
	free(got);
	msg_free(m);
	unlink(f.path);
}

static enum msg_verdict
verdict_of(const char *p, size_t n)
{
	struct file f;
	struct msg *m;
	enum msg_verdict v;

	make(&f, p, n);
	m = check(&f);
	v = m->verdict;
	msg_free(m);
	unlink(f.path);
	return v;
}

#define VERDICT(lit) verdict_of((lit), sizeof(lit) - 1)

static void
test_not_a_message_has_a_reason(void **state)
{
	(void)state;
	assert_int_equal(VERDICT(""), MSG_EMPTY);
	assert_int_equal(VERDICT(" \n\r\n\t\n"), MSG_EMPTY);
	assert_int_equal(VERDICT("hello world\nno header here\n"),
			 MSG_NO_HEADER);
	assert_int_equal(VERDICT("\x89PNG\r\n\x1a\n\0\0\0\rIHDR:x\n"),
			 MSG_BINARY);
	assert_int_equal(VERDICT("X-Junk: \x01\x02\n\nbody\n"), MSG_BINARY);
	/* A stray control byte in mail that notmuch takes is no reason. */
	assert_int_equal(VERDICT("From: a@x\nX-Junk: \x01\x02\n\nbody\n"),
			 MSG_MAIL);
	assert_int_equal(VERDICT("Date: Sun, 16 Jul 2023 15:06:25 +0000\n"
				 "Message-ID: <anon@x>\n\nbody\n"),
			 MSG_NO_AUTHOR);
	assert_int_equal(VERDICT("Subject:   \nFrom:\n\nbody\n"),
			 MSG_NO_AUTHOR);
	/* One of the three is enough. */
	assert_int_equal(VERDICT("To: b@x\n\nbody\n"), MSG_MAIL);
	/* ESC in a raw ISO-2022-JP header is text. */
	assert_int_equal(VERDICT("Subject: \x1b$B$3$s\x1b(B\n\nbody\n"),
			 MSG_MAIL);
	assert_string_equal(msg_verdict_text(MSG_NO_AUTHOR),
			    "no From, To or Subject header");
	assert_int_equal(msg_verdict_parse("binary"), MSG_BINARY);
}

/* A message with only an envelope line left is an mbox: notmuch reads
 * one message from it, and so do we. */
static void
test_two_envelope_messages_are_not_one(void **state)
{
	struct file f;
	enum msg_verdict v;

	(void)state;
	MAKE(&f, "From a@x Sun Jul 16 15:06:25 2023\nFrom: a@x\nSubject: 1\n"
		 "\nbody\n\nFrom b@x Sun Jul 16 15:06:25 2023\nFrom: b@x\n"
		 "Subject: 2\n\nbody\n");
	assert_int_equal(msg_check_file(f.path, &v), MA_OK);
	assert_int_equal(v, MSG_UNPARSABLE);
	unlink(f.path);
}

/* Pieces of odd mail, as tests/lib/oddmail.py uses them. */
static const char *const heads[] = {
    "From: a@x",	"To: b@y",
    "Subject: hello",	"Date: Sun, 16 Jul 2023 15:06:25 +0000",
    "Subject:",		"From:   ",
    "Received: by mx",	"Content-Type: multipart/mixed; boundary=zz",
    "Subject : spaced", "From : a@x",
    "To\t: c@z",	" folded",
    "garbage line",	"From a@x Sun Jul 16 15:06:25 2023",
    "X-8bit: \xe9\xe8", "X-Ctl: \x01",
    ">From x",
};
static const char *const prefixes[] = {
    "",	   "\xef\xbb\xbf", "\n",
    " \n", "\t\r\n",	   "From a@x Sun Jul 16 15:06:25 2023\n",
    "\r",  "\r\n",
};
static const char *const eols[] = {"\n", "\r\n", "\r"};
static const char *const bodies[] = {
    "body\n", "", "From x\n>From y\n", "a\rb\n", "x\n\n\n", "\r\n\r\n",
};

#define PICK(v) ((v)[(unsigned)rand() % (sizeof(v) / sizeof(v)[0])])

/* The normalised copy of the file at path into a new temp file. */
static void
copy_of(const char *path, struct file *out)
{
	int fd;

	snprintf(out->path, sizeof out->path, "/tmp/intake_test.XXXXXX");
	assert_true((fd = mkstemp(out->path)) >= 0);
	assert_int_equal(msg_write_normalised(path, fd), MA_OK);
	close(fd);
}

static void
identity_of(const char *path, char *id, enum ma_status *stp)
{
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	*stp = msg_identity_stream(f, id, NULL);
	fclose(f);
}

/*
 * For many random odd messages: the raw file, its normalised copy and
 * the copy's copy have one identity (or are all not messages), and
 * normalising twice changes nothing more.
 */
static void
test_raw_and_normalised_copy_share_an_identity(void **state)
{
	(void)state;
	srand(12);
	for (int i = 0; i < 1500; i++) {
		char text[2048], a[MSG_IDENTITY_LEN + 1],
		    b[MSG_IDENTITY_LEN + 1], c[MSG_IDENTITY_LEN + 1];
		const char *eol = PICK(eols);
		enum ma_status sa, sb, sc;
		struct file raw, c1, c2;
		size_t n = 0;
		int k = rand() % 6;

		n += (size_t)snprintf(text + n, sizeof text - n, "%s",
				      PICK(prefixes));
		for (int h = 0; h < k; h++)
			n += (size_t)snprintf(text + n, sizeof text - n, "%s%s",
					      PICK(heads), eol);
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", eol,
				      PICK(bodies));
		make(&raw, text, n);
		copy_of(raw.path, &c1);
		copy_of(c1.path, &c2);
		identity_of(raw.path, a, &sa);
		identity_of(c1.path, b, &sb);
		identity_of(c2.path, c, &sc);
		assert_int_equal(sa, sb);
		assert_int_equal(sb, sc);
		if (sa == MA_OK) {
			assert_string_equal(a, b);
			assert_string_equal(b, c);
		}
		unlink(raw.path);
		unlink(c1.path);
		unlink(c2.path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bare_cr_files_are_distinct_and_become_lf),
	    cmocka_unit_test(test_crlf_becomes_lf_and_keeps_bare_cr),
	    cmocka_unit_test(test_leading_blank_lines_envelope_and_bom_go),
	    cmocka_unit_test(test_blanks_before_a_colon_go_in_the_header_only),
	    cmocka_unit_test(test_ordinary_mail_is_left_alone),
	    cmocka_unit_test(test_not_a_message_has_a_reason),
	    cmocka_unit_test(test_two_envelope_messages_are_not_one),
	    cmocka_unit_test(test_raw_and_normalised_copy_share_an_identity),
	};

	log_init("intake_test");
	log_adjust(-2);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
