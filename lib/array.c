/* Capped array growth: see array.h. */
#include <stdlib.h>

#include "array.h"

void *
array_grow(void *v, size_t *capp, size_t n, size_t size, size_t first)
{
	size_t cap = *capp ? *capp : first ? first : 1;
	void *nv;

	if (n < *capp)
		return v;
	while (cap <= n && cap <= ARRAY_BYTES_MAX / size)
		cap *= 2;
	if (cap <= n || cap > ARRAY_BYTES_MAX / size)
		return NULL;
	if ((nv = realloc(v, cap * size)) == NULL)
		return NULL;
	*capp = cap;
	return nv;
}

void
array_free_strs(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
