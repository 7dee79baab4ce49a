#ifndef MA_JSON_OUT_H
#define MA_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/*
 * JSON output: the values "mailarc status --json", "mailarc search
 * --format=json" and the legal hold's members are built from, and their
 * printing. The one place outside OAuth that uses jansson (oauth_json.c
 * reads tokens; this module only writes).
 *
 * A value is owned by whoever built it until it is handed to
 * json_out_set() or json_out_append(), which take it over (also when they
 * fail). A constructor returns NULL on ENOMEM, and json_out_str() also
 * when s is not UTF-8; json_out_set() and json_out_append() then fail (-1)
 * and do nothing, as jansson does.
 */
struct json_out;

struct json_out *json_out_object(void);
struct json_out *json_out_array(void);
struct json_out *json_out_null(void);
struct json_out *json_out_bool(bool v);
struct json_out *json_out_int(long long v);
/* json_out_str - a copy of s; NULL when s is NULL or not UTF-8. */
struct json_out *json_out_str(const char *s);
/* json_out_bytes - a copy of s as it is, UTF-8 or not. */
struct json_out *json_out_bytes(const char *s);
/* json_out_time - t as "YYYY-MM-DDTHH:MM:SSZ" (utc.h), null when unset. */
struct json_out *json_out_time(time_t t);

/* json_out_set - o[key] = v, taking v over. 0, or -1 on failure. */
int json_out_set(struct json_out *o, const char *key, struct json_out *v);
/* json_out_append - a[] += v, taking v over. 0, or -1 on failure. */
int json_out_append(struct json_out *a, struct json_out *v);

/*
 * json_out_pack - a value from a jansson pack format (s, s%, I, i, o;
 * "o" takes a struct json_out * over). NULL on failure.
 */
struct json_out *json_out_pack(const char *fmt, ...);

/* How json_out_print() lays a value out. */
enum json_out_style {
	JSON_OUT_PRETTY,  /* indented by 2, members in insertion order */
	JSON_OUT_COMPACT, /* one line, no spaces */
};

/* json_out_print - v as text to f (no final newline). 0, or -1. */
int json_out_print(const struct json_out *v, FILE *f,
		   enum json_out_style style);

/* json_out_free - release v and what it holds (NULL does nothing). */
void json_out_free(struct json_out *v);

#endif
