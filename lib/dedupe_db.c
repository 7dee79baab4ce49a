/* The dedupe index: see dedupe_db.h for the format and why. */
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dedupe_db.h"
#include "hash.h"
#include "log.h"
#include "path.h"
#include "tsv.h"

/* Past this many buckets to flush, one syncfs(2) replaces the fsyncs. */
#define SYNCFS_AT 64

/* A journal past this is checkpointed (about 100,000 entries). */
#define JOURNAL_MAX (16u << 20)

/*
 * Entries kept in memory: past this, the buckets read so far are dropped
 * (their files hold them) and read again when needed. About 20 MB, so a
 * run's memory stays flat however large the archive grows.
 */
#define CACHE_ENTRIES 100000

/* Longer lines were not written by dedupe_db_add(). */
#define LINE_MAX_LEN 4096

/*
 * Lines waiting for their bucket files, all buckets together: past this,
 * every bucket gets its lines (one open(2) and one write(2) each). Until
 * then a bucket's lines wait in memory, so that a run opens each bucket
 * file once for many messages rather than once a message; the journal,
 * not the buckets, is what makes an entry durable (dedupe_db.h).
 */
#define PENDING_MAX (4u << 20)

struct bucket {
	struct dedupe_entry *v;
	size_t n, cap;
};

/*
 * What a run knows of a bucket's Message-IDs without its entries: a Bloom
 * filter of FILTER_BITS bits, FILTER_K of them set for each ID (other bits
 * of the SHA-256 than the bucket's), made when the bucket is first read and
 * kept when the cache drops the entries. A Message-ID with a bit unset is
 * not in the bucket, so the lookup reads nothing; one with all set (it is
 * there, or other IDs' bits cover its) reads the bucket: never a wrong
 * answer. Without this, an import past the cache's size read a whole
 * bucket (about archive size / 4096 lines) again for almost every message:
 * at 1,000,000 messages, half of dedupe's time.
 *
 * The filters' size is fixed, so what a run holds does not grow with the
 * archive (512 bytes a bucket, 2 MiB in all, its pages touched as buckets
 * are read; a 32-bit digest per ID held 4 MB at a million and would hold
 * 40 at ten). What grows is the share of lookups of absent IDs that read
 * a bucket anyway: about 1 in 190,000 at 100,000 messages (24 IDs a
 * bucket), 1 in 230 at a million (244), more than half at ten million.
 * Such a read does not keep the bucket's entries (dedupe_db_find()).
 */
#define FILTER_BITS  4096u /* a power of two: 12 bits of the hash each */
#define FILTER_K     3
#define FILTER_WORDS (FILTER_BITS / 64u)

struct filter {
	bool known; /* read in this run: its bits cover each of its IDs */
	bool any;   /* some bit set */
};

/* An entry of the journal, as a reader finds it (journal_source()). */
struct jentry {
	const char *name, *source, *message_id;
};

struct dedupe_db {
	char *dir;
	char *journal_path;  /* dir/journal */
	struct buf journal;  /* lines added since the last sync */
	bool dirty;	     /* some bucket is not fsynced */
	size_t journal_size; /* bytes synced to dir/journal by this run */
	struct bucket *buckets[DEDUPE_BUCKETS];
	bool bdirty[DEDUPE_BUCKETS]; /* appended since the last fsync */
	bool bwhole[DEDUPE_BUCKETS]; /* ends in a newline: this run wrote */
	size_t cached;		     /* entries in buckets[] */
	struct filter seen[DEDUPE_BUCKETS];
	/* The filters' bits, FILTER_WORDS a bucket, in one block made at the
	 * first bit set: blocks of their own would pin pages of the heap
	 * that the cache's churn gives back (cache_trim()). */
	uint64_t *fbits;
	struct buf pending[DEDUPE_BUCKETS]; /* lines not in the file yet */
	size_t pending_bytes;		    /* in all of pending[] */
	/* A reader (opened without recover): the journal a killed writer
	 * left, read at the first miss (dedupe_db_source()). */
	bool reader, jread;
	char *jtext;	    /* its text, cut into fields */
	size_t jlen, jsize; /* read, and its size then */
	struct jentry *jv;  /* its entries, into jtext */
	size_t jn;
};

