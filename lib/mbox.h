#ifndef MA_MBOX_H
#define MA_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/*
 * Splitting an mbox file into messages, streamed: memory does not grow
 * with the file or with a message (lines are read in pieces of at most
 * MBOX_PIECE bytes). gzip-compressed files are read through zlib and
 * plain ones the same way (gzread passes them through).
 *
 * The rules (after qmail's mbox(5), the mboxrd notes of RFC 4155, and what
 * mutt and Python's mailbox module accept):
 *  - a message starts at a From_ line: "From " and a sender and a date, as
 *    delivery agents write it (see mbox_is_envelope()); that line is not
 *    part of the message. It need not follow an empty line (Netscape and
 *    webmail exports). A body line that only starts with "From " ("From
 *    here on ...") does not start a message, quoted or not;
 *  - when a message's header has one Content-Length and the body it gives
 *    ends at a line end followed by the end of the file, or an optional
 *    empty line and a From_ line, the body is that long even if From_
 *    lines are inside it (mboxcl2); any other Content-Length is ignored;
 *  - a file whose first From_ line has no date is split by the old rule:
 *    at a "From " line after an empty line;
 *  - a UTF-8 byte-order mark and empty lines before the first From_ line
 *    are skipped;
 *  - the empty line before the next From_ line (or at the end of the
 *    file) belongs to the mbox, not to the message; an empty message
 *    (nothing but empty lines between two From_ lines) is not passed on;
 *  - mboxrd (the default): a line ">From ", ">>From ", ... loses one '>';
 *    mboxo: only ">From " becomes "From " (the format cannot tell the
 *    rest apart);
 *  - an MMDF file (its first line four ^A bytes) holds each message
 *    between two such lines; nothing is unquoted in it;
 *  - CRLF line ends are read as LF (files written on Windows), so that
 *    the messages delivered to the Maildir are in its usual form; so is
 *    every CR in a file whose first line ends in a CR alone (classic
 *    Mac OS), which would otherwise be one long From_ line.
 */
#define MBOX_PIECE 65536

/* The longest line taken as a From_ line, its line end included. */
#define MBOX_ENVELOPE_MAX 1024

enum mbox_format { MBOX_RD, MBOX_O };

struct mbox;

/*
 * mbox_open - open path. MA_EDATA (logged) when it does not start with a
 * "From " line or an MMDF delimiter (after a byte-order mark and empty
 * lines, if any): it is not an mbox. Free with mbox_close().
 */
enum ma_status mbox_open(const char *path, enum mbox_format fmt,
			 struct mbox **mp);

/* The receiver of a message's bytes; non-MA_OK stops mbox_next(). */
typedef enum ma_status (*mbox_sink)(void *arg, const void *p, size_t n);

/*
 * mbox_next - pass the next message to sink, in pieces. *gotp is false at
 * the end of the file (nothing was passed). A file that cannot be read on
 * (a gzip stream that is corrupt or cut short) gives MA_EDATA, logged with
 * the line and byte where it stopped; the message being read then is
 * incomplete and the caller discards it. Messages before it are whole.
 */
enum ma_status mbox_next(struct mbox *m, mbox_sink sink, void *arg, bool *gotp);

/* mbox_line - the line number reached (1-based), for messages. */
unsigned long mbox_line(const struct mbox *m);

/* mbox_progress - bytes of the file (compressed, if it is) read so far. */
uint64_t mbox_progress(const struct mbox *m);

/* mbox_close - close and free; NULL is fine. */
void mbox_close(struct mbox *m);

/*
 * mbox_sniff - true when the file at path (gzip-compressed or not) starts
 * with "From " or an MMDF delimiter (after a byte-order mark and empty
 * lines, if any), i.e. looks like an mbox. False on any error.
 */
bool mbox_sniff(const char *path);

/*
 * mbox_is_envelope - true when the line p[0..n) (its line end, LF or CRLF,
 * included or not) is a From_ line: "From ", a sender (one word, which may
 * be quoted, or the "a at example.com" of list archives; or none), and a
 * date of ctime(3) form "Sun Jul 16 15:06[:25] [ZONE [ZONE]] 2023" (the
 * year may be followed by more words: "+0200", "remote from uunet") or of
 * RFC 5322 form "[Sun,] 16 Jul 2023 15:06[:25] [+0000]".
 */
bool mbox_is_envelope(const char *p, size_t n);

#endif
