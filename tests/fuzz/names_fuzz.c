/*
 * libFuzzer targets for every function that turns message data into a
 * name, a URL or a fixed buffer (make fuzz-names). One source, built once
 * per target with -DNAMES_TARGET=N:
 *
 *   1 names_permalink_fuzz  permalink_name(), permalink_path(),
 *                           permalink_notmuch_parse(),
 *                           permalink_message_id(), permalink_notmuch_key(),
 *                           permalink_log_id()
 *   2 names_message_fuzz    permalink_of_message() over a message file
 *                           whose Message-ID field is the input
 *   3 names_site_fuzz       sitename_*(): thread ids, attachment tokens,
 *                           mid: URLs, state escaping, mbox entries; and
 *                           render_month_of()
 *   4 names_xml_fuzz        html_escape(): its output is XML 1.0 text
 *
 * Each checks what the headers promise (bounds, character sets, round
 * trips), not only that nothing crashes: abort() on a broken promise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "html.h"
#include "log.h"
#include "permalink.h"
#include "render.h"
#include "sitename.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x)) {                                                    \
			fprintf(stderr, "broken: %s (line %d)\n", #x,          \
				__LINE__);                                     \
			abort();                                               \
		}                                                              \
	} while (0)

/* The input as a C string (it ends at its first NUL). */
static char *
cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

