#ifndef MA_MSG_H
#define MA_MSG_H

#include <stdbool.h>
#include <stdio.h>

#include "status.h"

/*
 * A message file's identity and the few headers the pipeline decides on.
 * msg_parse.c is where gmime reads a message for the pipeline (the MIME
 * tree, Message-ID parsing, charsets); the identity itself is computed in
 * msg.c over the file's raw bytes so that it never depends on how a
 * library decodes them.
 *
 * Intake normalisation. mailarc-dedupe archives a message as the reader
 * below gives it, and the identity is computed over the same bytes, so a
 * raw file and its archived copy have one identity:
 *
 *  a. A UTF-8 byte-order mark at the start of the file is dropped.
 *  b. Lines before the first header line that are empty, hold only
 *     blanks (SP, TAB), or are an mbox envelope line ("From " not
 *     followed by blanks and a colon) are dropped. Here CR, LF and CRLF
 *     all end a line.
 *  c. Line ends: the end of the first line kept sets the file's style.
 *     When it is a bare CR (old Mac mail), every CRLF and every bare CR
 *     of the file becomes LF; otherwise every CRLF becomes LF and a bare
 *     CR is left as it is (it is then not a line end).
 *  d. In the header block, blanks between a field name and its colon are
 *     dropped ("Subject : x" becomes "Subject: x").
 *  Nothing else changes: an ordinary LF message is archived byte for
 *  byte and keeps the identity it always had.
 *
 * The identity rule (version 1), documented here because tombstones and
 * the dedupe index store its result and must stay comparable:
 *
 *  0. The rule reads the file through intake normalisation (above).
 *  1. The header block is every line before the first empty line. Folded
 *     lines are unfolded; a field's name is lower-cased; its value has
 *     CR and LF removed, every run of blanks turned into one space, and
 *     blanks at both ends dropped. The raw bytes are kept: encoded-words
 *     are not decoded, 8-bit bytes are hashed as they are.
 *  2. Only the fields an author (or the author's client) wrote count, in
 *     this order, each field's occurrences in file order:
 *       from sender reply-to to cc subject date message-id in-reply-to
 *       references comments keywords mime-version content-type
 *       content-transfer-encoding content-disposition content-language
 *     Trace and transport fields (Received, Return-Path, Delivered-To,
 *     X-Original-To, Resent-*, DKIM/ARC signatures, spam verdicts, List-*,
 *     Bcc) are left out: they are what differs between a bcc copy and a
 *     forwarded copy of one message.
 *  3. The body is every byte after the empty line, with CRLF read as LF,
 *     the '>' quoting of mbox "From " lines removed (">>From x" and
 *     "From x" hash alike, so mboxo, mboxrd and Maildir copies agree) and
 *     the empty lines at its end dropped.
 *  4. identity = hex SHA-256 of "mailarc-identity-1\n", then "NAME:VALUE\n"
 *     per counted field, then "\n", then the body.
 *
 * A message without a usable Message-ID gets the synthetic one
 * "synthetic-<first 32 hex digits of its identity>@mailarc.invalid":
 * stable, and equal for copies that differ only in trace headers.
 */

#define MSG_IDENTITY_LEN 64 /* hex digits */

/*
 * Is a file a message? The one decision, made here for dedupe and
 * confirmed by the index stage. It accepts exactly what notmuch accepts
 * of the normalised file: gmime constructs a message from it (a file
 * starting "From " must hold one message) and one of From, Subject and
 * To has a non-empty decoded value. Not a message, with the reason
 * (a control byte alone does not make a file "binary": it only names
 * the reason of a file refused by the rule above):
 */
enum msg_verdict {
	MSG_MAIL = 0,
	MSG_EMPTY,	/* nothing but blanks, a BOM or envelope lines */
	MSG_NO_HEADER,	/* no header field (or a header over 4 MiB) */
	MSG_BINARY,	/* refused, with a NUL or control byte in its header */
	MSG_NO_AUTHOR,	/* none of From, To and Subject (notmuch refuses) */
	MSG_UNPARSABLE, /* gmime cannot construct a message */
};

struct msg {
	char *message_id; /* owned: without angle brackets */
	bool synthetic;	  /* message_id was made up from the content */
	char identity[MSG_IDENTITY_LEN + 1];
	bool no_archive;     /* "X-No-Archive: yes" */
	bool has_attachment; /* with MSG_MIME: a part that is an attachment */
	bool normalise;	     /* intake normalisation changes the file */
	bool binary;	     /* a NUL or control byte in the header block */
	enum msg_verdict verdict; /* with MSG_CHECK; else MSG_MAIL */
};

