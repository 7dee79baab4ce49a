/* Unit tests of the search index's text rules (lib/render/search_text.c);
 * tests/search/terms.tsv holds the same table for the browser's client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/search_int.h"

static gint
cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The terms of text, sorted and space-separated (g_free). */
static char *
terms_of(const char *prefix, const char *text)
{
	GHashTable *set =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;
	GString *g = g_string_new(NULL);

	search_terms(set, prefix, text, strlen(text));
	g_hash_table_iter_init(&it, set);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, cmp);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(g, "%s%s", i ? " " : "",
				       (char *)a->pdata[i]);
	g_ptr_array_free(a, TRUE);
	g_hash_table_destroy(set);
	return g_string_free(g, FALSE);
}

/* want, as a set: sorted, without repeats. */
static char *
set_of(const char *want)
{
	GHashTable *set =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char **w = g_strsplit(want, " ", -1);
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;
	GString *g = g_string_new(NULL);

	for (size_t i = 0; w[i] != NULL; i++)
		if (w[i][0] != '\0')
			g_hash_table_add(set, g_strdup(w[i]));
	g_strfreev(w);
	g_hash_table_iter_init(&it, set);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(a, k);
	g_ptr_array_sort(a, cmp);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(g, "%s%s", i ? " " : "",
				       (char *)a->pdata[i]);
	g_ptr_array_free(a, TRUE);
	g_hash_table_destroy(set);
	return g_string_free(g, FALSE);
}

static void
check(const char *text, const char *want)
{
	char *got = terms_of("", text);
	char *exp = set_of(want);

	assert_string_equal(got, exp);
	g_free(got);
	g_free(exp);
}

static void
test_words_are_case_and_accent_folded(void **state)
{
	(void)state;
	check("Hello, World!", "hello world");
	check("R\xc3\xa9union d'\xc3\xa9quipe", "reunion d equipe");
	check("\xc3\x89LODIE Garnier", "elodie garnier");
	check("Dirk M\xc3\xbcller", "dirk muller");
	check("Stra\xc3\x9f"
	      "e",
	      "strasse");
	check("\xc4\xb0stanbul", "istanbul");
	check("\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3",
	      "\xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x83");
}

static void
test_compatibility_forms_are_plain(void **state)
{
	(void)state;
	/* Full-width letters and digits, a full-width space, a ligature. */
	check("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3\xe3\x80\x80"
	      "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93",
	      "abc 123");
	check("\xef\xac\x81le", "file");
}

static void
test_addresses_and_numbers_split(void **state)
{
	(void)state;
	check("ana@harbour.example", "ana harbour example");
	check("2.3 release", "2 3 release");
	check("<script>alert(1)</script>", "script alert 1");
}

static void
test_cjk_runs_give_pairs(void **state)
{
	(void)state;
	check("会議室", "会議 議室");
	check("見積書の送付（大阪支店）",
	      "見積 積書 書の の送 送付 大阪 阪支 支店");
	check("サーバー", "サー ーバ バー");
	/* Half-width katakana, voicing mark and all. */
	check("ｻｰﾊﾞｰ", "サー ーバ バー");
	check("한국어 회의", "한국 국어 회의");
	check("字", "字");
	check("東京tokyo2024", "東京 tokyo2024");
}

static void
test_long_words_are_left_out(void **state)
{
	char text[128];

	(void)state;
	memset(text, 'x', 41);
	memcpy(text + 41, " ok ", 4);
	memset(text + 45, 'y', 40);
	text[85] = '\0';
	check(text, "ok yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
}

static void
test_prefix_and_invalid_utf8(void **state)
{
	char *got;

	(void)state;
	got = terms_of("f:", "Ana Lima");
	assert_string_equal(got, "f:ana f:lima");
	g_free(got);
	/* A lying charset: bytes that are not UTF-8 separate words. */
	check("caf\xe9 bar", "caf bar");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_are_case_and_accent_folded),
	    cmocka_unit_test(test_compatibility_forms_are_plain),
	    cmocka_unit_test(test_addresses_and_numbers_split),
	    cmocka_unit_test(test_cjk_runs_give_pairs),
	    cmocka_unit_test(test_long_words_are_left_out),
	    cmocka_unit_test(test_prefix_and_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
