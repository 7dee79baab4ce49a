/*
 * The date a message is shown and filed under, read from its own file by
 * one function, so that full runs, incremental runs and runs after
 * `mailarc rebuild` agree whatever notmuch made of the Date header (it
 * keeps 0 for a date before 1970, an unparseable one, or none).
 *
 * The Date header when it is sound; else the date of the first (topmost)
 * Received: header, the one the receiving server wrote; else the delivery
 * time: the seconds that start the Maildir file's name, or the file's
 * modification time. A Date is unsound when it cannot be parsed, its
 * year is outside 1000..9999, or it lies more than a day after the
 * Received date (or the delivery time). Dates before 1970 are real and
 * kept.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "render_int.h"

/* How far in the future of its arrival a Date may be (clock skew). */
#define DATE_SKEW 86400

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian, any year. */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Skip white space and (nested) comments, RFC 5322 3.2.2. */
static const char *
skip_cfws(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (depth == 0 && !isspace((unsigned char)*p) && *p != ',')
			break;
	}
	return p;
}

/* Up to max digits into *v; the count read (0: none). */
static int
digits(const char **pp, int max, long long *v)
{
	const char *p = *pp;
	int n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)*p)) {
		*v = *v * 10 + (*p++ - '0');
		n++;
	}
	*pp = p;
	return n;
}

/* The zone's offset east of UTC in seconds; RFC 5322 4.3 names. */
static bool
zone_offset(const char *p, long *off)
{
	static const struct {
		const char *name;
		int hours;
	} names[] = {
	    {"UT", 0},	 {"UTC", 0},  {"GMT", 0},  {"Z", 0},
	    {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
	    {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7},
	};
	size_t n = 0;

	if (*p == '+' || *p == '-') {
		long long v;
		const char *q = p + 1;

		if (digits(&q, 4, &v) != 4 || v % 100 > 59)
			return false;
		*off = (long)((v / 100) * 3600 + (v % 100) * 60);
		if (*p == '-')
			*off = -*off;
		return true;
	}
	while (isalpha((unsigned char)p[n]))
		n++;
	if (n == 0) {
		*off = 0; /* no zone: taken as UTC */
		return true;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n &&
		    strncasecmp(p, names[i].name, n) == 0) {
			*off = names[i].hours * 3600L;
			return true;
		}
	/* RFC 5322 4.3: military zones were used wrongly so often that
	 * they mean -0000 (time in UTC, zone unknown); so does any other
	 * name. */
	*off = 0;
	return true;
}

bool
render_parse_date(const char *s, time_t *out)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	const char *p = skip_cfws(s), *mp;
	long long day, year, hh, mm, ss = 0;
	int ny;
	long off;
	unsigned mon;

	/* An optional day of the week. */
	if (isalpha((unsigned char)*p)) {
		while (isalpha((unsigned char)*p))
			p++;
		p = skip_cfws(p);
	}
	if (digits(&p, 2, &day) == 0 || day < 1 || day > 31)
		return false;
	p = skip_cfws(p);
	mp = p;
	while (isalpha((unsigned char)*p))
		p++;
	if (p - mp < 3)
		return false;
	for (mon = 0; mon < 12; mon++)
		if (strncasecmp(mp, months + 3 * mon, 3) == 0)
			break;
	if (mon == 12)
		return false;
	p = skip_cfws(p);
	if ((ny = digits(&p, 6, &year)) == 0 || isdigit((unsigned char)*p))
		return false;
	/* RFC 5322 4.3: two-digit years from 50 are 19xx, below 20xx;
	 * three digits add 1900. */
	if (ny == 2)
		year += year < 50 ? 2000 : 1900;
	else if (ny == 3)
		year += 1900;
	p = skip_cfws(p);
	if (digits(&p, 2, &hh) == 0 || *p++ != ':' || digits(&p, 2, &mm) == 0)
		return false;
	if (*p == ':' && (p++, digits(&p, 2, &ss) == 0))
		return false;
	if (hh > 23 || mm > 59 || ss > 60)
		return false;
	if (!zone_offset(skip_cfws(p), &off))
		return false;
	if (year < 1000 || year > 9999)
		return false;
	*out = (time_t)(days_from_civil(year, mon + 1, (unsigned)day) * 86400 +
			hh * 3600 + mm * 60 + ss - off);
	return true;
}

/* The unfolded value of the first header called name in the header
 * block hdr[0..len), malloc'd; NULL when there is none. */
static char *
header_value(const char *hdr, size_t len, const char *name)
{
	size_t nl = strlen(name), i = 0;

	while (i < len) {
		const char *line = hdr + i;
		const char *eol = memchr(line, '\n', len - i);
		size_t ll = eol ? (size_t)(eol - line) : len - i;

		if (ll == 0 || (ll == 1 && line[0] == '\r'))
			break; /* the end of the header block */
		if (ll > nl && strncasecmp(line, name, nl) == 0 &&
		    line[nl] == ':') {
			GString *v = g_string_new_len(line + nl + 1,
						      (gssize)(ll - nl - 1));

			/* Continuation lines start with white space. */
			for (i += ll + 1;
			     i < len && (hdr[i] == ' ' || hdr[i] == '\t');) {
				const char *c = hdr + i;
				const char *ce = memchr(c, '\n', len - i);
				size_t cl = ce ? (size_t)(ce - c) : len - i;

				g_string_append_c(v, ' ');
				g_string_append_len(v, c, (gssize)cl);
				i += cl + 1;
			}
			for (gsize k = 0; k < v->len; k++)
				if (v->str[k] == '\r' || v->str[k] == '\0')
					v->str[k] = ' ';
			return g_string_free(v, FALSE);
		}
		i += ll + 1;
	}
	return NULL;
}

/* The delivery time: the seconds that start a Maildir name, else the
 * file's modification time, else 0. */
static time_t
delivery_time(const char *path)
{
	const char *base = path != NULL ? strrchr(path, '/') : NULL;
	struct stat sb;
	char *end;
	long long v;

	base = base != NULL ? base + 1 : path;
	if (base != NULL && isdigit((unsigned char)base[0])) {
		v = strtoll(base, &end, 10);
		if (*end == '.' && v > 0)
			return (time_t)v;
	}
	if (path != NULL && stat(path, &sb) == 0)
		return sb.st_mtime;
	return 0;
}

time_t
render_mail_date(const char *hdr, size_t len, const char *path,
		 enum date_src *src)
{
	char *date = header_value(hdr, len, "Date");
	char *recv = header_value(hdr, len, "Received");
	const char *semi = recv != NULL ? strrchr(recv, ';') : NULL;
	time_t d = 0, rd = 0, arrival;
	bool has_d = date != NULL && render_parse_date(date, &d);
	bool has_rd = semi != NULL && render_parse_date(semi + 1, &rd);

	free(date);
	free(recv);
	arrival = has_rd ? rd : delivery_time(path);
	if (has_d && (arrival <= 0 || d <= arrival + DATE_SKEW)) {
		*src = DATE_HEADER;
		return d;
	}
	if (has_rd) {
		*src = DATE_RECEIVED;
		return rd;
	}
	*src = DATE_DELIVERY;
	return arrival;
}
