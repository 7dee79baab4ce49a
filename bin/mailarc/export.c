/*
 * mailarc export SPACE --address ADDR [--output FILE]: every archived
 * message ADDR sent or received, as mboxrd (an access request).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "log.h"
#include "mailarc.h"
#include "path.h"
#include "privacy.h"

static const char export_usage[] =
    "usage: mailarc export SPACE --address ADDR [--output FILE]\n"
    "\n"
    "Write every message of the space that ADDR sent or received (From,\n"
    "Sender, Reply-To, To, Cc, Bcc, Delivered-To) as an mbox (mboxrd)\n"
    "to standard output or FILE; the count goes to standard error.\n";

struct out {
	FILE *f;
	unsigned long n;
	enum ma_status st;
};

static int
put(const char *path, unsigned where, void *arg)
{
	struct out *o = arg;

	(void)where;
	o->st = privacy_mboxrd(path, o->f);
	if (o->st != MA_OK)
		return 1;
	o->n++;
	return 0;
}

/*
 * export_open - a temporary file beside output (*tmp, *f): written there
 * and renamed, never half an export under its name.
 */
static enum ma_status
export_open(const char *output, char **tmp, FILE **f)
{
	int fd;

	if ((*tmp = path_fmt("%s.tmpXXXXXX", output)) == NULL)
		return MA_ENOMEM;
	if ((fd = mkstemp(*tmp)) < 0 || (*f = fdopen(fd, "w")) == NULL) {
		log_err("cannot create '%s': %s", *tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(*tmp);
		*tmp = NULL;
		return MA_EIO;
	}
	return MA_OK;
}

/*
 * export_close - close f (tmp); when st is MA_OK and it was written whole,
 * rename it to output; else remove it. Returns st or the write error.
 */
static enum ma_status
export_close(FILE *f, const char *tmp, const char *output, enum ma_status st)
{
	if (st == MA_OK && (fflush(f) != 0 || fsync(fileno(f)) != 0)) {
		log_err("cannot write '%s': %s", tmp, strerror(errno));
		st = MA_EIO;
	}
	if (fclose(f) != 0 && st == MA_OK) {
		log_err("cannot write '%s': %s", tmp, strerror(errno));
		st = MA_EIO;
	}
	if (st == MA_OK && rename(tmp, output) != 0) {
		log_err("cannot rename '%s' to '%s': %s", tmp, output,
			strerror(errno));
		st = MA_EIO;
	}
	if (st != MA_OK)
		unlink(tmp);
	return st;
}

int
cmd_export(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"address", required_argument, NULL, 'a'},
	    {"output", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	const char *address = NULL, *output = NULL;
	char addr[PRIVACY_ADDR_MAX + 1], hash[AUDIT_HASH_LEN + 1], user[64];
	char *dir = NULL, *tmp = NULL;
	struct out o = {.f = stdout, .st = MA_OK};
	struct space *s;
	enum ma_status st;
	int ch, ret;

	optind = 0;
	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "a:o:",
				 longopts, NULL)) != -1) {
		if (ch == 'a' || ch == 'o') {
			*(ch == 'a' ? &address : &output) = optarg;
			continue;
		}
		ret = cli_common(ch, optarg, export_usage, &c->root_opt);
		if (ret == EX__HELP)
			return EX_OK;
		if (ret != EX_OK)
			return ret < 0 ? EX_USAGE : ret;
	}
	if (argc - optind != 1 || address == NULL) {
		fputs(export_usage, stderr);
		return EX_USAGE;
	}
	if (privacy_addr_norm(address, addr, sizeof addr) != MA_OK)
		return EX_USAGE;
	if ((s = privacy_gate(c, argv[optind], NULL, &ret)) == NULL)
		return ret;
	if ((dir = privacy_real_dir(s)) == NULL) {
		st = MA_EIO;
		goto out;
	}
	if (output != NULL && (st = export_open(output, &tmp, &o.f)) != MA_OK)
		goto out;
	st = privacy_scan(dir, addr, PRIVACY_ARCHIVE | PRIVACY_INCOMING, put,
			  &o);
	if (st == MA_OK)
		st = o.st;
	if (tmp != NULL)
		st = export_close(o.f, tmp, output, st);
	if (st == MA_OK) {
		audit_addr_hash(addr, hash);
		privacy_user(s, user, sizeof user);
		st = audit_append(s->dir, privacy_now(), user, "export", o.n,
				  hash);
	}
	if (st == MA_OK)
		fprintf(stderr, "%lu message%s\n", o.n, o.n == 1 ? "" : "s");
out:
	free(tmp);
	free(dir);
	space_free(s);
	return ma_exitcode(st);
}
