/*
 * The listing fields of the last FILL_CACHE_SLOTS entries filled, kept
 * past entries_unfill(), so that filling one of them again costs no
 * notmuch lookup.
 *
 * Why: a message's page links to its neighbours by date, so every entry
 * is filled as the next of one page and as the previous of another,
 * most often from two threads rendered one soon after the other. Each
 * fill from notmuch finds the message and reads its whole term list (the
 * file names are terms), some 40 % of what a full render spent in
 * notmuch. A copy of the few strings is much cheaper, and what notmuch
 * says of a message does not change during a run, so a copy is what a
 * fill would give again.
 *
 * Memory: at most FILL_CACHE_SLOTS entries' strings (each capped:
 * DISPLAY_CHARS of subject, three senders, a path), flat in the size of
 * the archive. Slots are reused in turn (first in, first out).
 */
#include <stdlib.h>
#include <string.h>

#include "fill_spill.h"
#include "path.h"
#include "render_int.h"

#define FILL_CACHE_SLOTS 512

struct fill_slot {
	const struct entry *e; /* NULL: empty */
	/* e's Message-ID: an entry freed (a run that turned full) and
	 * another made at its address is not taken for it. */
	char *msgid;
	char *subject, *from, *file;
	uint16_t nfiles;
};

/*
 * The From headers turned into a listing's HTML last (from_brief()):
 * senders repeat, and each turn parses the header with gmime. The HTML
 * depends on the header and the run's settings only, so a remembered one
 * is what from_brief() would make. One slot per hash of the header,
 * replaced on a clash; headers over FROM_MEMO_HEADER bytes are not kept.
 */
#define FROM_MEMO_SLOTS	 256
#define FROM_MEMO_HEADER 256

struct from_slot {
	char *header, *html; /* NULL: empty */
};

struct fill_cache {
	GHashTable *of; /* struct entry * -> struct fill_slot * */
	size_t next;	/* the slot to reuse next */
	struct fill_slot slot[FILL_CACHE_SLOTS];
	struct from_slot from[FROM_MEMO_SLOTS];
	/* Every fill of the run, on disk (fill_spill.c): what the slots
	 * no longer hold. NULL: none (yet, or could not be made). */
	struct fill_spill *spill;
	bool spill_tried;
};

static void
slot_clear(struct fill_slot *s)
{
	free(s->msgid);
	free(s->subject);
	free(s->from);
	free(s->file);
	memset(s, 0, sizeof *s);
}

void
fill_cache_free(struct fill_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < FILL_CACHE_SLOTS; i++)
		slot_clear(&c->slot[i]);
	for (size_t i = 0; i < FROM_MEMO_SLOTS; i++) {
		free(c->from[i].header);
		free(c->from[i].html);
	}
	g_hash_table_destroy(c->of);
	fill_spill_free(c->spill);
	free(c);
}

/* r's cache, made on first use (NULL: no memory, and no cache). */
static struct fill_cache *
cache_of(struct run *r)
{
	struct fill_cache *c = r->fills;

	if (c == NULL && (c = calloc(1, sizeof *c)) != NULL) {
		c->of = g_hash_table_new(g_direct_hash, g_direct_equal);
		r->fills = c;
	}
	return c;
}

/* Keep e on disk too, the spill made on the first fill (in the space's
 * state folder: the run may write there). */
static void
spill_put(struct run *r, struct fill_cache *c, const struct entry *e)
{
	char *dir;

	if (c->spill == NULL && !c->spill_tried) {
		c->spill_tried = true;
		if ((dir = path_fmt("%s/state", r->o->space_dir)) != NULL)
			c->spill = fill_spill_new(dir);
		free(dir);
	}
	if (c->spill != NULL)
		fill_spill_put(c->spill, e);
}

void
fill_cache_put(struct run *r, const struct entry *e)
{
	struct fill_cache *c;
	struct fill_slot *s;
	bool ok = true;

	if (!e->filled || (c = cache_of(r)) == NULL)
		return;
	spill_put(r, c, e);
	if ((s = g_hash_table_lookup(c->of, e)) != NULL) {
		if (strcmp(s->msgid, e->msgid) == 0)
			return;
		g_hash_table_remove(c->of, e);
		slot_clear(s);
	}
	s = &c->slot[c->next];
	c->next = (c->next + 1) % FILL_CACHE_SLOTS;
	if (s->e != NULL)
		g_hash_table_remove(c->of, s->e);
	slot_clear(s);
	s->msgid = fill_dup(e->msgid, &ok);
	s->subject = fill_dup(e->lst->subject, &ok);
	s->from = fill_dup(e->lst->from, &ok);
	s->file = fill_dup(e->lst->file, &ok);
	s->nfiles = e->nfiles;
	if (!ok) {
		slot_clear(s);
		return;
	}
	s->e = e;
	g_hash_table_insert(c->of, (gpointer)e, s);
}

bool
fill_cache_get(struct run *r, struct entry *e)
{
	struct fill_slot *s =
	    r->fills != NULL ? g_hash_table_lookup(r->fills->of, e) : NULL;

	if (s == NULL || strcmp(s->msgid, e->msgid) != 0)
		return r->fills != NULL && r->fills->spill != NULL &&
		       fill_spill_get(r->fills->spill, e);
	return fill_set(e, s->subject, s->from, s->file, s->nfiles);
}

/* The slot of header (FNV-1a), or NULL when it is not to be kept. */
static struct from_slot *
from_slot_of(struct run *r, const char *header)
{
	struct fill_cache *c;
	size_t n = strlen(header);
	uint32_t h = 2166136261u;

	if (n > FROM_MEMO_HEADER || (c = cache_of(r)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)header[i]) * 16777619u;
	return &c->from[h % FROM_MEMO_SLOTS];
}

char *
fill_cache_from_get(struct run *r, const char *header)
{
	struct from_slot *s = from_slot_of(r, header);

	if (s == NULL || s->header == NULL || strcmp(s->header, header) != 0)
		return NULL;
	return strdup(s->html);
}

void
fill_cache_from_put(struct run *r, const char *header, const char *html)
{
	struct from_slot *s = from_slot_of(r, header);
	char *h, *t;

	if (s == NULL)
		return;
	h = strdup(header);
	t = strdup(html);
	if (h == NULL || t == NULL) {
		free(h);
		free(t);
		return;
	}
	free(s->header);
	free(s->html);
	s->header = h;
	s->html = t;
}
