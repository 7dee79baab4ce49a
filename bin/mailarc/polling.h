#ifndef MAILARC_POLLING_H
#define MAILARC_POLLING_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "space.h"

/*
 * What polling.c ("mailarc polling") owns and "mailarc status" reads too:
 * whether polling is on for an account, systemd detection, and the names
 * of the per-account units (systemd/mailarc-poll@.timer).
 */

/* The template the timers are instances of; the instance is SPACE/ACCOUNT
 * escaped as systemd-escape(1) does ("/" becomes "-"). */
#define POLL_UNIT_PREFIX "mailarc-poll@"
/* The push unit of an account with push = yes (mailarc-watch@.service),
 * same instance names; "polling on" enables it beside the timer. */
#define WATCH_UNIT_PREFIX "mailarc-watch@"

/*
 * polling_systemd_running - true when systemd is the init system, as
 * sd_booted(3) decides it: /run/systemd/system/ is a folder.
 */
bool polling_systemd_running(void);

/*
 * polling_unit_name - "mailarc-poll@INSTANCE.SUFFIX" for the account into buf
 * (suffix "timer" or "service"); false when it does not fit.
 */
bool polling_unit_name(const char *space, const char *account,
		       const char *suffix, char *buf, size_t size);

/*
 * polling_effective - polling as fetch --due sees it: the account is
 * enabled and polling is on both in it and in its space.
 */
bool polling_effective(const struct space *s, const struct account *a);

/* polling_space_on - the space's "polling" (default on). */
bool polling_space_on(const struct space *s);

#endif
