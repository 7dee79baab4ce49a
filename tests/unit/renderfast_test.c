/*
 * Unit tests of the full render's shortcuts, each against the long way
 * it replaces: the ASCII fold of the search index (search_text.c) must
 * give what the Unicode rules give, and a site file written in small
 * pieces (site_file_write() gathers them) must hold every byte in order.
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

#include "path.h"
#include "render/search_int.h"
#include "site.h"

/* The rules of search_text.c step 1, the long way, for any text. */
static char *
fold_long(const char *s, size_t n)
{
	char *valid = g_utf8_make_valid(s, (gssize)n);
	char *fold = g_utf8_casefold(valid, -1);
	char *nfkd = g_utf8_normalize(fold, -1, G_NORMALIZE_NFKD);
	GString *out = g_string_new(NULL);
	char *res;

	for (const char *p = nfkd; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (!g_unichar_ismark(c) || c == 0x3099 || c == 0x309a)
			g_string_append_unichar(out, c);
	}
	res = g_utf8_normalize(out->str, -1, G_NORMALIZE_NFC);
	g_string_free(out, TRUE);
	g_free(valid);
	g_free(fold);
	g_free(nfkd);
	return res;
}

/* Every ASCII character, alone and in words, folds as the long way. */
static void
test_ascii_fold_is_the_unicode_fold(void **state)
{
	static const char *const texts[] = {
	    "Hello, WORLD: Re: [Budget] 2024-07 meeting_notes.PDF",
	    "MiXeD cAsE\twith\ttabs\r\nand lines",
	    "~!@#$%^&*()_+`-={}|[]\\:\";'<>?,./",
	    "",
	};
	char all[128];

	(void)state;
	for (int c = 1; c < 128; c++)
		all[c - 1] = (char)c;
	all[127] = '\0';
	for (size_t i = 0; i <= sizeof texts / sizeof texts[0]; i++) {
		const char *t =
		    i < sizeof texts / sizeof texts[0] ? texts[i] : all;
		char *fast = search_fold(t, strlen(t));
		char *slow = fold_long(t, strlen(t));

		assert_string_equal(fast, slow);
		g_free(fast);
		g_free(slow);
	}
}

/* Text with one byte past ASCII (or a NUL) takes the long way whole. */
static void
test_non_ascii_takes_the_long_way(void **state)
{
	static const char text[] = "Caf\xc3\xa9 STRASSE Stra\xc3\x9f"
				   "e \xef\xbc\xa1\xef\xbc\xa2";
	static const char nul[] = "AB\0CD";
	char *fast = search_fold(text, strlen(text));
	char *slow = fold_long(text, strlen(text));

	(void)state;
	assert_string_equal(fast, slow);
	assert_string_equal(fast, "cafe strasse strasse ab");
	g_free(fast);
	g_free(slow);
	fast = search_fold(nul, 5);
	slow = fold_long(nul, 5);
	assert_string_equal(fast, slow);
	g_free(fast);
	g_free(slow);
}

/* Write t/x.mbox in pieces of every size, across the 64 KB gathering
 * and past it, in one run of the site (first: written in place; then
 * staged); the file must hold every byte in order. */
static void
pieces_run(const char *dir, unsigned seed)
{
	struct site *s = NULL;
	struct site_file *f = NULL;
	GString *want = g_string_new(NULL);
	char *path, *data;
	size_t len = 0;

	assert_int_equal(site_open(dir, NULL, '\n', &s), MA_OK);
	assert_int_equal(site_file_open(s, "t/x.mbox", &f), MA_OK);
	for (int i = 0; i < 400; i++) {
		size_t n = i == 200 ? (size_t)200 << 10 : (seed % 3000) + 1;
		char *p = g_malloc(n);

		seed = seed * 1103515245u + 12345u;
		for (size_t k = 0; k < n; k++)
			p[k] = (char)('a' + (seed + k) % 26);
		assert_int_equal(site_file_write(f, p, n), MA_OK);
		g_string_append_len(want, p, (gssize)n);
		g_free(p);
	}
	assert_int_equal(site_file_commit(s, f), MA_OK);
	assert_int_equal(site_put(s, "index.html", "x", 1), MA_OK);
	assert_int_equal(site_close(s, true), MA_OK);
	path = path_fmt("%s/t/x.mbox", dir);
	assert_non_null(path);
	assert_int_equal(
	    path_file_read_all(path, (size_t)64 << 20, &data, &len), MA_OK);
	assert_int_equal(len, want->len);
	assert_memory_equal(data, want->str, len);
	free(data);
	free(path);
	g_string_free(want, TRUE);
}

static void
test_site_file_pieces_in_order(void **state)
{
	char dir[] = "/tmp/renderfast-XXXXXX", cmd[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	pieces_run(dir, 7);
	pieces_run(dir, 11);
	assert_true(snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) <
		    (int)sizeof cmd);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii_fold_is_the_unicode_fold),
	    cmocka_unit_test(test_non_ascii_takes_the_long_way),
	    cmocka_unit_test(test_site_file_pieces_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
