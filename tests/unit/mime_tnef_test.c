/*
 * Unit tests of the files and text inside an Outlook TNEF part
 * (lib/mime_tnef.c): the page listed one opaque winmail.dat and said "no
 * text"; the files it carries are now attachments of their own after it,
 * and its text is the body of a message that has none.
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

#include "mime.h"

#include "mime_parse.inc"
#include "splitmix.inc"

/* A TNEF stream, or a MAPI property list ([MS-OXTNEF] 2.1.3.4), being
 * built. */
struct tnef {
	unsigned char b[4096];
	size_t n;
};

static void
put32(struct tnef *t, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		t->b[t->n++] = (unsigned char)(v >> (8 * i));
}

static void
attr(struct tnef *t, unsigned level, uint32_t id, const void *d, size_t len)
{
	unsigned sum = 0;

	assert_true(t->n + 11 + len <= sizeof t->b);
	t->b[t->n++] = (unsigned char)level;
	put32(t, id);
	put32(t, (uint32_t)len);
	memcpy(t->b + t->n, d, len);
	for (size_t i = 0; i < len; i++)
		sum += ((const unsigned char *)d)[i];
	t->n += len;
	t->b[t->n++] = (unsigned char)sum;
	t->b[t->n++] = (unsigned char)(sum >> 8);
}

static void
start(struct tnef *t)
{
	t->n = 0;
	put32(t, 0x223e9f78u);
	t->b[t->n++] = 0x01;
	t->b[t->n++] = 0x00;
}

static void
file(struct tnef *t, const char *name, const char *data)
{
	static const unsigned char rend[14] = {1};

	attr(t, 2, 0x00069002u, rend, sizeof rend);
	attr(t, 2, 0x00018010u, name, strlen(name) + 1);
	attr(t, 2, 0x0006800fu, data, strlen(data));
}

/* A message of text (NULL: none) and a winmail.dat holding t. */
static struct mime_msg *
message(const struct tnef *t, const char *text)
{
	gchar *b64 = g_base64_encode(t->b, t->n);
	GString *s =
	    g_string_new("From: a@example.com\nSubject: s\nMIME-Version: 1.0\n"
			 "Content-Type: multipart/mixed; boundary=b\n\n");
	struct mime_msg *m;

	if (text != NULL)
		g_string_append_printf(
		    s, "--b\nContent-Type: text/plain\n\n%s\n", text);
	g_string_append_printf(s,
			       "--b\nContent-Type: application/ms-tnef; "
			       "name=winmail.dat\nContent-Transfer-Encoding: "
			       "base64\n\n%s\n--b--\n",
			       b64);
	m = parse(s->str);
	g_string_free(s, TRUE);
	g_free(b64);
	return m;
}

static void
test_files_follow_winmail_dat(void **state)
{
	struct tnef t;
	struct mime_msg *m;

	(void)state;
	start(&t);
	file(&t, "notes.txt", "the notes\n");
	file(&t, "budget.csv", "a,b\n1,2\n");
	m = message(&t, "See the files.");
	assert_string_equal(m->body, "See the files.");
	assert_int_equal(m->natt, 3);
	assert_string_equal(m->att[0].type, "application/ms-tnef");
	assert_string_equal(m->att[1].filename, "notes.txt");
	assert_int_equal(m->att[1].size, 10);
	assert_memory_equal(m->att[1].data, "the notes\n", 10);
	assert_string_equal(m->att[1].type, "text/plain");
	assert_string_equal(m->att[2].filename, "budget.csv");
	assert_memory_equal(m->att[2].data, "a,b\n1,2\n", 8);
	mime_free(m);
}

