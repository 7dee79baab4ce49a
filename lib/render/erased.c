/*
 * The page NAME of an erased message whose Message-ID notmuch keeps as a
 * "notmuch-sha1-" hash. Such a NAME is made from the real Message-ID,
 * read from the message's file (lib/permalink.h); an erasure removed
 * that file, and its tombstone holds only the SHA-256 of the Message-ID.
 * That is enough to find the page: the NAME's shard is the hash's first
 * two hex digits, and the NAME ends in "==" and its first 32 hex digits,
 * or (a NAME short enough to be kept whole) decodes to a Message-ID of
 * that hash. The site's raw copy beside the page (NAME.eml, which the
 * run removes with the page) says which notmuch id it belongs to.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msg.h"
#include "path.h"
#include "tombstone.h"
#include "erased.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Whether NAME is the NAME of a Message-ID whose SHA-256 is hex (64
 * lower-case digits). */
static bool
name_of_hash(const char *name, const char *hex)
{
	const char *cut = strstr(name, "==");
	char id[PERMALINK_NAME_MAX], h[TOMBSTONE_HASH_LEN + 1];
	size_t n = 0;

	if (cut != NULL)
		return strlen(cut + 2) == 32 && memcmp(cut + 2, hex, 32) == 0;
	for (const char *p = name; *p && n + 1 < sizeof id; p++) {
		int a, b;

		if (*p == '=' && (a = hexval(p[1])) >= 0 &&
		    (b = hexval(p[2])) >= 0) {
			id[n++] = (char)(a * 16 + b);
			p += 2;
		} else {
			id[n++] = *p;
		}
	}
	id[n] = '\0';
	if (n == 0 || memchr(id, '\0', n) != NULL)
		return false;
	tombstone_hash_id(id, h);
	return strcmp(h + 7, hex) == 0;
}

/* The notmuch id of the message in the raw copy at path (NULL: none). */
static char *
copy_key(const char *path)
{
	char *field = NULL, *id = NULL, *key = NULL;

	if (msg_header_field(path, "Message-ID", &field) == MA_OK &&
	    field != NULL && (id = permalink_notmuch_parse(field)) != NULL)
		key = permalink_notmuch_key(id);
	free(field);
	free(id);
	return key;
}

/* Whether NAME may name a Message-ID notmuch shortens (over 189 bytes):
 * the rule keeps it longer than that, or shortens it with "==". */
static bool
name_of_long(const char *name)
{
	return strlen(name) > PERMALINK_NOTMUCH_MAX || strstr(name, "==");
}

/* Whether NAME is one shard_look() looks at: one of a hash of hashes
 * (whose first two digits are hh), or, hashes NULL, any long one. */
static bool
name_wanted(const char *name, const char *hh, GPtrArray *hashes)
{
	if (hashes == NULL)
		return name_of_long(name);
	for (guint i = 0; i < hashes->len; i++) {
		const char *hex = hashes->pdata[i];

		if (memcmp(hex, hh, 2) == 0 && name_of_hash(name, hex))
			return true;
	}
	return false;
}

/* The raw copies in the site's shard hh that name_wanted() picks, into
 * r->erased_names (notmuch id -> NAME). */
static enum ma_status
shard_look(struct run *r, const char *hh, GPtrArray *hashes)
{
	char *dir = path_fmt("%s/m/%s", r->o->site_dir, hh);
	DIR *d = dir != NULL ? opendir(dir) : NULL;
	enum ma_status st = dir == NULL ? MA_ENOMEM : MA_OK;
	struct dirent *de;

	while (d != NULL && st == MA_OK && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char name[PERMALINK_NAME_MAX], *path, *key;

		if (n < 5 || n - 4 >= sizeof name ||
		    strcmp(de->d_name + n - 4, ".eml") != 0)
			continue;
		memcpy(name, de->d_name, n - 4);
		name[n - 4] = '\0';
		if (!name_wanted(name, hh, hashes))
			continue;
		if ((path = path_fmt("%s/%s", dir, de->d_name)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		if ((key = copy_key(path)) != NULL)
			g_hash_table_replace(r->erased_names, key,
					     g_strdup(name));
		free(path);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return st;
}

/* The NAMEs the site has of the fresh erasures' Message-IDs. */
static enum ma_status
erased_look(struct run *r)
{
	GPtrArray *hashes = g_ptr_array_new();
	GHashTable *shards =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k, v;
	enum ma_status st = MA_OK;

	r->erased_names =
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, g_free);
	g_hash_table_iter_init(&it, r->tombs);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((struct tomb *)v)->fresh &&
		    strncmp(k, "sha256:", 7) == 0 &&
		    strlen((char *)k + 7) == 64) {
			g_ptr_array_add(hashes, (char *)k + 7);
			g_hash_table_add(shards, g_strndup((char *)k + 7, 2));
		}
	g_hash_table_iter_init(&it, shards);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL))
		st = shard_look(r, k, hashes);
	g_hash_table_destroy(shards);
	g_ptr_array_free(hashes, TRUE);
	return st;
}

/*
 * Every shard, for the long NAMEs: a Message-ID over 995 bytes is none
 * to mailarc's identity rule (msg.h), so its tombstone holds the hash of
 * the id that stands for it, not of the one notmuch named the page by.
 * Rare; once a run, marked by the key "".
 */
static enum ma_status
erased_look_all(struct run *r)
{
	static const char hex[] = "0123456789abcdef";
	enum ma_status st = MA_OK;

	g_hash_table_replace(r->erased_names, strdup(""), g_strdup(""));
	for (unsigned i = 0; i < 256 && st == MA_OK; i++) {
		char hh[3] = {hex[i >> 4], hex[i & 15], '\0'};

		st = shard_look(r, hh, NULL);
	}
	return st;
}

enum ma_status
erased_page_name(struct run *r, const char *msgid,
		 char name[PERMALINK_NAME_MAX])
{
	const char *found;
	enum ma_status st;

	if (r->erased_names == NULL && (st = erased_look(r)) != MA_OK)
		return st;
	if (g_hash_table_lookup(r->erased_names, msgid) == NULL &&
	    !g_hash_table_contains(r->erased_names, "") &&
	    (st = erased_look_all(r)) != MA_OK)
		return st;
	if ((found = g_hash_table_lookup(r->erased_names, msgid)) == NULL)
		return MA_ENOTFOUND;
	memcpy(name, found, strlen(found) + 1);
	return MA_OK;
}

void
erased_names_free(struct run *r)
{
	if (r->erased_names != NULL)
		g_hash_table_destroy(r->erased_names);
	if (r->erased_threads != NULL)
		g_hash_table_destroy(r->erased_threads);
	r->erased_names = NULL;
	r->erased_threads = NULL;
}
