#ifndef MAILARC_OPS_H
#define MAILARC_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "account.h"
#include "space.h"

/*
 * What "mailarc polling" and "mailarc status" share: systemd detection
 * and the names of the per-account units (systemd/mailarc-poll@.timer).
 */

/* The template the timers are instances of; the instance is SPACE/ACCOUNT
 * escaped as systemd-escape(1) does ("/" becomes "-"). */
#define POLL_UNIT_PREFIX "mailarc-poll@"

/*
 * ops_systemd_running - true when systemd is the init system, as
 * sd_booted(3) decides it: /run/systemd/system/ is a folder.
 */
bool ops_systemd_running(void);

/*
 * ops_unit_name - "mailarc-poll@INSTANCE.SUFFIX" for the account into buf
 * (suffix "timer" or "service"); false when it does not fit.
 */
bool ops_unit_name(const char *space, const char *account, const char *suffix,
		   char *buf, size_t size);

/*
 * ops_polling_effective - polling as fetch --due sees it: the account is
 * enabled and polling is on both in it and in its space.
 */
bool ops_polling_effective(const struct space *s, const struct account *a);

/* ops_space_polling - the space's "polling" (default on). */
bool ops_space_polling(const struct space *s);

#endif
