#ifndef MA_RENDER_H
#define MA_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "status.h"

/*
 * mailarc-render's engine: the static site of a space from its notmuch
 * database and archive Maildir.
 *
 * Layout of the site (every link in it is relative, so it works from a
 * file:// URL and under any prefix of a web server):
 *
 *   index.html                space name, counts, months, latest threads
 *   style.css                 the one stylesheet
 *   feed.atom                 the latest messages
 *   YYYY/MM/index.html        a month by date (page-N.html: next pages)
 *   YYYY/MM/threads.html      a month by thread (threads-N.html)
 *   YYYY/MM/YYYY-MM.mbox      the month's messages (mboxrd)
 *   t/NAME.html               a conversation, NAME from its root
 *                             message's Message-ID (render/names.c)
 *   t/NAME.atom, .mbox        its feed and mbox
 *   m/NAME.html, m/NAME.eml   a message and its raw form (permalink.h)
 *   a/HH/SHA256.EXT           attachments, once per content
 *
 * Incremental runs: SPACE/state/render.state records the notmuch database
 * (uuid, revision), the bytes of SPACE/tombstones already applied, the
 * settings the pages show (name, description, body, images, addresses: a
 * change makes the next run a full one), and names the files beside it
 * in render.state.d/ that hold one line per message (Message-ID, thread,
 * date, attachments) a file per month, and buckets by Message-ID, thread
 * and thread name (lib/render/store.c). A run asks
 * notmuch for the messages changed since (lastmod: query), reads the new
 * tombstones, and renders only the threads they touch (with their messages
 * and the threads of their neighbours by date), the months of those
 * messages, the index and the feed. The output is the same as a full run's,
 * byte for byte: pages depend only on the database, never on the clock.
 * State is written last, after the pages are durable: a killed run is
 * redone by the next. An incremental run reads and writes only the files
 * of the months and buckets it touches.
 *
 * The engine lives in lib/render/, a file per page kind (thread.c,
 * month.c, home.c, atom.c...) around run.c; render_int.h, private to
 * that folder, says what each file offers the others.
 */

enum render_addr {
	RENDER_ADDR_FULL,	/* Name <user@example.com> */
	RENDER_ADDR_NAME,	/* Name (the local part when there is none) */
	RENDER_ADDR_OBFUSCATED, /* Name <u…@example.com> */
};

struct render_opts {
	const char *space_dir; /* SPACE: notmuch/config, tombstones, state/ */
	const char *site_dir;
	const char *key;	 /* the space key */
	const char *name;	 /* display name */
	const char *description; /* "" for none */
	bool full;		 /* rebuild everything, remove what is stale */
	bool prefer_html;	 /* body_preference = html */
	bool remote_images;	 /* remote_images = allow */
	enum render_addr addr;
	/* reply_links = yes: a Reply (mailto:) link on message pages, Cc
	 * the address of the account that brought the message; accounts
	 * as NAME, ADDRESS pairs, NULL-terminated (NULL: none). */
	bool reply_links;
	const char *const *reply_accounts;
	/* base_url: each message of the thread and month mbox files gets
	 * an Archived-At header (RFC 5064) with its permalink. NULL: none */
	const char *base_url;
	FILE *out; /* each file written, ended by sep (NULL: none) */
	char sep;  /* '\n', or '\0' for -0 */
};

struct render_stats {
	size_t messages; /* in the site after the run */
	size_t threads_rendered;
	size_t months_rendered;
	size_t files_written;
	size_t removed; /* tombstones applied */
	bool full;	/* the run was full (asked, or no usable state) */
};

/*
 * render_run - bring the site up to date. The caller holds the render
 * lock. MA_ECONFIG (logged) when the space has no notmuch database;
 * MA_EIO, MA_ETEMP (disk full), MA_ENOMEM on failure, after which every
 * local link of the site is valid (site.h: the previous site, or one
 * published part way that the next run finishes) and the next run redoes
 * the work. One message
 * that cannot be parsed is shown as such, not fatal.
 */
enum ma_status render_run(const struct render_opts *o,
			  struct render_stats *stats);

/*
 * render_thread_root - the Message-ID (as notmuch holds it; malloc'd,
 * caller frees) of the first message of the thread that holds msgid
 * (brackets optional), as the last run rendered it (from
 * SPACE/state/render.state): the thread page is t/HH/NAME.html for the
 * page NAME of that message (permalink_of_message(), permalink_stem()).
 * MA_ENOTFOUND when the site does not show the message (yet), MA_ETEMP
 * when it may once a render that rewrites the site ends (its state is
 * part way: a full run in steps, or one killed), MA_EIO, MA_ENOMEM.
 */
enum ma_status render_thread_root(const char *space_dir, const char *msgid,
				  char **rootp);

/* render_month_of - "YYYY/MM" of t in UTC into out[8]. */
void render_month_of(time_t t, char out[8]);

#endif
