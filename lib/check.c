/*
 * mailarc check: archive, index, tombstones and site agree (check.h).
 * Nothing here opens a message.
 *
 * Memory: the archive's file names and the site's page names are held
 * as sorted arrays of their 64-bit hashes with a bit each (found), 8
 * bytes and a bit a name, not the names: a million-message space took
 * some 300 bytes a message in hash tables of strings. The names of what
 * differs come from a second listing, only when something does. Two
 * names with one hash (odds about 1 in 10^7 for two million names)
 * would hide one difference, never report a false one. The tombstones'
 * Message-IDs stay strings in a hash table: a deletion is rare.
 */
#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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
    [CHECK_NOT_SEARCHABLE] = "not in the search index",
    [CHECK_SEARCH_STRAY] = "stray in the search index",
};

const char *
check_kind_name(enum check_kind kind)
{
	return kind < CHECK_KINDS ? kind_names[kind] : "?";
}

/* Names as sorted 64-bit hashes, each with a bit: found. */
struct names {
	uint64_t *h;
	uint8_t *found;
	size_t n, cap, nfound;
};

struct walk {
	const struct check_opts *o;
	struct check_result *r;
	const char *archive;  /* realpath of SPACE/archive */
	struct names files;   /* "new/NAME": found when indexed */
	struct names pages;   /* "NAME" of SITE/m/NAME.html: found when due */
	struct names search;  /* "NAME" of each search document: found when
				 an indexed message claims it */
	GHashTable *twice;    /* search documents seen, of a name listed
				 twice (uint64_t keys, g_malloc'd) */
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

/* A name's hash: 64-bit FNV-1a of prefix and then the first n bytes
 * of name. */
static uint64_t
name_hash(const char *prefix, const char *name, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)prefix; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	return h;
}

static enum ma_status
names_add(struct names *ns, uint64_t h)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap + ns->cap / 2 : 4096;
		uint64_t *p = realloc(ns->h, cap * sizeof *p);

		if (p == NULL)
			return MA_ENOMEM;
		ns->h = p;
		ns->cap = cap;
	}
	ns->h[ns->n++] = h;
	return MA_OK;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted, with a found bit each, all clear. */
static enum ma_status
names_seal(struct names *ns)
{
	if (ns->n > 1)
		qsort(ns->h, ns->n, sizeof *ns->h, cmp_u64);
	if ((ns->found = calloc(ns->n / 8 + 1, 1)) == NULL)
		return MA_ENOMEM;
	return MA_OK;
}