static enum ma_status bucket_load(struct dedupe_db *db, unsigned b,
				  struct bucket **bkp);
static enum ma_status bucket_append(struct dedupe_db *db, unsigned b,
				    const char *line, size_t len);
static enum ma_status bucket_write(struct dedupe_db *db, unsigned b);
static enum ma_status pending_write_all(struct dedupe_db *db);
static unsigned bucket_of(const char *message_id, uint64_t *key);
static enum ma_status seen_add(struct dedupe_db *db, unsigned b, uint64_t key);
static enum ma_status entry_push(struct bucket *bk, const char *identity,
				 const char *name, const char *source,
				 const char *message_id);

/* Split a line (without its newline) into the 4 fields; false if bad. */
static bool
split_line(char *line, char **fields)
{
	return tsv_split(line, fields, 4) == 4 &&
	       strlen(fields[0]) == MSG_IDENTITY_LEN;
}

/*
 * Replay the journal of a run that did not reach its checkpoint: every
 * entry it holds goes into its bucket unless the bucket has it already.
 */
static enum ma_status
replay_journal(struct dedupe_db *db)
{
	char *text = NULL, *line;
	size_t len = 0;
	enum ma_status st;
	unsigned long added = 0;

	st = path_file_read_all(db->journal_path, 1u << 30, &text, &len);
	if (st == MA_ENOTFOUND)
		return MA_OK;
	if (st != MA_OK)
		return st;
	for (line = text; st == MA_OK && *line;) {
		char *nl = strchr(line, '\n'), *f[4], *copy;
		struct bucket *bk;
		bool have = false;
		uint64_t d;
		unsigned b;

		if (nl == NULL)
			break; /* torn: its batch never moved a file */
		*nl = '\0';
		if ((copy = strdup(line)) == NULL) {
			st = MA_ENOMEM;
			break;
		}
		if (split_line(line, f)) {
			b = bucket_of(f[3], &d);
			if ((st = bucket_load(db, b, &bk)) == MA_OK) {
				for (size_t i = 0; !have && i < bk->n; i++)
					have = strcmp(bk->v[i].identity,
						      f[0]) == 0 &&
					       strcmp(bk->v[i].name, f[1]) == 0;
				if (!have) {
					size_t cl = strlen(copy);

					copy[cl] = '\n';
					st = bucket_append(db, b, copy, cl + 1);
					if (st == MA_OK)
						st = entry_push(bk, f[0], f[1],
								f[2], f[3]);
					if (st == MA_OK)
						st = seen_add(db, b, d);
					added++;
				}
			}
		}
		free(copy);
		line = nl + 1;
	}
	free(text);
	if (st == MA_OK && added > 0)
		log_info("replayed %lu dedupe index entries from '%s'", added,
			 db->journal_path);
	return st == MA_OK ? dedupe_db_checkpoint(db) : st;
}

enum ma_status
dedupe_db_open(const char *dir, bool recover, struct dedupe_db **dbp)
{
	struct dedupe_db *db;
	enum ma_status st;
	/* The writer's first run in a space: no bucket file exists yet. */
	bool fresh = recover && !path_exists(dir);

	if ((st = path_mkdir_p(dir, 0700)) != MA_OK)
		return st;
	if ((db = calloc(1, sizeof *db)) == NULL)
		return MA_ENOMEM;
	buf_init(&db->journal, 64u << 20);
	for (unsigned b = 0; b < DEDUPE_BUCKETS; b++) {
		buf_init(&db->pending[b], PENDING_MAX);
		/* Known empty: no lookup opens a bucket file for an ID
		 * this run has not added, and none has a torn line. */
		db->seen[b].known = fresh;
		db->bwhole[b] = fresh;
	}
	db->dir = strdup(dir);
	db->journal_path = path_fmt("%s/journal", dir);
	if (db->dir == NULL || db->journal_path == NULL) {
		dedupe_db_close(db);
		return MA_ENOMEM;
	}
	db->reader = !recover;
	if (recover && (st = replay_journal(db)) != MA_OK) {
		dedupe_db_close(db);
		return st;
	}
	*dbp = db;
	return MA_OK;
}

