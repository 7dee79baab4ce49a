/*
 * The settings line of the render state: what the pages were rendered
 * with. The state's writer records it and a run compares it (run.c).
 */
#include "render_int.h"

/*
 * The settings every page shows or depends on, as one line: when they
 * change, every page must be rendered again.
 */
char *
settings_line(const struct render_opts *o)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	if (sitename_state_escape(&b, o->name) != MA_OK ||
	    buf_addc(&b, '|') != MA_OK ||
	    sitename_state_escape(&b, o->description) != MA_OK ||
	    buf_addf(&b, "|%d|%d|%d|%d|%s|%s", o->prefer_html, o->remote_images,
		     (int)o->addr, o->reply_links, PERMALINK_LAYOUT,
		     PAGES_MARKUP) != MA_OK) {
		buf_release(&b);
		return NULL;
	}
	if ((o->base_url != NULL &&
	     (buf_addc(&b, '|') != MA_OK ||
	      sitename_state_escape(&b, o->base_url) != MA_OK))) {
		buf_release(&b);
		return NULL;
	}
	/* The addresses Reply links copy. */
	for (size_t i = 0; o->reply_links && o->reply_accounts != NULL &&
			   o->reply_accounts[i] != NULL;
	     i++)
		if (buf_addc(&b, '|') != MA_OK ||
		    sitename_state_escape(&b, o->reply_accounts[i]) != MA_OK) {
			buf_release(&b);
			return NULL;
		}
	return buf_steal(&b);
}
