/* mailarc link SPACE MESSAGE-ID: the message's permalink in the site. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "permalink.h"
#include "render.h"
#include "status.h"

static const char link_usage[] =
    "usage: mailarc link SPACE MESSAGE-ID [--thread]\n"
    "\n"
    "Print the permalink of a message: base_url/m/NAME.html when the\n"
    "space sets base_url, else the page's path in the site folder. NAME\n"
    "follows the rule in mailarc-render(1), from the Message-ID alone\n"
    "(with or without its angle brackets). --thread: the address of\n"
    "the conversation that holds it, t/NAME.html, as the site shows it\n"
    "now (NAME: the rule applied to the thread's first message).\n";

/* The thread page of msgid, from the render state: *rel on EX_OK. */
static int
link_thread(const struct space *s, const char *msgid, char **rel)
{
	enum ma_status st = render_thread_path(s->dir, msgid, rel);

	if (st == MA_ENOTFOUND)
		log_err("the site of space '%s' shows no message '%s' (yet)",
			s->key, msgid);
	return st == MA_OK	    ? EX_OK
	       : st == MA_ENOTFOUND ? EX_DATAERR
				    : ma_exitcode(st);
}

int
cmd_link(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"thread", no_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0},
	};
	const char *base;
	struct space *s;
	char *rel, *page;
	bool thread = false;
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
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	if (thread) {
		if ((ret = link_thread(s, argv[optind + 1], &rel)) != EX_OK) {
			space_free(s);
			return ret;
		}
	} else if ((rel = permalink_path(argv[optind + 1])) == NULL) {
		log_err("'%s' is not a Message-ID", argv[optind + 1]);
		space_free(s);
		return EX_DATAERR;
	}
	page = path_fmt("%s/%s", s->site_dir, rel);
	if (page != NULL && !path_exists(page))
		log_warn("the site of space '%s' has no page for '%s' yet",
			 s->key, argv[optind + 1]);
	base = space_setting(s, "base_url", NULL);
	if (base != NULL) {
		size_t n = strlen(base);

		while (n > 0 && base[n - 1] == '/')
			n--;
		printf("%.*s/%s\n", (int)n, base, rel);
	} else if (page != NULL) {
		printf("%s\n", page);
	}
	ret = page != NULL ? EX_OK : EX_OSERR;
	free(page);
	free(rel);
	space_free(s);
	return ret;
}
