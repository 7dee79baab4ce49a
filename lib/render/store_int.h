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

/* store_load.c: load_near() - the month "YYYY/MM" and the nearest
 * months before and after it that hold mail; bucket_field() - the
 * fields from i on of the line of the bucket fkey whose first field is
 * key, malloc'd into *outp (NULL: none); thread_record() - what the
 * thread bucket says of thread (read once, owned by the store);
 * load_thread() - every month of thread, each with its neighbours;
 * load_month_of() - load_near() of the month the i- bucket dates msgid
 * in; *foundp: whether the bucket holds msgid. */
enum ma_status load_near(struct run *r, const char *month);
enum ma_status load_month_of(struct run *r, const char *msgid, bool *foundp);
enum ma_status bucket_field(struct run *r, const char *fkey, const char *key,
			    int i, char **outp);
enum ma_status thread_record(struct run *r, const char *thread,
			     struct sthread **tp);
enum ma_status load_thread(struct run *r, const char *thread);
/* store_tomb.c: the roots this run removed of the threads it renders,
 * their NAMEs into s->renamed (false in *ok: the run must read
 * everything), and the NAMEs that led to them read. */
enum ma_status store_renames(struct run *r, bool *ok);

/*
 * store_names.c: store_names_pick - the lines of the name bucket fkey
 * that want() picks
 * into r->names (names_note()): a bucket holds a 256th of every name the
 * site ever published, and a run needs a few. want() sees the line's
 * NAME and its TARGET (NULL when the line has one tab); store_names()
 * merges what the run holds into the bucket's other lines.
 */
enum ma_status store_names_pick(struct run *r, const char *fkey,
				bool (*want)(struct run *r, const char *name,
					     const char *target, void *arg),
				void *arg);

/* store.c: what a save is writing, for store_atts.c. */
struct store_out {
	struct run *r;
	char *dir;
	unsigned long gen; /* the new one */
	GHashTable *files; /* KEY -> struct sfile * (the new manifest's) */
	size_t written;
	bool sync_all;
	size_t nthreads;
	bool atts_counted; /* this save wrote the a- buckets' counts */
};

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
	/* A full run reads the name buckets once it knows it does not go
	 * in steps (store_full_names()). */
	bool names_later;
	bool damaged; /* a file it names is missing or damaged */
	GHashTable *loaded;
	GHashTable *threads; /* thread id -> struct sthread * read */
	size_t messages;     /* the manifest's totals */
	size_t nthreads;
	struct store_out *staged; /* store_stage()'s, for store_save() */
	size_t added;		  /* entries new to the archive this run */
	size_t new_threads;	  /* threads new this run */
	size_t gone_threads;	  /* threads this run emptied (partial) */
	/*
	 * store_atts.c: the manifest says the a- buckets count each
	 * attachment token's users ("attachments counted"); a run that
	 * read part of the state notes the tokens of the entries it may
	 * change (atts_seen) and the change of each count (att_delta:
	 * token -> count, as GINT_TO_POINTER), then the counts settled
	 * (att_count: token -> new count). A run that holds every entry
	 * notes the tokens of those it renders (atts_was, a set).
	 */
	bool atts_counted;
	GHashTable *atts_was;
	GPtrArray *atts_seen;
	GHashTable *att_delta;
	GHashTable *att_count;
	/* Thread NAMEs whose root this run removed (the NAME -> the
	 * removed root's Message-ID): names.c gives them their new
	 * target, as a full run does. */
	GHashTable *renamed;
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

/* store_emit.c: b written as the file KEY of this save (unless its bytes
 * are the manifest's); b is emptied. */
enum ma_status store_emit(struct store_out *o, const char *key, struct buf *b,
			  size_t count);
/* dirty_new() - fkey -> (key -> line); dirty_add() - key's line (owned,
 * NULL: the line goes) in the bucket fkey; dirty_write() - each bucket
 * as the manifest has it with those lines replaced, dropped or added,
 * written; dirty is freed. */
GHashTable *dirty_new(void);
void dirty_add(GHashTable *dirty, const char *fkey, char *key, char *line);
enum ma_status dirty_write(struct store_out *o, struct buf *b,
			   GHashTable *dirty);
/* store_read.c: the bucket file fkey as the manifest has it, checked
 * against its digest, into *datap (NULL: no such file; the caller frees
 * it). */
enum ma_status store_bucket_read(struct run *r, const char *fkey, char **datap,
				 size_t *lenp);
/* store_atts.c: the a- buckets of this save (all of them when the run
 * holds the whole order, the changed ones merged else). */
enum ma_status store_atts_save(struct store_out *o, struct buf *b);

/* store_names.c: name_line() - one name's line of a name bucket;
 * names_retired() - the NAMEs this run retired (names_retire()) and did
 * not record again: an erased root's (names.c), whose lines go (a set
 * of the records' bytes, freed by the caller);
 * names_bucket_lines() - the lines of a name bucket whose bytes are
 * data[0..len) (NULL: none) once the names in (NAMEs of r->names) are
 * merged in and the retired ones left out, sorted by NAME, into *linesp
 * (freed by the caller, even on an error). */
enum ma_status name_line(const struct run *r, struct buf *b,
			 const struct tname *t);
GHashTable *names_retired(struct run *r);
enum ma_status names_bucket_lines(struct run *r, char *data, size_t len,
				  GPtrArray *in, GHashTable *retired,
				  GPtrArray **linesp);

#endif
