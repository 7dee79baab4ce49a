#ifndef MA_STATUS_H
#define MA_STATUS_H

/*
 * One status enum for the whole project. Append only: values are never
 * renumbered. ma_exitcode() is the only place that maps them to sysexits.
 */
enum ma_status {
	MA_OK = 0,
	MA_ENOMEM,    /* allocation failed */
	MA_EIO,	      /* a system call failed; errno was logged */
	MA_ETEMP,     /* try later: server down, lock busy, disk full */
	MA_EAUTH,     /* the server refused the login */
	MA_EDATA,     /* input is not a message we can handle */
	MA_ECONFIG,   /* missing or invalid configuration */
	MA_ETOOBIG,   /* a buffer or message hit its cap */
	MA_EUSAGE,    /* bad command line */
	MA_ENOTFOUND, /* the named object does not exist */
	MA_EPROTO,    /* the peer broke the protocol */
	MA_ENOPERM,   /* the local user may not do this */
	MA_ENOHOST,   /* the host name could not be resolved */
	MA_ETLS, /* TLS could not be negotiated or the peer is not trusted */
};

/* ma_strstatus - a static, human-readable name for s. */
const char *ma_strstatus(enum ma_status s);

/* ma_exitcode - the sysexits.h code for s (EX_OK for MA_OK). */
int ma_exitcode(enum ma_status s);

/*
 * ma_worse - the more serious of two exit codes, for commands that go on
 * after one failure and report the worst at the end. EX_OK is the least
 * serious; among failures the first one seen wins unless the other is
 * EX_SOFTWARE or EX_IOERR.
 */
int ma_worse(int a, int b);

#endif
