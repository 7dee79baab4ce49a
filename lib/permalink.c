#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "msg.h"
#include "path.h"
#include "permalink.h"

#define PERMALINK_KEEP 120

static int
keep_byte(unsigned char c, size_t pos)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	if (c == '.')
		return pos > 0;
	return c == '@' || c == '-' || c == '_' || c == '+';
}

enum ma_status
permalink_name(const char *msgid, char name[PERMALINK_NAME_MAX])
{
	char out[PERMALINK_LONG + 4];
	size_t n = strlen(msgid), o = 0, cut = 0;
	const unsigned char *p = (const unsigned char *)msgid;

	/* "<>" keeps its brackets: notmuch takes a field with nothing
	 * between them whole, as the id "<>", and its messages need a page
	 * like any other. */
	if (n > 2 && p[0] == '<' && p[n - 1] == '>') {
		p++;
		n -= 2;
	}
	if (n == 0)
		return MA_EDATA;
	for (size_t i = 0; i < n; i++) {
		size_t need = keep_byte(p[i], i) ? 1 : 3;

		if (o + need > PERMALINK_LONG) {
			o = PERMALINK_LONG + 1; /* too long: hash below */
			break;
		}
		if (o + need <= PERMALINK_KEEP)
			cut = o + need;
		if (need == 1) {
			out[o++] = (char)p[i];
		} else {
			out[o++] = '=';
			hex_encode_upper(&p[i], 1, &out[o]);
			o += 2;
		}
	}
	if (o > PERMALINK_LONG) {
		char md[HASH_SHA256_HEX_LEN + 1];

		/* Lower case, as sha256sum(1) prints it: the first half. */
		if (hash_sha256_hex(p, n, md) != MA_OK)
			return MA_ENOMEM;
		o = cut;
		out[o++] = '=';
		out[o++] = '=';
		memcpy(out + o, md, 32);
		o += 32;
	}
	out[o] = '\0';
	memcpy(name, out, o + 1);
	return MA_OK;
}

enum ma_status
permalink_shard(const char *name, char hh[3])
{
	unsigned char id[PERMALINK_NAME_MAX];
	char md[HASH_SHA256_HEX_LEN + 1];
	const char *cut = strstr(name, "==");
	size_t n = 0;

	if (cut != NULL) {
		/* Step 3's digest is step 4's: its first two digits. */
		if (strlen(cut + 2) != 32 || cut[2 + hex_span(cut + 2)])
			return MA_EDATA;
		memcpy(hh, cut + 2, 2);
		hh[2] = '\0';
		return MA_OK;
	}
	for (const char *p = name; *p != '\0'; p++) {
		int hi, lo;

		if (n >= sizeof id)
			return MA_EDATA;
		if (*p != '=') {
			id[n++] = (unsigned char)*p;
			continue;
		}
		if ((hi = hex_value(p[1], true)) < 0 ||
		    (lo = hex_value(p[2], true)) < 0)
			return MA_EDATA;
		id[n++] = (unsigned char)(hi << 4 | lo);
		p += 2;
	}
	if (n == 0)
		return MA_EDATA;
	if (hash_sha256_hex(id, n, md) != MA_OK)
		return MA_ENOMEM;
	memcpy(hh, md, 2);
	hh[2] = '\0';
	return MA_OK;
}

enum ma_status
permalink_stem(const char *name, char out[PERMALINK_STEM_MAX])
{
	char hh[3];
	size_t n = strlen(name);
	enum ma_status st;

	if (n >= PERMALINK_NAME_MAX)
		return MA_EDATA;
	if ((st = permalink_shard(name, hh)) != MA_OK)
		return st;
	memcpy(out, hh, 2);
	out[2] = '/';
	memcpy(out + 3, name, n + 1);
	return MA_OK;
}

char *
permalink_path(const char *msgid)
{
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];

	if (permalink_name(msgid, name) != MA_OK ||
	    permalink_stem(name, stem) != MA_OK)
		return NULL;
	return path_fmt("m/%s.html", stem);
}

/* RFC 5322 CFWS as notmuch skips it: blanks and nested comments, in
 * which a backslash quotes the next byte. */
static const char *
skip_cfws(const char *s)
{
	while (*s != '\0' && (strchr(" \t\r\n\v\f", *s) || *s == '(')) {
		if (*s != '(') {
			s++;
			continue;
		}
		for (int depth = 0; *s != '\0';) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '(')
				depth++;
			else if (*s == ')' && --depth == 0) {
				s++;
				break;
			}
			s++;
		}
	}
	return s;
}

/*
 * What libnotmuch 0.37 does with a decoded Message-ID field: the text
 * between the first "<" and the next ">" (or the end), less leading
 * CFWS, with every space and tab removed. It finds no Message-ID when
 * there is no "<", when nothing follows it, or when a ">" closes a
 * single byte; then the whole field is the id.
 */
