/*
 * Unit tests of raw 8-bit header text in a CJK charset over a body in a
 * single-byte charset (lib/charset_cjk.c, charset.c raw_header()): a
 * Big5 Subject over an ISO-8859-1 body was read as windows-1252 ("¤¤¤å"
 * for "中文"). The body's reading stands only when it looks like text
 * of its charset; else the CJK charset the bytes are likely in is tried.
 * The table holds what the rule was tried on; the file's comment in
 * charset_cjk.c says what it gets wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charset.h"
#include "mime.h"

#include "mime_parse.inc"

/* Text in a charset, and the same in UTF-8. */
static const struct {
	const char *charset, *raw, *utf8;
} cases[] = {
    {"big5", "\xa4\xa4\xa4\xe5\xb3\xf8\xa7i",
     "\xe4\xb8\xad\xe6\x96\x87\xe5\xa0\xb1\xe5\x91\x8a"}, /* 中文報告 */
    {"big5", "\xb7|\xc4\xb3\xb0O\xbf\xfd",
     "\xe6\x9c\x83\xe8\xad\xb0\xe8\xa8\x98\xe9\x8c\x84"}, /* 會議記錄 */
    {"big5",
     "\xa7"
     "A\xa6n",
     "\xe4\xbd\xa0\xe5\xa5\xbd"}, /* 你好 */
    {"big5", "\xc3\xf6\xa9\xf3\xa4U\xb6g\xaa\xba\xb7|\xc4\xb3",
     "\xe9\x97\x9c\xe6\x96\xbc\xe4\xb8\x8b\xe9\x80\xb1\xe7\x9a\x84\xe6\x9c\x83"
     "\xe8\xad\xb0"}, /* 關於下週的會議 */
    {"big5", "\xa5x\xa5_\xbf\xec\xa4\xbd\xab\xc7",
     "\xe5\x8f\xb0\xe5\x8c\x97\xe8\xbe\xa6\xe5\x85\xac\xe5\xae\xa4"}, /* 台北辦公室
								       */
    {"gb2312", "\xbb\xe1\xd2\xe9\xbc\xcd\xd2\xaa",
     "\xe4\xbc\x9a\xe8\xae\xae\xe7\xba\xaa\xe8\xa6\x81"}, /* 会议纪要 */
    {"gb2312", "\xb9\xd8\xd3\xda\xcf\xc2\xd6\xdc\xb5\xc4\xbb\xe1\xd2\xe9",
     "\xe5\x85\xb3\xe4\xba\x8e\xe4\xb8\x8b\xe5\x91\xa8\xe7\x9a\x84\xe4\xbc\x9a"
     "\xe8\xae\xae"}, /* 关于下周的会议 */
    {"gb2312", "\xc4\xe3\xba\xc3", "\xe4\xbd\xa0\xe5\xa5\xbd"}, /* 你好 */
    /* All in the rows of KS X 1001's hangul: was read as Korean. */
    {"gb2312", "\xb1\xb1\xbe\xa9\xb4\xf3\xbb\xe1",
     "\xe5\x8c\x97\xe4\xba\xac\xe5\xa4\xa7\xe4\xbc\x9a"}, /* 北京大会 */
    {"gb2312", "\xb9\xd8\xd3\xda\xb1\xb1\xbe\xa9\xb4\xf3\xbb\xe1",
     "\xe5\x85\xb3\xe4\xba\x8e\xe5\x8c\x97\xe4\xba\xac\xe5\xa4\xa7"
     "\xe4\xbc\x9a"}, /* 关于北京大会 */
    /* Every pair a common GB2312 one: was read as GB2312 (or Korean). */
    {"big5", "\xc3\xf6\xb3\xac\xb5\xf8\xb5\xa1",
     "\xe9\x97\x9c\xe9\x96\x89\xe8\xa6\x96\xe7\xaa\x97"}, /* 關閉視窗 */
    {"big5", "\xbf\xef\xbe\xdc\xba\xf4\xb8\xf4",
     "\xe9\x81\xb8\xe6\x93\x87\xe7\xb6\xb2\xe8\xb7\xaf"}, /* 選擇網路 */
    {"euc-kr", "\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4",
     "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a\x94"}, /* 안녕하세요
								       */
    {"euc-kr", "\xc8\xb8\xc0\xc7\xb7\xcf",
     "\xed\x9a\x8c\xec\x9d\x98\xeb\xa1\x9d"}, /* 회의록 */
    /* Japanese of three to five characters: were read as Big5 or
     * GB2312 ("丐曰互午丹" for "ありがとう"). */
    {"euc-jp", "\xa4\xa2\xa4\xea\xa4\xac\xa4\xc8\xa4\xa6",
     "\xe3\x81\x82\xe3\x82\x8a\xe3\x81\x8c\xe3\x81\xa8\xe3\x81\x86"},
    {"euc-jp", "\xa4\xaa\xc3\xce\xa4\xe9\xa4\xbb",
     "\xe3\x81\x8a\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b"}, /* お知らせ */
    {"euc-jp", "\xb5\xc4\xbb\xf6\xcf\xbf",
     "\xe8\xad\xb0\xe4\xba\x8b\xe9\x8c\xb2"}, /* 議事録 */
    {"euc-jp", "\xa5\xc6\xa5\xb9\xa5\xc8",
     "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"}, /* テスト */
    {"euc-jp", "\xa5\xd1\xa5\xb9\xa5\xef\xa1\xbc\xa5\xc9",
     "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc"
     "\xe3\x83\x89"}, /* パスワード */
    {"euc-jp", "\xc2\xc7\xa4\xc1\xb9\xe7\xa4\xef\xa4\xbb",
     "\xe6\x89\x93\xe3\x81\xa1\xe5\x90\x88\xe3\x82\x8f"
     "\xe3\x81\x9b"}, /* 打ち合わせ */
    {"euc-jp", "\xb2\xf1\xb5\xc4\xa4\xce\xb5\xc4\xbb\xf6\xcf\xbf",
     "\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe8\xad\xb0\xe4\xba\x8b\xe9\x8c"
     "\xb2"}, /* 会議の議事録 */
    {"shift_jis",
     "\x89\xef\x8b"
     "c\x82\xcc\x8b"
     "c\x8e\x96\x98^",
     "\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe8\xad\xb0\xe4\xba\x8b\xe9\x8c"
     "\xb2"}, /* 会議の議事録 */
    {"shift_jis", "\x8c\xa9\x90\xcf\x8f\x91",
     "\xe8\xa6\x8b\xe7\xa9\x8d\xe6\x9b\xb8"}, /* 見積書 */
    /* Frequent Big5 or Shift_JIS characters with ASCII trail bytes:
     * their windows-1252 reading was kept ("¥x¥_" for "台北"). */
    {"big5", "\xa5x\xa5_", "\xe5\x8f\xb0\xe5\x8c\x97"}, /* 台北 */
    {"big5", "\xa4u\xa7@", "\xe5\xb7\xa5\xe4\xbd\x9c"}, /* 工作 */
    {"big5", "\xb1K\xbdX", "\xe5\xaf\x86\xe7\xa2\xbc"}, /* 密碼 */
    {"big5", "\xb8g\xb2z", "\xe7\xb6\x93\xe7\x90\x86"}, /* 經理 */
    {"big5",
     "\xa6"
     "a\xa7}",
     "\xe5\x9c\xb0\xe5\x9d\x80"}, /* 地址 */
    {"shift_jis",
     "\x83"
     "e\x83X\x83g",
     "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"}, /* テスト */
    {"shift_jis",
     "\x8am\x94"
     "F",
     "\xe7\xa2\xba\xe8\xaa\x8d"},			     /* 確認 */
    {"shift_jis", "\x93Y\x95t", "\xe6\xb7\xbb\xe4\xbb\x98"}, /* 添付 */
    {"cp1252",
     "Gr\xfc\xdf"
     "e",
     "Gr\xc3\xbc\xc3\x9f"
     "e"}, /* Grüße */
    /* Latin text whose accents pair with the next byte. */
    {"cp1252", "It\x92s John\x92s",
     "\x49\x74\xe2\x80\x99\x73\x20\x4a\x6f\x68\x6e\xe2\x80\x99\x73"}, /* It’s
									 John’s
								       */
    {"cp1252", "\x8akoda \x8a\xe1rka",
     "\xc5\xa0\x6b\x6f\x64\x61\x20\xc5\xa0\xc3\xa1\x72\x6b\x61"}, /* Škoda Šárka
								   */
    {"cp1252", "Don\x92t", "\x44\x6f\x6e\xe2\x80\x99\x74"},	  /* Don’t */
    {"cp1252", "\xc4rger", "\xc3\x84\x72\x67\x65\x72"},		  /* Ärger */
    {"cp1252", "\xa9 Anna \xae Bob",
     "\xc2\xa9\x20\x41\x6e\x6e\x61\x20\xc2\xae\x20\x42\x6f\x62"}, /* © Anna ®
								     Bob */
    {"cp1252", "\x8cuvre \x9fves",
     "\xc5\x92\x75\x76\x72\x65\x20\xc5\xb8\x76\x65\x73"}, /* Œuvre Ÿves */
    {"cp1252",
     "\xd1"
     "and\xfa \xd1u",
     "\xc3\x91\x61\x6e\x64\xc3\xba\x20\xc3\x91\x75"}, /* Ñandú Ñu */
    {"cp1252", "\xbfQu\xe9? \xa1Ol\xe9!",
     "\xc2\xbf\x51\x75\xc3\xa9\x3f\x20\xc2\xa1\x4f\x6c\xc3\xa9\x21"}, /* ¿Qué?
									 ¡Olé!
								       */
    {"cp1252", "\xe7\xe3o", "\xc3\xa7\xc3\xa3o"},		    /* ção */
    {"cp1252", "l\x92\xe9t\xe9", "l\xe2\x80\x99\xc3\xa9t\xc3\xa9"}, /* l’été */
    {"cp1252", "\xa9 2024", "\xc2\xa9 2024"}, /* © 2024 */
    {"cp1252", "M\xfcller & S\xf6hne",
     "M\xc3\xbcller & S\xc3\xb6hne"}, /* Müller & Söhne */
    {"cp1252", "na\xefve caf\xe9", "na\xc3\xafve caf\xc3\xa9"}, /* naïve café */
    {"cp1252",
     "\xc6r\xf8sk\xf8"
     "bing",
     "\xc3\x86r\xc3\xb8sk\xc3\xb8"
     "bing"}, /* Ærøskøbing */
};

