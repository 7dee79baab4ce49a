/*
 * mailarc check: archive, index, tombstones and site agree (check.h).
 * Sets of names in GLib hash tables (GLib comes with gmime); nothing here
 * opens a message.
 */
#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "check.h"
#include "index.h"
#include "lock.h"
#include "log.h"
#include "path.h"
#include "permalink.h"
#include "space.h"
#include "tsv.h"

/* SPACE/tombstones is read whole; it holds one short line per deletion. */
#define CHECK_TOMBSTONES_MAX ((size_t)1 << 30)

static const char *const kind_names[CHECK_KINDS] = {
    [CHECK_NOT_INDEXED] = "not indexed",
    [CHECK_GONE] = "indexed but not archived",
    [CHECK_OUTSIDE] = "indexed outside the archive",
    [CHECK_NO_PAGE] = "no page",
    [CHECK_STRAY_PAGE] = "stray page",
    [CHECK_TOMBSTONED] = "tombstoned but archived",
};

const char *
check_kind_name(enum check_kind kind)
{
	return kind < CHECK_KINDS ? kind_names[kind] : "?";
}

struct walk {
	const struct check_opts *o;
	struct check_result *r;
	const char *archive;  /* realpath of SPACE/archive */
	GHashTable *files;    /* "new/NAME" -> TRUE while not yet indexed */
	GHashTable *pages;    /* "NAME" of SITE/m/NAME.html -> seen */
	GHashTable *tombs;    /* tombstoned Message-IDs (no brackets) */
	GPtrArray *not_index; /* malloc'd absolute paths */
	GPtrArray *gone;      /* malloc'd absolute paths */
	enum ma_status st;
};

static void
report(struct walk *w, enum check_kind kind, const char *what, const char *id)
{
	w->r->count[kind]++;
	if (w->o->report != NULL)
		w->o->report(kind, what, id, w->o->arg);
}

/* Names in dir (dot files skipped), each as prefix NAME, into set. */
static enum ma_status
list_dir(const char *dir, const char *prefix, const char *suffix,
	 GHashTable *set, unsigned long *np)
{
	size_t sl = suffix != NULL ? strlen(suffix) : 0;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return MA_OK;
		log_err("cannot read '%s': %s", dir, strerror(errno));
		return MA_EIO;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n <= sl ||
		    (sl > 0 && strcmp(de->d_name + n - sl, suffix) != 0))
			continue;
		g_hash_table_insert(set,
				    g_strdup_printf("%s%.*s", prefix,
						    (int)(n - sl), de->d_name),
				    GINT_TO_POINTER(1));
		(*np)++;
	}
	if (errno != 0) {
		log_err("cannot read '%s': %s", dir, strerror(errno));
		closedir(d);
		return MA_EIO;
	}
	closedir(d);
	return MA_OK;
}

/*
 * The Message-IDs of SPACE/tombstones (tombstone.h: DELETED_AT TAB
 * MESSAGE-ID TAB ...; a line without its newline is being written).
 */
static enum ma_status
read_tombstones(struct walk *w)
{
	char *path = space_part_path(w->o->space_dir, SPACE_TOMBSTONES), *data;
	size_t len, pos = 0;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(path, CHECK_TOMBSTONES_MAX, &data, &len);
	free(path);
	if (st == MA_ENOTFOUND)
		return MA_OK;
	if (st != MA_OK)
		return st;
	while (pos < len) {
		char *nl = memchr(data + pos, '\n', len - pos);
		char *f[3], *id;

		if (nl == NULL)
			break;
		*nl = '\0';
		if (tsv_split(data + pos, f, 3) >= 2) {
			id = f[1];
			if (id[0] == '<' && id[strlen(id) - 1] == '>') {
				id[strlen(id) - 1] = '\0';
				id++;
			}
			if (id[0] != '\0' &&
			    !g_hash_table_contains(w->tombs, id)) {
				g_hash_table_add(w->tombs, g_strdup(id));
				w->r->tombstones++;
			}
		}
		pos = (size_t)(nl - data) + 1;
	}
	free(data);
	return MA_OK;
}

static bool
push_path(struct walk *w, GPtrArray *a, const char *path)
{
	char *p = strdup(path);

	if (p == NULL) {
		w->st = MA_ENOMEM;
		return false;
	}
	g_ptr_array_add(a, p);
	return true;
}