static void
test_body_of_a_message_without_text(void **state)
{
	static const unsigned char cp[8] = {0xa4, 0x03}; /* 932 */
	struct tnef t;
	struct mime_msg *m;

	(void)state;
	start(&t);
	attr(&t, 1, 0x00069007u, cp, sizeof cp);
	attr(&t, 1, 0x0002800cu, "\x89\xef\x8b\x63 agenda\r\n", 13);
	file(&t, "\x8e\x91\x97\xbf.txt", "x");
	m = message(&t, NULL);
	assert_string_equal(m->body, "会議 agenda\n");
	assert_false(m->body_html);
	assert_int_equal(m->natt, 2);
	assert_string_equal(m->att[1].filename, "資料.txt");
	mime_free(m);
}

static void
test_att_body_follows_text_part(void **state)
{
	/* Search finds attBody (mime_extra_text()): the page shows it after
	 * the text part. */
	struct tnef t;
	struct mime_msg *m;

	(void)state;
	start(&t);
	attr(&t, 1, 0x0002800cu, "rich text", 9);
	m = message(&t, "plain text");
	assert_string_equal(m->body, "plain text\n\n"
				     "----- Text of winmail.dat -----\n"
				     "rich text\n");
	assert_int_equal(m->natt, 1);
	mime_free(m);
}

static void
test_att_body_as_the_text_part_is_shown_once(void **state)
{
	/* Outlook writes the text twice, with other line ends. */
	struct tnef t;
	struct mime_msg *m;

	(void)state;
	start(&t);
	attr(&t, 1, 0x0002800cu, "same\r\ntext \r\n", 14);
	m = message(&t, "same\ntext");
	assert_string_equal(m->body, "same\ntext");
	mime_free(m);
}

static void
test_cut_short_keeps_whole_files(void **state)
{
	struct tnef t;
	struct mime_msg *m;

	(void)state;
	start(&t);
	file(&t, "a.txt", "first file");
	file(&t, "b.txt", "second file");
	t.n -= 5; /* the last file's data cut */
	m = message(&t, "x");
	assert_int_equal(m->natt, 2);
	assert_string_equal(m->att[1].filename, "a.txt");
	mime_free(m);
}

static void
test_junk_and_odd_names(void **state)
{
	struct tnef t;
	struct mime_msg *m;

	(void)state;
	memset(t.b, 0x41, 64);
	t.n = 64;
	m = message(&t, "x");
	assert_int_equal(m->natt, 1);
	mime_free(m);
	start(&t);
	file(&t, "../etc/pass\nwd", "p");
	file(&t, "", "no name");
	m = message(&t, "x");
	assert_int_equal(m->natt, 3);
	assert_string_equal(m->att[1].filename, ".._etc_pass_wd");
	assert_null(m->att[2].filename);
	mime_free(m);
}

/* A property's tag, and a named property's GUID, kind 1 and name. */
static void
tag(struct tnef *p, unsigned type, unsigned id)
{
	put32(p, type | id << 16);
	if (id >= 0x8000) {
		memset(p->b + p->n, 0x11, 16);
		p->n += 16;
		put32(p, 1);
		put32(p, 6);
		memcpy(p->b + p->n, "n\0m\0\0\0\0\0", 8); /* padded */
		p->n += 8;
	}
}

/* One variable-length value (string or binary), padded to 4. */
static void
var(struct tnef *p, const void *d, size_t len)
{
	put32(p, 1);
	put32(p, (uint32_t)len);
	memcpy(p->b + p->n, d, len);
	p->n += len;
	while (p->n % 4)
		p->b[p->n++] = 0;
}