/* The bucket: the SHA-256's first 12 bits (bucket 0 should OpenSSL
 * fail); *key (may be NULL): its next 36, FILTER_K places of a filter. */
static unsigned
bucket_of(const char *message_id, uint64_t *key)
{
	char md[HASH_SHA256_HEX_LEN + 1] = "000000000000";
	unsigned b = 0;
	uint64_t k = 0;

	(void)hash_sha256_hex(message_id, strlen(message_id), md);
	for (int i = 0; i < 3; i++)
		b = b << 4 | (unsigned)hex_value(md[i], false);
	for (int i = 3; i < 3 + 3 * FILTER_K; i++)
		k = k << 4 | (uint64_t)hex_value(md[i], false);
	if (key != NULL)
		*key = k;
	return b % DEDUPE_BUCKETS;
}

/* The j-th place of key in a filter. */
static unsigned
filter_place(uint64_t key, int j)
{
	return (unsigned)(key >> (12 * j)) & (FILTER_BITS - 1);
}

/* Note key in bucket b's filter, once the bucket is known. */
static enum ma_status
seen_add(struct dedupe_db *db, unsigned b, uint64_t key)
{
	struct filter *g = &db->seen[b];
	uint64_t *bits;

	if (!g->known)
		return MA_OK; /* the first read gathers it from the file */
	if (db->fbits == NULL &&
	    (db->fbits = calloc((size_t)DEDUPE_BUCKETS * FILTER_WORDS,
				sizeof *db->fbits)) == NULL)
		return MA_ENOMEM;
	bits = db->fbits + (size_t)b * FILTER_WORDS;
	for (int j = 0; j < FILTER_K; j++) {
		unsigned p = filter_place(key, j);

		bits[p / 64] |= (uint64_t)1 << (p % 64);
	}
	g->any = true;
	return MA_OK;
}

/* Bucket b was read whole into bk: its filter, the first time. */
static enum ma_status
seen_fill(struct dedupe_db *db, unsigned b, const struct bucket *bk)
{
	struct filter *g = &db->seen[b];
	enum ma_status st = MA_OK;
	uint64_t d;

	if (g->known)
		return MA_OK;
	g->known = true;
	for (size_t i = 0; st == MA_OK && i < bk->n; i++) {
		(void)bucket_of(bk->v[i].message_id, &d);
		st = seen_add(db, b, d);
	}
	if (st != MA_OK) {
		/* Not all of them: not to be trusted. */
		g->known = false;
		g->any = false;
		if (db->fbits != NULL)
			memset(db->fbits + (size_t)b * FILTER_WORDS, 0,
			       FILTER_WORDS * sizeof *db->fbits);
	}
	return st;
}

/* Whether bucket b surely holds no entry of the ID with key. */
static bool
seen_lacks(const struct dedupe_db *db, unsigned b, uint64_t key)
{
	const struct filter *g = &db->seen[b];
	const uint64_t *bits;

	if (!g->known)
		return false;
	if (!g->any)
		return true;
	bits = db->fbits + (size_t)b * FILTER_WORDS;
	for (int j = 0; j < FILTER_K; j++) {
		unsigned p = filter_place(key, j);

		if (!(bits[p / 64] & (uint64_t)1 << (p % 64)))
			return true;
	}
	return false;
}

static char *
bucket_path(const struct dedupe_db *db, unsigned b)
{
	return path_fmt("%s/%03x", db->dir, b);
}

