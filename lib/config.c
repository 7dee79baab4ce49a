#include <stdbool.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "path.h"

struct entry {
	char *section;
	char *key;
	char *value;
};

struct config {
	struct entry *v;
	size_t n;
	size_t cap;
};

/* Config files are small; this bounds a hostile one. */
#define CONFIG_FILE_MAX	   (256 * 1024)
#define CONFIG_ENTRIES_MAX 4096

struct config *
config_new(void)
{
	return calloc(1, sizeof(struct config));
}

static void
entry_free(struct entry *e)
{
	free(e->section);
	free(e->key);
	if (e->value != NULL) {
		explicit_bzero(e->value, strlen(e->value));
		free(e->value);
	}
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n; i++)
		entry_free(&cfg->v[i]);
	free(cfg->v);
	free(cfg);
}

static struct entry *
config_find(const struct config *cfg, const char *section, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->v[i].section, section) == 0 &&
		    strcmp(cfg->v[i].key, key) == 0)
			return &cfg->v[i];
	return NULL;
}

const char *
config_get(const struct config *cfg, const char *section, const char *key)
{
	const struct entry *e = config_find(cfg, section ? section : "", key);

	return e != NULL ? e->value : NULL;
}

static enum ma_status
config_append(struct config *cfg, const char *section, const char *key,
	      const char *value)
{
	struct entry e;

	if (cfg->n == cfg->cap) {
		struct entry *v;

		if ((cfg->cap ? cfg->cap * 2 : 16) > CONFIG_ENTRIES_MAX)
			return MA_ETOOBIG;
		if ((v = array_grow(cfg->v, &cfg->cap, cfg->n, sizeof *v,
				    16)) == NULL)
			return MA_ENOMEM;
		cfg->v = v;
	}
	e.section = strdup(section);
	e.key = strdup(key);
	e.value = strdup(value);
	if (e.section == NULL || e.key == NULL || e.value == NULL) {
		entry_free(&e);
		return MA_ENOMEM;
	}
	cfg->v[cfg->n++] = e;
	return MA_OK;
}

const char *
config_value_why_not(const char *value)
{
	size_t n = strlen(value);

	if (n > CONFIG_VALUE_MAX)
		return "it is longer than 160 bytes";
	if (strpbrk(value, "\n\r") != NULL)
		return "it holds a line break";
	if (strstr(value, " ;") != NULL || strstr(value, "\t;") != NULL)
		return "it holds a ';' after a blank, which starts a comment";
	if (n > 0 && (strchr(" \t", value[0]) != NULL ||
		      strchr(" \t", value[n - 1]) != NULL))
		return "it starts or ends with a blank";
	return NULL;
}

enum ma_status
config_set(struct config *cfg, const char *section, const char *key,
	   const char *value)
{
	struct entry *e;
	const char *why;
	char *v;

	section = section ? section : "";
	e = config_find(cfg, section, key);
	if (value == NULL) {
		if (e != NULL) {
			entry_free(e);
			memmove(e, e + 1,
				(size_t)(cfg->v + cfg->n - (e + 1)) *
				    sizeof *e);
			cfg->n--;
		}
		return MA_OK;
	}
	if ((why = config_value_why_not(value)) != NULL) {
		log_err("%s: the value cannot be stored: %s", key, why);
		return MA_ECONFIG;
	}
	if (e == NULL)
		return config_append(cfg, section, key, value);
	if ((v = strdup(value)) == NULL)
		return MA_ENOMEM;
	explicit_bzero(e->value, strlen(e->value));
	free(e->value);
	e->value = v;
	return MA_OK;
}

struct parse_ctx {
	struct config *cfg;
	const char *name;
	enum ma_status st;
	int line;
};

static int
parse_handler(void *user, const char *section, const char *key,
	      const char *value, int line)
{
	struct parse_ctx *ctx = user;

	if (ctx->st != MA_OK)
		return 0;
	if (config_find(ctx->cfg, section, key) != NULL) {
		log_err("%s:%d: '%s' is given twice", ctx->name, line, key);
		ctx->st = MA_ECONFIG;
		ctx->line = line;
		return 0;
	}
	ctx->st = config_append(ctx->cfg, section, key, value);
	return ctx->st == MA_OK;
}

/* inih 55 passes no line number to the handler; count it ourselves. */
struct line_reader {
	const char *p;
	int line;
};

static char *
string_reader(char *str, int num, void *stream)
{
	struct line_reader *r = stream;
	int i = 0;

	if (*r->p == '\0')
		return NULL;
	while (i < num - 1 && r->p[0] != '\0') {
		str[i++] = *r->p;
		if (*r->p++ == '\n')
			break;
	}
	str[i] = '\0';
	/* Lines were checked to fit, so each call reads exactly one. */
	r->line++;
	return str;
}

struct reader_ctx {
	struct line_reader lr;
	struct parse_ctx pc;
};

static int
handler_with_line(void *user, const char *section, const char *key,
		  const char *value)
{
	struct reader_ctx *rc = user;

	return parse_handler(&rc->pc, section, key, value, rc->lr.line);
}

