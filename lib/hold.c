/* Legal hold of a space: see hold.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hold.h"
#include "log.h"
#include "path.h"
#include "tombstone.h"

#define HOLD_FILE_MAX 4096

static time_t
parse_iso(const char *s)
{
	struct tm tm = {0};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (end == NULL || *end != '\0')
		return 0;
	return timegm(&tm);
}

static void
copy_field(char *dst, size_t size, const char *src)
{
	int n = snprintf(dst, size, "%s", src);

	/* A longer value was not written by hold_set(): cut (snprintf
	 * does), the hold stays on whatever it says. */
	if (n < 0)
		dst[0] = '\0';
	else if ((size_t)n >= size)
		log_debug("legal hold: a field of %d bytes cut", n);
}

enum ma_status
hold_get(const char *space_dir, struct hold *h)
{
	char *path = path_fmt("%s/hold", space_dir), *data, *p;
	size_t len;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	memset(h, 0, sizeof *h);
	st = path_file_read_all(path, HOLD_FILE_MAX, &data, &len);
	if (st == MA_ENOTFOUND) {
		free(path);
		return MA_OK;
	}
	if (st != MA_OK) {
		log_err("cannot read the legal hold '%s': %s", path,
			ma_strstatus(st));
		free(path);
		return st == MA_ETOOBIG ? MA_EIO : st;
	}
	free(path);
	h->on = true;
	for (p = data; p < data + len;) {
		char *nl = memchr(p, '\n', (size_t)(data + len - p));

		if (nl == NULL)
			nl = data + len;
		*nl = '\0';
		if (strncmp(p, "since=", 6) == 0)
			h->since = parse_iso(p + 6);
		else if (strncmp(p, "user=", 5) == 0)
			copy_field(h->user, sizeof h->user, p + 5);
		else if (strncmp(p, "reason=", 7) == 0)
			copy_field(h->reason, sizeof h->reason, p + 7);
		p = nl + 1;
	}
	free(data);
	return MA_OK;
}

static bool
line_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return false;
	return true;
}

enum ma_status
hold_set(const char *space_dir, bool on, time_t now, const char *user,
	 const char *reason)
{
	char *path = path_fmt("%s/hold", space_dir), when[32];
	struct buf b;
	enum ma_status st;

	if (path == NULL)
		return MA_ENOMEM;
	if (!on) {
		st = MA_OK;
		if (unlink(path) == 0) {
			st = path_fsync_parent(path);
		} else if (errno != ENOENT) {
			log_err("cannot remove '%s': %s", path,
				strerror(errno));
			st = path_errno_status(errno);
		}
		free(path);
		return st;
	}
	if (reason == NULL)
		reason = "";
	if (strlen(reason) > HOLD_REASON_MAX || !line_ok(reason) ||
	    !line_ok(user)) {
		log_err("the reason of a hold is one line of at most %d "
			"characters",
			HOLD_REASON_MAX);
		free(path);
		return MA_EUSAGE;
	}
	tombstone_format_time(now, when, sizeof when);
	buf_init(&b, HOLD_FILE_MAX);
	st = buf_addf(&b, "since=%s\nuser=%s\nreason=%s\n", when, user, reason);
	st = path_write_buf_atomic(path, &b, st, 0600);
	free(path);
	return st;
}

enum ma_status
hold_refuse(const char *space_dir, const char *key, const char *what)
{
	struct hold h;
	char when[32];
	enum ma_status st = hold_get(space_dir, &h);

	if (st != MA_OK)
		return st;
	if (!h.on)
		return MA_OK;
	tombstone_format_time(h.since, when, sizeof when);
	log_err("space '%s' is on legal hold since %s%s%s%s: %s refused "
		"('mailarc hold off %s' lifts it)",
		key, when, h.reason[0] ? " (" : "", h.reason,
		h.reason[0] ? ")" : "", what, key);
	return MA_ENOPERM;
}