static enum ma_status
entry_push(struct bucket *bk, const char *identity, const char *name,
	   const char *source, const char *message_id)
{
	struct dedupe_entry *e;

	if (bk->n == bk->cap) {
		struct dedupe_entry *nv =
		    array_grow(bk->v, &bk->cap, bk->n, sizeof *nv, 8);

		if (nv == NULL)
			return MA_ENOMEM;
		bk->v = nv;
	}
	e = &bk->v[bk->n];
	/* Callers checked: MSG_IDENTITY_LEN hex digits. */
	memcpy(e->identity, identity, MSG_IDENTITY_LEN);
	e->identity[MSG_IDENTITY_LEN] = '\0';
	e->name = strdup(name);
	e->source = strdup(source);
	e->message_id = strdup(message_id);
	if (e->name == NULL || e->source == NULL || e->message_id == NULL) {
		free(e->name);
		free(e->source);
		free(e->message_id);
		return MA_ENOMEM;
	}
	bk->n++;
	return MA_OK;
}

static void
bucket_free(struct bucket *bk)
{
	if (bk == NULL)
		return;
	for (size_t i = 0; i < bk->n; i++) {
		free(bk->v[i].name);
		free(bk->v[i].source);
		free(bk->v[i].message_id);
	}
	free(bk->v);
	free(bk);
}

/* Bucket b's entries leave the cache (the file keeps them). */
static void
bucket_drop(struct dedupe_db *db, unsigned b)
{
	if (db->buckets[b] == NULL)
		return;
	db->cached -= db->buckets[b]->n;
	bucket_free(db->buckets[b]);
	db->buckets[b] = NULL;
}

/* Over CACHE_ENTRIES: drop every bucket but keep (borrowed views of the
 * dropped ones end here, as dedupe_db_find() says). */
static void
cache_trim(struct dedupe_db *db, unsigned keep)
{
	if (db->cached <= CACHE_ENTRIES)
		return;
	for (unsigned b = 0; b < DEDUPE_BUCKETS; b++)
		if (b != keep)
			bucket_drop(db, b);
#ifdef __GLIBC__
	/* The freed entries are small blocks spread over the heap; without
	 * this, each refill of the cache finds the pages of the last one
	 * only partly reusable and the heap grows with the archive. */
	malloc_trim(0);
#endif
}

static enum ma_status
bucket_load(struct dedupe_db *db, unsigned b, struct bucket **bkp)
{
	struct bucket *bk;
	enum ma_status st = MA_OK;
	char *path, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (db->buckets[b] != NULL) {
		*bkp = db->buckets[b];
		return MA_OK;
	}
	/* The file is read whole: it gets its waiting lines first. */
	if ((st = bucket_write(db, b)) != MA_OK)
		return st;
	if ((bk = calloc(1, sizeof *bk)) == NULL)
		return MA_ENOMEM;
	if ((path = bucket_path(db, b)) == NULL) {
		free(bk);
		return MA_ENOMEM;
	}
	if ((f = fopen(path, "re")) == NULL && errno != ENOENT) {
		log_err("cannot open dedupe index '%s': %s", path,
			strerror(errno));
		free(path);
		free(bk);
		return MA_EIO;
	}
	while (f != NULL && st == MA_OK && (n = getline(&line, &cap, f)) >= 0) {
		char *fields[4];

		/* A torn last line (a writer killed mid-append) is not an
		 * entry: its message is still in incoming/. */
		if (n == 0 || line[n - 1] != '\n' || n > LINE_MAX_LEN)
			continue;
		line[n - 1] = '\0';
		if (tsv_split(line, fields, 4) != 4 ||
		    strlen(fields[0]) != MSG_IDENTITY_LEN) {
			log_debug("'%s': skipping a malformed line", path);
			continue;
		}
		st = entry_push(bk, fields[0], fields[1], fields[2], fields[3]);
	}
	if (f != NULL && st == MA_OK && ferror(f)) {
		log_err("cannot read dedupe index '%s': %s", path,
			strerror(errno));
		st = MA_EIO;
	}
	if (f != NULL)
		fclose(f);
	free(line);
	free(path);
	db->buckets[b] = bk;
	db->cached += bk->n;
	if (st == MA_OK)
		st = seen_fill(db, b, bk);
	if (st != MA_OK)
		return st;
	cache_trim(db, b);
	*bkp = bk;
	return MA_OK;
}

