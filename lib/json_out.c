/* JSON output over jansson: see json_out.h. */
#include <jansson.h>
#include <stdarg.h>
#include <string.h>

#include "json_out.h"
#include "utc.h"

/* A struct json_out is a json_t: the type only hides the library. */
static json_t *
jv(const struct json_out *v)
{
	return (json_t *)v;
}

static struct json_out *
out(json_t *j)
{
	return (struct json_out *)j;
}

struct json_out *
json_out_object(void)
{
	return out(json_object());
}

struct json_out *
json_out_array(void)
{
	return out(json_array());
}

struct json_out *
json_out_null(void)
{
	return out(json_null());
}

struct json_out *
json_out_bool(bool v)
{
	return out(json_boolean(v));
}

struct json_out *
json_out_int(long long v)
{
	return out(json_integer((json_int_t)v));
}

struct json_out *
json_out_str(const char *s)
{
	return out(json_string(s));
}

struct json_out *
json_out_bytes(const char *s)
{
	return out(json_stringn_nocheck(s, strlen(s)));
}

struct json_out *
json_out_time(time_t t)
{
	char buf[32];
	const char *s = utc_format(t, buf, sizeof buf);

	return s != NULL ? json_out_str(s) : json_out_null();
}

int
json_out_set(struct json_out *o, const char *key, struct json_out *v)
{
	return json_object_set_new(jv(o), key, jv(v));
}

int
json_out_append(struct json_out *a, struct json_out *v)
{
	return json_array_append_new(jv(a), jv(v));
}

struct json_out *
json_out_pack(const char *fmt, ...)
{
	va_list ap;
	json_t *j;

	va_start(ap, fmt);
	j = json_vpack_ex(NULL, 0, fmt, ap);
	va_end(ap);
	return out(j);
}

int
json_out_print(const struct json_out *v, FILE *f, enum json_out_style style)
{
	size_t flags = style == JSON_OUT_PRETTY
			   ? JSON_INDENT(2) | JSON_PRESERVE_ORDER
			   : JSON_INDENT(0) | JSON_COMPACT;

	return json_dumpf(jv(v), f, flags);
}

void
json_out_free(struct json_out *v)
{
	json_decref(jv(v));
}
