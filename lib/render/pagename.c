/*
 * The names a run gives the site's pages and places, kept apart from
 * the files that decide them (names.c) so that everything that reads or
 * writes the state can record a thread NAME without calling back into
 * the renderer: the table of thread NAMEs (struct tname, one allocation
 * each) and a message's anchor in its thread page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"

/*
 * The anchors of the Message-IDs asked for last: an anchor is a SHA-256
 * of the Message-ID, and a full run asks for each message's some four
 * times (its thread page, its month's list, the search index), close
 * together. It is a function of the Message-ID alone, so a remembered
 * one is the one computed. One slot per hash of the Message-ID, replaced
 * on a clash; longer ones than ANCHOR_MEMO_ID are not kept.
 */
#define ANCHOR_MEMO_SLOTS 1024
#define ANCHOR_MEMO_ID	  96

static struct {
	char id[ANCHOR_MEMO_ID + 1]; /* "": empty */
	char anchor[16];
} anchor_memo[ANCHOR_MEMO_SLOTS];

void
anchor_of(const char *msgid, char out[16])
{
	size_t n = strlen(msgid), k = 0;
	uint32_t fnv = 2166136261u;
	gchar *h;

	if (n > 0 && n <= ANCHOR_MEMO_ID) {
		for (size_t i = 0; i < n; i++)
			fnv = (fnv ^ (unsigned char)msgid[i]) * 16777619u;
		k = fnv % ANCHOR_MEMO_SLOTS;
		if (strcmp(anchor_memo[k].id, msgid) == 0) {
			memcpy(out, anchor_memo[k].anchor,
			       strlen(anchor_memo[k].anchor) + 1);
			return;
		}
	}
	h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, msgid, -1);
	snprintf(out, 16, "m%.12s", h != NULL ? h : "000000000000");
	if (h != NULL && n > 0 && n <= ANCHOR_MEMO_ID) {
		memcpy(anchor_memo[k].id, msgid, n + 1);
		memcpy(anchor_memo[k].anchor, out, strlen(out) + 1);
	}
	g_free(h);
}

/* One allocation per NAME: a run holds one per thread the site ever
 * published. */
enum ma_status
tname_record(struct run *r, const char *name, const char *root,
	     const char *target)
{
	/* Most NAMEs are their root's Message-ID as it is (nothing to
	 * escape): then the root is the NAME's bytes, not a copy (a full
	 * run over a million messages holds some 400,000 names). */
	size_t nl = strlen(name) + 1;
	size_t rl = strcmp(root, name) == 0 ? 0 : strlen(root) + 1;
	size_t tl = strcmp(target, name) == 0 ? 0 : strlen(target) + 1;
	struct tname *t = names_alloc(r, sizeof *t + nl + rl + tl);

	if (t == NULL)
		return MA_ENOMEM;
	t->flags = (rl != 0 ? TNAME_ROOT : 0u) | (tl != 0 ? TNAME_TARGET : 0u);
	memcpy(t->name, name, nl);
	if (rl != 0)
		memcpy(t->name + nl, root, rl);
	if (tl != 0)
		memcpy(t->name + nl + rl, target, tl);
	names_retire(r, name);
	names_put(r, t);
	return MA_OK;
}

void
names_retire(struct run *r, const char *name)
{
	struct tname *t = names_take(r, name);

	if (t != NULL)
		g_ptr_array_add(r->names_gone, t);
}

/* "thread NAME TAB ROOT TAB TARGET", ROOT escaped as the entries are. */
enum ma_status
names_note(struct run *r, const char *line)
{
	const char *t1 = strchr(line, '\t');
	const char *t2 = t1 != NULL ? strrchr(line, '\t') : NULL;
	char name[PERMALINK_NAME_MAX], *root, hh[3];
	size_t n;
	enum ma_status st;

	if (t1 == NULL || t2 == t1 || (n = (size_t)(t1 - line)) == 0 ||
	    n >= sizeof name || strcspn(line, "/") < n)
		return MA_OK; /* not ours: skipped */
	memcpy(name, line, n);
	name[n] = '\0';
	if (permalink_shard(name, hh) != MA_OK)
		return MA_OK; /* no NAME of the rule: skipped */
	if ((root = sitename_state_unescape(t1 + 1, (size_t)(t2 - t1 - 1))) ==
	    NULL)
		return MA_ENOMEM;
	st = tname_record(r, name, root, t2 + 1);
	free(root);
	return st;
}
