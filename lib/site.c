/*
 * Publishing files into the site folder, and the stylesheet.
 *
 * glib's hash tables (glib comes with gmime) hold the paths a run wrote
 * and the folders it made; a hand-rolled table would add code, not value.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "log.h"
#include "path.h"
#include "site.h"

/* A run in progress: if this is found at start, the last run was killed
 * and may have left temp files (hidden, never linked) to sweep. */
#define SITE_MARK	".render-running"
#define SITE_TMP_PREFIX ".render."

struct site {
	char *dir;
	char *mark;
	FILE *out;
	char sep;
	GHashTable *written; /* rel path -> itself (owned) */
	GHashTable *dirs;    /* folders known to exist (owned keys) */
	GPtrArray *changed;  /* rel paths written or removed this run */
	unsigned long seq;
	size_t nwritten;
};

/* Remove the temp files a killed run left, anywhere in the site. */
static void
sweep_temps(const char *dir)
{
	GPtrArray *todo = g_ptr_array_new_with_free_func(free);

	g_ptr_array_add(todo, strdup(dir));
	while (todo->len > 0) {
		char *d = g_ptr_array_steal_index(todo, todo->len - 1);
		struct dirent *de;
		DIR *dh = d != NULL ? opendir(d) : NULL;

		while (dh != NULL && (de = readdir(dh)) != NULL) {
			char *p;

			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if ((p = path_fmt("%s/%s", d, de->d_name)) == NULL)
				continue;
			if (de->d_type == DT_DIR) {
				g_ptr_array_add(todo, p);
				continue;
			}
			if (strncmp(de->d_name, SITE_TMP_PREFIX,
				    strlen(SITE_TMP_PREFIX)) == 0)
				unlink(p);
			free(p);
		}
		if (dh != NULL)
			closedir(dh);
		free(d);
	}
	g_ptr_array_free(todo, TRUE);
}

enum ma_status
site_open(const char *dir, FILE *out, char sep, struct site **sp)
{
	struct site *s = calloc(1, sizeof *s);
	enum ma_status st;
	int fd;

	if (s == NULL)
		return MA_ENOMEM;
	s->dir = strdup(dir);
	s->mark = path_fmt("%s/%s", dir, SITE_MARK);
	s->out = out;
	s->sep = sep;
	s->written = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	s->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	s->changed = g_ptr_array_new_with_free_func(free);
	if (s->dir == NULL || s->mark == NULL) {
		site_close(s, false);
		return MA_ENOMEM;
	}
	if ((st = mkdir_p(dir, 0755)) != MA_OK) {
		site_close(s, false);
		return st;
	}
	if (path_exists(s->mark)) {
		log_info("the last render of '%s' was interrupted: removing "
			 "its temp files",
			 dir);
		sweep_temps(dir);
	}
	fd = open(s->mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;

		log_err("cannot create '%s': %s", s->mark, strerror(e));
		site_close(s, false);
		return errno_status(e);
	}
	close(fd);
	*sp = s;
	return MA_OK;
}

/* Create the folders above rel, once per run. */
static enum ma_status
make_parents(struct site *s, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	enum ma_status st;
	char *sub, *full;

	if (slash == NULL)
		return MA_OK;
	if ((sub = strndup(rel, (size_t)(slash - rel))) == NULL)
		return MA_ENOMEM;
	if (g_hash_table_contains(s->dirs, sub)) {
		free(sub);
		return MA_OK;
	}
	if ((full = path_fmt("%s/%s", s->dir, sub)) == NULL) {
		free(sub);
		return MA_ENOMEM;
	}
	st = mkdir_p(full, 0755);
	free(full);
	if (st != MA_OK) {
		free(sub);
		return st;
	}
	g_hash_table_add(s->dirs, sub);
	return MA_OK;
}

static enum ma_status
remember(struct site *s, const char *rel)
{
	char *k;

	if (g_hash_table_contains(s->written, rel))
		return MA_OK;
	if ((k = strdup(rel)) == NULL)
		return MA_ENOMEM;
	g_hash_table_add(s->written, k);
	return MA_OK;
}

/* True when path holds exactly data: rewriting it would change nothing. */
static bool
same_content(const char *path, const void *data, size_t len)
{
	struct stat sb;
	char chunk[65536];
	size_t off = 0;
	bool same = true;
	int fd;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size != len)
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	while (same && off < len) {
		ssize_t n =
		    read(fd, chunk,
			 len - off < sizeof chunk ? len - off : sizeof chunk);

		if (n <= 0)
			same = false;
		else if (memcmp(chunk, (const char *)data + off, (size_t)n) !=
			 0)
			same = false;
		else
			off += (size_t)n;
	}
	close(fd);
	return same;
}