static void
expect(const char *raw, const char *fallback, const char *want)
{
	char *t = charset_raw_header(raw, strlen(raw), fallback, NULL);

	assert_non_null(t);
	if (strcmp(t, want) != 0)
		fail_msg("'%s' under %s: '%s', not '%s'", raw,
			 fallback ? fallback : "no charset", t, want);
	free(t);
}

static void
test_each_reads_right_over_latin1_and_without_a_charset(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		expect(cases[i].raw, "iso-8859-1", cases[i].utf8);
		expect(cases[i].raw, "windows-1252", cases[i].utf8);
		expect(cases[i].raw, NULL, cases[i].utf8);
	}
}

static void
test_other_single_byte_scripts_keep_their_reading(void **state)
{
	(void)state;
	/* "Привет мир" in KOI8-R, "Καλημέρα" in ISO-8859-7. */
	expect("\xf0\xd2\xc9\xd7\xc5\xd4 \xcd\xc9\xd2", "koi8-r",
	       "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	       "\xd0\xbc\xd0\xb8\xd1\x80");
	expect("\xca\xe1\xeb\xe7\xec\xdd\xf1\xe1", "iso-8859-7",
	       "\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81"
	       "\xce\xb1");
}

static void
test_koi8r_words_of_even_length_are_russian(void **state)
{
	static const char *const labels[] = {"iso-8859-1", "windows-1252",
					     NULL};

	(void)state;
	/* Every word of an even number of letters: the bytes fit GB2312
	 * too, and were read so. */
	for (size_t i = 0; i < 3; i++) {
		expect("\xf0\xd2\xc9\xd7\xc5\xd4 \xd7\xd3\xc5\xcd", labels[i],
		       "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
		       "\xd0\xb2\xd1\x81\xd0\xb5\xd0\xbc"); /* Привет всем */
		expect("\xd0\xd2\xc9\xd7\xc5\xd4 \xd7\xd3\xc5\xcd", labels[i],
		       "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
		       "\xd0\xb2\xd1\x81\xd0\xb5\xd0\xbc"); /* привет всем */
		expect("\xf3\xd2\xcf\xde\xce\xcf: \xd3\xde\xc5\xd4", labels[i],
		       "\xd0\xa1\xd1\x80\xd0\xbe\xd1\x87\xd0\xbd\xd0\xbe: "
		       "\xd1\x81\xd1\x87\xd0\xb5\xd1\x82"); /* Срочно: счет */
	}
}

static void
test_big5_subject_in_a_message(void **state)
{
	struct mime_msg *m;

	(void)state;
	/* 中文報告, and 台北辦公室 as the sender's name. */
	m = parse("From: \xa5x\xa5_\xbf\xec\xa4\xbd\xab\xc7 <tp@example.org>\n"
		  "To: b@example.org\nSubject: \xa4\xa4\xa4\xe5\xb3\xf8\xa7i "
		  "Q3\nMIME-Version: 1.0\n"
		  "Content-Type: text/plain; charset=iso-8859-1\n\n"
		  "Gr\xfc\xdf"
		  "e\n");
	assert_string_equal(m->subject, "\xe4\xb8\xad\xe6\x96\x87\xe5\xa0\xb1"
					"\xe5\x91\x8a Q3");
	assert_int_equal(m->nfrom, 1);
	assert_string_equal(m->from[0].name,
			    "\xe5\x8f\xb0\xe5\x8c\x97\xe8\xbe\xa6\xe5\x85\xac"
			    "\xe5\xae\xa4");
	assert_non_null(strstr(m->body, "Gr\xc3\xbc\xc3\x9f"
					"e"));
	mime_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
		test_each_reads_right_over_latin1_and_without_a_charset),
	    cmocka_unit_test(test_other_single_byte_scripts_keep_their_reading),
	    cmocka_unit_test(test_koi8r_words_of_even_length_are_russian),
	    cmocka_unit_test(test_big5_subject_in_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
