/* mailarc-render: write the static HTML archive of a space. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "account.h"
#include "cli.h"
#include "lock.h"
#include "log.h"
#include "path.h"
#include "render.h"
#include "space.h"

static const char usage[] =
    "usage: mailarc-render [--root DIR] [-v] [-q] [--wait] [-0] SPACE [-] "
    "[--full]\n"
    "\n"
    "Bring the site of SPACE (SPACE/site, or its site_dir) up to date\n"
    "with its notmuch database and tombstones, and print the path of\n"
    "every file written. Only what changed since the last run is\n"
    "rendered; --full rebuilds everything (with the same result) and\n"
    "removes what is stale. With '-', the archive paths just indexed\n"
    "are read from standard input (one a line; -0: NUL-separated, and\n"
    "the paths written too); the run renders them along with anything\n"
    "else that changed.\n";

/* The paths are hints: the database says what changed, and it covers
 * them. Reading them keeps the pipe flowing and lets us log them. */
static void
drain_stdin(char sep)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t count = 0;

	while ((n = getdelim(&line, &cap, sep, stdin)) > 0) {
		if (line[n - 1] == sep)
			line[n - 1] = '\0';
		if (line[0] != '\0') {
			log_debug("indexed: %s", line);
			count++;
		}
	}
	free(line);
	log_info("%zu path%s read from standard input", count,
		 count == 1 ? "" : "s");
}

/*
 * The accounts of s with an address, as NAME, ADDRESS pairs ending in
 * NULL (malloc'd with their strings; free with accounts_free()), for the
 * Cc of Reply links. An account that cannot be loaded is left out (its
 * own commands say why).
 */
static char **
reply_accounts(const struct space *s)
{
	char **keys = NULL, **pairs;
	size_t n = 0, k = 0;

	if (account_list(s, &keys, &n) != MA_OK)
		return NULL;
	if ((pairs = calloc(2 * n + 1, sizeof *pairs)) != NULL) {
		for (size_t i = 0; i < n; i++) {
			struct account *a = NULL;

			if (account_load(s, keys[i], &a) != MA_OK)
				continue;
			if (a->address != NULL && a->address[0] != '\0') {
				pairs[k] = strdup(keys[i]);
				pairs[k + 1] = strdup(a->address);
				if (pairs[k] == NULL || pairs[k + 1] == NULL) {
					free(pairs[k]);
					free(pairs[k + 1]);
					pairs[k] = pairs[k + 1] = NULL;
				} else {
					k += 2;
				}
			}
			account_free(a);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return pairs;
}

static void
accounts_free(char **pairs)
{
	for (size_t i = 0; pairs != NULL && pairs[i] != NULL; i++)
		free(pairs[i]);
	free(pairs);
}

static int
run(const struct stage_opts *o)
{
	char **accounts = NULL;
	struct render_opts ro = {0};
	struct render_stats stats;
	struct lock lk = {.fd = -1};
	struct space *s = NULL;
	char *root = NULL, *statedir = NULL, *lockpath = NULL, what[128];
	enum ma_status st;
	const char *v;

	if ((st = root_resolve(o->root, &root)) != MA_OK)
		return ma_exitcode(st);
	if ((st = space_load(root, o->space, &s)) != MA_OK)
		goto out;
	statedir = space_part_path(s->dir, SPACE_STATE);
	lockpath = space_lock_path(s->dir, SPACE_STAGE_RENDER);
	if (statedir == NULL || lockpath == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	if ((st = path_mkdir_p(statedir, 0700)) != MA_OK)
		goto out;
	snprintf(what, sizeof what, "render of space %s", s->key);
	if ((st = lock_take(lockpath, what, o->wait, &lk)) != MA_OK)
		goto out;
	if (o->from_stdin)
		drain_stdin(o->sep);
	ro.space_dir = s->dir;
	ro.site_dir = s->site_dir;
	ro.key = s->key;
	ro.name = s->name;
	ro.description = s->description;
	ro.full = o->full;
	ro.prefer_html =
	    strcmp(space_setting(s, "body_preference", "text"), "html") == 0;
	ro.remote_images =
	    strcmp(space_setting(s, "remote_images", "block"), "allow") == 0;
	v = space_setting(s, "address_display", "full");
	ro.addr = strcmp(v, "name") == 0	 ? RENDER_ADDR_NAME
		  : strcmp(v, "obfuscated") == 0 ? RENDER_ADDR_OBFUSCATED
						 : RENDER_ADDR_FULL;
	ro.reply_links =
	    strcmp(space_setting(s, "reply_links", "yes"), "yes") == 0;
	if (ro.reply_links)
		accounts = reply_accounts(s);
	ro.reply_accounts = (const char *const *)accounts;
	ro.base_url = space_setting(s, "base_url", NULL);
	ro.out = stdout;
	ro.sep = o->sep;
	st = render_run(&ro, &stats);
	if (st == MA_OK)
		log_info("space '%s': %zu messages; %s run wrote %zu files "
			 "(%zu conversations, %zu months, %zu removed)",
			 s->key, stats.messages,
			 stats.full ? "a full" : "an incremental",
			 stats.files_written, stats.threads_rendered,
			 stats.months_rendered, stats.removed);
	else
		/* What became of the site was logged where it is known. */
		log_err("render of space '%s' failed (%s)", s->key,
			ma_strstatus(st));
	lock_drop(&lk);
out:
	accounts_free(accounts);
	free(statedir);
	free(lockpath);
	space_free(s);
	free(root);
	return ma_exitcode(st);
}

int
main(int argc, char *argv[])
{
	struct stage_opts o;
	int ret;

	log_init("mailarc-render");
#ifdef __GLIBC__
	/* Each conversation costs libnotmuch two Xapian searches, and each
	 * search reserves room for as many results as the database has
	 * documents (88 bytes each, 88 MB at a million) and touches a few
	 * pages of it. Past 32 MB glibc maps such a block on its own and
	 * unmaps it when freed: two munmap()s a conversation, each flushing
	 * the TLB of every CPU the process ran on: a sixth of the CPU
	 * time of a --full at a million. Served from the heap and left there,
	 * the block is reused by the next search and its untouched pages
	 * never become memory (malloc_trim() between steps, run.c, still
	 * gives the heap back). */
	mallopt(M_MMAP_MAX, 0);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
	if ((ret = cli_stage_options(argc, argv, usage, CLI_STAGE_FULL, &o)) !=
	    EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	ret = run(&o);
	return io_finish(ret);
}