/* One indexed message: its files, its page, its tombstone. */
static int
check_message(const struct index_hit *h, void *arg)
{
	struct walk *w = arg;
	size_t an = strlen(w->archive);
	bool archived = false;
	char *shown;

	w->r->messages++;
	for (size_t i = 0; i < h->nfiles; i++) {
		const char *f = h->files[i], *sub;

		w->r->indexed_files++;
		if (strncmp(f, w->archive, an) != 0 || f[an] != '/') {
			report(w, CHECK_OUTSIDE, f, h->message_id);
			continue;
		}
		sub = f + an + 1;
		if ((strncmp(sub, "new/", 4) != 0 &&
		     strncmp(sub, "cur/", 4) != 0) ||
		    strchr(sub + 4, '/') != NULL) {
			report(w, CHECK_OUTSIDE, f, h->message_id);
			continue;
		}
		/* Removed from the set: what remains is not indexed. */
		if (g_hash_table_remove(w->files, sub)) {
			archived = true;
			continue;
		}
		shown = g_strdup_printf("archive/%s", sub);
		report(w, CHECK_GONE, shown, h->message_id);
		g_free(shown);
		if (!push_path(w, w->gone, f))
			return 1;
	}
	if (archived && g_hash_table_contains(w->tombs, h->message_id))
		report(w, CHECK_TOMBSTONED, h->message_id, h->message_id);
	return 0;
}

/*
 * Pages: claimed (NAME -> Message-ID) holds the page every indexed
 * message should have (permalink.h's rule on the notmuch id; for a very
 * long Message-ID notmuch's own notmuch-sha1-HEX id), w->pages what SITE/m
 * holds.
 */
static enum ma_status
check_pages(struct walk *w, GHashTable *claimed)
{
	GHashTableIter it;
	gpointer k, v;
	char name[PERMALINK_NAME_MAX];

	/* Pages of indexed messages that are missing. */
	g_hash_table_iter_init(&it, claimed);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		if (!g_hash_table_contains(w->pages, k)) {
			char stem[PERMALINK_STEM_MAX], *page;

			if (permalink_stem(k, stem) != MA_OK)
				continue;
			page = g_strdup_printf("m/%s.html", stem);
			report(w, CHECK_NO_PAGE, page, v);
			g_free(page);
		}
	}
	/* Tombstone pages are expected where the message is not indexed. */
	g_hash_table_iter_init(&it, w->tombs);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (permalink_name(k, name) == MA_OK &&
		    !g_hash_table_contains(claimed, name))
			g_hash_table_remove(w->pages, name);
	/* Pages of nothing. */
	g_hash_table_iter_init(&it, w->pages);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		char stem[PERMALINK_STEM_MAX], *page;

		if (g_hash_table_contains(claimed, k))
			continue;
		if (permalink_stem(k, stem) != MA_OK)
			snprintf(stem, sizeof stem, "%s", (char *)k);
		page = g_strdup_printf("m/%s.html", stem);
		report(w, CHECK_STRAY_PAGE, page, NULL);
		g_free(page);
	}
	return MA_OK;
}

struct claim {
	struct walk *w;
	GHashTable *claimed; /* NAME -> message id (owned strings) */
};

static int
claim_message(const struct index_hit *h, void *arg)
{
	struct claim *c = arg;
	char name[PERMALINK_NAME_MAX];

	if (check_message(h, c->w) != 0)
		return 1;
	/* Named as the renderer names it: by the real Message-ID when
	 * notmuch shortened a long one. */
	if (permalink_of_message(h->message_id,
				 h->nfiles > 0 ? h->files[0] : NULL,
				 name) == MA_OK)
		g_hash_table_replace(c->claimed, g_strdup(name),
				     g_strdup(h->message_id));
	return 0;
}

/* g_ptr_array_sort() passes pointers to the elements. */
static gint
cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
take_paths(GPtrArray *a, size_t *np)
{
	*np = a->len;
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* 1. The archive listing: new/ and cur/ into w->files. */
static enum ma_status
list_archive(struct walk *w, struct check_result *r)
{
	enum ma_status st = MA_OK;

	for (int i = 0; i < 2 && st == MA_OK; i++) {
		const char *sub = i == 0 ? "new" : "cur";
		char *dir = path_fmt("%s/%s", w->archive, sub);

		if (dir == NULL)
			return MA_ENOMEM;
		st = list_dir(dir, i == 0 ? "new/" : "cur/", NULL, w->files,
			      &r->archived);
		free(dir);
	}
	return st;
}

/* 2. The site listing and the tombstones. Pages are in the 256 shards
 * m/HH/ (permalink.h); a file right in m/ is the notice of an address of
 * the flat layout. */
static enum ma_status
list_site(struct walk *w, struct check_result *r)
{
	enum ma_status st = MA_OK;

	for (unsigned i = 0; i < 256 && st == MA_OK; i++) {
		char *dir = path_fmt("%s/m/%02x", w->o->site_dir, i);

		if (dir == NULL)
			return MA_ENOMEM;
		st = list_dir(dir, "", ".html", w->pages, &r->pages);
		free(dir);
	}
	return st == MA_OK ? read_tombstones(w) : st;
}

/* 3. One pass over the index; none yet (index.h: its layout) is an empty
 * one, not an error. */
static enum ma_status
claim_index(const struct check_opts *o, struct claim *c)
{
	struct index *ix = NULL;
	enum ma_status st;
	char *dir = space_part_path(o->space_dir, SPACE_NOTMUCH_XAPIAN);

	if (dir == NULL)
		return MA_ENOMEM;
	if (!path_exists(dir)) {
		log_notice("space '%s' has no notmuch database yet",
			   o->space_dir);
		st = MA_ENOTFOUND;
	} else {
		st = index_open(o->space_dir, INDEX_READ, &ix);
	}
	free(dir);
	if (st == MA_ENOTFOUND)
		return MA_OK;
	if (st == MA_OK) {
		st = index_query(ix, "*", claim_message, c);
		if (st == MA_OK)
			st = c->w->st;
		index_close(ix);
	}
	return st;
}

/* 4. What is left of the archive listing is not indexed. */
static void
report_unindexed(struct walk *w)
{
	GPtrArray *left = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, w->files);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_ptr_array_add(left, k);
	g_ptr_array_sort(left, cmp_names);
	for (guint i = 0; i < left->len; i++) {
		char *shown =
		    g_strdup_printf("archive/%s", (char *)left->pdata[i]);
		char *abs = g_strdup_printf("%s/%s", w->archive,
					    (char *)left->pdata[i]);

		report(w, CHECK_NOT_INDEXED, shown, NULL);
		push_path(w, w->not_index, abs);
		g_free(shown);
		g_free(abs);
	}
	g_ptr_array_free(left, TRUE);
}

