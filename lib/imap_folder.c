/*
 * The folder listing of IMAP (RFC 3501 7.2.2 LIST, RFC 5258 LIST-EXTENDED,
 * RFC 6154 special-use attributes): parsing LIST responses into
 * struct imap_folder, naming and choosing folders (folder = *), and the
 * pieces of IMAP value syntax (literals, quoted strings, lists) that the
 * listing and imap.c's FETCH parsing share. Split from imap.c, which keeps
 * the session (commands, folders opened, messages fetched and deleted).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap.h"
#include "imap_int.h"
#include "utf7.h"

static enum ma_status
malformed(struct fetch_conn *c)
{
	return fetch_conn_fail(c, MA_EPROTO,
			       "the server sent a malformed LIST response");
}

/* A literal announced at the end of a line: "{123}" (or "{123+}"). */
bool
imap_literal_at_end(const struct buf *line, uint64_t *np)
{
	const char *s = line->data, *open;
	char *end;
	size_t len = line->len;

	if (len < 3 || s[len - 1] != '}')
		return false;
	if ((open = memrchr(s, '{', len)) == NULL || open[1] < '0' ||
	    open[1] > '9')
		return false;
	errno = 0;
	*np = strtoull(open + 1, &end, 10);
	if (errno != 0 || (*end != '}' && !(*end == '+' && end[1] == '}')))
		return false;
	return true;
}

/* Skip a parenthesised list or a quoted string at *pp. */
bool
imap_skip_value(const char **pp)
{
	const char *p = *pp;
	int depth = 0;

	do {
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return false;
				if (*p == '\\' && p[1] != '\0')
					p++;
			}
			p++;
		} else if (*p == '(') {
			depth++;
			p++;
		} else if (*p == ')') {
			depth--;
			p++;
		} else if (*p == '\0') {
			return false;
		} else {
			while (*p != '\0' && *p != ' ' && *p != ')' &&
			       *p != '(')
				p++;
			if (depth > 0 && *p == ' ')
				p++;
		}
		while (depth > 0 && *p == ' ')
			p++;
	} while (depth > 0);
	*pp = p;
	return true;
}

