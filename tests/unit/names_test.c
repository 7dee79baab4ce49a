/*
 * Property tests of every function that turns message data into a name,
 * a URL or a fixed buffer (lib/permalink.h, lib/sitename.h, the month of
 * render.h, html_escape() for XML): inputs of every length from 0 to
 * 4,096 bytes, of chosen and of arbitrary bytes, under ASan.
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

#include "buf.h"
#include "html.h"
#include "permalink.h"
#include "render.h"
#include "sitename.h"
#include "testutil.h"
#include "testutil.inc"

#define MAXLEN 4096

/*
 * The lengths tried: every one up to DENSE (past twice every limit of
 * the functions under test: 80, 189, 200, Latin-1 doubling), then every
 * 97th and the last, MAXLEN; every length from 0 to MAXLEN when
 * $MAILARC_EVERY_LENGTH is set ("make torture-names": minutes under ASan,
 * too long for make check).
 */
#define DENSE 520

static size_t
next_len(size_t len)
{
	static int every = -1;

	if (every < 0)
		every = getenv("MAILARC_EVERY_LENGTH") != NULL;
	if (every || len < DENSE)
		return len + 1;
	if (len < MAXLEN && len + 97 > MAXLEN)
		return MAXLEN;
	return len + 97;
}

static unsigned seed = 2026;

static unsigned char
rnd_byte(void)
{
	seed = seed * 1103515245u + 12345u;
	return (unsigned char)(seed >> 16);
}

/* Input number k of length len: NUL-free, a different mix each k. */
static void
fill(char *s, size_t len, int k)
{
	static const char *const sets[] = {
	    "a", " ", "<>", "\t<a >@", "(\\)<>", "\xff\xfe", "\xef\xbf\xbe",
	};

	for (size_t i = 0; i < len; i++) {
		if (k < 7) {
			const char *set = sets[k];

			s[i] = set[i % strlen(set)];
		} else {
			unsigned char c = rnd_byte();

			s[i] = (char)(c == 0 ? 1 : c);
		}
	}
	s[len] = '\0';
}

#define KINDS 9

static void
check_id(const char *id)
{
	char name[PERMALINK_NAME_MAX];
	char *key;
	size_t n = strlen(id);

	assert_true(n > 0);
	/* notmuch keeps "<>" whole, and the rule names it too. */
	assert_int_equal(permalink_name(id, name), MA_OK);
	assert_true(strlen(name) <= PERMALINK_LONG);
	key = permalink_notmuch_key(id);
	assert_non_null(key);
	if (n <= PERMALINK_NOTMUCH_MAX) {
		assert_string_equal(key, id);
	} else {
		assert_int_equal(strlen(key), 13 + 40);
		assert_memory_equal(key, PERMALINK_NOTMUCH_SHA1, 13);
		assert_int_equal(strspn(key + 13, "0123456789abcdef"), 40);
	}
	free(key);
}

static void
test_message_id_of_every_length(void **state)
{
	char *in = malloc(MAXLEN + 1);

	(void)state;
	assert_non_null(in);
	for (size_t len = 0; len <= MAXLEN; len = next_len(len)) {
		for (int k = 0; k < KINDS; k++) {
			char *id, *p;

			fill(in, len, k);
			id = permalink_message_id(in);
			if (id != NULL) {
				/* The typed form, brackets added, decoded
				 * twice: never much longer than what was
				 * typed (a byte read as Latin-1 takes two). */
				assert_true(strlen(id) <= 2 * len + 2);
				check_id(id);
				free(id);
			}
			p = permalink_notmuch_parse(in);
			if (p != NULL) {
				check_id(p);
				free(p);
			}
		}
	}
	free(in);
}

