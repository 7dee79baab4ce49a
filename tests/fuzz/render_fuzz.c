/*
 * libFuzzer over the renderer's text paths: the HTML sanitiser, text to
 * HTML and the format=flowed decoder. The oracle re-parses what the
 * sanitiser produced, as a browser would, and aborts on anything that
 * could run or load: an element outside the allowlist, an event handler
 * or style attribute, a URL with a scheme we do not emit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gumbo.h>

#include "html.h"
#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_url(const char *v, int img)
{
	char scheme[16];

	html_url_scheme(v, scheme, sizeof scheme);
	if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)
		return;
	if (!img && strcmp(scheme, "mailto") == 0)
		return;
	if (img && strncmp(v, "data:image/", 11) == 0)
		return;
	abort();
}

static void
check(GumboNode *root)
{
	GumboNode *stack[4096];
	size_t depth = 0;

	stack[depth++] = root;
	while (depth > 0) {
		GumboNode *n = stack[--depth];
		GumboElement *e;

		if (n->type != GUMBO_NODE_ELEMENT)
			continue;
		e = &n->v.element;
		switch (e->tag) {
		case GUMBO_TAG_SCRIPT:
		case GUMBO_TAG_STYLE:
		case GUMBO_TAG_IFRAME:
		case GUMBO_TAG_OBJECT:
		case GUMBO_TAG_EMBED:
		case GUMBO_TAG_SVG:
		case GUMBO_TAG_MATH:
		case GUMBO_TAG_META:
		case GUMBO_TAG_LINK:
		case GUMBO_TAG_BASE:
		case GUMBO_TAG_FORM:
		case GUMBO_TAG_INPUT:
		case GUMBO_TAG_BUTTON:
		case GUMBO_TAG_TEMPLATE:
			abort();
		default:
			break;
		}
		if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
			abort();
		for (unsigned i = 0; i < e->attributes.length; i++) {
			GumboAttribute *a = e->attributes.data[i];

			if (strncasecmp(a->name, "on", 2) == 0 ||
			    strcasecmp(a->name, "style") == 0 ||
			    strcasecmp(a->name, "srcset") == 0)
				abort();
			if (strcasecmp(a->name, "href") == 0)
				check_url(a->value, 0);
			if (strcasecmp(a->name, "src") == 0)
				check_url(a->value, 1);
		}
		for (unsigned i = 0; i < e->children.length && depth < 4096; i++)
			stack[depth++] = e->children.data[i];
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct html_policy pol = { .remote_images = size % 2 };
	struct buf b;
	size_t n;
	char *flowed;

	buf_init(&b, 1 << 26);
	if (html_sanitize(&b, (const char *)data, size, &pol) == MA_OK &&
	    b.len > 0) {
		GumboOutput *out = gumbo_parse_with_options(
			&kGumboDefaultOptions, b.data, b.len);

		check(out->root);
		gumbo_destroy_output(&kGumboDefaultOptions, out);
	}
	buf_reset(&b);
	html_text(&b, (const char *)data, size);
	buf_release(&b);
	flowed = mime_unflow((const char *)data, size, size % 3 == 0, &n);
	free(flowed);
	return 0;
}
