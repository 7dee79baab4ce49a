/*
 * Addresses as gmime parses them, groups flattened: for the display
 * parse in mime.c and for the address tests of the privacy commands.
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "array.h"
#include "mime.h"
#include "mime_int.h"

static char *
xstrdup(const char *s)
{
	return strdup(s != NULL ? s : "");
}

void
mime_addrs_free(struct mime_addr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].addr);
	}
	free(a);
}

enum ma_status
mime_addrs_get(InternetAddressList *list, struct mime_addr **ap, size_t *np)
{
	struct mime_addr *a = NULL;
	size_t n = 0, cap = 0;
	InternetAddressList *stack[2] = {list, NULL};
	int len;

	*ap = NULL;
	*np = 0;
	if (list == NULL)
		return MA_OK;
	/* Groups do not nest (RFC 5322 3.4), so one level is enough. */
	for (int depth = 0; depth < 1; depth++) {
		len = internet_address_list_length(stack[depth]);
		for (int i = 0; i < len; i++) {
			InternetAddress *ia =
			    internet_address_list_get_address(stack[depth], i);
			InternetAddressList *members = NULL;
			int mlen = 1;

			if (INTERNET_ADDRESS_IS_GROUP(ia)) {
				members = internet_address_group_get_members(
				    INTERNET_ADDRESS_GROUP(ia));
				mlen = internet_address_list_length(members);
			}
			for (int j = 0; j < mlen; j++) {
				InternetAddress *m =
				    members ? internet_address_list_get_address(
						  members, j)
					    : ia;

				if (!INTERNET_ADDRESS_IS_MAILBOX(m))
					continue;
				if (n == cap) {
					struct mime_addr *na = array_grow(
					    a, &cap, n, sizeof *na, 4);

					if (na == NULL)
						goto nomem;
					a = na;
				}
				a[n].name =
				    xstrdup(internet_address_get_name(m));
				a[n].addr =
				    xstrdup(internet_address_mailbox_get_addr(
					INTERNET_ADDRESS_MAILBOX(m)));
				n++;
				if (a[n - 1].name == NULL ||
				    a[n - 1].addr == NULL)
					goto nomem;
			}
		}
	}
	*ap = a;
	*np = n;
	return MA_OK;
nomem:
	mime_addrs_free(a, n);
	return MA_ENOMEM;
}
/* Whether byte c is part of a word: an ASCII letter or digit, or a
 * byte of a UTF-8 sequence (a letter of another script). */
static bool
word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c >= 0x80;
}

static bool
addr_has(const struct mime_addr *a, const unsigned char *w, size_t len)
{
	return memmem(a->name, strlen(a->name), w, len) != NULL ||
	       memmem(a->addr, strlen(a->addr), w, len) != NULL;
}

/*
 * The words come in the order of the addresses they belong to, so each
 * is looked for from the address of the word before (a few ahead); only
 * a word not there is looked for everywhere. Looking everywhere for each
 * word made a From of 20,000 addresses take a minute.
 */
bool
mime_addrs_cover(const char *text, const struct mime_addr *a, size_t n)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	size_t at = 0;

	while (*p != '\0') {
		size_t len = 0, i = at, end = at + 4 < n ? at + 4 : n;

		if (!word_byte(*p)) {
			p++;
			continue;
		}
		while (word_byte(p[len]))
			len++;
		while (i < end && !addr_has(&a[i], p, len))
			i++;
		if (i == end)
			for (i = 0; i < n && !addr_has(&a[i], p, len); i++)
				;
		if (i == n)
			return false;
		at = i;
		p += len;
	}
	return true;
}

enum ma_status
mime_parse_addrs(const char *header, struct mime_addr **ap, size_t *np)
{
	InternetAddressList *l;
	enum ma_status st;

	mime_init();
	l = internet_address_list_parse(NULL, header != NULL ? header : "");
	st = mime_addrs_get(l, ap, np);
	if (l != NULL)
		g_object_unref(l);
	return st;
}

enum ma_status
mime_header_has_addr(const char *hdr, size_t len, const char *addr, bool *hitp)
{
	static const char *const names[] = {
	    "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Delivered-To",
	};
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeHeaderList *list;
	enum ma_status st = MA_OK;
	bool hit = false;
	int count;

	mime_init();
	stream = g_mime_stream_mem_new();
	g_mime_stream_write(stream, hdr, len);
	/* The empty line that ends the header: the parser needs it. */
	g_mime_stream_write(stream, "\n\n", 2);
	g_mime_stream_reset(stream);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL)
		return MA_EDATA;
	list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	count = g_mime_header_list_get_count(list);
	for (int i = 0; i < count && !hit && st == MA_OK; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		InternetAddressList *l;
		struct mime_addr *a;
		size_t n;
		bool wanted = false;

		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			if (name != NULL &&
			    g_ascii_strcasecmp(name, names[k]) == 0)
				wanted = true;
		if (!wanted || raw == NULL)
			continue;
		l = internet_address_list_parse(NULL, raw);
		st = mime_addrs_get(l, &a, &n);
		if (l != NULL)
			g_object_unref(l);
		if (st != MA_OK)
			break;
		for (size_t k = 0; k < n && !hit; k++)
			hit = g_ascii_strcasecmp(a[k].addr, addr) == 0;
		mime_addrs_free(a, n);
	}
	g_object_unref(msg);
	if (st == MA_OK)
		*hitp = hit;
	return st;
}
