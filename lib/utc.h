#ifndef MA_UTC_H
#define MA_UTC_H

#include <stddef.h>
#include <time.h>

/*
 * The one way a time is printed for people and programs alike: absolute,
 * in UTC, as RFC 3339 writes it ("2026-01-02T03:04:05Z"). `mailarc
 * status`, its --json and `mailarc account show` print it so.
 */

/* A buffer this size holds any time utc_format() writes. */
#define UTC_TIME_MAX 32

/*
 * utc_format - t as "YYYY-MM-DDTHH:MM:SSZ" into buf; returns buf. NULL
 * when t is 0 (the state files' "never") or cannot be written (a year
 * gmtime_r() cannot hold, size too small): buf is then "" when size > 0.
 */
const char *utc_format(time_t t, char *buf, size_t size);

#endif
