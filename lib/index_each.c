/*
 * index_each(): every indexed message, in windows of revisions.
 *
 * Why: notmuch holds a query's every match until the query is destroyed
 * (Xapian's 88 bytes each): one query for "*" costs 88 MB at a million
 * messages, whatever the caller keeps. Asked for in windows of
 * INDEX_EACH_WINDOW revisions ("lastmod:LO..HI", then "NOT
 * lastmod:1..REV" for any message outside them), notmuch holds one
 * window's (MAILARC_INDEX_WINDOW sets the size). Each message has one revision,
 * so each comes once; the read handle sees the database as it was opened, so a
 * writer at the same time changes nothing here.
 */
#include <limits.h>
#include <stdio.h>

#include "env.h"
#include "index_priv.h"

/* MAILARC_INDEX_WINDOW sets it (the tests make windows of a few). */
#define INDEX_EACH_WINDOW 16384

enum ma_status
index_each(struct index *ix, int (*fn)(const struct index_hit *h, void *arg),
	   void *arg)
{
	unsigned long rev = notmuch_database_get_revision(ix->db, NULL);
	unsigned long step =
	    env_count("MAILARC_INDEX_WINDOW", INDEX_EACH_WINDOW, ULONG_MAX);
	enum ma_status st = MA_OK;
	char qs[96];

	if (rev == 0)
		return index_query(ix, "*", fn, arg);
	for (unsigned long lo = 1; lo <= rev && st == MA_OK;) {
		unsigned long hi = rev - lo < step ? rev : lo + step - 1;

		snprintf(qs, sizeof qs, "lastmod:%lu..%lu", lo, hi);
		st = index_query(ix, qs, fn, arg);
		if (hi == rev)
			break;
		lo = hi + 1;
	}
	if (st != MA_OK)
		return st;
	snprintf(qs, sizeof qs, "NOT lastmod:1..%lu", rev);
	return index_query(ix, qs, fn, arg);
}