enum ma_status
site_put(struct site *s, const char *rel, const void *data, size_t len)
{
	const char *base = strrchr(rel, '/');
	char *final, *tmp;
	enum ma_status st;
	int fd, e;

	if ((st = make_parents(s, rel)) != MA_OK)
		return st;
	if ((final = path_fmt("%s/%s", s->dir, rel)) == NULL)
		return MA_ENOMEM;
	/* An unchanged file is left alone: cheaper than a rewrite, and
	 * its time stamps keep telling caches the truth. */
	if (same_content(final, data, len)) {
		free(final);
		return remember(s, rel);
	}
	/* The temp file sits beside its final name: the rename stays in
	 * one folder, the cheapest atomic replace there is. */
	base = base != NULL ? base + 1 : rel;
	tmp = path_fmt("%s/%.*s%s%s.tmp", s->dir, (int)(base - rel), rel,
		       SITE_TMP_PREFIX, base);
	if (tmp == NULL) {
		free(final);
		return MA_ENOMEM;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		log_err("cannot create '%s': %s", tmp, strerror(e));
		free(final);
		free(tmp);
		return errno_status(e);
	}
	if ((st = write_all(fd, data, len)) != MA_OK || close(fd) != 0) {
		e = errno;
		log_err("cannot write '%s': %s", tmp, strerror(e));
		if (st == MA_OK)
			st = errno_status(e);
		else
			close(fd);
		unlink(tmp);
		free(final);
		free(tmp);
		return st;
	}
	if (rename(tmp, final) != 0) {
		e = errno;
		log_err("cannot rename '%s' to '%s': %s", tmp, final,
			strerror(e));
		unlink(tmp);
		free(final);
		free(tmp);
		return errno_status(e);
	}
	if (s->out != NULL)
		fprintf(s->out, "%s%c", final, s->sep);
	free(final);
	free(tmp);
	s->nwritten++;
	g_ptr_array_add(s->changed, strdup(rel));
	return remember(s, rel);
}

struct site_file {
	int fd;
	char *rel, *tmp, *final;
};

void
site_file_abort(struct site_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp != NULL)
		unlink(f->tmp);
	free(f->rel);
	free(f->tmp);
	free(f->final);
	free(f);
}

enum ma_status
site_file_open(struct site *s, const char *rel, struct site_file **fp)
{
	const char *base = strrchr(rel, '/');
	struct site_file *f;
	enum ma_status st;

	if ((st = make_parents(s, rel)) != MA_OK)
		return st;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return MA_ENOMEM;
	f->fd = -1;
	base = base != NULL ? base + 1 : rel;
	f->rel = strdup(rel);
	f->final = path_fmt("%s/%s", s->dir, rel);
	f->tmp = path_fmt("%s/%.*s%s%s.tmp", s->dir, (int)(base - rel), rel,
			  SITE_TMP_PREFIX, base);
	if (f->rel == NULL || f->final == NULL || f->tmp == NULL) {
		site_file_abort(f);
		return MA_ENOMEM;
	}
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		int e = errno;

		log_err("cannot create '%s': %s", f->tmp, strerror(e));
		free(f->tmp);
		f->tmp = NULL;
		site_file_abort(f);
		return errno_status(e);
	}
	*fp = f;
	return MA_OK;
}

enum ma_status
site_file_write(struct site_file *f, const void *p, size_t n)
{
	enum ma_status st = write_all(f->fd, p, n);

	if (st != MA_OK)
		log_err("cannot write '%s': %s", f->tmp, strerror(errno));
	return st;
}

enum ma_status
site_file_commit(struct site *s, struct site_file *f)
{
	enum ma_status st;
	int e;

	if (close(f->fd) != 0) {
		e = errno;
		f->fd = -1;
		log_err("cannot write '%s': %s", f->tmp, strerror(e));
		site_file_abort(f);
		return errno_status(e);
	}
	f->fd = -1;
	if (rename(f->tmp, f->final) != 0) {
		e = errno;
		log_err("cannot rename '%s' to '%s': %s", f->tmp, f->final,
			strerror(e));
		site_file_abort(f);
		return errno_status(e);
	}
	free(f->tmp);
	f->tmp = NULL;
	if (s->out != NULL)
		fprintf(s->out, "%s%c", f->final, s->sep);
	s->nwritten++;
	g_ptr_array_add(s->changed, strdup(f->rel));
	st = remember(s, f->rel);
	site_file_abort(f);
	return st;
}

