#ifndef MA_PRIVACY_H
#define MA_PRIVACY_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "status.h"

/*
 * Personal data of a space: find, export and erase every message a person
 * sent or received, and remove mail past the space's retention period.
 *
 * A message concerns an address when one of its From, Sender, Reply-To,
 * To, Cc, Bcc or Delivered-To fields names it (mime_header_has_addr()).
 * A body that only mentions it does not count. Finding reads the header
 * block of every message file under archive/, duplicates/ and incoming/
 * (with incoming/.ACCOUNT/): notmuch's from: and to: terms do not cover
 * Sender, Reply-To and Delivered-To, so the index alone could miss a copy.
 *
 * Space folders passed in are absolute and symlink-free (realpath()), as
 * the notmuch database's mail root is.
 */

/* Where a message file lies. */
#define PRIVACY_ARCHIVE	   1u
#define PRIVACY_DUPLICATES 2u
#define PRIVACY_INCOMING   4u
#define PRIVACY_ALL	   7u

/* Longest address taken. */
#define PRIVACY_ADDR_MAX 320

/*
 * privacy_addr_norm - the address in, without blanks or angle brackets
 * around it, lower-cased: LOCAL@DOMAIN with no blank or control
 * character. Else MA_EUSAGE, logged.
 */
enum ma_status privacy_addr_norm(const char *in, char *out, size_t size);

/*
 * privacy_header_may_name - false only when the header block hdr cannot
 * name addr (normalised: privacy_addr_norm()) in any field, so that
 * privacy_scan() parses few blocks. The parser makes an address of a
 * block's atoms, dots and '@' with the white space between them dropped;
 * so a block with no comment, quoted string, quoted pair, encoded word,
 * control character, byte beyond ASCII or "xn--" domain names addr only
 * where addr is a part of it once white space is dropped, ASCII case
 * aside. Any of those, and the parser decides (true).
 */
bool privacy_header_may_name(const char *hdr, size_t len, const char *addr);

/*
 * privacy_scan - call fn(path, where, arg) for each message file in the
 * folders of where (PRIVACY_*) whose header names addr, in a stable
 * order; fn returning non-zero stops. A file that is not a message is
 * skipped (logged at debug level).
 */
enum ma_status
privacy_scan(const char *space_dir, const char *addr, unsigned where,
	     int (*fn)(const char *path, unsigned where, void *arg), void *arg);

/*
 * privacy_mboxrd - write the message file at path to out as one mboxrd
 * entry: a "From MAILER-DAEMON DATE" line (the file's time), every line
 * matching ^>*From  with one more '>', an empty line after it. Read and
 * written in pieces: memory does not grow with the message. MA_EIO
 * (logged) on a read or write error.
 */
enum ma_status privacy_mboxrd(const char *path, FILE *out);

struct privacy_erase_opts {
	const char *space_dir; /* absolute */
	const char *addr;      /* normalised */
	bool dry_run;	       /* list, change nothing */
	bool wait;	       /* wait for the stage locks */
	time_t now;
	FILE *out; /* one line per file: "erased|would erase WHERE/NAME" */
};

/*
 * privacy_erase - erase every message file naming o->addr, and finish an
 * erasure a killed run left (SPACE/state/erase.journal). Holds the dedupe
 * and index locks of the space meanwhile. Order, so that a kill at any
 * point resurrects nothing and leaves a rerun able to finish:
 *   1. the files to remove are written to the journal (paths only);
 *   2. each message gets a tombstone with its identity and the hash of
 *      its Message-ID (never the Message-ID or the address);
 *   3. the files are unlinked and their folders synced;
 *   4. notmuch forgets the archive files, committed.
 * The journal stays until privacy_erase_done(): the site is still to be
 * rendered. *countp gets the number of files (erased or that would be).
 */
enum ma_status privacy_erase(const struct privacy_erase_opts *o,
			     unsigned long *countp);

/* privacy_erase_pending - true when an erasure's journal is there. */
bool privacy_erase_pending(const char *space_dir);

/* privacy_erase_done - remove the journal (the site is rendered). */
enum ma_status privacy_erase_done(const char *space_dir);

/*
 * privacy_retain - remove (as "mailarc delete" does: tombstone with the
 * Message-ID, unlink, forget in the index) every archived message older
 * than cutoff. A message's age is its Date, or its arrival time (the
 * file's mtime) when it has no Date or one after now. Takes the dedupe
 * and index locks (waiting with wait). *countp gets how many messages.
 */
enum ma_status privacy_retain(const char *space_dir, time_t cutoff, time_t now,
			      bool wait, unsigned long *countp);

#endif
