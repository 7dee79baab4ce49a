#ifndef MA_CHECK_H
#define MA_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/*
 * The invariant check of a space (mailarc check): archive, index,
 * tombstones and site agree.
 *
 *   - every file of SPACE/archive/{new,cur} is a file of the notmuch
 *     database, and every file the database names is there;
 *   - every indexed message has its page, SITE/m/NAME.html (permalink.h's
 *     rule applied to the message's notmuch id);
 *   - every SITE/m/NAME.html is the page of an indexed message or the
 *     "removed" page of a tombstone;
 *   - no indexed message is named by a tombstone;
 *   - when the site has a search index, every indexed message that is
 *     not tombstoned has one document in it, and no document is of
 *     anything else.
 *
 * Cost: one listing of the archive, one pass over the index (the files of
 * every message, no message is parsed), one listing of SITE/m, one read
 * of SPACE/tombstones and one of the search index's document files. Read-only:
 * it takes no lock; a pipeline running at the same time may show as
 * differences.
 */

/* The kinds of difference; each is reported on its own. */
enum check_kind {
	CHECK_NOT_INDEXED, /* what: archived file (archive/new/NAME) */
	CHECK_GONE,	   /* what: indexed file no longer archived; id */
	CHECK_OUTSIDE,	   /* what: indexed file outside archive/; id */
	CHECK_NO_PAGE,	   /* what: m/NAME.html missing; id */
	CHECK_STRAY_PAGE,  /* what: m/NAME.html of nothing indexed or removed */
	CHECK_TOMBSTONED,  /* what: an indexed file; id named by a tombstone */
	/* The site's search index (search/index.json and the documents of
	 * the segments it lists), when the site has one: */
	CHECK_NOT_SEARCHABLE, /* what: m/NAME.html of a message; id */
	CHECK_SEARCH_STRAY,   /* what: m/NAME.html of a document of nothing
				 indexed, or of one listed twice */
	CHECK_KINDS
};

struct check_opts {
	const char *space_dir; /* ROOT/spaces/KEY */
	const char *site_dir;  /* the space's site folder */
	/* Called once per difference (strings borrowed for the call; id
	 * is NULL where the kind has none). May be NULL. */
	void (*report)(enum check_kind kind, const char *what, const char *id,
		       void *arg);
	void *arg;
};

struct check_result {
	unsigned long archived;	     /* files in archive/{new,cur} */
	unsigned long messages;	     /* messages in the index */
	unsigned long indexed_files; /* files the index names */
	unsigned long pages;	     /* SITE/m/NAME.html files */
	unsigned long searchable;    /* documents in the search index */
	bool search;		     /* the site has a search index */
	unsigned long tombstones;    /* Message-IDs tombstoned */
	unsigned long count[CHECK_KINDS];
	/* For check_repair(): absolute paths, malloc'd, owned. */
	char **not_indexed;
	size_t n_not_indexed;
	char **gone;
	size_t n_gone;
};

/*
 * check_run - compare as above. A space without a notmuch database is
 * checked as an empty index (each archived file is then a difference),
 * a site without m/ as a site without pages. On MA_OK *r is filled (the
 * caller releases it with check_result_release()); statuses: MA_ENOMEM,
 * MA_EIO (logged), MA_ETEMP (the database is busy).
 */
enum ma_status check_run(const struct check_opts *o, struct check_result *r);

/* check_differences - the sum of r->count[]. */
unsigned long check_differences(const struct check_result *r);

/* check_result_release - free what r owns; r may then be reused. */
void check_result_release(struct check_result *r);

/* check_kind_name - a short label ("not indexed", "no page", ...). */
const char *check_kind_name(enum check_kind kind);

/*
 * check_repair_index - under SPACE/state/index.lock (wait: block while
 * another run holds it, else MA_ETEMP), forget the indexed files that are
 * no longer archived (as notmuch new does) and index the archived files
 * the index lacks (the mailarc-index stage over them). *not_mail gets how
 * many of those notmuch refused (they stay differences). The site is not
 * touched: render it afterwards.
 */
enum ma_status check_repair_index(const char *space_dir, const char *space_key,
				  const struct check_result *r, bool wait,
				  unsigned long *not_mail);

#endif
