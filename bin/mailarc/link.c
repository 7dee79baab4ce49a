/* mailarc link SPACE MESSAGE-ID: the message's permalink in the site. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "index.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "permalink.h"
#include "render.h"
#include "status.h"

static const char link_usage[] =
    "usage: mailarc link SPACE MESSAGE-ID [--thread]\n"
    "\n"
    "Print the permalink of a message: base_url/m/HH/NAME.html when the\n"
    "space sets base_url, else the page's path in the site folder. NAME\n"
    "and HH follow the rule in mailarc-render(1), from the Message-ID\n"
    "(with or without its angle brackets) as the space's index holds it;\n"
    "a Message-ID the space does not hold is warned about. --thread: the\n"
    "address of the conversation that holds it, t/HH/NAME.html, as the\n"
    "site shows it now (the rule applied to the thread's first message).\n";

/* Print the address of rel (a path in the site). */
static int
link_print(const struct space *s, const char *rel)
{
	const char *base = space_setting(s, "base_url", NULL);
	char *page;

	if (base != NULL) {
		size_t n = strlen(base);

		while (n > 0 && base[n - 1] == '/')
			n--;
		printf("%.*s/%s\n", (int)n, base, rel);
		return EX_OK;
	}
	if ((page = path_fmt("%s/%s", s->site_dir, rel)) == NULL)
		return EX_OSERR;
	printf("%s\n", page);
	free(page);
	return EX_OK;
}

struct found {
	char name[PERMALINK_NAME_MAX];
	enum ma_status st;
};

/* The renderer's name for the message the index holds. */
static int
found_name(const struct index_hit *h, void *arg)
{
	struct found *f = arg;

	f->st = permalink_of_message(
	    h->message_id, h->nfiles > 0 ? h->files[0] : NULL, f->name);
	return 1;
}

/*
 * The NAME of the page of id (as notmuch holds it) in space s: the
 * renderer's own when the space's index holds the message, else the
 * rule's. *held says which.
 */
static enum ma_status
link_name(struct space *s, const char *id, char name[PERMALINK_NAME_MAX],
	  bool *held)
{
	struct found f = {.st = MA_OK};
	struct index *ix = NULL;
	enum ma_status st;
	char *conf;

	*held = false;
	/* A space never indexed holds nothing yet: the rule alone. */
	conf = space_part_path(s->dir, SPACE_NOTMUCH_CONFIG);
	if (conf == NULL)
		return MA_ENOMEM;
	st = path_exists(conf) ? index_open(s->dir, INDEX_READ, &ix)
			       : MA_ENOTFOUND;
	free(conf);
	if (st == MA_OK) {
		st = index_lookup(ix, id, found_name, &f);
		index_close(ix);
		if (st == MA_OK && f.st != MA_OK)
			st = f.st;
		if (st == MA_OK) {
			memcpy(name, f.name, PERMALINK_NAME_MAX);
			*held = true;
			return MA_OK;
		}
	}
	if (st != MA_ENOTFOUND)
		return st;
	return permalink_name(id, name);
}

/* The thread page of id (as notmuch holds it), from the render state:
 * *rel on EX_OK, named as the renderer names its root's page. */
static int
link_thread(struct space *s, const char *id, const char *shown, char **rel)
{
	char *key = permalink_notmuch_key(id), *root = NULL;
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	enum ma_status st;
	bool held;

	if (key == NULL)
		return EX_OSERR;
	st = render_thread_root(s->dir, key, &root);
	free(key);
	if (st == MA_ENOTFOUND)
		log_err("the site of space '%s' shows no message '%s' (yet)",
			s->key, shown);
	else if (st == MA_ETEMP)
		log_err("the site of space '%s' is being rendered again and "
			"does not show '%s' yet: try again when that run ends",
			s->key, shown);
	if (st == MA_OK && (st = link_name(s, root, name, &held)) == MA_OK &&
	    (st = permalink_stem(name, stem)) == MA_OK &&
	    (*rel = path_fmt("t/%s.html", stem)) == NULL)
		st = MA_ENOMEM;
	free(root);
	return st == MA_OK	    ? EX_OK
	       : st == MA_ENOTFOUND ? EX_DATAERR
				    : ma_exitcode(st);
}

/*
 * link_message - print the address of message id's page (shown: the id as
 * logged), warning when the site has no such page (yet).
 */
static int
link_message(struct space *s, const char *id, const char *shown)
{
	char name[PERMALINK_NAME_MAX], stem[PERMALINK_STEM_MAX];
	const char *base;
	enum ma_status st;
	char *page;
	bool held;
	int ret;

	st = link_name(s, id, name, &held);
	if (st != MA_OK) {
		if (st == MA_EDATA)
			log_err("'%s' is not a Message-ID", shown);
		return ma_exitcode(st);
	}
	if (permalink_stem(name, stem) != MA_OK) {
		log_err("'%s' is not a Message-ID", shown);
		return EX_DATAERR;
	}
	page = path_fmt("%s/m/%s.html", s->site_dir, stem);
	if (page != NULL && !held)
		log_warn("the site of space '%s' has no page for '%s': the "
			 "space holds no such message",
			 s->key, shown);
	else if (page != NULL && !path_exists(page))
		log_warn("the site of space '%s' has no page for '%s' yet: "
			 "run mailarc render",
			 s->key, shown);
	base = space_setting(s, "base_url", NULL);
	if (base != NULL) {
		size_t n = strlen(base);

		while (n > 0 && base[n - 1] == '/')
			n--;
		printf("%.*s/m/%s.html\n", (int)n, base, stem);
	} else if (page != NULL) {
		printf("%s\n", page);
	}
	ret = page != NULL ? EX_OK : EX_OSERR;
	free(page);
	return ret;
}

int
cmd_link(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"thread", no_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0},
	};
	char shown[PERMALINK_LOG_MAX];
	const char *typed;
	struct space *s;
	char *id;
	bool thread = false;
	char *rel = NULL;
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		if (ch == 'T') {
			thread = true;
			continue;
		}
		ret = cli_common(ch, optarg, link_usage, &c->root_opt);
		if (ret == EX__HELP)
			return EX_OK;
		if (ret != EX_OK)
			return ret < 0 ? EX_USAGE : ret;
	}
	if (argc - optind != 2) {
		fputs(link_usage, stderr);
		return EX_USAGE;
	}
	typed = argv[optind + 1];
	permalink_log_id(typed, shown);
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	if ((id = permalink_message_id(typed)) == NULL) {
		log_err("'%s' is not a Message-ID", shown);
		space_free(s);
		return EX_DATAERR;
	}
	if (thread) {
		ret = link_thread(s, id, shown, &rel);
		free(id);
		if (ret == EX_OK) {
			ret = link_print(s, rel);
			free(rel);
		}
		space_free(s);
		return ret;
	}
	ret = link_message(s, id, shown);
	free(id);
	space_free(s);
	return ret;
}
