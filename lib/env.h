#ifndef MA_ENV_H
#define MA_ENV_H

/*
 * env_count - the positive whole number the environment variable name
 * holds (at most max), else dflt: unset, empty, not a number, 0 or too
 * big. For the sizes tests shrink (windows, runs) to reach code paths
 * that otherwise need large archives.
 */
unsigned long env_count(const char *name, unsigned long dflt,
			unsigned long max);

#endif
