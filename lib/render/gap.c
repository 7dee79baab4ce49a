/*
 * Where a removed message stood in a conversation: the thread page keeps
 * its place, with a notice that names neither its sender nor its subject,
 * so that the replies to it still nest under it.
 *
 * notmuch forgets a removed message: a reply to it comes out of the walk
 * under an earlier message (by its References) or at the top. The place
 * is found again from what the replies say themselves: a message whose
 * parent (the last Message-ID of its In-Reply-To, else of its References,
 * as notmuch chooses) is not in the conversation but is tombstoned
 * (tombstone.h: in the clear after "mailarc delete", as the hash of the
 * Message-ID after an erasure) hangs under a notice for it; the
 * tombstoned ancestors before it in its References, up to one still in
 * the conversation, become notices above it. A removed message nobody
 * replied to left no such trace: when its tombstone names this thread,
 * its notice comes last, at the top level.
 *
 * Everything here depends on the messages, the notmuch threads and the
 * tombstones, all of which every run reads whole, so incremental and full
 * runs write the same page. Anchors stay those of the messages
 * (anchor_of()); a notice's is the one its message had.
 */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "tombstone.h"
#include "render_int.h"

/* Removed ancestors followed up one message's References at most. */
#define GAP_CHAIN_MAX 32
/* Header values read for this; longer ones are not looked at. */
#define GAP_HEADER_MAX (64 << 10)

enum ma_status
gap_note(struct run *r, struct tmsg *t, const char *data, size_t len)
{
	enum ma_status st = MA_OK;
	char *v;

	if (g_hash_table_size(r->tombs) == 0)
		return MA_OK;
	if ((v = reply_header_value(data, len, "In-Reply-To", &st)) != NULL &&
	    strlen(v) <= GAP_HEADER_MAX && (t->in_reply_to = strdup(v)) == NULL)
		st = MA_ENOMEM;
	g_free(v);
	if (st == MA_OK &&
	    (v = reply_header_value(data, len, "References", &st)) != NULL &&
	    strlen(v) <= GAP_HEADER_MAX && (t->references = strdup(v)) == NULL)
		st = MA_ENOMEM;
	g_free(v);
	return st;
}

/* The Message-IDs ("<...>") of a header value, in order, into ids
 * (g_strdup'd, without the brackets). */
static void
ids_of(const char *s, GPtrArray *ids)
{
	while (s != NULL && (s = strchr(s, '<')) != NULL) {
		const char *end = strchr(s + 1, '>');

		if (end == NULL)
			break;
		if (end > s + 1)
			g_ptr_array_add(ids,
					g_strndup(s + 1, (gsize)(end - s - 1)));
		s = end + 1;
	}
}

struct gap_ctx {
	struct run *r;
	const struct thread_ctx *tc;
	GHashTable *members; /* notmuch keys and hashes of tc's messages */
};

/* The r->tombs key (owned by r->tombs) that removed id, or NULL. */
static const char *
tomb_key(struct gap_ctx *g, const char *id)
{
	char *k = permalink_notmuch_key(id), h[TOMBSTONE_HASH_LEN + 1];
	gpointer orig = NULL;

	if (k != NULL &&
	    !g_hash_table_lookup_extended(g->r->tombs, k, &orig, NULL)) {
		tombstone_hash_id(id, h);
		(void)g_hash_table_lookup_extended(g->r->tombs, h, &orig, NULL);
	}
	free(k);
	return orig;
}

static bool
member(struct gap_ctx *g, const char *id)
{
	char *k = permalink_notmuch_key(id);
	bool in = k != NULL && g_hash_table_contains(g->members, k);

	free(k);
	return in;
}

/*
 * The tombs keys of the removed messages between t and the parent the
 * walk gave it, outermost first, into chain (up to GAP_CHAIN_MAX).
 */
static void
removed_chain(struct gap_ctx *g, const struct tmsg *t, GPtrArray *chain)
{
	GPtrArray *irt = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *refs = g_ptr_array_new_with_free_func(g_free);
	const char *want, *k;
	guint at;

	ids_of(t->in_reply_to, irt);
	ids_of(t->references, refs);
	want = irt->len > 0    ? irt->pdata[irt->len - 1]
	       : refs->len > 0 ? refs->pdata[refs->len - 1]
			       : NULL;
	if (want == NULL || member(g, want) || (k = tomb_key(g, want)) == NULL)
		goto out;
	g_ptr_array_add(chain, (gpointer)k);
	/* Its own ancestors: those before it in the References. */
	for (at = refs->len; at > 0; at--)
		if (strcmp(refs->pdata[at - 1], want) == 0)
			break;
	while (at > 1 && chain->len < GAP_CHAIN_MAX) {
		const char *id = refs->pdata[--at - 1];

		if (member(g, id) || (k = tomb_key(g, id)) == NULL)
			break;
		g_ptr_array_insert(chain, 0, (gpointer)k);
	}
out:
	g_ptr_array_free(irt, TRUE);
	g_ptr_array_free(refs, TRUE);
}