enum ma_status
config_parse_string(const char *text, const char *name, struct config **cfgp)
{
	struct reader_ctx rc = {.lr = {text, 0}};
	int err;

	int line = 1;

	/* inih would split a long line and misreport it; refuse it here. */
	for (const char *p = text, *nl; *p; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p) - 1;
		if (nl - p + 1 >= 200) {
			log_err("%s:%d: line is longer than 199 bytes", name,
				line);
			return MA_ECONFIG;
		}
	}
	if ((rc.pc.cfg = config_new()) == NULL)
		return MA_ENOMEM;
	rc.pc.name = name;
	err = ini_parse_stream(string_reader, &rc.lr, handler_with_line, &rc);
	if (rc.pc.st != MA_OK) {
		config_free(rc.pc.cfg);
		return rc.pc.st;
	}
	if (err != 0) {
		if (err > 0)
			log_err("%s:%d: syntax error (expected 'key = value' "
				"or '[section]', lines under 200 bytes)",
				name, err);
		else
			log_err("%s: cannot parse: out of memory", name);
		config_free(rc.pc.cfg);
		return err > 0 ? MA_ECONFIG : MA_ENOMEM;
	}
	*cfgp = rc.pc.cfg;
	return MA_OK;
}

enum ma_status
config_load(const char *path, struct config **cfgp)
{
	enum ma_status st;
	char *text;

	st = path_file_read_all(path, CONFIG_FILE_MAX, &text, NULL);
	if (st != MA_OK)
		return st;
	st = config_parse_string(text, path, cfgp);
	explicit_bzero(text, strlen(text));
	free(text);
	return st;
}

int
config_foreach(const struct config *cfg,
	       int (*fn)(const char *, const char *, const char *, void *),
	       void *arg)
{
	int r;

	for (size_t i = 0; i < cfg->n; i++)
		if ((r = fn(cfg->v[i].section, cfg->v[i].key, cfg->v[i].value,
			    arg)) != 0)
			return r;
	return 0;
}

char *
config_serialise(const struct config *cfg)
{
	const char *cur = "";
	struct buf b;
	bool ok = true;

	buf_init(&b, CONFIG_FILE_MAX);
	/* Top-level keys first, then each section once, in first-seen order. */
	for (size_t i = 0; ok && i < cfg->n; i++)
		if (cfg->v[i].section[0] == '\0')
			ok = buf_addf(&b, "%s = %s\n", cfg->v[i].key,
				      cfg->v[i].value) == MA_OK;
	for (size_t i = 0; ok && i < cfg->n; i++) {
		const char *sec = cfg->v[i].section;
		bool seen = false;

		if (sec[0] == '\0' || strcmp(sec, cur) == 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(cfg->v[j].section, sec) == 0)
				seen = true;
		if (seen)
			continue;
		cur = sec;
		ok = buf_addf(&b, "\n[%s]\n", sec) == MA_OK;
		for (size_t j = i; ok && j < cfg->n; j++)
			if (strcmp(cfg->v[j].section, sec) == 0)
				ok = buf_addf(&b, "%s = %s\n", cfg->v[j].key,
					      cfg->v[j].value) == MA_OK;
	}
	if (!ok) {
		buf_wipe_release(&b);
		return NULL;
	}
	return buf_steal(&b);
}

enum ma_status
config_write_atomic(const struct config *cfg, const char *path, mode_t mode)
{
	enum ma_status st;
	char *text;

	if ((text = config_serialise(cfg)) == NULL)
		return MA_ENOMEM;
	st = path_write_file_atomic(path, text, strlen(text), mode);
	explicit_bzero(text, strlen(text));
	free(text);
	return st;
}

int
parse_bool(const char *s)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

const struct config_field *
config_schema_find(const struct config_schema *schema, const char *key)
{
	for (size_t i = 0; i < schema->n; i++)
		if (strcmp(schema->fields[i].key, key) == 0)
			return &schema->fields[i];
	return NULL;
}

static bool
one_of(const char *allowed, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = allowed; *p;) {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, v, n) == 0)
			return true;
		p += len + (p[len] == '|');
	}
	return false;
}

/* "a|b|c" as "a, b, c" for messages. */
static void
allowed_list(const char *allowed, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = allowed; *p && o + 3 < size; p++) {
		if (*p == '|') {
			out[o++] = ',';
			out[o++] = ' ';
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

struct schema_check {
	const struct config_schema *schema;
	const char *what;
	enum ma_status st;
};

static bool
value_ok(const struct config_schema *schema, const char *allowed, const char *v)
{
	if (allowed == NULL || one_of(allowed, v))
		return true;
	return schema->bool_spellings &&
	       (strcmp(allowed, "yes|no") == 0 ||
		strcmp(allowed, "on|off") == 0) &&
	       parse_bool(v) >= 0;
}

static int
check_entry(const char *section, const char *key, const char *value, void *arg)
{
	struct schema_check *c = arg;
	const struct config_field *f;
	char list[128];

	if (section[0] != '\0') {
		log_err("%s: unexpected section [%s]", c->what, section);
	} else if ((f = config_schema_find(c->schema, key)) == NULL) {
		log_err("%s: unknown key '%s'", c->what, key);
	} else if (value_ok(c->schema, f->allowed, value)) {
		return 0;
	} else {
		allowed_list(f->allowed, list, sizeof list);
		log_err("%s: %s '%s' is not one of %s", c->what, key, value,
			list);
	}
	c->st = MA_ECONFIG;
	return 1;
}

enum ma_status
config_check_schema(const struct config *cfg,
		    const struct config_schema *schema, const char *what)
{
	struct schema_check c = {schema, what, MA_OK};

	config_foreach(cfg, check_entry, &c);
	return c.st;
}