enum ma_status
site_put_buf(struct site *s, const char *rel, const struct buf *b)
{
	return site_put(s, rel, b->data != NULL ? b->data : "", b->len);
}

bool
site_exists(struct site *s, const char *rel)
{
	char *p = path_fmt("%s/%s", s->dir, rel);
	struct stat sb;
	bool r;

	if (p == NULL)
		return false;
	r = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
	free(p);
	return r;
}

enum ma_status
site_keep(struct site *s, const char *rel)
{
	return remember(s, rel);
}

enum ma_status
site_remove(struct site *s, const char *rel)
{
	char *p = path_fmt("%s/%s", s->dir, rel);

	if (p == NULL)
		return MA_ENOMEM;
	if (unlink(p) != 0) {
		int e = errno;

		free(p);
		if (e == ENOENT)
			return MA_OK;
		log_err("cannot remove '%s/%s': %s", s->dir, rel, strerror(e));
		return errno_status(e);
	}
	g_ptr_array_add(s->changed, strdup(rel));
	/* A folder emptied goes too, as a full run's site_gc() does. */
	{
		size_t root = strlen(s->dir), depth = 0;
		char *slash;

		for (const char *q = rel; *q; q++)
			depth += *q == '/';
		while (depth-- > 0 && (slash = strrchr(p, '/')) != NULL &&
		       (size_t)(slash - p) > root) {
			*slash = '\0';
			if (rmdir(p) != 0)
				break;
			g_hash_table_remove(s->dirs, p + root + 1);
		}
	}
	free(p);
	return MA_OK;
}

size_t
site_written(const struct site *s)
{
	return s->nwritten;
}

/*
 * The names a site's top level may hold that are ours: a site_dir may be
 * a web server's folder with files of its own, which stay.
 */
static bool
site_owns(const char *name)
{
	static const char *const ours[] = {
	    "index.html", "style.css", "feed.atom", "a", "m", "t"};

	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		if (strcmp(name, ours[i]) == 0)
			return true;
	/* Years: four digits. */
	return strlen(name) == 4 && strspn(name, "0123456789") == 4;
}

/* Remove what the run did not produce, folder by folder (our own tree:
 * depth is bounded by the layout, but walk it with a list anyway). */
enum ma_status
site_gc(struct site *s)
{
	GPtrArray *todo = g_ptr_array_new_with_free_func(free);
	GPtrArray *seen = g_ptr_array_new_with_free_func(free);
	enum ma_status st = MA_OK;

	g_ptr_array_add(todo, strdup(""));
	while (todo->len > 0 && st == MA_OK) {
		char *rel = g_ptr_array_steal_index(todo, todo->len - 1);
		char *full =
		    rel[0] ? path_fmt("%s/%s", s->dir, rel) : strdup(s->dir);
		struct dirent *de;
		DIR *d;

		g_ptr_array_add(seen, rel);
		if (full == NULL || (d = opendir(full)) == NULL) {
			free(full);
			continue;
		}
		while ((de = readdir(d)) != NULL && st == MA_OK) {
			char *sub;

			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0 ||
			    (rel[0] == '\0' && !site_owns(de->d_name)) ||
			    strncmp(de->d_name, SITE_TMP_PREFIX,
				    strlen(SITE_TMP_PREFIX)) == 0)
				continue;
			sub = rel[0] ? path_fmt("%s/%s", rel, de->d_name)
				     : strdup(de->d_name);
			if (sub == NULL) {
				st = MA_ENOMEM;
				break;
			}
			if (de->d_type == DT_DIR) {
				g_ptr_array_add(todo, sub);
				continue;
			}
			if (!g_hash_table_contains(s->written, sub))
				st = site_remove(s, sub);
			free(sub);
		}
		closedir(d);
		free(full);
	}
	/* Deepest first: a folder emptied above goes too. */
	for (guint i = seen->len; i-- > 1 && st == MA_OK;) {
		char *full = path_fmt("%s/%s", s->dir,
				      (char *)g_ptr_array_index(seen, i));

		if (full != NULL)
			rmdir(full); /* fails, harmlessly, when not empty */
		free(full);
	}
	g_ptr_array_free(todo, TRUE);
	g_ptr_array_free(seen, TRUE);
	return st;
}

/* fsync one file or folder of the site. */
static enum ma_status
sync_path(const char *path, bool dir)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	enum ma_status st = MA_OK;

	if (fd < 0)
		return errno == ENOENT ? MA_OK : errno_status(errno);
	if (fsync(fd) != 0) {
		log_err("cannot sync '%s': %s", path, strerror(errno));
		st = errno_status(errno);
	}
	close(fd);
	return st;
}