/* A node of the page's tree: a message of tc, or a removed one. */
struct node {
	ssize_t msg;	 /* in tc->m; -1: removed */
	const char *key; /* removed: its r->tombs key */
	ssize_t parent, first, last, next;
};

static ssize_t
node_add(GArray *nodes, ssize_t parent, ssize_t msg, const char *key)
{
	struct node n = {.msg = msg,
			 .key = key,
			 .parent = parent,
			 .first = -1,
			 .last = -1,
			 .next = -1};
	ssize_t i = (ssize_t)nodes->len;

	g_array_append_val(nodes, n);
	if (parent >= 0) {
		struct node *p = &g_array_index(nodes, struct node, parent);

		if (p->last >= 0)
			g_array_index(nodes, struct node, p->last).next = i;
		else
			p->first = i;
		p->last = i;
	}
	return i;
}

static gint
tomb_order(gconstpointer a, gconstpointer b, gpointer data)
{
	GHashTable *tombs = data;
	const char *ka = *(const char *const *)a, *kb = *(const char *const *)b;
	const struct tomb *ta = g_hash_table_lookup(tombs, ka);
	const struct tomb *tb = g_hash_table_lookup(tombs, kb);
	int c = strcmp(ta->when, tb->when);

	return c != 0 ? c : strcmp(ka, kb);
}

/* The tombstones naming this thread that no node holds yet, in order. */
static GPtrArray *
leaf_tombs(struct gap_ctx *g, GHashTable *placed)
{
	GPtrArray *keys = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, v;

	/* Most threads lost nothing: no need to look through them all. */
	if (!g_hash_table_contains(g->r->tomb_threads, g->tc->id))
		return keys;
	g_hash_table_iter_init(&it, g->r->tombs);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const struct tomb *t = v;

		if (strcmp(t->thread, g->tc->id) == 0 &&
		    !g_hash_table_contains(placed, k) &&
		    !g_hash_table_contains(g->members, k))
			g_ptr_array_add(keys, k);
	}
	g_ptr_array_sort_with_data(keys, tomb_order, g->r->tombs);
	return keys;
}

static void
slot_anchor(const char *key, char out[16])
{
	/* The hash of an erasure's tombstone is the anchor's too. */
	if (strncmp(key, "sha256:", 7) == 0)
		snprintf(out, 16, "m%.12s", key + 7);
	else
		anchor_of(key, out);
}

/* The nodes in page order (depth first), as slots. */
static enum ma_status
flatten(const struct thread_ctx *tc, GArray *nodes, struct gap_slot **sp,
	size_t *np)
{
	struct gap_slot *s = calloc(nodes->len + 1, sizeof *s);
	ssize_t *stack = calloc(nodes->len + 1, sizeof *stack);
	ssize_t *slot_of = calloc(nodes->len + 1, sizeof *slot_of);
	size_t n = 0, depth = 0;

	if (s == NULL || stack == NULL || slot_of == NULL) {
		free(s);
		free(stack);
		free(slot_of);
		return MA_ENOMEM;
	}
	/* The top level: nodes without a parent, in order. */
	for (guint i = nodes->len; i > 0; i--)
		if (g_array_index(nodes, struct node, i - 1).parent < 0)
			stack[depth++] = (ssize_t)i - 1;
	while (depth > 0) {
		ssize_t i = stack[--depth], c;
		const struct node *nd = &g_array_index(nodes, struct node, i);
		struct gap_slot *sl = &s[n];
		size_t kids = 0;

		slot_of[i] = (ssize_t)n++;
		sl->msg = nd->msg;
		sl->key = nd->key;
		sl->parent = nd->parent >= 0 ? slot_of[nd->parent] : -1;
		sl->depth = sl->parent >= 0 ? s[sl->parent].depth + 1 : 0;
		if (nd->msg >= 0)
			memcpy(sl->anchor, tc->m[nd->msg].anchor,
			       sizeof sl->anchor);
		else
			slot_anchor(nd->key, sl->anchor);
		/* Children pushed last first, so that they come in order. */
		for (c = nd->first; c >= 0;
		     c = g_array_index(nodes, struct node, c).next)
			kids++;
		c = nd->first;
		for (size_t k = kids; k > 0; k--) {
			stack[depth + k - 1] = c;
			c = g_array_index(nodes, struct node, c).next;
		}
		depth += kids;
	}
	free(stack);
	free(slot_of);
	*sp = s;
	*np = n;
	return MA_OK;
}

