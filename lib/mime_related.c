/*
 * RFC 2387 3.2: the root of a multipart/related, the part a reader
 * shows, is the one its "start" parameter names by Content-ID; only
 * without the parameter (or with one that names no part) is it the
 * first. A message whose root came after another text part
 * (start="<body>" on the second of two HTML parts, as in Python's email
 * tests) showed the other part as its body and listed its real text as
 * a file. leaf_parts() (mime.c) visits the root first. The other parts
 * are the root's resources, never the body, whatever their type: a
 * text/plain part before an HTML root was shown instead of the root,
 * the root offered as its HTML version; without start the same with a
 * text/plain part after an HTML first part. Such a text is listed as a
 * file and shown after the body (inline_texts() in mime.c).
 */
#include <string.h>

#include "mime_int.h"

/* Whether the Content-ID cid is the start parameter's "<id>" (or bare id). */
static bool
is_start(const char *cid, const char *start)
{
	size_t n;

	while (*start == ' ' || *start == '\t')
		start++;
	if (*start == '<')
		start++;
	n = strcspn(start, "> \t");
	return cid != NULL && strlen(cid) == n && memcmp(cid, start, n) == 0;
}

void
mime_related_root_first(GMimeObject *obj, GPtrArray *todo, int count)
{
	const char *start;
	GMimeObject *root;
	guint first;

	if (count < 2 || todo->len < (guint)count ||
	    !g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
					 "multipart", "related"))
		return;
	/* The children sit at the top of the stack, the first last. */
	first = todo->len - (guint)count;
	start = g_mime_object_get_content_type_parameter(obj, "start");
	for (guint k = first; start != NULL && k + 1 < todo->len; k++) {
		GMimeObject *c = g_ptr_array_index(todo, k);

		if (is_start(g_mime_object_get_content_id(c), start)) {
			g_ptr_array_remove_index(todo, k);
			g_ptr_array_add(todo, c);
			break;
		}
	}
	/* The other parts are what the root refers to, when the root is a
	 * text a reader shows (else the structure is broken: a picture
	 * first, with no start, and the parts are taken as they come). */
	root = g_ptr_array_index(todo, todo->len - 1);
	if (!GMIME_IS_MULTIPART(root) && mime_part_kind(root) == PART_OTHER)
		return;
	for (guint k = first; k + 1 < todo->len; k++)
		g_object_set_data(G_OBJECT(g_ptr_array_index(todo, k)),
				  MIME_RESOURCE_KEY, GINT_TO_POINTER(1));
}
