/*
 * What gmime reads of a message file: whether it is mail at all (the
 * check notmuch makes), its Message-ID and decoded header values, and
 * whether a part is an attachment. The identity and intake reader, which
 * never depend on gmime, are in msg.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mime.h"
#include "msg.h"
#include "msg_int.h"

void
msg_init(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		mime_init(); /* our header decoding, for libnotmuch too */
		done = true;
	}
}

enum msg_verdict
msg_verdict_name_binary(const struct msg *m, enum msg_verdict v)
{
	return v != MSG_MAIL && m->binary ? MSG_BINARY : v;
}

const char *
msg_verdict_name(enum msg_verdict v)
{
	switch (v) {
	case MSG_MAIL:
		return "mail";
	case MSG_EMPTY:
		return "empty";
	case MSG_NO_HEADER:
		return "no-header";
	case MSG_BINARY:
		return "binary";
	case MSG_NO_AUTHOR:
		return "no-from-to-subject";
	case MSG_UNPARSABLE:
		return "unparsable";
	}
	return "unparsable";
}

const char *
msg_verdict_text(enum msg_verdict v)
{
	switch (v) {
	case MSG_MAIL:
		return "a message";
	case MSG_EMPTY:
		return "empty";
	case MSG_NO_HEADER:
		return "no header block";
	case MSG_BINARY:
		return "binary";
	case MSG_NO_AUTHOR:
		return "no From, To or Subject header";
	case MSG_UNPARSABLE:
		return "no MIME message can be read from it";
	}
	return "not a message";
}

enum msg_verdict
msg_verdict_parse(const char *name)
{
	for (int v = MSG_EMPTY; v <= MSG_UNPARSABLE; v++)
		if (strcmp(name, msg_verdict_name((enum msg_verdict)v)) == 0)
			return (enum msg_verdict)v;
	return MSG_UNPARSABLE;
}

/* A header as notmuch reads it: gmime's value, RFC 2047 decoded. */
static bool
header_present(GMimeObject *o, const char *name)
{
	const char *v = g_mime_object_get_header(o, name);
	char *d;
	bool yes;

	if (v == NULL)
		return false;
	if ((d = g_mime_utils_header_decode_text(NULL, v)) == NULL)
		return false;
	yes = *d != '\0';
	g_free(d);
	return yes;
}

/* The check of msg_check_file() over stream (taken: unref'd here); mbox
 * when the bytes start "From ". */
static enum msg_verdict
check_stream(GMimeStream *stream, bool mbox)
{
	GMimeParser *parser;
	GMimeMessage *message;
	enum msg_verdict v = MSG_MAIL;

	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	g_mime_parser_set_format(parser, mbox ? GMIME_FORMAT_MBOX
					      : GMIME_FORMAT_MESSAGE);
	message = g_mime_parser_construct_message(parser, NULL);
	if (message == NULL || (mbox && !g_mime_parser_eos(parser))) {
		v = MSG_UNPARSABLE;
	} else {
		GMimeObject *o = GMIME_OBJECT(message);

		/* notmuch: "make sure that what we're looking at looks like
		 * an actual email message" - one of From, Subject, To. */
		if (!header_present(o, "From") &&
		    !header_present(o, "Subject") && !header_present(o, "To"))
			v = MSG_NO_AUTHOR;
	}
	if (message != NULL)
		g_object_unref(message);
	g_object_unref(parser);
	return v;
}

enum ma_status
msg_check_file(const char *path, enum msg_verdict *vp)
{
	char head[5];
	bool mbox;
	int fd;

	msg_init();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		log_err("cannot open '%s': %s", path, strerror(e));
		return e == ENOENT ? MA_ENOTFOUND : MA_EIO;
	}
	/* notmuch reads a file that starts "From " as an mbox and refuses
	 * it unless it holds one message; intake drops that line, but a
	 * second one can follow. */
	mbox = pread(fd, head, 5, 0) == 5 && memcmp(head, "From ", 5) == 0;
	/* The fs stream owns fd. */
	*vp = check_stream(g_mime_stream_fs_new(fd), mbox);
	return MA_OK;
}