static void
test_notmuch_forms(void **state)
{
	char *id;

	(void)state;
	id = permalink_message_id("<in ner  two@x>");
	assert_string_equal(id, "inner two@x");
	free(id);
	id = permalink_message_id("bare@x");
	assert_string_equal(id, "bare@x");
	free(id);
	id = permalink_message_id("(c) < lead@x >");
	assert_string_equal(id, "lead@x");
	free(id);
	id = permalink_message_id("<=?utf-8?q?caf=C3=A9?=@x>");
	assert_string_equal(id, "caf\xc3\xa9@x");
	free(id);
	/* notmuch keeps a field of only "<>" (or "< >") whole. */
	id = permalink_message_id("<>");
	assert_string_equal(id, "<>");
	free(id);
	id = permalink_message_id(" < > ");
	assert_string_equal(id, "< >");
	free(id);
	assert_null(permalink_message_id(" \t"));
	assert_null(permalink_message_id(""));
	/* A field notmuch finds no id in is kept whole. */
	id = permalink_notmuch_parse("no brackets");
	assert_string_equal(id, "no brackets");
	free(id);
}

/* A message file whose Message-ID field says id. */
static char *
message_file(const char *dir, const char *id, int k)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/m%d.eml", dir, k) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "From: a@b\nSubject: s\nMessage-ID: <%s>\n\nbody\n", id);
	fclose(f);
	return path;
}

static void
test_of_message_names_shortened_ids_by_their_field(void **state)
{
	char *dir = tu_tmpdir(), *in = malloc(MAXLEN + 1);

	(void)state;
	assert_non_null(in);
	for (size_t len = 1; len <= MAXLEN; len += len < 260 ? 1 : 97) {
		for (int k = 0; k < 2; k++) {
			char a[PERMALINK_NAME_MAX], b[PERMALINK_NAME_MAX];
			char *file, *id, *key;

			/* Letters, or arbitrary bytes that are no blanks,
			 * brackets or line ends. */
			for (size_t i = 0; i < len; i++) {
				unsigned char c = k == 0 ? 'a' : rnd_byte();

				if (c <= ' ' || c == '<' || c == '>' ||
				    c == '(' || c == ')' || c == '\\' ||
				    c == 0x7f)
					c = 'z';
				in[i] = (char)c;
			}
			in[len] = '\0';
			file = message_file(dir, in, k);
			id = permalink_message_id(in);
			assert_non_null(id);
			key = permalink_notmuch_key(id);
			assert_non_null(key);
			assert_int_equal(permalink_of_message(key, file, a),
					 MA_OK);
			assert_int_equal(permalink_name(id, b), MA_OK);
			assert_string_equal(a, b);
			/* Without the file, or with a hash that is not of
			 * its field: notmuch's own id. */
			assert_int_equal(permalink_of_message(key, NULL, a),
					 MA_OK);
			assert_int_equal(permalink_name(key, b), MA_OK);
			assert_string_equal(a, b);
			if (strlen(id) > PERMALINK_NOTMUCH_MAX) {
				key[20] = key[20] == '0' ? '1' : '0';
				assert_int_equal(
				    permalink_of_message(key, file, a), MA_OK);
				assert_int_equal(permalink_name(key, b), MA_OK);
				assert_string_equal(a, b);
			}
			free(key);
			free(id);
			unlink(file);
			free(file);
		}
	}
	free(in);
	tu_rmdir(dir);
}

static void
test_log_id_is_capped(void **state)
{
	char *in = malloc(MAXLEN + 1);

	(void)state;
	assert_non_null(in);
	for (size_t len = 0; len <= MAXLEN; len = next_len(len)) {
		for (int k = 0; k < KINDS; k++) {
			char out[PERMALINK_LOG_MAX];
			size_t n;

			fill(in, len, k);
			memset(out, 'X', sizeof out);
			permalink_log_id(in, out);
			n = strlen(out);
			assert_true(n < PERMALINK_LOG_MAX);
			for (size_t i = 0; i < n; i++)
				assert_true((unsigned char)out[i] >= 0x20 &&
					    out[i] != 0x7f);
			if (len <= PERMALINK_LOG_ID)
				assert_int_equal(n, len);
			else
				assert_string_equal(out + n - 3, "...");
		}
	}
	free(in);
}

static int
unhex(char c)
{
	return c >= 'A' ? c - 'A' + 10 : c - '0';
}

