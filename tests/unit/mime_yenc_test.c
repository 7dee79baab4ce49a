/*
 * Unit tests of files yEnc-encoded into a text body (lib/mime_yenc.c):
 * the page showed a screen of 8-bit noise, mojibake after the charset
 * was applied; a block whose size and CRC check is now an attachment,
 * and the text says "[file NAME: attached]" in its place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <zlib.h>

#include "mime.h"

#include "mime_parse.inc"

#define HEAD                                                                   \
	"From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"                 \
	"Content-Type: text/plain; charset=iso-8859-1\n"                       \
	"Content-Transfer-Encoding: 8bit\n\n"

/* The data: every byte value, the critical ones included. */
static unsigned char data[256];

/* yEnc of data[0..n) in lines of at most 64 characters. */
static void
yenc(GString *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(data[i] + 42);

		if (c == 0 || c == '\n' || c == '\r' || c == '=') {
			g_string_append_c(s, '=');
			c = (unsigned char)(c + 64);
			col++;
		}
		g_string_append_c(s, (char)c);
		if (++col >= 64) {
			g_string_append_c(s, '\n');
			col = 0;
		}
	}
	if (col > 0)
		g_string_append_c(s, '\n');
}

/* A message: text, the block (its =yend line end), text. */
static struct mime_msg *
message(const char *begin, size_t n, const char *end)
{
	GString *s = g_string_new(HEAD "Here is the picture.\n\n");
	struct mime_msg *m;

	g_string_append(s, begin);
	yenc(s, n);
	g_string_append(s, end);
	g_string_append(s, "\nafter the file, caf\xe9\n");
	m = parse(s->str);
	g_string_free(s, TRUE);
	return m;
}

static char *
yend(size_t n, bool crc)
{
	unsigned long c = crc32(0L, data, (uInt)n);

	return crc ? g_strdup_printf("=yend size=%zu crc32=%08lx", n, c)
		   : g_strdup_printf("=yend size=%zu", n);
}

static void
test_block_becomes_a_file(void **state)
{
	char *end = yend(sizeof data, true);
	struct mime_msg *m = message(
	    "=ybegin line=64 size=256 name=pic\xe9.bin\n", sizeof data, end);

	(void)state;
	assert_non_null(strstr(m->body, "Here is the picture."));
	assert_non_null(strstr(m->body, "[file pic\xc3\xa9.bin: attached]\n"));
	assert_non_null(strstr(m->body, "after the file, caf\xc3\xa9"));
	assert_null(strstr(m->body, "=ybegin"));
	assert_int_equal(m->natt, 1);
	assert_string_equal(m->att[0].filename, "pic\xc3\xa9.bin");
	assert_int_equal(m->att[0].size, sizeof data);
	assert_memory_equal(m->att[0].data, data, sizeof data);
	g_free(end);
	mime_free(m);
}

static void
test_block_without_crc_checks_its_size(void **state)
{
	char *end = yend(100, false);
	struct mime_msg *m =
	    message("=ybegin line=64 size=100 name=a b.dat\n", 100, end);

	(void)state;
	assert_non_null(strstr(m->body, "[file a b.dat: attached]\n"));
	assert_int_equal(m->natt, 1);
	assert_int_equal(m->att[0].size, 100);
	assert_memory_equal(m->att[0].data, data, 100);
	g_free(end);
	mime_free(m);
}

static void
test_bad_crc_stays_text(void **state)
{
	struct mime_msg *m = message("=ybegin line=64 size=20 name=x.bin\n", 20,
				     "=yend size=20 crc32=00000000");

	(void)state;
	assert_non_null(strstr(m->body, "=ybegin line=64 size=20 name=x.bin"));
	assert_int_equal(m->natt, 0);
	mime_free(m);
}

static void
test_wrong_size_and_part_stay_text(void **state)
{
	char *end = yend(20, false);
	struct mime_msg *m =
	    message("=ybegin line=64 size=21 name=x.bin\n", 20, end);

	(void)state;
	assert_int_equal(m->natt, 0);
	assert_non_null(strstr(m->body, "=ybegin"));
	mime_free(m);
	/* One part of several cannot be the file. */
	m = message("=ybegin part=1 line=64 size=40 name=x.bin\n"
		    "=ypart begin=1 end=20\n",
		    20, "=yend size=20 part=1");
	assert_int_equal(m->natt, 0);
	assert_non_null(strstr(m->body, "=ypart"));
	g_free(end);
	mime_free(m);
}

static void
test_prose_about_yenc_stays(void **state)
{
	struct mime_msg *m =
	    parse(HEAD "Lines start with =ybegin and end with =yend.\n"
		       "=ybegin is followed by name=x\n");

	(void)state;
	assert_int_equal(m->natt, 0);
	assert_non_null(strstr(m->body, "=ybegin is followed by name=x"));
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_block_becomes_a_file),
	    cmocka_unit_test(test_block_without_crc_checks_its_size),
	    cmocka_unit_test(test_bad_crc_stays_text),
	    cmocka_unit_test(test_wrong_size_and_part_stay_text),
	    cmocka_unit_test(test_prose_about_yenc_stays),
	};

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(255 - i);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