/* Whether the space-separated list s holds word (ASCII case ignored). */
bool
imap_has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; *p != '\0';) {
		size_t len = strcspn(p, " ");

		if (len == n && strncasecmp(p, word, n) == 0)
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* RFC 6154 special-use attributes and RFC 3501/5258 ones we act on. */
static const struct {
	const char *name;
	unsigned flag;
} folder_attrs[] = {
    {"\\Noselect", IMAP_FOLDER_NOSELECT},
    {"\\NonExistent", IMAP_FOLDER_NOSELECT},
    {"\\All", IMAP_FOLDER_ALL},
    {"\\Archive", IMAP_FOLDER_ARCHIVE},
    {"\\Drafts", IMAP_FOLDER_DRAFTS},
    {"\\Flagged", IMAP_FOLDER_FLAGGED},
    {"\\Junk", IMAP_FOLDER_JUNK},
    {"\\Sent", IMAP_FOLDER_SENT},
    {"\\Trash", IMAP_FOLDER_TRASH},
};

enum ma_status
imap_folder_flags_format(unsigned flags, char *out, size_t size)
{
	size_t j = 0;

	if (size == 0)
		return MA_ETOOBIG;
	out[0] = '\0';
	/* From index 1: \NonExistent is shown as \Noselect. */
	for (size_t i = 0; i < sizeof folder_attrs / sizeof folder_attrs[0];
	     i++) {
		int n;

		if (i == 1 || !(flags & folder_attrs[i].flag))
			continue;
		n = snprintf(out + j, size - j, "%s%s", j > 0 ? " " : "",
			     folder_attrs[i].name);
		if (n < 0 || (size_t)n >= size - j)
			return MA_ETOOBIG;
		j += (size_t)n;
	}
	return MA_OK;
}

void
imap_folders_free(struct imap_folder *f, size_t n)
{
	for (size_t i = 0; i < n && f != NULL; i++) {
		free(f[i].name);
		free(f[i].wire);
	}
	free(f);
}

/*
 * An astring at *pp (RFC 3501 9: atom, quoted string, or a literal that
 * ends the line) into out; *pp advances past it. A literal is read from
 * c, and line then holds the rest of its line.
 */
static enum ma_status
read_astring(struct fetch_conn *c, struct buf *line, const char **pp,
	     struct buf *out)
{
	const char *p = *pp;
	uint64_t lit;
	enum ma_status st = MA_OK;

	buf_reset(out);
	if (*p == '"') {
		for (p++; *p != '"' && st == MA_OK; p++) {
			if (*p == '\0')
				return malformed(c);
			if (*p == '\\' && p[1] != '\0')
				p++;
			st = buf_addc(out, *p);
		}
		*pp = p + (*p == '"');
		return st;
	}
	if (*p == '{') {
		const char *b;
		size_t k;

		if (!imap_literal_at_end(line, &lit) ||
		    lit > IMAP_FOLDER_NAME_MAX)
			return malformed(c);
		while (lit > 0) {
			st = fetch_conn_raw(c, (size_t)lit, &b, &k);
			if (st == MA_OK)
				st = buf_add(out, b, k);
			if (st != MA_OK)
				return st;
			lit -= k;
		}
		if ((st = fetch_conn_line(c, line)) != MA_OK)
			return st;
		*pp = line->data;
		return MA_OK;
	}
	while (*p != '\0' && *p != ' ' && st == MA_OK)
		st = buf_addc(out, *p++);
	*pp = p;
	return st;
}

/* "* LIST (attributes) delimiter name [extended data]"; p after "LIST ". */
enum ma_status
imap_list_resp(struct fetch_conn *c, struct buf *line, const char *p, bool utf8,
	       struct imap_folder **listp, size_t *np, size_t *capp)
{
	struct imap_folder f = {0};
	struct buf name;
	const char *e;
	enum ma_status st;

	if (*p != '(' || (e = strchr(p, ')')) == NULL)
		return malformed(c);
	for (const char *a = p + 1; a < e;) {
		size_t len = strcspn(a, " )");

		for (size_t i = 0;
		     i < sizeof folder_attrs / sizeof folder_attrs[0]; i++)
			if (strlen(folder_attrs[i].name) == len &&
			    strncasecmp(a, folder_attrs[i].name, len) == 0)
				f.flags |= folder_attrs[i].flag;
		a += len;
		while (*a == ' ')
			a++;
	}
	p = e + 1;
	if (*p++ != ' ')
		return malformed(c);
	/* The hierarchy delimiter: a quoted character or NIL. */
	if (strncmp(p, "NIL", 3) == 0)
		p += 3;
	else if (!imap_skip_value(&p))
		return malformed(c);
	if (*p++ != ' ')
		return malformed(c);
	buf_init(&name, IMAP_FOLDER_NAME_MAX);
	if ((st = read_astring(c, line, &p, &name)) != MA_OK)
		goto out;
	if (name.len == 0 || memchr(name.data, '\0', name.len) != NULL) {
		st = malformed(c);
		goto out;
	}
	if ((f.wire = strdup(buf_cstr(&name))) == NULL) {
		st = MA_ENOMEM;
		goto out;
	}
	/* UTF8=ACCEPT: the name is UTF-8 already (RFC 6855 3). */
	st = utf8 ? utf7_utf8_check(f.wire) : utf7_decode(f.wire, &f.name);
	if (st == MA_OK && utf8 && (f.name = strdup(f.wire)) == NULL)
		st = MA_ENOMEM;
	if (st == MA_EDATA) {
		/* Listed for what it is, never fetched (folder = *): a name
		 * we cannot decode is one we cannot send back reliably. */
		f.flags |= IMAP_FOLDER_BADNAME;
		st = (f.name = strdup(f.wire)) == NULL ? MA_ENOMEM : MA_OK;
	}
	for (const char *q = f.name; st == MA_OK && *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			f.flags |= IMAP_FOLDER_BADNAME;
	if (st != MA_OK)
		goto out;
	if (*np == *capp) {
		size_t cap = *capp ? *capp * 2 : 32;
		struct imap_folder *v;

		if (cap > IMAP_FOLDERS_MAX ||
		    (v = realloc(*listp, cap * sizeof *v)) == NULL) {
			st = cap > IMAP_FOLDERS_MAX ? MA_ETOOBIG : MA_ENOMEM;
			goto out;
		}
		*listp = v;
		*capp = cap;
	}
	(*listp)[(*np)++] = f;
	f.name = f.wire = NULL;
out:
	free(f.name);
	free(f.wire);
	buf_release(&name);
	return st;
}

size_t
imap_folder_pick(const struct imap_folder *f, size_t n, size_t *idx)
{
	const unsigned never = IMAP_FOLDER_NOSELECT | IMAP_FOLDER_BADNAME;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if ((f[i].flags & IMAP_FOLDER_ALL) && !(f[i].flags & never))
			idx[k++] = i;
	if (k > 0)
		return k;
	for (size_t i = 0; i < n; i++)
		if (!(f[i].flags &
		      (never | IMAP_FOLDER_JUNK | IMAP_FOLDER_TRASH)))
			idx[k++] = i;
	return k;
}
