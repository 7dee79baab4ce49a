#include <sysexits.h>

#include "status.h"

const char *
ma_strstatus(enum ma_status s)
{
	switch (s) {
	case MA_OK:
		return "success";
	case MA_ENOMEM:
		return "out of memory";
	case MA_EIO:
		return "input/output error";
	case MA_ETEMP:
		return "temporary failure";
	case MA_EAUTH:
		return "authentication refused";
	case MA_EDATA:
		return "bad input data";
	case MA_ECONFIG:
		return "configuration error";
	case MA_ETOOBIG:
		return "too big";
	case MA_EUSAGE:
		return "usage error";
	case MA_ENOTFOUND:
		return "not found";
	case MA_EPROTO:
		return "protocol error";
	case MA_ENOPERM:
		return "permission denied";
	case MA_ENOHOST:
		return "host not found";
	case MA_ETLS:
		return "TLS failure";
	}
	return "unknown status";
}

int
ma_exitcode(enum ma_status s)
{
	switch (s) {
	case MA_OK:
		return EX_OK;
	case MA_ENOMEM:
		return EX_OSERR;
	case MA_EIO:
		return EX_IOERR;
	case MA_ETEMP:
		return EX_TEMPFAIL;
	case MA_EAUTH:
		return EX_NOPERM;
	case MA_EDATA:
		return EX_DATAERR;
	case MA_ECONFIG:
		return EX_CONFIG;
	case MA_ETOOBIG:
		return EX_DATAERR;
	case MA_EUSAGE:
		return EX_USAGE;
	case MA_ENOTFOUND:
		return EX_NOINPUT;
	case MA_EPROTO:
		return EX_PROTOCOL;
	case MA_ENOPERM:
		return EX_NOPERM;
	case MA_ENOHOST:
		return EX_NOHOST;
	case MA_ETLS:
		return EX_UNAVAILABLE;
	}
	return EX_SOFTWARE;
}

int
ma_worse(int a, int b)
{
	if (a == EX_OK)
		return b;
	if (b == EX_OK)
		return a;
	if (b == EX_SOFTWARE || b == EX_IOERR || b == EX_OSERR)
		return b;
	return a;
}
