/* Numbers from the environment (env.h). */
#include <errno.h>
#include <stdlib.h>

#include "env.h"

unsigned long
env_count(const char *name, unsigned long dflt, unsigned long max)
{
	const char *v = getenv(name);
	unsigned long n;
	char *end;

	if (v == NULL || *v < '0' || *v > '9')
		return dflt;
	errno = 0;
	n = strtoul(v, &end, 10);
	return errno != 0 || *end != '\0' || n < 1 || n > max ? dflt : n;
}
