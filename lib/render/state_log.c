/*
 * The log of a state of version 3, read once to convert it (the state
 * is now kept per month, store.c). An incremental run of the version
 * before appended what it changed to SPACE/state/render.state instead of
 * writing the whole file again. The file is then the state (header,
 * blank line, entries in the site's order) followed by a line "@log"
 * (no tab: no entry line) and records, each a run's changes:
 *
 *	e TAB MESSAGE-ID TAB THREAD TAB DATE TAB ATTACHMENTS   entry set
 *	x TAB MESSAGE-ID                                       entry removed
 *	t TAB NAME TAB ROOT TAB TARGET                         thread name set
 *	c TAB REVISION TAB TOMBSTONES                          end of record
 *
 * Only records ended by their "c" line count: a run killed while it
 * appended left a tail that is ignored.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

#define LOG_MARK "@log"

bool
state_log_mark(const char *p, const char *nl)
{
	return (size_t)(nl - p) == strlen(LOG_MARK) &&
	       memcmp(p, LOG_MARK, strlen(LOG_MARK)) == 0;
}

/* Where the committed records of the log in data[from..len) end. */
static size_t
log_committed(const char *data, size_t from, size_t len)
{
	size_t end = from;

	for (size_t p = from; p < len;) {
		const char *nl = memchr(data + p, '\n', len - p);

		if (nl == NULL)
			break;
		if (data[p] == 'c' && data[p + 1] == '\t')
			end = (size_t)(nl - data) + 1;
		p = (size_t)(nl - data) + 1;
	}
	return end;
}

/* An "x" line: the entry leaves the site. */
static enum ma_status
log_drop(struct run *r, const char *f)
{
	char *id = sitename_state_unescape(f, strlen(f));
	struct entry *e;

	if (id == NULL)
		return MA_ENOMEM;
	if ((e = entry_find(r, id)) != NULL) {
		entry_forget(r, e);
		g_ptr_array_add(r->dropped, e);
	}
	free(id);
	return MA_OK;
}

/* A "c" line: the revision and tombstone offset after its record. */
static void
log_commit(char *f, unsigned long *rev, long *off)
{
	char *tab = strchr(f, '\t');

	*rev = strtoul(f, NULL, 10);
	if (tab != NULL)
		*off = strtol(tab + 1, NULL, 10);
}

enum ma_status
state_log_load(struct run *r, char *data, size_t mark, size_t len,
	       unsigned long *rev, long *off)
{
	size_t end = log_committed(data, mark, len);
	enum ma_status st = MA_OK;
	char *p = data + mark;

	/* Past the "@log" line: mark points at it. */
	r->state_end = end > mark ? end : mark;
	r->log_len = end > mark ? end - mark : 0;
	if ((p = memchr(p, '\n', len - mark)) == NULL)
		return MA_OK;
	for (p++; p < data + end && st == MA_OK;) {
		char *nl = memchr(p, '\n', (size_t)(data + end - p));

		*nl = '\0';
		if (strncmp(p, "e\t", 2) == 0)
			st = state_entry(r, p + 2, nl, true);
		else if (strncmp(p, "x\t", 2) == 0)
			st = log_drop(r, p + 2);
		else if (strncmp(p, "t\t", 2) == 0)
			st = names_note(r, p + 2);
		else if (strncmp(p, "c\t", 2) == 0)
			log_commit(p + 2, rev, off);
		p = nl + 1;
	}
	return st;
}
