#ifndef MA_RENDER_ERASED_H
#define MA_RENDER_ERASED_H

#include "render_int.h"

/*
 * erased_page_name - the page NAME of an erased message whose Message-ID
 * notmuch keeps as the "notmuch-sha1-" id msgid (erased.c): MA_OK with
 * name set, MA_ENOTFOUND when the site holds no page of it.
 */
enum ma_status erased_page_name(struct run *r, const char *msgid,
				char name[PERMALINK_NAME_MAX]);

void erased_names_free(struct run *r);

/*
 * stale_versions (removed.c) - in a conversation an erasure touched, the
 * raw forms of t's versions that went (m/NAME=v-*.eml): t's page no
 * longer lists them, and an erased one must not stay readable.
 */
enum ma_status stale_versions(struct run *r, const struct tmsg *t);

#endif
