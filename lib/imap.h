#ifndef MA_IMAP_H
#define MA_IMAP_H

#include <stddef.h>

#include "account.h"
#include "buf.h"
#include "fetch_conn.h"
#include "fetch_sink.h"
#include "status.h"

/*
 * IMAP4rev1 (RFC 3501) over a logged-in fetch_conn: the fetch of an
 * account's folders (imap_run()), and the commands "Test Connection"
 * needs besides.
 */

/*
 * imap_run - fetch what is new in each of a's folders (folder = *: those
 * imap_folder_pick() chooses) into sink (which says,
 * through sink->st, what was taken before), then delete on the server what is
 * durable when a->delete_on_server. A missing folder does not stop the
 * others and gives MA_ENOTFOUND at the end; a broken session stops the run
 * (MA_ETEMP, MA_EPROTO). What was committed but not flushed is left in sink.
 */
enum ma_status imap_run(struct fetch_conn *c, const struct account *a,
			struct fetch_sink *sink);

/* Folder attributes from LIST (RFC 3501 7.2.2, RFC 6154). */
#define IMAP_FOLDER_NOSELECT 0x01u /* \Noselect or \NonExistent */
#define IMAP_FOLDER_ALL	     0x02u
#define IMAP_FOLDER_ARCHIVE  0x04u
#define IMAP_FOLDER_DRAFTS   0x08u
#define IMAP_FOLDER_FLAGGED  0x10u
#define IMAP_FOLDER_JUNK     0x20u
#define IMAP_FOLDER_SENT     0x40u
#define IMAP_FOLDER_TRASH    0x80u
/* The name is not valid modified UTF-7 (or UTF-8) or holds a control
 * character: it is shown as sent, and never fetched by folder = *. */
#define IMAP_FOLDER_BADNAME 0x100u

/* Bounds on what a server's LIST can make us hold. */
#define IMAP_FOLDER_NAME_MAX 1024
#define IMAP_FOLDERS_MAX     65536

struct imap_folder {
	char *name;	/* UTF-8 (the wire name when BADNAME) */
	char *wire;	/* as the server sent it */
	unsigned flags; /* IMAP_FOLDER_* */
};

/*
 * imap_list_folders - every folder the server has (LIST "" "*", with
 * RETURN (SPECIAL-USE) when the server has LIST-EXTENDED), in the
 * server's order. On MA_OK *fp (n entries) is the caller's, freed with
 * imap_folders_free(). Statuses: MA_EPROTO, MA_ETEMP, MA_ENOMEM,
 * MA_ETOOBIG (more than IMAP_FOLDERS_MAX).
 */
enum ma_status imap_list_folders(struct fetch_conn *c, struct imap_folder **fp,
				 size_t *np);

/* imap_folders_free - free what imap_list_folders() gave; NULL is fine. */
void imap_folders_free(struct imap_folder *f, size_t n);

/*
 * imap_folder_flags_format - the special-use flags as "\Sent \Junk"
 * ("" for none) into out. MA_ETOOBIG when out is too small.
 */
enum ma_status imap_folder_flags_format(unsigned flags, char *out, size_t size);

/*
 * imap_folder_pick - for folder = *: the folders to archive from a
 * listing. The \All folders alone when there are any (Gmail's All Mail
 * holds every message once; the others would be copies); otherwise every
 * selectable folder but \Junk and \Trash. Writes the indexes into
 * idx (n entries at most) and returns how many.
 */
size_t imap_folder_pick(const struct imap_folder *f, size_t n, size_t *idx);

/* imap_capabilities - the CAPABILITY list after login, into caps. */
enum ma_status imap_capabilities(struct fetch_conn *c, struct buf *caps);

/*
 * imap_examine - open folder read-only; *existsp is its message count.
 * A folder the server does not have is MA_ENOTFOUND (logged).
 */
enum ma_status imap_examine(struct fetch_conn *c, const char *folder,
			    unsigned long *existsp,
			    unsigned long *uidvalidityp);

/* imap_logout - say goodbye (errors ignored: the work is done). */
void imap_logout(struct fetch_conn *c);

#endif