enum msg_verdict
msg_check_mem(const char *data, size_t len, unsigned long long header_bytes)
{
	bool mbox = len >= 5 && memcmp(data, "From ", 5) == 0;

	msg_init();
	/* gmime refuses a message (construct_message() gives NULL) only
	 * while it reads the header, and the header fields decide the
	 * rest: the body need not be parsed. An mbox is read whole, as
	 * its end counts too. */
	if (!mbox && header_bytes < len)
		len = (size_t)header_bytes;
	return check_stream(g_mime_stream_mem_new_with_buffer(data, len), mbox);
}

/* gmime's string g (g_free()d here) as a copy of malloc's; NULL when g is
 * NULL or memory is short. */
static char *
from_gmime(char *g)
{
	char *out = g != NULL ? strdup(g) : NULL;

	g_free(g);
	return out;
}

char *
msg_parse_message_id(const char *raw)
{
	char *id;

	if (raw == NULL)
		return NULL;
	msg_init();
	/* gmime takes the first <...> (or a bare token) and drops
	 * comments: RFC 5322 3.6.4 with the obsolete forms of 4.5.4. */
	if ((id = g_mime_utils_decode_message_id(raw)) == NULL)
		return NULL;
	for (const char *p = id; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			g_free(id);
			return NULL;
		}
	}
	if (*id == '\0' || strlen(id) > 995) {
		g_free(id);
		return NULL;
	}
	return from_gmime(id);
}

char *
msg_header_text(const char *value)
{
	msg_init();
	return from_gmime(g_mime_utils_header_decode_text(NULL, value));
}

/* The message in the file at path as gmime parses it into *mp (NULL: it
 * cannot). Returns MA_OK, or MA_EIO (logged) when the file does not open. */
static enum ma_status
parse_file(const char *path, GMimeMessage **mp)
{
	GMimeStream *stream;
	GMimeParser *parser;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_err("cannot open '%s': %s", path, strerror(errno));
		return MA_EIO;
	}
	/* The fs stream owns fd; the parser keeps only offsets of bodies
	 * (a seekable stream is "persistent"), so memory stays bounded. */
	stream = g_mime_stream_fs_new(fd);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	*mp = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	return MA_OK;
}

enum ma_status
msg_header_field(const char *path, const char *name, char **valuep)
{
	GMimeMessage *message;
	const char *v;
	char *out = NULL;
	enum ma_status st;

	msg_init();
	if ((st = parse_file(path, &message)) != MA_OK)
		return st;
	if (message == NULL)
		return MA_EDATA;
	v = g_mime_object_get_header(GMIME_OBJECT(message), name);
	if (v != NULL && (out = msg_header_text(v)) == NULL) {
		g_object_unref(message);
		return MA_ENOMEM;
	}
	g_object_unref(message);
	*valuep = out;
	return MA_OK;
}

/* Walk the MIME tree: does any part say it is an attachment? */
static void
find_attachment(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	bool *found = data;
	(void)parent;

	if (*found)
		return;
	if (GMIME_IS_PART(part) && g_mime_part_is_attachment(GMIME_PART(part)))
		*found = true;
}

enum ma_status
msg_mime_pass(const char *path, struct msg *m)
{
	GMimeMessage *message;
	enum ma_status st;

	if ((st = parse_file(path, &message)) != MA_OK)
		return st;
	if (message == NULL) {
		/* gmime wants a header it can read; the identity pass was
		 * more lenient. The message is still archived: only its
		 * MIME structure is unknown. */
		log_debug("gmime cannot parse '%s'", path);
		return MA_OK;
	}
	g_mime_message_foreach(message, find_attachment, &m->has_attachment);
	g_object_unref(message);
	return MA_OK;
}
