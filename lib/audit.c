/* The audit log of a space: see audit.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "hash.h"
#include "buf.h"
#include "log.h"
#include "path.h"
#include "tombstone.h"

#define AUDIT_LINE_MAX	 2048
#define AUDIT_DETAIL_MAX 1000

/* s with control characters as '?', cut (marked "...") past
 * AUDIT_DETAIL_MAX bytes: the action is recorded whatever its detail. */
static enum ma_status
add_clean(struct buf *b, const char *s)
{
	enum ma_status st = MA_OK;
	size_t n = 0;

	for (; *s && st == MA_OK; s++, n++) {
		if (n == AUDIT_DETAIL_MAX)
			return buf_adds(b, "...");
		st = buf_addc(b,
			      (unsigned char)*s < ' ' || *s == 0x7f ? '?' : *s);
	}
	return st;
}

enum ma_status
audit_append(const char *space_dir, time_t now, const char *user,
	     const char *action, unsigned long count, const char *detail)
{
	char *path = path_fmt("%s/audit.log", space_dir), when[32], last;
	struct buf b;
	struct stat sb;
	enum ma_status st;
	int fd;

	if (path == NULL)
		return MA_ENOMEM;
	if (detail == NULL || detail[0] == '\0')
		detail = "-";
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;

		log_err("cannot open the audit log '%s': %s", path,
			strerror(e));
		free(path);
		return path_errno_status(e);
	}
	buf_init(&b, AUDIT_LINE_MAX);
	/* End a line that a killed writer left unfinished. */
	st = MA_OK;
	if (fstat(fd, &sb) == 0 && sb.st_size > 0 &&
	    pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n')
		st = buf_addc(&b, '\n');
	tombstone_format_time(now, when, sizeof when);
	if (st == MA_OK)
		st = buf_addf(&b, "%s\t", when);
	if (st == MA_OK)
		st = add_clean(&b, user != NULL && user[0] ? user : "-");
	if (st == MA_OK)
		st = buf_addf(&b, "\t%s\t%lu\t", action, count);
	if (st == MA_OK)
		st = add_clean(&b, detail);
	if (st == MA_OK)
		st = buf_addc(&b, '\n');
	if (st == MA_OK)
		st = path_write_all(fd, b.data, b.len);
	if (st == MA_OK && fsync(fd) != 0)
		st = path_errno_status(errno);
	if (st != MA_OK)
		log_err("cannot append to the audit log '%s': %s", path,
			ma_strstatus(st));
	if (close(fd) != 0 && st == MA_OK) {
		log_err("cannot append to the audit log '%s': %s", path,
			strerror(errno));
		st = MA_EIO;
	}
	buf_release(&b);
	free(path);
	return st;
}

void
audit_addr_hash(const char *addr, char *out)
{
	size_t n = strlen(addr);
	char *low = malloc(n + 1);

	if (low == NULL) {
		/* As before: no hash rather than a wrong one. */
		memcpy(out, "sha256:", 7);
		memset(out + 7, '0', 64);
		out[AUDIT_HASH_LEN] = '\0';
		return;
	}
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)addr[i]);
	hash_sha256_tagged(low, n, out);
	free(low);
}

enum ma_status
audit_print(const char *space_dir, FILE *out)
{
	char *path = path_fmt("%s/audit.log", space_dir), buf[8192];
	size_t n;
	FILE *f;

	if (path == NULL)
		return MA_ENOMEM;
	if ((f = fopen(path, "re")) == NULL) {
		int e = errno;

		if (e != ENOENT)
			log_err("cannot open the audit log '%s': %s", path,
				strerror(e));
		free(path);
		return e == ENOENT ? MA_OK : MA_EIO;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, out);
	if (ferror(f)) {
		log_err("cannot read the audit log '%s': %s", path,
			strerror(errno));
		fclose(f);
		free(path);
		return MA_EIO;
	}
	fclose(f);
	free(path);
	return MA_OK;
}