/* Few files changed: fsync them and their folders. Many: one syncfs(2),
 * which is cheaper then, but flushes the whole file system (on a busy
 * shared disk it costs more than a few fsyncs). */
#define SITE_FSYNC_MAX 512

static enum ma_status
site_sync(struct site *s)
{
	GHashTable *dirs;
	GHashTableIter it;
	gpointer k;
	enum ma_status st = MA_OK;

	if (s->changed->len > SITE_FSYNC_MAX) {
		int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || syncfs(fd) != 0) {
			log_err("cannot sync '%s': %s", s->dir,
				strerror(errno));
			st = errno_status(errno);
		}
		if (fd >= 0)
			close(fd);
		return st;
	}
	dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	for (guint i = 0; i < s->changed->len && st == MA_OK; i++) {
		const char *rel = s->changed->pdata[i];
		const char *slash = strrchr(rel, '/');
		char *p = path_fmt("%s/%s", s->dir, rel);

		if (p == NULL) {
			st = MA_ENOMEM;
			break;
		}
		st = sync_path(p, false);
		free(p);
		p = slash ? path_fmt("%s/%.*s", s->dir, (int)(slash - rel), rel)
			  : strdup(s->dir);
		if (p != NULL && !g_hash_table_contains(dirs, p))
			g_hash_table_add(dirs, p);
		else
			free(p);
	}
	g_hash_table_iter_init(&it, dirs);
	while (st == MA_OK && g_hash_table_iter_next(&it, &k, NULL))
		st = sync_path(k, true);
	g_hash_table_destroy(dirs);
	return st;
}

enum ma_status
site_close(struct site *s, bool commit)
{
	enum ma_status st = MA_OK;

	if (s == NULL)
		return MA_OK;
	if (commit)
		st = site_sync(s);
	if (commit) {
		/* Only now is the run complete. */
		if (st == MA_OK && unlink(s->mark) != 0 && errno != ENOENT)
			log_warn("cannot remove '%s': %s", s->mark,
				 strerror(errno));
	}
	free(s->dir);
	free(s->mark);
	if (s->written)
		g_hash_table_destroy(s->written);
	if (s->dirs)
		g_hash_table_destroy(s->dirs);
	if (s->changed)
		g_ptr_array_free(s->changed, TRUE);
	free(s);
	return st;
}

