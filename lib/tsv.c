/* The tab-separated record files: see tsv.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "path.h"
#include "tsv.h"

size_t
tsv_split(char *line, char **fields, size_t max)
{
	char *p = line;
	size_t n = 0;

	while (n < max && p != NULL) {
		fields[n++] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	return p != NULL ? max + 1 : n;
}

enum ma_status
tsv_each(const char *path, size_t nfields, size_t line_max, tsv_line_fn *fn,
	 void *arg)
{
	char *fields[TSV_FIELDS_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	enum ma_status st = MA_OK;
	FILE *f;
	int e;

	if (nfields == 0 || nfields > TSV_FIELDS_MAX)
		return MA_EUSAGE;
	if ((f = fopen(path, "re")) == NULL)
		return errno == ENOENT ? MA_ENOTFOUND : MA_EIO;
	while (st == MA_OK && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n' ||
		    (line_max > 0 && (size_t)n > line_max))
			continue;
		line[n - 1] = '\0';
		st = fn(fields, tsv_split(line, fields, nfields), arg);
	}
	if (st == MA_OK && ferror(f))
		st = MA_EIO;
	e = errno;
	free(line);
	fclose(f);
	errno = e;
	return st;
}

char *
tsv_cut(char *line)
{
	char *tab = strchr(line, '\t');

	if (tab == NULL)
		return NULL;
	*tab = '\0';
	return tab + 1;
}

bool
tsv_field_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return false;
	return true;
}

/* The part of the line p (n bytes, newline included) after its field-th
 * tab, or NULL when it has fewer tabs. */
static char *
after_tabs(char *p, size_t n, int field)
{
	char *rest = p;

	for (int k = 0; k < field && rest != NULL; k++) {
		rest = memchr(rest, '\t', n - (size_t)(rest - p));
		if (rest != NULL)
			rest++;
	}
	return rest;
}

enum ma_status
tsv_drop_lines(const char *path, size_t max, int field, tsv_drop_fn *drop,
	       const void *arg)
{
	char *data, *p;
	struct buf out;
	size_t len;
	bool dropped = false;
	enum ma_status st = path_file_read_all(path, max, &data, &len);

	if (st != MA_OK)
		return st == MA_ENOTFOUND ? MA_OK : st;
	buf_init(&out, len + 1);
	for (p = data; st == MA_OK && p < data + len;) {
		char *nl = memchr(p, '\n', (size_t)(data + len - p));
		size_t n = nl != NULL ? (size_t)(nl - p) + 1
				      : (size_t)(data + len - p);
		char *rest = after_tabs(p, n, field);
		bool gone = false;

		if (nl != NULL && rest != NULL) {
			*nl = '\0';
			gone = drop(rest, (size_t)(nl - rest), arg);
			*nl = '\n';
		}
		if (gone)
			dropped = true;
		else
			st = buf_add(&out, p, n);
		p += n;
	}
	if (st == MA_OK && dropped)
		st = path_write_file_atomic(path, out.data ? out.data : "",
					    out.len, 0600);
	buf_release(&out);
	free(data);
	return st;
}