static char *
notmuch_parse(const char *v)
{
	const char *s = skip_cfws(v), *end;
	size_t n;
	char *r;

	s = strchr(s, '<');
	if (s == NULL)
		return NULL;
	s = skip_cfws(s + 1);
	end = strchr(s, '>');
	if (end == NULL)
		end = s + strlen(s);
	else if (end - s <= 1)
		return NULL;
	if (end == s)
		return NULL;
	n = (size_t)(end - s);
	if ((r = malloc(n + 1)) == NULL)
		return NULL;
	/* notmuch's loop steps over the byte after each blank it removes:
	 * of two blanks in a row, the second stays. */
	n = 0;
	for (const char *p = s; p < end; p++) {
		if (*p == ' ' || *p == '\t') {
			if (++p == end)
				break;
		}
		r[n++] = *p;
	}
	r[n] = '\0';
	return r;
}

char *
permalink_notmuch_parse(const char *value)
{
	char *text, *id;

	if (value == NULL || value[0] == '\0')
		return NULL;
	if ((text = msg_header_text(value)) == NULL)
		return NULL;
	if (text[0] == '\0') {
		free(text);
		return NULL;
	}
	/* No Message-ID notmuch can take: it keeps the whole field. */
	if ((id = notmuch_parse(text)) == NULL)
		return text;
	free(text);
	return id;
}

char *
permalink_message_id(const char *typed)
{
	char *wrapped, *value, *id;

	size_t n;

	/* Blanks alone name nothing ("<>" is notmuch's id of a field that
	 * holds just that); around an id they are not part of the field's
	 * value. */
	if (typed == NULL)
		return NULL;
	typed += strspn(typed, " \t\r\n");
	n = strlen(typed);
	while (n > 0 && strchr(" \t\r\n", typed[n - 1]) != NULL)
		n--;
	if (n == 0)
		return NULL;
	/* A bare id is what people type for "<id>". */
	if (memchr(typed, '<', n) != NULL) {
		wrapped = strndup(typed, n);
	} else if ((wrapped = malloc(n + 3)) != NULL) {
		wrapped[0] = '<';
		memcpy(wrapped + 1, typed, n);
		memcpy(wrapped + 1 + n, ">", 2);
	}
	if (wrapped == NULL)
		return NULL;
	/* gmime decodes a field's text once as it parses the header, and
	 * notmuch once more. */
	value = msg_header_text(wrapped);
	free(wrapped);
	if (value == NULL)
		return NULL;
	id = permalink_notmuch_parse(value);
	free(value);
	return id;
}

char *
permalink_notmuch_key(const char *id)
{
	size_t n = strlen(id), o = sizeof PERMALINK_NOTMUCH_SHA1 - 1;
	struct hash *h;
	char *out;

	if (n <= PERMALINK_NOTMUCH_MAX)
		return strdup(id);
	if ((out = malloc(o + 2 * 20 + 1)) == NULL)
		return NULL;
	memcpy(out, PERMALINK_NOTMUCH_SHA1, o);
	/* The digest covers the id and its terminating NUL. */
	if ((h = hash_begin(HASH_SHA1)) != NULL)
		hash_update(h, id, n + 1);
	if (hash_end(h, out + o) != MA_OK) {
		free(out);
		return NULL;
	}
	return out;
}

char *
permalink_real_id(const char *notmuch_id, const char *file)
{
	size_t pre = sizeof PERMALINK_NOTMUCH_SHA1 - 1;
	char *field = NULL, *id = NULL, *key = NULL;

	if (file == NULL || strncmp(notmuch_id, PERMALINK_NOTMUCH_SHA1, pre) ||
	    strlen(notmuch_id) != pre + 40)
		return strdup(notmuch_id);
	/* Rare: read the field notmuch shortened, and use it only if it is
	 * the one (a message without Message-ID has a hash of its file). */
	if (msg_header_field(file, "Message-ID", &field) == MA_OK &&
	    field != NULL && (id = permalink_notmuch_parse(field)) != NULL &&
	    (key = permalink_notmuch_key(id)) != NULL &&
	    strcmp(key, notmuch_id) == 0) {
		free(field);
		free(key);
		return id;
	}
	free(field);
	free(id);
	free(key);
	return strdup(notmuch_id);
}

enum ma_status
permalink_of_message(const char *notmuch_id, const char *file,
		     char out[PERMALINK_NAME_MAX])
{
	size_t pre = sizeof PERMALINK_NOTMUCH_SHA1 - 1;
	enum ma_status st;
	char *id;

	/* Nearly every id: no copy (listings name thousands of them). */
	if (file == NULL || strncmp(notmuch_id, PERMALINK_NOTMUCH_SHA1, pre))
		return permalink_name(notmuch_id, out);
	if ((id = permalink_real_id(notmuch_id, file)) == NULL)
		return MA_ENOMEM;
	st = permalink_name(id, out);
	free(id);
	return st;
}

void
permalink_log_id(const char *id, char out[PERMALINK_LOG_MAX])
{
	size_t n = strlen(id), k = n > PERMALINK_LOG_ID ? PERMALINK_LOG_ID : n;

	/* Back up to the start of a UTF-8 sequence if the cut is inside. */
	if (k < n)
		while (k > 0 && ((unsigned char)id[k] & 0xc0) == 0x80)
			k--;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)id[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (k < n) {
		memcpy(out + k, "...", 4);
	} else {
		out[k] = '\0';
	}
}
