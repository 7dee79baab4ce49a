/*
 * The end of a part's transfer decoding. gmime's decoding filter keeps
 * what it cannot decode yet between two chunks (the sextets of a base64
 * quantum, the "=X" of a quoted-printable escape), and when the stream
 * ends it drops them: a base64 body whose padding was cut off or never
 * written (2 or 3 characters after its last full quantum) lost its last
 * one or two bytes, from the download of an attachment, from the text
 * on the page and from search, and a quoted-printable body that ends in
 * "=X" lost those two characters. Readers such as Python's email
 * package keep them. The filter's complete entry is wrapped here, once
 * per process like mime_hooks.c's handlers (libnotmuch's decoding while
 * indexing included), and writes them out: two leftover sextets are one
 * byte, three are two; "=X" stays as written; a lone "=" or "=\r" at
 * the end is a soft line break, which decodes to nothing.
 */
#include <string.h>

#include "mime_int.h"

typedef void (*complete_fn)(GMimeFilter *, char *, size_t, size_t, char **,
			    size_t *, size_t *);

static complete_fn gmime_basic_complete;

/* What the decoder e kept at the end of its stream, into tail[0..2). */
static size_t
leftover(const GMimeEncoding *e, unsigned char tail[2])
{
	guint32 s = e->save;

	if (e->encode)
		return 0;
	if (e->encoding == GMIME_CONTENT_ENCODING_BASE64) {
		/* state: the sextets held (-1 once '=' ended the data). */
		if (e->state == 2) {
			tail[0] = (unsigned char)(s >> 4);
			return 1;
		}
		if (e->state == 3) {
			tail[0] = (unsigned char)(s >> 10);
			tail[1] = (unsigned char)(s >> 2);
			return 2;
		}
		return 0;
	}
	if (e->encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    e->state == 2 && s != '\r') {
		/* state 2: "=" and one character (save) were read. */
		tail[0] = '=';
		tail[1] = (unsigned char)s;
		return 2;
	}
	return 0;
}

static void
basic_complete(GMimeFilter *f, char *in, size_t n, size_t pre, char **out,
	       size_t *outlen, size_t *outpre)
{
	GMimeEncoding *e = &GMIME_FILTER_BASIC(f)->encoder;
	unsigned char tail[2];
	size_t k;

	gmime_basic_complete(f, in, n, pre, out, outlen, outpre);
	/* gmime's own entry wrote into the filter's buffer: the tail goes
	 * after it, in the same buffer, grown keeping what it holds. */
	if (*out != f->outbuf || (k = leftover(e, tail)) == 0)
		return;
	g_mime_filter_set_size(f, *outlen + k, TRUE);
	memcpy(f->outbuf + *outlen, tail, k);
	*out = f->outbuf;
	*outlen += k;
	*outpre = f->outpre;
	e->state = 0;
	e->save = 0;
}

void
mime_decode_end_init(void)
{
	GMimeFilterClass *klass = g_type_class_ref(GMIME_TYPE_FILTER_BASIC);

	/* Kept referenced for the life of the process. */
	gmime_basic_complete = klass->complete;
	klass->complete = basic_complete;
}