static void
test_mapi_long_name_and_body(void **state)
{
	static const unsigned char rend[14] = {1};
	struct tnef mp = {0}, ap = {0};
	struct tnef t;
	struct mime_msg *m;

	(void)state;
	put32(&mp, 4);
	tag(&mp, 0x0003, 0x0e08); /* PT_LONG */
	put32(&mp, 1234);
	tag(&mp, 0x0102, 0x8001); /* named, PT_BINARY */
	var(&mp, "\x01\x02\x03", 3);
	tag(&mp, 0x0040, 0x0039); /* PT_SYSTIME */
	put32(&mp, 0);
	put32(&mp, 0);
	tag(&mp, 0x001f, 0x1000); /* PR_BODY, UTF-16LE */
	var(&mp, "G\0r\0\xfc\0\xdf\0e\0\r\0\n\0\0\0", 16);
	put32(&ap, 1);
	tag(&ap, 0x001e, 0x3707); /* PR_ATTACH_LONG_FILENAME */
	var(&ap, "a long file name.txt", 21);
	start(&t);
	attr(&t, 1, 0x00069003u, mp.b, mp.n);
	attr(&t, 2, 0x00069002u, rend, sizeof rend);
	attr(&t, 2, 0x00018010u, "ALONGF~1.TXT", 13);
	attr(&t, 2, 0x00069005u, ap.b, ap.n);
	attr(&t, 2, 0x0006800fu, "x", 1);
	m = message(&t, NULL);
	assert_string_equal(m->body, "Gr\xc3\xbc\xc3\x9f"
				     "e\n");
	assert_int_equal(m->natt, 2);
	assert_string_equal(m->att[1].filename, "a long file name.txt");
	mime_free(m);
	/* A list cut short or of an unknown type gives nothing of it. */
	mp.n -= 9;
	ap.b[4] = 0x99;
	start(&t);
	attr(&t, 1, 0x00069003u, mp.b, mp.n);
	attr(&t, 2, 0x00069002u, rend, sizeof rend);
	attr(&t, 2, 0x00018010u, "ALONGF~1.TXT", 13);
	attr(&t, 2, 0x00069005u, ap.b, ap.n);
	attr(&t, 2, 0x0006800fu, "x", 1);
	m = message(&t, "text");
	assert_string_equal(m->body, "text");
	assert_string_equal(m->att[1].filename, "ALONGF~1.TXT");
	mime_free(m);
}

/* A message of text (NULL: none) and a winmail.dat whose only text is
 * PR_RTF_COMPRESSED z[0..n). */
static struct mime_msg *
rtf_text_message(const void *z, size_t n, const char *text)
{
	struct tnef mp = {0};
	struct tnef t;

	put32(&mp, 1);
	tag(&mp, 0x0102, 0x1009); /* PR_RTF_COMPRESSED */
	var(&mp, z, n);
	start(&t);
	attr(&t, 1, 0x00069003u, mp.b, mp.n);
	return message(&t, text);
}

static struct mime_msg *
rtf_message(const void *z, size_t n)
{
	return rtf_text_message(z, n, NULL);
}

/* An [MS-OXRTFCP] header for z of n bytes: sizes and type. */
static void
rtf_head(unsigned char *z, size_t n, uint32_t raw, uint32_t type)
{
	struct tnef h = {0};

	put32(&h, (uint32_t)n - 4);
	put32(&h, raw);
	put32(&h, type);
	put32(&h, 0);
	memcpy(z, h.b, 16);
}

static void
test_rtf_only_body_is_the_text(void **state)
{
	/* "LZFu": a reference to the ring's prefix ("{\rtf", offset 0,
	 * length 5), literals, and a reference to the write position
	 * (207 = 0x0cf) that ends it. */
	static const char lit[] = "1\\ansi\\ansicpg1252{\\fonttbl{\\f0 "
				  "Arial;}}Gr\\'fc\\'dfe\\par "
				  "caf\\u233?\\~x{\\*\\htmltag <p>}}";
	unsigned char z[256];
	size_t n = 16, k = 0;
	struct mime_msg *m;

	(void)state;
	z[n++] = 0x01; /* the first is a reference */
	z[n++] = 0x00;
	z[n++] = 0x03;
	for (size_t i = 0; i < 7 && k < sizeof lit - 1; i++)
		z[n++] = (unsigned char)lit[k++];
	while (k < sizeof lit - 1) {
		size_t run = sizeof lit - 1 - k < 8 ? sizeof lit - 1 - k : 8;

		z[n++] = run < 8 ? (unsigned char)(1u << run) : 0;
		for (size_t i = 0; i < run; i++)
			z[n++] = (unsigned char)lit[k++];
	}
	if ((sizeof lit - 1 - 7) % 8 == 0)
		z[n++] = 0x01;
	z[n++] = (unsigned char)((207 + 5 + sizeof lit - 1) >> 4);
	z[n++] = (unsigned char)(((207 + 5 + sizeof lit - 1) & 15) << 4);
	rtf_head(z, n, (uint32_t)(5 + sizeof lit - 1), 0x75465a4cu);
	m = rtf_message(z, n);
	assert_string_equal(m->body, "Gr\xc3\xbc\xc3\x9f"
				     "e\ncaf\xc3\xa9\xc2\xa0x");
	mime_free(m);
}

