/* Times in UTC as RFC 3339 writes them: see utc.h. */
#include "utc.h"

const char *
utc_format(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (size > 0)
		buf[0] = '\0';
	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (size > 0)
			buf[0] = '\0';
		return NULL;
	}
	return buf;
}