static void
test_mid_url_and_state_escape_round_trip(void **state)
{
	char *in = malloc(MAXLEN + 1);

	(void)state;
	assert_non_null(in);
	for (size_t len = 0; len <= MAXLEN; len = next_len(len)) {
		for (int k = 0; k < KINDS; k++) {
			struct buf b;
			char *back;
			size_t o = 0;

			fill(in, len, k);
			buf_init(&b, 1 << 20);
			assert_int_equal(sitename_mid_url(&b, in), MA_OK);
			assert_memory_equal(b.data, "mid:", 4);
			back = malloc(b.len);
			assert_non_null(back);
			for (size_t i = 4; i < b.len; i++) {
				char c = b.data[i];

				assert_true(c > ' ' && c < 0x7f && c != '"' &&
					    c != '<' && c != '>' && c != '&');
				if (c == '%') {
					assert_true(i + 2 < b.len);
					back[o++] =
					    (char)(unhex(b.data[i + 1]) << 4 |
						   unhex(b.data[i + 2]));
					i += 2;
				} else {
					back[o++] = c;
				}
			}
			assert_int_equal(o, len);
			assert_memory_equal(back, in, len);
			free(back);
			buf_reset(&b);
			assert_int_equal(sitename_state_escape(&b, in), MA_OK);
			for (size_t i = 0; i < b.len; i++)
				assert_true(b.data[i] != '\t' &&
					    b.data[i] != '\n' &&
					    b.data[i] != '\r');
			back = sitename_state_unescape(b.data ? b.data : "",
						       b.len);
			assert_non_null(back);
			assert_string_equal(back, in);
			free(back);
			buf_release(&b);
		}
	}
	free(in);
}

static void
test_thread_ids_and_tokens(void **state)
{
	char *in = malloc(MAXLEN + 1);
	static const char hexd[] = "0123456789abcdef";

	(void)state;
	assert_non_null(in);
	for (size_t len = 0; len <= MAXLEN; len = next_len(len)) {
		for (int k = 0; k < KINDS + 2; k++) {
			char dst[SITENAME_THREAD_MAX + 8];
			bool hex = true, ok;

			if (k < KINDS) {
				fill(in, len, k);
			} else {
				for (size_t i = 0; i < len; i++)
					in[i] = k == KINDS
						    ? hexd[i % 16]
						    : (i == 64 ? '.' : 'a');
				in[len] = '\0';
			}
			for (size_t i = 0; i < len; i++)
				hex = hex && strchr(hexd, in[i]) != NULL;
			ok = sitename_thread_ok(in);
			assert_true(ok == (len > 0 &&
					   len < SITENAME_THREAD_MAX && hex));
			memset(dst, 'X', sizeof dst);
			sitename_set_thread(dst, in);
			assert_true(dst[SITENAME_THREAD_MAX] == 'X');
			assert_string_equal(dst, ok ? in : "");
			ok = sitename_att_token_ok(in);
			if (ok) {
				assert_true(strlen(in) < SITENAME_TOKEN_MAX);
				assert_int_equal(strspn(in, hexd), 64);
			}
		}
	}
	assert_true(sitename_att_token_ok(
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    ".png"));
	assert_false(sitename_att_token_ok(
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    ".abcdefghi"));
	free(in);
}

static void
test_mbox_lines(void **state)
{
	static const time_t dates[] = {
	    0,
	    -1,
	    1780000000,
	    (time_t)INT32_MAX * 4,
	    INT64_MIN,
	    INT64_MAX,
	    (time_t)-62135596800LL,
	};
	char *in = malloc(MAXLEN + 1);

	(void)state;
	assert_non_null(in);
	for (size_t len = 0; len <= MAXLEN; len = next_len(len)) {
		for (int k = 0; k < KINDS + 1; k++) {
			struct buf b;
			const char *p, *end;

			if (k < KINDS) {
				fill(in, len, k);
			} else {
				for (size_t i = 0; i < len; i++)
					in[i] = "\n>From "[i % 7];
				in[len] = '\0';
			}
			buf_init(&b, 1 << 20);
			assert_int_equal(
			    sitename_mbox_add(
				&b, in, len,
				dates[len % (sizeof dates / sizeof dates[0])]),
			    MA_OK);
			assert_true(b.len > 20);
			assert_memory_equal(b.data, "From MAILER-DAEMON ", 19);
			/* Only the first line starts with "From ". */
			p = memchr(b.data, '\n', b.len) + 1;
			end = b.data + b.len;
			while (p < end) {
				const char *nl = memchr(p, '\n', end - p);

				assert_non_null(nl);
				assert_false(nl - p >= 5 &&
					     memcmp(p, "From ", 5) == 0);
				p = nl + 1;
			}
			assert_memory_equal(end - 2, "\n\n", 2);
			buf_release(&b);
		}
	}
	free(in);
}

