/*
 * What dedupe runs left for people and for "mailarc status": the counts of
 * the last run (state/dedupe.last) and the set-aside record
 * (state/dedupe.report). Readers only: the run (dedupe.c) writes both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe.h"
#include "msg.h"
#include "path.h"
#include "space.h"
#include "tsv.h"

enum ma_status
dedupe_last(const char *space_dir, struct dedupe_stats *k)
{
	char *p = space_part_path(space_dir, SPACE_DEDUPE_LAST);
	char *text = NULL;
	size_t len;
	struct dedupe_stats v = {0};
	enum ma_status st;

	if (p == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(p, 4096, &text, &len);
	free(p);
	if (st != MA_OK)
		return st;
	for (char *line = text, *nl; *line; line = nl + 1) {
		char *sp = strchr(line, ' '), *end;
		unsigned long n;

		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if (sp == NULL)
			continue;
		*sp = '\0';
		errno = 0;
		n = strtoul(sp + 1, &end, 10);
		if (errno != 0 || *end != '\0')
			continue;
		if (strcmp(line, "archived") == 0)
			v.archived = n;
		else if (strcmp(line, "duplicates") == 0)
			v.duplicates = n;
		else if (strcmp(line, "deleted") == 0)
			v.deleted = n;
		else if (strcmp(line, "x-no-archive") == 0)
			v.no_archive = n;
		else if (strcmp(line, "not-a-message") == 0)
			v.bad = n;
	}
	free(text);
	*k = v;
	return MA_OK;
}

/* tsv_each() of the space's dedupe report (DATE NAME REASON MATCHED
 * MESSAGE-ID: at most 5 fields). No report yet: MA_OK. */
static enum ma_status
report_each(const char *space_dir, tsv_line_fn *fn, void *arg)
{
	char *path = space_part_path(space_dir, SPACE_DEDUPE_REPORT);
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	st = tsv_each(path, 5, 0, fn, arg);
	free(path);
	return st == MA_ENOTFOUND ? MA_OK : st;
}

static enum ma_status
count_line(char **fl, size_t nf, void *arg)
{
	struct dedupe_counts *v = arg;
	const char *reason, *matched;

	if (nf < 4)
		return MA_OK;
	reason = fl[2];
	matched = fl[3];
	if (strcmp(reason, "duplicate") == 0) {
		v->duplicates++;
	} else if (strcmp(reason, "deleted") == 0) {
		v->deleted++;
	} else if (strcmp(reason, "x-no-archive") == 0) {
		v->no_archive++;
	} else {
		v->not_mail++;
		v->by_verdict[strcmp(matched, "-") == 0
				  ? MSG_NO_HEADER
				  : msg_verdict_parse(matched)]++;
	}
	return MA_OK;
}

enum ma_status
dedupe_report_counts(const char *space_dir, struct dedupe_counts *c)
{
	struct dedupe_counts v = {0};
	enum ma_status st = report_each(space_dir, count_line, &v);

	if (st == MA_OK)
		*c = v;
	return st;
}

static enum ma_status
print_line(char **v, size_t nf, void *arg)
{
	FILE *out = arg;

	if (nf < 5)
		return MA_OK;
	if (strcmp(v[2], "duplicate") == 0)
		fprintf(out,
			"%s duplicates/%s: duplicate of archive "
			"'%s' <%s>\n",
			v[0], v[1], v[3], v[4]);
	else if (strcmp(v[2], "deleted") == 0)
		fprintf(out,
			"%s duplicates/%s: <%s> was deleted on "
			"purpose at %s\n",
			v[0], v[1], v[4], v[3]);
	else if (strcmp(v[2], "erased") == 0)
		fprintf(out, "%s %s: dropped, erased on request at %s\n", v[0],
			v[1], v[3]);
	else if (strcmp(v[2], "x-no-archive") == 0)
		fprintf(out,
			"%s duplicates/%s: <%s> says "
			"X-No-Archive: yes\n",
			v[0], v[1], v[4]);
	else if (strcmp(v[3], "-") == 0)
		fprintf(out, "%s duplicates/%s: not a message\n", v[0], v[1]);
	else
		fprintf(out, "%s duplicates/%s: not a message: %s%s%s%s\n",
			v[0], v[1], msg_verdict_text(msg_verdict_parse(v[3])),
			strcmp(v[4], "-") != 0 ? " <" : "",
			strcmp(v[4], "-") != 0 ? v[4] : "",
			strcmp(v[4], "-") != 0 ? ">" : "");
	return MA_OK;
}

enum ma_status
dedupe_report(const char *space_dir, FILE *out)
{
	return report_each(space_dir, print_line, out);
}
