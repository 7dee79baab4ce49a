/* mailarc search SPACE QUERY...: "notmuch search" over a space. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buf.h"
#include "cli.h"
#include "index.h"
#include "log.h"
#include "mailarc.h"

static const char search_usage[] =
    "usage: mailarc search SPACE [--format=text|json]\n"
    "              [--output=summary|threads|messages|files]\n"
    "              [--sort=newest-first|oldest-first] [--limit=N]\n"
    "              [--offset=N] [--] QUERY...\n"
    "\n"
    "Search the space's archive with notmuch's query syntax (see\n"
    "notmuch-search-terms(7)); the same as\n"
    "  notmuch --config=SPACE/notmuch/config search ...\n";

static bool
parse_count(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *v >= 0;
}

static int
parse(struct ctx *c, int argc, char **argv, struct index_search_opts *o)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"format", required_argument, NULL, 'F'},
	    {"output", required_argument, NULL, 'O'},
	    {"sort", required_argument, NULL, 'S'},
	    {"limit", required_argument, NULL, 'L'},
	    {"offset", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const outputs[] = {"summary", "threads", "messages",
					      "files"};
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				 NULL)) != -1) {
		size_t i;

		switch (ch) {
		case 'F':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "text") != 0) {
				log_err("--format '%s': use text or json",
					optarg);
				return EX_USAGE;
			}
			o->json = strcmp(optarg, "json") == 0;
			break;
		case 'O':
			for (i = 0; i < 4; i++)
				if (strcmp(optarg, outputs[i]) == 0)
					break;
			if (i == 4) {
				log_err("--output '%s': use summary, threads, "
					"messages or files",
					optarg);
				return EX_USAGE;
			}
			o->output = (enum index_output)i;
			break;
		case 'S':
			if (strcmp(optarg, "oldest-first") == 0) {
				o->oldest_first = true;
			} else if (strcmp(optarg, "newest-first") == 0) {
				o->oldest_first = false;
			} else {
				log_err("--sort '%s': use newest-first or "
					"oldest-first",
					optarg);
				return EX_USAGE;
			}
			break;
		case 'L':
			if (!parse_count(optarg, &o->limit)) {
				log_err("--limit '%s' is not a count", optarg);
				return EX_USAGE;
			}
			break;
		case 'o':
			if (!parse_count(optarg, &o->offset)) {
				log_err("--offset '%s' is not a count", optarg);
				return EX_USAGE;
			}
			break;
		default:
			ret =
			    cli_common(ch, optarg, search_usage, &c->root_opt);
			if (ret != EX_OK)
				return ret < 0 ? EX_USAGE : ret;
		}
	}
	if (argc - optind < 1) {
		fputs(search_usage, stderr);
		return EX_USAGE;
	}
	return EX_OK;
}

int
cmd_search(struct ctx *c, int argc, char **argv)
{
	struct index_search_opts o = {.output = INDEX_OUT_SUMMARY, .limit = -1};
	struct index *ix = NULL;
	struct space *s;
	enum ma_status st;
	struct buf q;
	int ret;

	if ((ret = parse(c, argc, argv, &o)) != EX_OK)
		return ret == EX__HELP ? EX_OK : ret;
	if ((s = ctx_space(c, argv[optind], &ret)) == NULL)
		return ret;
	/* notmuch joins the words of a query with spaces. */
	buf_init(&q, 64 * 1024);
	st = MA_OK;
	for (int i = optind + 1; st == MA_OK && i < argc; i++) {
		if (i > optind + 1)
			st = buf_addc(&q, ' ');
		if (st == MA_OK)
			st = buf_adds(&q, argv[i]);
	}
	if (st == MA_OK && q.len == 0)
		st = buf_adds(&q, "*");
	if (st == MA_OK)
		st = index_open(s->dir, INDEX_READ, &ix);
	if (st == MA_OK)
		st = index_search(ix, buf_cstr(&q), &o, stdout);
	index_close(ix);
	buf_release(&q);
	space_free(s);
	return ma_exitcode(st);
}