static void
test_month_of_any_time(void **state)
{
	(void)state;
	for (int i = 0; i < 4097; i++) {
		char out[8 + 8];
		time_t t;

		if (i < 64)
			t = i % 2 ? (time_t)((uint64_t)1 << i)
				  : -(time_t)((uint64_t)1 << (i % 63));
		else
			t = (time_t)((uint64_t)rnd_byte() << 56 |
				     (uint64_t)rnd_byte() << 40 |
				     (uint64_t)rnd_byte() << 24 |
				     (uint64_t)rnd_byte() << 8 | rnd_byte());
		memset(out, 'X', sizeof out);
		render_month_of(t, out);
		assert_int_equal(strlen(out), 7);
		assert_true(out[4] == '/');
		assert_int_equal(strspn(out, "0123456789/"), 7);
		assert_true(out[5] == '0' || out[5] == '1');
	}
}

/* Is s[0..n) UTF-8 of XML 1.0 Chars only, none a noncharacter? */
static void
assert_xml_text(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len;

		if (s[i] < 0x80) {
			cp = s[i];
			len = 1;
		} else if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f;
			len = 2;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f;
			len = 3;
		} else {
			assert_true((s[i] & 0xf8) == 0xf0);
			cp = s[i] & 0x07;
			len = 4;
		}
		assert_true(i + len <= n);
		for (size_t k = 1; k < len; k++) {
			assert_true((s[i + k] & 0xc0) == 0x80);
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		assert_true(cp == 0x9 || cp == 0xa || cp == 0xd ||
			    (cp >= 0x20 && cp <= 0xd7ff) ||
			    (cp >= 0xe000 && cp <= 0xfffd) ||
			    (cp >= 0x10000 && cp <= 0x10ffff));
		assert_false(cp >= 0xfdd0 && cp <= 0xfdef);
		assert_false((cp & 0xfffe) == 0xfffe);
		i += len;
	}
}

static void
test_escape_makes_xml_text(void **state)
{
	char *in = malloc(MAXLEN + 1);
	static const char *const bad[] = {
	    "\xef\xbf\xbe",
	    "\xef\xbf\xbf",
	    "\xef\xb7\x90",
	    "\xef\xb7\xaf",
	    "\xf0\x9f\xbf\xbe",
	    "\xf4\x8f\xbf\xbf",
	    "\xed\xa0\x80",
	    "\x01",
	    "\x0b",
	    "\x7f",
	    "\xc2\x85",
	    "\xc0\xaf",
	};

	(void)state;
	assert_non_null(in);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct buf b;

		buf_init(&b, 1 << 16);
		assert_int_equal(html_escapes(&b, bad[i]), MA_OK);
		assert_xml_text((const unsigned char *)b.data, b.len);
		buf_release(&b);
	}
	for (size_t len = 0; len <= MAXLEN; len = next_len(len)) {
		for (int k = 0; k < KINDS; k++) {
			struct buf b;

			fill(in, len, k);
			buf_init(&b, 1 << 20);
			assert_int_equal(html_escape(&b, in, len), MA_OK);
			assert_xml_text((const unsigned char *)b.data, b.len);
			buf_release(&b);
		}
	}
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_message_id_of_every_length),
	    cmocka_unit_test(test_notmuch_forms),
	    cmocka_unit_test(
		test_of_message_names_shortened_ids_by_their_field),
	    cmocka_unit_test(test_log_id_is_capped),
	    cmocka_unit_test(test_mid_url_and_state_escape_round_trip),
	    cmocka_unit_test(test_thread_ids_and_tokens),
	    cmocka_unit_test(test_mbox_lines),
	    cmocka_unit_test(test_month_of_any_time),
	    cmocka_unit_test(test_escape_makes_xml_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