/* msg_open() flags. */
#define MSG_MIME  1u /* also parse the MIME tree with gmime */
#define MSG_CHECK 2u /* decide whether it is a message (verdict) */

/* msg_init - start gmime once per process (msg_open calls it too). */
void msg_init(void);

/*
 * msg_open - read the message file at path and fill a new msg (caller
 * frees with msg_free()) in bounded memory: one pass for the identity and
 * headers and, with MSG_MIME, one by gmime for the MIME structure (a file
 * gmime cannot parse just has no attachment). A file that is
 * not a message (no header at all, empty) gives MA_EDATA, logged with the
 * path; an unreadable one MA_EIO, logged.
 *
 * With MSG_CHECK a file that is not a message gives MA_OK and
 * m->verdict says why (for empty, no-header and binary files message_id
 * is NULL and identity ""). When m->normalise is set the gmime part of
 * the decision is left to the caller: run msg_check_file() on the
 * normalised copy (msg_write_normalised()).
 */
enum ma_status msg_open(const char *path, unsigned flags, struct msg **mp);

/*
 * msg_identity_stream - the identity rule above over an open stream (read
 * to its end); fills identity (MSG_IDENTITY_LEN + 1 bytes) and, when
 * message_id is not NULL, *message_id with the malloc'd raw value of the
 * first Message-ID field (NULL when there is none). Returns MA_EDATA when
 * the stream holds no header field at all.
 */
enum ma_status msg_identity_stream(FILE *f, char *identity, char **message_id);

/*
 * msg_parse_message_id - the Message-ID in a raw field value, without
 * angle brackets and comments (RFC 5322 3.6.4), malloc'd; NULL when there
 * is none or it is unusable (blank, control characters).
 */
char *msg_parse_message_id(const char *raw);

/*
 * msg_write_normalised - write the file at path to fd as intake
 * normalisation (above) gives it. Does not fsync. Returns MA_EIO or
 * MA_ETEMP (disk full), logged; MA_ENOTFOUND when path is gone.
 */
enum ma_status msg_write_normalised(const char *path, int fd);

/*
 * msg_check_file - the gmime part of the decision over the file at path
 * as it is (normalised already): *vp is MSG_MAIL, MSG_UNPARSABLE or
 * MSG_NO_AUTHOR. Returns MA_EIO or MA_ENOTFOUND when it cannot be opened.
 */
enum ma_status msg_check_file(const char *path, enum msg_verdict *vp);

/* msg_verdict_name - a one-word name for v ("binary", "no-header", ...);
 * msg_verdict_text - a phrase for people; msg_verdict_parse - back from a
 * name (unknown names give MSG_UNPARSABLE). */
const char *msg_verdict_name(enum msg_verdict v);
/* msg_verdict_name_binary - v, or MSG_BINARY when v refuses m and m's
 * header holds a NUL or control byte: the more telling reason. */
enum msg_verdict msg_verdict_name_binary(const struct msg *m,
					 enum msg_verdict v);
const char *msg_verdict_text(enum msg_verdict v);
enum msg_verdict msg_verdict_parse(const char *name);

/*
 * msg_notmuch_id - the id notmuch gives the file at path when it has no
 * Message-ID: "notmuch-sha1-" and the SHA-1 of the file's bytes
 * (malloc'd; NULL when it cannot be read). The site and search name such
 * a message by it.
 */
char *msg_notmuch_id(const char *path);

/*
 * msg_header_text - value as gmime decodes a header's text (encoded-words
 * decoded, bytes that are not UTF-8 read in a fallback charset), the way
 * libnotmuch reads every header it indexes. malloc'd; NULL on no memory.
 */
char *msg_header_text(const char *value);

/*
 * msg_header_field - the decoded value of the first field called name in
 * the message file at path, as gmime's parser gives it (unfolded, then
 * msg_header_text()); *valuep is malloc'd, NULL when there is no such
 * field. MA_EDATA when gmime cannot read the header, MA_EIO (logged) when
 * the file cannot be opened, MA_ENOMEM.
 */
enum ma_status msg_header_field(const char *path, const char *name,
				char **valuep);

/* msg_free - release m; NULL is fine. */
void msg_free(struct msg *m);

#endif
