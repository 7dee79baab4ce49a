#ifndef MA_HTML_H
#define MA_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "status.h"

/*
 * HTML output of mail text. Every byte of mail that reaches a page goes
 * through html_escape(), directly or through html_text() and
 * html_sanitize(), which call it: there is no other way in.
 */

/*
 * html_escape - append s[0..n) to b as HTML text that is also safe inside
 * a double- or single-quoted attribute value: & < > " ' become entities;
 * bytes that are not valid UTF-8 (lone surrogates among them) and
 * noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF and their kin in every
 * plane) become U+FFFD; C0 controls other than tab and newline, DEL and C1
 * controls are dropped. What comes out is both HTML text and XML 1.0
 * character data (Atom feeds use it too). MA_ETOOBIG when b is full.
 */
enum ma_status html_escape(struct buf *b, const char *s, size_t n);

/* html_escapes - html_escape() of a C string; NULL appends nothing. */
enum ma_status html_escapes(struct buf *b, const char *s);

/*
 * html_text - a plain-text body (UTF-8, format=flowed already undone) as
 * HTML: a <div class="text"> whose lines keep their breaks, http(s) URLs
 * made into links (rel="nofollow noopener noreferrer"), runs of quoted
 * lines ("> ...") folded into <details>, and a signature (after "-- ")
 * set apart. No script, no style attribute.
 */
enum ma_status html_text(struct buf *b, const char *text, size_t n);

/*
 * What html_sanitize() does with images. cid_url maps a "cid:" reference
 * (without the scheme) to the URL of the attachment that carries it, or
 * NULL when there is none (the image is dropped); the string is borrowed
 * until the next call.
 */
struct html_policy {
	bool remote_images; /* keep http(s) images; else show their alt */
	const char *(*cid_url)(void *arg, const char *cid);
	void *arg;
	size_t blocked_images; /* out: remote images left out */
};

/*
 * html_sanitize - parse html[0..n) with gumbo (the HTML5 parsing
 * algorithm, so broken markup is repaired the way a browser would) and
 * append the body rebuilt from an allowlist of HTML elements, attributes
 * and URL schemes. Dropped with their content: script, style, svg, math,
 * template, iframe, object, embed, forms' controls and the head. Kept
 * URLs: http, https, mailto for links; http(s) (when remote_images),
 * cid (mapped) and data:image/{png,gif,jpeg,webp} for images. No event
 * handler, style or class attribute survives. The walk is iterative: no
 * recursion on mail data. MA_ETOOBIG when b is full, MA_ENOMEM;
 * MA_EDATA (b untouched) for markup nested deeper than HTML_MAX_NESTING,
 * which the parser cannot take in reasonable time and memory.
 */
enum ma_status html_sanitize(struct buf *b, const char *html, size_t n,
			     struct html_policy *pol);

/* Deepest nesting of elements html_sanitize() accepts (browsers give up
 * laying out far shallower trees). */
#define HTML_MAX_NESTING 1000

/*
 * html_nesting - an upper estimate of how deeply the elements of
 * html[0..n) nest: start tags minus end tags, not counting void elements
 * and those the parser closes by itself (p, li, td, ...), skipping
 * comments and raw text. Exposed for tests.
 */
size_t html_nesting(const char *html, size_t n);

/*
 * html_url_scheme - the lower-cased scheme of url as a browser would read
 * it (ASCII whitespace and controls removed, as the URL parser does) into
 * out; "" for a relative URL. Exposed for tests.
 */
void html_url_scheme(const char *url, char *out, size_t size);

/*
 * html_shows_text - whether html[0..n), sanitised, shows a reader any
 * text or image: not when all its text is in elements a browser hides
 * (the raw text of an <iframe> left open, a <title>, a <noscript>).
 * Markup too deep to sanitise counts as shown (its source is).
 */
bool html_shows_text(const char *html, size_t n);

/*
 * html_hidden_text - the text of html[0..n) with what a browser hides:
 * the raw text of <iframe>, <noscript>, <noembed>, <noframes>, <xmp> and
 * <plaintext> read again as HTML (a few rounds), that of <title> and
 * <textarea> too; never script or style. Lines trimmed, blocks on lines
 * of their own. *textp is malloc'd (NUL-terminated, *lenp bytes) and the
 * caller frees it; MA_ENOMEM.
 */
enum ma_status html_hidden_text(const char *html, size_t n, char **textp,
				size_t *lenp);

#endif
