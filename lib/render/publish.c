/*
 * How a page built whole in memory reaches the site: one buffer of at most
 * PAGE_MAX bytes, filled by the page's own function, then published.
 */
#include "render_int.h"

enum ma_status
page_publish(struct run *r, const char *rel, page_fill_fn *fill)
{
	struct buf b;
	enum ma_status st;

	buf_init(&b, PAGE_MAX);
	st = fill(r, &b);
	if (st == MA_OK)
		st = site_put_buf(r->site, rel, &b);
	buf_release(&b);
	return st;
}
