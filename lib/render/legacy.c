/*
 * Addresses of the flat layout. Sites rendered before the shard level
 * (permalink.h, step 4) held every message at m/NAME.html and every
 * thread at t/NAME.html. Those addresses were published and may be
 * cited, so a full run keeps each one that still has a counterpart:
 *
 *   m/NAME.html, t/NAME.html  a "Page moved" notice that links (and
 *                             redirects with a meta refresh) to
 *                             m/HH/NAME.html or t/HH/NAME.html;
 *   m/NAME.eml, m/NAME=v-*.eml  kept as they are: a raw message never
 *                             changes, and it is the file at the new
 *                             address byte for byte;
 *   t/NAME.atom, t/NAME.mbox  written again with t/HH/NAME.atom and
 *                             .mbox, every time those are (legacy_twin()):
 *                             the mbox the same bytes, the feed the same
 *                             entries with links made for t/, so that a
 *                             feed reader or a link to the mbox sees no
 *                             change.
 *
 * A flat file whose new counterpart the run does not produce (its
 * message was erased, its thread moved) is left to site_gc(), which
 * removes it; an incremental run removes it with its counterpart. Nothing
 * else of the old layout survives a full run, and no new file is ever
 * written flat. The first run after an upgrade is a full one (the
 * layout is part of settings_line()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "path.h"
#include "render_int.h"

/* The suffixes a flat file of a message or a thread ends in. */
static const char *
legacy_split(const char *file, bool thread, char name[PERMALINK_NAME_MAX],
	     bool *keep)
{
	static const char *const msuf[] = {".html", ".eml"};
	static const char *const tsuf[] = {".html", ".atom", ".mbox"};
	const char *const *suf = thread ? tsuf : msuf;
	size_t nsuf = thread ? 3 : 2, n = strlen(file), k;
	const char *v;

	for (size_t i = 0; i < nsuf; i++) {
		size_t sl = strlen(suf[i]);

		if (n <= sl || strcmp(file + n - sl, suf[i]) != 0)
			continue;
		k = n - sl;
		/* A version's raw file: NAME=v-TAG.eml ("=v" is in no
		 * NAME). */
		if (!thread && i == 1 && (v = strstr(file, "=v-")) != NULL)
			k = (size_t)(v - file);
		if (k == 0 || k >= PERMALINK_NAME_MAX)
			return NULL;
		memcpy(name, file, k);
		name[k] = '\0';
		*keep = !thread && i == 1;
		return file + k;
	}
	return NULL;
}

/* The notice at a flat address, to "HH/NAME.html" next to it. */
static enum ma_status
legacy_notice(struct run *r, const char *rel, const char *stem)
{
	static const struct moved_notice n = {
	    "Page moved", "This page is now at", "a new address",
	    ": the archive keeps its pages in folders named by the first two "
	    "hex digits of the SHA-256 of their Message-ID."};
	char url[PERMALINK_STEM_MAX + 8];
	enum ma_status st;

	st = render_fmt(url, sizeof url, "%s.html", stem);
	if (st == MA_OK)
		st = redirect_page(r, rel, "../", &n, url);
	return st;
}

/* g_ptr_array_sort() passes pointers to the elements. */
static gint
name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One flat file of folder sub ("m" or "t"). */
static enum ma_status
legacy_file(struct run *r, const char *sub, const char *file)
{
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	char rel[PERMALINK_STEM_MAX + 64], now[PERMALINK_STEM_MAX + 64];
	const char *suffix;
	bool keep = false;

	suffix = legacy_split(file, sub[0] == 't', name, &keep);
	if (suffix == NULL || permalink_stem(name, stem) != MA_OK)
		return MA_OK; /* no file of ours: site_gc() decides */
	snprintf(rel, sizeof rel, "%s/%s", sub, file);
	snprintf(now, sizeof now, "%s/%s%s", sub, stem, suffix);
	/* A full run wrote every file it keeps: what it did not goes at
	 * site_gc(), and so does its flat address. */
	if (!site_produced(r->site, now))
		return MA_OK;
	if (strcmp(suffix, ".html") == 0)
		return legacy_notice(r, rel, stem);
	if (keep)
		return site_keep(r->site, rel);
	return MA_OK; /* a feed or mbox: written by legacy_twin() or gone */
}

/* Whether the site's t/ holds any file of the flat layout (anything but
 * its shard folders), looked at once a run: a site that has none (any
 * site first rendered sharded) needs no look per thread. */
static bool
flat_threads(struct run *r)
{
	char *dir;
	DIR *d;
	struct dirent *de;

	if (r->legacy_flat != 0)
		return r->legacy_flat == 2;
	r->legacy_flat = 2;
	if ((dir = path_fmt("%s/t", r->o->site_dir)) == NULL)
		return true;
	d = opendir(dir);
	free(dir);
	if (d == NULL) {
		if (errno == ENOENT)
			r->legacy_flat = 1;
		return r->legacy_flat == 2;
	}
	r->legacy_flat = 1;
	while ((de = readdir(d)) != NULL && r->legacy_flat == 1) {
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_DIR ||
		    (de->d_type == DT_UNKNOWN &&
		     fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
			 0 &&
		     S_ISDIR(sb.st_mode)))
			continue;
		r->legacy_flat = 2;
	}
	closedir(d);
	return r->legacy_flat == 2;
}

bool
legacy_twin(struct run *r, const char *name, const char *ext, char *out,
	    size_t size)
{
	char *flat;
	bool there;

	if (!flat_threads(r))
		return false;
	flat = path_fmt("%s/t/%s.%s", r->o->site_dir, name, ext);
	there = flat != NULL && path_exists(flat);

	free(flat);
	return there && snprintf(out, size, "t/%s.%s", name, ext) < (int)size;
}

enum ma_status
legacy_publish(struct run *r)
{
	static const char *const subs[] = {"m", "t"};
	enum ma_status st = MA_OK;

	for (size_t i = 0; i < 2 && st == MA_OK; i++) {
		char *dir = path_fmt("%s/%s", r->o->site_dir, subs[i]);
		GPtrArray *files = g_ptr_array_new_with_free_func(free);
		struct dirent *de;
		DIR *d;

		if (dir == NULL) {
			g_ptr_array_free(files, TRUE);
			return MA_ENOMEM;
		}
		/* Shards are folders; a file right in m/ or t/ is flat. */
		if ((d = opendir(dir)) != NULL) {
			while ((de = readdir(d)) != NULL)
				if (de->d_type == DT_REG &&
				    de->d_name[0] != '.')
					g_ptr_array_add(files,
							strdup(de->d_name));
			closedir(d);
		}
		free(dir);
		/* In name order: the same run, the same site. */
		g_ptr_array_sort(files, name_cmp);
		for (guint k = 0; k < files->len && st == MA_OK; k++) {
			const char *f = files->pdata[k];

			st = f != NULL ? legacy_file(r, subs[i], f) : MA_ENOMEM;
		}
		g_ptr_array_free(files, TRUE);
	}
	return st;
}