static void
check_name(const char *id)
{
	char a[PERMALINK_NAME_MAX], b[PERMALINK_NAME_MAX];
	char stem[PERMALINK_STEM_MAX];
	enum ma_status st = permalink_name(id, a);
	size_t n;

	if (st != MA_OK) {
		CHECK(st == MA_EDATA);
		return;
	}
	n = strlen(a);
	CHECK(n > 0 && n <= PERMALINK_LONG && a[0] != '.');
	CHECK(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789@-_+.=") == n);
	CHECK(permalink_name(id, b) == MA_OK && strcmp(a, b) == 0);
	/* Every NAME has its shard: two lower-case hex digits. */
	CHECK(permalink_stem(a, stem) == MA_OK);
	CHECK(strspn(stem, "0123456789abcdef") == 2 && stem[2] == '/' &&
	      strcmp(stem + 3, a) == 0);
}

#if NAMES_TARGET == 1
static void
target(const uint8_t *data, size_t size)
{
	char *s = cstr(data, size), *id, *key, *path;
	char shown[PERMALINK_LOG_MAX];

	if (s == NULL)
		return;
	check_name(s);
	if ((path = permalink_path(s)) != NULL) {
		CHECK(strncmp(path, "m/", 2) == 0 && path[4] == '/');
		free(path);
	}
	/* Any bytes as a NAME: a shard or MA_EDATA, never more. */
	{
		char hh[3];
		enum ma_status st = permalink_shard(s, hh);

		CHECK(st == MA_OK || st == MA_EDATA);
		CHECK(st != MA_OK || strspn(hh, "0123456789abcdef") == 2);
	}
	permalink_log_id(s, shown);
	CHECK(strlen(shown) < PERMALINK_LOG_MAX);
	for (const char *p = shown; *p; p++)
		CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	if ((id = permalink_notmuch_parse(s)) != NULL) {
		check_name(id);
		free(id);
	}
	if ((id = permalink_message_id(s)) != NULL) {
		check_name(id);
		key = permalink_notmuch_key(id);
		CHECK(key != NULL);
		CHECK(strlen(id) > PERMALINK_NOTMUCH_MAX
			  ? strlen(key) == 53 &&
				strncmp(key, PERMALINK_NOTMUCH_SHA1, 13) == 0
			  : strcmp(key, id) == 0);
		free(key);
		free(id);
	}
	free(s);
}
#elif NAMES_TARGET == 2
static void
target(const uint8_t *data, size_t size)
{
	static char path[64];
	char a[PERMALINK_NAME_MAX], b[PERMALINK_NAME_MAX];
	char *field, *id, *key;
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/names_fuzz.%ld",
			 (long)getpid());
	if ((field = cstr(data, size)) == NULL)
		return;
	/* The field, a line break being a fold, then a body. */
	for (char *p = field; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if ((f = fopen(path, "w")) == NULL) {
		free(field);
		return;
	}
	fprintf(f, "From: a@b\nSubject: s\nMessage-ID: %s\n\nbody\n", field);
	fclose(f);
	id = permalink_notmuch_parse(field);
	if (id != NULL && (key = permalink_notmuch_key(id)) != NULL) {
		/* Either the field's name (when the hash matches) or the
		 * key's: never anything else, and never a crash. */
		CHECK(permalink_of_message(key, path, a) == MA_OK ||
		      strcmp(id, "<>") == 0);
		if (strcmp(id, "<>") != 0 && permalink_name(id, b) == MA_OK &&
		    strlen(id) > PERMALINK_NOTMUCH_MAX) {
			char c[PERMALINK_NAME_MAX];

			CHECK(permalink_name(key, c) == MA_OK);
			CHECK(strcmp(a, b) == 0 || strcmp(a, c) == 0);
		}
		free(key);
	}
	free(id);
	free(field);
}
#elif NAMES_TARGET == 3
static void
target(const uint8_t *data, size_t size)
{
	char *s = cstr(data, size), *back;
	char th[SITENAME_THREAD_MAX + 4], month[8 + 4];
	struct buf b;
	time_t t = 0;

	if (s == NULL)
		return;
	memset(th, 'X', sizeof th);
	sitename_set_thread(th, s);
	CHECK(th[SITENAME_THREAD_MAX] == 'X');
	CHECK(strlen(th) < SITENAME_THREAD_MAX);
	CHECK(th[0] == '\0' || sitename_thread_ok(th));
	if (sitename_att_token_ok(s))
		CHECK(strlen(s) < SITENAME_TOKEN_MAX);
	buf_init(&b, 1 << 24);
	CHECK(sitename_mid_url(&b, s) == MA_OK);
	for (size_t i = 0; i < b.len; i++)
		CHECK(b.data[i] > ' ' && b.data[i] < 0x7f &&
		      !strchr("\"<>&", b.data[i]));
	buf_reset(&b);
	CHECK(sitename_state_escape(&b, s) == MA_OK);
	CHECK(b.len == 0 || memchr(b.data, '\t', b.len) == NULL);
	CHECK(b.len == 0 || memchr(b.data, '\n', b.len) == NULL);
	back = sitename_state_unescape(b.data ? b.data : "", b.len);
	CHECK(back != NULL && strcmp(back, s) == 0);
	free(back);
	buf_reset(&b);
	memcpy(&t, data, size < sizeof t ? size : sizeof t);
	CHECK(sitename_mbox_add(&b, (const char *)data, size, t) == MA_OK);
	CHECK(b.len >= 21 && memcmp(b.data, "From MAILER-DAEMON ", 19) == 0);
	for (const char *p = memchr(b.data, '\n', b.len) + 1;
	     p < b.data + b.len;) {
		const char *nl = memchr(p, '\n', (size_t)(b.data + b.len - p));

		CHECK(nl != NULL);
		CHECK(!(nl - p >= 5 && memcmp(p, "From ", 5) == 0));
		p = nl + 1;
	}
	buf_release(&b);
	memset(month, 'X', sizeof month);
	render_month_of(t, month);
	CHECK(strlen(month) == 7 && month[4] == '/' &&
	      strspn(month, "0123456789/") == 7);
	free(s);
}
#elif NAMES_TARGET == 4
static void
target(const uint8_t *data, size_t size)
{
	struct buf b;
	size_t i = 0;

	buf_init(&b, 1 << 24);
	CHECK(html_escape(&b, (const char *)data, size) == MA_OK);
	/* Every code point an XML 1.0 Char, none a noncharacter. */
	while (i < b.len) {
		const unsigned char *p = (const unsigned char *)b.data + i;
		uint32_t cp;
		size_t len = p[0] < 0x80	     ? 1
			     : (p[0] & 0xe0) == 0xc0 ? 2
			     : (p[0] & 0xf0) == 0xe0 ? 3
						     : 4;

		CHECK(i + len <= b.len);
		cp = len == 1 ? p[0] : p[0] & (0x7f >> len);
		for (size_t k = 1; k < len; k++) {
			CHECK((p[k] & 0xc0) == 0x80);
			cp = cp << 6 | (p[k] & 0x3f);
		}
		CHECK(cp == 0x9 || cp == 0xa || (cp >= 0x20 && cp < 0xd800) ||
		      (cp >= 0xe000 && cp <= 0xfffd) ||
		      (cp >= 0x10000 && cp <= 0x10ffff));
		CHECK(!(cp >= 0xfdd0 && cp <= 0xfdef) &&
		      (cp & 0xfffe) != 0xfffe);
		CHECK(cp != '<' && cp != '>' && cp != '"' && cp != '\'');
		i += len;
	}
	buf_release(&b);
}
#else
#error "NAMES_TARGET must be 1, 2, 3 or 4"
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;

	if (!init) {
		log_init("names_fuzz");
		log_adjust(-4);
		init = 1;
	}
	target(data, size);
	return 0;
}
