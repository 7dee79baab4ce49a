/*
 * "mailarc search": the outputs of "notmuch search" (summary, threads,
 * messages, files; text or JSON) over a space's database. Dates are
 * absolute (YYYY-MM-DD), not notmuch's "Yest. 13:41": an archive is read
 * long after the fact.
 */
#include "json_out.h"
#include <notmuch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index_priv.h"
#include "log.h"

struct emitter {
	FILE *out;
	bool json;
	struct json_out *arr; /* the JSON array being built */
	long skip, left;
};

/* Counts one item against --offset/--limit; false: do not print it. */
static bool
take(struct emitter *e)
{
	if (e->skip > 0) {
		e->skip--;
		return false;
	}
	if (e->left == 0)
		return false;
	if (e->left > 0)
		e->left--;
	return true;
}

static enum ma_status
emit_string(struct emitter *e, const char *prefix, const char *s)
{
	if (!take(e))
		return MA_OK;
	if (e->json) {
		struct json_out *v = json_out_str(s);

		if (v == NULL) /* not UTF-8: keep the bytes readable */
			v = json_out_bytes(s);
		if (v == NULL || json_out_append(e->arr, v) != 0)
			return MA_ENOMEM;
		return MA_OK;
	}
	fprintf(e->out, "%s%s\n", prefix, s);
	return MA_OK;
}

static void
format_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

static struct json_out *
tags_json(notmuch_tags_t *tags)
{
	struct json_out *a = json_out_array();

	for (; a && notmuch_tags_valid(tags); notmuch_tags_move_to_next(tags))
		json_out_append(a, json_out_str(notmuch_tags_get(tags)));
	notmuch_tags_destroy(tags);
	return a;
}

static enum ma_status
emit_summary(struct emitter *e, notmuch_thread_t *t, bool oldest_first)
{
	time_t date = oldest_first ? notmuch_thread_get_oldest_date(t)
				   : notmuch_thread_get_newest_date(t);
	const char *authors = notmuch_thread_get_authors(t);
	const char *subject = notmuch_thread_get_subject(t);
	int matched = notmuch_thread_get_matched_messages(t);
	int total = notmuch_thread_get_total_messages(t);
	char day[32];

	if (!take(e))
		return MA_OK;
	authors = authors ? authors : "";
	subject = subject ? subject : "";
	format_date(date, day, sizeof day);
	if (e->json) {
		struct json_out *o = json_out_pack(
		    "{s:s, s:I, s:s, s:i, s:i, s:s%, s:s%, s:o}", "thread",
		    notmuch_thread_get_thread_id(t), "timestamp",
		    (long long)date, "date", day, "matched", matched, "total",
		    total, "authors", authors, strlen(authors), "subject",
		    subject, strlen(subject), "tags",
		    tags_json(notmuch_thread_get_tags(t)));

		if (o == NULL || json_out_append(e->arr, o) != 0)
			return MA_ENOMEM;
		return MA_OK;
	}
	fprintf(e->out, "thread:%s %12s [%d/%d] %s; %s (",
		notmuch_thread_get_thread_id(t), day, matched, total, authors,
		subject);
	{
		notmuch_tags_t *tags = notmuch_thread_get_tags(t);
		bool first = true;

		for (; notmuch_tags_valid(tags);
		     notmuch_tags_move_to_next(tags)) {
			fprintf(e->out, "%s%s", first ? "" : " ",
				notmuch_tags_get(tags));
			first = false;
		}
		notmuch_tags_destroy(tags);
	}
	fputs(")\n", e->out);
	return MA_OK;
}

/* Logs why the query failed. Returns MA_EUSAGE. */
static enum ma_status
search_failed(struct index *ix)
{
	const char *t = notmuch_database_status_string(ix->db);
	char why[512];

	log_err("search failed: %s",
		index_reason(t ? t : "bad query", why, sizeof why));
	return MA_EUSAGE;
}

static enum ma_status
search_threads(struct index *ix, notmuch_query_t *q, struct emitter *e,
	       const struct index_search_opts *o)
{
	notmuch_threads_t *ts = NULL;
	enum ma_status st = MA_OK;

	if (notmuch_query_search_threads(q, &ts) != NOTMUCH_STATUS_SUCCESS)
		return search_failed(ix);
	for (; st == MA_OK && notmuch_threads_valid(ts);
	     notmuch_threads_move_to_next(ts)) {
		notmuch_thread_t *t = notmuch_threads_get(ts);

		if (o->output == INDEX_OUT_SUMMARY)
			st = emit_summary(e, t, o->oldest_first);
		else
			st = emit_string(
			    e, "thread:", notmuch_thread_get_thread_id(t));
		notmuch_thread_destroy(t);
		if (e->left == 0)
			break;
	}
	notmuch_threads_destroy(ts);
	return st;
}

static enum ma_status
search_messages(struct index *ix, notmuch_query_t *q, struct emitter *e,
		const struct index_search_opts *o)
{
	notmuch_messages_t *ms = NULL;
	enum ma_status st = MA_OK;

	if (notmuch_query_search_messages(q, &ms) != NOTMUCH_STATUS_SUCCESS)
		return search_failed(ix);
	for (; st == MA_OK && notmuch_messages_valid(ms);
	     notmuch_messages_move_to_next(ms)) {
		notmuch_message_t *m = notmuch_messages_get(ms);

		if (o->output == INDEX_OUT_MESSAGES) {
			st = emit_string(
			    e, "id:", notmuch_message_get_message_id(m));
		} else {
			notmuch_filenames_t *f =
			    notmuch_message_get_filenames(m);

			for (; st == MA_OK && notmuch_filenames_valid(f);
			     notmuch_filenames_move_to_next(f))
				st = emit_string(e, "",
						 notmuch_filenames_get(f));
			notmuch_filenames_destroy(f);
		}
		notmuch_message_destroy(m);
		if (e->left == 0)
			break;
	}
	return st;
}

enum ma_status
index_search(struct index *ix, const char *query,
	     const struct index_search_opts *o, FILE *out)
{
	struct emitter e = {.out = out, .json = o->json};
	notmuch_query_t *q;
	enum ma_status st;

	e.skip = o->offset > 0 ? o->offset : 0;
	e.left = o->limit >= 0 ? o->limit : -1;
	st = index_query_create(ix, query,
				o->oldest_first ? NOTMUCH_SORT_OLDEST_FIRST
						: NOTMUCH_SORT_NEWEST_FIRST,
				&q);
	if (st != MA_OK)
		return st;
	if (e.json && (e.arr = json_out_array()) == NULL) {
		notmuch_query_destroy(q);
		return MA_ENOMEM;
	}
	if (o->output == INDEX_OUT_SUMMARY || o->output == INDEX_OUT_THREADS)
		st = search_threads(ix, q, &e, o);
	else
		st = search_messages(ix, q, &e, o);
	notmuch_query_destroy(q);
	if (st == MA_OK && e.json) {
		if (json_out_print(e.arr, out, JSON_OUT_COMPACT) != 0)
			st = MA_EIO;
		else
			fputc('\n', out);
	}
	json_out_free(e.arr);
	return st;
}