enum ma_status
dedupe_db_find(struct dedupe_db *db, const char *message_id,
	       const struct dedupe_entry **entriesp, size_t *np)
{
	struct bucket *bk;
	enum ma_status st;
	size_t first = SIZE_MAX, n = 0;
	uint64_t d;
	unsigned b = bucket_of(message_id, &d);
	bool cached = db->buckets[b] != NULL; /* before this lookup */

	*entriesp = NULL;
	*np = 0;
	if (seen_lacks(db, b, d))
		return MA_OK;
	if ((st = bucket_load(db, b, &bk)) != MA_OK)
		return st;
	/* Entries of one Message-ID are few; gather them at the front of
	 * a view by moving them together (order among others is free). */
	for (size_t i = 0; i < bk->n; i++) {
		if (strcmp(bk->v[i].message_id, message_id) != 0)
			continue;
		if (first == SIZE_MAX)
			first = i;
		if (i != first + n) {
			struct dedupe_entry t = bk->v[first + n];

			bk->v[first + n] = bk->v[i];
			bk->v[i] = t;
		}
		n++;
	}
	/* Read only because the filter could not rule the ID out: the
	 * entries are not kept. Kept, such reads (1 lookup in 230 at a
	 * million messages) would fill the cache in an import that
	 * otherwise reads no bucket, about 20 MB. */
	if (n == 0 && !cached && db->seen[b].known)
		bucket_drop(db, b);
	*entriesp = n ? &bk->v[first] : NULL;
	*np = n;
	return MA_OK;
}

enum ma_status
dedupe_db_add(struct dedupe_db *db, const char *identity, const char *name,
	      const char *source, const char *message_id)
{
	uint64_t d;
	unsigned b = bucket_of(message_id, &d);
	struct bucket *bk = db->buckets[b];
	enum ma_status st = MA_OK;
	struct buf line;

	if (strlen(identity) != MSG_IDENTITY_LEN || !tsv_field_ok(name) ||
	    !tsv_field_ok(source) || !tsv_field_ok(message_id)) {
		log_err("cannot record '%s' in the dedupe index: a field is "
			"empty or holds a control character",
			name);
		return MA_EDATA;
	}
	/* A bucket not in memory is not read for this: its file gets the
	 * line, and a later read finds it there. */
	buf_init(&line, LINE_MAX_LEN);
	st = buf_addf(&line, "%s\t%s\t%s\t%s\n", identity, name, source,
		      message_id);
	if (st == MA_OK)
		st = bucket_append(db, b, line.data, line.len);
	if (st == MA_OK)
		st = buf_add(&db->journal, line.data, line.len);
	if (st == MA_OK && bk != NULL &&
	    (st = entry_push(bk, identity, name, source, message_id)) == MA_OK)
		db->cached++;
	if (st == MA_OK)
		st = seen_add(db, b, d);
	buf_release(&line);
	/* An import of many messages loads every bucket early and then only
	 * adds: the cache is held to its size here too, not only on a
	 * load. */
	if (st == MA_OK && bk != NULL)
		cache_trim(db, b);
	return st;
}

/* Append a whole line to bucket b: kept in memory until bucket_write()
 * (not synced either way). */
static enum ma_status
bucket_append(struct dedupe_db *db, unsigned b, const char *text, size_t len)
{
	enum ma_status st;

	if (db->pending_bytes + len > PENDING_MAX &&
	    (st = pending_write_all(db)) != MA_OK)
		return st;
	if ((st = buf_add(&db->pending[b], text, len)) != MA_OK)
		return st;
	db->pending_bytes += len;
	db->bdirty[b] = true;
	db->dirty = true;
	return MA_OK;
}

