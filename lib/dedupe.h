#ifndef MA_DEDUPE_H
#define MA_DEDUPE_H

#include <stdbool.h>
#include <stdio.h>

#include "msg.h"
#include "status.h"

/*
 * The dedupe stage: move each message of SPACE/incoming into
 * SPACE/archive once (msg.h defines "once"), set the others aside in
 * SPACE/duplicates, and say why.
 *
 * Where a message came from (the "account:" tag) is the Maildir++
 * sub-folder it was delivered into: incoming/.KEY/ for account KEY,
 * incoming/.import/ for "mailarc import". Messages in incoming/ itself
 * get dedupe_opts.default_source (the front end passes the space's only
 * account, if it has exactly one) or "unknown".
 *
 * Files under SPACE/state (all append-only text unless said otherwise):
 *   dedupe/NNN      the dedupe index (dedupe_db.h)
 *   index.queue     "NAME<TAB>SOURCE\n" per archived message, in order:
 *                   what mailarc-index has to index (index.h); also one
 *                   per duplicate that another account brought, naming
 *                   the archived copy, so that it gets both account tags
 *   dedupe.report   "DATE<TAB>NAME<TAB>REASON<TAB>MATCHED<TAB>MESSAGE-ID\n"
 *                   per message set aside; REASON is duplicate (MATCHED
 *                   names the archived copy), deleted (MATCHED is the
 *                   tombstone's date), x-no-archive (MATCHED "-") or
 *                   not-a-message (MATCHED is msg_verdict_name(): empty,
 *                   no-header, binary, no-from-to-subject, unparsable;
 *                   "-" in records older than that); MESSAGE-ID is the
 *                   one the index and site use: for a duplicate without
 *                   a Message-ID, notmuch's id of the archived copy
 *                   (msg_notmuch_id()); for other messages without one,
 *                   the synthetic id (msg.h); "-" when no header was read
 *   dedupe.last     the counts of the last run, replaced atomically:
 *                   "archived N\nduplicates N\ndeleted N\n
 *                   x-no-archive N\nnot-a-message N\n"
 *   dedupe.pending  the batch being moved (a journal, replaced atomically)
 *
 * Intake. A message is archived as msg.h's intake normalisation gives it.
 * A file it leaves as it is is renamed into archive/new; any other that
 * is to be archived gets its normalised copy written in archive/tmp,
 * judged there by msg_check_file(), made durable with the batch (one
 * syncfs(2) before the batch's first rename), renamed to archive/new/NAME
 * (its incoming name), and its incoming file removed once archive/new is
 * synced.
 * A file that is not a message (msg.h, enum msg_verdict) is set aside
 * as it came.
 *
 * Crash safety. A batch (at most DEDUPE_BATCH messages) is decided and its
 * index entries appended and fsynced first; then the batch's names are
 * written to dedupe.pending, the files renamed and the folders fsynced,
 * the names appended to index.queue and fsynced, and dedupe.pending
 * removed. Killed before the renames, a rerun finds each message's own
 * entry (same identity, same name) and archives it; killed after, it
 * replays dedupe.pending into index.queue. Either way each message ends
 * exactly once in archive/. A normalised copy renamed while its source
 * is still in incoming/ is archived again under the same name (the same
 * bytes), so it may be queued twice; indexing it twice is harmless.
 */

#define DEDUPE_BATCH 2048

struct dedupe_opts {
	const char *space_dir;	    /* ROOT/spaces/KEY */
	bool archive_no_archive;    /* archive "X-No-Archive: yes" mail too */
	const char *default_source; /* see above; NULL: "unknown" */
	FILE *out;		    /* archive paths printed here, or NULL */
	char sep;		    /* after each printed path */
};

struct dedupe_stats {
	unsigned long archived, duplicates, deleted, no_archive, bad, errors;
	unsigned long not_mail[MSG_UNPARSABLE + 1]; /* bad, by msg_verdict */
};

struct dedupe_run;

/*
 * dedupe_run_open - start a run (the caller holds SPACE/state/dedupe.lock):
 * load the tombstones, replay a pending journal. Free with
 * dedupe_run_close().
 */
enum ma_status dedupe_run_open(const struct dedupe_opts *o,
			       struct dedupe_run **rp);

/*
 * dedupe_run_add - take the message at path (under SPACE/incoming; other
 * paths are refused with MA_EUSAGE, logged). Batches are flushed as they
 * fill. A message that cannot be read is counted in errors and left where
 * it is; statuses other than MA_OK stop the run.
 */
enum ma_status dedupe_run_add(struct dedupe_run *r, const char *path);

/* dedupe_run_sweep - dedupe_run_add() every message waiting in incoming/
 * and its Maildir++ sub-folders, in name order. */
enum ma_status dedupe_run_sweep(struct dedupe_run *r);

/* dedupe_run_finish - flush the last batch; write state/dedupe.last. */
enum ma_status dedupe_run_finish(struct dedupe_run *r);

/* dedupe_run_compact - after dedupe_run_finish() of a sweep, each incoming
 * folder that is empty in a directory grown large made anew
 * (maildir_compact(); an account's only while its lock is free). */
void dedupe_run_compact(struct dedupe_run *r);

/* dedupe_run_stats - the counts so far. */
const struct dedupe_stats *dedupe_run_stats(const struct dedupe_run *r);

/* dedupe_run_close - free; NULL is fine. Does not flush. */
void dedupe_run_close(struct dedupe_run *r);

/*
 * The readers below (dedupe_report.c) only read what runs wrote.
 *
 * dedupe_report - print SPACE/state/dedupe.report to out, one readable
 * line per message set aside (the latest record per file).
 */
enum ma_status dedupe_report(const char *space_dir, FILE *out);

/* What dedupe.report counts: records per reason, not-a-message by verdict. */
struct dedupe_counts {
	unsigned long duplicates, deleted, no_archive, not_mail;
	unsigned long by_verdict[MSG_UNPARSABLE + 1];
};

/*
 * dedupe_report_counts - count the records of SPACE/state/dedupe.report
 * (none when it does not exist). Returns MA_EIO, MA_ENOMEM.
 */
enum ma_status dedupe_report_counts(const char *space_dir,
				    struct dedupe_counts *c);

/*
 * dedupe_last - the counts of the last run (state/dedupe.last) into *k
 * (archived, duplicates, deleted, no_archive, bad). MA_ENOTFOUND when no
 * run wrote it.
 */
enum ma_status dedupe_last(const char *space_dir, struct dedupe_stats *k);

#endif
