#ifndef MA_RENDER_STORE_INT_H
#define MA_RENDER_STORE_INT_H

/*
 * Private to store.c and store_load.c: the state on disk as a run holds
 * it (see store.c for the files). Everything else in lib/render/ goes
 * through the store_* functions render_int.h declares.
 */
#include "render_int.h"

/* Buckets of each hashed kind (i-, t-, n-). */
#define STORE_BUCKETS  256
#define STORE_FILE_MAX ((size_t)1 << 30)

/* One file the manifest names. */
struct sfile {
	unsigned long gen;
	uint64_t digest;
	size_t count;
};

/* What a thread bucket said of a thread (store_load.c). */
struct sthread {
	bool known;   /* false: no record (a thread new this run) */
	char *root;   /* its first Message-ID, unescaped */
	char *months; /* "YYYY/MM,..." */
};

struct store_out;

struct store {
	char *path;	   /* the manifest */
	unsigned long gen; /* the manifest's */
	GHashTable *files; /* KEY -> struct sfile * (the manifest's) */
	/*
	 * An incremental run reads the months it needs (partial): the
	 * "m-" and "n-" keys it read are in loaded. A run that reads
	 * everything has partial false.
	 */
	bool partial;
	bool damaged; /* a file it names is missing or damaged */
	GHashTable *loaded;
	GHashTable *threads; /* thread id -> struct sthread * read */
	size_t messages;     /* the manifest's totals */
	size_t nthreads;
	struct store_out *staged; /* store_stage()'s, for store_save() */
	size_t added;		  /* entries new to the archive this run */
	size_t new_threads;	  /* threads new this run */
};

uint64_t store_fnv64(const char *s, size_t n);
struct store *store_new(void);
/* The manifest data[0..len) (header included) into s. */
enum ma_status store_manifest(struct store *s, char *data, size_t len);
/* The file KEY of generation gen, NUL-terminated; a missing one is
 * logged as such. */
enum ma_status store_read(const char *path, const char *key, unsigned long gen,
			  char **datap, size_t *lenp);
/* "m-YYYY-MM" of a month "YYYY/MM". */
void store_month_file(const char *month, char key[16]);
/* Load the month or names file KEY (once); MA_ENOTFOUND when it is
 * missing or damaged. */
enum ma_status store_load_file(struct run *r, const char *key);

/* store_names.c: name_line() - one name's line of a name bucket;
 * names_bucket_lines() - the lines of a name bucket whose bytes are
 * data[0..len) (NULL: none) once the names in (NAMEs of r->names) are
 * merged in, sorted by NAME, into *linesp (freed by the caller, even on
 * an error). */
enum ma_status name_line(const struct run *r, struct buf *b,
			 const struct tname *t);
enum ma_status names_bucket_lines(struct run *r, char *data, size_t len,
				  GPtrArray *in, GPtrArray **linesp);

#endif
