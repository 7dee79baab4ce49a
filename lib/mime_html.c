/*
 * A message page never shows no text while the message has some. An
 * HTML body that shows a reader nothing (html_shows_text(): a Klez-style
 * <iframe> left open swallows the letter's text, or the body is only a
 * <title> or a <noscript>) is not the body: its text/plain alternative
 * is, when it has text; else the text the HTML hides
 * (html_hidden_text()), as plain text; else the message has no text, and
 * the page says so instead of showing an empty frame. The HTML part
 * stays in the raw message, and the page says so (html_blank). The
 * search index and thread pages read the same body.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "mime_int.h"

static bool
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

enum ma_status
mime_html_visible(struct mime_msg *m, GMimeObject *plain)
{
	char *text = NULL;
	size_t n = 0;
	enum ma_status st;

	if (!m->body_html || m->body == NULL ||
	    html_shows_text(m->body, m->body_len))
		return MA_OK;
	if (plain != NULL) {
		st = GMIME_IS_TEXT_PART(plain)
			 ? mime_part_text(plain, NULL, &text, &n)
			 : mime_part_bytes_text(plain, &text, &n);
		if (st == MA_ENOMEM)
			return st;
		if (st != MA_OK || blank(text, n)) {
			free(text);
			text = NULL;
		}
	}
	if (text == NULL &&
	    (st = html_hidden_text(m->body, m->body_len, &text, &n)) != MA_OK)
		return st;
	free(m->body);
	m->body = text;
	m->body_len = n;
	m->body_html = false;
	m->html_blank = true;
	return MA_OK;
}