/* The position of h, or -1. */
static ssize_t
names_find(const struct names *ns, uint64_t h)
{
	size_t lo = 0, hi = ns->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ns->h[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ns->n && ns->h[lo] == h ? (ssize_t)lo : -1;
}

static bool
names_found(const struct names *ns, size_t i)
{
	return (ns->found[i / 8] >> (i % 8)) & 1;
}

/* Set h's found bit: false when h is not a name of ns. */
static bool
names_mark(struct names *ns, uint64_t h)
{
	ssize_t i = names_find(ns, h);

	if (i < 0)
		return false;
	if (!names_found(ns, (size_t)i)) {
		ns->found[i / 8] |= (uint8_t)(1u << (i % 8));
		ns->nfound++;
	}
	return true;
}

/* h is a name of ns not found. */
static bool
names_left(const struct names *ns, uint64_t h)
{
	ssize_t i = names_find(ns, h);

	return i >= 0 && !names_found(ns, (size_t)i);
}

static void
names_free(struct names *ns)
{
	free(ns->h);
	free(ns->found);
}

/* Names in dir (dot files skipped, and those not ending in suffix), each
 * hashed as prefix NAME (suffix cut) into ns; with ns NULL, each that
 * is not found is given to fn instead. */
typedef void (*name_fn)(struct walk *w, const char *prefix, const char *name,
			size_t n);

static enum ma_status
list_dir(struct walk *w, const char *dir, const char *prefix,
	 const char *suffix, struct names *ns, unsigned long *np,
	 const struct names *left, name_fn fn)
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
		if (ns != NULL) {
			if (names_add(ns, name_hash(prefix, de->d_name,
						    n - sl)) != MA_OK) {
				closedir(d);
				return MA_ENOMEM;
			}
			(*np)++;
		} else if (names_left(left,
				      name_hash(prefix, de->d_name, n - sl))) {
			fn(w, prefix, de->d_name, n - sl);
		}
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
			if (strlen(id) > 2 && id[0] == '<' &&
			    id[strlen(id) - 1] == '>') {
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
		/* Found: what is left is not indexed. */
		if (names_mark(&w->files, name_hash("", sub, strlen(sub)))) {
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

/* A page of nothing: reported (from the second listing of SITE/m). */
static void
stray_page(struct walk *w, const char *prefix, const char *name, size_t n)
{
	char *k = g_strndup(name, n), stem[PERMALINK_STEM_MAX], *page;

	(void)prefix;
	if (permalink_stem(k, stem) != MA_OK)
		snprintf(stem, sizeof stem, "%s", k);
	page = g_strdup_printf("m/%s.html", stem);
	report(w, CHECK_STRAY_PAGE, page, NULL);
	g_free(page);
	g_free(k);
}

/*
 * Pages: every indexed message's page was marked found as the index was
 * read (and a missing one reported). A tombstone's "removed" page is
 * expected too; any other page is of nothing.
 */
static enum ma_status
check_pages(struct walk *w)
{
	GHashTableIter it;
	gpointer k;
	char name[PERMALINK_NAME_MAX];
	enum ma_status st = MA_OK;

	g_hash_table_iter_init(&it, w->tombs);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (permalink_name(k, name) == MA_OK)
			names_mark(&w->pages,
				   name_hash("", name, strlen(name)));
	if (w->pages.nfound == w->pages.n)
		return MA_OK;
	/* Some page is of nothing: list SITE/m again for their names. */
	for (unsigned i = 0; i < 256 && st == MA_OK; i++) {
		char *dir = path_fmt("%s/m/%02x", w->o->site_dir, i);

		if (dir == NULL)
			return MA_ENOMEM;
		st = list_dir(w, dir, "", ".html", NULL, NULL, &w->pages,
			      stray_page);
		free(dir);
	}
	return st;
}

/* ---- The search index: site/search/ (docs/format.md) ---- */

/* The search index's list, and a segment's document file, are read whole:
 * a list names some 240 segments at a million messages, a file 128
 * documents. */
#define CHECK_SEARCH_FILE_MAX ((size_t)64 << 20)

typedef void (*doc_fn)(struct walk *w, const char *name, size_t n);

/* The NAME of the document on line, a row of a dK.json file
 * ([date,"HH/NAME",...], the first after the file's "["), or NULL. */
static const char *
doc_name(const char *line, size_t *n)
{
	const char *p = line, *q;

	if (p[0] == '[' && p[1] == '[')
		p++;
	if (*p++ != '[')
		return NULL;
	if (*p == '-')
		p++;
	if (!g_ascii_isdigit(*p))
		return NULL;
	while (g_ascii_isdigit(*p))
		p++;
	if (p[0] != ',' || p[1] != '"' || !g_ascii_isxdigit(p[2]) ||
	    !g_ascii_isxdigit(p[3]) || p[4] != '/')
		return NULL;
	p += 5;
	for (q = p; *q != '"'; q++)
		if (*q == '\0' || *q == '\\' || *q == '\n')
			return NULL;
	*n = (size_t)(q - p);
	return *n > 0 ? p : NULL;
}

/* The documents of segment dir (search/MONTH.HASH) of n documents, each
 * name to fn. A file that is missing or not ours gives none: the
 * messages it should hold are then not in the index. */
static enum ma_status
segment_docs(struct walk *w, const char *dir, unsigned n, doc_fn fn)
{
	enum ma_status st = MA_OK;

	for (unsigned k = 0; k * 128u < n && st == MA_OK; k++) {
		char *p = path_fmt("%s/%s/d%u.json", w->o->site_dir, dir, k);
		char *data = NULL, *line, *next;
		size_t len, dn;
		const char *name;

		if (p == NULL)
			return MA_ENOMEM;
		st = path_file_read_all(p, CHECK_SEARCH_FILE_MAX, &data, &len);
		free(p);
		if (st == MA_ENOTFOUND || st == MA_ETOOBIG) {
			st = MA_OK;
			continue;
		}
		for (line = data; st == MA_OK && line != NULL; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			if ((name = doc_name(line, &dn)) != NULL)
				fn(w, name, dn);
		}
		free(data);
	}
	return st;
}

/* Each document of the segments search/index.json lists, to fn; none,
 * and r->search false, when the site has no search index. */
static enum ma_status
search_docs(struct walk *w, doc_fn fn)
{
	char *p = path_fmt("%s/search/index.json", w->o->site_dir);
	char *data = NULL, *line, *next;
	enum ma_status st;
	size_t len;

	if (p == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(p, CHECK_SEARCH_FILE_MAX, &data, &len);
	free(p);
	if (st == MA_ENOTFOUND)
		return MA_OK;
	if (st != MA_OK)
		return st;
	w->r->search = true;
	for (line = data; st == MA_OK && line != NULL; line = next) {
		char m[8], h[17], dir[32];
		unsigned n;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (sscanf(line,
			   "{\"m\":\"%7[0-9-]\",\"h\":\"%16[0-9a-f]\",\"n\":%u",
			   m, h, &n) != 3 ||
		    strlen(m) != 7 || strlen(h) != 16)
			continue;
		snprintf(dir, sizeof dir, "search/%s.%s", m, h);
		st = segment_docs(w, dir, n, fn);
	}
	free(data);
	return st;
}

static void
search_add_doc(struct walk *w, const char *name, size_t n)
{
	if (w->st == MA_OK)
		w->st = names_add(&w->search, name_hash("", name, n));
	w->r->searchable++;
}

/* 2b. The search index's documents into w->search. */
static enum ma_status
list_search(struct walk *w)
{
	enum ma_status st = search_docs(w, search_add_doc);

	if (st == MA_OK)
		st = w->st;
	return st == MA_OK ? names_seal(&w->search) : st;
}

/* A document no message claimed, or the second of a name: reported
 * (from the second reading of the index). */
static void
search_stray_doc(struct walk *w, const char *name, size_t n)
{
	uint64_t h = name_hash("", name, n);
	ssize_t i = names_find(&w->search, h);
	char *k, stem[PERMALINK_STEM_MAX], *page;
	bool twice = false;

	if (i < 0)
		return;
	if (names_found(&w->search, (size_t)i)) {
		/* Claimed; a name listed twice leaves its second unfound. */
		if ((size_t)i + 1 >= w->search.n || w->search.h[i + 1] != h)
			return;
		if (!g_hash_table_contains(w->twice, &h)) {
			g_hash_table_add(w->twice, g_memdup2(&h, sizeof h));
			return;
		}
		twice = true;
	}
	k = g_strndup(name, n);
	if (permalink_stem(k, stem) != MA_OK)
		snprintf(stem, sizeof stem, "%s", k);
	page = g_strdup_printf("m/%s.html%s", stem, twice ? " (twice)" : "");
	report(w, CHECK_SEARCH_STRAY, page, NULL);
	g_free(page);
	g_free(k);
}

/* 6. Documents of nothing, or listed twice: read again for their names,
 * only when there is some. */
static enum ma_status
check_search(struct walk *w)
{
	if (w->search.nfound == w->search.n)
		return MA_OK;
	return search_docs(w, search_stray_doc);
}

/* One indexed message, and its page: found, or reported missing. */
static int
claim_message(const struct index_hit *h, void *arg)
{
	struct walk *w = arg;
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX], *page;

	uint64_t nh;
	bool shown, found;

	if (check_message(h, w) != 0)
		return 1;
	/* Named as the renderer names it: by the real Message-ID when
	 * notmuch shortened a long one. */
	if (permalink_of_message(h->message_id,
				 h->nfiles > 0 ? h->files[0] : NULL,
				 name) != MA_OK)
		return 0;
	nh = name_hash("", name, strlen(name));
	shown = names_mark(&w->pages, nh);
	/* A tombstoned message is reported as such, not as unsearchable. */
	found = !w->r->search || names_mark(&w->search, nh) ||
		g_hash_table_contains(w->tombs, h->message_id);
	if ((shown && found) || permalink_stem(name, stem) != MA_OK)
		return 0;
	page = g_strdup_printf("m/%s.html", stem);
	if (!shown)
		report(w, CHECK_NO_PAGE, page, h->message_id);
	if (!found)
		report(w, CHECK_NOT_SEARCHABLE, page, h->message_id);
	g_free(page);
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
		st = list_dir(w, dir, i == 0 ? "new/" : "cur/", NULL, &w->files,
			      &r->archived, NULL, NULL);
		free(dir);
	}
	return st == MA_OK ? names_seal(&w->files) : st;
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
		st = list_dir(w, dir, "", ".html", &w->pages, &r->pages, NULL,
			      NULL);
		free(dir);
	}
	if (st == MA_OK)
		st = names_seal(&w->pages);
	return st == MA_OK ? read_tombstones(w) : st;
}

/* 3. One pass over the index; none yet (index.h: its layout) is an empty
 * one, not an error. */
static enum ma_status
claim_index(const struct check_opts *o, struct walk *w)
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
		st = index_each(ix, claim_message, w);
		if (st == MA_OK)
			st = w->st;
		index_close(ix);
	}
	return st;
}

