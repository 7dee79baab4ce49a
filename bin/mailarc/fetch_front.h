#ifndef MAILARC_FETCH_FRONT_H
#define MAILARC_FETCH_FRONT_H

/*
 * fetch_timeout_env - seconds from $MAILARC_TIMEOUT (connect and I/O
 * timeouts of "mailarc fetch" and "account test"), 0 when unset or bad.
 */
long fetch_timeout_env(void);

#endif
