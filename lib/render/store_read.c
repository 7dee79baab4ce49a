/*
 * The state's manifest and files as they are read (store_int.h): a
 * leaf, used by the loads (store_load.c, store_root.c, store_tomb.c,
 * store_atts.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"
#include "store_int.h"

/* "KEY GEN DIGEST COUNT" into s->files; other lines are skipped. */
static enum ma_status
store_file_line(struct store *s, const char *p)
{
	char key[32];
	unsigned long gen;
	uint64_t digest;
	size_t count;
	struct sfile *f;
	char *k;

	if (sscanf(p, "%31s %lu %" SCNx64 " %zu", key, &gen, &digest, &count) !=
		4 ||
	    strchr("mitna", key[0]) == NULL || key[1] != '-')
		return MA_OK;
	if ((f = malloc(sizeof *f)) == NULL || (k = strdup(key)) == NULL) {
		free(f);
		return MA_ENOMEM;
	}
	f->gen = gen;
	f->digest = digest;
	f->count = count;
	g_hash_table_replace(s->files, k, f);
	return MA_OK;
}

/* The manifest's lines after the header: the files and the generation
 * (from the header's "generation" line, which state.c skips). */
enum ma_status
store_manifest(struct store *s, char *data, size_t len)
{
	char *p = data, *end = data + len;
	bool body = false;
	enum ma_status st = MA_OK;

	while (p < end && st == MA_OK) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (p == nl)
			body = true;
		else if (!body && strncmp(p, "generation ", 11) == 0)
			s->gen = strtoul(p + 11, NULL, 10);
		else if (!body && strncmp(p, "messages ", 9) == 0)
			s->messages = strtoul(p + 9, NULL, 10);
		else if (!body && strncmp(p, "threads ", 8) == 0)
			s->nthreads = strtoul(p + 8, NULL, 10);
		else if (!body && strcmp(p, "attachments counted") == 0)
			s->atts_counted = true;
		else if (body)
			st = store_file_line(s, p);
		p = nl + 1;
	}
	return st;
}

/* The bytes of the file KEY of generation gen, NUL-terminated. */
enum ma_status
store_read(const char *path, const char *key, unsigned long gen, char **datap,
	   size_t *lenp)
{
	char *f = path_fmt("%s.d/%s.%lu", path, key, gen);
	enum ma_status st;

	if (f == NULL)
		return MA_ENOMEM;
	st = path_file_read_all(f, STORE_FILE_MAX, datap, lenp);
	if (st == MA_ENOTFOUND)
		log_warn("'%s' is missing: rendering everything", f);
	free(f);
	return st;
}

/* The bucket file fkey as the manifest has it, checked against its
 * digest, into *datap (NULL: the manifest has no such file). */
enum ma_status
store_bucket_read(struct run *r, const char *fkey, char **datap, size_t *lenp)
{
	const struct sfile *f = g_hash_table_lookup(r->store->files, fkey);
	enum ma_status st;

	*datap = NULL;
	*lenp = 0;
	if (f == NULL)
		return MA_OK;
	if ((st = store_read(r->store->path, fkey, f->gen, datap, lenp)) !=
	    MA_OK) {
		r->store->damaged = st == MA_ENOTFOUND;
		return st;
	}
	r->state_read += *lenp;
	if (store_fnv64(*datap, *lenp) != f->digest) {
		log_warn("'%s.d/%s.%lu' does not match its manifest: "
			 "rendering everything",
			 r->store->path, fkey, f->gen);
		r->store->damaged = true;
		free(*datap);
		*datap = NULL;
		return MA_ENOTFOUND;
	}
	return MA_OK;
}