enum ma_status
gap_slots(struct run *r, const struct thread_ctx *tc, struct gap_slot **sp,
	  size_t *np)
{
	struct gap_ctx g = {.r = r, .tc = tc};
	GArray *nodes = g_array_new(FALSE, TRUE, sizeof(struct node));
	GHashTable *placed = g_hash_table_new(g_str_hash, g_str_equal);
	ssize_t *node_of = calloc(tc->n + 1, sizeof *node_of);
	GPtrArray *chain = g_ptr_array_new(), *leaves = NULL;
	enum ma_status st = MA_OK;

	g.members =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (node_of == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	/* Without tombstones nothing was removed: the walk's order. */
	for (size_t i = 0; i < tc->n && g_hash_table_size(r->tombs) > 0; i++) {
		char h[TOMBSTONE_HASH_LEN + 1];

		tombstone_hash_id(tc->m[i].e->msgid, h);
		g_hash_table_add(g.members, g_strdup(tc->m[i].e->msgid));
		g_hash_table_add(g.members, g_strdup(h));
	}
	for (size_t i = 0; i < tc->n; i++) {
		const struct tmsg *t = &tc->m[i];
		ssize_t cur = t->parent >= 0 ? node_of[t->parent] : -1;

		g_ptr_array_set_size(chain, 0);
		if (g_hash_table_size(r->tombs) > 0)
			removed_chain(&g, t, chain);
		for (guint k = 0; k < chain->len; k++) {
			gpointer at;

			if (g_hash_table_lookup_extended(
				placed, chain->pdata[k], NULL, &at)) {
				cur = GPOINTER_TO_SIZE(at) - 1;
				continue;
			}
			cur = node_add(nodes, cur, -1, chain->pdata[k]);
			g_hash_table_insert(placed, chain->pdata[k],
					    GSIZE_TO_POINTER((gsize)cur + 1));
		}
		node_of[i] = node_add(nodes, cur, (ssize_t)i, NULL);
	}
	leaves = leaf_tombs(&g, placed);
	for (guint k = 0; k < leaves->len; k++)
		node_add(nodes, -1, -1, leaves->pdata[k]);
	st = flatten(tc, nodes, sp, np);
out:
	if (leaves != NULL)
		g_ptr_array_free(leaves, TRUE);
	g_ptr_array_free(chain, TRUE);
	g_hash_table_destroy(g.members);
	g_hash_table_destroy(placed);
	g_array_free(nodes, TRUE);
	free(node_of);
	return st;
}

enum ma_status
gap_tree_item(struct buf *b, const struct gap_slot *s)
{
	return buf_addf(b,
			"<li class=\"d%d removed\"><a href=\"#%s\">Message "
			"removed</a></li>",
			s->depth > 6 ? 6 : s->depth, s->anchor);
}

enum ma_status
gap_article(struct run *r, struct buf *b, const struct gap_slot *s, size_t pos)
{
	const struct tomb *t = g_hash_table_lookup(r->tombs, s->key);
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	enum ma_status st;

	ADD(buf_addf(b,
		     "<article class=\"msg d%d removed\" id=\"%s\" "
		     "aria-label=\"Message %zu\"><p class=\"note\">A message "
		     "was removed from the archive here.",
		     s->depth > 6 ? 6 : s->depth, s->anchor, pos));
	/* The page removed_message_pages() leaves at a deleted message's
	 * address; an erased one has none. */
	if (strncmp(s->key, "sha256:", 7) != 0 && t != NULL &&
	    permalink_name(t->id != NULL ? t->id : s->key, name) == MA_OK &&
	    permalink_stem(name, stem) == MA_OK)
		ADD(buf_addf(b,
			     " <a href=\"../../m/%s.html\">About its removal"
			     "</a>",
			     stem));
	return buf_adds(b, "</p></article>\n");
}
