/* The tab-separated record files: see tsv.h. */
#include <string.h>

#include "tsv.h"

size_t
tsv_split(char *line, char **fields, size_t max)
{
	char *p = line;
	size_t n = 0;

	while (n < max && p != NULL) {
		fields[n++] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	return p != NULL ? max + 1 : n;
}

char *
tsv_cut(char *line)
{
	char *tab = strchr(line, '\t');

	if (tab == NULL)
		return NULL;
	*tab = '\0';
	return tab + 1;
}