/* The one stylesheet: system fonts, a readable measure, light and dark. */
static const char stylesheet[] =
    ":root{color-scheme:light dark;--bg:#fdfdfc;--fg:#1d1f21;"
    "--muted:#5f6368;--line:#e3e3e0;--accent:#0b57d0;--card:#fff;"
    "--quote:#f3f4f1;--mark:#fff4c2}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#141517;--fg:#e6e6e3;"
    "--muted:#a0a4aa;--line:#2d3034;--accent:#8ab4f8;--card:#1c1d20;"
    "--quote:#222428;--mark:#4a3f10}}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",\"Noto Sans CJK JP\",sans-serif}\n"
    "a{color:var(--accent);text-underline-offset:2px}\n"
    "a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}\n"
    ".skip{position:absolute;left:-999px;top:0;background:var(--card);"
    "padding:.5em 1em}\n"
    ".skip:focus{left:.5em;z-index:2}\n"
    ".site{border-bottom:1px solid var(--line);background:var(--card)}\n"
    ".site div,main,.foot{max-width:52rem;margin:0 auto;padding:0 1rem}\n"
    ".site div{display:flex;flex-wrap:wrap;gap:.25em 1em;"
    "align-items:baseline;padding:.7rem 1rem}\n"
    ".site .name{font-weight:650;font-size:1.1rem;color:var(--fg);"
    "text-decoration:none}\n"
    ".site nav{color:var(--muted);font-size:.9rem}\n"
    ".site nav a{color:var(--muted)}\n"
    ".site .find{margin-left:auto;display:flex;gap:.3em}\n"
    ".find input,.find button{font:inherit;font-size:.9rem;padding:.2em "
    ".5em;border:1px solid var(--line);border-radius:4px;"
    "background:var(--bg);color:var(--fg);min-width:0}\n"
    "main{padding-top:1.2rem;padding-bottom:2rem}\n"
    "h1{font-size:1.55rem;line-height:1.25;margin:.2em 0 .4em;"
    "overflow-wrap:anywhere}\n"
    "h2{font-size:1.15rem;margin:1.6em 0 .5em}\n"
    ".lede{color:var(--muted);margin-top:0}\n"
    ".meta,.count{color:var(--muted);font-size:.9rem}\n"
    "ul.plain{list-style:none;padding:0;margin:0}\n"
    ".months li{display:inline-block;margin:0 .9em .3em 0}\n"
    ".months h3{font-size:1rem;margin:.9em 0 .3em}\n"
    ".list li{padding:.45em 0;border-bottom:1px solid var(--line);"
    "display:grid;grid-template-columns:1fr auto;gap:0 1em}\n"
    ".list .subj{overflow-wrap:anywhere}\n"
    ".list .meta{grid-column:1/-1}\n"
    ".list time{white-space:nowrap;color:var(--muted);font-size:.9rem}\n"
    ".tgroup{margin:1.2em 0}\n"
    ".tgroup h3{font-size:1.02rem;margin:0 0 .2em;overflow-wrap:anywhere}\n"
    ".tgroup ul{margin:0;padding-left:1.1em;color:var(--muted);"
    "font-size:.92rem}\n"
    ".pager{display:flex;gap:1em;margin:1.2em 0;flex-wrap:wrap}\n"
    ".msg{background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:1rem 1.1rem;margin:0 0 1rem}\n"
    ".msg h2{margin:0 0 .3em;font-size:1.05rem;overflow-wrap:anywhere}\n"
    ".hdrs{display:grid;grid-template-columns:auto 1fr;gap:.1em .8em;"
    "margin:0 0 .9em;font-size:.92rem}\n"
    ".hdrs dt{color:var(--muted)}\n"
    ".hdrs dd{margin:0;overflow-wrap:anywhere}\n"
    ".text{white-space:pre-wrap;overflow-wrap:anywhere;"
    "font-size:.97rem;line-height:1.6}\n"
    ".text blockquote{margin:.3em 0;padding:.2em .8em;"
    "border-left:3px solid var(--line);background:var(--quote);"
    "color:var(--muted)}\n"
    ".text details{margin:.3em 0}\n"
    ".text summary{cursor:pointer;color:var(--muted);font-size:.88rem}\n"
    ".sig{color:var(--muted);font-size:.9rem}\n"
    "iframe.html{width:100%;border:1px solid var(--line);"
    "border-radius:6px;background:#fff;resize:vertical}\n"
    ".note{font-size:.88rem;color:var(--muted)}\n"
    ".att{margin:.9em 0 0;padding:.6em 0 0;border-top:1px solid "
    "var(--line);font-size:.92rem}\n"
    ".att li{margin:.15em 0;overflow-wrap:anywhere}\n"
    ".att .meta{margin-left:.4em}\n"
    ".msgnav{display:flex;flex-wrap:wrap;gap:.3em 1.2em;margin-top:.9em;"
    "padding-top:.6em;border-top:1px solid var(--line);font-size:.9rem}\n"
    ".tree{margin:0 0 1.4em;padding:0;list-style:none;font-size:.93rem}\n"
    ".tree li{padding:.15em 0;overflow-wrap:anywhere}\n"
    ".d1{margin-left:1rem}.d2{margin-left:2rem}.d3{margin-left:3rem}"
    ".d4{margin-left:4rem}.d5{margin-left:5rem}.d6{margin-left:6rem}\n"
    ".msg.d1,.msg.d2,.msg.d3,.msg.d4,.msg.d5,.msg.d6{"
    "border-left:3px solid var(--accent)}\n"
    "@media (max-width:40rem){body{font-size:15px}"
    ".d1,.d2,.d3,.d4,.d5,.d6{margin-left:.6rem}"
    ".msg{padding:.8rem;border-radius:0;border-left:0;border-right:0;"
    "margin-left:-1rem;margin-right:-1rem}"
    ".msg.d1,.msg.d2,.msg.d3,.msg.d4,.msg.d5,.msg.d6{margin-left:-.4rem}"
    ".hdrs{grid-template-columns:1fr}.hdrs dt{font-size:.8rem}"
    ".list li{grid-template-columns:1fr}h1{font-size:1.3rem}}\n"
    ".removed{padding:2rem 0}\n"
    "body.mail{margin:0;padding:12px 14px;background:#fff;color:#1d1f21;"
    "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Noto Sans\",sans-serif;overflow-wrap:anywhere}\n"
    "body.mail img{max-width:100%;height:auto}\n"
    "body.mail table{border-collapse:collapse;max-width:100%}\n"
    "body.mail td,body.mail th{padding:2px 6px}\n"
    "body.mail a{color:#0b57d0}\n"
    ".foot{color:var(--muted);font-size:.85rem;padding:1.5rem 1rem 2rem;"
    "border-top:1px solid var(--line)}\n";

const char *
site_stylesheet(void)
{
	return stylesheet;
}