static void
test_rtf_stored_and_damaged(void **state)
{
	static const char rtf[] = "{\\rtf1 plain {\\info{\\title t}}words}";
	unsigned char z[128];
	struct mime_msg *m;

	(void)state;
	memcpy(z + 16, rtf, sizeof rtf - 1);
	rtf_head(z, 16 + sizeof rtf - 1, sizeof rtf - 1, 0x414c454du);
	m = rtf_message(z, 16 + sizeof rtf - 1);
	assert_string_equal(m->body, "plain words");
	mime_free(m);
	/* Beside a text part it is Outlook's copy of it: not shown. */
	m = rtf_text_message(z, 16 + sizeof rtf - 1, "See the plan.");
	assert_string_equal(m->body, "See the plan.");
	mime_free(m);
	/* Not RTF, an unknown type, a header cut short: no text. */
	memcpy(z + 16, "{\\rtx", 5);
	m = rtf_message(z, 16 + sizeof rtf - 1);
	assert_string_equal(m->body, "");
	mime_free(m);
	rtf_head(z, 16 + sizeof rtf - 1, sizeof rtf - 1, 0x12345678u);
	m = rtf_message(z, 16 + sizeof rtf - 1);
	assert_string_equal(m->body, "");
	mime_free(m);
	m = rtf_message(z, 10);
	assert_string_equal(m->body, "");
	mime_free(m);
}

static void
test_rtf_random_streams(void **state)
{
	/* Each starts "{\\rtf" (a reference to the prefix), then random
	 * control bytes, references and RTF: no fault, and a text or none. */
	static const char rtfish[] = "{}\\'*u-1?par~ab9 ";
	uint64_t x = 42;
	unsigned char z[400];

	(void)state;
	for (int round = 0; round < 300; round++) {
		size_t n = 16 + 3 + next(&x) % 300;
		struct mime_msg *m;

		z[16] = (unsigned char)(next(&x) | 1);
		z[17] = 0x00;
		z[18] = 0x03;
		for (size_t i = 19; i < n; i++) {
			uint64_t v = next(&x);

			z[i] = v % 3 == 0
				   ? (unsigned char)(v >> 8)
				   : (unsigned char)
					 rtfish[(v >> 8) % (sizeof rtfish - 1)];
		}
		rtf_head(z, n, (uint32_t)(next(&x) % 2000),
			 round % 7 == 0 ? 0x414c454du : 0x75465a4cu);
		m = rtf_message(z, n);
		assert_int_equal(m->body_len, strlen(m->body));
		mime_free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_files_follow_winmail_dat),
	    cmocka_unit_test(test_body_of_a_message_without_text),
	    cmocka_unit_test(test_att_body_follows_text_part),
	    cmocka_unit_test(test_att_body_as_the_text_part_is_shown_once),
	    cmocka_unit_test(test_cut_short_keeps_whole_files),
	    cmocka_unit_test(test_junk_and_odd_names),
	    cmocka_unit_test(test_mapi_long_name_and_body),
	    cmocka_unit_test(test_rtf_only_body_is_the_text),
	    cmocka_unit_test(test_rtf_stored_and_damaged),
	    cmocka_unit_test(test_rtf_random_streams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
