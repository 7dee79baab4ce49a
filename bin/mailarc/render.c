/* mailarc render SPACE [--full]: run mailarc-render for a space. */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli.h"
#include "log.h"
#include "mailarc.h"

static const char render_usage[] =
    "usage: mailarc render SPACE [--full]\n"
    "\n"
    "Bring the site of SPACE up to date (mailarc-render), then print the\n"
    "path of its index page. --full rebuilds every page.\n";

int
cmd_render(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"full", no_argument, NULL, 'F'},
	    {NULL, 0, NULL, 0},
	};
	const char *args[3] = {NULL, NULL, NULL};
	struct space *s;
	bool full = false;
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		if (ch == 'F') {
			full = true;
			continue;
		}
		ret = cli_common(ch, optarg, render_usage, &c->root_opt);
		if (ret == EX__HELP)
			return EX_OK;
		if (ret != EX_OK)
			return ret < 0 ? EX_USAGE : ret;
	}
	if (argc - optind != 1) {
		fputs(render_usage, stderr);
		return EX_USAGE;
	}
	/* Check the space here, for the front end's own error message. */
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	args[0] = s->key;
	args[1] = full ? "--full" : NULL;
	ret = run_stage(c, "mailarc-render", args, true);
	if (ret == EX_OK)
		printf("%s/index.html\n", s->site_dir);
	space_free(s);
	return ret;
}