/* An archived file not indexed, from the second listing: kept for the
 * report, in name order. */
static void
unindexed(struct walk *w, const char *prefix, const char *name, size_t n)
{
	char *p = g_strdup_printf("%s%.*s", prefix, (int)n, name);

	if (p == NULL || !push_path(w, w->not_index, p))
		w->st = MA_ENOMEM;
	g_free(p);
}

/* 4. What the index did not find of the archive is not indexed: listed
 * again for the names, only when there is some. */
static enum ma_status
report_unindexed(struct walk *w)
{
	enum ma_status st = MA_OK;
	GPtrArray *rel = w->not_index;

	if (w->files.nfound == w->files.n)
		return MA_OK;
	for (int i = 0; i < 2 && st == MA_OK; i++) {
		const char *sub = i == 0 ? "new" : "cur";
		char *dir = path_fmt("%s/%s", w->archive, sub);

		if (dir == NULL)
			return MA_ENOMEM;
		st = list_dir(w, dir, i == 0 ? "new/" : "cur/", NULL, NULL,
			      NULL, &w->files, unindexed);
		free(dir);
	}
	if (st != MA_OK || w->st != MA_OK)
		return st != MA_OK ? st : w->st;
	g_ptr_array_sort(rel, cmp_names);
	w->not_index = g_ptr_array_new_with_free_func(free);
	for (guint i = 0; i < rel->len; i++) {
		char *shown =
		    g_strdup_printf("archive/%s", (char *)rel->pdata[i]);
		char *abs =
		    g_strdup_printf("%s/%s", w->archive, (char *)rel->pdata[i]);

		report(w, CHECK_NOT_INDEXED, shown, NULL);
		push_path(w, w->not_index, abs);
		g_free(shown);
		g_free(abs);
	}
	g_ptr_array_free(rel, TRUE);
	return w->st;
}

enum ma_status
check_run(const struct check_opts *o, struct check_result *r)
{
	struct walk w = {.o = o, .r = r};
	char *archive = NULL, *arch_real = NULL;
	enum ma_status st;

	memset(r, 0, sizeof *r);
	w.tombs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w.twice =
	    g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
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
		st = list_search(&w);
	if (st == MA_OK)
		st = claim_index(o, &w);
	if (st == MA_OK)
		st = report_unindexed(&w);
	if (st == MA_OK)
		st = check_pages(&w);
	if (st == MA_OK && r->search)
		st = check_search(&w);
	if (st == MA_OK) {
		r->not_indexed = take_paths(w.not_index, &r->n_not_indexed);
		r->gone = take_paths(w.gone, &r->n_gone);
	} else {
		g_ptr_array_free(w.not_index, TRUE);
		g_ptr_array_free(w.gone, TRUE);
	}
	names_free(&w.files);
	names_free(&w.pages);
	names_free(&w.search);
	g_hash_table_destroy(w.twice);
	g_hash_table_destroy(w.tombs);
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