/* Bucket b's waiting lines to its file (not synced), in one write. */
static enum ma_status
bucket_write(struct dedupe_db *db, unsigned b)
{
	struct buf *pb = &db->pending[b];
	enum ma_status st = MA_OK;
	struct stat sb;
	char last, *path;
	int fd;

	if (pb->len == 0)
		return MA_OK;
	/* Opened per write, not kept: a run may touch every bucket and
	 * 4096 descriptors are more than a process may hold. */
	if ((path = bucket_path(db, b)) == NULL)
		return MA_ENOMEM;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;

		log_err("cannot open dedupe index '%s': %s", path, strerror(e));
		free(path);
		return path_errno_status(e);
	}
	/* End a torn line a killed writer left, so ours stands alone. Only
	 * a run before this one can have left it (we hold the lock and
	 * write whole lines), so a bucket is checked once per run. */
	if (!db->bwhole[b] && fstat(fd, &sb) == 0 && sb.st_size > 0 &&
	    pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n')
		st = path_write_all(fd, "\n", 1);
	if (st == MA_OK)
		st = path_write_all(fd, pb->data, pb->len);
	if (st != MA_OK)
		log_err("cannot append to dedupe index '%s': %s", path,
			strerror(errno));
	if (close(fd) != 0 && st == MA_OK) {
		log_err("cannot append to dedupe index '%s': %s", path,
			strerror(errno));
		st = MA_EIO;
	}
	free(path);
	if (st != MA_OK)
		return st;
	db->bwhole[b] = true;
	db->pending_bytes -= pb->len;
	buf_release(pb);
	return MA_OK;
}

/* Every bucket's waiting lines to its file. */
static enum ma_status
pending_write_all(struct dedupe_db *db)
{
	enum ma_status st = MA_OK;

	for (unsigned b = 0;
	     st == MA_OK && db->pending_bytes > 0 && b < DEDUPE_BUCKETS; b++)
		st = bucket_write(db, b);
	return st;
}

enum ma_status
dedupe_db_sync(struct dedupe_db *db)
{
	enum ma_status st = MA_OK;
	bool created;
	int fd;

	if (db->journal.len == 0)
		return MA_OK;
	created = !path_exists(db->journal_path);
	fd = open(db->journal_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		int e = errno;

		log_err("cannot open '%s': %s", db->journal_path, strerror(e));
		return path_errno_status(e);
	}
	st = path_write_all(fd, db->journal.data, db->journal.len);
	if (st == MA_OK && fsync(fd) != 0)
		st = path_errno_status(errno);
	if (st != MA_OK)
		log_err("cannot write '%s': %s", db->journal_path,
			strerror(errno));
	close(fd);
	if (st == MA_OK && created)
		st = path_fsync_dir(db->dir);
	if (st != MA_OK)
		return st;
	db->journal_size += db->journal.len;
	buf_reset(&db->journal);
	/* Keep the journal (and a replay) small on a long import. */
	if (db->journal_size > JOURNAL_MAX)
		return dedupe_db_checkpoint(db);
	return MA_OK;
}

static unsigned
dirty_buckets(const struct dedupe_db *db)
{
	unsigned n = 0;

	for (unsigned b = 0; b < DEDUPE_BUCKETS; b++)
		n += db->bdirty[b];
	return n;
}

enum ma_status
dedupe_db_checkpoint(struct dedupe_db *db)
{
	enum ma_status st;

	if ((st = dedupe_db_sync(db)) != MA_OK ||
	    (st = pending_write_all(db)) != MA_OK)
		return st;
	if (db->dirty && dirty_buckets(db) > SYNCFS_AT) {
		/* Thousands of fsync(2) calls cost more than one syncfs(2),
		 * which flushes the whole file system the index is on. */
		int fd = open(db->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || syncfs(fd) != 0) {
			int e = errno;

			log_err("cannot sync dedupe index '%s': %s", db->dir,
				strerror(e));
			if (fd >= 0)
				close(fd);
			return path_errno_status(e);
		}
		close(fd);
		memset(db->bdirty, 0, sizeof db->bdirty);
	}
	for (unsigned b = 0; db->dirty && b < DEDUPE_BUCKETS; b++) {
		char *path;
		int fd, e = 0;

		if (!db->bdirty[b])
			continue;
		/* fsync(2) flushes the file, whichever descriptor asks. */
		if ((path = bucket_path(db, b)) == NULL)
			return MA_ENOMEM;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    fsync(fd) != 0)
			e = errno;
		if (fd >= 0)
			close(fd);
		if (e != 0) {
			log_err("cannot sync dedupe index '%s': %s", path,
				strerror(e));
			free(path);
			return path_errno_status(e);
		}
		free(path);
		db->bdirty[b] = false;
	}
	if (db->dirty && (st = path_fsync_dir(db->dir)) != MA_OK)
		return st;
	db->dirty = false;
	/* Every entry is in a durable bucket: the journal has done its
	 * job. */
	db->journal_size = 0;
	if (unlink(db->journal_path) != 0 && errno != ENOENT) {
		log_err("cannot remove '%s': %s", db->journal_path,
			strerror(errno));
		return MA_EIO;
	}
	return path_fsync_dir(db->dir);
}

