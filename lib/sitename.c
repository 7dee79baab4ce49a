/* Names and fields the site makes of message data: see sitename.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sitename.h"

bool
sitename_thread_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n < SITENAME_THREAD_MAX &&
	       strspn(id, "0123456789abcdef") == n;
}

void
sitename_set_thread(char dst[SITENAME_THREAD_MAX], const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= SITENAME_THREAD_MAX ||
	    (n > 0 && strspn(src, "0123456789abcdef") != n))
		n = 0;
	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}

bool
sitename_att_token_ok(const char *t)
{
	size_t n = strlen(t);

	return n > 65 && n < SITENAME_TOKEN_MAX &&
	       strspn(t, "0123456789abcdef") == 64 && t[64] == '.' &&
	       strspn(t + 65, "abcdefghijklmnopqrstuvwxyz") == n - 65;
}

/* RFC 2392 mid: URL of a Message-ID, as the entry's stable id. */
enum ma_status
sitename_mid_url(struct buf *b, const char *msgid)
{
	enum ma_status st = buf_adds(b, "mid:");

	for (const unsigned char *p = (const unsigned char *)msgid;
	     *p && st == MA_OK; p++)
		st = isalnum(*p) || strchr("-._~@!$'()*+,;=:", *p)
			 ? buf_addc(b, (char)*p)
			 : buf_addf(b, "%%%02X", *p);
	return st;
}

/* Message-IDs are written with \\, \t, \n and \r escaped. */
enum ma_status
sitename_state_escape(struct buf *b, const char *s)
{
	enum ma_status st = MA_OK;

	for (; *s && st == MA_OK; s++) {
		switch (*s) {
		case '\\':
			st = buf_adds(b, "\\\\");
			break;
		case '\t':
			st = buf_adds(b, "\\t");
			break;
		case '\n':
			st = buf_adds(b, "\\n");
			break;
		case '\r':
			st = buf_adds(b, "\\r");
			break;
		default:
			st = buf_addc(b, *s);
		}
	}
	return st;
}

char *
sitename_state_unescape(const char *s, size_t n)
{
	char *r = malloc(n + 1), *o = r;

	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			*o++ = s[i] == 't'   ? '\t'
			       : s[i] == 'n' ? '\n'
			       : s[i] == 'r' ? '\r'
					     : s[i];
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return r;
}

enum ma_status
sitename_mbox_add(struct buf *b, const char *data, size_t len, time_t date)
{
	return sitename_mbox_add_hdr(b, data, len, date, "");
}

/* mboxrd: a "From " line before each message, and every line that
 * matches ^>*From  gets one more '>' so that readers can undo it. */
enum ma_status
sitename_mbox_add_hdr(struct buf *b, const char *data, size_t len, time_t date,
		      const char *hdr)
{
	char when[64];
	size_t i = 0;
	struct tm tm;
	enum ma_status st;

	/* Any time_t: a year gmtime_r() cannot hold is the epoch's. The
	 * longest line strftime() can make here is 31 bytes. */
	if (gmtime_r(&date, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	if (strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		memcpy(when, "Thu Jan  1 00:00:00 1970", 25);
	st = buf_addf(b, "From MAILER-DAEMON %s\n%s", when, hdr);
	while (i < len && st == MA_OK) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - data) + 1 : len, q = i;

		while (q < e && data[q] == '>')
			q++;
		if (e - q >= 5 && memcmp(data + q, "From ", 5) == 0)
			st = buf_addc(b, '>');
		if (st == MA_OK)
			st = buf_add(b, data + i, e - i);
		i = e;
	}
	if (st == MA_OK && len > 0 && data[len - 1] != '\n')
		st = buf_addc(b, '\n');
	if (st == MA_OK)
		st = buf_addc(b, '\n');
	return st;
}
