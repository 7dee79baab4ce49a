/*
 * An entry's listing fields (render_int.h): allocated when the entry is
 * filled, freed when it is emptied. A leaf: entry.c and fill_cache.c
 * both use it.
 */
#include <stdlib.h>

#include "render_int.h"

struct listing listing_none;

/* e's listing fields freed; e is not filled. */
void
listing_drop(struct entry *e)
{
	if (e->lst == &listing_none || e->lst == NULL)
		return;
	free(e->lst->subject);
	free(e->lst->from);
	free(e->lst->file);
	free(e->lst);
	e->lst = &listing_none;
}

/* e's listing fields, allocated (NULL: no memory). */
struct listing *
entry_listing(struct entry *e)
{
	if (e->lst == &listing_none || e->lst == NULL)
		e->lst = calloc(1, sizeof *e->lst);
	if (e->lst == NULL)
		e->lst = &listing_none;
	return e->lst != &listing_none ? e->lst : NULL;
}