/*
 * A reader's miss: the entry may be only in the journal, its bucket line
 * still in a writer's memory (PENDING_MAX) - a writer running now, or
 * one killed after its batch was durable, whose journal the next writer
 * replays. The journal is read again when its size changed since the
 * last miss; its entries are then searched in order.
 */
static void
journal_load(struct dedupe_db *db)
{
	struct stat sb;
	char *p, *end;
	size_t cap = 0;

	if (stat(db->journal_path, &sb) != 0)
		sb.st_size = 0;
	if (db->jread && (size_t)sb.st_size == db->jsize)
		return;
	db->jread = true;
	db->jsize = (size_t)sb.st_size;
	free(db->jtext);
	free(db->jv);
	db->jtext = NULL;
	db->jv = NULL;
	db->jn = 0;
	if (db->jsize == 0 ||
	    path_file_read_all(db->journal_path, 1u << 30, &db->jtext,
			       &db->jlen) != MA_OK)
		return;
	for (p = db->jtext, end = p + db->jlen; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *f[4];

		if (nl == NULL)
			break; /* torn: its batch never moved a file */
		*nl = '\0';
		if (split_line(p, f)) {
			if (db->jn == cap) {
				size_t nc = cap ? 2 * cap : 64;
				struct jentry *v =
				    realloc(db->jv, nc * sizeof *v);

				if (v == NULL)
					break;
				db->jv = v;
				cap = nc;
			}
			db->jv[db->jn++] = (struct jentry){f[1], f[2], f[3]};
		}
		p = nl + 1;
	}
}

static const char *
journal_source(struct dedupe_db *db, const char *message_id, const char *name)
{
	journal_load(db);
	for (size_t i = 0; i < db->jn; i++)
		if (strcmp(db->jv[i].name, name) == 0 &&
		    strcmp(db->jv[i].message_id, message_id) == 0)
			return db->jv[i].source;
	return NULL;
}

const char *
dedupe_db_source(struct dedupe_db *db, const char *message_id, const char *name)
{
	const struct dedupe_entry *v;
	size_t n;

	if (dedupe_db_find(db, message_id, &v, &n) != MA_OK)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return v[i].source;
	return db->reader ? journal_source(db, message_id, name) : NULL;
}

void
dedupe_db_close(struct dedupe_db *db)
{
	if (db == NULL)
		return;
	/* Not synced, as dedupe_db_add() promises no more; an entry a
	 * caller relies on is in the journal already (dedupe_db_sync()). */
	if (pending_write_all(db) != MA_OK)
		log_warn("'%s': some entries reach their buckets only when the "
			 "journal is replayed",
			 db->dir);
	for (unsigned b = 0; b < DEDUPE_BUCKETS; b++) {
		bucket_free(db->buckets[b]);
		buf_release(&db->pending[b]);
	}
	free(db->fbits);
	buf_release(&db->journal);
	free(db->jtext);
	free(db->jv);
	free(db->journal_path);
	free(db->dir);
	free(db);
}

/* Is rest (a bucket line's Message-ID) the Message-ID arg? */
static bool
same_id(const char *rest, size_t len, const void *arg)
{
	const char *id = arg;

	return len == strlen(id) && memcmp(rest, id, len) == 0;
}

enum ma_status
dedupe_db_forget(const char *dir, const char *message_id)
{
	char *path = path_fmt("%s/%03x", dir, bucket_of(message_id, NULL));
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	/* The Message-ID is the fourth field, the last one. */
	st = tsv_drop_lines(path, (size_t)1 << 30, 3, same_id, message_id);
	free(path);
	return st;
}
