/* An attachment's slot in a parsed message, taken and ended: see
 * mime_int.h. Shared by the MIME walk (mime.c) and the uudecoder
 * (mime_uu.c). */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mime_int.h"

struct mime_att *
mime_att_new(struct mime_msg *m)
{
	struct mime_att *na = realloc(m->att, (m->natt + 1) * sizeof *na);

	if (na == NULL)
		return NULL;
	m->att = na;
	memset(&na[m->natt], 0, sizeof *na);
	return &na[m->natt];
}

enum ma_status
mime_att_end(struct mime_msg *m, struct mime_att *a, enum ma_status st)
{
	if (st == MA_OK)
		st = hash_sha256_hex(a->data, a->size, a->sha256);
	if (st != MA_OK) {
		free(a->type);
		free(a->filename);
		free(a->cid);
		free(a->data);
		return st;
	}
	m->natt++;
	return MA_OK;
}
