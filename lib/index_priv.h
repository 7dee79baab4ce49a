#ifndef MA_INDEX_PRIV_H
#define MA_INDEX_PRIV_H

/* Shared by index.c and index_search.c only: the notmuch handle. */
#include <notmuch.h>

#include "index.h"

struct index {
	notmuch_database_t *db; /* owned */
	enum index_mode mode;
	char *space_dir;       /* absolute, owned */
	char *config;	       /* SPACE/notmuch/config, owned */
	char *mail_root;       /* SPACE/archive, owned */
	unsigned long changes; /* since the last commit */
	bool torn; /* an atomic section left open: nothing since the last
		    * commit may be kept (index_add) */
};

/* index_query_create - a query in notmuch's Xapian syntax (logged when
 * bad); the caller destroys it with notmuch_query_destroy(). */
enum ma_status index_query_create(struct index *ix, const char *query,
				  notmuch_sort_t sort, notmuch_query_t **qp);

/* index_reason - text (a notmuch message) on one line, into buf. */
const char *index_reason(const char *text, char *buf, size_t size);

#endif
