#ifndef MA_MSG_H
#define MA_MSG_H

#include <stdbool.h>
#include <stdio.h>

#include "status.h"

/*
 * A message file's identity and the few headers the pipeline decides on.
 * This is the one module that wraps gmime (the MIME tree, Message-ID
 * parsing, charsets); the identity itself is computed over the file's raw
 * bytes so that it never depends on how a library decodes them.
 *
 * The identity rule (version 1), documented here because tombstones and
 * the dedupe index store its result and must stay comparable:
 *
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

struct msg {
	char *message_id; /* owned: without angle brackets */
	bool synthetic;	  /* message_id was made up from the content */
	char identity[MSG_IDENTITY_LEN + 1];
	bool no_archive;     /* "X-No-Archive: yes" */
	bool has_attachment; /* with MSG_MIME: a part that is an attachment */
};

/* msg_open() flags. */
#define MSG_MIME 1u /* also parse the MIME tree with gmime */

/* msg_init - start gmime once per process (msg_open calls it too). */
void msg_init(void);

/*
 * msg_open - read the message file at path and fill a new msg (caller
 * frees with msg_free()) in bounded memory: one pass for the identity and
 * headers and, with MSG_MIME, one by gmime for the MIME structure (a file
 * gmime cannot parse just has no attachment). A file that is
 * not a message (no header at all, empty) gives MA_EDATA, logged with the
 * path; an unreadable one MA_EIO, logged.
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
