/*
 * Where a search result's "Conversation" link leads: the message in its
 * thread's page, as "HH/NAME#ANCHOR" under t/ (the page t/HH/NAME.html
 * that names.c names after the thread's root, the anchor anchor_of()
 * gives and thread.c writes). A thread's NAME follows its root, which
 * an earlier message or a merge changes; search.c therefore asks for it
 * each time it writes a month's documents, never from its cache.
 */
#include "render_int.h"
#include "search_int.h"

char *
search_thread_place(const struct entry *e)
{
	char stem[PERMALINK_STEM_MAX], anchor[16];

	if (entry_tname(e) == NULL)
		return g_strdup(""); /* no thread page: no link */
	anchor_of(e->msgid, anchor);
	return g_strdup_printf("%s#%s", name_stem(entry_tname(e), stem),
			       anchor);
}