enum ma_status
check_run(const struct check_opts *o, struct check_result *r)
{
	struct walk w = {.o = o, .r = r};
	struct claim c = {.w = &w};
	char *archive = NULL, *arch_real = NULL;
	enum ma_status st;

	memset(r, 0, sizeof *r);
	w.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w.pages = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w.tombs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	c.claimed =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	w.not_index = g_ptr_array_new_with_free_func(free);
	w.gone = g_ptr_array_new_with_free_func(free);
	if ((archive = space_part_path(o->space_dir, SPACE_ARCHIVE)) == NULL) {
		st = MA_ENOMEM;
	} else if ((arch_real = realpath(archive, NULL)) == NULL) {
		log_err("cannot resolve '%s': %s", archive, strerror(errno));
		st = MA_EIO;
	} else {
		w.archive = arch_real;
		st = list_archive(&w, r);
	}
	if (st == MA_OK)
		st = list_site(&w, r);
	if (st == MA_OK)
		st = claim_index(o, &c);
	if (st == MA_OK) {
		report_unindexed(&w);
		st = w.st;
	}
	if (st == MA_OK)
		st = check_pages(&w, c.claimed);
	if (st == MA_OK) {
		r->not_indexed = take_paths(w.not_index, &r->n_not_indexed);
		r->gone = take_paths(w.gone, &r->n_gone);
	} else {
		g_ptr_array_free(w.not_index, TRUE);
		g_ptr_array_free(w.gone, TRUE);
	}
	g_hash_table_destroy(w.files);
	g_hash_table_destroy(w.pages);
	g_hash_table_destroy(w.tombs);
	g_hash_table_destroy(c.claimed);
	free(archive);
	free(arch_real);
	return st;
}

unsigned long
check_differences(const struct check_result *r)
{
	unsigned long n = 0;

	for (int i = 0; i < CHECK_KINDS; i++)
		n += r->count[i];
	return n;
}

void
check_result_release(struct check_result *r)
{
	array_free_strs(r->not_indexed, r->n_not_indexed);
	array_free_strs(r->gone, r->n_gone);
	memset(r, 0, sizeof *r);
}

struct cursor {
	char *const *paths;
	size_t i, n;
};

static const char *
next_path(void *arg)
{
	struct cursor *cu = arg;

	return cu->i < cu->n ? cu->paths[cu->i++] : NULL;
}

enum ma_status
check_repair_index(const char *space_dir, const char *space_key,
		   const struct check_result *r, bool wait,
		   unsigned long *not_mail)
{
	struct index_run_opts ro = {.space_dir = space_dir,
				    .space_key = space_key};
	struct index_stats stats = {0};
	struct cursor cu = {.paths = r->not_indexed, .n = r->n_not_indexed};
	struct lock lk = {.fd = -1};
	struct index *ix = NULL;
	char *lockpath = space_lock_path(space_dir, SPACE_STAGE_INDEX);
	enum ma_status st;

	*not_mail = 0;
	if (lockpath == NULL)
		return MA_ENOMEM;
	st = lock_take(lockpath, "index of the space", wait, &lk);
	free(lockpath);
	if (st != MA_OK)
		return st;
	if (r->n_gone > 0 &&
	    (st = index_open(space_dir, INDEX_WRITE, &ix)) == MA_OK) {
		for (size_t i = 0; st == MA_OK && i < r->n_gone; i++)
			st = index_remove(ix, r->gone[i]);
		if (st == MA_OK)
			st = index_close(ix);
		else
			index_close(ix);
	}
	if (st == MA_OK && r->n_not_indexed > 0) {
		st = index_run_paths(&ro, next_path, &cu, &stats);
		*not_mail = stats.not_mail;
	}
	lock_drop(&lk);
	return st;
}
